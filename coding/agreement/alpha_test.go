package agreement

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// matrix parses a reliability data matrix, one string per coder, values
// separated by spaces, "." for a missing value.
func matrix(rows ...string) [][]*string {
	out := make([][]*string, len(rows))
	for i, r := range rows {
		for _, f := range strings.Fields(r) {
			if f == "." {
				out[i] = append(out[i], nil)
				continue
			}
			out[i] = append(out[i], &f)
		}
	}
	return out
}

// numbers is matrix for interval data.
func numbers(t *testing.T, rows ...string) [][]*float64 {
	t.Helper()
	m := matrix(rows...)
	out := make([][]*float64, len(m))
	for i, row := range m {
		out[i] = make([]*float64, len(row))
		for u, v := range row {
			if v == nil {
				continue
			}
			var x float64
			for _, r := range *v {
				if r < '0' || r > '9' {
					t.Fatalf("bad number %q", *v)
				}
				x = 10*x + float64(r-'0')
			}
			out[i][u] = &x
		}
	}
	return out
}

// Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section
// C: four observers, twelve units, values 1 to 5, missing values.
var krippendorff2011C = []string{
	"1 2 3 3 2 1 4 1 2 . . .",
	"1 2 3 3 2 2 4 1 2 5 . 3",
	". 3 3 3 2 3 4 2 2 5 1 .",
	"1 2 3 3 2 4 4 1 2 5 1 .",
}

func TestNominalAlpha(t *testing.T) {
	tests := []struct {
		name string
		data [][]*string
		want float64
		tol  float64
	}{
		{
			// Krippendorff (2011), section A: binary data, two observers,
			// no missing values. Published alpha = 0.095.
			name: "Krippendorff2011/A/binary",
			data: matrix(
				"0 1 0 0 0 0 0 0 1 0",
				"1 1 1 0 0 1 0 0 0 0"),
			want: 0.095, tol: 0.0005,
		},
		{
			// Krippendorff (2011), section B: nominal data, two observers,
			// no missing values. Published alpha = 0.692.
			name: "Krippendorff2011/B/nominal",
			data: matrix(
				"a a b b d c c c e d d a",
				"b a b b b c c c e d d d"),
			want: 0.692, tol: 0.0005,
		},
		{
			// Krippendorff (2011), section C: nominal alpha = 0.743.
			name: "Krippendorff2011/C/nominal",
			data: matrix(krippendorff2011C...),
			want: 0.743, tol: 0.0005,
		},
		{
			// Krippendorff (1995), example A (Bertha and Bill) digitized to
			// one unit per code point; nominal alpha 0.329 as in DKPro
			// Agreement's Krippendorff1995Test.
			name: "Krippendorff1995/A/digitized",
			data: matrix(
				"0 0 1 1 1 1 1 1 1 1 0 0 0 0 1 1 1 1 1 1 0 0 0 0",
				"0 0 0 0 1 1 1 1 0 0 0 0 0 0 0 1 1 0 0 0 0 0 0 0"),
			want: 0.329, tol: 0.0005,
		},
		{
			// Hand computed. Units (1,1) (1,0) (0,0) (0,0):
			// o_11 = 2, o_10 = o_01 = 1, o_00 = 4; n_1 = 3, n_0 = 5, n = 8.
			// α = 1 − (n − 1)·o_01/(n_0·n_1) = 1 − 7/15 = 8/15.
			name: "hand/binary",
			data: matrix("1 1 0 0", "1 0 0 0"),
			want: 8.0 / 15, tol: 1e-12,
		},
		{
			// Hand computed. Unit 1 has one value and is not pairable;
			// units 2 and 3 are as in "hand/binary" without the (0,0) units:
			// (1,1) (1,0): o_11 = 2, o_10 = o_01 = 1; n_1 = 3, n_0 = 1, n = 4.
			// α = 1 − 3·1/(1·3) = 0.
			name: "hand/missing",
			data: matrix("1 1 1", ". 1 0"),
			want: 0, tol: 1e-12,
		},
		{
			name: "perfect agreement",
			data: matrix("a b c . a", "a b c c a", "a . c c a"),
			want: 1, tol: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NominalAlpha(tt.data)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-tt.want) > tt.tol {
				t.Errorf("NominalAlpha = %.6f, want %.6f ± %g", got, tt.want, tt.tol)
			}
		})
	}
}

