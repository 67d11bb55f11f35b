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
// network's kind. GraphML node ids must be XML name tokens, which entity
// ids and concept names need not be, so nodes are numbered n0, n1, ... in
// the order of n.Nodes and edges e0, e1, ...; the id key holds the
// qualgraph id. The graph's description is in the graph-level key
// "description". Text is escaped as in WriteGEXF.
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
	index := make(map[string]string, len(n.Nodes))
	for i, nd := range n.Nodes {
		id := "n" + strconv.Itoa(i)
		index[nd.ID] = id
		gn := graphxml.GraphMLNode{ID: id, Data: []graphxml.GraphMLData{{Key: "id", Value: nd.ID}, {Key: "label", Value: nd.Label}}}
		for _, a := range na {
			gn.Data = append(gn.Data, graphxml.GraphMLData{Key: a.id, Value: a.node(nd)})
		}
		g.Nodes = append(g.Nodes, gn)
	}
	for i, e := range n.Edges {
		s, ok1 := index[e.Source]
		t, ok2 := index[e.Target]
		if !ok1 || !ok2 {
			return &EdgeError{Index: i, Source: e.Source, Target: e.Target}
		}
		ge := graphxml.GraphMLEdge{ID: "e" + strconv.Itoa(i), Source: s, Target: t,
			Data: []graphxml.GraphMLData{{Key: "weight", Value: formatFloat(e.Weight)}}}
		for _, a := range ea {
			ge.Data = append(ge.Data, graphxml.GraphMLData{Key: a.id, Value: a.edge(e)})
		}
		g.Edges = append(g.Edges, ge)
	}
	return graphxml.Write(w, doc)
}
