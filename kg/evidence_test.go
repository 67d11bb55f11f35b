package kg_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/internal/record"
	"github.com/qualgraph/qualgraph/kg"
)

// TestConformanceAddedEvidence adds evidence to an assertion of the
// fixture twice, by two coders, on every backend: the assertion keeps its
// id, the graph holds a node per span with who added it (Gizmo), and the
// graph's View, the projection and a projection rebuilt from the graph
// agree. A change recorded the old way (the assertion again with more
// evidence, the old one retracted, in steps) still applies.
func TestConformanceAddedEvidence(t *testing.T) {
	ctx := context.Background()
	at := base.Add(time.Hour)
	added := []struct {
		ch    coding.Change
		spans []coding.Span
	}{
		{coding.Change{ID: "ev1", By: "bob", At: at, Op: "evidence"}, []coding.Span{sp("dB", "The association shall certify members"), sp("dC", "I spoke for Chen at the association")}},
		{coding.Change{ID: "ev2", By: "carol", At: at.Add(time.Second), Op: "evidence"}, []coding.Span{sp("dA", "I lobbied")}},
	}
	legacy := &coding.Event{Change: coding.Change{ID: "old", By: "alice", At: at.Add(2 * time.Second), Op: "evidence"}, Steps: []*coding.Event{
		{Change: coding.Change{ID: "old1", By: "alice", At: at.Add(2 * time.Second), Op: "evidence"}, Assertions: []coding.Assertion{{ID: "a05b",
			Subject: "chen", Relation: "coalitionWith", Object: "wu", Polarity: coding.Positive, Confidence: 1, Coder: "alice", Created: at.Add(2 * time.Second),
			Evidence: []coding.Span{sp("dC", "I spoke for Chen at the association"), sp("dA", "I lobbied")}}}},
		{Change: coding.Change{ID: "old2", By: "alice", At: at.Add(2 * time.Second), Op: "evidence"}, Retract: &coding.Retraction{ID: "a05", Reason: "evidence added: now assertion a05b"}},
	}}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			s, dir := b.open(t)
			writeFixture(t, s)
			before, err := s.View()
			if err != nil {
				t.Fatal(err)
			}
			a05, _ := coding.FindAssertion(before, "a05")
			legacy.Steps[0].Assertions[0].Subject, legacy.Steps[0].Assertions[0].Relation, legacy.Steps[0].Assertions[0].Object = a05.Subject, a05.Relation, a05.Object
			pos := record.Start
			for _, ad := range added {
				pos.Seq++
				e := &coding.Event{Change: ad.ch, Evidence: &coding.AddedEvidence{Assertion: "a04", From: len(mustFind(t, s, "a04").Evidence), Spans: ad.spans}}
				for _, sp := range ad.spans {
					e.Quotes = append(e.Quotes, coding.Quote{Span: sp, Text: quote(sp)})
				}
				if err := s.Apply(pos, e); err != nil {
					t.Fatal(err)
				}
			}
			pos.Seq++
			if err := s.Apply(pos, legacy); err != nil {
				t.Fatal(err)
			}
			v, err := s.View()
			if err != nil {
				t.Fatal(err)
			}
			a04, _ := coding.FindAssertion(v, "a04")
			if len(v.Assertions) != len(before.Assertions)+1 || a04.Retracted || len(a04.Evidence) != 5 {
				t.Fatalf("after adding evidence: %d assertions (want %d), a04 %+v", len(v.Assertions), len(before.Assertions)+1, a04)
			}
			wantAdds := []coding.EvidenceAddition{{From: 2, Coder: "bob", At: at}, {From: 4, Coder: "carol", At: at.Add(time.Second)}}
			if !slices.Equal(a04.Additions, wantAdds) {
				t.Errorf("a04 additions %+v, want %+v", a04.Additions, wantAdds)
			}
			for i, want := range []string{"alice", "alice", "bob", "bob", "carol"} {
				if by, _ := a04.EvidenceBy(i); by != want {
					t.Errorf("a04 evidence %d added by %s, want %s", i, by, want)
				}
			}
			if got := quote(a04.Evidence[4]); got != "I lobbied" {
				t.Errorf("a04 evidence 4 is %q", got)
			}
			if old, _ := coding.FindAssertion(v, "a05"); !old.Retracted {
				t.Errorf("legacy: a05 not retracted: %+v", old)
			}
			if nu, _ := coding.FindAssertion(v, "a05b"); len(nu.Evidence) != 2 || nu.Additions != nil {
				t.Errorf("legacy: a05b %+v", nu)
			}
			for _, q := range []struct{ script, want string }{
				{`g.V("<qg:assertion/a04>").In("<qg:assertion>").Count()`, `5`},
				{`g.V("<qg:assertion/a04>").In("<qg:assertion>").Has("<qg:coder>", "bob").Count()`, `2`},
				{`g.V("<qg:assertion/a04>").In("<qg:assertion>").Has("<qg:index>", 4).Out("<qg:coder>").ToValue()`, `"carol"`},
				{`g.V("<qg:assertion/a05b>").In("<qg:assertion>").Count()`, `2`},
			} {
				res, err := s.Query(ctx, q.script, 0)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, r := range res {
					b, _ := json.Marshal(r)
					got = append(got, string(b))
				}
				if strings.Join(got, " ") != q.want {
					t.Errorf("%s = %v, want %s", q.script, got, q.want)
				}
			}
			if dir == "" {
				return
			}
			pv, err := kg.LoadView(dir, false)
			if err != nil {
				t.Fatal(err)
			}
			sameView(t, "LoadView", pv, v)
			qs, err := kg.LoadQuotes(dir)
			if err != nil {
				t.Fatal(err)
			}
			if got := qs[a04.Evidence[4]]; got != "I lobbied" {
				t.Errorf("projection quotes evidence 4 as %q", got)
			}
			if err := s.RebuildProjection(); err != nil {
				t.Fatal(err)
			}
			rv, err := kg.LoadView(dir, false)
			if err != nil {
				t.Fatal(err)
			}
			sameView(t, "LoadView after RebuildProjection", rv, v)
		})
	}
}

func mustFind(t *testing.T, s *kg.Store, id string) coding.Assertion {
	t.Helper()
	v, err := s.View()
	if err != nil {
		t.Fatal(err)
	}
	a, err := coding.FindAssertion(v, id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
