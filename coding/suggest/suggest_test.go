package suggest_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/coding/suggest"
)

// words is a plain analysis for the tests: lower-cased words without
// punctuation.
func words(text string) []string {
	return strings.Fields(strings.Map(func(r rune) rune {
		if r == '.' || r == ',' {
			return ' '
		}
		return r
	}, strings.ToLower(text)))
}

// units cuts texts into one unit per sentence of document d, coding the
// sentences that codes names.
func units(d string, sentences []string, codes map[int]string) []suggest.Unit {
	var us []suggest.Unit
	at := 0
	for i, s := range sentences {
		u := suggest.Unit{Doc: d, Start: at, End: at + len(s), Text: s}
		if c, ok := codes[i]; ok {
			u.Codes = []string{c}
		}
		us = append(us, u)
		at += len(s) + 1
	}
	return us
}

// TestNameFeature checks that a code's name counts: with one coding of
// Funding, the unit that names funding in other words than the coded one
// ranks first among the uncoded units only when the model knows the name.
func TestNameFeature(t *testing.T) {
	us := units("d", []string{
		"The city paid the rent of the lab.",       // coded Funding
		"We discussed the weather at length.",      // coded Weather
		"Funding came late from the province.",     // names funding
		"Our lab moved east.",                      // shares a word with the coded unit
		"Rain and weather delayed the building.",   // names weather
		"Nobody knew the answer to that question.", // neither
	}, map[int]string{0: "Funding", 1: "Weather"})
	for _, tc := range []struct {
		name  string
		names map[string]string
		want  int // the uncoded unit scored highest for Funding
	}{
		{"WithNames", map[string]string{"Funding": "funding", "Weather": "weather"}, 2},
		{"WithoutNames", nil, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := suggest.Train(us, nil, suggest.Options{Terms: words, Names: tc.names})
			best, bestScore := -1, -1.0
			for i, u := range us {
				if len(u.Codes) > 0 {
					continue
				}
				if s := m.Score("Funding", m.Unit(i)); s > bestScore {
					best, bestScore = i, s
				}
			}
			if best != tc.want {
				t.Errorf("unit %d (%q) scores highest for Funding, want %d (%q)", best, us[best].Text, tc.want, us[tc.want].Text)
			}
		})
	}
}

// TestExplainSimilar checks the coded segments of an explanation: a
// segment is compared as the units it covers, a segment that covers two
// units as their sum, and they come highest first with their coder and
// text.
func TestExplainSimilar(t *testing.T) {
	sentences := []string{
		"Land subsidies from the bureau.",
		"The bureau gave land.",
		"Subsidies again.",
		"Unrelated words here.",
	}
	us := units("d", sentences, map[int]string{0: "Land", 1: "Land", 2: "Land"})
	span := func(from, to int) coding.Span {
		return coding.Span{Doc: "d", Start: us[from].Start, End: us[to].End}
	}
	coded := []suggest.Coded{
		{Span: span(0, 0), Code: "Land", Coder: "ann", Text: sentences[0]},
		{Span: span(1, 2), Code: "Land", Coder: "bo", Text: sentences[1] + " " + sentences[2]},
		{Span: span(3, 3), Code: "Other", Coder: "ann", Text: sentences[3]}, // a code the model does not know
	}
	m := suggest.Train(us, coded, suggest.Options{Terms: words})
	for _, tc := range []struct {
		name  string
		text  string
		first string // coder of the most similar segment
		n     int
	}{
		{"OneUnit", "land subsidies", "ann", 2},
		{"TwoUnits", "the bureau gave land again", "bo", 2},
		{"NoneAlike", "unrelated", "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, ss := m.Explain("Land", m.Vectorize(tc.text), 3, 3)
			if len(ss) != tc.n {
				t.Fatalf("%d similar segments, want %d: %+v", len(ss), tc.n, ss)
			}
			if tc.n == 0 {
				return
			}
			if ss[0].Coder != tc.first || ss[0].Score < ss[1].Score {
				t.Errorf("similar %+v, want %s's first, highest first", ss, tc.first)
			}
			for _, s := range ss {
				if want := map[string]string{"ann": sentences[0], "bo": sentences[1] + " " + sentences[2]}[s.Coder]; s.Text != want {
					t.Errorf("segment by %s: text %q, want %q", s.Coder, s.Text, want)
				}
			}
		})
	}
}

// TestEvaluateCodedFirstPages checks the folds of a project with fewer
// coded documents than folds, coded only in its first pages, as a coder
// works through a long document: every fold must hold coded units, so
// that each fold's model has some to learn from and finds the others.
// Cut into five runs, one per fold, all the codings fell in the first
// fold and every method scored 0.
func TestEvaluateCodedFirstPages(t *testing.T) {
	var sentences []string
	codes := map[int]string{}
	for i := range 200 {
		switch {
		case i < 40 && i%2 == 0:
			sentences = append(sentences, "We lobbied the bureau for land and subsidies.")
			codes[i] = "Lobbying"
		case i < 40:
			sentences = append(sentences, "The weather was fine that day.")
		default: // not coded yet: the coder stopped at sentence 40
			sentences = append(sentences, "The weather was cold that week.")
		}
	}
	us := append(units("long", sentences, codes), units("other", []string{"The weather was fine.", "Nobody came."}, nil)...)
	var steps []string
	progress := func(done, total int) { steps = append(steps, fmt.Sprintf("%d/%d", done, total)) }
	ev := suggest.Evaluate(us, nil, nil, 5, suggest.Options{Terms: words, Progress: progress})
	// Each fold reports its training and its scoring.
	if want := "1/10 2/10 3/10 4/10 5/10 6/10 7/10 8/10 9/10 10/10"; strings.Join(steps, " ") != want {
		t.Errorf("progress %v, want %s", steps, want)
	}
	if ev.Folds != 5 || len(ev.Codes) != 1 || ev.Codes[0].Support != 20 {
		t.Fatalf("%d folds, codes %+v; want 5 folds and Lobbying on 20 units", ev.Folds, ev.Codes)
	}
	if m := ev.Overall.Model; m.Recall != 1 || m.Precision != 1 {
		t.Errorf("model %+v; want every coded sentence found, and nothing else", m)
	}
}
