package kg

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/qualgraph/qualgraph/coding"
)

// TestCollectLinesOnly checks that collecting an entry for the projection
// alone (ApplyProjection) gives the lines and the number of quads that
// collecting it for the graph gives, for codings with and without a memo
// and a suggestion, and for entries other than codings.
func TestCollectLinesOnly(t *testing.T) {
	at := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	ch := coding.Change{ID: "c1", By: "ann", At: at, Op: "code"}
	cs := []coding.Coding{
		{ID: "k1", Span: coding.Span{Doc: "d1", Start: 0, End: 4}, Code: "Lobbying", Coder: "ann", Created: at},
		{ID: "k2", Span: coding.Span{Doc: "d1", Start: 2, End: 9}, Code: "Framing", Coder: "ann", Created: at, Memo: "a note"},
		{ID: "k3", Span: coding.Span{Doc: "d2", Start: 5, End: 6}, Code: "Lobbying", Coder: "ann", Created: at,
			Suggested: &coding.Suggestion{Model: "lr2", Score: 0.8}},
		{ID: "k4", Span: coding.Span{Doc: "d2", Start: 1, End: 3}, Code: "Lobbying", Coder: "ann", Created: at, Memo: "both",
			Suggested: &coding.Suggestion{Model: "lr2", Score: 0.5}},
	}
	events := map[string]*coding.Event{
		"codings": {Change: ch, Codings: cs},
		"uncode":  {Change: ch, Uncode: cs[:2]},
		"memo":    {Change: ch, Memo: &coding.Memo{ID: "m1", Target: "coding:k1", Text: "x", Author: "ann", Created: at}},
	}
	for name, e := range events {
		t.Run(name, func(t *testing.T) {
			s := &Store{}
			full, err := s.collect(e)
			if err != nil {
				t.Fatal(err)
			}
			lines, err := s.collectAs(e, &collected{linesOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			if lines.quads() != len(full.qs) {
				t.Errorf("lines only counts %d quads, the graph's collection has %d", lines.quads(), len(full.qs))
			}
			if !reflect.DeepEqual(lines.lines, full.lines) {
				t.Errorf("lines differ:\n%q\n%q", lines.lines, full.lines)
			}
		})
	}
	for _, c := range cs {
		if got, want := codingQuadCount(c), len(codingQuads(c)); got != want {
			t.Errorf("codingQuadCount(%s) = %d, codingQuads has %d", c.ID, got, want)
		}
	}
}

func TestSplitFields(t *testing.T) {
	for _, rec := range []string{"", "a", "a\tb", "\t", "d1\t0\t4\tCode\tann\t2026-01-01T00:00:00Z\t\tlr2\t0.5",
		strings.Repeat("x\t", maxFields-1) + "y", strings.Repeat("x\t", maxFields) + "y", strings.Repeat("\t", 30)} {
		var buf [maxFields]string
		if got, want := splitFields(rec, buf[:0]), strings.Split(rec, "\t"); !reflect.DeepEqual(got, want) {
			t.Errorf("splitFields(%q) = %q, want %q", rec, got, want)
		}
	}
}
