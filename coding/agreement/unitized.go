package agreement

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/qualgraph/qualgraph/coding"
)

// Interval is a half-open range [Start, End) of code points: a segment of a
// document, or a unit on a continuum.
type Interval struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// Len returns the number of code points in iv.
func (iv Interval) Len() int { return iv.End - iv.Start }

// String formats iv as [START,END).
func (iv Interval) String() string { return fmt.Sprintf("[%d,%d)", iv.Start, iv.End) }

// UnitizedAlpha returns Krippendorff's alpha_U for one category: units[i]
// lists the units coder i marked on a continuum [0, length), in any order. It
// returns NaN and ErrNoVariation when the expected disagreement is zero
// (nobody marked a unit). Its other errors are those of UnitizedDisagreement.
func UnitizedAlpha(length int, units [][]Interval) (float64, error) {
	do, de, err := UnitizedDisagreement(length, units)
	if err != nil {
		return math.NaN(), err
	}
	if de == 0 {
		return math.NaN(), ErrNoVariation
	}
	return 1 - do/de, nil
}

// UnitizedDisagreement returns the observed and expected disagreement uDo and
// uDe of alpha_U for one category (see the package documentation). Callers
// combine categories as DKPro Agreement does, as 1 − mean(uDo)/mean(uDe).
//
// units[i] lists coder i's units on the continuum [0, length), in any order;
// a coder's units must not overlap, though they may touch. It returns
// ErrTooFewCoders for fewer than two coders, ErrEmpty for length < 1, and an
// *IntervalError for a unit that is empty, out of range (wrapping
// coding.ErrEmptySpan or coding.ErrSpanOutOfRange) or overlapping another of
// the same coder (wrapping ErrOverlap).
func UnitizedDisagreement(length int, units [][]Interval) (observed, expected float64, err error) {
	if len(units) < 2 {
		return 0, 0, ErrTooFewCoders
	}
	if length < 1 {
		return 0, 0, ErrEmpty
	}
	sorted := make([][][]Interval, len(units))
	for i, us := range units {
		us = slices.Clone(us)
		slices.SortFunc(us, func(a, b Interval) int { return cmp.Compare(a.Start, b.Start) })
		for k, u := range us {
			switch {
			case u.Start < 0 || u.End > length:
				return 0, 0, &IntervalError{Coder: i, Interval: u, Len: length, Err: coding.ErrSpanOutOfRange}
			case u.End <= u.Start:
				return 0, 0, &IntervalError{Coder: i, Interval: u, Len: length, Err: coding.ErrEmptySpan}
			case k > 0 && us[k-1].End > u.Start:
				return 0, 0, &IntervalError{Coder: i, Interval: u, Len: length, Err: fmt.Errorf("%w: %v and %v", ErrOverlap, us[k-1], u)}
			}
		}
		sorted[i] = [][]Interval{us}
	}
	do, de, _ := unitized([]int{length}, sorted)
	return do, de, nil
}

