package refiqda

import (
	"errors"
	"fmt"
)

// Errors of reading. A *ReadError wraps them and says where.
var (
	ErrNotZip          = errors.New("not a zip archive")
	ErrNoProject       = errors.New("no .qde project file at the archive root")
	ErrSeveralProjects = errors.New("more than one .qde project file at the archive root")
	ErrUnsafePath      = errors.New("unsafe path: absolute, or escaping the archive with ..")
	ErrTooManyEntries  = errors.New("too many entries in the archive")
	ErrTooLarge        = errors.New("uncompressed content larger than the limit")
	ErrCompression     = errors.New("compression ratio above the limit (zip bomb?)")
	ErrXML             = errors.New("malformed XML")
	ErrRootElement     = errors.New("unexpected root element")
)

// Errors of writing. A *ModelError wraps them and says where in the model.
var (
	ErrInvalidGUID     = errors.New("not a GUID (want 8-4-4-4-12 hex digits)")
	ErrDuplicateGUID   = errors.New("GUID used twice")
	ErrDanglingRef     = errors.New("reference to a GUID the project does not define")
	ErrSelectionRange  = errors.New("selection outside its text (want 0 <= start < end <= length in code points)")
	ErrInvalidColor    = errors.New("not a colour (want #RRGGBB)")
	ErrInvalidText     = errors.New("text is not valid UTF-8 or holds characters XML cannot carry")
	ErrInvalidValue    = errors.New("value not valid for its type")
	ErrInvalidVariable = errors.New("unknown variable type")
	ErrEmptyCodebook   = errors.New("a codebook needs at least one code")
)

// ReadError reports a problem with a QDPX archive, one of its entries, or
// the XML in it. Line is the XML line when known, else 0.
type ReadError struct {
	Entry string // entry name inside the archive, or "" for the archive itself
	Line  int
	Err   error
}

func (e *ReadError) Error() string {
	switch {
	case e.Entry == "":
		return "refiqda: " + e.Err.Error()
	case e.Line > 0:
		return fmt.Sprintf("refiqda: %s:%d: %v", e.Entry, e.Line, e.Err)
	default:
		return fmt.Sprintf("refiqda: %s: %v", e.Entry, e.Err)
	}
}

func (e *ReadError) Unwrap() error { return e.Err }

// ModelError reports why a model cannot be written: Path names the field
// (as in "Sources[2].Selections[0].End") and GUID the object holding it.
type ModelError struct {
	Path string
	GUID string
	Err  error
}

func (e *ModelError) Error() string {
	if e.GUID != "" {
		return fmt.Sprintf("refiqda: %s (guid %s): %v", e.Path, e.GUID, e.Err)
	}
	return fmt.Sprintf("refiqda: %s: %v", e.Path, e.Err)
}

func (e *ModelError) Unwrap() error { return e.Err }
