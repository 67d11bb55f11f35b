package kg

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/cayleygraph/quad"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/corpus"
)

// allQuads returns every quad of the store as text, and fails the test if
// a quad has a direction that does not resolve: the symptom of cayley issue
// 885, where a transaction that removes a quad and adds another sharing its
// nodes leaves a nil subject that later reads back as an unrelated value.
func allQuads(t *testing.T, s *Store) map[string]bool {
	t.Helper()
	ctx := context.Background()
	it := s.qs.QuadsAllIterator().Iterate()
	defer it.Close()
	out := map[string]bool{}
	for it.Next(ctx) {
		q, err := s.qs.Quad(it.Result())
		if err != nil {
			t.Fatal(err)
		}
		if q.Subject == nil || q.Predicate == nil || q.Object == nil {
			t.Fatalf("quad with a nil node: %v", q)
		}
		out[q.String()] = true
	}
	if err := it.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestIssue885Pattern drives every write path that changes an existing
// record (recode, uncode, retract, attribute changes) many times over the
// same nodes, on bbolt and in memory, and checks after each step that no
// quad was removed (the paths only add, so the 885 pattern cannot occur),
// that every quad still resolves after reopening the store, and that the
// reads give the latest state.
func TestIssue885Pattern(t *testing.T) {
	for _, bolt := range []bool{true, false} {
		name := "memory"
		if bolt {
			name = "bolt"
		}
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			var s *Store
			reopen := func() {
				if !bolt {
					return
				}
				if s != nil {
					if err := s.Close(); err != nil {
						t.Fatal(err)
					}
				}
				var err error
				if s, err = Open(dir, false); err != nil {
					t.Fatal(err)
				}
			}
			if bolt {
				var err error
				if s, err = Create(dir); err != nil {
					t.Fatal(err)
				}
			} else {
				s = OpenMemory()
			}
			defer func() { s.Close() }()
			ctx := context.Background()
			t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			n := 0
			ch := func(op string) coding.Change {
				n++
				return coding.Change{ID: fmt.Sprintf("c%03d", n), By: "tester", At: t0.Add(time.Duration(n) * time.Second), Op: op}
			}
			doc := &corpus.Document{ID: "d1", Name: "one.txt", Kind: "interview", Chars: 100,
				Source: corpus.Source{TextSHA: "x"}, Attrs: corpus.Attrs{"year": {Type: corpus.AttrInteger, Value: "2020"}}}
			must := func(err error) {
				t.Helper()
				if err != nil {
					t.Fatal(err)
				}
			}
			must(s.AddDocuments(ch("import"), []*corpus.Document{doc}))
			cs := []coding.Coding{
				{ID: "k1", Span: coding.Span{Doc: "d1", Start: 0, End: 10}, Code: "A", Coder: "x", Created: t0},
				{ID: "k2", Span: coding.Span{Doc: "d1", Start: 5, End: 20}, Code: "A", Coder: "x", Created: t0},
			}
			must(s.AddCodings(ch("code"), cs))
			must(s.AddEntities(ch("entity add"), []coding.Entity{{ID: "e1", Type: "LocalGovernment", Name: "E1"}, {ID: "e2", Type: "SpinoffFounder", Name: "E2"}}))
			as := []coding.Assertion{
				{ID: "a1", Subject: "e1", Relation: "funds", Object: "e2", Polarity: coding.Positive, Confidence: 1, Coder: "x", Created: t0, Evidence: []coding.Span{{Doc: "d1", Start: 0, End: 10}}},
				{ID: "a2", Subject: "e1", Relation: "funds", Object: "e2", Polarity: coding.Positive, Confidence: 1, Coder: "x", Created: t0, Evidence: []coding.Span{{Doc: "d1", Start: 0, End: 10}}},
			}
			must(s.AddAssertions(ch("assert"), as))

			steps := []struct {
				name string
				do   func() error
			}{
				{"recode k1 to B", func() error { return s.Recode(ch("recode"), cs[0], "B") }},
				{"recode k1 to C", func() error { return s.Recode(ch("recode"), cs[0], "C") }},
				{"recode k1 back to A", func() error { return s.Recode(ch("recode"), cs[0], "A") }},
				{"attr year 2021", func() error {
					return s.SetAttrs(ctx, ch("attr set"), "d1", corpus.Attrs{"year": {Type: corpus.AttrInteger, Value: "2021"}})
				}},
				{"attr year 2020 again", func() error {
					return s.SetAttrs(ctx, ch("attr set"), "d1", corpus.Attrs{"year": {Type: corpus.AttrInteger, Value: "2020"}})
				}},
				{"retract a1", func() error { return s.Retract(ch("retract"), "a1", "misread") }},
				{"uncode k2", func() error { return s.Uncode(ch("uncode"), cs[1:]) }},
			}
			before := allQuads(t, s)
			for _, st := range steps {
				must(st.do())
				reopen()
				after := allQuads(t, s)
				for q := range before {
					if !after[q] {
						t.Fatalf("%s removed quad %s: write paths must only add", st.name, q)
					}
				}
				if len(after) <= len(before) {
					t.Fatalf("%s added no quad", st.name)
				}
				before = after
			}

			v, err := s.View()
			must(err)
			if len(v.Codings) != 1 || v.Codings[0].ID != "k1" || v.Codings[0].Code != "A" {
				t.Fatalf("codings after the changes: %+v", v.Codings)
			}
			if len(v.Assertions) != 2 {
				t.Fatalf("%d assertions", len(v.Assertions))
			}
			for _, a := range v.Assertions {
				if want := a.ID == "a1"; a.Retracted != want || a.Subject != "e1" || a.Object != "e2" {
					t.Fatalf("assertion after the changes: %+v", a)
				}
			}
			d, err := s.Document(ctx, "one.txt")
			must(err)
			if got := d.Attrs["year"].Value; got != "2020" {
				t.Fatalf("year after the changes: %s", got)
			}
			// The direct edges of both assertions survive, each labelled
			// with its assertion: traversal and provenance stay one look-up.
			labels := map[string]bool{}
			must(s.quads(ctx, quad.Subject, entityIRI("e1"), func(q quad.Quad) error {
				if q.Predicate == relIRI("funds") {
					labels[fmt.Sprint(q.Label)] = true
				}
				return nil
			}))
			if !labels[fmt.Sprint(assertionIRI("a1"))] || !labels[fmt.Sprint(assertionIRI("a2"))] {
				t.Fatalf("direct edges: %v", labels)
			}
			if bolt {
				pv, err := LoadView(dir, false)
				must(err)
				if len(pv.Codings) != 1 || pv.Codings[0].Code != "A" || len(pv.Assertions) != 2 {
					t.Fatalf("projection after the changes: %d codings, %d assertions", len(pv.Codings), len(pv.Assertions))
				}
			}
		})
	}
}
