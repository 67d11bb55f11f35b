package analysis

import (
	"cmp"
	"slices"
	"sort"

	"github.com/qualgraph/qualgraph/coding"
)

// Unit is the unit of co-occurrence.
type Unit string

// The units; see the package documentation.
const (
	UnitOverlap  Unit = "overlap"
	UnitSegment  Unit = "segment"
	UnitDocument Unit = "document"
)

// CooccurOptions control Cooccur.
type CooccurOptions struct {
	Unit Unit // default UnitOverlap
	// Codes lists the codes to compare, in order. Empty means every code
	// of the codings, sorted. Codings with other codes are ignored.
	Codes []string
}

// Cooccurrence is the result of Cooccur. Its JSON field names are stable.
type Cooccurrence struct {
	Unit Unit `json:"unit"`
	// Codes are the codes compared, each with n, its frequency in the
	// unit: codings (overlap), segments touched (segment) or documents
	// (document).
	Codes []CodeCount `json:"codes"`
	// Pairs lists the pairs of distinct codes that co-occur at least once,
	// A before B in the order of Codes.
	Pairs []Pair `json:"pairs"`
	// Coders are the coders of the codings of the compared codes, sorted.
	Coders []string `json:"coders"`
}

// CodeCount is a code and its frequency in the unit of co-occurrence.
type CodeCount struct {
	Code string `json:"code"`
	N    int    `json:"n"`
}

// Pair is the co-occurrence of two codes.
type Pair struct {
	A     string `json:"a"`
	B     string `json:"b"`
	Count int    `json:"count"` // n_AB
	// C is the c-coefficient n_AB / (n_A + n_B − n_AB); nil (null) when the
	// denominator is not positive, which only the overlap unit allows.
	C *float64 `json:"c"`
	// OutOfRange is set when C is above 1 or undefined: a coding
	// overlapped several codings of the other code.
	OutOfRange bool `json:"out_of_range"`
}

// Count returns n_AB for codes a and b, in either order.
func (c *Cooccurrence) Count(a, b string) int {
	for _, p := range c.Pairs {
		if p.A == a && p.B == b || p.A == b && p.B == a {
			return p.Count
		}
	}
	return 0
}

// pairCounts counts pairs of code indexes i < j: in a dense matrix for up
// to denseCodes codes, else in a map.
type pairCounts struct {
	k      int
	dense  []int
	sparse map[[2]int]int
}

const denseCodes = 2048

func newPairCounts(k int) *pairCounts {
	if k <= denseCodes {
		return &pairCounts{k: k, dense: make([]int, k*k)}
	}
	return &pairCounts{k: k, sparse: map[[2]int]int{}}
}

func (m *pairCounts) add(i, j, d int) {
	if i == j {
		return
	}
	if i > j {
		i, j = j, i
	}
	if m.dense != nil {
		m.dense[i*m.k+j] += d
	} else {
		m.sparse[[2]int{i, j}] += d
	}
}

func (m *pairCounts) get(i, j int) int {
	if m.dense != nil {
		return m.dense[i*m.k+j]
	}
	return m.sparse[[2]int{i, j}]
}

