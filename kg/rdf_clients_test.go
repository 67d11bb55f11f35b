package kg_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qualgraph/qualgraph/internal/clienttest"
)

// TestRDFInRDFLib reads the N-Quads and JSON-LD exports of the
// conformance fixture with rdflib: every typed literal has a full XML
// Schema datatype IRI (no "xsd:" or qualgraph's own qg:time), and a
// numeric SPARQL filter on confidences compares numbers, not strings.
func TestRDFInRDFLib(t *testing.T) {
	pys := clienttest.Pythons(t, "rdflib", "python3-rdflib")
	ctx := context.Background()
	s, _ := backends[0].open(t)
	writeFixture(t, s)
	dir := t.TempDir()
	var nq, jl bytes.Buffer
	if _, err := s.WriteNQuads(ctx, &nq); err != nil {
		t.Fatal(err)
	}
	if _, err := s.WriteJSONLD(ctx, &jl); err != nil {
		t.Fatal(err)
	}
	nqPath, jlPath := filepath.Join(dir, "graph.nq"), filepath.Join(dir, "graph.jsonld")
	if err := os.WriteFile(nqPath, nq.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(jlPath, jl.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	// The script prints, per file: the datatypes of its literals; then the
	// assertions whose confidence SPARQL finds > 0.85, and those whose
	// confidence Python reads as > 0.85; then the changes SPARQL finds at
	// or after a dateTime, and those Python finds.
	const script = `
import sys, datetime, rdflib
from rdflib import Literal
fmt = {"nq": "nquads", "jsonld": "json-ld"}[sys.argv[2]]
g = rdflib.Dataset()
g.parse(sys.argv[1], format=fmt)
types = sorted({str(o.datatype) for _, _, o, _ in g.quads((None, None, None, None)) if isinstance(o, Literal) and o.datatype})
print(" ".join(types))
q = 'SELECT DISTINCT ?a WHERE { GRAPH ?g { ?a <qg:confidence> ?c } FILTER(?c > 0.85) }'
print(" ".join(sorted(str(r.a) for r in g.query(q))))
print(" ".join(sorted({str(s) for s, _, o, _ in g.quads((None, rdflib.URIRef("qg:confidence"), None, None)) if float(str(o)) > 0.85})))
q = 'SELECT DISTINCT ?x WHERE { GRAPH ?g { ?x <qg:at> ?t } FILTER(?t >= "2024-03-01T09:05:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime>) }'
print(" ".join(sorted(str(r.x) for r in g.query(q))))
cut = datetime.datetime(2024, 3, 1, 9, 5, tzinfo=datetime.timezone.utc)
print(" ".join(sorted({str(s) for s, _, o, _ in g.quads((None, rdflib.URIRef("qg:at"), None, None)) if datetime.datetime.fromisoformat(str(o).replace("Z", "+00:00")) >= cut})))
`
	for _, py := range pys {
		for _, f := range []struct{ name, path string }{{"nq", nqPath}, {"jsonld", jlPath}} {
			t.Run("rdflib-"+py.Version+"/"+f.name, func(t *testing.T) {
				lines := strings.Split(py.Run(t, script, f.path, f.name), "\n")
				if len(lines) < 5 {
					t.Fatalf("rdflib printed %q", lines)
				}
				for _, dt := range strings.Fields(lines[0]) {
					if !strings.HasPrefix(dt, "http://www.w3.org/2001/XMLSchema#") && dt != "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString" {
						t.Errorf("literal datatype %q: want a full XML Schema IRI", dt)
					}
				}
				if !strings.Contains(lines[0], "XMLSchema#double") || !strings.Contains(lines[0], "XMLSchema#dateTime") {
					t.Errorf("datatypes %q: want xsd:double confidences and xsd:dateTime times", lines[0])
				}
				if lines[1] == "" || lines[1] != lines[2] {
					t.Errorf("SPARQL FILTER(?c > 0.85) found %q, want %q", lines[1], lines[2])
				}
				if lines[3] == "" || lines[3] != lines[4] {
					t.Errorf("SPARQL dateTime filter found %q, want %q", lines[3], lines[4])
				}
			})
		}
	}
}
