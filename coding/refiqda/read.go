package refiqda

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"golang.org/x/text/encoding/htmlindex"
)

// ReadOptions tunes ReadQDPX. The zero value reads with automatic position
// detection and the default limits.
type ReadOptions struct {
	// Positions is the convention of the file's selection positions:
	// PositionsAuto (or empty), PositionsCodePoints or PositionsUTF16.
	Positions Positions
	// MaxEntries caps the number of entries in the archive.
	MaxEntries int
	// MaxEntrySize caps the uncompressed size of each entry read.
	MaxEntrySize int64
	// MaxTotalSize caps the uncompressed size of all entries read.
	MaxTotalSize int64
	// MaxRatio caps uncompressed/compressed size of an entry once it has
	// produced more than 4 MiB.
	MaxRatio int64
}

func (o ReadOptions) withDefaults() (ReadOptions, error) {
	switch o.Positions {
	case "":
		o.Positions = PositionsAuto
	case PositionsAuto, PositionsCodePoints, PositionsUTF16:
	default:
		return o, fmt.Errorf("refiqda: ReadOptions.Positions %q: want auto, codepoints or utf16", o.Positions)
	}
	if o.MaxEntries <= 0 {
		o.MaxEntries = DefaultMaxEntries
	}
	if o.MaxEntrySize <= 0 {
		o.MaxEntrySize = DefaultMaxEntrySize
	}
	if o.MaxTotalSize <= 0 {
		o.MaxTotalSize = DefaultMaxTotalSize
	}
	if o.MaxRatio <= 0 {
		o.MaxRatio = DefaultMaxRatio
	}
	return o, nil
}

// Report tells what ReadQDPX repaired, skipped or could not place. Nothing
// the file holds is dropped without an entry here.
type Report struct {
	Entry     string    // the .qde entry read
	Positions Positions // the convention applied to selection positions
	// Warnings list repairs and oddities: a BOM-less UTF-16 text, an
	// invalid colour kept as found, a reference to nothing.
	Warnings []Warning
	// Skipped lists the sources the model leaves out: non-text sources and
	// text sources with no plain text.
	Skipped []SkippedSource
	// BadSelections lists the selections that do not fit inside their text.
	// They are not in the model.
	BadSelections []BadSelection
}

// Warning is one oddity found while reading.
type Warning struct {
	Entry string // archive entry, when one is concerned
	GUID  string // object concerned, when known
	Msg   string
}

func (w Warning) String() string {
	var b strings.Builder
	if w.Entry != "" {
		b.WriteString(w.Entry)
		b.WriteString(": ")
	}
	if w.GUID != "" {
		b.WriteString(w.GUID)
		b.WriteString(": ")
	}
	b.WriteString(w.Msg)
	return b.String()
}

// SkippedSource is a source the model leaves out.
type SkippedSource struct {
	Kind       string // element name: TextSource, PDFSource, PictureSource, ...
	GUID       string
	Name       string
	Reason     string
	Selections int // selections lost with it
	Codings    int // codings lost with it, on the source and its selections
}

// BadSelection is a selection that does not fit inside its text.
type BadSelection struct {
	SourceGUID string
	SourceName string
	// Selection is the selection as read, codings included. Start and End
	// are the file's positions, in Unit; NormStart and NormEnd are zero.
	Selection Selection
	Unit      Positions
	Length    int // of the text, in Unit
	Reason    string
}

func (b BadSelection) String() string {
	return fmt.Sprintf("selection %s of source %q (%s): %s", b.Selection.GUID, b.SourceName, b.SourceGUID, b.Reason)
}

