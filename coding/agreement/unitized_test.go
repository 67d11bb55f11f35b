package agreement

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/qualgraph/qualgraph/coding"
)

// krippendorff2004 is the example of Krippendorff (2004, p. 254), as encoded
// in DKPro Agreement's Krippendorff2004Test: two observers, a continuum
// [150, 450), categories c and k. Units are given as (begin, length) there;
// here they are shifted to a continuum [0, 300).
func krippendorff2004() (length int, cats map[string][][]Interval) {
	u := func(begin, length int) Interval { return Interval{begin - 150, begin - 150 + length} }
	return 300, map[string][][]Interval{
		"c": {
			{u(225, 70), u(370, 30)},
			{u(220, 80), u(355, 20), u(400, 20)},
		},
		"k": {
			{u(180, 60), u(300, 50)},
			{u(180, 60), u(300, 50)},
		},
	}
}

// krippendorff1995 is the example of Krippendorff (1995, p. 57), as encoded in
// DKPro Agreement's Krippendorff1995Test, with its lengths multiplied by
// stretch and truncated as there. Two observers; four categories, each a
// different pair of observers in the paper:
//
//	A Bertha:  0 0|1 1 1 1 1 1 1 1|0 0 0 0|1 1 1 1 1 1|0 0 0 0
//	  Bill:    0 0 0 0|1 1 1 1|0 0 0 0 0 0 0|1 1|0 0 0 0 0 0 0
//	B John:    1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1|0 0 0 0 0 0
//	  Jill:    1 1|1|1|1|1|1 1 1|1|0 0 0 0 0 0 0 0 0 0 0 0 0 0
//	C Gerret:  0 0|1 1 1 1 1 1|0 0|1 1|0 0|1 1 1 1|0 0|1 1|0 0
//	  Gill:    1 1|0 0|1 1 1 1|0 0|1 1 1 1|0 0|1 1|0 0|1 1|0 0
//	D Heather: 1 1|1 1 1 1 1 1 1 1|1 1 1 1|1 1 1 1 1 1|1 1 1 1
//	  Hill:    1 1 1 1|1 1 1 1|1 1 1 1 1 1 1|1 1|1 1 1 1 1 1 1
func krippendorff1995(stretch float64) (length int, cats map[string][][]Interval) {
	u := func(begin, length int) Interval {
		b := int(float64(begin) * stretch)
		return Interval{b, b + int(float64(length)*stretch)}
	}
	return int(24 * stretch), map[string][][]Interval{
		"A": {
			{u(2, 8), u(14, 6)},
			{u(4, 4), u(15, 2)},
		},
		"B": {
			{u(0, 18)},
			{u(0, 2), u(2, 1), u(3, 1), u(4, 1), u(5, 1), u(6, 3), u(9, 1)},
		},
		"C": {
			{u(2, 6), u(10, 2), u(14, 4), u(20, 2)},
			{u(0, 2), u(4, 4), u(10, 4), u(16, 2), u(20, 2)},
		},
		"D": {
			{u(0, 2), u(2, 8), u(10, 4), u(14, 6), u(20, 4)},
			{u(0, 4), u(4, 4), u(8, 7), u(15, 2), u(17, 7)},
		},
	}
}

func near(got, want, tol float64) bool { return math.Abs(got-want) <= tol }

func TestUnitizedKrippendorff2004(t *testing.T) {
	length, cats := krippendorff2004()
	// Published (Krippendorff 2004) and checked by DKPro Agreement.
	tests := []struct {
		cat          string
		do, de, want float64
	}{
		{"c", 0.0144, 0.0532, 0.7286},
		{"k", 0.0000, 0.0490, 1.0000},
	}
	var sumDo, sumDe float64
	for _, tt := range tests {
		t.Run(tt.cat, func(t *testing.T) {
			do, de, err := UnitizedDisagreement(length, cats[tt.cat])
			if err != nil {
				t.Fatal(err)
			}
			sumDo, sumDe = sumDo+do, sumDe+de
			a, err := UnitizedAlpha(length, cats[tt.cat])
			if err != nil {
				t.Fatal(err)
			}
			if !near(do, tt.do, 0.0001) || !near(de, tt.de, 0.0001) || !near(a, tt.want, 0.0001) {
				t.Errorf("uDo, uDe, alpha = %.4f, %.4f, %.4f; want %.4f, %.4f, %.4f",
					do, de, a, tt.do, tt.de, tt.want)
			}
		})
	}
	t.Run("overall", func(t *testing.T) {
		// Both categories together: 1 − mean uDo/mean uDe = 0.8591.
		if a := 1 - sumDo/sumDe; !near(a, 0.8591, 0.0005) {
			t.Errorf("alpha = %.4f, want 0.8591", a)
		}
	})
}

