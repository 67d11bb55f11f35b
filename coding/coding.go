// Package coding holds the domain vocabulary of qualitative coding: spans of
// text, codings of spans against codes, the concrete actors (entities) named
// in a corpus, the coded assertions between them, and memos.
//
// A span is a half-open range [Start, End) of Unicode code points over the
// stored, normalised text of one document. Every importer and exporter
// converts to and from this convention explicitly.
//
// The package declares the small store interfaces it needs; package kg
// implements them over cayley.
package coding

import (
	"errors"
	"fmt"
	"time"
)

// Span is a half-open range [Start, End) of Unicode code points over the
// stored text of document Doc.
type Span struct {
	Doc   string `json:"doc"`
	Start int    `json:"start"`
	End   int    `json:"end"`
}

// String formats s as DOC:START-END, the form the command line accepts.
func (s Span) String() string { return fmt.Sprintf("%s:%d-%d", s.Doc, s.Start, s.End) }

// Len returns the number of code points in s.
func (s Span) Len() int { return s.End - s.Start }

// Overlaps reports whether s and t share at least one code point of the same
// document.
func (s Span) Overlaps(t Span) bool {
	return s.Doc == t.Doc && s.Start < t.End && t.Start < s.End
}

// Validate checks s against a document of n code points. It returns a
// *SpanError wrapping ErrReversedSpan, ErrEmptySpan or ErrSpanOutOfRange.
func (s Span) Validate(n int) error {
	switch {
	case s.End < s.Start:
		return &SpanError{Span: s, Len: n, Err: ErrReversedSpan}
	case s.Start < 0 || s.End > n:
		return &SpanError{Span: s, Len: n, Err: ErrSpanOutOfRange}
	case s.End <= s.Start:
		return &SpanError{Span: s, Len: n, Err: ErrEmptySpan}
	}
	return nil
}

// Errors about spans.
var (
	ErrEmptySpan      = errors.New("empty span")
	ErrReversedSpan   = errors.New("START is after END")
	ErrSpanOutOfRange = errors.New("span out of range")
)

// SpanError records a span that does not fit its document.
type SpanError struct {
	Span Span
	Len  int // the document's length in code points
	Err  error
}

func (e *SpanError) Error() string {
	return fmt.Sprintf("span %s: %v (document has %d code points; spans are half-open [start,end) with 0 <= start < end <= %d)",
		e.Span, e.Err, e.Len, e.Len)
}

func (e *SpanError) Unwrap() error { return e.Err }

// Coding records that a coder applied a code to a span.
type Coding struct {
	ID      string    `json:"id"`
	Span              // Doc, Start, End
	Code    string    `json:"code"`
	Coder   string    `json:"coder"`
	Created time.Time `json:"created"`
	Memo    string    `json:"memo,omitempty"`
	// Suggested says that the coding was a machine suggestion the coder
	// accepted (see package coding/suggest); nil for a coding made by
	// hand.
	Suggested *Suggestion `json:"suggested,omitempty"`
}

// Suggestion is what a coding accepted from a machine suggestion
// remembers of it: the model that suggested it and its score.
type Suggestion struct {
	Model string  `json:"model"`
	Score float64 `json:"score"`
}

// Rejection records that a coder rejected suggestion ID, coding Span with
// Code, made by model Model with score Score: it is not suggested again.
// A rejected suggested assertion has no Code but Subject, Relation and
// Object, with Span its evidence.
type Rejection struct {
	ID       string    `json:"id"`
	Span               // Doc, Start, End
	Code     string    `json:"code"`
	Subject  string    `json:"subject,omitempty"`
	Relation string    `json:"relation,omitempty"`
	Object   string    `json:"object,omitempty"`
	Model    string    `json:"model"`
	Score    float64   `json:"score"`
	Coder    string    `json:"coder"`
	Created  time.Time `json:"created"`
}

// Entity is a concrete actor of the corpus, an instance of an ontology class
// ("the Dongguan science bureau" is a LocalGovernment).
type Entity struct {
	ID      string            `json:"id"`
	Type    string            `json:"type"`
	Name    string            `json:"name"`
	Aliases []string          `json:"aliases,omitempty"`
	Attrs   map[string]string `json:"attrs,omitempty"`
}

// Mention records that a span of text names an entity.
type Mention struct {
	ID      string    `json:"id"`
	Span              // Doc, Start, End
	Entity  string    `json:"entity"`
	Coder   string    `json:"coder"`
	Created time.Time `json:"created"`
}

// Polarity of an assertion: whether the subject does (positive) or explicitly
// does not (negative) stand in the relation to the object. For takesPosition
// it is agreement or disagreement with the concept.
type Polarity string

// The polarities.
const (
	Positive Polarity = "positive"
	Negative Polarity = "negative"
)

// Assertion is a coded statement "Subject Relation Object", grounded in
// quoted evidence spans. Object is an entity id or, where the relation's
// range allows it, a concept (an ontology class or emergent code).
type Assertion struct {
	ID         string    `json:"id"`
	Subject    string    `json:"subject"`
	Relation   string    `json:"relation"`
	Object     string    `json:"object"`
	Practice   string    `json:"practice,omitempty"`
	Phase      string    `json:"phase,omitempty"`
	Polarity   Polarity  `json:"polarity"`
	Confidence float64   `json:"confidence"`
	Coder      string    `json:"coder"`
	Created    time.Time `json:"created"`
	Evidence   []Span    `json:"evidence"`
	// Additions say who added the evidence spans that were added after
	// the assertion was made, in the order they were added; the spans
	// before the first addition are the assertion's own, by Coder at
	// Created (see EvidenceBy). Records without it read so.
	Additions []EvidenceAddition `json:"additions,omitempty"`
	Memo      string             `json:"memo,omitempty"`
	Retracted bool               `json:"retracted"`
	Reason    string             `json:"reason,omitempty"` // why it was retracted
	// Suggested says that the assertion was a machine suggestion the
	// coder accepted (suggest --assertions); nil for one made by hand.
	Suggested *Suggestion `json:"suggested,omitempty"`
}

// EvidenceAddition says that the evidence spans of an assertion from
// index From on, up to the next addition's From, were added by Coder at At.
type EvidenceAddition struct {
	From  int       `json:"from"`
	Coder string    `json:"coder"`
	At    time.Time `json:"at"`
}

// EvidenceBy returns who added evidence span i of a and when: the coder
// and time of the last addition whose From is at most i, or, for the
// spans a was made with, a's Coder and Created.
func (a *Assertion) EvidenceBy(i int) (coder string, at time.Time) {
	coder, at = a.Coder, a.Created
	for _, ad := range a.Additions {
		if ad.From > i {
			break
		}
		coder, at = ad.Coder, ad.At
	}
	return coder, at
}

// Memo is a researcher's note on a document, code, coding, entity or
// assertion.
type Memo struct {
	ID      string    `json:"id"`
	Target  string    `json:"target"`
	Text    string    `json:"text"`
	Author  string    `json:"author"`
	Created time.Time `json:"created"`
}
