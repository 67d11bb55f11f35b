package network

import (
	"math"
	"slices"
	"strconv"

	"github.com/qualgraph/qualgraph/coding"
)

// Qualifier is the rule for the polarity of statements (DNA's "qualifier
// aggregation"). See the package documentation for the formulas.
type Qualifier string

// The qualifier aggregations. TwoMode accepts Ignore, Combine and Subtract
// (default Ignore); ActorNetwork and ConceptNetwork accept Ignore,
// Congruence, Conflict and Subtract (default Congruence).
const (
	Ignore     Qualifier = "ignore"
	Combine    Qualifier = "combine"
	Congruence Qualifier = "congruence"
	Conflict   Qualifier = "conflict"
	Subtract   Qualifier = "subtract"
)

// Normalization divides edge weights by a measure of the nodes' activity.
// See the package documentation for the formulas.
type Normalization string

// The normalizations. TwoMode accepts NoNormalization, Activity and
// Prominence; ActorNetwork and ConceptNetwork accept NoNormalization,
// Average, Jaccard and Cosine. The zero value is NoNormalization.
const (
	NoNormalization Normalization = "no"
	Average         Normalization = "average"
	Jaccard         Normalization = "jaccard"
	Cosine          Normalization = "cosine"
	Activity        Normalization = "activity"
	Prominence      Normalization = "prominence"
)

// Duplicates says which repeated statements count. Two statements are
// identical when they have the same actor, concept and polarity.
type Duplicates string

// The duplicate rules. The zero value is DuplicatesInclude.
const (
	DuplicatesInclude  Duplicates = "include"  // every statement counts
	DuplicatesDocument Duplicates = "document" // one identical statement per document
	DuplicatesOnce     Duplicates = "once"     // one identical statement in the whole input (DNA's "acrossrange")
)

// Options control the discourse networks (TwoMode, ActorNetwork,
// ConceptNetwork). The zero value gives DNA's defaults: qualifier Ignore
// for two-mode and Congruence for one-mode networks, no normalization,
// every statement counted.
type Options struct {
	Qualifier     Qualifier
	Normalization Normalization
	Duplicates    Duplicates
	// Actors and Concepts list nodes to include even when no statement of
	// the input names them (DNA's "isolates"). Pass Actors(all) and
	// Concepts(all) when building one network per time window, so that
	// every window has the same nodes. ActorNetwork uses only Actors,
	// ConceptNetwork only Concepts, TwoMode both.
	Actors   []string
	Concepts []string
}

// cell holds one actor's statements on one concept: counts (after the
// duplicate rule) and assertion ids (all of them) per polarity, index 0
// positive and 1 negative.
type cell struct {
	n   [2]float64
	ids [2][]string
}

func (c *cell) total() float64 { return c.n[0] + c.n[1] }

// table is the actor × concept × polarity array, rows and columns sorted.
type table struct {
	rows, cols []string
	cells      map[string]map[string]*cell // row → column → cell
}

func (t *table) activity(row string) float64 {
	var a float64
	for _, c := range t.cells[row] {
		a += c.total()
	}
	return a
}

func (t *table) transpose() *table {
	u := &table{rows: t.cols, cols: t.rows, cells: make(map[string]map[string]*cell, len(t.cols))}
	for r, m := range t.cells {
		for c, x := range m {
			if u.cells[c] == nil {
				u.cells[c] = make(map[string]*cell)
			}
			u.cells[c][r] = x
		}
	}
	return u
}

func polarityIndex(p coding.Polarity) int {
	switch p {
	case coding.Positive:
		return 0
	case coding.Negative:
		return 1
	}
	return -1
}

