package coding

import (
	"cmp"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Queries over a View. They are pure: they read the records of a View (as
// the project's projection or a store's View returns them) and never a
// store; what they need from elsewhere (document attributes, the text of
// evidence) the caller passes in as functions.
//
// The actor graph that Neighbors and ShortestPath walk has a node for each
// entity and an edge for each assertion that is not retracted, followed in
// either direction. An assertion whose object is a concept (Object
// "class:ID") ends at a concept node: it is reported as a neighbour but
// never walked through, since two actors taking a position on the same
// concept are not thereby related.

// ErrNoPath is wrapped by the error ShortestPath returns when two entities
// are not connected.
var ErrNoPath = errors.New("no path")

// ConceptPrefix marks an assertion object that is a concept (an ontology
// class or emergent code) rather than an entity.
const ConceptPrefix = "class:"

// ConceptType is the type that Links and Neighbors give a concept, where
// they give an entity its class.
const ConceptType = "concept"

// Directions of an edge of the actor graph, relative to the node it is
// followed from: DirOut follows an assertion from its subject to its
// object, DirIn from its object back to its subject.
const (
	DirOut = "out"
	DirIn  = "in"
)

// IsConcept reports whether an assertion object names a concept, and
// returns the concept's class id.
func IsConcept(object string) (string, bool) { return strings.CutPrefix(object, ConceptPrefix) }

// LinkFilter selects the assertions that Links aggregates. A zero field
// selects everything. Class filters include subclasses.
type LinkFilter struct {
	From     string            // class of the subject
	To       string            // class of the object: an entity's type, or the concept itself
	Relation string            // relation id
	Practice string            // practice of the assertion
	Phase    string            // cluster phase of the assertion
	Attrs    map[string]string // some evidence document has every one of these attributes
	Coder    string            // who coded the assertion
}

// Check returns an error if f names a class or relation that cb does not
// know (an *UnknownError listing the nearest ids), a subject class that
// is not an actor (ErrNotActor), a practice outside the
// Practice branch (ErrNotPractice) or a phase outside the ClusterPhase
// branch (ErrNotPhase).
func (f LinkFilter) Check(cb *Codebook) error {
	for _, c := range []string{f.From, f.To, f.Practice, f.Phase} {
		if c != "" {
			if err := cb.CheckCode(c); err != nil {
				return err
			}
		}
	}
	if f.Relation != "" {
		if _, ok := cb.Relation(f.Relation); !ok {
			return &UnknownError{What: "relation", ID: f.Relation, Nearest: cb.NearestRelation(f.Relation, 3), Known: cb.RelationIDs(), Err: ErrUnknownRelation}
		}
	}
	if f.From != "" && !cb.IsA(f.From, RootActor) {
		return &RuleError{Msg: fmt.Sprintf("--from %s: %v; subjects are actors", f.From, ErrNotActor), Allowed: cb.Descendants(RootActor), Err: ErrNotActor}
	}
	if f.Practice != "" && !cb.IsA(f.Practice, RootPractice) {
		return &RuleError{Msg: fmt.Sprintf("%s is not a practice", f.Practice), Allowed: cb.Descendants(RootPractice), Err: ErrNotPractice}
	}
	if f.Phase != "" && !cb.IsA(f.Phase, RootPhase) {
		return &RuleError{Msg: fmt.Sprintf("%s is not a cluster phase", f.Phase), Allowed: cb.Descendants(RootPhase), Err: ErrNotPhase}
	}
	return nil
}

// Link is the set of assertions that state one relation between one
// subject and one object.
type Link struct {
	Subject     string         `json:"subject"`
	SubjectType string         `json:"subject_type"`
	Relation    string         `json:"relation"`
	Object      string         `json:"object"`      // entity id, or concept id without "class:"
	ObjectType  string         `json:"object_type"` // entity class, or ConceptType
	Assertions  int            `json:"assertions"`  // how many assertions state it
	Documents   int            `json:"documents"`   // distinct documents of their evidence
	Coders      int            `json:"coders"`      // distinct coders
	Practices   []string       `json:"practices"`   // distinct practices, sorted
	Evidence    []LinkEvidence `json:"evidence"`    // by assertion (in creation order), then as coded
}

// LinkEvidence is one evidence span of a link: which assertion it grounds,
// where it is and what it says.
type LinkEvidence struct {
	Assertion string `json:"assertion"`
	Doc       string `json:"doc"`
	Start     int    `json:"start"`
	End       int    `json:"end"`
	Text      string `json:"text"`
}

// Links aggregates the assertions of v that are not retracted and pass f
// by (subject, relation, object). Class filters use cb's hierarchy (with
// a nil cb, classes must match exactly). docAttrs returns a document's
// attributes (canonical text values); it is called only when f.Attrs is
// set, once per document. quote returns the text of an evidence span; it
// is called for each span of each assertion aggregated, in the order of
// the assertions (creation order) and of their evidence. It may be nil,
// leaving Text empty.
//
// Links are sorted by number of assertions (most first), then subject,
// relation and object. Practices and Evidence are never nil.
func Links(v *View, cb *Codebook, f LinkFilter, docAttrs func(doc string) map[string]string, quote func(Span) string) []Link {
	p := planLinks(v, cb, f, docAttrs, quote)
	// The evidence and practices of all links share two arrays, cut with
	// full slice expressions.
	links := make([]Link, len(p.order))
	evs := make([]LinkEvidence, 0, p.evidence)
	practices := make([]string, 0, len(p.sel))
	var docs, coders []string
	for i, k := range p.order {
		ev0, pr0 := len(evs), len(practices)
		evs, practices, docs, coders = p.link(int(k), &links[i], evs, practices, docs[:0], coders[:0])
		links[i].Evidence = evs[ev0:len(evs):len(evs)]
		links[i].Practices = practices[pr0:len(practices):len(practices)]
	}
	return links
}

// LinksSeq returns the links that Links returns, in the same order, as a
// sequence that does not hold them all: a writer of a large result needs
// memory for one link at a time. Each Link, its Practices and Evidence,
// are valid only until the next one is yielded. When the sequence is
// ranged over, it selects and groups the assertions, calling docAttrs and
// quote, before it yields the first link.
func LinksSeq(v *View, cb *Codebook, f LinkFilter, docAttrs func(doc string) map[string]string, quote func(Span) string) iter.Seq[*Link] {
	return func(yield func(*Link) bool) { eachLink(planLinks(v, cb, f, docAttrs, quote), yield) }
}

func eachLink(p *linkPlan, yield func(*Link) bool) {
	var (
		l              Link
		evs            []LinkEvidence
		practices      = []string{}
		docs, coders   []string
		emptyEvs       = []LinkEvidence{}
		emptyPractices = []string{}
	)
	for _, k := range p.order {
		evs, practices, docs, coders = p.link(int(k), &l, evs[:0], practices[:0], docs[:0], coders[:0])
		l.Evidence, l.Practices = evs, practices
		if len(evs) == 0 {
			l.Evidence = emptyEvs
		}
		if len(practices) == 0 {
			l.Practices = emptyPractices
		}
		if !yield(&l) {
			return
		}
	}
}

// linkPlan is how Links groups the assertions it aggregates. It groups
// them by sorting, not hashing: each selected assertion gets numbers for
// its subject, relation and object, which become ranks in the order of
// their ids, and sorting the numbers puts a link's assertions together in
// creation order and the links in (subject, relation, object) order.
// That is several times faster than a map of string keys and a sort that
// compares strings.
type linkPlan struct {
	v        *View
	sel      []linkMember // sorted by (s, r, o, i)
	runs     []int32      // run k, a link, is sel[runs[k]:runs[k+1]]
	order    []int32      // the runs in the order of the links
	nodeType []string     // by node rank: an entity's class, else ""
	texts    []string     // the quotes of the evidence of sel, in creation order
	quoted   bool
	evidence int // evidence spans in all
}

// linkMember is an assertion that a link aggregates: the ranks of its
// subject, relation and object, its index in View.Assertions, and where
// the quotes of its evidence start in linkPlan.texts.
type linkMember struct{ s, r, o, i, t int32 }

func planLinks(v *View, cb *Codebook, f LinkFilter, docAttrs func(doc string) map[string]string, quote func(Span) string) *linkPlan {
	types := entityTypeMap(v)
	isA := classTest(cb)
	docOK := map[string]bool{}
	attrsOK := func(a *Assertion) bool {
		if len(f.Attrs) == 0 {
			return true
		}
		for _, e := range a.Evidence {
			ok, seen := docOK[e.Doc]
			if !seen {
				ok = hasAttrs(docAttrs, e.Doc, f.Attrs)
				docOK[e.Doc] = ok
			}
			if ok {
				return true
			}
		}
		return false
	}
	p := &linkPlan{v: v, sel: make([]linkMember, 0, len(v.Assertions)), quoted: quote != nil}
	if quote != nil {
		p.texts = make([]string, 0, len(v.Assertions))
	}
	nodes := map[string]int32{} // subject, or object without "class:"
	rels := map[string]int32{}
	var nodeNames, relNames []string
	number := func(m map[string]int32, names *[]string, id string) int32 {
		n, ok := m[id]
		if !ok {
			n = int32(len(*names))
			m[id] = n
			*names = append(*names, id)
		}
		return n
	}
	for i := range v.Assertions {
		a := &v.Assertions[i]
		if a.Retracted || f.Relation != "" && a.Relation != f.Relation || f.Coder != "" && a.Coder != f.Coder {
			continue
		}
		object, oclass := a.Object, ""
		if c, ok := IsConcept(a.Object); ok {
			object, oclass = c, c
		} else if f.To != "" {
			oclass = types[a.Object]
		}
		if f.From != "" && !isA(types[a.Subject], f.From) || f.To != "" && !isA(oclass, f.To) ||
			f.Practice != "" && (a.Practice == "" || !isA(a.Practice, f.Practice)) ||
			f.Phase != "" && (a.Phase == "" || !isA(a.Phase, f.Phase)) || !attrsOK(a) {
			continue
		}
		p.sel = append(p.sel, linkMember{number(nodes, &nodeNames, a.Subject), number(rels, &relNames, a.Relation),
			number(nodes, &nodeNames, object), int32(i), int32(len(p.texts))})
		p.evidence += len(a.Evidence)
		if quote != nil {
			for _, e := range a.Evidence {
				p.texts = append(p.texts, quote(e))
			}
		}
	}
	nodeRank, relRank := ranks(nodeNames), ranks(relNames)
	for k := range p.sel {
		m := &p.sel[k]
		m.s, m.r, m.o = nodeRank[m.s], relRank[m.r], nodeRank[m.o]
	}
	slices.SortFunc(p.sel, func(x, y linkMember) int {
		switch {
		case x.s != y.s:
			return int(x.s - y.s)
		case x.r != y.r:
			return int(x.r - y.r)
		case x.o != y.o:
			return int(x.o - y.o)
		}
		return int(x.i - y.i)
	})
	p.nodeType = make([]string, len(nodeNames))
	for n, name := range nodeNames {
		p.nodeType[nodeRank[n]] = types[name]
	}

	// A link per run of equal (s, r, o), most assertions first: the runs
	// are in (subject, relation, object) order already, and a counting
	// sort keeps that order among links of as many assertions.
	sel := p.sel
	most := 0
	for lo := 0; lo < len(sel); {
		hi := lo + 1
		for hi < len(sel) && sel[hi].s == sel[lo].s && sel[hi].r == sel[lo].r && sel[hi].o == sel[lo].o {
			hi++
		}
		p.runs = append(p.runs, int32(lo))
		most = max(most, hi-lo)
		lo = hi
	}
	p.runs = append(p.runs, int32(len(sel)))
	next := make([]int, most+1) // next[n]: where the next link of n assertions goes
	for k := 0; k+1 < len(p.runs); k++ {
		next[p.runs[k+1]-p.runs[k]]++
	}
	for n, at := most, 0; n >= 1; n-- {
		next[n], at = at, at+next[n]
	}
	p.order = make([]int32, len(p.runs)-1)
	for k := range p.order {
		n := p.runs[k+1] - p.runs[k]
		p.order[next[n]] = int32(k)
		next[n]++
	}
	return p
}

// link fills l with run k but for its Evidence and Practices, which it
// appends to evs and practices (sorted); docs and coders are scratch.
func (p *linkPlan) link(k int, l *Link, evs []LinkEvidence, practices, docs, coders []string) ([]LinkEvidence, []string, []string, []string) {
	group := p.sel[p.runs[k]:p.runs[k+1]]
	first := &p.v.Assertions[group[0].i]
	*l = Link{Subject: first.Subject, SubjectType: p.nodeType[group[0].s], Relation: first.Relation,
		Object: first.Object, ObjectType: p.nodeType[group[0].o], Assertions: len(group)}
	if c, ok := IsConcept(first.Object); ok {
		l.Object, l.ObjectType = c, ConceptType
	}
	pr0 := len(practices)
	for _, m := range group {
		a := &p.v.Assertions[m.i]
		coders = addDistinct(coders, a.Coder)
		if a.Practice != "" && !slices.Contains(practices[pr0:], a.Practice) {
			practices = append(practices, a.Practice)
		}
		for j, e := range a.Evidence {
			docs = addDistinct(docs, e.Doc)
			ev := LinkEvidence{Assertion: a.ID, Doc: e.Doc, Start: e.Start, End: e.End}
			if p.quoted {
				ev.Text = p.texts[int(m.t)+j]
			}
			evs = append(evs, ev)
		}
	}
	slices.Sort(practices[pr0:])
	l.Documents, l.Coders = len(docs), len(coders)
	return evs, practices, docs, coders
}

// ranks returns the rank of each of ids in their sorted order.
func ranks(ids []string) []int32 {
	order := make([]int32, len(ids))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return strings.Compare(ids[a], ids[b]) })
	rank := make([]int32, len(ids))
	for r, i := range order {
		rank[i] = int32(r)
	}
	return rank
}

