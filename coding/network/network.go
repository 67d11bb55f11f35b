package network

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/qualgraph/qualgraph/coding"
)

// TakesPosition is the relation whose assertions become statements: an actor
// (the subject) takes a position on a concept (the object).
const TakesPosition = "takesPosition"

// Statement is one coded position: Actor agrees (coding.Positive) or
// disagrees (coding.Negative) with Concept. The caller builds statements
// from takesPosition assertions, for example with StatementsFromAssertions.
type Statement struct {
	Actor     string          `json:"actor"`
	Concept   string          `json:"concept"`
	Polarity  coding.Polarity `json:"polarity"`
	Time      time.Time       `json:"time"`      // when the statement was made; zero if unknown
	Doc       string          `json:"doc"`       // the document it was coded in
	Assertion string          `json:"assertion"` // the id of the assertion it comes from
}

// Tie is one coded relation between two actors ("A legitimizes B"), from a
// typed assertion. An empty Polarity counts as positive; a negative tie
// states that the relation does not hold and adds nothing to a network.
type Tie struct {
	From      string          `json:"from"`
	To        string          `json:"to"`
	Relation  string          `json:"relation"`
	Phase     string          `json:"phase,omitempty"`
	Polarity  coding.Polarity `json:"polarity,omitempty"`
	Retracted bool            `json:"retracted,omitempty"`
	Assertion string          `json:"assertion"`
}

// NodeInfo is what a network shows of a node besides its id.
type NodeInfo struct {
	Label string `json:"label"`
	Type  string `json:"type"`
}

// Meta maps node ids (entity ids and concepts) to labels and types. A node
// missing from Meta is labelled with its id and has an empty type.
type Meta map[string]NodeInfo

func (m Meta) node(id, mode string) Node {
	n := Node{ID: id, Label: id, Mode: mode}
	if info, ok := m[id]; ok {
		if info.Label != "" {
			n.Label = info.Label
		}
		n.Type = info.Type
	}
	return n
}

// MetaFromEntities returns the labels (Name) and types of entities.
func MetaFromEntities(es []coding.Entity) Meta {
	m := make(Meta, len(es))
	for _, e := range es {
		m[e.ID] = NodeInfo{Label: e.Name, Type: e.Type}
	}
	return m
}

// StatementsFromAssertions returns one statement per assertion of relation
// rel (TakesPosition if rel is empty) that is not retracted, in input order.
// Doc is the document of the assertion's first evidence span; Time is
// docTime(Doc), or zero when docTime is nil, because the time a statement
// was made is the date of its document, not the time it was coded.
func StatementsFromAssertions(as []coding.Assertion, rel string, docTime func(doc string) time.Time) []Statement {
	if rel == "" {
		rel = TakesPosition
	}
	var out []Statement
	for _, a := range as {
		if a.Retracted || a.Relation != rel {
			continue
		}
		s := Statement{Actor: a.Subject, Concept: a.Object, Polarity: a.Polarity, Assertion: a.ID}
		if len(a.Evidence) > 0 {
			s.Doc = a.Evidence[0].Doc
		}
		if docTime != nil {
			s.Time = docTime(s.Doc)
		}
		out = append(out, s)
	}
	return out
}

// TiesFromAssertions returns one tie per assertion whose relation is not
// TakesPosition, in input order, retracted ones included and marked (the
// relation network skips them).
func TiesFromAssertions(as []coding.Assertion) []Tie {
	var out []Tie
	for _, a := range as {
		if a.Relation == TakesPosition {
			continue
		}
		out = append(out, Tie{
			From: a.Subject, To: a.Object, Relation: a.Relation, Phase: a.Phase,
			Polarity: a.Polarity, Retracted: a.Retracted, Assertion: a.ID,
		})
	}
	return out
}

// Actors returns the distinct actors of stmts, sorted. Pass it as
// Options.Actors so that every window of a series has the same actors.
func Actors(stmts []Statement) []string {
	return distinct(stmts, func(s Statement) string { return s.Actor })
}

// Concepts returns the distinct concepts of stmts, sorted.
func Concepts(stmts []Statement) []string {
	return distinct(stmts, func(s Statement) string { return s.Concept })
}

