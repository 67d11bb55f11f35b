package kg_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/qualgraph/qualgraph/kg"
)

// TestGizmo runs Gizmo queries on a bolt store holding the conformance
// fixture, reopened read-only as "qualgraph query" opens it, and checks
// their exact results.
func TestGizmo(t *testing.T) {
	s := fixtureReadOnly(t)

	tests := []struct {
		name   string
		script string
		limit  int
		want   []string // each result as JSON, in any order
	}{
		{"DirectEdge", `g.V("<qg:entity/chen>").Out("<qg:rel/lobbies>").All()`, 0,
			[]string{`{"id":"<qg:entity/assoc>"}`}},
		{"DirectEdgeOnePerAssertion", `g.V("<qg:entity/chen>").In("<qg:rel/funds>").All()`, 0,
			[]string{`{"id":"<qg:entity/bureau>"}`, `{"id":"<qg:entity/bureau>"}`}},
		{"ConceptObject", `g.V("<qg:entity/lin>").Out("<qg:rel/takesPosition>").All()`, 0,
			[]string{`{"id":"<qg:class/HighTechCertification>"}`}},
		{"ProvenanceLabel", `g.V("<qg:entity/bureau>").LabelContext("<qg:assertion/a02>").Out("<qg:rel/funds>").All()`, 0,
			[]string{`{"id":"<qg:entity/chen>"}`}},
		{"ProvenanceTagged", `g.V("<qg:entity/bureau>").LabelContext(g.V().Has("<rdf:type>", "<qg:Assertion>"), "assertion").Out("<qg:rel/funds>").All()`, 0,
			[]string{`{"assertion":"<qg:assertion/a01>","id":"<qg:entity/chen>"}`, `{"assertion":"<qg:assertion/a02>","id":"<qg:entity/chen>"}`}},
		{"AssertionNodes", `g.V().Has("<qg:subject>", "<qg:entity/bureau>").Has("<qg:relation>", "<qg:rel/funds>").All()`, 0,
			[]string{`{"id":"<qg:assertion/a01>"}`, `{"id":"<qg:assertion/a02>"}`}},
		{"AssertionProperties", `g.V("<qg:assertion/a07>").Out(["<qg:polarity>", "<qg:confidence>", "<qg:coder>"], "p").All()`, 0,
			[]string{`{"id":"negative","p":"<qg:polarity>"}`, `{"id":0.8,"p":"<qg:confidence>"}`, `{"id":"alice","p":"<qg:coder>"}`}},
		{"Retracted", `g.V().Has("<rdf:type>", "<qg:Assertion>").Has("<qg:retracted>").All()`, 0,
			[]string{`{"id":"<qg:assertion/a09>"}`}},
		{"ExceptRetracted", `g.V().Has("<qg:subject>", "<qg:entity/lab>").Except(g.V().Has("<qg:retracted>")).Out("<qg:object>").All()`, 0,
			[]string{`{"id":"<qg:entity/wu>"}`}},
		{"Emit", `g.Emit({supporters: g.V("<qg:entity/chen>").In("<qg:rel/supports>").Count()})`, 0,
			[]string{`{"supporters":2}`}},
		{"Count", `g.V().Has("<rdf:type>", "<qg:Assertion>").Count()`, 0, []string{`11`}},
		{"CountNone", `g.V().Has("<rdf:type>", "<qg:Nothing>").Count()`, 0, []string{`0`}},
		{"ToArray", `g.V("<qg:entity/chen>").Out("<qg:rel/lobbies>").ToArray()`, 0, []string{`["<qg:entity/assoc>"]`}},
		{"ToArrayEmpty", `g.V("<qg:entity/chen>").Out("<qg:rel/funds>").ToArray()`, 0, []string{`[]`}},
		{"ToValue", `g.V("<qg:assertion/a07>").Out("<qg:confidence>").ToValue()`, 0, []string{`0.8`}},
		{"ToValueIRI", `g.V("<qg:assertion/a07>").Out("<qg:relation>").ToValue()`, 0, []string{`"<qg:rel/takesPosition>"`}},
		{"ScriptValue", `var n = g.V().Has("<rdf:type>", "<qg:Entity>").Count(); n * 2`, 0, []string{`20`}},
		{"PathIsNoResult", `g.V("<qg:entity/chen>")`, 0, []string{}},
		{"Limit", `g.V().Has("<rdf:type>", "<qg:Entity>").All()`, 3, nil}, // checked by count below
		{"Nothing", `g.V("<qg:entity/chen>").Out("<qg:rel/funds>").All()`, 0, []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := s.Query(context.Background(), tc.script, tc.limit)
			if err != nil {
				t.Fatal(err)
			}
			if tc.want == nil {
				if len(res) != tc.limit {
					t.Fatalf("%d results with limit %d", len(res), tc.limit)
				}
				return
			}
			got := make([]string, len(res))
			for i, r := range res {
				var b strings.Builder
				enc := json.NewEncoder(&b)
				enc.SetEscapeHTML(false)
				if err := enc.Encode(r); err != nil {
					t.Fatal(err)
				}
				got[i] = strings.TrimSpace(b.String())
			}
			want := slices.Clone(tc.want)
			slices.Sort(got)
			slices.Sort(want)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got  %q\nwant %q", got, want)
			}
		})
	}

	errTests := []struct{ name, script string }{
		{"Syntax", `g.V(`},
		{"Throw", `throw new Error("boom")`},
		{"Undefined", `g.Nope()`},
	}
	for _, tc := range errTests {
		t.Run("ErrQuery/"+tc.name, func(t *testing.T) {
			if _, err := s.Query(context.Background(), tc.script, 0); !errors.Is(err, kg.ErrQuery) {
				t.Fatalf("err %v, want ErrQuery", err)
			}
		})
	}
	t.Run("ErrQuery/Timeout", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := s.Query(ctx, `while (true) {}`, 0)
		if !errors.Is(err, kg.ErrQuery) {
			t.Fatalf("err %v, want ErrQuery", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("an endless script ran %v past its deadline", d)
		}
	})
}