func TestNominalAlphaErrors(t *testing.T) {
	tests := []struct {
		name string
		data [][]*string
		want error
	}{
		{"ErrNoPairableValues", matrix("1 . 2", ". 3 ."), ErrNoPairableValues},
		{"ErrNoPairableValues/OneCoder", matrix("1 2 3"), ErrNoPairableValues},
		{"ErrNoPairableValues/NoData", nil, ErrNoPairableValues},
		{"ErrNoVariation", matrix("1 1 .", "1 1 1"), ErrNoVariation},
		{"ErrShape", matrix("1 2 3", "1 2"), ErrShape},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NominalAlpha(tt.data)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if !math.IsNaN(got) {
				t.Errorf("alpha = %v, want NaN", got)
			}
		})
	}
}

func TestIntervalAlpha(t *testing.T) {
	tests := []struct {
		name string
		data [][]*float64
		want float64
		tol  float64
	}{
		// Krippendorff (2011), section C: interval alpha = 0.849.
		{"Krippendorff2011/C/interval", numbers(t, krippendorff2011C...), 0.849, 0.0005},
		// Hand computed. Units (1,3) and (2,2): Σ_u Σ_{a≠b} δ²/(m_u − 1) = 8,
		// n = 4, Do = 2; values 1 2 2 3 with mean 2, Σ(x − mean)² = 2,
		// De = 2n·2/(n(n − 1)) = 4/3; α = 1 − 2/(4/3) = −0.5.
		{"hand", numbers(t, "1 2", "3 2"), -0.5, 1e-12},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := IntervalAlpha(tt.data)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-tt.want) > tt.tol {
				t.Errorf("IntervalAlpha = %.6f, want %.6f ± %g", got, tt.want, tt.tol)
			}
		})
	}
	t.Run("ErrNoVariation", func(t *testing.T) {
		if _, err := IntervalAlpha(numbers(t, "4 4", "4 .")); !errors.Is(err, ErrNoVariation) {
			t.Errorf("err = %v, want ErrNoVariation", err)
		}
	})
}

// randomMatrix returns m coders × n units of values 0 to k−1, with missing
// values at the given rate.
func randomMatrix(r *rand.Rand, m, n, k int, missing float64) [][]*int {
	data := make([][]*int, m)
	for i := range data {
		data[i] = make([]*int, n)
		for u := range data[i] {
			if r.Float64() < missing {
				continue
			}
			v := r.IntN(k)
			data[i][u] = &v
		}
	}
	return data
}

func TestAlphaProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 500 {
		m, n, k := 2+r.IntN(4), 1+r.IntN(30), 2+r.IntN(4)
		data := randomMatrix(r, m, n, k, 0.2)
		a, err := NominalAlpha(data)
		if err != nil {
			continue // degenerate draws
		}
		if a > 1+1e-12 {
			t.Fatalf("trial %d: alpha = %v > 1", trial, a)
		}
		// Reordering coders (rows) and units (columns) leaves alpha unchanged.
		rows := r.Perm(m)
		cols := r.Perm(n)
		perm := make([][]*int, m)
		for i := range perm {
			perm[i] = make([]*int, n)
			for u := range perm[i] {
				perm[i][u] = data[rows[i]][cols[u]]
			}
		}
		b, err := NominalAlpha(perm)
		if err != nil || math.Abs(a-b) > 1e-12 {
			t.Fatalf("trial %d: permuted alpha = %v, %v; want %v", trial, b, err, a)
		}
		// Interval alpha on the same data obeys the same laws.
		fl := func(d [][]*int) [][]*float64 {
			out := make([][]*float64, len(d))
			for i, row := range d {
				out[i] = make([]*float64, len(row))
				for u, v := range row {
					if v != nil {
						x := float64(*v)
						out[i][u] = &x
					}
				}
			}
			return out
		}
		ia, err1 := IntervalAlpha(fl(data))
		ib, err2 := IntervalAlpha(fl(perm))
		if err1 != nil || err2 != nil || ia > 1+1e-12 || math.Abs(ia-ib) > 1e-9 {
			t.Fatalf("trial %d: interval alpha %v (%v), permuted %v (%v)", trial, ia, err1, ib, err2)
		}
	}
}