func distinct(stmts []Statement, f func(Statement) string) []string {
	seen := make(map[string]bool)
	var out []string
	for _, s := range stmts {
		if v := f(s); v != "" && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	sort.Strings(out)
	return out
}

// Kind names a kind of network.
type Kind string

// The kinds of network.
const (
	TwoModeKind  Kind = "two-mode" // actors × concepts (DNA's affiliation network)
	ActorKind    Kind = "actor"    // actors tied via shared concepts
	ConceptKind  Kind = "concept"  // concepts tied via shared actors
	RelationKind Kind = "relation" // actors tied by typed assertions
)

// The modes of nodes.
const (
	ModeActor   = "actor"
	ModeConcept = "concept"
)

// Node is a node of a network.
type Node struct {
	ID    string `json:"id"`
	Label string `json:"label"`
	Type  string `json:"type"`
	// Mode is ModeActor or ModeConcept; it tells the two sides of a two-mode
	// network apart.
	Mode string `json:"mode"`
	// Frequency is the number of statements (discourse networks) or counted
	// ties (relation networks) the node takes part in, after duplicates
	// are removed; a good node size in Gephi.
	Frequency int `json:"frequency"`
}

// Edge is an edge of a network. In a two-mode network Source is the actor
// and Target the concept; in a one-mode network Source < Target.
type Edge struct {
	Source string  `json:"source"`
	Target string  `json:"target"`
	Weight float64 `json:"weight"`
	// Relation is the relation of a relation-network edge ("lobbies"), or
	// the relations joined by "|" when relations are merged. Empty in
	// discourse networks.
	Relation string `json:"relation"`
	// Qualifier says what Weight counts: the qualifier aggregation
	// ("ignore", "congruence", "conflict", "subtract"); under two-mode
	// "combine" it is "positive", "negative" or "both". Empty in relation
	// networks.
	Qualifier string `json:"qualifier"`
	// Positive and Negative count the statements of each polarity behind
	// a two-mode edge (after duplicates are removed). Zero elsewhere.
	Positive int `json:"positive"`
	Negative int `json:"negative"`
	// Via lists, sorted, the concepts (actor network) or actors (concept
	// network) through which a one-mode tie runs. Empty elsewhere.
	Via []string `json:"via"`
	// Assertions lists, sorted, the ids of the assertions behind the edge,
	// so that a researcher can go back to the quoted evidence.
	Assertions []string `json:"assertions"`
}

// Network is a weighted network built from statements or ties. Nodes are
// sorted by mode (actors first) then id; edges by source, target and
// relation. Edges whose weight is zero are left out.
type Network struct {
	Kind     Kind `json:"kind"`
	Directed bool `json:"directed"`
	// Qualifier and Normalization are the options the network was built
	// with (empty for relation networks).
	Qualifier     Qualifier     `json:"qualifier"`
	Normalization Normalization `json:"normalization"`
	Nodes         []Node        `json:"nodes"`
	Edges         []Edge        `json:"edges"`
}

// Node returns the node with the given id, and whether there is one.
func (n *Network) Node(id string) (Node, bool) {
	for _, nd := range n.Nodes {
		if nd.ID == id {
			return nd, true
		}
	}
	return Node{}, false
}

// Weight returns the summed weight of the edges from source to target (in
// either direction if the network is undirected).
func (n *Network) Weight(source, target string) float64 {
	var w float64
	for _, e := range n.Edges {
		if e.Source == source && e.Target == target ||
			!n.Directed && e.Source == target && e.Target == source {
			w += e.Weight
		}
	}
	return w
}

func (n *Network) sort() {
	sort.Slice(n.Nodes, func(i, j int) bool {
		a, b := n.Nodes[i], n.Nodes[j]
		if a.Mode != b.Mode {
			return a.Mode == ModeActor
		}
		return a.ID < b.ID
	})
	sort.Slice(n.Edges, func(i, j int) bool {
		a, b := n.Edges[i], n.Edges[j]
		if a.Source != b.Source {
			return a.Source < b.Source
		}
		if a.Target != b.Target {
			return a.Target < b.Target
		}
		return a.Relation < b.Relation
	})
}

// Errors returned by the network builders.
var (
	ErrPolarity     = errors.New("polarity must be positive or negative")
	ErrMissingField = errors.New("missing field")
	ErrOption       = errors.New("option not valid here")
	ErrModeClash    = errors.New("id used both as an actor and as a concept")
	ErrNegative     = errors.New("measure needs positive edge weights (build the network without qualifier subtract)")
	ErrUnknownNode  = errors.New("edge names a node that is not in the network")
)

// StatementError records a statement that cannot be used.
type StatementError struct {
	Index     int // position in the input slice
	Assertion string
	Err       error
	Detail    string
}

func (e *StatementError) Error() string {
	return fmt.Sprintf("statement %d%s: %v%s", e.Index, ofAssertion(e.Assertion), e.Err, detail(e.Detail))
}

func (e *StatementError) Unwrap() error { return e.Err }

// TieError records a tie that cannot be used.
type TieError struct {
	Index     int
	Assertion string
	Err       error
	Detail    string
}

func (e *TieError) Error() string {
	return fmt.Sprintf("tie %d%s: %v%s", e.Index, ofAssertion(e.Assertion), e.Err, detail(e.Detail))
}

func (e *TieError) Unwrap() error { return e.Err }

// OptionError records an option value that a builder does not accept.
type OptionError struct {
	Option  string   // "qualifier", "normalization", ...
	Value   string   // the value given
	Allowed []string // the values accepted here
	Err     error
}

func (e *OptionError) Error() string {
	return fmt.Sprintf("%s %q: %v (use one of: %s)", e.Option, e.Value, e.Err, strings.Join(e.Allowed, ", "))
}

func (e *OptionError) Unwrap() error { return e.Err }

func ofAssertion(id string) string {
	if id == "" {
		return ""
	}
	return fmt.Sprintf(" (assertion %q)", id)
}

func detail(s string) string {
	if s == "" {
		return ""
	}
	return ": " + s
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// EdgeError records an edge whose source or target is not a node of its
// network (a Network put together by hand).
type EdgeError struct {
	Index          int
	Source, Target string
}

func (e *EdgeError) Error() string {
	return fmt.Sprintf("edge %d (%q → %q): %v", e.Index, e.Source, e.Target, ErrUnknownNode)
}

func (e *EdgeError) Unwrap() error { return ErrUnknownNode }
