package agreement

import (
	"errors"
	"fmt"
)

// Errors of the statistics and of Compare.
var (
	ErrTooFewCoders     = errors.New("agreement needs codings by at least two coders")
	ErrEmpty            = errors.New("nothing to compare")
	ErrNoPairableValues = errors.New("no unit has values from two coders, so alpha is undefined")
	ErrNoVariation      = errors.New("expected disagreement is zero (the data do not vary), so alpha is undefined")
	ErrShape            = errors.New("data are not a coders × units matrix or a square table")
	ErrNegativeCount    = errors.New("negative count")
	ErrNegativeLength   = errors.New("negative document length")
	ErrOverlap          = errors.New("units of one coder overlap")
	ErrUnknownDoc       = errors.New("unknown document")
	ErrAmbiguous        = errors.New("two codes cover the most of the segment equally")
)

// Reasons an Alpha in a Report is undefined, as written in its Undefined field.
const (
	UndefinedNoPairableValues = "no_pairable_values" // ErrNoPairableValues
	UndefinedNoVariation      = "no_variation"       // ErrNoVariation
)

// CodingError records a coding Compare cannot use.
type CodingError struct {
	ID    string // the coding's id
	Doc   string
	Coder string
	Code  string
	Err   error // ErrUnknownDoc, or a *coding.SpanError
}

func (e *CodingError) Error() string {
	if errors.Is(e.Err, ErrUnknownDoc) {
		return fmt.Sprintf("coding %s (coder %s, code %s): %v %q: give its length, or leave out its codings",
			e.ID, e.Coder, e.Code, e.Err, e.Doc)
	}
	return fmt.Sprintf("coding %s (coder %s, code %s): %v", e.ID, e.Coder, e.Code, e.Err)
}

func (e *CodingError) Unwrap() error { return e.Err }

// SegmentError records a segment Compare cannot use.
type SegmentError struct {
	Doc     string
	Index   int // the segment's index in Options.Segments[Doc]
	Segment Interval
	Coder   string // set with ErrAmbiguous
	Err     error  // ErrUnknownDoc, ErrAmbiguous, or a *coding.SpanError
}

func (e *SegmentError) Error() string {
	if e.Coder != "" {
		return fmt.Sprintf("segment %d %v of document %q, coder %s: %v; exclusive codes need one code per segment",
			e.Index, e.Segment, e.Doc, e.Coder, e.Err)
	}
	return fmt.Sprintf("segment %d %v of document %q: %v", e.Index, e.Segment, e.Doc, e.Err)
}

func (e *SegmentError) Unwrap() error { return e.Err }

// DocError records a document length Compare cannot use.
type DocError struct {
	Doc string
	Len int
	Err error // ErrNegativeLength
}

func (e *DocError) Error() string {
	return fmt.Sprintf("document %q: %v %d", e.Doc, e.Err, e.Len)
}

func (e *DocError) Unwrap() error { return e.Err }

// IntervalError records a unit UnitizedDisagreement cannot use.
type IntervalError struct {
	Coder    int // index into units
	Interval Interval
	Len      int // the continuum's length
	Err      error
}

func (e *IntervalError) Error() string {
	return fmt.Sprintf("coder %d, unit %v: %v (the continuum is [0,%d); units are half-open [start,end))",
		e.Coder, e.Interval, e.Err, e.Len)
}

func (e *IntervalError) Unwrap() error { return e.Err }