// buildTable checks stmts and counts them under the duplicate rule.
func buildTable(stmts []Statement, dup Duplicates) (*table, error) {
	switch dup {
	case "", DuplicatesInclude, DuplicatesDocument, DuplicatesOnce:
	default:
		return nil, &OptionError{Option: "duplicates", Value: string(dup), Err: ErrOption,
			Allowed: []string{string(DuplicatesInclude), string(DuplicatesDocument), string(DuplicatesOnce)}}
	}
	type key struct {
		actor, concept, doc string
		pol                 int
	}
	seen := make(map[key]bool)
	t := &table{cells: make(map[string]map[string]*cell)}
	rows, cols := make(map[string]bool), make(map[string]bool)
	for i, s := range stmts {
		switch {
		case s.Actor == "":
			return nil, &StatementError{Index: i, Assertion: s.Assertion, Err: ErrMissingField, Detail: "the actor is empty"}
		case s.Concept == "":
			return nil, &StatementError{Index: i, Assertion: s.Assertion, Err: ErrMissingField, Detail: "the concept is empty"}
		}
		p := polarityIndex(s.Polarity)
		if p < 0 {
			return nil, &StatementError{Index: i, Assertion: s.Assertion, Err: ErrPolarity, Detail: "got " + strconv.Quote(string(s.Polarity))}
		}
		rows[s.Actor], cols[s.Concept] = true, true
		m := t.cells[s.Actor]
		if m == nil {
			m = make(map[string]*cell)
			t.cells[s.Actor] = m
		}
		c := m[s.Concept]
		if c == nil {
			c = &cell{}
			m[s.Concept] = c
		}
		if s.Assertion != "" {
			c.ids[p] = append(c.ids[p], s.Assertion)
		}
		k := key{actor: s.Actor, concept: s.Concept, pol: p}
		switch dup {
		case DuplicatesDocument:
			k.doc = s.Doc
		case "", DuplicatesInclude:
			c.n[p]++
			continue
		}
		if !seen[k] {
			seen[k] = true
			c.n[p]++
		}
	}
	t.rows, t.cols = sortedKeys(rows), sortedKeys(cols)
	return t, nil
}

// TwoMode returns the actor × concept network of stmts (DNA's two-mode or
// affiliation network): an undirected edge from each actor to each concept
// the actor made a statement on. With a⁺ and a⁻ the actor's positive and
// negative statements on the concept (after opt.Duplicates):
//
//	Ignore:   w = a⁺ + a⁻
//	Subtract: w = a⁺ − a⁻ (an actor as often for as against gets no edge)
//	Combine:  w = 1 if only a⁺ > 0, 2 if only a⁻ > 0, 3 if both;
//	          Edge.Qualifier is "positive", "negative" or "both"
//
// Every edge keeps a⁺ and a⁻ in Positive and Negative. Normalization
// Activity divides w by the actor's number of statements (Σ over concepts
// of a⁺ + a⁻), Prominence by the concept's number of statements; neither
// is accepted with Combine, whose weights are codes, not counts.
//
// TwoMode returns a *StatementError for a statement with an empty actor or
// concept or a polarity other than positive or negative, an *OptionError
// for an option it does not accept, and a *StatementError wrapping
// ErrModeClash if an id is used both as an actor and as a concept.
func TwoMode(stmts []Statement, meta Meta, opt Options) (*Network, error) {
	q, nz := opt.Qualifier, opt.Normalization
	if q == "" {
		q = Ignore
	}
	if nz == "" {
		nz = NoNormalization
	}
	if q != Ignore && q != Combine && q != Subtract {
		return nil, &OptionError{Option: "qualifier", Value: string(q), Err: ErrOption,
			Allowed: []string{string(Ignore), string(Combine), string(Subtract)}}
	}
	if nz != NoNormalization && nz != Activity && nz != Prominence || q == Combine && nz != NoNormalization {
		e := &OptionError{Option: "normalization", Value: string(nz), Err: ErrOption,
			Allowed: []string{string(NoNormalization), string(Activity), string(Prominence)}}
		if q == Combine {
			// Combine's weights are codes (1, 2, 3), not counts.
			e.Option, e.Allowed = "normalization with qualifier combine", e.Allowed[:1]
		}
		return nil, e
	}
	t, err := buildTable(stmts, opt.Duplicates)
	if err != nil {
		return nil, err
	}
	actors := make(map[string]int)
	for i, s := range stmts {
		actors[s.Actor] = i
	}
	for i, s := range stmts {
		if j, ok := actors[s.Concept]; ok {
			return nil, &StatementError{Index: i, Assertion: s.Assertion, Err: ErrModeClash,
				Detail: strconv.Quote(s.Concept) + " is the actor of statement " + strconv.Itoa(j) + "; give actors and concepts distinct ids"}
		}
	}
	ct := t.transpose()
	prom := make(map[string]float64, len(t.cols)) // concepts' activity
	for _, c := range t.cols {
		prom[c] = ct.activity(c)
	}
	n := &Network{Kind: TwoModeKind, Qualifier: q, Normalization: nz}
	for _, r := range t.rows {
		nd := meta.node(r, ModeActor)
		act := t.activity(r)
		nd.Frequency = int(act)
		n.Nodes = append(n.Nodes, nd)
		cols := make([]string, 0, len(t.cells[r]))
		for c := range t.cells[r] {
			cols = append(cols, c)
		}
		slices.Sort(cols)
		for _, c := range cols {
			x := t.cells[r][c]
			e := Edge{Source: r, Target: c, Qualifier: string(q),
				Positive: int(x.n[0]), Negative: int(x.n[1]), Assertions: assertionIDs(x, 0, 1)}
			switch q {
			case Ignore:
				e.Weight = x.n[0] + x.n[1]
			case Subtract:
				e.Weight = x.n[0] - x.n[1]
			case Combine:
				switch {
				case x.n[0] > 0 && x.n[1] > 0:
					e.Weight, e.Qualifier = 3, "both"
				case x.n[0] > 0:
					e.Weight, e.Qualifier = 1, "positive"
				case x.n[1] > 0:
					e.Weight, e.Qualifier = 2, "negative"
				}
			}
			var d float64 = 1
			switch nz {
			case Activity:
				d = act
			case Prominence:
				d = prom[c]
			}
			if d == 0 {
				continue
			}
			e.Weight /= d
			if e.Weight != 0 {
				n.Edges = append(n.Edges, e)
			}
		}
	}
	for _, c := range t.cols {
		nd := meta.node(c, ModeConcept)
		nd.Frequency = int(prom[c])
		n.Nodes = append(n.Nodes, nd)
	}
	addIsolates(n, opt.Actors, meta, ModeActor)
	addIsolates(n, opt.Concepts, meta, ModeConcept)
	n.sort()
	return n, nil
}