// ReadQDPX reads a REFI-QDA project archive of size bytes from r.
//
// It refuses archives that are hostile or unreadable: unsafe entry names,
// too many entries, entries over the size or compression ratio limits of
// opt, no .qde file or several at the root, malformed XML. Those errors are
// *ReadError values wrapping ErrUnsafePath, ErrTooManyEntries, ErrTooLarge,
// ErrCompression, ErrNoProject, ErrSeveralProjects, ErrXML, ErrRootElement
// or ErrNotZip, and say which entry and XML line. Everything else it reads
// leniently and describes in the returned Report; see the package doc.
func ReadQDPX(r io.ReaderAt, size int64, opt ReadOptions) (*Project, *Report, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, nil, err
	}
	a, err := openArchive(r, size, opt)
	if err != nil {
		return nil, nil, err
	}
	entry := a.project.Name
	data, err := a.read(a.project)
	if err != nil {
		return nil, nil, err
	}
	var x xProject
	if err := decodeXML(entry, data, &x); err != nil {
		return nil, nil, err
	}
	if x.XMLName.Local != "Project" {
		return nil, nil, &ReadError{Entry: entry, Err: fmt.Errorf("%w <%s>, want <Project>", ErrRootElement, x.XMLName.Local)}
	}
	rep := &Report{Entry: entry, Positions: opt.Positions}
	if rep.Positions == PositionsAuto {
		rep.Positions = positionsFor(x.Origin)
	}
	rd := &reader{a: a, rep: rep, entry: entry}
	if x.XMLName.Space != projectNS {
		rd.warn("", "root namespace %q, want %q; read anyway", x.XMLName.Space, projectNS)
	}
	p, err := rd.project(&x)
	if err != nil {
		return nil, nil, err
	}
	if fs := a.byName[ExtensionEntry]; len(fs) > 0 {
		if p.Extension, err = a.read(fs[0]); err != nil {
			return nil, nil, err
		}
	}
	return p, rep, nil
}

// positionsFor returns the position convention of the software named by a
// project's origin attribute.
func positionsFor(origin string) Positions {
	if o := strings.TrimSpace(origin); strings.HasPrefix(strings.ToLower(o), "nvivo") || o == WriterOriginUTF16 {
		return PositionsUTF16
	}
	return PositionsCodePoints
}

// ReadQDC reads a REFI-QDA codebook (.qdc) from r, reading at most
// DefaultMaxEntrySize bytes. GUIDs and colours are made canonical; values
// that cannot be (an invalid colour) are kept as found, and WriteQDC will
// refuse them. A malformed document gives a *ReadError wrapping ErrXML or
// ErrRootElement, or ErrTooLarge.
func ReadQDC(r io.Reader) (*Codebook, error) {
	const entry = "codebook"
	data, err := io.ReadAll(io.LimitReader(r, DefaultMaxEntrySize+1))
	if err != nil {
		return nil, &ReadError{Entry: entry, Err: err}
	}
	if len(data) > DefaultMaxEntrySize {
		return nil, &ReadError{Entry: entry, Err: fmt.Errorf("%w: over %d bytes", ErrTooLarge, DefaultMaxEntrySize)}
	}
	var x xCodebookDoc
	if err := decodeXML(entry, data, &x); err != nil {
		return nil, err
	}
	if x.XMLName.Local != "CodeBook" {
		return nil, &ReadError{Entry: entry, Err: fmt.Errorf("%w <%s>, want <CodeBook>", ErrRootElement, x.XMLName.Local)}
	}
	rd := &reader{rep: &Report{}, entry: entry}
	cb := &Codebook{Origin: x.Origin, Codes: rd.codes(x.Codes.Code, "Codes")}
	if x.Sets != nil {
		for i, s := range x.Sets.Set {
			set := Set{
				GUID:        rd.defGUID(s.GUID, fmt.Sprintf("Sets[%d]", i)),
				Name:        s.Name,
				Description: s.Description,
			}
			for _, m := range s.MemberCodes {
				if g := rd.refGUID(m.GUID); g != "" {
					set.MemberCodes = append(set.MemberCodes, g)
				}
			}
			cb.Sets = append(cb.Sets, set)
		}
	}
	return cb, nil
}

