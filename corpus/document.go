package corpus

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"
)

// Kinds of document.
const (
	KindInterview  = "interview"
	KindFocusGroup = "focus-group"
	KindPolicy     = "policy"
	KindDocument   = "document"
)

// Document is one imported source: its stored, normalised text and what is
// known about it. Offsets into Text are code points.
type Document struct {
	ID       string    `json:"id"`   // stable id derived from the text's SHA-256
	Name     string    `json:"name"` // unique within a project; the file's base name by default
	Kind     string    `json:"kind"`
	Text     string    `json:"text"`  // NFC, LF line ends
	Chars    int       `json:"chars"` // len([]rune(Text))
	Imported time.Time `json:"imported"`
	Source   Source    `json:"source"`
	Attrs    Attrs     `json:"attrs"`
	Segments []Segment `json:"segments"`
}

// Source records where a document's text came from and what import did to it.
type Source struct {
	Path     string   `json:"path"`     // as given on the command line
	Format   string   `json:"format"`   // txt, md, docx, pdf, vtt, srt
	Size     int64    `json:"size"`     // bytes of the original file
	SHA256   string   `json:"sha256"`   // hex SHA-256 of the original file's bytes
	TextSHA  string   `json:"text_sha"` // hex SHA-256 of the stored text (UTF-8)
	Encoding string   `json:"encoding"` // utf-8, utf-8-bom, utf-16le, utf-16be, gb18030
	Changes  []string `json:"changes"`  // what normalisation changed, e.g. "CRLF→LF: 12 line ends"
	// GUID is the source's GUID in the REFI-QDA file the document was
	// imported from, which an export writes again.
	GUID string `json:"guid,omitempty"`
}

// Segment is a speaker turn or, where a document has none, a paragraph. Start
// and End are a half-open code-point range over the document's text. BeginMS
// and EndMS are cue times in milliseconds, or -1 where the source has none.
type Segment struct {
	Start   int    `json:"start"`
	End     int    `json:"end"`
	Speaker string `json:"speaker"`
	BeginMS int64  `json:"begin_ms"`
	EndMS   int64  `json:"end_ms"`
}

// extensions are the file name extensions Parse reads.
var extensions = []string{".txt", ".md", ".docx", ".pdf", ".vtt", ".srt"}

// Extensions returns the file name extensions Parse reads.
func Extensions() []string { return append([]string(nil), extensions...) }

// Supported reports whether Parse reads files named like path.
func Supported(path string) bool {
	ext := strings.ToLower(filepath.Ext(path))
	for _, e := range extensions {
		if ext == e {
			return true
		}
	}
	return false
}

// UniqueName returns name, or name with " (2)", " (3)"… before its
// extension, whichever is not yet taken: the name a new document gets
// when taken holds the names of a project's documents.
func UniqueName(name string, taken map[string]bool) string {
	if !taken[name] {
		return name
	}
	ext := filepath.Ext(name)
	base := strings.TrimSuffix(name, ext)
	for n := 2; ; n++ {
		c := fmt.Sprintf("%s (%d)%s", base, n, ext)
		if !taken[c] {
			return c
		}
	}
}
