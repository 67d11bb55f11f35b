package ontology

import (
	"errors"
	"fmt"
	"strconv"
)

// Kinds of error. A *ParseError wraps one of them, and so do the errors of
// AddClass, so that callers can test for a kind with errors.Is.
var (
	ErrSyntax          = errors.New("syntax error")
	ErrBadValue        = errors.New("bad value")
	ErrUnknownKey      = errors.New("unknown key")
	ErrDuplicateKey    = errors.New("duplicate key")
	ErrMissingID       = errors.New("missing id")
	ErrBadID           = errors.New("bad id")
	ErrDuplicateID     = errors.New("duplicate id")
	ErrUnknownParent   = errors.New("unknown parent")
	ErrCycle           = errors.New("cycle in parents")
	ErrUnknownClass    = errors.New("unknown class")
	ErrUnknownRelation = errors.New("unknown relation")
	ErrBadInverse      = errors.New("bad inverse")
	ErrBadColour       = errors.New("bad colour")
	ErrBadLanguage     = errors.New("bad language")
)

// A ParseError is one problem found in an ontology file, at a 1-based line
// and column (counted in characters). Err is one of the Err* kinds above; Msg
// says what is wrong in words a researcher can act on.
//
// Syntax errors reported by the YAML parser carry a line only; their column
// is 1, or the column of a tab where a tab in the indentation is the likely
// cause.
type ParseError struct {
	File string
	Line int
	Col  int
	Msg  string
	Err  error
}

// Error formats e as FILE:LINE:COL: MESSAGE, the form compilers use and
// editors understand.
func (e *ParseError) Error() string {
	file := e.File
	if file == "" {
		file = "<input>"
	}
	return file + ":" + strconv.Itoa(e.Line) + ":" + strconv.Itoa(e.Col) + ": " + e.Msg
}

// Unwrap returns the kind of error.
func (e *ParseError) Unwrap() error { return e.Err }

// ErrorList is the error Parse returns: every problem in the file, sorted by
// position. It is never empty.
type ErrorList []*ParseError

// Error returns the first error and the number of others.
func (l ErrorList) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Error()
	case 2:
		return l[0].Error() + " (and 1 more error)"
	}
	return fmt.Sprintf("%s (and %d more errors)", l[0], len(l)-1)
}

// Unwrap returns the errors of the list, so that errors.Is and errors.As
// look at each of them.
func (l ErrorList) Unwrap() []error {
	errs := make([]error, len(l))
	for i, e := range l {
		errs[i] = e
	}
	return errs
}