// decodeXML decodes one XML document into v. It accepts a UTF-8 or UTF-16
// byte order mark and the encodings the WHATWG index knows.
func decodeXML(entry string, data []byte, v any) error {
	transcoded := false
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		t, _ := decodeUTF16(data[2:], data[0] == 0xFE)
		data = []byte(t)
		transcoded = true
	}
	d := xml.NewDecoder(bytes.NewReader(data))
	d.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		l := strings.ToLower(strings.TrimSpace(label))
		if transcoded && strings.HasPrefix(l, "utf-16") || l == "utf8" || l == "utf-8" || l == "us-ascii" || l == "ascii" {
			return in, nil
		}
		enc, err := htmlindex.Get(l)
		if err != nil {
			return nil, fmt.Errorf("unsupported encoding %q", label)
		}
		return enc.NewDecoder().Reader(in), nil
	}
	err := d.Decode(v)
	if err == nil {
		return nil
	}
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return &ReadError{Entry: entry, Line: se.Line, Err: fmt.Errorf("%w: %s", ErrXML, se.Msg)}
	}
	line, _ := d.InputPos()
	if err == io.EOF {
		return &ReadError{Entry: entry, Line: line, Err: fmt.Errorf("%w: no root element", ErrXML)}
	}
	return &ReadError{Entry: entry, Line: line, Err: fmt.Errorf("%w: %v", ErrXML, err)}
}

// reader turns the decoded XML into the model, noting what it repairs.
type reader struct {
	a     *archive // nil when reading a codebook
	rep   *Report
	entry string
}

func (rd *reader) warn(guid, format string, args ...any) {
	rd.rep.Warnings = append(rd.rep.Warnings, Warning{Entry: rd.entry, GUID: guid, Msg: fmt.Sprintf(format, args...)})
}

// defGUID returns the canonical form of the GUID defining the object at
// path. A missing GUID gets one derived from the path; an invalid one gets
// one derived from its text, the same refGUID derives, so references to it
// still resolve.
func (rd *reader) defGUID(raw, path string) string {
	if g, ok := canonicalGUID(raw); ok {
		return g
	}
	t := strings.TrimSpace(raw)
	if t == "" {
		g := StableGUID("refiqda/missing-guid", rd.entry+"#"+path)
		rd.warn(g, "%s has no guid; assigned one", path)
		return g
	}
	g := StableGUID("refiqda/invalid-guid", t)
	rd.warn(g, "%s has invalid guid %q; assigned one", path, raw)
	return g
}

// refGUID returns the canonical form of a referenced GUID, "" for an empty
// one, and for an invalid one the GUID defGUID assigns to it.
func (rd *reader) refGUID(raw string) string {
	if g, ok := canonicalGUID(raw); ok {
		return g
	}
	t := strings.TrimSpace(raw)
	if t == "" {
		return ""
	}
	return StableGUID("refiqda/invalid-guid", t)
}

func (rd *reader) refs(xs []xRef, path, owner string) []string {
	var out []string
	for i, x := range xs {
		g := rd.refGUID(x.TargetGUID)
		if g == "" {
			rd.warn(owner, "%s[%d] has no targetGUID; left out", path, i)
			continue
		}
		out = append(out, g)
	}
	return out
}

func (rd *reader) time(raw, what, owner string) time.Time {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return time.Time{}
	}
	t, ok := parseDateTime(raw)
	if !ok {
		rd.warn(owner, "%s %q is not a date and time in the years 1-9999; left out", what, raw)
		return time.Time{}
	}
	return t
}

// parseDateTime parses an xsd:dateTime; one without a time zone is taken as
// UTC. The result is in UTC, and must fall in the years 1 to 9999.
func parseDateTime(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			t = t.UTC()
			return t, validYear(t)
		}
	}
	return time.Time{}, false
}

// validYear reports whether t can be written as an xsd:dateTime that
// parseDateTime reads back.
func validYear(t time.Time) bool {
	y := t.UTC().Year()
	return y >= 1 && y <= 9999
}

func formatDateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func (rd *reader) project(x *xProject) (*Project, error) {
	p := &Project{
		Name:              x.Name,
		Origin:            x.Origin,
		CreatingUserGUID:  rd.refGUID(x.CreatingUserGUID),
		CreationDateTime:  rd.time(x.CreationDateTime, "Project creationDateTime", ""),
		ModifyingUserGUID: rd.refGUID(x.ModifyingUserGUID),
		ModifiedDateTime:  rd.time(x.ModifiedDateTime, "Project modifiedDateTime", ""),
		BasePath:          x.BasePath,
		Description:       x.Description,
		NoteRefs:          rd.refs(x.NoteRefs, "Project.NoteRefs", ""),
	}
	if x.Users != nil {
		for i, u := range x.Users.User {
			p.Users = append(p.Users, User{GUID: rd.defGUID(u.GUID, fmt.Sprintf("Users[%d]", i)), ID: u.ID, Name: u.Name})
		}
	}
	if x.CodeBook != nil {
		p.Codes = rd.codes(x.CodeBook.Codes.Code, "Codes")
	}
	if x.Variables != nil {
		for i, v := range x.Variables.Variable {
			path := fmt.Sprintf("Variables[%d]", i)
			g := rd.defGUID(v.GUID, path)
			t := VariableType(strings.TrimSpace(v.TypeOfVariable))
			if !knownType(t) {
				rd.warn(g, "%s: unknown typeOfVariable %q; kept as found", path, v.TypeOfVariable)
			}
			p.Variables = append(p.Variables, Variable{GUID: g, Name: v.Name, Type: t, Description: v.Description})
		}
	}
	if x.Cases != nil {
		for i, c := range x.Cases.Case {
			path := fmt.Sprintf("Cases[%d]", i)
			g := rd.defGUID(c.GUID, path)
			p.Cases = append(p.Cases, Case{
				GUID:          g,
				Name:          c.Name,
				Description:   c.Description,
				CodeRefs:      rd.refs(c.CodeRefs, path+".CodeRefs", g),
				Values:        rd.values(c.Values, path, g),
				SourceRefs:    rd.refs(c.SourceRefs, path+".SourceRefs", g),
				SelectionRefs: rd.refs(c.SelectionRefs, path+".SelectionRefs", g),
			})
		}
	}
	if x.Sources != nil {
		for i := range x.Sources.TextSource {
			s, ok, err := rd.textSource(&x.Sources.TextSource[i], fmt.Sprintf("Sources.TextSource[%d]", i), false)
			if err != nil {
				return nil, err
			}
			if ok {
				p.Sources = append(p.Sources, s)
			}
		}
		for _, k := range []struct {
			kind string
			xs   []xOtherSource
		}{
			{"PictureSource", x.Sources.PictureSource},
			{"PDFSource", x.Sources.PDFSource},
			{"AudioSource", x.Sources.AudioSource},
			{"VideoSource", x.Sources.VideoSource},
		} {
			for _, o := range k.xs {
				sel := len(o.PictureSelection) + len(o.PDFSelection) + len(o.AudioSelection) + len(o.VideoSelection)
				rd.rep.Skipped = append(rd.rep.Skipped, SkippedSource{
					Kind:       k.kind,
					GUID:       rd.refGUID(o.GUID),
					Name:       o.Name,
					Reason:     "only text sources are read",
					Selections: sel,
					Codings:    len(o.Coding),
				})
			}
		}
	}
	if x.Notes != nil {
		for i := range x.Notes.Note {
			n, _, err := rd.textSource(&x.Notes.Note[i], fmt.Sprintf("Notes[%d]", i), true)
			if err != nil {
				return nil, err
			}
			p.Notes = append(p.Notes, n)
		}
	}
	if x.Links != nil {
		for i, l := range x.Links.Link {
			path := fmt.Sprintf("Links[%d]", i)
			g := rd.defGUID(l.GUID, path)
			p.Links = append(p.Links, Link{
				GUID:       g,
				Name:       l.Name,
				Direction:  strings.TrimSpace(l.Direction),
				Color:      rd.color(l.Color, path, g),
				OriginGUID: rd.refGUID(l.OriginGUID),
				TargetGUID: rd.refGUID(l.TargetGUID),
				NoteRefs:   rd.refs(l.NoteRefs, path+".NoteRefs", g),
			})
		}
	}
	if x.Sets != nil {
		for i, s := range x.Sets.Set {
			path := fmt.Sprintf("Sets[%d]", i)
			g := rd.defGUID(s.GUID, path)
			p.Sets = append(p.Sets, Set{
				GUID:          g,
				Name:          s.Name,
				Description:   s.Description,
				MemberCodes:   rd.refs(s.MemberCodes, path+".MemberCodes", g),
				MemberSources: rd.refs(s.MemberSources, path+".MemberSources", g),
				MemberNotes:   rd.refs(s.MemberNotes, path+".MemberNotes", g),
			})
		}
	}
	if x.Graphs != nil && len(x.Graphs.Graph) > 0 {
		rd.warn("", "%s not read: graphs (visual maps) are not part of the model", plural(len(x.Graphs.Graph), "graph"))
	}
	// References to objects the file does not define (or that were
	// skipped) are kept, and reported.
	checkGUIDs(walkGUIDs(p), func(u guidUse, err error) {
		rd.warn(u.owner, "%s: %v", u.path, err)
	})
	return p, nil
}

