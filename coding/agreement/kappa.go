package agreement

import "fmt"

// CohenKappa returns Cohen's kappa for two coders from their contingency
// table: table[a][b] counts the items coder A put in category a and coder B in
// category b. The table must be square, else the error wraps ErrShape;
// negative counts are an error wrapping ErrNegativeCount, and a table without
// items returns ErrEmpty.
//
// When Pe = 1, both coders put every item in one and the same category, so
// Po = 1 too and κ is 0/0; CohenKappa returns 1 then, as NVivo does.
func CohenKappa(table [][]int) (float64, error) {
	k := len(table)
	rows := make([]int64, k)
	cols := make([]int64, k)
	var n, agree int64
	for a, row := range table {
		if len(row) != k {
			return 0, fmt.Errorf("agreement: row %d of the table has %d cells, want %d: %w", a, len(row), k, ErrShape)
		}
		for b, c := range row {
			if c < 0 {
				return 0, fmt.Errorf("agreement: table[%d][%d] = %d: %w", a, b, c, ErrNegativeCount)
			}
			rows[a] += int64(c)
			cols[b] += int64(c)
			n += int64(c)
			if a == b {
				agree += int64(c)
			}
		}
	}
	if n == 0 {
		return 0, ErrEmpty
	}
	for a := range k {
		if rows[a] == n && cols[a] == n {
			return 1, nil
		}
	}
	// κ = (N·agree − E) / (N² − E) with E = Σ rows·cols, that is Po and Pe
	// multiplied by N².
	var e float64
	for a := range k {
		e += float64(rows[a]) * float64(cols[a])
	}
	nf := float64(n)
	return (nf*float64(agree) - e) / (nf*nf - e), nil
}

// Counts are the four cells of the character-level comparison of two coders A
// and B for one code: the number of code points each pair of judgements
// covers.
type Counts struct {
	Both    int `json:"both"`    // covered by A and by B
	OnlyA   int `json:"only_a"`  // covered by A only
	OnlyB   int `json:"only_b"`  // covered by B only
	Neither int `json:"neither"` // covered by neither
}

// Total returns the number of code points counted.
func (c Counts) Total() int { return c.Both + c.OnlyA + c.OnlyB + c.Neither }

// Percent returns the percentage agreement 100·(both + neither)/total. It
// returns 0 when nothing was counted.
func (c Counts) Percent() float64 {
	n := c.Total()
	if n == 0 {
		return 0
	}
	return 100 * float64(c.Both+c.Neither) / float64(n)
}

// Kappa returns Cohen's kappa of the 2×2 table c, 1 when Pe = 1 (see
// CohenKappa) and 0 when nothing was counted.
func (c Counts) Kappa() float64 {
	n := c.Total()
	if n == 0 {
		return 0
	}
	a, b := c.Both+c.OnlyA, c.Both+c.OnlyB
	if (a == 0 && b == 0) || (a == n && b == n) {
		return 1
	}
	nf, af, bf := float64(n), float64(a), float64(b)
	e := af*bf + (nf-af)*(nf-bf)
	return (nf*float64(c.Both+c.Neither) - e) / (nf*nf - e)
}

func (c *Counts) add(d Counts) {
	c.Both += d.Both
	c.OnlyA += d.OnlyA
	c.OnlyB += d.OnlyB
	c.Neither += d.Neither
}

// cells compares the coverage a and b (sorted, disjoint intervals) over a
// document of n code points.
func cells(a, b []Interval, n int) Counts {
	la, lb, both := covered(a), covered(b), intersection(a, b)
	return Counts{Both: both, OnlyA: la - both, OnlyB: lb - both, Neither: n - la - lb + both}
}
