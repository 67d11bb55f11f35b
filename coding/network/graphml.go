package network

import (
	"github.com/qualgraph/qualgraph/internal/graphxml"

	"io"
	"strconv"
)

// GraphML (http://graphml.graphdrawing.org), read by Gephi, yEd, visone,
// igraph and NetworkX.

// graphmlType maps the writers' attribute types to GraphML's.
func graphmlType(t string) string {
	if t == "integer" {
		return "int"
	}
	return t
}

// WriteGraphML writes n as GraphML with key declarations for every value
// written: for nodes id (the qualgraph id), label, type, mode and
// frequency; for edges weight and the attributes WriteGEXF writes for the
// network's kind. Node ids are the qualgraph ids (entity ids, concept
// names), as in export graphml, so that a reader finds the same nodes in
// both files; the id key repeats them for readers that keep GraphML ids
// apart. Edges are numbered e0, e1, ... in the order of n.Edges. The
// graph's description is in the graph-level key "description". Text is
// escaped as in WriteGEXF. An edge whose source or target is not a node
// of n gives an *EdgeError.
func WriteGraphML(w io.Writer, n *Network) error {
	na, ea := nodeAttrs(), edgeAttrs(n.Kind)
	doc := graphxml.NewGraphML()
	doc.Keys = append(doc.Keys,
		graphxml.GraphMLKey{ID: "description", For: "graph", AttrName: "description", AttrType: "string"},
		graphxml.GraphMLKey{ID: "id", For: "node", AttrName: "id", AttrType: "string"},
		graphxml.GraphMLKey{ID: "label", For: "node", AttrName: "label", AttrType: "string"})
	for _, a := range na {
		doc.Keys = append(doc.Keys, graphxml.GraphMLKey{ID: a.id, For: "node", AttrName: a.id, AttrType: graphmlType(a.typ)})
	}
	doc.Keys = append(doc.Keys, graphxml.GraphMLKey{ID: "weight", For: "edge", AttrName: "weight", AttrType: "double"})
	for _, a := range ea {
		doc.Keys = append(doc.Keys, graphxml.GraphMLKey{ID: a.id, For: "edge", AttrName: a.id, AttrType: graphmlType(a.typ)})
	}
	g := &doc.Graph
	g.ID, g.EdgeDefault = "G", edgeType(n)
	g.Data = []graphxml.GraphMLData{{Key: "description", Value: n.Description()}}
	index := make(map[string]bool, len(n.Nodes))
	for _, nd := range n.Nodes {
		index[nd.ID] = true
		gn := graphxml.GraphMLNode{ID: nd.ID, Data: []graphxml.GraphMLData{{Key: "id", Value: nd.ID}, {Key: "label", Value: nd.Label}}}
		for _, a := range na {
			gn.Data = append(gn.Data, graphxml.GraphMLData{Key: a.id, Value: a.node(nd)})
		}
		g.Nodes = append(g.Nodes, gn)
	}
	for i, e := range n.Edges {
		if !index[e.Source] || !index[e.Target] {
			return &EdgeError{Index: i, Source: e.Source, Target: e.Target}
		}
		ge := graphxml.GraphMLEdge{ID: "e" + strconv.Itoa(i), Source: e.Source, Target: e.Target,
			Data: []graphxml.GraphMLData{{Key: "weight", Value: formatFloat(e.Weight)}}}
		for _, a := range ea {
			ge.Data = append(ge.Data, graphxml.GraphMLData{Key: a.id, Value: a.edge(e)})
		}
		g.Edges = append(g.Edges, ge)
	}
	return graphxml.Write(w, doc)
}