func (rd *reader) codes(xs []xCode, path string) []Code {
	if len(xs) == 0 {
		return nil
	}
	out := make([]Code, 0, len(xs))
	for i, x := range xs {
		cp := fmt.Sprintf("%s[%d]", path, i)
		g := rd.defGUID(x.GUID, cp)
		out = append(out, Code{
			GUID:        g,
			Name:        x.Name,
			Color:       rd.color(x.Color, cp, g),
			Description: x.Description,
			IsCodable:   rd.boolAttr(x.IsCodable, cp+".isCodable", g),
			NoteRefs:    rd.refs(x.NoteRefs, cp+".NoteRefs", g),
			Children:    rd.codes(x.Code, cp+".Children"),
		})
	}
	return out
}

func (rd *reader) color(raw, path, owner string) string {
	if strings.TrimSpace(raw) == "" {
		return ""
	}
	c, ok := canonicalColor(raw)
	if !ok {
		rd.warn(owner, "%s: colour %q is not #RRGGBB; kept as found", path, raw)
		return raw
	}
	return c
}

// boolAttr reads a required xsd:boolean; a missing or odd one is true.
func (rd *reader) boolAttr(raw, path, owner string) bool {
	switch strings.TrimSpace(raw) {
	case "true", "1":
		return true
	case "false", "0":
		return false
	case "":
		rd.warn(owner, "%s missing; taken as true", path)
	default:
		rd.warn(owner, "%s %q is not a boolean; taken as true", path, raw)
	}
	return true
}

func (rd *reader) values(xs []xVariableValue, path, owner string) []VariableValue {
	var out []VariableValue
	for i, x := range xs {
		vp := fmt.Sprintf("%s.Values[%d]", path, i)
		v := VariableValue{VariableGUID: rd.refGUID(x.VariableRef.TargetGUID)}
		n := 0
		for _, c := range []struct {
			t VariableType
			s *string
		}{
			{VarText, x.TextValue}, {VarBoolean, x.BooleanValue}, {VarInteger, x.IntegerValue},
			{VarFloat, x.FloatValue}, {VarDate, x.DateValue}, {VarDateTime, x.DateTimeValue},
		} {
			if c.s == nil {
				continue
			}
			n++
			if n > 1 {
				rd.warn(owner, "%s has more than one value; kept the first (%s)", vp, v.Type)
				break
			}
			v.Type, v.Value = c.t, *c.s
			if c.t != VarText {
				v.Value = strings.TrimSpace(v.Value)
			}
		}
		if v.Type != "" && !validValue(v.Type, v.Value) {
			rd.warn(owner, "%s: %q is not a valid %s value; kept as found", vp, v.Value, v.Type)
		}
		if v.VariableGUID == "" {
			rd.warn(owner, "%s has no VariableRef", vp)
		}
		out = append(out, v)
	}
	return out
}

