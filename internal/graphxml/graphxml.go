// Package graphxml holds the XML documents of the two graph formats that
// qualgraph writes, GEXF 1.2draft (https://gexf.net) and GraphML
// (http://graphml.graphdrawing.org), and the one way to write them, so
// that the discourse networks (coding/network) and the entity graph
// (coding/export) come out alike.
//
// GEXF is written as 1.2draft rather than 1.3 because that is the version
// every common reader knows: networkx 2.x reads only the 1.1draft and
// 1.2draft namespaces, and Gephi, graphology-gexf and networkx 3.x read it
// too. Dynamic graphs therefore use 1.2draft's start and end (a moment is
// a spell whose start and end are equal), not 1.3's timestamps.
//
// Text is escaped by encoding/xml, which writes characters that XML 1.0
// cannot hold as U+FFFD.
package graphxml

import (
	"encoding/xml"
	"io"
)

const (
	xsiNS          = "http://www.w3.org/2001/XMLSchema-instance"
	gexfSchema     = "http://www.gexf.net/1.2draft http://www.gexf.net/1.2draft/gexf.xsd"
	graphmlSchemas = "http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd"
)

// GEXF is a GEXF 1.2draft document.
type GEXF struct {
	XMLName        xml.Name  `xml:"http://www.gexf.net/1.2draft gexf"`
	XSI            string    `xml:"xmlns:xsi,attr"`
	SchemaLocation string    `xml:"xsi:schemaLocation,attr"`
	Version        string    `xml:"version,attr"`
	Meta           GEXFMeta  `xml:"meta"`
	Graph          GEXFGraph `xml:"graph"`
}

// NewGEXF returns an empty GEXF 1.2draft document created by qualgraph with the
// given description.
func NewGEXF(description string) *GEXF {
	return &GEXF{XSI: xsiNS, SchemaLocation: gexfSchema, Version: "1.2",
		Meta: GEXFMeta{Creator: "qualgraph", Description: description}}
}

// GEXFMeta is a GEXF document's meta element.
type GEXFMeta struct {
	Creator     string `xml:"creator"`
	Description string `xml:"description"`
}

// GEXFGraph is a GEXF graph.
type GEXFGraph struct {
	DefaultEdgeType string           `xml:"defaultedgetype,attr"`
	Mode            string           `xml:"mode,attr"`
	TimeFormat      string           `xml:"timeformat,attr,omitempty"` // integer, double, date
	Attributes      []GEXFAttributes `xml:"attributes"`
	Nodes           []GEXFNode       `xml:"nodes>node"`
	Edges           []GEXFEdge       `xml:"edges>edge"`
}

// GEXFAttributes declares the attributes of a class (node or edge), all
// static or all dynamic (Mode "dynamic": their values have a start and an
// end).
type GEXFAttributes struct {
	Class      string          `xml:"class,attr"`
	Mode       string          `xml:"mode,attr,omitempty"`
	Attributes []GEXFAttribute `xml:"attribute"`
}

// GEXFAttribute declares one attribute.
type GEXFAttribute struct {
	ID    string `xml:"id,attr"`
	Title string `xml:"title,attr"`
	Type  string `xml:"type,attr"`
}

// GEXFNode is a node.
type GEXFNode struct {
	ID        string         `xml:"id,attr"`
	Label     string         `xml:"label,attr"`
	AttValues []GEXFAttValue `xml:"attvalues>attvalue"`
	Spells    *GEXFSpells    `xml:"spells"` // nil in static graphs: GEXF wants at least one spell
}

// GEXFEdge is an edge.
type GEXFEdge struct {
	ID        string         `xml:"id,attr"`
	Source    string         `xml:"source,attr"`
	Target    string         `xml:"target,attr"`
	Weight    string         `xml:"weight,attr,omitempty"`
	Label     string         `xml:"label,attr,omitempty"`
	Kind      string         `xml:"kind,attr,omitempty"`
	AttValues []GEXFAttValue `xml:"attvalues>attvalue"`
	Spells    *GEXFSpells    `xml:"spells"` // nil in static graphs: GEXF wants at least one spell
}

// GEXFAttValue is an attribute's value on a node or edge; the value of a
// dynamic attribute holds from Start to End (inclusive, in the graph's
// time format).
type GEXFAttValue struct {
	For   string `xml:"for,attr"`
	Value string `xml:"value,attr"`
	Start string `xml:"start,attr,omitempty"`
	End   string `xml:"end,attr,omitempty"`
}

// GEXFSpells lists when a node or edge exists in a dynamic graph.
type GEXFSpells struct {
	Spell []GEXFSpell `xml:"spell"`
}

// GEXFSpell is one time span of a node's or edge's existence, from Start
// to End inclusive; a moment has End equal to Start.
type GEXFSpell struct {
	Start string `xml:"start,attr"`
	End   string `xml:"end,attr"`
}

// GraphML is a GraphML document.
type GraphML struct {
	XMLName        xml.Name     `xml:"http://graphml.graphdrawing.org/xmlns graphml"`
	XSI            string       `xml:"xmlns:xsi,attr"`
	SchemaLocation string       `xml:"xsi:schemaLocation,attr"`
	Keys           []GraphMLKey `xml:"key"`
	Graph          GraphMLGraph `xml:"graph"`
}

// NewGraphML returns an empty GraphML document.
func NewGraphML() *GraphML {
	return &GraphML{XSI: xsiNS, SchemaLocation: graphmlSchemas}
}

// GraphMLKey declares a data key.
type GraphMLKey struct {
	ID       string `xml:"id,attr"`
	For      string `xml:"for,attr"`
	AttrName string `xml:"attr.name,attr"`
	AttrType string `xml:"attr.type,attr"`
}

// GraphMLGraph is a graph.
type GraphMLGraph struct {
	ID          string        `xml:"id,attr"`
	EdgeDefault string        `xml:"edgedefault,attr"`
	Data        []GraphMLData `xml:"data"`
	Nodes       []GraphMLNode `xml:"node"`
	Edges       []GraphMLEdge `xml:"edge"`
}

// GraphMLNode is a node.
type GraphMLNode struct {
	ID   string        `xml:"id,attr"`
	Data []GraphMLData `xml:"data"`
}

// GraphMLEdge is an edge.
type GraphMLEdge struct {
	ID     string        `xml:"id,attr"`
	Source string        `xml:"source,attr"`
	Target string        `xml:"target,attr"`
	Data   []GraphMLData `xml:"data"`
}

// GraphMLData is a value of a key.
type GraphMLData struct {
	Key   string `xml:"key,attr"`
	Value string `xml:",chardata"`
}

// Write writes doc (a *GEXF or *GraphML) with an XML header, indented,
// followed by a newline.
func Write(w io.Writer, doc any) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
