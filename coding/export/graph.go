package export

import (
	"github.com/qualgraph/qualgraph/internal/graphxml"

	"bufio"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/qualgraph/qualgraph/coding"
)

// Node is a node of the entity graph.
type Node struct {
	ID    string
	Label string
	Type  string
	Kind  string // "entity" or "concept"
}

// Edge is an assertion as an edge of the entity graph.
type Edge struct {
	ID         string // the assertion's id
	Source     string
	Target     string
	Relation   string
	Practice   string
	Phase      string
	Polarity   string
	Confidence float64
	Coder      string
}

// Graph is the entity graph: entities and concepts as nodes, assertions
// that are not retracted as edges.
type Graph struct {
	Nodes []Node // entities sorted by id, then concepts sorted by id
	Edges []Edge // in the order of the view's assertions
}

// The node kinds.
const (
	KindEntity  = "entity"
	KindConcept = "concept"
)

// EntityGraph builds the entity graph of d; see the package documentation.
// An assertion whose subject or object is no known entity or concept still
// gets its edge, and the missing end a node labelled with its id.
func EntityGraph(d *Data) *Graph {
	g := &Graph{}
	have := map[string]bool{}
	es := append([]coding.Entity(nil), d.View.Entities...)
	sort.Slice(es, func(i, j int) bool { return es[i].ID < es[j].ID })
	for _, e := range es {
		label := e.Name
		if label == "" {
			label = e.ID
		}
		g.Nodes = append(g.Nodes, Node{ID: e.ID, Label: label, Type: e.Type, Kind: KindEntity})
		have[e.ID] = true
	}
	var extra []Node
	node := func(id string) {
		if have[id] {
			return
		}
		have[id] = true
		n := Node{ID: id, Label: id, Kind: KindEntity}
		if c, ok := strings.CutPrefix(id, "class:"); ok {
			n.Kind, n.Type, n.Label = KindConcept, c, c
			if d.Codebook != nil {
				if cl, ok := d.Codebook.Class(c); ok {
					n.Label = cl.Label("en")
				}
			}
		}
		extra = append(extra, n)
	}
	for _, a := range d.View.Assertions {
		if a.Retracted {
			continue
		}
		node(a.Subject)
		node(a.Object)
		g.Edges = append(g.Edges, Edge{ID: a.ID, Source: a.Subject, Target: a.Object, Relation: a.Relation,
			Practice: a.Practice, Phase: a.Phase, Polarity: string(a.Polarity), Confidence: a.Confidence, Coder: a.Coder})
	}
	sort.Slice(extra, func(i, j int) bool { return extra[i].ID < extra[j].ID })
	g.Nodes = append(g.Nodes, extra...)
	return g
}

func formatFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// attribute columns of nodes and edges, in the order written.
var (
	nodeAttrs = []struct{ id, typ string }{{"type", "string"}, {"kind", "string"}}
	edgeAttrs = []struct{ id, typ string }{{"relation", "string"}, {"practice", "string"}, {"phase", "string"},
		{"polarity", "string"}, {"confidence", "double"}, {"coder", "string"}, {"assertion", "string"}}
)

func (n Node) attr(id string) string {
	if id == "type" {
		return n.Type
	}
	return n.Kind
}

func (e Edge) attr(id string) string {
	switch id {
	case "relation":
		return e.Relation
	case "practice":
		return e.Practice
	case "phase":
		return e.Phase
	case "polarity":
		return e.Polarity
	case "confidence":
		return formatFloat(e.Confidence)
	case "coder":
		return e.Coder
	}
	return e.ID
}

// GraphML.