func addDistinct(xs []string, x string) []string {
	if slices.Contains(xs, x) {
		return xs
	}
	return append(xs, x)
}

func hasAttrs(docAttrs func(string) map[string]string, doc string, want map[string]string) bool {
	if docAttrs == nil {
		return false
	}
	have := docAttrs(doc)
	for k, v := range want {
		if got, ok := have[k]; !ok || got != v {
			return false
		}
	}
	return true
}

// classTest returns IsA over cb's hierarchy, caching answers; with a nil
// cb classes must be equal.
func classTest(cb *Codebook) func(class, ancestor string) bool {
	if cb == nil {
		return func(c, a string) bool { return c == a }
	}
	type pair struct{ c, a string }
	memo := map[pair]bool{}
	return func(c, a string) bool {
		k := pair{c, a}
		ok, seen := memo[k]
		if !seen {
			ok = cb.IsA(c, a)
			memo[k] = ok
		}
		return ok
	}
}

func entityTypeMap(v *View) map[string]string {
	m := make(map[string]string, len(v.Entities))
	for _, e := range v.Entities {
		m[e.ID] = e.Type
	}
	return m
}

// AssertionFilter selects assertions for FilterAssertions. A zero field
// selects everything.
type AssertionFilter struct {
	Entity   string // the subject or the object
	Relation string
}

