package corpus

import (
	"errors"
	"strconv"
	"strings"
)

// Sentinel errors wrapped by every *ImportError, so that callers can map a
// failed import to an exit code or an HTTP status with errors.Is.
var (
	// ErrEmpty: the file has no bytes, or its text is only whitespace.
	ErrEmpty = errors.New("no text")
	// ErrBinary: a text format (.txt, .md, .vtt, .srt) holds binary data.
	ErrBinary = errors.New("binary data, not text")
	// ErrEncoding: the bytes are not valid in the detected or forced
	// encoding, or the encoding name is unknown.
	ErrEncoding = errors.New("cannot decode text")
	// ErrFormat: the file is not well-formed for its format (broken .docx
	// XML, an unsafe archive, a malformed cue timing, an unreadable PDF).
	ErrFormat = errors.New("malformed file")
	// ErrTooLarge: the file, or a part of an archive, is over the size limit.
	ErrTooLarge = errors.New("file too large")
	// ErrNoText: a PDF has no text layer (a scan that needs OCR first).
	ErrNoText = errors.New("no text layer")
	// ErrUnsupported: the file's extension names no supported format.
	ErrUnsupported = errors.New("unsupported file type")
)

// ImportError reports why a file could not be imported, and where.
// Line is a 1-based line number, or 0 where no line applies; Offset is a
// byte offset into the file as given, or -1 where none applies. Err wraps
// one of the sentinel errors (ErrEmpty, ErrBinary, ...), so errors.Is works
// on an *ImportError.
type ImportError struct {
	File   string // the path as given to Parse
	Line   int    // 1-based line, or 0
	Offset int64  // byte offset into the file, or -1
	Err    error
}

// Error formats the error as "file:line: msg", "file: byte N: msg" or
// "file: msg".
func (e *ImportError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(e.Line))
	}
	if e.Offset >= 0 {
		b.WriteString(": byte ")
		b.WriteString(strconv.FormatInt(e.Offset, 10))
	}
	b.WriteString(": ")
	if e.Err == nil {
		b.WriteString("import failed")
	} else {
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *ImportError) Unwrap() error { return e.Err }

// importDetail is an error with a specific message that unwraps to one of
// the sentinel errors.
type importDetail struct {
	kind error
	msg  string
}

func (e *importDetail) Error() string { return e.msg }
func (e *importDetail) Unwrap() error { return e.kind }

// importFail builds an *ImportError with no line and no offset.
func importFail(file string, kind error, msg string) *ImportError {
	return &ImportError{File: file, Offset: -1, Err: &importDetail{kind: kind, msg: msg}}
}

// importFailAt builds an *ImportError at a byte offset.
func importFailAt(file string, off int64, kind error, msg string) *ImportError {
	return &ImportError{File: file, Offset: off, Err: &importDetail{kind: kind, msg: msg}}
}

// importFailLine builds an *ImportError at a line.
func importFailLine(file string, line int, kind error, msg string) *ImportError {
	return &ImportError{File: file, Line: line, Offset: -1, Err: &importDetail{kind: kind, msg: msg}}
}