// ActorNetwork returns the one-mode network of actors tied by the concepts
// they made statements on (DNA's one-mode network "via concept"). See the
// package documentation for the weight of each qualifier and
// normalization. It returns the errors TwoMode returns, except
// ErrModeClash.
func ActorNetwork(stmts []Statement, meta Meta, opt Options) (*Network, error) {
	t, q, nz, err := oneModeTable(stmts, opt)
	if err != nil {
		return nil, err
	}
	n := oneMode(t, q, nz, meta, ModeActor)
	n.Kind = ActorKind
	addIsolates(n, opt.Actors, meta, ModeActor)
	n.sort()
	return n, nil
}

// ConceptNetwork returns the one-mode network of concepts tied by the
// actors who made statements on both: the dual of ActorNetwork, with the
// same formulas and roles swapped. Under Congruence two concepts are tied
// when actors take the same stance on both; under Conflict when actors
// support one and oppose the other. It returns the errors ActorNetwork
// returns.
func ConceptNetwork(stmts []Statement, meta Meta, opt Options) (*Network, error) {
	t, q, nz, err := oneModeTable(stmts, opt)
	if err != nil {
		return nil, err
	}
	n := oneMode(t.transpose(), q, nz, meta, ModeConcept)
	n.Kind = ConceptKind
	addIsolates(n, opt.Concepts, meta, ModeConcept)
	n.sort()
	return n, nil
}

func oneModeTable(stmts []Statement, opt Options) (*table, Qualifier, Normalization, error) {
	q, nz := opt.Qualifier, opt.Normalization
	if q == "" {
		q = Congruence
	}
	if nz == "" {
		nz = NoNormalization
	}
	switch q {
	case Ignore, Congruence, Conflict, Subtract:
	default:
		return nil, "", "", &OptionError{Option: "qualifier", Value: string(q), Err: ErrOption,
			Allowed: []string{string(Ignore), string(Congruence), string(Conflict), string(Subtract)}}
	}
	switch nz {
	case NoNormalization, Average, Jaccard, Cosine:
	default:
		return nil, "", "", &OptionError{Option: "normalization", Value: string(nz), Err: ErrOption,
			Allowed: []string{string(NoNormalization), string(Average), string(Jaccard), string(Cosine)}}
	}
	t, err := buildTable(stmts, opt.Duplicates)
	return t, q, nz, err
}

// rowStats holds what the normalizations need of one row: its activity,
// its non-zero entries (indexed by (column, polarity), or by column alone
// when polarity is collapsed) and their sum of squares.
type rowStats struct {
	act, sq float64
	vec     map[vkey]float64
}

