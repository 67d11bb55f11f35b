package network

import (
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/qualgraph/qualgraph/coding"
)

// RelationOptions control RelationNetwork.
type RelationOptions struct {
	// Relations keeps only ties of these relations; all if empty.
	Relations []string
	// Phases keeps only ties coded in these phases; all if empty. A tie
	// with no phase is kept only when Phases is empty.
	Phases []string
	// Merge gives one edge per ordered pair of actors, its weight the sum
	// over relations and its Relation the relations joined by "|".
	// Otherwise each relation gets its own edge (a multigraph: GEXF
	// writes the relation as the edge kind).
	Merge bool
	// Nodes lists actors to include even when no counted tie names them.
	Nodes []string
}

// RelationNetwork returns the directed network of actors tied by typed
// assertions: an edge From → To per relation (or per pair with Merge), its
// weight the number of ties counted. A tie counts when it is not
// retracted, its polarity is positive (or empty), and it passes the
// relation and phase filters; a negative tie says the relation does not
// hold and adds nothing. Self-ties are kept as loops, but the centrality
// measures ignore them.
//
// RelationNetwork returns a *TieError wrapping ErrMissingField for a tie
// with an empty From, To or Relation, and wrapping ErrPolarity for a
// polarity other than positive, negative or empty.
func RelationNetwork(ties []Tie, meta Meta, opt RelationOptions) (*Network, error) {
	rels, phases := set(opt.Relations), set(opt.Phases)
	type key struct{ from, to, rel string }
	edges := make(map[key]*Edge)
	freq := make(map[string]int)
	for i, t := range ties {
		switch {
		case t.From == "":
			return nil, &TieError{Index: i, Assertion: t.Assertion, Err: ErrMissingField, Detail: "the subject (From) is empty"}
		case t.To == "":
			return nil, &TieError{Index: i, Assertion: t.Assertion, Err: ErrMissingField, Detail: "the object (To) is empty"}
		case t.Relation == "":
			return nil, &TieError{Index: i, Assertion: t.Assertion, Err: ErrMissingField, Detail: "the relation is empty"}
		}
		switch t.Polarity {
		case "", coding.Positive:
		case coding.Negative:
			continue
		default:
			return nil, &TieError{Index: i, Assertion: t.Assertion, Err: ErrPolarity, Detail: "got " + strconv.Quote(string(t.Polarity))}
		}
		if t.Retracted || len(rels) > 0 && !rels[t.Relation] || len(phases) > 0 && !phases[t.Phase] {
			continue
		}
		k := key{t.From, t.To, t.Relation}
		if opt.Merge {
			k.rel = ""
		}
		e := edges[k]
		if e == nil {
			e = &Edge{Source: t.From, Target: t.To}
			edges[k] = e
		}
		e.Weight++
		if !contains(e.Relation, t.Relation) {
			if e.Relation == "" {
				e.Relation = t.Relation
			} else {
				rs := append(strings.Split(e.Relation, "|"), t.Relation)
				sort.Strings(rs)
				e.Relation = strings.Join(rs, "|")
			}
		}
		if t.Assertion != "" {
			e.Assertions = append(e.Assertions, t.Assertion)
		}
		freq[t.From]++
		if t.To != t.From {
			freq[t.To]++
		}
	}
	n := &Network{Kind: RelationKind, Directed: true}
	for id, f := range freq {
		nd := meta.node(id, ModeActor)
		nd.Frequency = f
		n.Nodes = append(n.Nodes, nd)
	}
	for _, e := range edges {
		slices.Sort(e.Assertions)
		e.Assertions = slices.Compact(e.Assertions)
		n.Edges = append(n.Edges, *e)
	}
	addIsolates(n, opt.Nodes, meta, ModeActor)
	n.sort()
	return n, nil
}

func set(xs []string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}

func contains(joined, rel string) bool {
	for _, r := range strings.Split(joined, "|") {
		if r == rel {
			return true
		}
	}
	return false
}
