package agreement

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/qualgraph/qualgraph/coding"
)

// Options select what Compare compares. The zero value compares every coder
// and every code of the codings, without segments.
type Options struct {
	// Coders lists the coders to compare, in the order pairs are formed.
	// Empty means every coder of the codings, sorted. Codings by other
	// coders are ignored.
	Coders []string

	// Codes lists the codes to report, in order. Empty means every code of
	// the codings, sorted. Codings with other codes are ignored. A listed
	// code nobody applied is reported too.
	Codes []string

	// Segments maps a document id to its segments, the units of the
	// unit-based alphas. Documents without segments contribute no units.
	// Nil leaves the unit-based alphas out of the Report.
	Segments map[string][]Interval

	// Exclusive declares the codes mutually exclusive, one code per
	// segment, and adds alpha_categories to the Report. It needs Segments.
	Exclusive bool

	// Uncoded, with Exclusive, is the value of a segment a coder applied
	// none of the codes to. Empty makes such a value missing. A value equal
	// to one of the codes counts as that code.
	Uncoded string

	// Names maps document ids to the names that Report.Documents and
	// Report.Warnings give them; optional.
	Names map[string]string
}

// Report is the result of Compare. Its JSON field names are stable.
type Report struct {
	Coders  []string     `json:"coders"`
	Docs    int          `json:"docs"`  // documents compared (those of positive length)
	Chars   int          `json:"chars"` // code points compared: the documents' total length
	Units   int          `json:"units"` // segments compared; 0 without Options.Segments
	Codes   []CodeResult `json:"codes"`
	Overall Overall      `json:"overall"`

	// Documents lists every document Compare was given, in the order of
	// their ids, with what it contributed; a caller that chose the
	// documents adds those it left out (Included false, with a Reason).
	Documents []Document `json:"documents"`
	// Warnings say what narrowed the comparison, for people to read: a
	// coder who coded nothing in a compared document (Compare) or whose
	// coverage shrank the documents compared (the caller).
	Warnings []string `json:"warnings"`
}

// Document says how one document entered a comparison.
type Document struct {
	Doc  string `json:"doc"`
	Name string `json:"name,omitempty"` // from Options.Names
	// Unit is what Units counts: "segment" with Options.Segments (a
	// caller may name the kind, "turn" or "paragraph"), else "char", the
	// document's code points.
	Unit     string `json:"unit"`
	Units    int    `json:"units"`
	Chars    int    `json:"chars"`
	Included bool   `json:"included"`
	// Reason says why a document was left out: ReasonEmpty from Compare,
	// or the caller's words.
	Reason string `json:"reason,omitempty"`
	// Codings counts each compared coder's codings in the document (of the
	// compared codes), 0 for a coder who coded nothing there.
	Codings map[string]int `json:"codings"`
}

// ReasonEmpty is the Reason of a document of length zero, which Compare
// leaves out.
const ReasonEmpty = "the document is empty"

// CodeResult holds the statistics of one code.
type CodeResult struct {
	Code  string `json:"code"`
	Chars int    `json:"chars"` // code points compared, per coder

	// Pairs holds the character-level statistics of every pair of coders.
	Pairs []PairResult `json:"pairs"`

	// AlphaU is Krippendorff's alpha_U over all documents as one continuum.
	// Its Units are the units of all coders, N in the formula.
	AlphaU Alpha `json:"alpha_u"`

	// AlphaSegments is nominal alpha on the segments, a coder's value being
	// 1 if the coder applied the code to any part of the segment, else 0.
	// Its Units are the segments. Nil without Options.Segments.
	AlphaSegments *Alpha `json:"alpha_segments,omitempty"`
}

// PairResult compares two coders on one code at the character level.
type PairResult struct {
	CoderA string `json:"coder_a"`
	CoderB string `json:"coder_b"`
	Chars  int    `json:"chars"`
	Counts        // pooled over the documents
	// Percent is the percentage agreement over all documents, 0 to 100.
	Percent float64 `json:"percent_agreement"`
	// Kappa is Cohen's kappa of the 2×2 table pooled over the documents.
	Kappa float64 `json:"kappa"`
	// KappaMean is the mean of the documents' kappas weighted by length.
	KappaMean float64     `json:"kappa_mean"`
	Docs      []DocResult `json:"docs"`
}

// DocResult compares two coders on one code in one document, as NVivo's
// coding comparison does.
type DocResult struct {
	Doc     string  `json:"doc"`
	Chars   int     `json:"chars"`
	Counts          // code points of the document in each cell
	Percent float64 `json:"percent_agreement"` // 0 to 100
	Kappa   float64 `json:"kappa"`
}