// unitized computes uDo and uDe for one category over a continuum made of
// pieces (documents) of the given lengths laid end to end. units[i][p] lists
// coder i's units in piece p relative to the piece's start, sorted and
// disjoint. It also returns the number of units. The caller ensures there are
// at least two coders and that the pieces are not all empty.
func unitized(pieces []int, units [][][]Interval) (do, de float64, n int) {
	m := len(units)
	var length float64
	for _, l := range pieces {
		length += float64(l)
	}

	// Observed: δ² summed over the pairs of sections of every pair of coders.
	// δ² is invariant under translation, and units and gaps never cross a
	// piece boundary, so pieces are compared one at a time.
	var sum float64
	for p := range pieces {
		for i := range m {
			for j := i + 1; j < m; j++ {
				sum += sectionDistances(units[i][p], units[j][p])
			}
		}
	}
	do = 2 * sum / (float64(m) * float64(m-1) * length * length)

	// Expected.
	var lens []float64 // unit lengths, all coders
	var gaps []float64 // gap lengths, all coders
	for i := range m {
		for p, l := range pieces {
			pos := 0
			for _, u := range units[i][p] {
				if u.Start > pos {
					gaps = append(gaps, float64(u.Start-pos))
				}
				lens = append(lens, float64(u.Len()))
				pos = u.End
			}
			if l > pos {
				gaps = append(gaps, float64(l-pos))
			}
		}
	}
	n = len(lens)
	if n == 0 {
		return do, 0, 0
	}
	// For Σ_{gaps h, l_h ≥ l} (l_h − l + 1) = S − k(l − 1), where k gaps of total
	// length S are at least l long: gaps sorted ascending with suffix sums.
	slices.Sort(gaps)
	suffix := make([]float64, len(gaps)+1)
	for k := len(gaps) - 1; k >= 0; k-- {
		suffix[k] = suffix[k+1] + gaps[k]
	}
	var num, within float64
	for _, l := range lens {
		num += float64(n-1) / 3 * (2*l*l*l - 3*l*l + l)
		first := sort.SearchFloat64s(gaps, l) // first gap ≥ l
		k := float64(len(gaps) - first)
		num += l * l * (suffix[first] - k*(l-1))
		within += l * (l - 1)
	}
	mL := float64(m) * length
	de = 2 / length * num / (mL*(mL-1) - within)
	return do, de, n
}

// sectionDistances returns Σ δ²(g, h) over the sections g of one coder and h
// of another within one piece, given their sorted, disjoint units a and b.
// Overlapping units contribute their squared differences of begins and ends;
// a unit that overlaps no unit of the other coder lies within one of the other
// coder's gaps and contributes its squared length; pairs of gaps contribute 0.
func sectionDistances(a, b []Interval) float64 {
	var sum float64
	matchedA := make([]bool, len(a))
	matchedB := make([]bool, len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if a[i].Start < b[j].End && b[j].Start < a[i].End {
			ds := float64(a[i].Start - b[j].Start)
			de := float64(a[i].End - b[j].End)
			sum += ds*ds + de*de
			matchedA[i], matchedB[j] = true, true
		}
		if a[i].End <= b[j].End {
			i++
		} else {
			j++
		}
	}
	for k, u := range a {
		if !matchedA[k] {
			l := float64(u.Len())
			sum += l * l
		}
	}
	for k, u := range b {
		if !matchedB[k] {
			l := float64(u.Len())
			sum += l * l
		}
	}
	return sum
}

// merge sorts ivs and merges those that overlap; intervals that merely touch
// stay apart. It reuses ivs.
func merge(ivs []Interval) []Interval {
	if len(ivs) == 0 {
		return nil
	}
	slices.SortFunc(ivs, func(a, b Interval) int {
		return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(a.End, b.End))
	})
	out := ivs[:1]
	for _, iv := range ivs[1:] {
		last := &out[len(out)-1]
		if iv.Start < last.End {
			last.End = max(last.End, iv.End)
			continue
		}
		out = append(out, iv)
	}
	return out
}

// covered returns the number of code points in the disjoint intervals ivs.
func covered(ivs []Interval) int {
	n := 0
	for _, iv := range ivs {
		n += iv.Len()
	}
	return n
}

// intersection returns the number of code points both a and b cover; a and b
// are sorted and disjoint.
func intersection(a, b []Interval) int {
	n := 0
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		lo, hi := max(a[i].Start, b[j].Start), min(a[i].End, b[j].End)
		if lo < hi {
			n += hi - lo
		}
		if a[i].End <= b[j].End {
			i++
		} else {
			j++
		}
	}
	return n
}

// overlap returns the number of code points of seg that the sorted, disjoint
// intervals ivs cover.
func overlap(ivs []Interval, seg Interval) int {
	k := sort.Search(len(ivs), func(k int) bool { return ivs[k].End > seg.Start })
	n := 0
	for ; k < len(ivs) && ivs[k].Start < seg.End; k++ {
		n += min(ivs[k].End, seg.End) - max(ivs[k].Start, seg.Start)
	}
	return n
}
