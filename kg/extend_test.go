package kg_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/kg"
)

// TestExtend checks that extending a View by an entry gives what loading
// the projection after that entry gives, and that entries it does not
// extend by are left to a load.
func TestExtend(t *testing.T) {
	later := time.Now().UTC()
	codings := func(at time.Time, ids ...string) []coding.Coding {
		var cs []coding.Coding
		for i, id := range ids {
			cs = append(cs, coding.Coding{ID: id, Span: coding.Span{Doc: "dA", Start: i, End: i + 3}, Code: "LocalGovernment", Coder: "carol", Created: at})
		}
		return cs
	}
	for _, tc := range []struct {
		name   string
		event  func(ch coding.Change) *coding.Event
		wantOK bool
	}{
		{"Codings", func(ch coding.Change) *coding.Event {
			return &coding.Event{Change: ch, Codings: codings(later, "n2", "n1", "n3")}
		}, true},
		{"OlderThanTheLast", func(ch coding.Change) *coding.Event {
			return &coding.Event{Change: ch, Codings: codings(time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC), "old")}
		}, false},
		{"CodingsAndMentions", func(ch coding.Change) *coding.Event {
			return &coding.Event{Change: ch, Codings: codings(later, "n4"),
				Mentions: []coding.Mention{{ID: "m9", Span: coding.Span{Doc: "dA", Start: 0, End: 4}, Entity: "chen", Coder: "carol", Created: later}}}
		}, false},
		{"Memo", func(ch coding.Change) *coding.Event {
			return &coding.Event{Change: ch, Memo: &coding.Memo{ID: "memo9", Target: "dA", Text: "x", Author: "carol", Created: later}}
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, dir, _ := boltFixture(t)
			base, err := kg.LoadView(dir, false)
			if err != nil {
				t.Fatal(err)
			}
			n := len(base.Codings)
			ch := coding.NewChange("carol", "code", "test")
			ev := tc.event(ch)
			got, ok, err := kg.Extend(base, ev)
			if err != nil {
				t.Fatal(err)
			}
			if ok != tc.wantOK {
				t.Fatalf("Extend: ok %v, want %v", ok, tc.wantOK)
			}
			if len(base.Codings) != n {
				t.Errorf("Extend changed its View: %d codings, had %d", len(base.Codings), n)
			}
			if !ok {
				return
			}
			if err := s.AddCodings(ch, ev.Codings); err != nil {
				t.Fatal(err)
			}
			want, err := kg.LoadView(dir, false)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Codings) != n+len(ev.Codings) {
				t.Errorf("extended View: %d codings, want %d", len(got.Codings), n+len(ev.Codings))
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("extended View differs from the loaded one:\n got %+v\nwant %+v", got.Codings[n:], want.Codings[n:])
			}
		})
	}
}
