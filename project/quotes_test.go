package project

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/kg"
)

// The texts of the quote tests: English with CRLF line ends (stored with
// LF), Chinese, and a mix with a tab, a backslash and a quotation mark,
// which the projection's lines escape.
var quoteTexts = map[string]string{
	"crlf.txt": "Interview with Chen.\r\n\r\nChen: The Science Bureau gave us\r\nseed funding in 2020.\r\nInterviewer: And then?\r\n",
	"zh.txt":   "访谈者：您怎么看？\n\n受访者林：镇政府给了我们八十万元人才补贴，\n分三年发放。后来协会发布了团体标准。\n",
	"mix.txt":  "Wu said:\t\"we\\they\" — 我们一起做。\nEnd.\n",
}

// quoteProject imports quoteTexts, adds three entities and asserts one
// relation per case, each with evidence found by phrase in the stored
// text; it returns the project and the evidence with the texts wanted.
func quoteProject(t *testing.T) (*Project, map[coding.Span]string) {
	t.Helper()
	p := autoCodeProject(t, quoteTexts)
	ctx := context.Background()
	if err := p.AddEntities(ctx, []coding.Entity{
		{ID: "bureau", Type: "LocalGovernment"}, {ID: "chen", Type: "SpinoffFounder"}, {ID: "wu", Type: "DiversifyingFirm"},
	}, "test"); err != nil {
		t.Fatal(err)
	}
	g, err := p.Graph()
	if err != nil {
		t.Fatal(err)
	}
	want := map[coding.Span]string{}
	span := func(name, phrase string) coding.Span {
		d, err := g.Document(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		text, err := p.Text(d.ID)
		if err != nil {
			t.Fatal(err)
		}
		i := strings.Index(text, phrase)
		if i < 0 {
			t.Fatalf("%q is not in the stored text of %s: %q", phrase, name, text)
		}
		start := utf8.RuneCountInString(text[:i])
		s := coding.Span{Doc: d.ID, Start: start, End: start + utf8.RuneCountInString(phrase)}
		want[s] = phrase
		return s
	}
	as := []coding.Assertion{
		// Across a line end that was CRLF in the file.
		{Subject: "bureau", Relation: "funds", Object: "chen", Evidence: []coding.Span{span("crlf.txt", "gave us\nseed funding")}},
		// Chinese, across a line end, and a second span in another document.
		{Subject: "bureau", Relation: "funds", Object: "chen", Evidence: []coding.Span{
			span("zh.txt", "人才补贴，\n分三年发放"), span("crlf.txt", "The Science Bureau")}},
		// A tab, a backslash and quotation marks.
		{Subject: "wu", Relation: "supports", Object: "chen", Evidence: []coding.Span{span("mix.txt", "\t\"we\\they\" — 我们")}},
	}
	for _, a := range as {
		a.Polarity, a.Confidence = coding.Positive, 1
		if _, err := p.Assert(ctx, a, "test"); err != nil {
			t.Fatal(err)
		}
	}
	return p, want
}

func graphDir(p *Project) string { return filepath.Join(p.Dir, GraphDir) }

// allLinks is what "qualgraph links --json" computes: every link with its
// quotes.
func allLinks(t *testing.T, p *Project) []coding.Link {
	t.Helper()
	v, err := p.ViewOf(kg.PartEntities | kg.PartAssertions)
	if err != nil {
		t.Fatal(err)
	}
	cb, err := p.Codebook()
	if err != nil {
		t.Fatal(err)
	}
	q := p.EvidenceQuoter()
	links := coding.Links(v, cb, coding.LinkFilter{}, nil, q.Quote)
	if err := q.Err(); err != nil {
		t.Fatal(err)
	}
	return links
}

func TestEvidenceQuotes(t *testing.T) {
	p, want := quoteProject(t)
	written := allLinks(t, p)
	quoted := map[coding.Span]string{}
	for _, l := range written {
		for _, e := range l.Evidence {
			quoted[coding.Span{Doc: e.Doc, Start: e.Start, End: e.End}] = e.Text
		}
	}
	if !reflect.DeepEqual(quoted, want) {
		t.Fatalf("links quote %q,\nwant %q", quoted, want)
	}
	quotesLog := filepath.Join(graphDir(p), "quotes.log")
	tests := []struct {
		name   string
		change func(t *testing.T) // what happens to the projection
		quoted bool               // whether the projection quotes every evidence span after it
	}{
		{"Written", func(t *testing.T) {}, true},
		{"OlderProjection", func(t *testing.T) {
			// A projection written before quotes were kept.
			if err := os.Remove(quotesLog); err != nil {
				t.Fatal(err)
			}
		}, false},
		{"RebuildCarriesOver", func(t *testing.T) {
			g, _ := p.Graph()
			if err := g.RebuildProjection(); err != nil {
				t.Fatal(err)
			}
		}, true},
		{"RebuildWithoutOldQuotes", func(t *testing.T) {
			if err := os.Remove(quotesLog); err != nil {
				t.Fatal(err)
			}
			g, _ := p.Graph()
			if err := g.RebuildProjection(); err != nil {
				t.Fatal(err)
			}
		}, false},
		{"RebuildQuoting", func(t *testing.T) {
			if err := os.Remove(quotesLog); err != nil {
				t.Fatal(err)
			}
			if err := p.rebuildProjection(); err != nil {
				t.Fatal(err)
			}
		}, true},
		{"LostViewRebuilds", func(t *testing.T) {
			// A write-enabled project rebuilds a lost projection, with
			// quotes, when it reads it.
			for _, name := range []string{"quotes.log", "records.log"} {
				if err := os.Remove(filepath.Join(graphDir(p), name)); err != nil {
					t.Fatal(err)
				}
			}
			p.view = nil
			if _, err := p.View(true); err != nil {
				t.Fatal(err)
			}
		}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// Each case starts from a projection that quotes everything.
			defer func() {
				if err := p.rebuildProjection(); err != nil {
					t.Fatal(err)
				}
			}()
			tc.change(t)
			quotes, err := kg.LoadQuotes(graphDir(p))
			if err != nil {
				t.Fatal(err)
			}
			if tc.quoted {
				// Every evidence span, and each quote the text of the
				// document there.
				if !reflect.DeepEqual(quotes, want) {
					t.Errorf("projection quotes %q,\nwant %q", quotes, want)
				}
			} else if len(quotes) != 0 {
				t.Errorf("projection quotes %q, want none", quotes)
			}
			if got := allLinks(t, p); !reflect.DeepEqual(got, written) {
				t.Errorf("links:\n%+v\nwant (as written):\n%+v", got, written)
			}
			var problems []string
			p.checkQuotes(func(doc, format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) })
			if len(problems) > 0 {
				t.Errorf("check: %q", problems)
			}
		})
	}
}