// FilterAssertions returns the assertions of v that pass f, retracted ones
// too, in v's order (creation order).
func FilterAssertions(v *View, f AssertionFilter) []Assertion {
	out := []Assertion{}
	for _, a := range v.Assertions {
		if f.Entity != "" && a.Subject != f.Entity && a.Object != f.Entity ||
			f.Relation != "" && a.Relation != f.Relation {
			continue
		}
		out = append(out, a)
	}
	return out
}

// AmbiguousError is an id prefix that starts several ids.
type AmbiguousError struct {
	What       string   // "coding", "assertion", "entity", ...
	Prefix     string   // as given
	Candidates []string // the ids it starts, in the view's order
}

func (e *AmbiguousError) Error() string {
	return fmt.Sprintf("%s id prefix %q is ambiguous: it starts %s", e.What, e.Prefix, strings.Join(e.Candidates, ", "))
}

// Unwrap returns ErrAmbiguousID.
func (e *AmbiguousError) Unwrap() error { return ErrAmbiguousID }

// ErrAmbiguousID is wrapped by an *AmbiguousError.
var ErrAmbiguousID = errors.New("ambiguous id prefix")

// MatchID returns the one of ids that is ref or, failing that, the one
// that starts with ref, if ref has min characters or more. It returns ""
// and nil when none does, and an *AmbiguousError naming what when ref
// starts several.
func MatchID(what string, ids []string, ref string, min int) (string, error) {
	var found []string
	for _, id := range ids {
		if id == ref {
			return id, nil
		}
		if len(ref) >= min && strings.HasPrefix(id, ref) {
			found = append(found, id)
		}
	}
	switch len(found) {
	case 0:
		return "", nil
	case 1:
		return found[0], nil
	}
	return "", &AmbiguousError{What: what, Prefix: ref, Candidates: found}
}

