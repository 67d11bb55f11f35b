package kg_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/cayleygraph/quad"
	"github.com/cayleygraph/quad/jsonld"
	"github.com/cayleygraph/quad/nquads"

	"github.com/qualgraph/qualgraph/coding"
)

// readAll reads quads until io.EOF.
func readAll(t *testing.T, r quad.Reader) []quad.Quad {
	t.Helper()
	var qs []quad.Quad
	for {
		q, err := r.ReadQuad()
		if errors.Is(err, io.EOF) {
			return qs
		}
		if err != nil {
			t.Fatalf("read back quad %d: %v", len(qs)+1, err)
		}
		qs = append(qs, q)
	}
}

// TestRDF writes the conformance fixture as N-Quads and JSON-LD and reads
// both back with cayley's readers: every quad of the store comes back,
// labels included.
func TestRDF(t *testing.T) {
	ctx := context.Background()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			s, _ := b.open(t)
			writeFixture(t, s)
			ch := coding.Change{ID: "rdf-zh", By: "林", At: time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC), Op: "entity add"}
			if err := s.AddEntity(ch, coding.Entity{ID: "zhen", Type: "LocalGovernment", Name: "镇政府 \"town\"\n"}); err != nil {
				t.Fatal(err)
			}
			total, err := s.QuadCount(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if total < 100 {
				t.Fatalf("the fixture has only %d quads", total)
			}

			t.Run("NQuads", func(t *testing.T) {
				var buf bytes.Buffer
				n, err := s.WriteNQuads(ctx, &buf)
				if err != nil {
					t.Fatal(err)
				}
				if n != total {
					t.Errorf("wrote %d quads, the store holds %d", n, total)
				}
				qs := readAll(t, nquads.NewReader(bytes.NewReader(buf.Bytes()), false))
				if len(qs) != total {
					t.Fatalf("read back %d quads, the store holds %d", len(qs), total)
				}
				var labelled, assertionEdges, types int
				for _, q := range qs {
					if q.Label != nil {
						labelled++
					}
					if l, ok := q.Label.(quad.IRI); ok && strings.HasPrefix(string(l), "qg:assertion/") {
						assertionEdges++
					}
					if q.Predicate == quad.IRI("http://www.w3.org/1999/02/22-rdf-syntax-ns#type") {
						types++
					}
					if p, ok := q.Predicate.(quad.IRI); ok && p == "rdf:type" {
						t.Errorf("rdf:type not expanded: %v", q)
					}
				}
				if labelled != total {
					t.Errorf("%d of %d quads have a label (provenance)", labelled, total)
				}
				if assertionEdges == 0 || types == 0 {
					t.Errorf("%d assertion edges, %d rdf:type quads", assertionEdges, types)
				}
				found := false
				for _, q := range qs {
					if q.Object == quad.String("镇政府 \"town\"\n") && q.Label == quad.IRI("qg:change/rdf-zh") {
						found = true
					}
				}
				if !found {
					t.Error("the entity name with Chinese, quotes and a newline did not survive with its label")
				}
			})

			t.Run("JSONLD", func(t *testing.T) {
				var buf bytes.Buffer
				n, err := s.WriteJSONLD(ctx, &buf)
				if err != nil {
					t.Fatal(err)
				}
				if n != total {
					t.Errorf("wrote %d quads, the store holds %d", n, total)
				}
				qs := readAll(t, jsonld.NewReader(bytes.NewReader(buf.Bytes())))
				if len(qs) != total {
					t.Fatalf("read back %d quads, the store holds %d", len(qs), total)
				}
			})
		})
	}
}