// TestCheckQuotes damages the projection's quotes and checks that check
// finds it and that a rebuild repairs it.
func TestCheckQuotes(t *testing.T) {
	p, want := quoteProject(t)
	name := filepath.Join(graphDir(p), "quotes.log")
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	good := string(b)
	tests := []struct {
		name    string
		quotes  string // quotes.log
		problem string // what check says
	}{
		{"OK", good, ""},
		{"WrongQuote", strings.Replace(good, "分三年发放", "分四年发放", 1), "the document has"},
		{"WrongSpan", strings.Replace(good, "seed funding", "seed fundin", 1), "the document has"},
		{"OutOfRange", good + "Q\t" + firstDoc(want) + "\t100000\t100002\txy\n", "does not fit"},
		// A span that two assertions share has two lines; each is checked.
		{"WrongDuplicate", wrongLine(want) + good, "the document has"},
		{"Damaged", good + "Q\tbroken\n", "bad quote record"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.WriteFile(name, []byte(tc.quotes), 0o644); err != nil {
				t.Fatal(err)
			}
			stampPosition(t, filepath.Dir(name))
			var problems []string
			p.checkQuotes(func(doc, format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) })
			switch {
			case tc.problem == "" && len(problems) > 0:
				t.Fatalf("check: %q, want nothing", problems)
			case tc.problem != "" && (len(problems) != 1 || !strings.Contains(problems[0], tc.problem)):
				t.Fatalf("check: %q, want one problem saying %q", problems, tc.problem)
			}
			if tc.problem == "" {
				return
			}
			// Readers of a damaged log read the documents instead.
			if tc.name == "Damaged" {
				for _, l := range allLinks(t, p) {
					for _, e := range l.Evidence {
						if s := (coding.Span{Doc: e.Doc, Start: e.Start, End: e.End}); e.Text != want[s] {
							t.Errorf("with a damaged quotes.log, links quote %s as %q, want %q", s, e.Text, want[s])
						}
					}
				}
			}
			if err := p.rebuildProjection(); err != nil {
				t.Fatal(err)
			}
			quotes, err := kg.LoadQuotes(graphDir(p))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(quotes, want) {
				t.Errorf("after the rebuild the projection quotes %q,\nwant %q", quotes, want)
			}
		})
	}
}

