package kg

import (
	"context"
	"io"
	"strings"

	"github.com/cayleygraph/quad"
	"github.com/cayleygraph/quad/jsonld"
	"github.com/cayleygraph/quad/nquads"
)

// The graph as RDF. Every quad is written as it is stored, its label (the
// change that wrote it, the assertion an edge states, or the document a
// coding belongs to) as the quad's graph name, so the provenance of
// every statement travels with it. Node IRIs keep their qg: scheme
// (<qg:entity/lin>); the two standard prefixes the store abbreviates are
// expanded, so that RDF tools see real rdf:type and XML Schema datatypes:
//
//	rdf:  http://www.w3.org/1999/02/22-rdf-syntax-ns#
//	xsd:  http://www.w3.org/2001/XMLSchema#
//
// Every typed literal carries a full XML Schema datatype IRI, so that
// rdflib and SPARQL compare numbers and times by value: numbers as
// xsd:integer and xsd:double, truth values as xsd:boolean, date attributes
// as xsd:date, and times (stored with qualgraph's own type qg:time, RFC 3339
// with nanoseconds) as xsd:dateTime with the same text.

var rdfPrefixes = map[string]string{
	"rdf:": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
	"xsd:": "http://www.w3.org/2001/XMLSchema#",
}

func expandIRI(iri quad.IRI) quad.IRI {
	s := string(iri)
	for p, full := range rdfPrefixes {
		if strings.HasPrefix(s, p) {
			return quad.IRI(full + s[len(p):])
		}
	}
	return iri
}

// xsdDateTime is the datatype times are exported with.
const xsdDateTime = quad.IRI("http://www.w3.org/2001/XMLSchema#dateTime")

func expandValue(v quad.Value) quad.Value {
	switch v := v.(type) {
	case quad.IRI:
		return expandIRI(v)
	case quad.TypedString:
		if v.Type == typeTime {
			v.Type = xsdDateTime
			return v
		}
		v.Type = expandIRI(v.Type)
		return v
	case quad.TypedStringer: // quad.Int, Float, Bool, Time: "xsd:..." types
		ts := v.TypedString()
		ts.Type = expandIRI(ts.Type)
		return ts
	}
	return v
}

// eachQuad calls fn for every quad of the graph, with prefixes expanded.
func (s *Store) eachQuad(ctx context.Context, fn func(quad.Quad) error) (int, error) {
	it := s.qs.QuadsAllIterator().Iterate()
	defer it.Close()
	n := 0
	for it.Next(ctx) {
		q, err := s.qs.Quad(it.Result())
		if err != nil {
			return n, err
		}
		q.Subject, q.Predicate = expandValue(q.Subject), expandValue(q.Predicate)
		q.Object, q.Label = expandValue(q.Object), expandValue(q.Label)
		if err := fn(q); err != nil {
			return n, err
		}
		n++
	}
	return n, it.Err()
}

// WriteNQuads writes every quad of the graph to w as RDF 1.1 N-Quads, one
// line per quad with its label as the graph name, and returns the number
// of quads written.
func (s *Store) WriteNQuads(ctx context.Context, w io.Writer) (int, error) {
	qw := nquads.NewWriter(w)
	n, err := s.eachQuad(ctx, qw.WriteQuad)
	if cerr := qw.Close(); err == nil {
		err = cerr
	}
	return n, err
}

// WriteJSONLD writes every quad of the graph to w as one JSON-LD document
// in expanded form, labels as named graphs, and returns the number of
// quads. The document is built in memory before it is written.
func (s *Store) WriteJSONLD(ctx context.Context, w io.Writer) (int, error) {
	qw := jsonld.NewWriter(w)
	n, err := s.eachQuad(ctx, qw.WriteQuad)
	if err != nil {
		return n, err
	}
	return n, qw.Close()
}

// QuadCount returns the number of quads in the graph.
func (s *Store) QuadCount(ctx context.Context) (int, error) {
	return s.eachQuad(ctx, func(quad.Quad) error { return nil })
}