// FindAssertion returns the assertion whose id is ref or, failing that,
// the one assertion whose id starts with ref (of 4 characters or more). It
// returns an *UnknownError wrapping ErrUnknownAssertion when there is none,
// and an *AmbiguousError naming the candidates when ref is an ambiguous
// prefix.
func FindAssertion(v *View, ref string) (Assertion, error) {
	ids := make([]string, len(v.Assertions))
	for i, a := range v.Assertions {
		ids[i] = a.ID
	}
	id, err := MatchID("assertion", ids, ref, 4)
	if err != nil {
		return Assertion{}, err
	}
	for _, a := range v.Assertions {
		if id != "" && a.ID == id {
			return a, nil
		}
	}
	return Assertion{}, &UnknownError{What: "assertion", ID: ref, Err: ErrUnknownAssertion}
}

// FindEntity returns the entity with the given id, or an *UnknownError
// wrapping ErrUnknownEntity that lists the nearest entity ids.
func FindEntity(v *View, id string) (Entity, error) {
	for _, e := range v.Entities {
		if e.ID == id {
			return e, nil
		}
	}
	return Entity{}, &UnknownError{What: "entity", ID: id, Nearest: NearestEntities(v, id, 3), Err: ErrUnknownEntity}
}

// FindEntityRef returns the entity whose id is ref or, failing that, the
// one entity whose id starts with ref. It returns an *AmbiguousError
// naming the candidates when ref starts several, and FindEntity's error
// when it starts none.
func FindEntityRef(v *View, ref string) (Entity, error) {
	ids := make([]string, len(v.Entities))
	for i, e := range v.Entities {
		ids[i] = e.ID
	}
	id, err := MatchID("entity", ids, ref, 1)
	if err != nil {
		return Entity{}, err
	}
	if id == "" {
		return FindEntity(v, ref)
	}
	return FindEntity(v, id)
}