// textSource reads a TextSource or a Note. A source without plain text is
// skipped and reported; a note without text is kept with empty text. Only
// archive errors (a zip bomb) are returned as errors.
func (rd *reader) textSource(x *xTextSource, path string, note bool) (Source, bool, error) {
	g := rd.defGUID(x.GUID, path)
	s := Source{
		GUID:             g,
		Name:             x.Name,
		Description:      x.Description,
		RichTextPath:     x.RichTextPath,
		CreatingUser:     rd.refGUID(x.CreatingUser),
		CreationDateTime: rd.time(x.CreationDateTime, path+".creationDateTime", g),
		ModifyingUser:    rd.refGUID(x.ModifyingUser),
		ModifiedDateTime: rd.time(x.ModifiedDateTime, path+".modifiedDateTime", g),
		Codings:          rd.codings(x.Codings, path, g),
		NoteRefs:         rd.refs(x.NoteRefs, path+".NoteRefs", g),
		Values:           rd.values(x.Values, path, g),
	}
	text, reason, err := rd.sourceText(x, g)
	if err != nil {
		return s, false, err
	}
	if reason != "" {
		if !note {
			codings := len(x.Codings)
			for _, sel := range x.Selections {
				codings += len(sel.Codings)
			}
			rd.rep.Skipped = append(rd.rep.Skipped, SkippedSource{
				Kind: "TextSource", GUID: g, Name: x.Name, Reason: reason,
				Selections: len(x.Selections), Codings: codings,
			})
			return s, false, nil
		}
		rd.warn(g, "%s: note kept without text: %s", path, reason)
	}
	s.Text = text
	var m *offsetMap
	s.Normalized, m = normalize(text)
	unit := rd.rep.Positions
	var ux *utf16Index
	length := runeLen(text)
	if unit == PositionsUTF16 {
		ux = newUTF16Index(text)
		length = ux.len()
	}
	for i := range x.Selections {
		xs := &x.Selections[i]
		sp := fmt.Sprintf("%s.Selections[%d]", path, i)
		sg := rd.defGUID(xs.GUID, sp)
		sel := Selection{
			GUID:             sg,
			Name:             xs.Name,
			Description:      xs.Description,
			CreatingUser:     rd.refGUID(xs.CreatingUser),
			CreationDateTime: rd.time(xs.CreationDateTime, sp+".creationDateTime", sg),
			ModifyingUser:    rd.refGUID(xs.ModifyingUser),
			ModifiedDateTime: rd.time(xs.ModifiedDateTime, sp+".modifiedDateTime", sg),
			Codings:          rd.codings(xs.Codings, sp, sg),
			NoteRefs:         rd.refs(xs.NoteRefs, sp+".NoteRefs", sg),
		}
		start, err1 := parsePosition(xs.StartPosition)
		end, err2 := parsePosition(xs.EndPosition)
		sel.Start, sel.End = start, end
		reason := ""
		switch {
		case err1 != nil:
			reason = fmt.Sprintf("startPosition %q is not an integer", xs.StartPosition)
		case err2 != nil:
			reason = fmt.Sprintf("endPosition %q is not an integer", xs.EndPosition)
		case start == end && start >= 0 && end <= length:
			reason = fmt.Sprintf("empty range %d-%d", start, end)
		case start > end:
			reason = fmt.Sprintf("start %d after end %d", start, end)
		case start < 0 || end > length:
			reason = fmt.Sprintf("range %d-%d outside the text (0-%d in %s)", start, end, length, unit)
		}
		if reason != "" {
			rd.rep.BadSelections = append(rd.rep.BadSelections, BadSelection{
				SourceGUID: g, SourceName: x.Name, Selection: sel, Unit: unit, Length: length, Reason: reason,
			})
			continue
		}
		if ux != nil {
			cs, split1 := ux.codePoint(start)
			ce, split2 := ux.codePoint(end)
			if split2 {
				ce++
			}
			if split1 || split2 {
				rd.warn(sg, "%s: range %d-%d splits a surrogate pair; widened to whole characters", sp, start, end)
			}
			sel.Start, sel.End = cs, ce
		}
		sel.NormStart, sel.NormEnd = m.start(sel.Start), m.end(sel.End)
		s.Selections = append(s.Selections, sel)
	}
	return s, true, nil
}

