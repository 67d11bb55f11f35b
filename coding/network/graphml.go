package network

import (
	"encoding/xml"
	"io"
	"strconv"
)

// GraphML (http://graphml.graphdrawing.org), read by Gephi, yEd, visone,
// igraph and NetworkX.

type graphmlDoc struct {
	XMLName        xml.Name     `xml:"http://graphml.graphdrawing.org/xmlns graphml"`
	XSI            string       `xml:"xmlns:xsi,attr"`
	SchemaLocation string       `xml:"xsi:schemaLocation,attr"`
	Keys           []graphmlKey `xml:"key"`
	Graph          graphmlGraph `xml:"graph"`
}

type graphmlKey struct {
	ID       string `xml:"id,attr"`
	For      string `xml:"for,attr"`
	AttrName string `xml:"attr.name,attr"`
	AttrType string `xml:"attr.type,attr"`
}

type graphmlGraph struct {
	ID          string        `xml:"id,attr"`
	EdgeDefault string        `xml:"edgedefault,attr"`
	Data        []graphmlData `xml:"data"`
	Nodes       []graphmlNode `xml:"node"`
	Edges       []graphmlEdge `xml:"edge"`
}

type graphmlNode struct {
	ID   string        `xml:"id,attr"`
	Data []graphmlData `xml:"data"`
}

type graphmlEdge struct {
	ID     string        `xml:"id,attr"`
	Source string        `xml:"source,attr"`
	Target string        `xml:"target,attr"`
	Data   []graphmlData `xml:"data"`
}

type graphmlData struct {
	Key   string `xml:"key,attr"`
	Value string `xml:",chardata"`
}

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
	doc := &graphmlDoc{XSI: xsiNS,
		SchemaLocation: "http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd"}
	doc.Keys = append(doc.Keys,
		graphmlKey{ID: "description", For: "graph", AttrName: "description", AttrType: "string"},
		graphmlKey{ID: "id", For: "node", AttrName: "id", AttrType: "string"},
		graphmlKey{ID: "label", For: "node", AttrName: "label", AttrType: "string"})
	for _, a := range na {
		doc.Keys = append(doc.Keys, graphmlKey{ID: a.id, For: "node", AttrName: a.id, AttrType: graphmlType(a.typ)})
	}
	doc.Keys = append(doc.Keys, graphmlKey{ID: "weight", For: "edge", AttrName: "weight", AttrType: "double"})
	for _, a := range ea {
		doc.Keys = append(doc.Keys, graphmlKey{ID: a.id, For: "edge", AttrName: a.id, AttrType: graphmlType(a.typ)})
	}
	g := &doc.Graph
	g.ID, g.EdgeDefault = "G", edgeType(n)
	g.Data = []graphmlData{{Key: "description", Value: n.Description()}}
	index := make(map[string]string, len(n.Nodes))
	for i, nd := range n.Nodes {
		id := "n" + strconv.Itoa(i)
		index[nd.ID] = id
		gn := graphmlNode{ID: id, Data: []graphmlData{{Key: "id", Value: nd.ID}, {Key: "label", Value: nd.Label}}}
		for _, a := range na {
			gn.Data = append(gn.Data, graphmlData{Key: a.id, Value: a.node(nd)})
		}
		g.Nodes = append(g.Nodes, gn)
	}
	for i, e := range n.Edges {
		s, ok1 := index[e.Source]
		t, ok2 := index[e.Target]
		if !ok1 || !ok2 {
			return &EdgeError{Index: i, Source: e.Source, Target: e.Target}
		}
		ge := graphmlEdge{ID: "e" + strconv.Itoa(i), Source: s, Target: t,
			Data: []graphmlData{{Key: "weight", Value: formatFloat(e.Weight)}}}
		for _, a := range ea {
			ge.Data = append(ge.Data, graphmlData{Key: a.id, Value: a.edge(e)})
		}
		g.Edges = append(g.Edges, ge)
	}
	return writeXML(w, doc)
}