// wrongLine returns a quote line for a span of m with a wrong text.
func wrongLine(m map[coding.Span]string) string {
	for s := range m {
		return fmt.Sprintf("Q\t%s\t%d\t%d\twrong\n", s.Doc, s.Start, s.End)
	}
	return ""
}

func firstDoc(m map[coding.Span]string) string {
	for s := range m {
		return s.Doc
	}
	return ""
}

// TestQuoteSpans checks the project's QuoteFunc: texts in order, one
// reading per document, and the errors.
func TestQuoteSpans(t *testing.T) {
	p, want := quoteProject(t)
	var spans []coding.Span
	var texts []string
	for s, text := range want {
		spans = append(spans, s)
		texts = append(texts, text)
	}
	got, err := p.QuoteSpans(spans)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, texts) {
		t.Errorf("got %q, want %q", got, texts)
	}
	var se *coding.SpanError
	if _, err := p.QuoteSpans([]coding.Span{{Doc: spans[0].Doc, Start: 0, End: 1 << 20}}); !errors.As(err, &se) {
		t.Errorf("span out of range: %v, want a *coding.SpanError", err)
	}
	if _, err := p.QuoteSpans([]coding.Span{{Doc: "nosuchdoc", Start: 0, End: 1}}); err == nil {
		t.Error("unknown document: no error")
	}
}

// TestQuoterSpan checks the checked quoting of the listing commands: the
// exact text of a span, the whole text, and errors that say what is wrong.
func TestQuoterSpan(t *testing.T) {
	p := autoCodeProject(t, quoteTexts)
	g, err := p.Graph()
	if err != nil {
		t.Fatal(err)
	}
	d, err := g.Document(context.Background(), "zh.txt")
	if err != nil {
		t.Fatal(err)
	}
	text, err := p.Text(d.ID)
	if err != nil {
		t.Fatal(err)
	}
	n := utf8.RuneCountInString(text)
	// An English text of more than 64 code points, whose quotes start
	// from the byte offset kept for code point 64.
	en, err := g.Document(context.Background(), "crlf.txt")
	if err != nil {
		t.Fatal(err)
	}
	enText, err := p.Text(en.ID)
	if err != nil {
		t.Fatal(err)
	}
	if utf8.RuneCountInString(enText) < 75 {
		t.Fatalf("crlf.txt has %d code points, the test wants 75", utf8.RuneCountInString(enText))
	}
	q := p.Quoter()
	tests := []struct {
		name string
		span coding.Span
		want string
		err  error
	}{
		{"first", coding.Span{Doc: d.ID, Start: 0, End: 3}, "访谈者", nil},
		{"after the mark", coding.Span{Doc: en.ID, Start: 66, End: 75}, string([]rune(enText)[66:75]), nil},
		{"to the end", coding.Span{Doc: d.ID, Start: n - 1, End: n}, "\n", nil},
		{"empty", coding.Span{Doc: d.ID, Start: 5, End: 5}, "", nil},
		{"past the end", coding.Span{Doc: d.ID, Start: 1, End: n + 1}, "", coding.ErrSpanOutOfRange},
		{"reversed", coding.Span{Doc: d.ID, Start: 4, End: 2}, "", coding.ErrSpanOutOfRange},
		{"no document", coding.Span{Doc: "nosuchdoc", Start: 0, End: 1}, "", os.ErrNotExist},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := q.Span(tt.span)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("got %q, %v; want error %v", got, err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
	if full, err := q.FullText(d.ID); err != nil || full != text {
		t.Errorf("FullText: %v, %d bytes of %d", err, len(full), len(text))
	}
}