// EntitiesOf returns the entities of v whose type is class or one of its
// subclasses (every entity for an empty class), in v's order.
func EntitiesOf(v *View, cb *Codebook, class string) []Entity {
	isA := classTest(cb)
	out := []Entity{}
	for _, e := range v.Entities {
		if class == "" || isA(e.Type, class) {
			out = append(out, e)
		}
	}
	return out
}

// MentionsOf returns the mentions of entity id, in v's order.
func MentionsOf(v *View, id string) []Mention {
	out := []Mention{}
	for _, m := range v.Mentions {
		if m.Entity == id {
			out = append(out, m)
		}
	}
	return out
}

// CodingsUnder returns the codings of v whose code is code or one of its
// descendants in cb (with a nil cb, code itself), in v's order.
func CodingsUnder(v *View, cb *Codebook, code string) []Coding {
	isA := classTest(cb)
	out := []Coding{}
	for _, c := range v.Codings {
		if isA(c.Code, code) {
			out = append(out, c)
		}
	}
	return out
}

// NearestEntities returns up to n entity ids close to id, for "did you
// mean" messages: ids, names or aliases within a third of id's length in
// edits (at least 2), ignoring case, or containing id (3 characters or
// more). The closest come first, ties by id.
func NearestEntities(v *View, id string, n int) []string {
	q := strings.ToLower(id)
	ql := utf8.RuneCountInString(q)
	if n <= 0 || ql == 0 || ql > 64 {
		return nil
	}
	limit := max(2, ql/3)
	type scored struct {
		id   string
		dist int
	}
	var found []scored
	for _, e := range v.Entities {
		best := -1
		for _, name := range append([]string{e.ID, e.Name}, e.Aliases...) {
			name = strings.ToLower(name)
			if name == "" || utf8.RuneCountInString(name) > 64 {
				continue
			}
			d := editDistance(q, name)
			if d > limit {
				if ql < 3 || !strings.Contains(name, q) {
					continue
				}
				d = limit + 1
			}
			if best < 0 || d < best {
				best = d
			}
		}
		if best >= 0 {
			found = append(found, scored{e.ID, best})
		}
	}
	slices.SortFunc(found, func(a, b scored) int { return cmp.Or(cmp.Compare(a.dist, b.dist), strings.Compare(a.id, b.id)) })
	var ids []string
	for _, f := range found[:min(n, len(found))] {
		ids = append(ids, f.id)
	}
	return ids
}

