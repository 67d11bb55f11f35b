package project

import (
	"context"
	"unicode/utf8"

	"github.com/qualgraph/qualgraph/coding"
)

// Quoter returns the text of spans, reading each document's stored text
// from sources/ once. It does not open the graph. Quote reports a text it
// cannot read as "" and keeps the first such error for Err, as
// bufio.Scanner does, so that it fits the quote functions of package
// coding's queries.
type Quoter struct {
	p     *Project
	texts map[string]*indexedText
	err   error
}

// indexedText is a text with the byte offset of every 64th code point, so
// that a quote is found without converting the text to runes.
type indexedText struct {
	s     string
	marks []int32 // marks[i] is the byte offset of code point 64*i
	n     int     // code points
}

const markEvery = 64

func newIndexedText(s string) *indexedText {
	t := &indexedText{s: s, marks: make([]int32, 0, len(s)/markEvery+1)}
	for i := range s {
		if t.n%markEvery == 0 {
			t.marks = append(t.marks, int32(i))
		}
		t.n++
	}
	return t
}

// byteAt returns the byte offset of code point cp (0 <= cp <= n).
func (t *indexedText) byteAt(cp int) int {
	if cp == t.n {
		return len(t.s)
	}
	b := int(t.marks[cp/markEvery])
	for k := cp % markEvery; k > 0; k-- {
		_, size := utf8.DecodeRuneInString(t.s[b:])
		b += size
	}
	return b
}

// Quoter returns a Quoter over the project's sources.
func (p *Project) Quoter() *Quoter { return &Quoter{p: p, texts: map[string]*indexedText{}} }

// Quote returns the text of s, or "" if the document's text cannot be read
// or s does not fit it.
func (q *Quoter) Quote(s coding.Span) string {
	t, ok := q.texts[s.Doc]
	if !ok {
		text, err := q.p.Text(s.Doc)
		if err != nil && q.err == nil {
			q.err = err
		}
		t = newIndexedText(text)
		q.texts[s.Doc] = t
	}
	if s.Start < 0 || s.End > t.n || s.Start > s.End {
		return ""
	}
	return t.s[t.byteAt(s.Start):t.byteAt(s.End)]
}

// Err returns the first error met reading a text.
func (q *Quoter) Err() error { return q.err }

// DocAttrs returns every document's attributes as canonical text values
// (integers in base 10, dates YYYY-MM-DD, ...), by document id. It reads
// the graph, where attributes live.
func (p *Project) DocAttrs(ctx context.Context) (map[string]map[string]string, error) {
	g, err := p.Graph()
	if err != nil {
		return nil, err
	}
	docs, err := g.Documents(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]map[string]string, len(docs))
	for _, d := range docs {
		m := make(map[string]string, len(d.Attrs))
		for k, a := range d.Attrs {
			m[k] = a.Value
		}
		out[d.ID] = m
	}
	return out, nil
}