// Cooccur counts how often codes occur together; see the package
// documentation. docs supplies segments for UnitSegment and is otherwise
// unused. It returns an *OptionError for an unknown unit.
func Cooccur(codings []coding.Coding, docs Docs, opt CooccurOptions) (*Cooccurrence, error) {
	if opt.Unit == "" {
		opt.Unit = UnitOverlap
	}
	switch opt.Unit {
	case UnitOverlap, UnitSegment, UnitDocument:
	default:
		return nil, &OptionError{Option: "unit", Value: string(opt.Unit),
			Allowed: []string{string(UnitOverlap), string(UnitSegment), string(UnitDocument)}}
	}
	codes := opt.Codes
	if len(codes) == 0 {
		seen := map[string]bool{}
		for i := range codings {
			seen[codings[i].Code] = true
		}
		codes = sortedKeys(seen)
	}
	index := make(map[string]int, len(codes))
	uniq := make([]string, 0, len(codes))
	for _, c := range codes {
		if _, dup := index[c]; !dup {
			index[c] = len(uniq)
			uniq = append(uniq, c)
		}
	}
	codes = uniq
	// Group the codings of the compared codes by document.
	type item struct {
		start, end int
		code       int
	}
	// Two passes: count per document, then fill one backing array.
	ids := docIndex{}
	var docIDs []string
	docOf := make([]int, len(codings))
	var sizes []int
	for i := range codings {
		c := &codings[i]
		if _, ok := index[c.Code]; !ok {
			docOf[i] = -1
			continue
		}
		d := ids.of(c.Doc)
		if d == len(sizes) {
			sizes = append(sizes, 0)
			docIDs = append(docIDs, c.Doc)
		}
		sizes[d]++
		docOf[i] = d
	}
	byDoc := make([][]item, len(sizes))
	all := make([]item, 0, len(codings))
	for d, n := range sizes {
		byDoc[d] = all[len(all) : len(all) : len(all)+n]
		all = all[:len(all)+n]
	}
	for i := range codings {
		if d := docOf[i]; d >= 0 {
			c := &codings[i]
			byDoc[d] = append(byDoc[d], item{c.Start, c.End, index[c.Code]})
		}
	}
	k := len(codes)
	n := make([]int, k)
	m := newPairCounts(k)

	switch opt.Unit {
	case UnitOverlap:
		active := make([]item, 0, 64)
		perCode := make([]int, k) // active codings per code
		touched := make([]int, 0, k)
		for _, items := range byDoc {
			slices.SortFunc(items, func(a, b item) int { return cmp.Compare(a.start, b.start) })
			active = active[:0]
			for _, x := range items {
				n[x.code]++
				// Drop the codings that ended at or before x starts:
				// half-open spans that touch do not overlap.
				kept := active[:0]
				for _, y := range active {
					if y.end > x.start {
						kept = append(kept, y)
					} else {
						perCode[y.code]--
					}
				}
				active = kept
				// Every active coding started at or before x and ends
				// after x starts: it overlaps x.
				touched = touched[:0]
				for _, y := range active {
					if perCode[y.code] > 0 {
						touched = append(touched, y.code)
						m.add(x.code, y.code, perCode[y.code])
						perCode[y.code] = -perCode[y.code] // counted
					}
				}
				for _, c := range touched {
					perCode[c] = -perCode[c]
				}
				active = append(active, x)
				perCode[x.code]++
			}
			for _, y := range active {
				perCode[y.code]--
			}
		}
	case UnitSegment, UnitDocument:
		type hit struct{ seg, code int }
		var hits []hit
		for d, items := range byDoc {
			doc := docIDs[d]
			hits = hits[:0]
			if opt.Unit == UnitDocument {
				for _, x := range items {
					hits = append(hits, hit{0, x.code})
				}
			} else {
				segs := slices.Clone(docs[doc].Segments)
				sort.Slice(segs, func(i, j int) bool { return segs[i].Start < segs[j].Start })
				for _, x := range items {
					if len(segs) == 0 {
						hits = append(hits, hit{0, x.code})
						continue
					}
					// The first segment that ends after x starts.
					s := sort.Search(len(segs), func(i int) bool { return segs[i].End > x.start })
					for ; s < len(segs) && segs[s].Start < x.end; s++ {
						if segs[s].End > x.start && segs[s].End > segs[s].Start {
							hits = append(hits, hit{s, x.code})
						}
					}
				}
			}
			sort.Slice(hits, func(i, j int) bool {
				if hits[i].seg != hits[j].seg {
					return hits[i].seg < hits[j].seg
				}
				return hits[i].code < hits[j].code
			})
			hits = slices.Compact(hits)
			for lo := 0; lo < len(hits); {
				hi := lo
				for hi < len(hits) && hits[hi].seg == hits[lo].seg {
					hi++
				}
				for a := lo; a < hi; a++ {
					n[hits[a].code]++
					for b := a + 1; b < hi; b++ {
						m.add(hits[a].code, hits[b].code, 1)
					}
				}
				lo = hi
			}
		}
	}

	out := &Cooccurrence{Unit: opt.Unit, Codes: make([]CodeCount, k), Pairs: []Pair{},
		Coders: codersOf(codings, func(code string) bool { _, ok := index[code]; return ok })}
	for i, c := range codes {
		out.Codes[i] = CodeCount{Code: c, N: n[i]}
	}
	for i := 0; i < k; i++ {
		for j := i + 1; j < k; j++ {
			nij := m.get(i, j)
			if nij == 0 {
				continue
			}
			p := Pair{A: codes[i], B: codes[j], Count: nij}
			if den := n[i] + n[j] - nij; den > 0 {
				c := float64(nij) / float64(den)
				p.C = &c
				p.OutOfRange = c > 1
			} else {
				p.OutOfRange = true
			}
			out.Pairs = append(out.Pairs, p)
		}
	}
	return out, nil
}