// editDistance is the Levenshtein distance of a and b in code points.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev, cur := make([]int, len(rb)+1), make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			sub := prev[j-1]
			if ra[i-1] != rb[j-1] {
				sub++
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, sub)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// Neighbor is one edge by which Neighbors reached a node: Entity is
// Distance steps from the start, and Via (one step nearer) relates to it
// by Relation, in Direction: DirOut for "Via Relation Entity", DirIn for
// "Entity Relation Via". Assertions lists the ids of the assertions that
// state the edge, in creation order.
type Neighbor struct {
	Entity     string   `json:"entity"` // entity id, or concept id without "class:"
	Type       string   `json:"type"`   // entity class, or ConceptType
	Distance   int      `json:"distance"`
	Via        string   `json:"via"`
	Relation   string   `json:"relation"`
	Direction  string   `json:"direction"`
	Assertions []string `json:"assertions"`
}

// Neighbors returns the nodes within depth steps of entity over the
// assertions that are not retracted, followed in either direction: for
// each node at distance d, every edge to it from a node at distance d-1.
// Concepts are reached but not walked through. The result is sorted by
// distance, entity, via, relation and direction; it is empty for depth <
// 1. An unknown entity is an *UnknownError wrapping ErrUnknownEntity.
func Neighbors(v *View, entity string, depth int) ([]Neighbor, error) {
	if _, err := FindEntity(v, entity); err != nil {
		return nil, err
	}
	g := newActorGraph(v)
	out := []Neighbor{}
	dist := map[string]int{entity: 0}
	frontier := []string{entity}
	for d := 1; d <= depth && len(frontier) > 0; d++ {
		var next []string
		for _, u := range frontier {
			for _, e := range g.edges(u) {
				if dd, seen := dist[e.to]; seen && dd != d {
					continue
				} else if !seen {
					dist[e.to] = d
					if !e.concept {
						next = append(next, e.to)
					}
				}
				out = append(out, Neighbor{Entity: g.name(e.to), Type: g.typeOf(e.to), Distance: d, Via: u,
					Relation: e.rel, Direction: e.dir, Assertions: e.ids})
			}
		}
		slices.Sort(next)
		frontier = next
	}
	slices.SortFunc(out, func(a, b Neighbor) int {
		return cmp.Or(cmp.Compare(a.Distance, b.Distance), strings.Compare(a.Entity, b.Entity), strings.Compare(a.Via, b.Via),
			strings.Compare(a.Relation, b.Relation), strings.Compare(a.Direction, b.Direction))
	})
	return out, nil
}

// Step is one step of a path: From relates to To by Relation, in
// Direction (DirOut: "From Relation To"; DirIn: "To Relation From"), as
// the assertions listed state.
type Step struct {
	From       string   `json:"from"`
	To         string   `json:"to"`
	Relation   string   `json:"relation"`
	Direction  string   `json:"direction"`
	Assertions []string `json:"assertions"`
}

// ShortestPath returns a shortest path from entity from to entity to over
// the assertions that are not retracted, followed in either direction.
// Among paths of the same length it returns the one whose steps come
// first by (entity, relation, direction), so the answer is deterministic.
// The path from an entity to itself has no steps. It returns an
// *UnknownError wrapping ErrUnknownEntity for an unknown entity and an
// error wrapping ErrNoPath when the two are not connected.
func ShortestPath(v *View, from, to string) ([]Step, error) {
	for _, id := range []string{from, to} {
		if _, err := FindEntity(v, id); err != nil {
			return nil, err
		}
	}
	if from == to {
		return []Step{}, nil
	}
	g := newActorGraph(v)
	parent := map[string]*actorEdge{from: nil}
	prev := map[string]string{}
	frontier := []string{from}
	for len(frontier) > 0 {
		var next []string
		for _, u := range frontier {
			es := g.edges(u)
			for i := range es {
				e := &es[i]
				if _, seen := parent[e.to]; seen || e.concept {
					continue
				}
				parent[e.to], prev[e.to] = e, u
				next = append(next, e.to)
				if e.to == to {
					return g.path(parent, prev, to), nil
				}
			}
		}
		frontier = next
	}
	return nil, fmt.Errorf("%w from %s to %s: no chain of assertions (other than retracted ones) connects them", ErrNoPath, from, to)
}

// actorGraph indexes the assertions that are not retracted by the
// entities they touch; concept nodes are keyed "class:ID" and have no
// edges of their own. Building it is one pass over the assertions;
// edges(u) then groups a node's assertions into edges.
type actorGraph struct {
	v     *View
	inc   map[string][]int // entity -> indexes in v.Assertions, in order
	types map[string]string
}