func TestUnitizedKrippendorff1995(t *testing.T) {
	// Observed disagreement does not depend on the stretch. The values are
	// DKPro Agreement's, checked against the paper there.
	length, cats := krippendorff1995(1)
	for cat, want := range map[string]float64{"A": 0.03125, "B": 2.26736, "C": 0.02777, "D": 0.38715} {
		t.Run("observed/"+cat, func(t *testing.T) {
			do, _, err := UnitizedDisagreement(length, cats[cat])
			if err != nil {
				t.Fatal(err)
			}
			if !near(do, want, 0.00001) {
				t.Errorf("uDo = %.5f, want %.5f", do, want)
			}
		})
	}
	// Expected disagreement and alpha on a continuum stretched 50000 times,
	// where the "+1" terms of uDe vanish, with DKPro's tolerances: the paper's
	// uDe carries a small computational error (DKPro's note), so its alphas
	// are matched to ±0.02.
	length, cats = krippendorff1995(50000)
	for _, tt := range []struct {
		cat       string
		de, alpha float64
	}{
		{"A", 0.06990, 0.553},
		{"B", 1.17731, -0.926},
		{"C", 0.08642, 0.679},
		{"D", 0.41445, 0.066},
	} {
		t.Run("expected/"+tt.cat, func(t *testing.T) {
			_, de, err := UnitizedDisagreement(length, cats[tt.cat])
			if err != nil {
				t.Fatal(err)
			}
			a, _ := UnitizedAlpha(length, cats[tt.cat])
			if !near(de, tt.de, 0.005) || !near(a, tt.alpha, 0.02) {
				t.Errorf("uDe, alpha = %.5f, %.3f; want %.5f, %.3f", de, a, tt.de, tt.alpha)
			}
		})
	}
	// Category C at other stretches, as in DKPro's testVaryingLengths.
	for _, tt := range []struct {
		name      string
		stretch   float64
		de, alpha float64
		deTol     float64
	}{
		{"stretch/0.5", 12 / 24.0, 0.05494, 0.494, 0.00001},
		{"stretch/5", 120 / 24.0, 0.08234, 0.663, 0.005},
		{"stretch/50", 1200 / 24.0, 0.08600, 0.677, 0.005},
	} {
		t.Run(tt.name, func(t *testing.T) {
			length, cats := krippendorff1995(tt.stretch)
			do, de, err := UnitizedDisagreement(length, cats["C"])
			if err != nil {
				t.Fatal(err)
			}
			a, _ := UnitizedAlpha(length, cats["C"])
			if !near(do, 0.02777, 0.00001) || !near(de, tt.de, tt.deTol) || !near(a, tt.alpha, 0.02) {
				t.Errorf("uDo, uDe, alpha = %.5f, %.5f, %.3f; want 0.02777, %.5f, %.3f", do, de, a, tt.de, tt.alpha)
			}
		})
	}
}

func TestUnitizedAlpha(t *testing.T) {
	tests := []struct {
		name   string
		length int
		units  [][]Interval
		want   float64
		tol    float64
	}{
		{
			// Hand computed. L = 10, m = 2; coder a: unit [2,6), coder b: [3,6).
			// uDo: one pair of overlapping units, δ² = (2−3)² + (6−6)² = 1;
			//      uDo = 2·1/(2·1·10²) = 0.01.
			// uDe: N = 2 units of lengths 4 and 3; gaps 2, 4 (a) and 3, 4 (b).
			//      l = 4: (1/3)(128 − 48 + 4) = 28; gaps ≥ 4: two, (4−4+1)·2 = 2,
			//             times 16 = 32; together 60.
			//      l = 3: (1/3)(54 − 27 + 3) = 10; gaps ≥ 3: 4, 3, 4 give
			//             2 + 1 + 2 = 5, times 9 = 45; together 55.
			//      uDe = (2/10)·115 / (20·19 − (4·3 + 3·2)) = 23/362.
			// α = 1 − 0.01·362/23 = 1 − 3.62/23 = 0.842609.
			name: "hand/shifted begin", length: 10,
			units: [][]Interval{{{2, 6}}, {{3, 6}}},
			want:  1 - 3.62/23, tol: 1e-12,
		},
		{
			name: "perfect agreement", length: 100,
			units: [][]Interval{{{10, 20}, {50, 70}}, {{10, 20}, {50, 70}}},
			want:  1, tol: 0,
		},
		{
			name: "identical codings of three coders", length: 100,
			units: [][]Interval{{{0, 5}, {5, 9}, {40, 90}}, {{0, 5}, {5, 9}, {40, 90}}, {{40, 90}, {0, 5}, {5, 9}}},
			want:  1, tol: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := UnitizedAlpha(tt.length, tt.units)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-tt.want) > tt.tol {
				t.Errorf("UnitizedAlpha = %.6f, want %.6f ± %g", got, tt.want, tt.tol)
			}
		})
	}
}

