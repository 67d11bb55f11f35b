package project

import (
	"cmp"
	"context"
	"errors"
	"github.com/qualgraph/qualgraph/corpus"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/kg"
)

// Quoter returns the text of spans, reading each document's stored text
// from sources/ once. It does not open the graph. Quote reports a text it
// cannot read as "" and keeps the first such error for Err, as
// bufio.Scanner does, so that it fits the quote functions of package
// coding's queries.
//
// A Quoter from EvidenceQuoter takes the texts of evidence spans from the
// graph's projection, which keeps them (see QuoteSpans), and reads sources/
// only for other spans.
type Quoter struct {
	p        *Project
	texts    map[string]*indexedText
	err      error
	evidence bool                   // look in the projection's quotes first
	quotes   map[coding.Span]string // the projection's quotes (shared); nil until needed or if damaged
	opened   bool                   // quotes was opened
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

// quote returns the text of [start, end), or false if it does not fit t.
func (t *indexedText) quote(start, end int) (string, bool) {
	if start < 0 || end > t.n || start > end {
		return "", false
	}
	return t.s[t.byteAt(start):t.byteAt(end)], true
}

// Quoter returns a Quoter over the project's sources.
func (p *Project) Quoter() *Quoter { return &Quoter{p: p, texts: map[string]*indexedText{}} }

// EvidenceQuoter returns a Quoter for evidence spans: it takes their texts
// from the graph's projection, read on the first Quote, and reads a
// document in sources/ only for a span the projection does not quote (a
// projection written before quotes were kept quotes none). Texts in
// sources/ never change, so the projection's quotes stay true; "qualgraph
// check" compares them with sources/. Asked for the evidence of assertions
// The projection's quotes are read once and kept while quotes.log stays
// as it is (readCache), so that a long-running process does not read them
// on every request.
func (p *Project) EvidenceQuoter() *Quoter {
	q := p.Quoter()
	q.evidence = true
	return q
}

// Quote returns the text of s, or "" if the document's text cannot be read
// or s does not fit it.
func (q *Quoter) Quote(s coding.Span) string {
	if q.evidence && !q.opened {
		q.opened = true
		// A damaged quotes.log quotes nothing: the texts come from
		// sources/, and check reports the damage.
		q.quotes, _ = q.p.reads.evidenceQuotes(filepath.Join(q.p.Dir, GraphDir))
	}
	if text, ok := q.quotes[s]; ok {
		return text
	}
	t, err := q.doc(s.Doc)
	if err != nil && q.err == nil {
		q.err = err
	}
	text, _ := t.quote(s.Start, s.End)
	return text
}

// doc returns the text of document id, read once.
func (q *Quoter) doc(id string) (*indexedText, error) {
	if t, ok := q.texts[id]; ok {
		return t, nil
	}
	text, err := q.p.Text(id)
	t := newIndexedText(text)
	if err == nil {
		q.texts[id] = t
	}
	return t, err
}

// Span returns the text of s: an error if the document's text cannot be
// read, a *coding.SpanError if s does not fit it.
func (q *Quoter) Span(s coding.Span) (string, error) {
	t, err := q.doc(s.Doc)
	if err != nil {
		return "", err
	}
	text, ok := t.quote(s.Start, s.End)
	if !ok {
		return "", &coding.SpanError{Span: s, Len: t.n, Err: coding.ErrSpanOutOfRange}
	}
	return text, nil
}

// FullText returns the text of document id, read once however often it is
// asked for.
func (q *Quoter) FullText(id string) (string, error) {
	t, err := q.doc(id)
	return t.s, err
}

// Err returns the first error met reading a text.
func (q *Quoter) Err() error { return q.err }

// QuoteSpans returns the texts of spans, in order, reading each document's
// stored text once and holding one at a time. A span that does not fit its
// document is a *coding.SpanError. It is the kg.QuoteFunc by which the
// graph's projection keeps the texts of evidence spans.
func (p *Project) QuoteSpans(spans []coding.Span) ([]string, error) {
	byDoc := map[string][]int{}
	var docs []string
	for i, s := range spans {
		if _, ok := byDoc[s.Doc]; !ok {
			docs = append(docs, s.Doc)
		}
		byDoc[s.Doc] = append(byDoc[s.Doc], i)
	}
	texts := make([]string, len(spans))
	for _, d := range docs {
		text, err := p.Text(d)
		if err != nil {
			return nil, err
		}
		t := newIndexedText(text)
		for _, i := range byDoc[d] {
			s := spans[i]
			q, ok := t.quote(s.Start, s.End)
			if !ok {
				return nil, &coding.SpanError{Span: s, Len: t.n, Err: coding.ErrSpanOutOfRange}
			}
			// A copy, so that the quotes do not keep whole documents.
			texts[i] = strings.Clone(q)
		}
	}
	return texts, nil
}

// checkQuotes compares the texts of evidence spans that the graph's
// projection keeps, every line of them, with the documents in sources/.
func (p *Project) checkQuotes(add func(doc, format string, args ...any)) {
	type quote struct {
		span coding.Span
		text string
	}
	var quotes []quote
	q, err := kg.OpenQuotes(filepath.Join(p.Dir, GraphDir))
	if err == nil {
		err = q.Each(func(s coding.Span, text string) error { quotes = append(quotes, quote{s, text}); return nil })
	}
	if err != nil {
		add("", "projection: %v (qualgraph check --repair rebuilds it)", err)
		return
	}
	slices.SortStableFunc(quotes, func(a, b quote) int {
		return cmp.Or(strings.Compare(a.span.Doc, b.span.Doc), cmp.Compare(a.span.Start, b.span.Start), cmp.Compare(a.span.End, b.span.End))
	})
	var t *indexedText
	for i, qt := range quotes {
		s := qt.span
		if i == 0 || s.Doc != quotes[i-1].span.Doc {
			text, err := p.Text(s.Doc)
			if err != nil {
				add(s.Doc, "the projection quotes evidence of a document whose text cannot be read: %v", err)
				t = nil
			} else {
				t = newIndexedText(text)
			}
		}
		if t == nil {
			continue
		}
		if want, ok := t.quote(s.Start, s.End); !ok {
			add(s.Doc, "the projection quotes evidence %s, which does not fit the document's %d code points (qualgraph check --repair rebuilds it)", s, t.n)
		} else if qt.text != want {
			add(s.Doc, "the projection quotes evidence %s as %s, the document has %s there (qualgraph check --repair rebuilds it)", s, clipQuote(qt.text), clipQuote(want))
		}
	}
}

// clipQuote quotes s for a message, shortened to 60 code points.
func clipQuote(s string) string {
	if utf8.RuneCountInString(s) > 60 {
		s = string([]rune(s)[:60]) + "…"
	}
	return strconv.Quote(s)
}

// DocNames returns every document's name by id. It reads the graph's
// projection, which names them; for a project whose projection does not
// yet (made by an older qualgraph), it writes the projection's names if
// the project is open for writing, and otherwise reads them from the
// graph.
func (p *Project) DocNames(ctx context.Context) (map[string]string, error) {
	dir := filepath.Join(p.Dir, GraphDir)
	names, err := kg.LoadDocNames(dir)
	if !errors.Is(err, kg.ErrNoProjection) {
		return names, err
	}
	g, err := p.Graph()
	if err != nil {
		return nil, err
	}
	if p.write {
		if err := g.RebuildDocNames(ctx); err != nil {
			return nil, err
		}
		return kg.LoadDocNames(dir)
	}
	docs, err := p.Documents(ctx)
	if err != nil {
		return nil, err
	}
	names = make(map[string]string, len(docs))
	for _, d := range docs {
		names[d.ID] = d.Name
	}
	return names, nil
}

// checkDocNames compares the document names of the graph's projection, if
// it has them, with the graph's documents.
func (p *Project) checkDocNames(docs []*corpus.Document, add func(doc, format string, args ...any)) {
	names, err := kg.LoadDocNames(filepath.Join(p.Dir, GraphDir))
	if errors.Is(err, kg.ErrNoProjection) {
		return // an older projection: readers use the graph
	} else if err != nil {
		add("", "projection: %v (qualgraph check --repair rebuilds it)", err)
		return
	}
	for _, d := range docs {
		if n, ok := names[d.ID]; !ok {
			add(d.ID, "the projection does not name the document (qualgraph check --repair rebuilds it)")
		} else if n != d.Name {
			add(d.ID, "the projection names the document %q, the graph %q (qualgraph check --repair rebuilds it)", n, d.Name)
		}
		delete(names, d.ID)
	}
	for id := range names {
		add(id, "the projection names a document the graph does not hold (qualgraph check --repair rebuilds it)")
	}
}

// DocAttrs returns every document's attributes as canonical text values
// (integers in base 10, dates YYYY-MM-DD, ...), by document id. It reads
// the graph, where attributes live.
func (p *Project) DocAttrs(ctx context.Context) (map[string]map[string]string, error) {
	docs, err := p.Documents(ctx)
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