type actorEdge struct {
	to, rel, dir string
	concept      bool
	ids          []string
}

func newActorGraph(v *View) *actorGraph {
	g := &actorGraph{v: v, inc: make(map[string][]int, len(v.Entities)), types: entityTypeMap(v)}
	for i := range v.Assertions {
		a := &v.Assertions[i]
		if a.Retracted || a.Subject == a.Object {
			continue
		}
		g.inc[a.Subject] = append(g.inc[a.Subject], i)
		if _, concept := IsConcept(a.Object); !concept {
			g.inc[a.Object] = append(g.inc[a.Object], i)
		}
	}
	return g
}

// edges returns the edges from entity u, one per (node, relation,
// direction) with the ids of its assertions in creation order, sorted by
// node, relation and direction.
func (g *actorGraph) edges(u string) []actorEdge {
	type key struct{ to, rel, dir string }
	index := map[key]int{}
	var es []actorEdge
	for _, i := range g.inc[u] {
		a := &g.v.Assertions[i]
		k := key{a.Object, a.Relation, DirOut}
		if a.Subject != u {
			k = key{a.Subject, a.Relation, DirIn}
		}
		if j, ok := index[k]; ok {
			es[j].ids = append(es[j].ids, a.ID)
			continue
		}
		_, concept := IsConcept(k.to)
		index[k] = len(es)
		es = append(es, actorEdge{to: k.to, rel: k.rel, dir: k.dir, concept: concept, ids: []string{a.ID}})
	}
	slices.SortFunc(es, func(a, b actorEdge) int {
		return cmp.Or(strings.Compare(a.to, b.to), strings.Compare(a.rel, b.rel), strings.Compare(a.dir, b.dir))
	})
	return es
}

func (g *actorGraph) name(node string) string {
	if c, ok := IsConcept(node); ok {
		return c
	}
	return node
}

func (g *actorGraph) typeOf(node string) string {
	if _, ok := IsConcept(node); ok {
		return ConceptType
	}
	return g.types[node]
}

func (g *actorGraph) path(parent map[string]*actorEdge, prev map[string]string, to string) []Step {
	var steps []Step
	for n := to; parent[n] != nil; n = prev[n] {
		e := parent[n]
		steps = append(steps, Step{From: prev[n], To: n, Relation: e.rel, Direction: e.dir, Assertions: e.ids})
	}
	slices.Reverse(steps)
	return steps
}

// AppendJSON appends the JSON encoding of l to b: the bytes encoding/json
// writes for l with HTML escaping off (Encoder.SetEscapeHTML(false), as
// the command line writes JSON), several times faster, for the tens of
// thousands of links of a large project.
func (l *Link) AppendJSON(b []byte) []byte { return l.appendJSON(b, false) }

// AppendLinksJSON appends ls as json.Marshal encodes []Link (null if nil),
// HTML escaping on (<, > and & as \u003c, \u003e and \u0026) if html:
// what the workbench's API answers, where encoding/json spent more
// processor time on tens of thousands of evidence quotes than finding
// the links did.
func AppendLinksJSON(b []byte, ls []Link, html bool) []byte {
	if ls == nil {
		return append(b, "null"...)
	}
	// One allocation: the strings, and room for the rest.
	n := 2
	for i := range ls {
		l := &ls[i]
		n += 160 + len(l.Subject) + len(l.SubjectType) + len(l.Relation) + len(l.Object) + len(l.ObjectType)
		for _, p := range l.Practices {
			n += 3 + len(p)
		}
		for k := range l.Evidence {
			e := &l.Evidence[k]
			n += 80 + len(e.Assertion) + len(e.Doc) + len(e.Text)
		}
	}
	b = slices.Grow(b, n+n/16)
	b = append(b, '[')
	for i := range ls {
		if i > 0 {
			b = append(b, ',')
		}
		b = ls[i].appendJSON(b, html)
	}
	return append(b, ']')
}