func parsePosition(s string) (int, error) {
	return strconv.Atoi(strings.TrimSpace(s))
}

// sourceText finds the plain text of a text source: the file plainTextPath
// names, else PlainTextContent. It returns a reason when there is none.
func (rd *reader) sourceText(x *xTextSource, g string) (text, reason string, err error) {
	if x.PlainTextPath != "" {
		f, note, lerr := rd.a.lookup(x.PlainTextPath)
		if lerr == nil {
			data, err := rd.a.read(f)
			if err != nil {
				return "", "", err
			}
			if note != "" {
				rd.warn(g, "%s", note)
			}
			text, enc, dnote := decodeText(data)
			if dnote != "" {
				rd.warn(g, "%s (%s): %s", f.Name, enc, dnote)
			}
			if x.PlainTextContent != nil {
				rd.warn(g, "both plainTextPath and PlainTextContent given; used %s", f.Name)
			}
			return text, "", nil
		}
		if x.PlainTextContent != nil {
			rd.warn(g, "%v; used PlainTextContent", lerr)
			return *x.PlainTextContent, "", nil
		}
		return "", lerr.Error(), nil
	}
	if x.PlainTextContent != nil {
		return *x.PlainTextContent, "", nil
	}
	if x.RichTextPath != "" {
		return "", fmt.Sprintf("only rich text (%s) is given and rich text is not read; export the project with plain text", x.RichTextPath), nil
	}
	return "", "no text given (neither plainTextPath nor PlainTextContent)", nil
}

func (rd *reader) codings(xs []xCoding, path, owner string) []Coding {
	var out []Coding
	for i, x := range xs {
		cp := fmt.Sprintf("%s.Codings[%d]", path, i)
		g := rd.defGUID(x.GUID, cp)
		c := Coding{
			GUID:             g,
			CodeGUID:         rd.refGUID(x.CodeRef.TargetGUID),
			CreatingUser:     rd.refGUID(x.CreatingUser),
			CreationDateTime: rd.time(x.CreationDateTime, cp+".creationDateTime", g),
			NoteRefs:         rd.refs(x.NoteRefs, cp+".NoteRefs", g),
		}
		out = append(out, c)
	}
	return out
}

func knownType(t VariableType) bool {
	switch t {
	case VarText, VarBoolean, VarInteger, VarFloat, VarDate, VarDateTime:
		return true
	}
	return false
}

// validValue reports whether s is a valid lexical form of an XML Schema
// value of type t.
func validValue(t VariableType, s string) bool {
	switch t {
	case VarText:
		return true
	case VarBoolean:
		return s == "true" || s == "false" || s == "1" || s == "0"
	case VarInteger:
		return isInteger(s)
	case VarFloat: // xsd:decimal
		s = strings.TrimLeft(s, "+-")
		i := strings.IndexByte(s, '.')
		if i < 0 {
			return isDigits(s)
		}
		return (isDigits(s[:i]) || s[:i] == "") && (isDigits(s[i+1:]) || s[i+1:] == "") && len(s) > 1
	case VarDate:
		for _, layout := range []string{"2006-01-02", "2006-01-02Z07:00"} {
			if _, err := time.Parse(layout, s); err == nil {
				return true
			}
		}
		return false
	case VarDateTime:
		_, ok := parseDateTime(s)
		return ok
	}
	return false
}

func isInteger(s string) bool {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	return isDigits(s)
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}

// utf16Len returns the length of s in UTF-16 code units.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}
