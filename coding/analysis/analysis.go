package analysis

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/qualgraph/qualgraph/coding"
)

// Doc is what the queries need to know of a document. Only the fields a
// query uses need to be set: Attrs for grouping by attribute, Segments for
// the segment unit, Text for counting words.
type Doc struct {
	ID    string
	Name  string
	Attrs map[string]string // attribute values in their canonical text form
	// Segments are the document's speaker turns or paragraphs, half-open
	// code-point ranges. Nil means the whole document is one segment.
	Segments []Segment
	// Text is the stored text, which spans index by code point.
	Text string
}

// Segment is a half-open code-point range [Start, End) of a document.
type Segment struct {
	Start, End int
}

// codersOf returns the coders of the codings whose code counted accepts
// (all codings when counted is nil), sorted; never nil.
func codersOf(codings []coding.Coding, counted func(code string) bool) []string {
	seen := map[string]bool{}
	for i := range codings {
		if counted == nil || counted(codings[i].Code) {
			seen[codings[i].Coder] = true
		}
	}
	return sortedKeys(seen)
}

// Docs maps document ids to documents.
type Docs map[string]Doc

// Hierarchy gives the ancestors of a code, its parent first and its root
// last; nil for a root or an unknown code. *coding.Codebook is one.
type Hierarchy interface {
	Ancestors(code string) []string
}

// Errors of the queries.
var (
	ErrOption      = errors.New("invalid option")
	ErrUnknownAttr = errors.New("no document has this attribute")
	ErrNoText      = errors.New("document text missing")
)

// OptionError records an option value a query does not accept.
type OptionError struct {
	Option  string
	Value   string
	Allowed []string
}

func (e *OptionError) Error() string {
	return fmt.Sprintf("%s %q: %v (use one of: %s)", e.Option, e.Value, ErrOption, strings.Join(e.Allowed, ", "))
}

func (e *OptionError) Unwrap() error { return ErrOption }

// AttrError says that no document has the attribute a query groups by.
type AttrError struct {
	Attr  string
	Known []string // the attributes the documents have, sorted
}

func (e *AttrError) Error() string {
	s := fmt.Sprintf("attribute %q: %v", e.Attr, ErrUnknownAttr)
	if len(e.Known) > 0 {
		s += " (the documents have: " + strings.Join(e.Known, ", ") + ")"
	}
	return s
}

func (e *AttrError) Unwrap() error { return ErrUnknownAttr }

// attrValues returns the values of attribute attr over docs and the
// documents of codings, sorted (see ValueLess), with "" for documents
// lacking it. It returns an *AttrError when no document has it.
func attrValues(docs Docs, codings []coding.Coding, attr string) ([]string, error) {
	seen := map[string]bool{}
	has := false
	known := map[string]bool{}
	for _, d := range docs {
		v, ok := d.Attrs[attr]
		has = has || ok
		seen[v] = true
		for k := range d.Attrs {
			known[k] = true
		}
	}
	for _, c := range codings {
		if _, ok := docs[c.Doc]; !ok {
			seen[""] = true
		}
	}
	if !has {
		return nil, &AttrError{Attr: attr, Known: sortedKeys(known)}
	}
	vals := sortedKeys(seen)
	SortValues(vals)
	return vals, nil
}

// SortValues sorts attribute values: numerically when every non-empty value
// is a number, else as text; the empty value last.
func SortValues(vals []string) {
	numeric := true
	for _, v := range vals {
		if _, err := strconv.ParseFloat(v, 64); v != "" && err != nil {
			numeric = false
			break
		}
	}
	sort.SliceStable(vals, func(i, j int) bool {
		a, b := vals[i], vals[j]
		if a == "" || b == "" {
			return b == "" && a != ""
		}
		if numeric {
			x, _ := strconv.ParseFloat(a, 64)
			y, _ := strconv.ParseFloat(b, 64)
			if x != y {
				return x < y
			}
		}
		return a < b
	})
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// union returns the merged spans of ss (sorted in place): overlapping and
// touching spans become one.
func union(ss []Segment) []Segment {
	if len(ss) < 2 {
		return ss
	}
	sort.Slice(ss, func(i, j int) bool { return ss[i].Start < ss[j].Start })
	out := ss[:1]
	for _, s := range ss[1:] {
		last := &out[len(out)-1]
		if s.Start <= last.End {
			last.End = max(last.End, s.End)
			continue
		}
		out = append(out, s)
	}
	return out
}

// Counts are the frequencies of a group of codings.
type Counts struct {
	Codings   int `json:"codings"`
	Documents int `json:"documents"`
	Chars     int `json:"chars"` // code points coded, overlaps counted once
}

// docIndex numbers documents in the order they are first seen, so that
// the queries group by a small integer instead of hashing ids again.
type docIndex map[string]int

func (x docIndex) of(doc string) int {
	i, ok := x[doc]
	if !ok {
		i = len(x)
		x[doc] = i
	}
	return i
}

// docSpan is a span of the document numbered doc.
type docSpan struct{ doc, start, end int }

// counter accumulates Counts: codings, and their spans.
type counter struct {
	codings int
	spans   []docSpan
}

func (c *counter) add(doc int, x *coding.Coding) {
	c.codings++
	c.spans = append(c.spans, docSpan{doc, x.Start, x.End})
}

func (c *counter) counts() Counts {
	n := Counts{Codings: c.codings}
	slices.SortFunc(c.spans, func(a, b docSpan) int {
		if a.doc != b.doc {
			return cmp.Compare(a.doc, b.doc)
		}
		return cmp.Compare(a.start, b.start)
	})
	doc, end := -1, 0
	for _, s := range c.spans {
		if s.doc != doc {
			n.Documents++
			doc, end = s.doc, s.start
		}
		if s.end > end {
			n.Chars += s.end - max(s.start, end)
			end = s.end
		}
	}
	return n
}