// Overall summarises a Report over its codes.
type Overall struct {
	// Pairs holds, for every pair of coders, the unweighted means over codes
	// of the per-code figures.
	Pairs []PairSummary `json:"pairs"`

	// AlphaU is 1 − mean uDo / mean uDe over the codes, as DKPro Agreement
	// combines categories. Its Units are the units of all codes.
	AlphaU Alpha `json:"alpha_u"`

	// AlphaSegments is nominal alpha with every (segment, code) pair as a
	// unit and 1/0 values as in CodeResult.AlphaSegments. Nil without
	// Options.Segments.
	AlphaSegments *Alpha `json:"alpha_segments,omitempty"`

	// AlphaCategories is nominal alpha with every segment as a unit and the
	// code a coder applied to it as the value. Nil unless Options.Exclusive.
	AlphaCategories *Alpha `json:"alpha_categories,omitempty"`
}

// PairSummary holds a pair of coders' character-level figures averaged over
// codes.
type PairSummary struct {
	CoderA    string  `json:"coder_a"`
	CoderB    string  `json:"coder_b"`
	Percent   float64 `json:"percent_agreement"`
	Kappa     float64 `json:"kappa"`
	KappaMean float64 `json:"kappa_mean"`
}

// Alpha is a Krippendorff's alpha with its parts.
type Alpha struct {
	// Value is 1 − Observed/Expected, nil (null) when alpha is undefined.
	Value    *float64 `json:"value"`
	Observed float64  `json:"observed_disagreement"`
	Expected float64  `json:"expected_disagreement"`
	// Units counts the units that entered the computation: pairable units
	// for unit-based alphas, coders' units for alpha_U.
	Units int `json:"units"`
	// Undefined says why Value is nil: UndefinedNoPairableValues or
	// UndefinedNoVariation.
	Undefined string `json:"undefined,omitempty"`
}

// Float returns a's value, NaN when it is undefined.
func (a Alpha) Float() float64 {
	if a.Value == nil {
		return math.NaN()
	}
	return *a.Value
}

func newAlpha(do, de float64, units int, err error) Alpha {
	a := Alpha{Observed: do, Expected: de, Units: units}
	switch {
	case errors.Is(err, ErrNoPairableValues):
		a.Undefined = UndefinedNoPairableValues
	case err != nil || de == 0:
		a.Undefined = UndefinedNoVariation
	default:
		v := 1 - do/de
		a.Value = &v
	}
	return a
}

// doc is a document being compared.
type doc struct {
	id  string
	len int
}