// WriteGraphML writes the entity graph of d as GraphML: a directed graph
// whose nodes carry label, type and kind and whose edges (id = assertion
// id) carry relation, practice, phase, polarity, confidence (a double),
// coder and assertion. Empty values are left out.
func WriteGraphML(w io.Writer, d *Data) error {
	g := EntityGraph(d)
	doc := graphxml.NewGraphML()
	doc.Graph.ID, doc.Graph.EdgeDefault = "qualgraph", "directed"
	doc.Keys = append(doc.Keys, graphxml.GraphMLKey{ID: "label", For: "node", AttrName: "label", AttrType: "string"})
	for _, a := range nodeAttrs {
		doc.Keys = append(doc.Keys, graphxml.GraphMLKey{ID: a.id, For: "node", AttrName: a.id, AttrType: a.typ})
	}
	for _, a := range edgeAttrs {
		doc.Keys = append(doc.Keys, graphxml.GraphMLKey{ID: a.id, For: "edge", AttrName: a.id, AttrType: a.typ})
	}
	for _, n := range g.Nodes {
		gn := graphxml.GraphMLNode{ID: n.ID, Data: []graphxml.GraphMLData{{Key: "label", Value: n.Label}}}
		for _, a := range nodeAttrs {
			if v := n.attr(a.id); v != "" {
				gn.Data = append(gn.Data, graphxml.GraphMLData{Key: a.id, Value: v})
			}
		}
		doc.Graph.Nodes = append(doc.Graph.Nodes, gn)
	}
	for _, e := range g.Edges {
		ge := graphxml.GraphMLEdge{ID: e.ID, Source: e.Source, Target: e.Target}
		for _, a := range edgeAttrs {
			if v := e.attr(a.id); v != "" {
				ge.Data = append(ge.Data, graphxml.GraphMLData{Key: a.id, Value: v})
			}
		}
		doc.Graph.Edges = append(doc.Graph.Edges, ge)
	}
	return graphxml.Write(w, doc)
}

// WriteGEXF writes the entity graph of d as a static, directed GEXF 1.2draft
// graph for Gephi. Nodes carry their label and the attributes type and
// kind; edges (id = assertion id) the relation as label and kind, and the
// attributes relation, practice, phase, polarity, confidence, coder and
// assertion. Empty values are left out.
func WriteGEXF(w io.Writer, d *Data) error {
	g := EntityGraph(d)
	doc := graphxml.NewGEXF("entity graph: entities and concepts, assertions as edges")
	doc.Graph.DefaultEdgeType, doc.Graph.Mode = "directed", "static"
	na, ea := graphxml.GEXFAttributes{Class: "node"}, graphxml.GEXFAttributes{Class: "edge"}
	for _, a := range nodeAttrs {
		na.Attributes = append(na.Attributes, graphxml.GEXFAttribute{ID: a.id, Title: a.id, Type: a.typ})
	}
	for _, a := range edgeAttrs {
		ea.Attributes = append(ea.Attributes, graphxml.GEXFAttribute{ID: a.id, Title: a.id, Type: a.typ})
	}
	doc.Graph.Attributes = []graphxml.GEXFAttributes{na, ea}
	for _, n := range g.Nodes {
		gn := graphxml.GEXFNode{ID: n.ID, Label: n.Label}
		for _, a := range nodeAttrs {
			if v := n.attr(a.id); v != "" {
				gn.AttValues = append(gn.AttValues, graphxml.GEXFAttValue{For: a.id, Value: v})
			}
		}
		doc.Graph.Nodes = append(doc.Graph.Nodes, gn)
	}
	for _, e := range g.Edges {
		ge := graphxml.GEXFEdge{ID: e.ID, Source: e.Source, Target: e.Target, Label: e.Relation, Kind: e.Relation}
		for _, a := range edgeAttrs {
			if v := e.attr(a.id); v != "" {
				ge.AttValues = append(ge.AttValues, graphxml.GEXFAttValue{For: a.id, Value: v})
			}
		}
		doc.Graph.Edges = append(doc.Graph.Edges, ge)
	}
	return graphxml.Write(w, doc)
}

// WriteDOT writes the entity graph of d as a Graphviz digraph: every node
// with its label, type and kind, every edge with the relation as its label
// and the attributes id (the assertion), relation, practice, phase,
// polarity, confidence and coder. Identifiers and values are quoted.
func WriteDOT(w io.Writer, d *Data) error {
	g := EntityGraph(d)
	bw := bufio.NewWriter(w)
	bw.WriteString("digraph qualgraph {\n")
	for _, n := range g.Nodes {
		fmt.Fprintf(bw, "  %s [label=%s, type=%s, kind=%s];\n", dotQuote(n.ID), dotQuote(n.Label), dotQuote(n.Type), dotQuote(n.Kind))
	}
	for _, e := range g.Edges {
		fmt.Fprintf(bw, "  %s -> %s [label=%s, id=%s", dotQuote(e.Source), dotQuote(e.Target), dotQuote(e.Relation), dotQuote(e.ID))
		for _, a := range edgeAttrs[:len(edgeAttrs)-1] {
			if v := e.attr(a.id); v != "" {
				fmt.Fprintf(bw, ", %s=%s", a.id, dotQuote(v))
			}
		}
		bw.WriteString("];\n")
	}
	bw.WriteString("}\n")
	return bw.Flush()
}

// dotQuote returns s as a DOT double-quoted string: quotes and backslashes
// escaped, line breaks as \n.
func dotQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