type vkey struct {
	col string
	pol int // 0 or 1; always 0 when polarity is collapsed
}

func stats(row map[string]*cell, collapse bool) rowStats {
	st := rowStats{vec: make(map[vkey]float64)}
	for c, x := range row {
		st.act += x.total()
		if collapse {
			if v := x.total(); v != 0 {
				st.vec[vkey{col: c}] = v
			}
			continue
		}
		for p := 0; p < 2; p++ {
			if x.n[p] != 0 {
				st.vec[vkey{c, p}] = x.n[p]
			}
		}
	}
	for _, v := range st.vec {
		st.sq += v * v
	}
	return st
}

// norm returns the denominator of normalization nz for rows with stats a
// and b. Jaccard's m10 + m01 + m11 is computed as
// Σx + Σy − Σ_shared (x_k + y_k) + Σ_shared x_k·y_k, which needs only the
// shared cells.
func norm(a, b rowStats, nz Normalization) float64 {
	switch nz {
	case Average:
		return (a.act + b.act) / 2
	case Jaccard:
		d := a.act + b.act
		for k, x := range a.vec {
			if y := b.vec[k]; y != 0 {
				d += x*y - x - y
			}
		}
		return d
	case Cosine:
		return math.Sqrt(a.sq) * math.Sqrt(b.sq)
	}
	return 1
}

// oneMode computes the one-mode network over the rows of t.
func oneMode(t *table, q Qualifier, nz Normalization, meta Meta, mode string) *Network {
	n := &Network{Qualifier: q, Normalization: nz}
	st := make(map[string]rowStats, len(t.rows))
	for _, r := range t.rows {
		st[r] = stats(t.cells[r], q == Ignore)
		nd := meta.node(r, mode)
		nd.Frequency = int(st[r].act)
		n.Nodes = append(n.Nodes, nd)
	}
	for i, a := range t.rows {
		for _, b := range t.rows[i+1:] {
			e, ok := pairEdge(t.cells[a], t.cells[b], q)
			if !ok {
				continue
			}
			e.Source, e.Target = a, b
			if nz != NoNormalization {
				d := norm(st[a], st[b], nz)
				if d == 0 {
					continue
				}
				e.Weight /= d
			}
			if e.Weight != 0 {
				n.Edges = append(n.Edges, e)
			}
		}
	}
	return n
}

// pairEdge computes the unnormalized tie between rows ra and rb, and
// whether any column links them.
func pairEdge(ra, rb map[string]*cell, q Qualifier) (Edge, bool) {
	if len(rb) < len(ra) {
		ra, rb = rb, ra // iterate the shorter row; the weight is symmetric
	}
	var (
		num      float64
		via, ids []string
	)
	for c, x := range ra {
		y := rb[c]
		if y == nil {
			continue
		}
		linked := false
		for p := 0; p < 2; p++ {
			for r := 0; r < 2; r++ {
				v := x.n[p] * y.n[r]
				same := p == r
				if v == 0 || q == Congruence && !same || q == Conflict && same {
					continue
				}
				if same || q != Subtract {
					num += v // ignore counts both; congruence and conflict were filtered above
				} else {
					num -= v
				}
				linked = true
				ids = append(ids, x.ids[p]...)
				ids = append(ids, y.ids[r]...)
			}
		}
		if linked {
			via = append(via, c)
		}
	}
	if len(via) == 0 {
		return Edge{}, false
	}
	slices.Sort(via)
	slices.Sort(ids)
	return Edge{Weight: num, Qualifier: string(q), Via: via, Assertions: slices.Compact(ids)}, true
}

func assertionIDs(c *cell, pols ...int) []string {
	ids := make(map[string]bool)
	for _, p := range pols {
		for _, id := range c.ids[p] {
			ids[id] = true
		}
	}
	return sortedKeys(ids)
}

func addIsolates(n *Network, ids []string, meta Meta, mode string) {
	have := make(map[string]bool, len(n.Nodes))
	for _, nd := range n.Nodes {
		if nd.Mode == mode {
			have[nd.ID] = true
		}
	}
	for _, id := range ids {
		if id != "" && !have[id] {
			have[id] = true
			n.Nodes = append(n.Nodes, meta.node(id, mode))
		}
	}
}
