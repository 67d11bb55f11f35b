package fts

import (
	"unicode/utf8"
	"unsafe"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	bindex "github.com/blevesearch/bleve_index_api"
)

// Indexing a unit's text
//
// bleve's text field (document.TextField) counts its terms with
// analysis.TokenFrequency, which allocates a TokenFreq and a growing slice
// of locations for every distinct term: for turns of a few dozen words,
// most of the allocations of an import. textField is the same field, with
// the same terms, frequencies and locations, in a few allocations per
// unit (tokenFreqs). The index-time analyser's width filter (fastWidth)
// likewise copies an ASCII term once instead of decoding it into runes and
// encoding it again.

// textField is the text field of a unit: indexed with term vectors and
// frequencies, not stored, analysed by a.
type textField struct {
	value  []byte
	a      analysis.Analyzer
	length int
	freqs  bindex.TokenFrequencies
}

const textFieldOptions = bindex.IndexField | bindex.IncludeTermVectors

func (f *textField) Name() string                         { return fieldText }
func (f *textField) ArrayPositions() []uint64             { return nil }
func (f *textField) Options() bindex.FieldIndexingOptions { return textFieldOptions }
func (f *textField) Value() []byte                        { return f.value }
func (f *textField) NumPlainTextBytes() uint64            { return uint64(len(f.value)) }
func (f *textField) EncodedFieldType() byte               { return 't' }
func (f *textField) AnalyzedLength() int                  { return f.length }

func (f *textField) AnalyzedTokenFrequencies() bindex.TokenFrequencies { return f.freqs }

func (f *textField) Size() int {
	n := 64 + len(f.value)
	if f.freqs != nil {
		n += f.freqs.Size()
	}
	return n
}

func (f *textField) Analyze() {
	ts := f.a.Analyze(f.value)
	f.length = len(ts)
	f.freqs = tokenFreqs(ts)
}

// tokenFreqs returns what analysis.TokenFrequency returns for a field with
// term vectors and frequencies: for each term, its tokens' locations in
// order and their number. It allocates the TokenFreqs and locations of all
// terms at once.
func tokenFreqs(ts analysis.TokenStream) bindex.TokenFrequencies {
	n := len(ts)
	rv := make(bindex.TokenFrequencies, n/2+1)
	tfs := make([]bindex.TokenFreq, 0, n) // never grows: pointers into it stay valid
	of := make([]*bindex.TokenFreq, n)    // the TokenFreq of each token
	for i, t := range ts {
		tf, ok := rv[string(t.Term)]
		if !ok {
			tfs = append(tfs, bindex.TokenFreq{Term: t.Term})
			tf = &tfs[len(tfs)-1]
			// The key is the term's bytes, not a copy: nothing changes
			// a term once analysed (the stem cache shares them too).
			rv[unsafe.String(unsafe.SliceData(t.Term), len(t.Term))] = tf
		}
		tf.SetFrequency(tf.Frequency() + 1)
		of[i] = tf
	}
	locs := make([]bindex.TokenLocation, n)
	ptrs := make([]*bindex.TokenLocation, n)
	off := 0
	for i := range tfs {
		k := tfs[i].Frequency()
		tfs[i].Locations = ptrs[off : off : off+k]
		off += k
	}
	for i, t := range ts {
		locs[i] = bindex.TokenLocation{Start: t.Start, End: t.End, Position: t.Position}
		of[i].Locations = append(of[i].Locations, &locs[i])
	}
	return rv
}

// fastWidth is cjk_width that copies an ASCII term, which the filter
// would give back unchanged, once, into a buffer shared by the stream,
// and hands any other term to cjk_width. Like cjk_width it leaves the
// analysed text untouched: every term is a copy.
type fastWidth struct{ width analysis.TokenFilter }

func (w fastWidth) Filter(ts analysis.TokenStream) analysis.TokenStream {
	n := 0
	for _, t := range ts {
		n += len(t.Term)
	}
	buf := make([]byte, 0, n)
	var one [1]*analysis.Token
	for _, t := range ts {
		if !isASCII(t.Term) {
			one[0] = t
			w.width.Filter(one[:])
			continue
		}
		i := len(buf)
		buf = append(buf, t.Term...)
		t.Term = buf[i:len(buf):len(buf)]
	}
	return ts
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// withFastWidth returns a copy of the analyser a whose cjk_width filter is
// fastWidth, or a itself if it has none.
func withFastWidth(a analysis.Analyzer) analysis.Analyzer {
	return withFilters(a, func(f analysis.TokenFilter) analysis.TokenFilter {
		if _, ok := f.(*cjk.CJKWidthFilter); ok {
			return fastWidth{f}
		}
		return nil
	})
}

// withFilters returns a copy of the analyser a in which swap has replaced
// the token filters it returns a replacement for (nil keeps a filter), or
// a itself if it replaced none.
func withFilters(a analysis.Analyzer, swap func(analysis.TokenFilter) analysis.TokenFilter) analysis.Analyzer {
	da, ok := a.(*analysis.DefaultAnalyzer)
	if !ok {
		return a
	}
	filters := make([]analysis.TokenFilter, len(da.TokenFilters))
	copy(filters, da.TokenFilters)
	found := false
	for i, f := range filters {
		if g := swap(f); g != nil {
			filters[i] = g
			found = true
		}
	}
	if !found {
		return a
	}
	cp := *da
	cp.TokenFilters = filters
	return &cp
}