func TestUnitizedAlphaOrder(t *testing.T) {
	// The closer the coders' units, the higher alpha_U: identical units,
	// then shifted by 2, then disjoint units.
	a := []Interval{{20, 40}, {60, 70}}
	var last = math.Inf(1)
	for _, b := range [][]Interval{
		{{20, 40}, {60, 70}},
		{{22, 42}, {62, 72}},
		{{0, 10}, {45, 55}},
	} {
		got, err := UnitizedAlpha(100, [][]Interval{a, b})
		if err != nil {
			t.Fatal(err)
		}
		if got >= last {
			t.Errorf("alpha %v for %v is not below %v", got, b, last)
		}
		last = got
	}
	if last >= 0 {
		t.Errorf("systematic disagreement: alpha = %v, want < 0", last)
	}
}

func TestUnitizedAlphaErrors(t *testing.T) {
	tests := []struct {
		name   string
		length int
		units  [][]Interval
		want   error
	}{
		{"ErrTooFewCoders", 10, [][]Interval{{{1, 2}}}, ErrTooFewCoders},
		{"ErrEmpty", 0, [][]Interval{nil, nil}, ErrEmpty},
		{"ErrNoVariation", 10, [][]Interval{nil, nil}, ErrNoVariation},
		{"ErrSpanOutOfRange", 10, [][]Interval{{{5, 11}}, nil}, coding.ErrSpanOutOfRange},
		{"ErrEmptySpan", 10, [][]Interval{nil, {{5, 5}}}, coding.ErrEmptySpan},
		{"ErrOverlap", 10, [][]Interval{{{4, 8}, {1, 5}}, nil}, ErrOverlap},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := UnitizedAlpha(tt.length, tt.units)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if !math.IsNaN(got) {
				t.Errorf("alpha = %v, want NaN", got)
			}
		})
	}
	t.Run("IntervalError", func(t *testing.T) {
		_, err := UnitizedAlpha(10, [][]Interval{nil, {{2, 4}, {3, 6}}})
		var ie *IntervalError
		if !errors.As(err, &ie) || ie.Coder != 1 || ie.Interval != (Interval{3, 6}) {
			t.Errorf("err = %#v, want *IntervalError for coder 1, [3,6)", err)
		}
	})
}

// randomUnits returns sorted, disjoint units on [0, length).
func randomUnits(r *rand.Rand, length int) []Interval {
	var out []Interval
	for pos := r.IntN(10); pos < length; {
		end := min(length, pos+1+r.IntN(15))
		out = append(out, Interval{pos, end})
		pos = end + r.IntN(20)
	}
	return out
}

func TestUnitizedProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for trial := range 300 {
		length, m := 20+r.IntN(200), 2+r.IntN(3)
		units := make([][]Interval, m)
		for i := range units {
			units[i] = randomUnits(r, length)
		}
		a, err := UnitizedAlpha(length, units)
		if err != nil {
			continue
		}
		if a > 1+1e-12 {
			t.Fatalf("trial %d: alpha = %v > 1", trial, a)
		}
		perm := make([][]Interval, m)
		for i, p := range r.Perm(m) {
			perm[i] = units[p]
		}
		b, err := UnitizedAlpha(length, perm)
		if err != nil || math.Abs(a-b) > 1e-12 {
			t.Fatalf("trial %d: alpha with coders reordered = %v, %v; want %v", trial, b, err, a)
		}
		// Every coder coding like coder 0 gives full agreement.
		same := make([][]Interval, m)
		for i := range same {
			same[i] = units[0]
		}
		if c, err := UnitizedAlpha(length, same); err == nil && c != 1 {
			t.Fatalf("trial %d: identical coders: alpha = %v, want 1", trial, c)
		}
	}
}
