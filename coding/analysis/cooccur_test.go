package analysis

import (
	"errors"
	"math"
	"testing"

	"github.com/qualgraph/qualgraph/coding"
)

func cd(doc, code string, start, end int) coding.Coding {
	return coding.Coding{Span: coding.Span{Doc: doc, Start: start, End: end}, Code: code, Coder: "ann"}
}

type wantPair struct {
	a, b  string
	count int
	c     float64 // NaN: undefined
	out   bool
}

func TestCooccur(t *testing.T) {
	threeSegs := Docs{"d1": {ID: "d1", Segments: []Segment{{0, 10}, {10, 20}, {20, 30}}}}
	tests := []struct {
		name    string
		codings []coding.Coding
		docs    Docs
		opt     CooccurOptions
		n       map[string]int
		pairs   []wantPair
	}{
		{"OverlapTouchingDoNot", []coding.Coding{cd("d1", "A", 0, 5), cd("d1", "B", 5, 9)}, nil,
			CooccurOptions{}, map[string]int{"A": 1, "B": 1}, nil},
		{"OverlapOneCodePoint", []coding.Coding{cd("d1", "A", 0, 5), cd("d1", "B", 4, 9)}, nil,
			CooccurOptions{}, map[string]int{"A": 1, "B": 1}, []wantPair{{"A", "B", 1, 1, false}}},
		{"OverlapIdentical", []coding.Coding{cd("d1", "B", 3, 7), cd("d1", "A", 3, 7)}, nil,
			CooccurOptions{}, map[string]int{"A": 1, "B": 1}, []wantPair{{"A", "B", 1, 1, false}}},
		{"OverlapNested", []coding.Coding{cd("d1", "A", 0, 100), cd("d1", "B", 10, 20), cd("d1", "B", 30, 40), cd("d1", "C", 95, 100)}, nil,
			CooccurOptions{}, map[string]int{"A": 1, "B": 2, "C": 1},
			// A overlaps both Bs: n_AB = 2 > n_A, c = 2/(1+2−2) = 2.
			[]wantPair{{"A", "B", 2, 2, true}, {"A", "C", 1, 1, false}}},
		{"OverlapOtherDocument", []coding.Coding{cd("d1", "A", 0, 10), cd("d2", "B", 0, 10)}, nil,
			CooccurOptions{}, map[string]int{"A": 1, "B": 1}, nil},
		{"OverlapSameCodeNotCounted", []coding.Coding{cd("d1", "A", 0, 10), cd("d1", "A", 5, 15)}, nil,
			CooccurOptions{}, map[string]int{"A": 2}, nil},
		{"OverlapMixed", []coding.Coding{
			cd("d1", "A", 0, 10),  // a1
			cd("d1", "B", 5, 15),  // b1 overlaps a1
			cd("d1", "B", 10, 20), // b2 touches a1
			cd("d1", "C", 2, 4),   // nested in a1
			cd("d1", "A", 12, 14), // nested in b1 and b2
			cd("d2", "A", 0, 5), cd("d2", "B", 0, 5), cd("d2", "C", 5, 8),
			cd("d3", "A", 0, 50), cd("d3", "C", 40, 60), cd("d3", "D", 55, 70),
		}, nil, CooccurOptions{}, map[string]int{"A": 4, "B": 3, "C": 3, "D": 1},
			[]wantPair{
				{"A", "B", 4, 4.0 / (4 + 3 - 4), true},    // a1b1, a2b1, a2b2, a3b3
				{"A", "C", 2, 2.0 / (4 + 3 - 2), false},   // a1c1, d3
				{"C", "D", 1, 1.0 / (3 + 1 - 1), false}}}, // d3
		{"OverlapUndefined", []coding.Coding{cd("d1", "A", 0, 10), cd("d1", "A", 0, 10), cd("d1", "B", 0, 10), cd("d1", "B", 0, 10)}, nil,
			CooccurOptions{}, map[string]int{"A": 2, "B": 2}, []wantPair{{"A", "B", 4, math.NaN(), true}}},
		{"OverlapCodesChosen", []coding.Coding{cd("d1", "A", 0, 10), cd("d1", "B", 0, 10), cd("d1", "C", 0, 10)}, nil,
			CooccurOptions{Codes: []string{"C", "A", "Z"}}, map[string]int{"C": 1, "A": 1, "Z": 0},
			[]wantPair{{"C", "A", 1, 1, false}}},
		{"Segment", []coding.Coding{
			cd("d1", "A", 5, 12),  // segments 0, 1
			cd("d1", "B", 15, 25), // 1, 2
			cd("d1", "C", 20, 21), // 2
			cd("d1", "A", 25, 26), // 2
			cd("d1", "D", 0, 10),  // 0 only: ends where segment 1 starts
		}, threeSegs, CooccurOptions{Unit: UnitSegment}, map[string]int{"A": 3, "B": 2, "C": 1, "D": 1},
			[]wantPair{
				{"A", "B", 2, 2.0 / 3, false},
				{"A", "C", 1, 1.0 / 3, false},
				{"A", "D", 1, 1.0 / 3, false},
				{"B", "C", 1, 0.5, false}}},
		{"SegmentDocWithoutSegments", []coding.Coding{cd("d9", "A", 0, 3), cd("d9", "B", 50, 60), cd("d1", "A", 0, 3), cd("d1", "B", 25, 28)},
			threeSegs, CooccurOptions{Unit: UnitSegment}, map[string]int{"A": 2, "B": 2},
			[]wantPair{{"A", "B", 1, 1.0 / 3, false}}},
		{"Document", []coding.Coding{
			cd("d1", "A", 0, 1), cd("d1", "B", 90, 99), cd("d1", "A", 5, 6),
			cd("d2", "A", 0, 1),
			cd("d3", "B", 0, 1), cd("d3", "C", 10, 11),
		}, nil, CooccurOptions{Unit: UnitDocument}, map[string]int{"A": 2, "B": 2, "C": 1},
			[]wantPair{{"A", "B", 1, 1.0 / 3, false}, {"B", "C", 1, 0.5, false}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Cooccur(tc.codings, tc.docs, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Codes) != len(tc.n) {
				t.Fatalf("codes %v, want %v", got.Codes, tc.n)
			}
			for _, c := range got.Codes {
				if want, ok := tc.n[c.Code]; !ok || c.N != want {
					t.Errorf("n(%s) = %d, want %d", c.Code, c.N, want)
				}
			}
			if len(got.Pairs) != len(tc.pairs) {
				t.Fatalf("pairs %+v, want %+v", got.Pairs, tc.pairs)
			}
			for i, w := range tc.pairs {
				p := got.Pairs[i]
				if p.A != w.a || p.B != w.b || p.Count != w.count || p.OutOfRange != w.out {
					t.Errorf("pair %d = %s–%s %d out=%v, want %s–%s %d out=%v", i, p.A, p.B, p.Count, p.OutOfRange, w.a, w.b, w.count, w.out)
				}
				switch {
				case math.IsNaN(w.c) && p.C != nil:
					t.Errorf("pair %s–%s: c = %v, want undefined", p.A, p.B, *p.C)
				case !math.IsNaN(w.c) && (p.C == nil || math.Abs(*p.C-w.c) > 1e-12):
					t.Errorf("pair %s–%s: c = %v, want %v", p.A, p.B, p.C, w.c)
				}
				if got.Count(w.b, w.a) != w.count {
					t.Errorf("Count(%s, %s) = %d", w.b, w.a, got.Count(w.b, w.a))
				}
			}
		})
	}
}

func TestCooccurBadUnit(t *testing.T) {
	_, err := Cooccur(nil, nil, CooccurOptions{Unit: "sentence"})
	var oe *OptionError
	if !errors.As(err, &oe) || !errors.Is(err, ErrOption) {
		t.Fatalf("err = %v, want *OptionError", err)
	}
}

// TestCooccurOverlapMatchesPairwise checks the sweep line against the
// obvious quadratic count on generated data.
func TestCooccurOverlapMatchesPairwise(t *testing.T) {
	cs := generate(3000, 20, 7)
	got, err := Cooccur(cs, nil, CooccurOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[[2]string]int{}
	for i := range cs {
		for j := range cs {
			a, b := cs[i], cs[j]
			if a.Code < b.Code && a.Overlaps(b.Span) {
				want[[2]string{a.Code, b.Code}]++
			}
		}
	}
	n := 0
	for _, p := range got.Pairs {
		k := [2]string{min(p.A, p.B), max(p.A, p.B)}
		if want[k] != p.Count {
			t.Errorf("%s–%s: sweep %d, pairwise %d", p.A, p.B, p.Count, want[k])
		}
		n++
	}
	if n != len(want) {
		t.Errorf("%d pairs, pairwise found %d", n, len(want))
	}
}
