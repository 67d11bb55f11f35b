package service

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/qualgraph/qualgraph/coding"
)

// Errors of FindQuote, wrapped by a *QuoteError.
var (
	ErrQuoteNotFound  = errors.New("quote not found")
	ErrQuoteAmbiguous = errors.New("quote is ambiguous")
)

// QuoteError is a quote that names no span, or several, of a document.
type QuoteError struct {
	Doc   string // as given
	Quote string
	// Spans are the quote's occurrences (ErrQuoteAmbiguous), or the
	// nearest match (ErrQuoteNotFound), if any; Texts their texts.
	Spans []coding.Span
	Texts []string
	Err   error
}

func (e *QuoteError) Error() string {
	s := fmt.Sprintf("quote %q in %s: %v", e.Quote, e.Doc, e.Err)
	var at []string
	for i, sp := range e.Spans {
		if e.Texts[i] == e.Quote {
			at = append(at, fmt.Sprintf("%d-%d", sp.Start, sp.End))
		} else {
			at = append(at, fmt.Sprintf("%d-%d %q", sp.Start, sp.End, e.Texts[i]))
		}
	}
	switch {
	case errors.Is(e.Err, ErrQuoteAmbiguous):
		s += fmt.Sprintf(": it occurs %d times, at %s; give DOC:START-END or a longer quote", len(e.Spans), strings.Join(at, ", "))
	case len(at) > 0:
		s += "; the nearest match is at " + at[0]
	}
	return s
}

func (e *QuoteError) Unwrap() error { return e.Err }

// FindQuote returns the span of document doc (an id or name) whose text
// is quote. A quote that occurs more than once is a *QuoteError wrapping
// ErrQuoteAmbiguous that lists the occurrences; one that does not occur
// a *QuoteError wrapping ErrQuoteNotFound with the nearest match: the
// quote in other case or spacing, else the longest beginning of it that
// occurs.
func (s *Service) FindQuote(ctx context.Context, doc, quote string) (coding.Span, error) {
	if quote == "" {
		return coding.Span{}, &QuoteError{Doc: doc, Quote: quote, Err: ErrQuoteNotFound}
	}
	rec, err := s.p.DocumentRecord(ctx, doc)
	if err != nil {
		return coding.Span{}, &coding.UnknownError{What: "document", ID: doc, Err: coding.ErrUnknownDoc}
	}
	text, err := s.p.Text(rec.ID)
	if err != nil {
		return coding.Span{}, err
	}
	qe := &QuoteError{Doc: doc, Quote: quote}
	for _, b := range occurrences(text, quote) {
		start := utf8.RuneCountInString(text[:b])
		qe.Spans = append(qe.Spans, coding.Span{Doc: rec.ID, Start: start, End: start + utf8.RuneCountInString(quote)})
		qe.Texts = append(qe.Texts, quote)
	}
	switch len(qe.Spans) {
	case 1:
		return qe.Spans[0], nil
	case 0:
		qe.Err = ErrQuoteNotFound
		if b, e, ok := nearest(text, quote); ok {
			start := utf8.RuneCountInString(text[:b])
			qe.Spans = []coding.Span{{Doc: rec.ID, Start: start, End: start + utf8.RuneCountInString(text[b:e])}}
			qe.Texts = []string{text[b:e]}
		}
	default:
		qe.Err = ErrQuoteAmbiguous
	}
	return coding.Span{}, qe
}

// occurrences returns the byte offsets of the occurrences of q in text,
// overlapping ones too.
func occurrences(text, q string) []int {
	var out []int
	for from := 0; ; {
		i := strings.Index(text[from:], q)
		if i < 0 {
			return out
		}
		out = append(out, from+i)
		_, size := utf8.DecodeRuneInString(text[from+i:])
		from += i + size
	}
}

// nearest returns the byte range of text nearest to q, which text does
// not hold: q with other case and white space, else the longest
// beginning of q (of half its words or more) that text holds, widened to
// q's length.
func nearest(text, q string) (start, end int, ok bool) {
	words := strings.Fields(q)
	if len(words) == 0 {
		return 0, 0, false
	}
	// The words of q in order, any case, any white space between.
	fold := strings.ToLower(text)
	if s, e, ok := wordsAt(text, fold, words); ok {
		return s, e, true
	}
	for n := len(words) - 1; n > 0 && 2*n >= len(words); n-- {
		if s, _, ok := wordsAt(text, fold, words[:n]); ok {
			e := s
			for r := utf8.RuneCountInString(q); r > 0 && e < len(text); r-- {
				_, size := utf8.DecodeRuneInString(text[e:])
				e += size
			}
			return s, e, true
		}
	}
	return 0, 0, false
}

// wordsAt finds words in order, separated by white space only, in text
// without regard to case (fold is text in lower case, of the same byte
// length for the letters compared).
func wordsAt(text, fold string, words []string) (start, end int, ok bool) {
	if len(fold) != len(text) {
		fold = text // lower-casing changed lengths: compare as is
	}
	first := strings.ToLower(words[0])
	for from := 0; from < len(fold); {
		i := strings.Index(fold[from:], first)
		if i < 0 {
			return 0, 0, false
		}
		s := from + i
		e, matched := s+len(first), true
		for _, w := range words[1:] {
			j := e
			for j < len(fold) && strings.ContainsRune(" \t\n\r", rune(fold[j])) {
				j++
			}
			if j == e || !strings.HasPrefix(fold[j:], strings.ToLower(w)) {
				matched = false
				break
			}
			e = j + len(w)
		}
		if matched {
			return s, e, true
		}
		from = s + 1
	}
	return 0, 0, false
}