// Compare measures the agreement of the coders of codings on the documents
// docs, which maps a document id to its length in code points, and returns a
// Report per code and overall; see the package documentation for the
// statistics. opts may be nil.
//
// The caller passes exactly the codings and documents to compare: every
// coder is taken to have coded every document, and every coding must lie in
// one of the documents. Compare returns ErrTooFewCoders for fewer than two
// coders, ErrEmpty when there is no code or no document of positive length, a
// *DocError for a negative length, a *CodingError for a coding in an unknown
// document or out of its range, and a *SegmentError for a bad segment or, with
// Options.Exclusive, a segment two codes cover equally.
func Compare(codings []coding.Coding, docs map[string]int, opts *Options) (*Report, error) {
	if opts == nil {
		opts = &Options{}
	}
	coders := distinct(opts.Coders, codings, func(c coding.Coding) string { return c.Coder })
	codes := distinct(opts.Codes, codings, func(c coding.Coding) string { return c.Code })
	if len(coders) < 2 {
		return nil, ErrTooFewCoders
	}
	if len(codes) == 0 {
		return nil, fmt.Errorf("%w: no codes", ErrEmpty)
	}
	ids := make([]string, 0, len(docs))
	for id, n := range docs {
		if n < 0 {
			return nil, &DocError{Doc: id, Len: n, Err: ErrNegativeLength}
		}
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var ds []doc
	docIndex := make(map[string]int)
	chars := 0
	for _, id := range ids {
		if n := docs[id]; n > 0 {
			docIndex[id] = len(ds)
			ds = append(ds, doc{id, n})
			chars += n
		}
	}
	if len(ds) == 0 {
		return nil, fmt.Errorf("%w: no document of positive length", ErrEmpty)
	}
	coderIndex := index(coders)
	codeIndex := index(codes)

	// cover[code][coder][doc] lists the code points covered, merged.
	cover := make([][][][]Interval, len(codes))
	for c := range cover {
		cover[c] = make([][][]Interval, len(coders))
		for i := range cover[c] {
			cover[c][i] = make([][]Interval, len(ds))
		}
	}
	counts := make(map[string]map[string]int, len(ids)) // doc → coder → codings
	for _, id := range ids {
		counts[id] = make(map[string]int, len(coders))
		for _, who := range coders {
			counts[id][who] = 0
		}
	}
	for _, cd := range codings {
		i, ok := coderIndex[cd.Coder]
		if !ok {
			continue
		}
		c, ok := codeIndex[cd.Code]
		if !ok {
			continue
		}
		n, ok := docs[cd.Doc]
		if !ok {
			return nil, &CodingError{ID: cd.ID, Doc: cd.Doc, Coder: cd.Coder, Code: cd.Code, Err: ErrUnknownDoc}
		}
		if err := cd.Span.Validate(n); err != nil {
			return nil, &CodingError{ID: cd.ID, Doc: cd.Doc, Coder: cd.Coder, Code: cd.Code, Err: err}
		}
		counts[cd.Doc][cd.Coder]++
		d, ok := docIndex[cd.Doc]
		if !ok {
			continue // an empty document: the span is empty too
		}
		cover[c][i][d] = append(cover[c][i][d], Interval{cd.Start, cd.End})
	}
	for c := range cover {
		for i := range cover[c] {
			for d := range cover[c][i] {
				cover[c][i][d] = merge(cover[c][i][d])
			}
		}
	}

	segs, units, err := segments(opts.Segments, docs, ds)
	if err != nil {
		return nil, err
	}

	r := &Report{Coders: coders, Docs: len(ds), Chars: chars, Units: units,
		Documents: documents(ids, docs, opts.Segments, counts), Warnings: []string{}}
	for i, dm := range r.Documents {
		r.Documents[i].Name = opts.Names[dm.Doc]
		name := dm.Doc
		if n := opts.Names[dm.Doc]; n != "" {
			name = n + " (" + dm.Doc + ")"
		}
		for _, who := range coders {
			if dm.Included && dm.Codings[who] == 0 {
				r.Warnings = append(r.Warnings, fmt.Sprintf(
					"%s coded nothing in document %s; it is compared as if %s had found none of the codes there", who, name, who))
			}
		}
	}
	pieces := make([]int, len(ds))
	for d, dc := range ds {
		pieces[d] = dc.len
	}
	var sumDo, sumDe float64
	var nUnits int
	var pooled nominalTally
	for c, code := range codes {
		cr := CodeResult{Code: code, Chars: chars, Pairs: pairs(coders, ds, cover[c])}
		do, de, n := unitized(pieces, cover[c])
		cr.AlphaU = newAlpha(do, de, n, nil)
		sumDo, sumDe, nUnits = sumDo+do, sumDe+de, nUnits+n
		if segs != nil {
			var t nominalTally
			vals := make([]int, len(coders))
			for d, ss := range segs {
				for _, s := range ss {
					for i := range coders {
						vals[i] = 0
						if overlap(cover[c][i][d], s) > 0 {
							vals[i] = 1
						}
					}
					t.add(vals)
					pooled.add(vals)
				}
			}
			do, de, err := t.disagreement()
			a := newAlpha(do, de, t.units, err)
			cr.AlphaSegments = &a
		}
		r.Codes = append(r.Codes, cr)
	}

	r.Overall.Pairs = summarise(r.Codes)
	k := float64(len(codes))
	r.Overall.AlphaU = newAlpha(sumDo/k, sumDe/k, nUnits, nil)
	if segs != nil {
		do, de, err := pooled.disagreement()
		a := newAlpha(do, de, pooled.units, err)
		r.Overall.AlphaSegments = &a
		if opts.Exclusive {
			a, err := categories(segs, ds, coders, codes, opts.Uncoded, cover)
			if err != nil {
				return nil, err
			}
			r.Overall.AlphaCategories = &a
		}
	}
	return r, nil
}

// documents describes the documents ids for a Report.
func documents(ids []string, docs map[string]int, segs map[string][]Interval, counts map[string]map[string]int) []Document {
	out := make([]Document, 0, len(ids))
	for _, id := range ids {
		d := Document{Doc: id, Unit: "char", Units: docs[id], Chars: docs[id], Included: docs[id] > 0, Codings: counts[id]}
		if segs != nil {
			d.Unit, d.Units = "segment", len(segs[id])
		}
		if !d.Included {
			d.Reason = ReasonEmpty
		}
		out = append(out, d)
	}
	return out
}

// distinct returns the listed values without repeats or, when none are
// listed, the sorted distinct values of the codings.
func distinct(listed []string, codings []coding.Coding, key func(coding.Coding) string) []string {
	var out []string
	seen := make(map[string]bool)
	if len(listed) > 0 {
		for _, v := range listed {
			if !seen[v] {
				seen[v] = true
				out = append(out, v)
			}
		}
		return out
	}
	for _, c := range codings {
		if v := key(c); !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return out
}

func index(vs []string) map[string]int {
	m := make(map[string]int, len(vs))
	for i, v := range vs {
		m[v] = i
	}
	return m
}

// segments checks the segments and returns them per compared document,
// with their number; nil when there are none.
func segments(in map[string][]Interval, docs map[string]int, ds []doc) ([][]Interval, int, error) {
	if in == nil {
		return nil, 0, nil
	}
	ids := make([]string, 0, len(in))
	for id := range in {
		ids = append(ids, id)
	}
	slices.Sort(ids) // report the first bad segment deterministically
	for _, id := range ids {
		n, ok := docs[id]
		for k, s := range in[id] {
			if !ok {
				return nil, 0, &SegmentError{Doc: id, Index: k, Segment: s, Err: ErrUnknownDoc}
			}
			if err := (coding.Span{Doc: id, Start: s.Start, End: s.End}).Validate(n); err != nil {
				return nil, 0, &SegmentError{Doc: id, Index: k, Segment: s, Err: err}
			}
		}
	}
	out := make([][]Interval, len(ds))
	units := 0
	for d, dc := range ds {
		out[d] = in[dc.id]
		units += len(out[d])
	}
	return out, units, nil
}

// pairs compares every pair of coders at the character level on one code,
// given cover[coder][doc].
func pairs(coders []string, ds []doc, cover [][][]Interval) []PairResult {
	var out []PairResult
	for a := range coders {
		for b := a + 1; b < len(coders); b++ {
			p := PairResult{CoderA: coders[a], CoderB: coders[b]}
			var weighted float64
			for d, dc := range ds {
				c := cells(cover[a][d], cover[b][d], dc.len)
				dr := DocResult{Doc: dc.id, Chars: dc.len, Counts: c, Percent: c.Percent(), Kappa: c.Kappa()}
				p.Docs = append(p.Docs, dr)
				p.Counts.add(c)
				p.Chars += dc.len
				weighted += float64(dc.len) * dr.Kappa
			}
			p.Percent = p.Counts.Percent()
			p.Kappa = p.Counts.Kappa()
			p.KappaMean = weighted / float64(p.Chars)
			out = append(out, p)
		}
	}
	return out
}

// summarise averages the pairs' figures over the codes.
func summarise(codes []CodeResult) []PairSummary {
	out := make([]PairSummary, len(codes[0].Pairs))
	for k, p := range codes[0].Pairs {
		out[k] = PairSummary{CoderA: p.CoderA, CoderB: p.CoderB}
	}
	for _, cr := range codes {
		for k, p := range cr.Pairs {
			out[k].Percent += p.Percent
			out[k].Kappa += p.Kappa
			out[k].KappaMean += p.KappaMean
		}
	}
	n := float64(len(codes))
	for k := range out {
		out[k].Percent /= n
		out[k].Kappa /= n
		out[k].KappaMean /= n
	}
	return out
}

// categories computes nominal alpha with the code covering the most of a
// segment as a coder's value.
func categories(segs [][]Interval, ds []doc, coders, codes []string, uncoded string, cover [][][][]Interval) (Alpha, error) {
	values := index(codes)
	if _, ok := values[uncoded]; uncoded != "" && !ok {
		values[uncoded] = len(codes)
	}
	var t nominalTally
	var vals []int
	for d, ss := range segs {
		for k, s := range ss {
			vals = vals[:0]
			for i, coder := range coders {
				best, most, tie := -1, 0, -1
				for c := range codes {
					n := overlap(cover[c][i][d], s)
					switch {
					case n > most:
						best, most, tie = c, n, -1
					case n == most && n > 0:
						tie = c
					}
				}
				switch {
				case tie >= 0:
					return Alpha{}, &SegmentError{Doc: ds[d].id, Index: k, Segment: s, Coder: coder,
						Err: fmt.Errorf("%w: %s and %s cover %d code points each", ErrAmbiguous, codes[best], codes[tie], most)}
				case best >= 0:
					vals = append(vals, best)
				case uncoded != "":
					vals = append(vals, values[uncoded])
				}
			}
			t.add(vals)
		}
	}
	do, de, err := t.disagreement()
	return newAlpha(do, de, t.units, err), nil
}
