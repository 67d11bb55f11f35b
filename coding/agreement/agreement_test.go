package agreement

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/qualgraph/qualgraph/coding"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// cd makes a coding.
func cd(coder, code, doc string, start, end int) coding.Coding {
	return coding.Coding{
		ID:   fmt.Sprintf("%s-%s-%s-%d-%d", coder, code, doc, start, end),
		Span: coding.Span{Doc: doc, Start: start, End: end}, Code: code, Coder: coder,
	}
}

// codingsOf turns units per category and coder into codings on document doc.
func codingsOf(doc string, coders []string, cats map[string][][]Interval) []coding.Coding {
	var out []coding.Coding
	for cat, units := range cats {
		for i, us := range units {
			for _, u := range us {
				out = append(out, cd(coders[i], cat, doc, u.Start, u.End))
			}
		}
	}
	return out
}

func code(t *testing.T, r *Report, name string) CodeResult {
	t.Helper()
	for _, c := range r.Codes {
		if c.Code == name {
			return c
		}
	}
	t.Fatalf("no code %q in report", name)
	return CodeResult{}
}

// TestCompareKrippendorff1995 runs Compare on the four continua of
// Krippendorff (1995), one code each. Cohen's kappa of the digitized continua
// is given by DKPro Agreement's Krippendorff1995Test (0.385, 0.385, 0.314;
// undefined for D, where both coders cover every code point and Compare
// reports 1 as NVivo does). Example B keeps Jill's touching units apart,
// which the observed disagreement 2.26736 checks.
func TestCompareKrippendorff1995(t *testing.T) {
	length, cats := krippendorff1995(1)
	r, err := Compare(codingsOf("d", []string{"i", "j"}, cats), map[string]int{"d": length}, nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		code     string
		kappa    float64
		percent  float64
		observed float64
	}{
		// A: Bertha 14 code points, Bill 6, all inside Bertha's: 6 + 10 agree.
		{"A", 0.385, 100 * 16 / 24.0, 0.03125},
		// B: John 18, Jill 10, inside John's: 10 + 6 agree.
		{"B", 0.385, 100 * 16 / 24.0, 2.26736},
		// C: Gerret 14, Gill 14, 10 both, 6 neither.
		{"C", 0.314, 100 * 16 / 24.0, 0.02777},
		{"D", 1, 100, 0.38715},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			c := code(t, r, tt.code)
			p := c.Pairs[0]
			if !near(p.Kappa, tt.kappa, 0.0005) || !near(p.Percent, tt.percent, 1e-9) {
				t.Errorf("kappa, percent = %.4f, %.4f; want %.4f, %.4f", p.Kappa, p.Percent, tt.kappa, tt.percent)
			}
			if !near(c.AlphaU.Observed, tt.observed, 0.00001) {
				t.Errorf("uDo = %.5f, want %.5f", c.AlphaU.Observed, tt.observed)
			}
			want, err := UnitizedAlpha(length, cats[tt.code])
			if err != nil || c.AlphaU.Value == nil || *c.AlphaU.Value != want {
				t.Errorf("alpha_U = %v, want %v (%v)", c.AlphaU.Value, want, err)
			}
		})
	}
}

