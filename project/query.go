package project

import (
	"context"

	"github.com/qualgraph/qualgraph/coding"
)

// Quoter returns the text of spans, reading each document's stored text
// from sources/ once. It does not open the graph. Quote reports a text it
// cannot read as "" and keeps the first such error for Err, as
// bufio.Scanner does, so that it fits the quote functions of package
// coding's queries.
type Quoter struct {
	p     *Project
	texts map[string][]rune
	err   error
}

// Quoter returns a Quoter over the project's sources.
func (p *Project) Quoter() *Quoter { return &Quoter{p: p, texts: map[string][]rune{}} }

// Quote returns the text of s, or "" if the document's text cannot be read
// or s does not fit it.
func (q *Quoter) Quote(s coding.Span) string {
	t, ok := q.texts[s.Doc]
	if !ok {
		text, err := q.p.Text(s.Doc)
		if err != nil && q.err == nil {
			q.err = err
		}
		t = []rune(text)
		q.texts[s.Doc] = t
	}
	if s.Start < 0 || s.End > len(t) || s.Start > s.End {
		return ""
	}
	return string(t[s.Start:s.End])
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
