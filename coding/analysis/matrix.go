package analysis

import (
	"fmt"
	"slices"

	"github.com/qualgraph/qualgraph/coding"
)

// Count says what a cell of a Matrix counts.
type Count string

// The counts; see the package documentation.
const (
	CountCodings   Count = "codings"
	CountDocuments Count = "documents"
	CountWords     Count = "words"
)

// MatrixOptions control MatrixCoding.
type MatrixOptions struct {
	Attr  string // the document attribute whose values are the columns
	Count Count  // default CountCodings
	// Codes lists the row codes, in order. Empty means every code of the
	// codings, sorted.
	Codes []string
	// Hierarchy, if set, makes a row count the codings of its code and of
	// all the code's descendants (NVivo's "aggregate coding from
	// children"). Nil: a row counts its code alone.
	Hierarchy Hierarchy
}

// Matrix is the result of MatrixCoding. Its JSON field names are stable.
type Matrix struct {
	Attr  string `json:"attr"`
	Count Count  `json:"count"`
	// Values are the columns: the attribute's values, sorted as
	// SortValues does; "" stands for documents without the attribute.
	Values []string `json:"values"`
	// Docs is the number of documents with each value.
	Docs []int       `json:"docs"`
	Rows []MatrixRow `json:"rows"`
	// Coders are the coders of the codings counted in a row, sorted.
	Coders []string `json:"coders"`
}

// MatrixRow is one code's row.
type MatrixRow struct {
	Code  string `json:"code"`
	Cells []int  `json:"cells"` // one per value, in the order of Values
	// Total is the row's total: the sum of its cells (every document has
	// one value, so this is also the distinct documents under documents).
	Total int `json:"total"`
}

// Cell returns the cell of code and value, and whether both are in m.
func (m *Matrix) Cell(code, value string) (int, bool) {
	vi := slices.Index(m.Values, value)
	for _, r := range m.Rows {
		if r.Code == code && vi >= 0 {
			return r.Cells[vi], true
		}
	}
	return 0, false
}

// MatrixCoding crosses codes with the values of a document attribute; see the
// package documentation. Counting words needs the Text of every coded
// document. It returns an *OptionError for an unknown count, an *AttrError
// when no document has the attribute, and an error wrapping ErrNoText when
// a coded document's text is missing or shorter than a coding.
func MatrixCoding(codings []coding.Coding, docs Docs, opt MatrixOptions) (*Matrix, error) {
	if opt.Count == "" {
		opt.Count = CountCodings
	}
	switch opt.Count {
	case CountCodings, CountDocuments, CountWords:
	default:
		return nil, &OptionError{Option: "count", Value: string(opt.Count),
			Allowed: []string{string(CountCodings), string(CountDocuments), string(CountWords)}}
	}
	vals, err := attrValues(docs, codings, opt.Attr)
	if err != nil {
		return nil, err
	}
	col := make(map[string]int, len(vals))
	for i, v := range vals {
		col[v] = i
	}
	m := &Matrix{Attr: opt.Attr, Count: opt.Count, Values: vals, Docs: make([]int, len(vals)), Rows: []MatrixRow{}}
	for _, d := range docs {
		m.Docs[col[d.Attrs[opt.Attr]]]++
	}
	codes := opt.Codes
	if len(codes) == 0 {
		seen := map[string]bool{}
		for i := range codings {
			seen[codings[i].Code] = true
		}
		codes = sortedKeys(seen)
	}
	row := map[string]int{}
	for _, c := range codes {
		if _, dup := row[c]; !dup {
			row[c] = len(m.Rows)
			m.Rows = append(m.Rows, MatrixRow{Code: c, Cells: make([]int, len(vals))})
		}
	}
	// rowsOf returns the rows a coding counts in: its code's, and its
	// ancestors' when rolling up.
	ancestors := map[string][]int{}
	rowsOf := func(code string) []int {
		rs, ok := ancestors[code]
		if ok {
			return rs
		}
		if r, ok := row[code]; ok {
			rs = append(rs, r)
		}
		if opt.Hierarchy != nil {
			for _, a := range opt.Hierarchy.Ancestors(code) {
				if r, ok := row[a]; ok {
					rs = append(rs, r)
				}
			}
		}
		ancestors[code] = rs
		return rs
	}
	m.Coders = codersOf(codings, func(code string) bool { return len(rowsOf(code)) > 0 })
	// spans[doc][row] holds the row's spans in the document.
	spans := map[string]map[int][]Segment{}
	for i := range codings {
		c := &codings[i]
		for _, r := range rowsOf(c.Code) {
			if opt.Count == CountCodings {
				m.Rows[r].Cells[col[docs[c.Doc].Attrs[opt.Attr]]]++
				continue
			}
			if spans[c.Doc] == nil {
				spans[c.Doc] = map[int][]Segment{}
			}
			spans[c.Doc][r] = append(spans[c.Doc][r], Segment{c.Start, c.End})
		}
	}
	docIDs := sortedKeys(spans)
	for _, doc := range docIDs {
		ci := col[docs[doc].Attrs[opt.Attr]]
		var text []rune
		if opt.Count == CountWords {
			d, ok := docs[doc]
			if !ok {
				return nil, fmt.Errorf("document %s: %w", doc, ErrNoText)
			}
			text = []rune(d.Text)
		}
		for r, ss := range spans[doc] {
			if opt.Count == CountDocuments {
				m.Rows[r].Cells[ci]++
				continue
			}
			for _, s := range union(ss) {
				if s.Start < 0 || s.End > len(text) {
					return nil, fmt.Errorf("document %s: span [%d,%d) beyond its %d code points: %w", doc, s.Start, s.End, len(text), ErrNoText)
				}
				m.Rows[r].Cells[ci] += countWords(text[s.Start:s.End])
			}
		}
	}
	for i := range m.Rows {
		for _, v := range m.Rows[i].Cells {
			m.Rows[i].Total += v
		}
	}
	return m, nil
}