func TestCompareKrippendorff2004(t *testing.T) {
	length, cats := krippendorff2004()
	r, err := Compare(codingsOf("d", []string{"i", "j"}, cats), map[string]int{"d": length}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a := r.Overall.AlphaU.Float(); !near(a, 0.8591, 0.0005) {
		t.Errorf("overall alpha_U = %.4f, want 0.8591", a)
	}
	if a := code(t, r, "c").AlphaU.Float(); !near(a, 0.7286, 0.0001) {
		t.Errorf("alpha_U(c) = %.4f, want 0.7286", a)
	}
	if u := r.Overall.AlphaU.Units; u != 9 {
		t.Errorf("units = %d, want 9", u)
	}
}

func TestCompareCharacters(t *testing.T) {
	tests := []struct {
		name      string
		codings   []coding.Coding
		docs      map[string]int
		percent   float64
		kappa     float64
		kappaMean float64
		counts    Counts
		perDoc    []DocResult
	}{
		{
			// NVivo's example: 1000 characters, 50 coded by both, 150 by only
			// one (100 by A, 50 by B), 800 by neither; 85%, κ = 0.07/0.22
			// (see TestCounts).
			name:    "NVivo/1000chars",
			codings: []coding.Coding{cd("a", "x", "d", 0, 150), cd("b", "x", "d", 100, 200)},
			docs:    map[string]int{"d": 1000},
			percent: 85, kappa: 0.07 / 0.22, kappaMean: 0.07 / 0.22,
			counts: Counts{Both: 50, OnlyA: 100, OnlyB: 50, Neither: 800},
		},
		{
			// Two documents.
			//   d1 (10): a [0,5), b [0,5): both 5, neither 5; 100%, κ = 1.
			//   d2 (30): a [0,10), b [5,15): both 5, only_a 5, only_b 5,
			//            neither 15; 20/30; Po = 2/3, pA = pB = 1/3,
			//            Pe = 1/9 + 4/9 = 5/9, κ = (1/9)/(4/9) = 0.25.
			// Pooled: both 10, only_a 5, only_b 5, neither 20 of 40:
			//   percent 30/40 = 75% = (10·100 + 30·66.67)/40;
			//   Po = 0.75, pA = pB = 0.375, Pe = 0.140625 + 0.390625 = 0.53125,
			//   κ = 0.21875/0.46875 = 7/15.
			// kappa_mean = (10·1 + 30·0.25)/40 = 0.4375.
			name: "two documents",
			codings: []coding.Coding{
				cd("a", "x", "d1", 0, 5), cd("b", "x", "d1", 0, 5),
				cd("a", "x", "d2", 0, 10), cd("b", "x", "d2", 5, 15),
			},
			docs:    map[string]int{"d1": 10, "d2": 30, "empty": 0},
			percent: 75, kappa: 7.0 / 15, kappaMean: 0.4375,
			counts: Counts{Both: 10, OnlyA: 5, OnlyB: 5, Neither: 20},
			perDoc: []DocResult{
				{Doc: "d1", Chars: 10, Counts: Counts{Both: 5, Neither: 5}, Percent: 100, Kappa: 1},
				{Doc: "d2", Chars: 30, Counts: Counts{Both: 5, OnlyA: 5, OnlyB: 5, Neither: 15}, Percent: 200 / 3.0, Kappa: 0.25},
			},
		},
		{
			// a's overlapping codings [0,5) and [3,8) cover 8 code points,
			// exactly b's [0,8): full agreement.
			name:    "overlapping codings count once",
			codings: []coding.Coding{cd("a", "x", "d", 0, 5), cd("a", "x", "d", 3, 8), cd("b", "x", "d", 0, 8)},
			docs:    map[string]int{"d": 10},
			percent: 100, kappa: 1, kappaMean: 1,
			counts: Counts{Both: 8, Neither: 2},
		},
		{
			// Only a coded, b did not: Po = 0.9, Pe = 0.9, κ = 0.
			name:    "one coder only",
			codings: []coding.Coding{cd("a", "x", "d", 0, 10), cd("b", "y", "d", 0, 1)},
			docs:    map[string]int{"d": 100},
			percent: 90, kappa: 0, kappaMean: 0,
			counts: Counts{OnlyA: 10, Neither: 90},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Compare(tt.codings, tt.docs, nil)
			if err != nil {
				t.Fatal(err)
			}
			p := code(t, r, "x").Pairs[0]
			if p.CoderA != "a" || p.CoderB != "b" {
				t.Errorf("pair = %s, %s; want a, b", p.CoderA, p.CoderB)
			}
			if p.Counts != tt.counts {
				t.Errorf("counts = %+v, want %+v", p.Counts, tt.counts)
			}
			if !near(p.Percent, tt.percent, 1e-9) || !near(p.Kappa, tt.kappa, 1e-12) || !near(p.KappaMean, tt.kappaMean, 1e-12) {
				t.Errorf("percent, kappa, kappa_mean = %v, %v, %v; want %v, %v, %v",
					p.Percent, p.Kappa, p.KappaMean, tt.percent, tt.kappa, tt.kappaMean)
			}
			if tt.perDoc != nil {
				if len(p.Docs) != len(tt.perDoc) {
					t.Fatalf("docs = %+v, want %+v", p.Docs, tt.perDoc)
				}
				for k, d := range p.Docs {
					w := tt.perDoc[k]
					if d.Doc != w.Doc || d.Chars != w.Chars || d.Counts != w.Counts ||
						!near(d.Percent, w.Percent, 1e-9) || !near(d.Kappa, w.Kappa, 1e-12) {
						t.Errorf("doc %d = %+v, want %+v", k, d, w)
					}
				}
			}
			if r.Chars != p.Chars || p.Counts.Total() != p.Chars {
				t.Errorf("report chars %d, pair chars %d, counted %d", r.Chars, p.Chars, p.Counts.Total())
			}
		})
	}
}

