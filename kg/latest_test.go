package kg_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/corpus"
	"github.com/qualgraph/qualgraph/kg"
)

// laterRecords holds what one write of the records that a later write
// overrides (recode, retraction, promotion) sets.
type laterRecords struct {
	code, reason, parent string
}

// writeLater writes a coding, an assertion and an emergent code, then for
// each of writes, at its time and with its change id, a recode of the
// coding, a retraction of the assertion and a promotion of the code, in
// one change each.
func writeLater(t *testing.T, s *kg.Store, writes []laterWrite) {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	ch := func(id, op string, at time.Time) coding.Change {
		return coding.Change{ID: id, By: "alice", At: at, Op: op, Detail: op + " " + id}
	}
	span := coding.Span{Doc: "d1", Start: 0, End: 4}
	k1 := coding.Coding{ID: "k1", Span: span, Code: "Entrepreneur", Coder: "alice", Created: base}
	must(s.AddDocuments(ch("c0", "import", base), []*corpus.Document{{ID: "d1", Name: "d1.txt", Kind: corpus.KindInterview,
		Chars: 10, Imported: base, Source: corpus.Source{Path: "d1.txt", Format: "txt", TextSHA: "sha-d1"}, Attrs: corpus.Attrs{}}}))
	must(s.AddCodings(ch("c1", "code", base), []coding.Coding{k1}))
	must(s.AddEntities(ch("c2", "entity add", base), []coding.Entity{
		{ID: "chen", Type: "SpinoffFounder", Name: "Chen"}, {ID: "bureau", Type: "LocalGovernment", Name: "Bureau"}}))
	must(s.AddAssertion(ch("c3", "assert", base), coding.Assertion{ID: "a1", Subject: "bureau", Relation: "funds", Object: "chen",
		Polarity: coding.Positive, Confidence: 1, Coder: "alice", Created: base, Evidence: []coding.Span{span}}))
	must(s.AddCode(ch("c4", "codebook add", base), coding.Code{ID: "Trust", Parent: coding.RootEmergent, By: "alice", Created: base}))
	for _, w := range writes {
		must(s.Recode(ch(w.id+"-recode", "recode", w.at), k1, w.set.code))
		must(s.Retract(ch(w.id+"-retract", "retract", w.at), "a1", w.set.reason))
		must(s.PromoteCode(ch(w.id+"-promote", "codebook promote", w.at), "Trust", w.set.parent))
	}
}

type laterWrite struct {
	id  string // the prefix of the changes' ids
	at  time.Time
	set laterRecords
}

// laterOf returns what v holds for the records writeLater overrides.
func laterOf(t *testing.T, v *coding.View) laterRecords {
	t.Helper()
	if len(v.Codings) != 1 || len(v.Assertions) != 1 || len(v.Codes) != 1 {
		t.Fatalf("%d codings, %d assertions, %d codes; want 1 each", len(v.Codings), len(v.Assertions), len(v.Codes))
	}
	if !v.Assertions[0].Retracted || !v.Codes[0].Promoted {
		t.Errorf("assertion retracted %v, code promoted %v; want both", v.Assertions[0].Retracted, v.Codes[0].Promoted)
	}
	return laterRecords{code: v.Codings[0].Code, reason: v.Assertions[0].Reason, parent: v.Codes[0].Parent}
}

var (
	earlier = laterRecords{code: "Founder", reason: "first reason", parent: "Context"}
	latest  = laterRecords{code: "SpinoffFounder", reason: "second reason", parent: "Mechanism"}
)

// TestLatestWithinSecond writes two recodes, retractions and promotions
// of one record within a second, in the order of their times, and checks
// that the graph of every backend and the projection's replay all take
// the later one. RFC 3339 drops the trailing zeros of the fraction, so
// the times as strings sort the other way ("…:00.1Z" > "…:00.15Z").
func TestLatestWithinSecond(t *testing.T) {
	sec := base.Add(time.Hour)
	for _, tc := range []struct {
		name          string
		first, second time.Time
	}{
		{"0.1s/0.15s", sec.Add(100 * time.Millisecond), sec.Add(150 * time.Millisecond)},
		{"0.1s/0.123456789s", sec.Add(100 * time.Millisecond), sec.Add(123456789)},
		{"0s/0.5s", sec, sec.Add(500 * time.Millisecond)},
		{"0.999999999s/1s", sec.Add(time.Second - 1), sec.Add(time.Second)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, b := range backends {
				t.Run(b.name, func(t *testing.T) {
					s, dir := b.open(t)
					writeLater(t, s, []laterWrite{{"w1", tc.first, earlier}, {"w2", tc.second, latest}})
					v, err := s.View()
					if err != nil {
						t.Fatal(err)
					}
					if got := laterOf(t, v); got != latest {
						t.Errorf("View: %+v, want the later %+v", got, latest)
					}
					if dir == "" {
						return
					}
					pv, err := kg.LoadView(dir, false)
					if err != nil {
						t.Fatal(err)
					}
					if got := laterOf(t, pv); got != latest {
						t.Errorf("LoadView: %+v, want the later %+v", got, latest)
					}
					sameView(t, "LoadView", pv, v)
				})
			}
		})
	}
}

// TestLatestTie writes two recodes, retractions, promotions and document
// attributes at one instant, in either order, and checks that every
// backend's graph takes the same one whatever the order: of records of
// one instant, the one whose value sorts last (the later change id for an
// attribute), and lists the changes of one instant by id.
func TestLatestTie(t *testing.T) {
	at := base.Add(time.Hour + 100*time.Millisecond)
	// latest sorts after earlier in each field, so it wins the tie.
	a, z := laterWrite{"w1", at, earlier}, laterWrite{"w2", at, latest}
	for _, tc := range []struct {
		name   string
		writes []laterWrite
	}{
		{"in order", []laterWrite{a, z}},
		{"reversed", []laterWrite{z, a}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, b := range backends {
				t.Run(b.name, func(t *testing.T) {
					s, _ := b.open(t)
					writeLater(t, s, tc.writes)
					ctx := context.Background()
					for _, w := range tc.writes {
						ch := coding.Change{ID: w.id + "-attr", By: "alice", At: at, Op: "attr"}
						if err := s.SetAttrs(ctx, ch, "d1", corpus.Attrs{"year": corpus.Attr{Value: w.id}}); err != nil {
							t.Fatal(err)
						}
					}
					v, err := s.View()
					if err != nil {
						t.Fatal(err)
					}
					if got := laterOf(t, v); got != latest {
						t.Errorf("View: %+v, want %+v", got, latest)
					}
					d, err := s.Document(ctx, "d1")
					if err != nil {
						t.Fatal(err)
					}
					if got := d.Attrs["year"].Value; got != "w2" {
						t.Errorf("attribute year %q, want %q (the change with the later id)", got, "w2")
					}
					changes, err := s.Changes(ctx)
					if err != nil {
						t.Fatal(err)
					}
					var ids []string
					for _, c := range changes {
						if c.At.Equal(at) {
							ids = append(ids, c.ID)
						}
					}
					want := []string{"w1-attr", "w1-promote", "w1-recode", "w1-retract", "w2-attr", "w2-promote", "w2-recode", "w2-retract"}
					if fmt.Sprint(ids) != fmt.Sprint(want) {
						t.Errorf("changes at one instant %v, want them by id %v", ids, want)
					}
				})
			}
		})
	}
}
