package network

import (
	"github.com/qualgraph/qualgraph/internal/graphxml"

	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// GEXF 1.2draft (https://gexf.net), the version Gephi, graphology and
// networkx all read.

// attr is one node or edge attribute as the writers declare it.
type attr struct {
	id, typ string // typ is a GEXF type: string, integer, double
	node    func(Node) string
	edge    func(Edge) string
}

func nodeAttrs() []attr {
	return []attr{
		{id: "type", typ: "string", node: func(n Node) string { return n.Type }},
		{id: "mode", typ: "string", node: func(n Node) string { return n.Mode }},
		{id: "frequency", typ: "integer", node: func(n Node) string { return strconv.Itoa(n.Frequency) }},
	}
}

// edgeAttrs returns the edge attributes that mean something in a network
// of kind k.
func edgeAttrs(k Kind) []attr {
	qual := attr{id: "qualifier", typ: "string", edge: func(e Edge) string { return e.Qualifier }}
	ids := attr{id: "assertions", typ: "string", edge: func(e Edge) string { return strings.Join(e.Assertions, "|") }}
	switch k {
	case TwoModeKind:
		return []attr{qual,
			{id: "positive", typ: "integer", edge: func(e Edge) string { return strconv.Itoa(e.Positive) }},
			{id: "negative", typ: "integer", edge: func(e Edge) string { return strconv.Itoa(e.Negative) }},
			ids}
	case ActorKind, ConceptKind:
		return []attr{qual, {id: "via", typ: "string", edge: func(e Edge) string { return strings.Join(e.Via, "|") }}, ids}
	}
	return []attr{{id: "relation", typ: "string", edge: func(e Edge) string { return e.Relation }}, ids}
}

func declare(class string, as []attr) graphxml.GEXFAttributes {
	g := graphxml.GEXFAttributes{Class: class}
	for _, a := range as {
		g.Attributes = append(g.Attributes, graphxml.GEXFAttribute{ID: a.id, Title: a.id, Type: a.typ})
	}
	return g
}

func edgeType(n *Network) string {
	if n.Directed {
		return "directed"
	}
	return "undirected"
}

// Description returns a one-line description of n, such as
// "actor network (qualifier congruence, normalization jaccard)".
func (n *Network) Description() string {
	if n.Kind == RelationKind {
		return "relation network"
	}
	return fmt.Sprintf("%s network (qualifier %s, normalization %s)", n.Kind, n.Qualifier, n.Normalization)
}

// WriteGEXF writes n as a static GEXF 1.2draft graph for Gephi. Nodes carry
// their label and the attributes type, mode and frequency; edges their
// weight and the attributes that mean something for the network's kind:
// qualifier, positive and negative (two-mode); qualifier and via
// (one-mode); relation (relation networks, where the relation is also the
// edge kind unless relations were merged, so Gephi keeps parallel edges
// apart); and assertions. List values are joined with "|". Edge ids are
// the edges' positions in n.Edges.
//
// Text is escaped by encoding/xml; characters that XML 1.0 cannot hold
// (control characters other than tab, newline and carriage return) are
// written as U+FFFD.
func WriteGEXF(w io.Writer, n *Network) error {
	na, ea := nodeAttrs(), edgeAttrs(n.Kind)
	doc := graphxml.NewGEXF(n.Description())
	g := &doc.Graph
	g.DefaultEdgeType, g.Mode = edgeType(n), "static"
	g.Attributes = []graphxml.GEXFAttributes{declare("node", na), declare("edge", ea)}
	for _, nd := range n.Nodes {
		g.Nodes = append(g.Nodes, graphxml.GEXFNode{ID: nd.ID, Label: nd.Label, AttValues: nodeValues(na, nd)})
	}
	for i, e := range n.Edges {
		ge := graphxml.GEXFEdge{ID: strconv.Itoa(i), Source: e.Source, Target: e.Target, Weight: formatFloat(e.Weight),
			AttValues: edgeValues(ea, e)}
		if n.Kind == RelationKind {
			ge.Label = e.Relation
			if !strings.Contains(e.Relation, "|") {
				ge.Kind = e.Relation
			}
		}
		g.Edges = append(g.Edges, ge)
	}
	return graphxml.Write(w, doc)
}

func nodeValues(as []attr, nd Node) []graphxml.GEXFAttValue {
	var vs []graphxml.GEXFAttValue
	for _, a := range as {
		vs = append(vs, graphxml.GEXFAttValue{For: a.id, Value: a.node(nd)})
	}
	return vs
}

func edgeValues(as []attr, e Edge) []graphxml.GEXFAttValue {
	var vs []graphxml.GEXFAttValue
	for _, a := range as {
		vs = append(vs, graphxml.GEXFAttValue{For: a.id, Value: a.edge(e)})
	}
	return vs
}

// WriteGEXFSeries writes the networks of a time-window series as one
// dynamic GEXF 1.2draft graph in which window k is the moment of its Start
// (a spell whose start and end are equal), so Gephi's timeline steps
// through the windows even when they overlap. Moments are dates
// (timeformat "date", 2006-01-02) when the windows start on distinct days,
// as calendar windows always do; statement windows that share a start day
// are numbered instead (timeformat "integer", 0 for the first window). A
// node or edge has a spell at each window whose network holds it; edge
// weight and node frequency are dynamic attributes (edge weight under the
// reserved title "weight"), one value per window; the other attributes
// are static and taken from the first window holding the node or edge.
// Every window must have a network (Windows was called with a build
// function), all of one kind; otherwise WriteGEXFSeries returns ErrOption.
func WriteGEXFSeries(w io.Writer, s *Series) error {
	var kind Kind
	directed := false
	for i, win := range s.Windows {
		if win.Network == nil || i > 0 && win.Network.Kind != kind {
			return fmt.Errorf("window %d: %w: every window needs a network, all of one kind", i, ErrOption)
		}
		kind, directed = win.Network.Kind, win.Network.Directed
	}
	moments, format := windowMoments(s.Windows)
	ea := edgeAttrs(kind)
	staticNode := nodeAttrs()[:2] // type, mode
	desc := string(kind) + " network"
	if len(s.Windows) > 0 {
		desc = s.Windows[0].Network.Description()
	}
	each := "each window is the date of its start"
	if format == "integer" {
		each = "each window is its number from 0, since windows start on the same day"
	}
	doc := graphxml.NewGEXF(fmt.Sprintf("%s in %d time windows of %d %s, step %d; %s",
		desc, len(s.Windows), s.Options.Size, s.Options.Unit, s.Options.Step, each))
	g := &doc.Graph
	g.DefaultEdgeType, g.Mode = "undirected", "dynamic"
	if directed {
		g.DefaultEdgeType = "directed"
	}
	g.TimeFormat = format
	dyn := func(a graphxml.GEXFAttributes) graphxml.GEXFAttributes { a.Mode = "dynamic"; return a }
	g.Attributes = []graphxml.GEXFAttributes{
		declare("node", staticNode),
		dyn(declare("node", []attr{{id: "frequency", typ: "integer"}})),
		declare("edge", ea),
		dyn(declare("edge", []attr{{id: "weight", typ: "double"}})),
	}
	nodeAt := make(map[string]int)
	type ekey struct{ s, t, r string }
	edgeAt := make(map[ekey]int)
	for k, win := range s.Windows {
		ts := moments[k]
		for _, nd := range win.Network.Nodes {
			i, ok := nodeAt[nd.ID]
			if !ok {
				i = len(g.Nodes)
				nodeAt[nd.ID] = i
				g.Nodes = append(g.Nodes, graphxml.GEXFNode{ID: nd.ID, Label: nd.Label, AttValues: nodeValues(staticNode, nd)})
			}
			gn := &g.Nodes[i]
			if gn.Spells == nil {
				gn.Spells = &graphxml.GEXFSpells{}
			}
			gn.Spells.Spell = append(gn.Spells.Spell, graphxml.GEXFSpell{Start: ts, End: ts})
			gn.AttValues = append(gn.AttValues, graphxml.GEXFAttValue{For: "frequency", Value: strconv.Itoa(nd.Frequency), Start: ts, End: ts})
		}
		for _, e := range win.Network.Edges {
			k := ekey{e.Source, e.Target, e.Relation}
			i, ok := edgeAt[k]
			if !ok {
				i = len(g.Edges)
				edgeAt[k] = i
				ge := graphxml.GEXFEdge{ID: strconv.Itoa(i), Source: e.Source, Target: e.Target, AttValues: edgeValues(ea, e)}
				if kind == RelationKind {
					ge.Label = e.Relation
					if !strings.Contains(e.Relation, "|") {
						ge.Kind = e.Relation
					}
				}
				g.Edges = append(g.Edges, ge)
			}
			ge := &g.Edges[i]
			if ge.Spells == nil {
				ge.Spells = &graphxml.GEXFSpells{}
			}
			ge.Spells.Spell = append(ge.Spells.Spell, graphxml.GEXFSpell{Start: ts, End: ts})
			ge.AttValues = append(ge.AttValues, graphxml.GEXFAttValue{For: "weight", Value: formatFloat(e.Weight), Start: ts, End: ts})
		}
	}
	return graphxml.Write(w, doc)
}

// windowMoments returns the moment of each window in a GEXF time format:
// the date of its start ("date") when no two windows start on the same
// day, else its index ("integer").
func windowMoments(ws []Window) ([]string, string) {
	out := make([]string, len(ws))
	seen := make(map[string]bool, len(ws))
	for i, win := range ws {
		d := win.Start.Format(time.DateOnly)
		if seen[d] {
			for j := range ws {
				out[j] = strconv.Itoa(j)
			}
			return out, "integer"
		}
		seen[d] = true
		out[i] = d
	}
	return out, "date"
}

// formatFloat writes x in the shortest decimal form that reads back to the
// same float64, without exponent: 3, 0.5, 0.3333333333333333.
func formatFloat(x float64) string {
	if x == 0 {
		return "0" // also for -0
	}
	return strconv.FormatFloat(x, 'f', -1, 64)
}