// segmentData has one document of 40 code points in four segments of 10 and
// two codes. Values (segment 0 to 3) of coders a and b:
//
//	X  a: 1 1 0 0   b: 1 0 0 0
//	Y  a: 0 0 1 1   b: 0 0 1 1
func segmentData() ([]coding.Coding, map[string]int, map[string][]Interval) {
	return []coding.Coding{
			cd("a", "X", "d", 2, 4), cd("a", "X", "d", 12, 14), cd("b", "X", "d", 5, 8),
			cd("a", "Y", "d", 20, 40), cd("b", "Y", "d", 25, 26), cd("b", "Y", "d", 30, 31),
		},
		map[string]int{"d": 40},
		map[string][]Interval{"d": {{0, 10}, {10, 20}, {20, 30}, {30, 40}}}
}

func TestCompareSegments(t *testing.T) {
	codings, docs, segs := segmentData()
	tests := []struct {
		name       string
		opts       Options
		x, y       float64 // alpha_segments per code
		pooled     float64
		categories float64 // NaN: not computed
		catUnits   int
	}{
		{
			// X: 8/15, see TestNominalAlpha "hand/binary". Y: no
			// disagreement, so 1. Pooled, 8 units:
			//   (1,1) (1,0) (0,0) (0,0) (0,0) (0,0) (1,1) (1,1):
			//   o_11 = 6, o_10 = o_01 = 1, o_00 = 8; n_1 = 7, n_0 = 9, n = 16;
			//   α = 1 − 15·1/(9·7) = 48/63.
			name: "presence",
			opts: Options{Segments: segs},
			x:    8.0 / 15, y: 1, pooled: 48.0 / 63, categories: math.NaN(),
		},
		{
			// Values a: X X Y Y, b: X . Y Y (b coded nothing in segment 1).
			// Three pairable units, all agreeing, with two values: α = 1.
			name: "exclusive",
			opts: Options{Segments: segs, Exclusive: true},
			x:    8.0 / 15, y: 1, pooled: 48.0 / 63, categories: 1, catUnits: 3,
		},
		{
			// Values a: X X Y Y, b: X none Y Y.
			// o_XX = 2, o_Xn = o_nX = 1, o_YY = 4; n_X = 3, n_none = 1,
			// n_Y = 4, n = 8; Σ_{c≠k} n_c n_k = 64 − 26 = 38;
			// α = 1 − 7·2/38 = 24/38.
			name: "exclusive with uncoded value",
			opts: Options{Segments: segs, Exclusive: true, Uncoded: "none"},
			x:    8.0 / 15, y: 1, pooled: 48.0 / 63, categories: 24.0 / 38, catUnits: 4,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Compare(codings, docs, &tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if r.Units != 4 {
				t.Errorf("units = %d, want 4", r.Units)
			}
			for name, want := range map[string]float64{"X": tt.x, "Y": tt.y} {
				a := code(t, r, name).AlphaSegments
				if a == nil || !near(a.Float(), want, 1e-12) || a.Units != 4 {
					t.Errorf("alpha_segments(%s) = %+v, want %v over 4 units", name, a, want)
				}
			}
			if a := r.Overall.AlphaSegments; a == nil || !near(a.Float(), tt.pooled, 1e-12) || a.Units != 8 {
				t.Errorf("overall alpha_segments = %+v, want %v over 8 units", a, tt.pooled)
			}
			a := r.Overall.AlphaCategories
			switch {
			case math.IsNaN(tt.categories) && a != nil:
				t.Errorf("alpha_categories = %+v, want none", a)
			case !math.IsNaN(tt.categories) && (a == nil || !near(a.Float(), tt.categories, 1e-12) || a.Units != tt.catUnits):
				t.Errorf("alpha_categories = %+v, want %v over %d units", a, tt.categories, tt.catUnits)
			}
		})
	}
	// The hand computations agree with NominalAlpha on the same matrices.
	for _, tt := range []struct {
		data [][]*string
		want float64
	}{
		{matrix("X X Y Y", "X . Y Y"), 1},
		{matrix("X X Y Y", "X none Y Y"), 24.0 / 38},
		{matrix("1 1 0 0 0 0 1 1", "1 0 0 0 0 0 1 1"), 48.0 / 63},
	} {
		if got, err := NominalAlpha(tt.data); err != nil || !near(got, tt.want, 1e-12) {
			t.Errorf("NominalAlpha = %v, %v; want %v", got, err, tt.want)
		}
	}
}

