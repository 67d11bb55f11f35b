package agreement

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

func TestCohenKappa(t *testing.T) {
	tests := []struct {
		name  string
		table [][]int
		want  float64
		tol   float64
	}{
		// The worked examples of Wikipedia's "Cohen's kappa" article: 50
		// grant proposals read by two readers; Po = 0.7, Pe = 0.5, κ = 0.4.
		{"Wikipedia/proposals", [][]int{{20, 5}, {10, 15}}, 0.4, 1e-12},
		// Same Po = 0.60, different marginals: κ = 0.1304 and 0.2593.
		{"Wikipedia/balanced", [][]int{{45, 15}, {25, 15}}, 0.1304, 0.00005},
		{"Wikipedia/unbalanced", [][]int{{25, 35}, {5, 35}}, 0.2593, 0.00005},
		// Hand computed, three categories. N = 10, Po = 6/10; rows 4 3 3,
		// columns 3 3 4, Pe = (12 + 9 + 12)/100 = 0.33; κ = 0.27/0.67.
		{"hand/3x3", [][]int{{2, 1, 1}, {0, 2, 1}, {1, 0, 2}}, 0.27 / 0.67, 1e-12},
		{"perfect", [][]int{{3, 0}, {0, 7}}, 1, 0},
		// Pe = 1: every item in the same category by both coders.
		{"degenerate/Pe=1", [][]int{{0, 0}, {0, 9}}, 1, 0},
		// Systematic disagreement: Po = 0, Pe = 0.5, κ = −1.
		{"opposite", [][]int{{0, 5}, {5, 0}}, -1, 1e-12},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CohenKappa(tt.table)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-tt.want) > tt.tol {
				t.Errorf("CohenKappa = %.6f, want %.6f ± %g", got, tt.want, tt.tol)
			}
		})
	}
}

func TestCohenKappaErrors(t *testing.T) {
	tests := []struct {
		name  string
		table [][]int
		want  error
	}{
		{"ErrEmpty", [][]int{{0, 0}, {0, 0}}, ErrEmpty},
		{"ErrEmpty/NoTable", nil, ErrEmpty},
		{"ErrShape", [][]int{{1, 2}, {3}}, ErrShape},
		{"ErrNegativeCount", [][]int{{1, -2}, {3, 4}}, ErrNegativeCount},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := CohenKappa(tt.table); !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestCounts(t *testing.T) {
	tests := []struct {
		name        string
		c           Counts
		percent     float64
		kappa       float64
		kappaFromCT bool // kappa must equal CohenKappa of the same table
	}{
		{
			// NVivo's help, "How is the percentage agreement calculated?": a
			// document of 1000 characters, 50 coded by both users, 150 by
			// only one, 800 by neither: (800 + 50)/1000 = 85%. NVivo does not
			// give κ; with the 150 split as 100 (A only) and 50 (B only):
			// pA = 0.15, pB = 0.10, Pe = 0.015 + 0.765 = 0.78,
			// κ = (0.85 − 0.78)/(1 − 0.78) = 0.07/0.22 = 0.318182.
			name:    "NVivo/1000chars",
			c:       Counts{Both: 50, OnlyA: 100, OnlyB: 50, Neither: 800},
			percent: 85, kappa: 0.07 / 0.22, kappaFromCT: true,
		},
		{
			name:    "neither coded",
			c:       Counts{Neither: 100},
			percent: 100, kappa: 1,
		},
		{
			name:    "both coded everything",
			c:       Counts{Both: 7},
			percent: 100, kappa: 1,
		},
		{
			// Only A coded: Po = 0.9, pA = 0.1, pB = 0, Pe = 0.9, κ = 0.
			name:    "one coder only",
			c:       Counts{OnlyA: 10, Neither: 90},
			percent: 90, kappa: 0, kappaFromCT: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.c.Percent(); math.Abs(got-tt.percent) > 1e-9 {
				t.Errorf("Percent = %v, want %v", got, tt.percent)
			}
			if got := tt.c.Kappa(); math.Abs(got-tt.kappa) > 1e-12 {
				t.Errorf("Kappa = %v, want %v", got, tt.kappa)
			}
			if tt.kappaFromCT {
				k, err := CohenKappa([][]int{{tt.c.Both, tt.c.OnlyA}, {tt.c.OnlyB, tt.c.Neither}})
				if err != nil || math.Abs(k-tt.c.Kappa()) > 1e-12 {
					t.Errorf("CohenKappa = %v, %v; Counts.Kappa = %v", k, err, tt.c.Kappa())
				}
			}
		})
	}
}

// TestKappaProperties checks that swapping the coders (transposing the
// table) leaves kappa unchanged and that kappa ≤ 1.
func TestKappaProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for trial := range 500 {
		k := 2 + r.IntN(4)
		table := make([][]int, k)
		transposed := make([][]int, k)
		for a := range k {
			table[a] = make([]int, k)
			transposed[a] = make([]int, k)
		}
		for a := range k {
			for b := range k {
				table[a][b] = r.IntN(20)
				transposed[b][a] = table[a][b]
			}
		}
		x, err1 := CohenKappa(table)
		y, err2 := CohenKappa(transposed)
		if err1 != nil || err2 != nil {
			continue
		}
		if math.Abs(x-y) > 1e-12 || x > 1+1e-12 {
			t.Fatalf("trial %d: kappa %v, transposed %v", trial, x, y)
		}
	}
}
