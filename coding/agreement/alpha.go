package agreement

import (
	"fmt"
	"math"
	"slices"
)

// NominalAlpha returns Krippendorff's alpha for nominal data. data[i][u] is
// coder i's value for unit u, nil where the value is missing; every row must
// have the same length, else the error wraps ErrShape. It returns NaN and
// ErrNoPairableValues when no unit has values from two coders, and NaN and
// ErrNoVariation when all pairable values are equal.
func NominalAlpha[V comparable](data [][]*V) (float64, error) {
	units, err := columns(data)
	if err != nil {
		return math.NaN(), err
	}
	index := make(map[V]int)
	var t nominalTally
	var vals []int
	for u := range units {
		vals = vals[:0]
		for _, row := range data {
			if v := row[u]; v != nil {
				k, ok := index[*v]
				if !ok {
					k = len(index)
					index[*v] = k
				}
				vals = append(vals, k)
			}
		}
		t.add(vals)
	}
	do, de, err := t.disagreement()
	return alpha(do, de, err)
}

// IntervalAlpha returns Krippendorff's alpha for interval data, with the
// squared difference as distance. Its data and errors are those of
// NominalAlpha; NaN values are an error wrapping ErrShape.
func IntervalAlpha(data [][]*float64) (float64, error) {
	units, err := columns(data)
	if err != nil {
		return math.NaN(), err
	}
	var t intervalTally
	var vals []float64
	for u := range units {
		vals = vals[:0]
		for i, row := range data {
			if v := row[u]; v != nil {
				if math.IsNaN(*v) {
					return math.NaN(), fmt.Errorf("agreement: coder %d, unit %d: value is NaN; use nil for a missing value: %w", i, u, ErrShape)
				}
				vals = append(vals, *v)
			}
		}
		t.add(vals)
	}
	do, de, err := t.disagreement()
	return alpha(do, de, err)
}

// columns checks that data is a matrix and returns its number of columns.
func columns[V any](data [][]*V) (int, error) {
	if len(data) == 0 {
		return 0, nil
	}
	n := len(data[0])
	for i, row := range data {
		if len(row) != n {
			return 0, fmt.Errorf("agreement: coder %d has %d values, coder 0 has %d; use nil for a missing value: %w", i, len(row), n, ErrShape)
		}
	}
	return n, nil
}

// alpha returns 1 − do/de, or NaN and err when err is not nil.
func alpha(do, de float64, err error) (float64, error) {
	if err != nil {
		return math.NaN(), err
	}
	return 1 - do/de, nil
}

// nominalTally accumulates pairable units for nominal alpha. Values are small
// integers indexing the distinct values.
type nominalTally struct {
	doSum float64 // Σ_u Σ_{c≠k} o_uck, the unnormalised observed disagreement
	n     int     // pairable values
	units int     // pairable units
	nc    []int   // pairable values of each kind
}

// add adds a unit with values vals, which it sorts. Units with fewer than two
// values are not pairable and are ignored.
func (t *nominalTally) add(vals []int) {
	m := len(vals)
	if m < 2 {
		return
	}
	slices.Sort(vals)
	t.units++
	t.n += m
	dis := 0 // Σ_c n_uc (m − n_uc): ordered pairs of unequal values
	for i := 0; i < m; {
		j := i + 1
		for j < m && vals[j] == vals[i] {
			j++
		}
		c := j - i
		dis += c * (m - c)
		v := vals[i]
		if v >= len(t.nc) {
			t.nc = append(t.nc, make([]int, v+1-len(t.nc))...)
		}
		t.nc[v] += c
		i = j
	}
	t.doSum += float64(dis) / float64(m-1)
}

// disagreement returns Do and De.
func (t *nominalTally) disagreement() (do, de float64, err error) {
	if t.n == 0 {
		return 0, 0, ErrNoPairableValues
	}
	n := float64(t.n)
	var sq int64
	for _, c := range t.nc {
		sq += int64(c) * int64(c)
	}
	do = t.doSum / n
	if int64(t.n)*int64(t.n) == sq { // a single value: Σ_{c≠k} n_c n_k = 0
		return do, 0, ErrNoVariation
	}
	de = (n*n - float64(sq)) / (n * (n - 1))
	return do, de, nil
}

// intervalTally accumulates pairable units for interval alpha.
type intervalTally struct {
	doSum float64   // Σ_u Σ_{a≠b in u} (x_a − x_b)² / (m_u − 1)
	vals  []float64 // all pairable values
	units int
}

func (t *intervalTally) add(vals []float64) {
	m := len(vals)
	if m < 2 {
		return
	}
	t.units++
	var s float64
	for a := range vals {
		for b := a + 1; b < m; b++ {
			d := vals[a] - vals[b]
			s += 2 * d * d
		}
	}
	t.doSum += s / float64(m-1)
	t.vals = append(t.vals, vals...)
}

func (t *intervalTally) disagreement() (do, de float64, err error) {
	if len(t.vals) == 0 {
		return 0, 0, ErrNoPairableValues
	}
	n := float64(len(t.vals))
	do = t.doSum / n
	if slices.Min(t.vals) == slices.Max(t.vals) {
		return do, 0, ErrNoVariation
	}
	var mean float64
	for _, x := range t.vals {
		mean += x
	}
	mean /= n
	var ss float64
	for _, x := range t.vals {
		ss += (x - mean) * (x - mean)
	}
	// Σ_c Σ_k n_c n_k (c − k)² over all ordered pairs of values = 2n Σ (x − mean)².
	de = 2 * n * ss / (n * (n - 1))
	return do, de, nil
}