func (l *Link) appendJSON(b []byte, html bool) []byte {
	b = append(b, `{"subject":`...)
	b = appendJSONString(b, l.Subject, html)
	b = append(b, `,"subject_type":`...)
	b = appendJSONString(b, l.SubjectType, html)
	b = append(b, `,"relation":`...)
	b = appendJSONString(b, l.Relation, html)
	b = append(b, `,"object":`...)
	b = appendJSONString(b, l.Object, html)
	b = append(b, `,"object_type":`...)
	b = appendJSONString(b, l.ObjectType, html)
	b = append(b, `,"assertions":`...)
	b = strconv.AppendInt(b, int64(l.Assertions), 10)
	b = append(b, `,"documents":`...)
	b = strconv.AppendInt(b, int64(l.Documents), 10)
	b = append(b, `,"coders":`...)
	b = strconv.AppendInt(b, int64(l.Coders), 10)
	b = append(b, `,"practices":`...)
	b = appendJSONStrings(b, l.Practices, html)
	b = append(b, `,"evidence":`...)
	if l.Evidence == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range l.Evidence {
			if i > 0 {
				b = append(b, ',')
			}
			e := &l.Evidence[i]
			b = append(b, `{"assertion":`...)
			b = appendJSONString(b, e.Assertion, html)
			b = append(b, `,"doc":`...)
			b = appendJSONString(b, e.Doc, html)
			b = append(b, `,"start":`...)
			b = strconv.AppendInt(b, int64(e.Start), 10)
			b = append(b, `,"end":`...)
			b = strconv.AppendInt(b, int64(e.End), 10)
			b = append(b, `,"text":`...)
			b = appendJSONString(b, e.Text, html)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

// AppendJSON appends the JSON encoding of n to b, as Link.AppendJSON does.
func (n *Neighbor) AppendJSON(b []byte) []byte {
	b = append(b, `{"entity":`...)
	b = appendJSONString(b, n.Entity, false)
	b = append(b, `,"type":`...)
	b = appendJSONString(b, n.Type, false)
	b = append(b, `,"distance":`...)
	b = strconv.AppendInt(b, int64(n.Distance), 10)
	b = append(b, `,"via":`...)
	b = appendJSONString(b, n.Via, false)
	b = append(b, `,"relation":`...)
	b = appendJSONString(b, n.Relation, false)
	b = append(b, `,"direction":`...)
	b = appendJSONString(b, n.Direction, false)
	b = append(b, `,"assertions":`...)
	b = appendJSONStrings(b, n.Assertions, false)
	return append(b, '}')
}

// appendJSONStrings appends ss as a JSON array, null if it is nil.
func appendJSONStrings(b []byte, ss []string, html bool) []byte {
	if ss == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, s, html)
	}
	return append(b, ']')
}

// appendJSONString appends s as a JSON string, escaped as encoding/json
// escapes it, with HTML escaping if html (<, > and & as \u00XX) or
// without: quotation mark and backslash with a backslash; backspace, form feed, newline, carriage return and tab as
// \b, \f, \n, \r and \t; other control characters as \u00XX; U+2028 and
// U+2029 as \u2028 and \u2029; each byte of invalid UTF-8 as \ufffd.
func appendJSONString(b []byte, s string, html bool) []byte {
	plain := &jsonPlain
	if html {
		plain = &jsonPlainHTML
	}
	const hex = "0123456789abcdef"
	b = append(b, '"')
	done := 0 // s[:done] is in b
	for i := 0; i < len(s); {
		c := s[i]
		if plain[c] {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b = append(b, s[done:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			done = i
			continue
		}
		// Most of the texts that are not ASCII are Chinese: three bytes
		// from a lead byte in E1-EF. Two continuation bytes after one of
		// those make a valid character, but after ED (surrogates) and
		// E2 80 A8-A9 (U+2028, U+2029); the rest is decoded.
		if c >= 0xE1 && c != 0xED && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 &&
			!(c == 0xE2 && s[i+1] == 0x80 && s[i+2]&0xFE == 0xA8) && c <= 0xEF {
			i += 3
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[done:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[done:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		done = i
	}
	b = append(b, s[done:]...)
	return append(b, '"')
}

// jsonPlain marks the bytes that appendJSONString copies as they are
// without a second look: ASCII but control characters, quotation mark and
// backslash.
var jsonPlain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// jsonPlainHTML is jsonPlain without <, > and &, which HTML escaping
// writes as \u003c, \u003e and \u0026.
var jsonPlainHTML = func() (t [256]bool) {
	t = jsonPlain
	t['<'], t['>'], t['&'] = false, false, false
	return t
}()