func TestCompareUndefined(t *testing.T) {
	// Code "unused" is listed but nobody applied it: full agreement at the
	// character level, alpha_U and alpha_segments undefined.
	codings := []coding.Coding{cd("a", "x", "d", 0, 5), cd("b", "x", "d", 2, 5)}
	r, err := Compare(codings, map[string]int{"d": 10}, &Options{
		Codes:    []string{"x", "unused"},
		Segments: map[string][]Interval{"d": {{0, 5}, {5, 10}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	c := code(t, r, "unused")
	if p := c.Pairs[0]; p.Percent != 100 || p.Kappa != 1 || p.KappaMean != 1 {
		t.Errorf("pair = %+v, want 100%% and kappa 1", p)
	}
	if c.AlphaU.Value != nil || c.AlphaU.Undefined != UndefinedNoVariation {
		t.Errorf("alpha_u = %+v, want undefined: %s", c.AlphaU, UndefinedNoVariation)
	}
	if a := c.AlphaSegments; a == nil || a.Value != nil || a.Undefined != UndefinedNoVariation {
		t.Errorf("alpha_segments = %+v, want undefined: %s", a, UndefinedNoVariation)
	}
	b, err := json.Marshal(c.AlphaU)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"value":null,"observed_disagreement":0,"expected_disagreement":0,"units":0,"undefined":"no_variation"}`; string(b) != want {
		t.Errorf("JSON = %s, want %s", b, want)
	}
	// Overall alpha_U is that of "x" alone: the unused code adds 0 to both
	// sums.
	if got, want := r.Overall.AlphaU.Float(), code(t, r, "x").AlphaU.Float(); !near(got, want, 1e-12) {
		t.Errorf("overall alpha_U = %v, want %v", got, want)
	}
}

func TestCompareErrors(t *testing.T) {
	ok := []coding.Coding{cd("a", "x", "d", 0, 5), cd("b", "x", "d", 2, 5)}
	docs := map[string]int{"d": 10}
	tests := []struct {
		name    string
		codings []coding.Coding
		docs    map[string]int
		opts    *Options
		want    error
		as      any // a pointer to the structured error type expected
	}{
		{name: "ErrTooFewCoders", codings: ok[:1], docs: docs, want: ErrTooFewCoders},
		{name: "ErrTooFewCoders/Listed", codings: ok, docs: docs, opts: &Options{Coders: []string{"a", "a"}}, want: ErrTooFewCoders},
		{name: "ErrEmpty/NoCodes", docs: docs, opts: &Options{Coders: []string{"a", "b"}}, want: ErrEmpty},
		{name: "ErrEmpty/NoDocs", codings: ok, docs: map[string]int{}, want: ErrEmpty},
		{name: "ErrNegativeLength", codings: ok, docs: map[string]int{"d": 10, "e": -1}, want: ErrNegativeLength, as: new(*DocError)},
		{
			name:    "ErrUnknownDoc",
			codings: append(slices.Clone(ok), cd("a", "x", "other", 0, 1)),
			docs:    docs, want: ErrUnknownDoc, as: new(*CodingError),
		},
		{
			name:    "ErrSpanOutOfRange",
			codings: append(slices.Clone(ok), cd("b", "x", "d", 5, 11)),
			docs:    docs, want: coding.ErrSpanOutOfRange, as: new(*coding.SpanError),
		},
		{
			name:    "ErrEmptySpan",
			codings: append(slices.Clone(ok), cd("b", "x", "d", 5, 5)),
			docs:    docs, want: coding.ErrEmptySpan, as: new(*CodingError),
		},
		{
			name: "Segment/ErrUnknownDoc", codings: ok, docs: docs,
			opts: &Options{Segments: map[string][]Interval{"other": {{0, 1}}}},
			want: ErrUnknownDoc, as: new(*SegmentError),
		},
		{
			name: "Segment/ErrSpanOutOfRange", codings: ok, docs: docs,
			opts: &Options{Segments: map[string][]Interval{"d": {{0, 5}, {5, 12}}}},
			want: coding.ErrSpanOutOfRange, as: new(*SegmentError),
		},
		{
			name:    "Segment/ErrAmbiguous",
			codings: append(slices.Clone(ok), cd("a", "y", "d", 0, 5)),
			docs:    docs,
			opts:    &Options{Segments: map[string][]Interval{"d": {{0, 10}}}, Exclusive: true},
			want:    ErrAmbiguous, as: new(*SegmentError),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Compare(tt.codings, tt.docs, tt.opts)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if r != nil {
				t.Errorf("report = %+v, want nil", r)
			}
			if tt.as != nil && !errors.As(err, tt.as) {
				t.Errorf("err = %#v, want %T", err, tt.as)
			}
		})
	}
	t.Run("ErrAmbiguous/Message", func(t *testing.T) {
		_, err := Compare(append(slices.Clone(ok), cd("a", "y", "d", 0, 5)), docs,
			&Options{Segments: map[string][]Interval{"d": {{0, 10}}}, Exclusive: true})
		want := `segment 0 [0,10) of document "d", coder a: two codes cover the most of the segment equally: x and y cover 5 code points each; exclusive codes need one code per segment`
		if err == nil || err.Error() != want {
			t.Errorf("err = %v, want %s", err, want)
		}
	})
}

// randomCodings returns codings of coders and codes over docs.
func randomCodings(r *rand.Rand, coders, codes []string, docs map[string]int) []coding.Coding {
	var out []coding.Coding
	ids := make([]string, 0, len(docs))
	for id := range docs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, coder := range coders {
		for _, c := range codes {
			for _, id := range ids {
				for range r.IntN(6) {
					s := r.IntN(docs[id])
					e := min(docs[id], s+1+r.IntN(40))
					out = append(out, cd(coder, c, id, s, e))
				}
			}
		}
	}
	return out
}

// TestCompareProperties checks that reordering coders leaves every statistic
// unchanged (kappa and percentage agreement per pair, every alpha) and that
// alphas and kappas do not exceed 1.
func TestCompareProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	docs := map[string]int{"d1": 120, "d2": 300, "d3": 45}
	segs := map[string][]Interval{}
	for id, n := range docs {
		for s := 0; s < n; s += 15 {
			segs[id] = append(segs[id], Interval{s, min(n, s+15)})
		}
	}
	coders := []string{"ann", "ben", "cy"}
	for trial := range 50 {
		codings := randomCodings(r, coders, []string{"p", "q", "r"}, docs)
		fwd, err := Compare(codings, docs, &Options{Coders: coders, Segments: segs})
		if err != nil {
			t.Fatal(err)
		}
		rev, err := Compare(codings, docs, &Options{Coders: []string{"cy", "ben", "ann"}, Segments: segs})
		if err != nil {
			t.Fatal(err)
		}
		for k, fc := range fwd.Codes {
			rc := rev.Codes[k]
			for _, fp := range fc.Pairs {
				i := slices.IndexFunc(rc.Pairs, func(p PairResult) bool { return p.CoderA == fp.CoderB && p.CoderB == fp.CoderA })
				rp := rc.Pairs[i]
				if !near(fp.Kappa, rp.Kappa, 1e-12) || !near(fp.Percent, rp.Percent, 1e-12) || !near(fp.KappaMean, rp.KappaMean, 1e-12) {
					t.Fatalf("trial %d, code %s, %s/%s: %+v swapped %+v", trial, fc.Code, fp.CoderA, fp.CoderB, fp, rp)
				}
				if fp.Kappa > 1+1e-12 || fp.KappaMean > 1+1e-12 {
					t.Fatalf("trial %d: kappa > 1: %+v", trial, fp)
				}
			}
			for _, pair := range [][2]*Alpha{{&fc.AlphaU, &rc.AlphaU}, {fc.AlphaSegments, rc.AlphaSegments}} {
				a, b := pair[0].Float(), pair[1].Float()
				if !(math.IsNaN(a) && math.IsNaN(b)) && (!near(a, b, 1e-12) || a > 1+1e-12) {
					t.Fatalf("trial %d, code %s: alpha %v, coders reordered %v", trial, fc.Code, a, b)
				}
			}
		}
		for _, pair := range [][2]*Alpha{{&fwd.Overall.AlphaU, &rev.Overall.AlphaU}, {fwd.Overall.AlphaSegments, rev.Overall.AlphaSegments}} {
			a, b := pair[0].Float(), pair[1].Float()
			if !near(a, b, 1e-12) || a > 1+1e-12 {
				t.Fatalf("trial %d: overall alpha %v, coders reordered %v", trial, a, b)
			}
		}
	}
}

// TestReportJSON pins the Report's JSON encoding; run with -update to
// rewrite testdata/compare/<case>/report.json after a deliberate change.
func TestReportJSON(t *testing.T) {
	codings, docs, segs := segmentData()
	docs["e"] = 20
	codings = append(codings, cd("a", "X", "e", 0, 10), cd("b", "X", "e", 5, 10))
	tests := []struct {
		name string
		opts *Options
	}{
		{"characters", nil},
		{"segments", &Options{Segments: segs, Exclusive: true, Uncoded: "none"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Compare(codings, docs, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.MarshalIndent(r, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := filepath.Join("testdata", "compare", tt.name, "report.json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("report differs from %s; run go test -update if the change is deliberate\ngot:\n%s", golden, got)
			}
		})
	}
}

func BenchmarkCompare(b *testing.B) {
	r := rand.New(rand.NewPCG(9, 10))
	docs := make(map[string]int)
	segs := make(map[string][]Interval)
	for d := range 50 {
		id := fmt.Sprintf("doc%02d", d)
		docs[id] = 20000
		for s := 0; s < 20000; s += 400 {
			segs[id] = append(segs[id], Interval{s, s + 400})
		}
	}
	codes := make([]string, 20)
	for c := range codes {
		codes[c] = fmt.Sprintf("code%02d", c)
	}
	codings := randomCodings(r, []string{"ann", "ben", "cy"}, codes, docs)
	opts := &Options{Segments: segs}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compare(codings, docs, opts); err != nil {
			b.Fatal(err)
		}
	}
}

// TestCompareDocuments checks the documents a Report lists, what each
// contributed, and the warning for a coder who coded nothing in one.
func TestCompareDocuments(t *testing.T) {
	codings := []coding.Coding{
		cd("ann", "x", "d1", 0, 4), cd("bo", "x", "d1", 2, 6), cd("ann", "y", "d1", 5, 8),
		cd("ann", "x", "d2", 1, 3),
	}
	docs := map[string]int{"d1": 10, "d2": 5, "d3": 0}
	tests := []struct {
		name     string
		codings  []coding.Coding // nil: codings
		docs     map[string]int  // nil: docs
		opts     *Options
		want     []Document
		warnings []string
	}{
		{name: "Chars", opts: nil,
			want: []Document{
				{Doc: "d1", Unit: "char", Units: 10, Chars: 10, Included: true, Codings: map[string]int{"ann": 2, "bo": 1}},
				{Doc: "d2", Unit: "char", Units: 5, Chars: 5, Included: true, Codings: map[string]int{"ann": 1, "bo": 0}},
				{Doc: "d3", Unit: "char", Included: false, Reason: ReasonEmpty, Codings: map[string]int{"ann": 0, "bo": 0}},
			},
			warnings: []string{"bo coded nothing in document d2; it is compared as if bo had found none of the codes there"}},
		{name: "SegmentsOneCodeNames", opts: &Options{Codes: []string{"x"}, Segments: map[string][]Interval{"d1": {{0, 5}, {5, 10}}},
			Names: map[string]string{"d1": "one.txt", "d2": "two.txt"}},
			want: []Document{
				{Doc: "d1", Name: "one.txt", Unit: "segment", Units: 2, Chars: 10, Included: true, Codings: map[string]int{"ann": 1, "bo": 1}},
				{Doc: "d2", Name: "two.txt", Unit: "segment", Units: 0, Chars: 5, Included: true, Codings: map[string]int{"ann": 1, "bo": 0}},
				{Doc: "d3", Unit: "segment", Included: false, Reason: ReasonEmpty, Codings: map[string]int{"ann": 0, "bo": 0}},
			},
			warnings: []string{"bo coded nothing in document two.txt (d2); it is compared as if bo had found none of the codes there"}},
		{name: "OnlyD1", codings: codings[:3], docs: map[string]int{"d1": 10}, opts: &Options{Coders: []string{"bo", "ann"}},
			want: []Document{
				{Doc: "d1", Unit: "char", Units: 10, Chars: 10, Included: true, Codings: map[string]int{"ann": 2, "bo": 1}},
			},
			warnings: []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs, ds := codings, docs
			if tt.codings != nil {
				cs, ds = tt.codings, tt.docs
			}
			r, err := Compare(cs, ds, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := json.Marshal(r.Documents)
			want, _ := json.Marshal(tt.want)
			if !bytes.Equal(got, want) {
				t.Errorf("documents\n got %s\nwant %s", got, want)
			}
			if !slices.Equal(r.Warnings, tt.warnings) || r.Warnings == nil {
				t.Errorf("warnings %q, want %q", r.Warnings, tt.warnings)
			}
		})
	}
}
