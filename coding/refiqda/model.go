package refiqda

import (
	"time"
	"unicode/utf8"
)

// Positions names a convention for counting PlainTextSelection positions in
// a file.
type Positions string

// The position conventions ReadOptions.Positions accepts.
const (
	// PositionsAuto picks PositionsUTF16 for projects whose origin starts
	// with "NVivo" and PositionsCodePoints for all others. The empty string
	// means the same.
	PositionsAuto Positions = "auto"
	// PositionsCodePoints counts Unicode code points, as the standard says.
	PositionsCodePoints Positions = "codepoints"
	// PositionsUTF16 counts UTF-16 code units, as NVivo does.
	PositionsUTF16 Positions = "utf16"
)

// WriterOrigin is the origin attribute WriteQDPX and WriteQDC write. They
// never copy Project.Origin: the origin decides how readers count positions,
// and the positions WriteQDPX writes are code points.
const WriterOrigin = "qualgraph"

// WriterOriginUTF16 is the origin attribute WriteQDPXWith writes when it
// writes positions in UTF-16 code units. ReadQDPX counts the positions of
// a file of this origin in UTF-16 code units, as it does for NVivo's.
const WriterOriginUTF16 = "qualgraph (positions in UTF-16 code units, as NVivo)"

// Project is an in-memory REFI-QDA project. Slices keep the order of the
// file; the writer writes them in the order given.
//
// GUID fields hold canonical GUIDs (lower case, no braces) after reading;
// the writer accepts any form the schema allows and writes them canonical.
type Project struct {
	Name string
	// Origin names the software that wrote the file. It is informational:
	// see WriterOrigin.
	Origin            string
	CreatingUserGUID  string
	CreationDateTime  time.Time // zero when absent
	ModifyingUserGUID string
	ModifiedDateTime  time.Time
	BasePath          string
	Description       string

	Users     []User
	Codes     []Code // the code tree's roots
	Variables []Variable
	Cases     []Case
	Sources   []Source // text sources
	// Notes are memos. The standard gives them the type of a text source, so
	// a note may carry selections, codings and variable values too.
	Notes    []Source
	Links    []Link
	Sets     []Set
	NoteRefs []string // notes about the project as a whole
	// Extension is the content of the archive entry ExtensionEntry, which
	// other programs ignore: qualgraph's records the standard has no place
	// for. ReadQDPX fills it when the entry is there; WriteQDPX writes it
	// when it is not empty.
	Extension []byte
}

// ExtensionEntry is the name of the archive entry that holds
// Project.Extension.
const ExtensionEntry = "qualgraph/extension.json"

// User is a person who created or changed something in the project.
type User struct {
	GUID string
	ID   string // short initials some tools write; may be empty
	Name string
}

// Code is a node of the code tree.
type Code struct {
	GUID        string
	Name        string
	Color       string // "#RRGGBB" after reading, or empty
	Description string
	IsCodable   bool
	NoteRefs    []string
	Children    []Code
}

// Source is a text source (or, in Project.Notes, a note).
type Source struct {
	GUID        string
	Name        string
	Description string
	// Text is the plain text exactly as stored in the archive once decoded
	// to UTF-8: without a byte order mark, line ends untouched. Selection
	// Start and End count code points of Text.
	Text string
	// Normalized is Text in Unicode NFC with every CRLF turned into LF.
	// Selection NormStart and NormEnd count code points of Normalized. The
	// writer ignores it.
	Normalized string
	// RichTextPath is the rich text (docx, pdf) reference found in the file.
	// It is informational: rich text is neither read nor written.
	RichTextPath     string
	CreatingUser     string
	CreationDateTime time.Time
	ModifyingUser    string
	ModifiedDateTime time.Time
	Selections       []Selection
	Codings          []Coding // codings of the source as a whole
	NoteRefs         []string
	Values           []VariableValue
}

// Selection is a PlainTextSelection: a coded or annotated range of a
// source's text.
type Selection struct {
	GUID        string
	Name        string
	Description string
	// Start and End are a half-open range [Start, End) of code points of
	// Source.Text: 0 <= Start < End <= the number of code points.
	Start, End int
	// NormStart and NormEnd are the same range over Source.Normalized. The
	// reader fills them; the writer ignores them.
	NormStart, NormEnd int
	CreatingUser       string
	CreationDateTime   time.Time
	ModifyingUser      string
	ModifiedDateTime   time.Time
	Codings            []Coding
	NoteRefs           []string
}

// Coding applies the code CodeGUID to the selection or source holding it.
type Coding struct {
	GUID             string
	CodeGUID         string
	CreatingUser     string
	CreationDateTime time.Time
	NoteRefs         []string
}

// VariableType is the type of a variable, spelled as in the standard.
type VariableType string

// The variable types of the standard.
const (
	VarText     VariableType = "Text"
	VarBoolean  VariableType = "Boolean"
	VarInteger  VariableType = "Integer"
	VarFloat    VariableType = "Float"
	VarDate     VariableType = "Date"
	VarDateTime VariableType = "DateTime"
)

// Variable is an attribute that sources and cases can carry values of.
type Variable struct {
	GUID        string
	Name        string
	Type        VariableType
	Description string
}

// VariableValue is the value of a variable for a source or a case.
type VariableValue struct {
	VariableGUID string
	// Type is the kind of value element found (TextValue is VarText, and
	// so on), or empty when the file gives the variable no value.
	Type VariableType
	// Value is the lexical form from the file, as XML Schema spells the
	// type: "true", "42", "3.5", "2024-01-31", "2024-01-31T12:00:00Z".
	Value string
}

// Case is a unit of analysis (a person, a site) that groups sources.
type Case struct {
	GUID          string
	Name          string
	Description   string
	CodeRefs      []string
	Values        []VariableValue
	SourceRefs    []string
	SelectionRefs []string
}

// Set is a named group of codes, sources and notes.
type Set struct {
	GUID          string
	Name          string
	Description   string
	MemberCodes   []string
	MemberSources []string
	MemberNotes   []string
}

// Link is a relation between two objects of the project.
type Link struct {
	GUID       string
	Name       string
	Direction  string // "Associative", "OneWay", "Bidirectional" or empty
	Color      string
	OriginGUID string
	TargetGUID string
	NoteRefs   []string
}

// Codebook is the content of a .qdc file.
type Codebook struct {
	Origin string // informational; see WriterOrigin
	Codes  []Code
	// Sets group codes. A codebook holds only code members: WriteQDC writes
	// MemberCodes and leaves the other members out.
	Sets []Set
}

// Quote returns the text of sel in s.Text. It walks the text, so quoting
// many selections of a long text is cheaper over []rune(s.Text).
func (s *Source) Quote(sel *Selection) string {
	return sliceRunes(s.Text, sel.Start, sel.End)
}

// NormalizedQuote returns the text of sel in s.Normalized.
func (s *Source) NormalizedQuote(sel *Selection) string {
	return sliceRunes(s.Normalized, sel.NormStart, sel.NormEnd)
}

// sliceRunes returns the code points [start, end) of s, clamped to s.
func sliceRunes(s string, start, end int) string {
	if start < 0 {
		start = 0
	}
	if end <= start {
		return ""
	}
	bs, be := -1, len(s)
	n := 0
	for i := range s {
		if n == start {
			bs = i
		}
		if n == end {
			be = i
			break
		}
		n++
	}
	if bs < 0 {
		return ""
	}
	return s[bs:be]
}

// runeLen is utf8.RuneCountInString, named for what the package uses it for.
func runeLen(s string) int { return utf8.RuneCountInString(s) }