// TestGizmoBudget checks that a query stops with a clear error when the
// memory it holds or the results it collects pass their budget.
func TestGizmoBudget(t *testing.T) {
	s := fixtureReadOnly(t)

	tests := []struct {
		name    string
		script  string
		opt     kg.QueryOptions
		wantErr string // "" for success
		wantN   int
	}{
		{"Memory", `var a = []; while (true) { a.push("abcdefgh".repeat(4096) + a.length); }`,
			kg.QueryOptions{MaxMemory: 64 << 20}, "memory budget", 0},
		{"EmitLoop", `while (true) { g.Emit("abcdefgh".repeat(1024)); }`,
			kg.QueryOptions{MaxMemory: 64 << 20}, "budget", 0},
		{"Results", `g.V().All()`, kg.QueryOptions{MaxResults: 3}, "more than 3 results", 0},
		{"ResultsWithinLimit", `g.V().All()`, kg.QueryOptions{Limit: 3, MaxResults: 3}, "", 3},
		{"Small", `g.V("<qg:entity/chen>").Out("<qg:rel/lobbies>").All()`, kg.QueryOptions{MaxMemory: 64 << 20, MaxResults: 3}, "", 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			res, err := s.QueryWith(ctx, tc.script, tc.opt)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if len(res) != tc.wantN {
					t.Fatalf("%d results, want %d", len(res), tc.wantN)
				}
				return
			}
			if !errors.Is(err, kg.ErrQuery) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err %v, want ErrQuery saying %q", err, tc.wantErr)
			}
			if ctx.Err() != nil {
				t.Fatalf("stopped by the test's deadline, not the budget: %v", err)
			}
		})
	}
}

// fixtureReadOnly writes the conformance fixture to a new bolt store and
// reopens it read-only, as "qualgraph query" opens a graph.
func fixtureReadOnly(t *testing.T) *kg.Store {
	t.Helper()
	dir := t.TempDir()
	w, err := kg.Create(dir)
	if err != nil {
		t.Fatal(err)
	}
	writeFixture(t, w)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	s, err := kg.Open(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
