package refiqda

import (
	"archive/zip"
	"encoding/xml"
	"fmt"
	"io"
	"time"
	"unicode/utf8"
)

// zipTime is the modification time of every entry written, so that the same
// project always gives the same bytes.
var zipTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// WriteQDPX writes p to w as a REFI-QDA project archive: project.qde, valid
// against the schema of urn:QDA-XML:project:1.0, and for every source and
// note a UTF-8 text file without byte order mark, sources/GUID.txt, referred
// to as internal://GUID.txt. Selection positions are code points of
// Source.Text, as the standard says; Normalized, NormStart, NormEnd and
// RichTextPath are not written, and the origin written is WriterOrigin.
// WriteQDPXWith can write positions as NVivo counts them.
//
// The output is deterministic: the same project gives the same bytes. GUIDs
// are written lower case without braces.
//
// WriteQDPX checks p first and writes nothing when it is not valid: it
// returns a *ModelError wrapping ErrInvalidGUID, ErrDuplicateGUID,
// ErrDanglingRef (a coding's code, a creating user, a note... that p does
// not define), ErrSelectionRange, ErrInvalidColor, ErrInvalidText,
// ErrInvalidVariable or ErrInvalidValue. Errors from w are returned as they
// are.
func WriteQDPX(w io.Writer, p *Project) error {
	return WriteQDPXWith(w, p, WriteOptions{})
}

// WriteOptions configure WriteQDPXWith.
type WriteOptions struct {
	// Positions is how selection positions are counted in the file:
	// PositionsCodePoints (or empty, or PositionsAuto), as the standard
	// says, or PositionsUTF16, UTF-16 code units of the text file as
	// written (no byte order mark, a CRLF two units), as NVivo counts them
	// in its own exports. Selection Start and End in the model are code
	// points either way. With PositionsUTF16 the origin written is
	// WriterOriginUTF16, which ReadQDPX recognises.
	Positions Positions
}

// WriteQDPXWith writes p to w as WriteQDPX does, with the options o. It
// returns an error naming the option when o is not valid.
func WriteQDPXWith(w io.Writer, p *Project, o WriteOptions) error {
	b := &builder{}
	switch o.Positions {
	case "", PositionsAuto, PositionsCodePoints:
	case PositionsUTF16:
		b.utf16 = true
	default:
		return fmt.Errorf("refiqda: WriteOptions.Positions %q: want codepoints or utf16", o.Positions)
	}
	checkGUIDs(walkGUIDs(p), func(u guidUse, err error) { b.fail(u.path, u.owner, err) })
	if b.err != nil {
		return b.err
	}
	x, files := b.project(p)
	if b.err != nil {
		return b.err
	}
	zw := zip.NewWriter(w)
	f, err := zw.CreateHeader(&zip.FileHeader{Name: "project.qde", Method: zip.Deflate, Modified: zipTime})
	if err != nil {
		return err
	}
	if err := writeXML(f, x); err != nil {
		return err
	}
	for _, tf := range files {
		f, err := zw.CreateHeader(&zip.FileHeader{Name: "sources/" + tf.name, Method: zip.Deflate, Modified: zipTime})
		if err != nil {
			return err
		}
		if _, err := io.WriteString(f, tf.text); err != nil {
			return err
		}
	}
	if len(p.Extension) > 0 {
		f, err := zw.CreateHeader(&zip.FileHeader{Name: ExtensionEntry, Method: zip.Deflate, Modified: zipTime})
		if err != nil {
			return err
		}
		if _, err := f.Write(p.Extension); err != nil {
			return err
		}
	}
	return zw.Close()
}

// WriteQDC writes cb to w as a REFI-QDA codebook, valid against the schema
// of urn:QDA-XML:codebook:1.0. The schema has no notes, so code NoteRefs are
// left out, and a set's members other than codes. The origin written is
// WriterOrigin.
//
// It returns a *ModelError wrapping ErrEmptyCodebook, ErrInvalidGUID,
// ErrDuplicateGUID, ErrDanglingRef, ErrInvalidColor or ErrInvalidText when
// cb cannot be written, and writes nothing then.
func WriteQDC(w io.Writer, cb *Codebook) error {
	b := &builder{}
	if len(cb.Codes) == 0 {
		return &ModelError{Path: "Codes", Err: ErrEmptyCodebook}
	}
	// Check GUIDs as a project holding only the codes and sets would.
	p := &Project{Codes: cb.Codes}
	for _, s := range cb.Sets {
		p.Sets = append(p.Sets, Set{GUID: s.GUID, MemberCodes: s.MemberCodes})
	}
	checkGUIDs(walkGUIDs(p), func(u guidUse, err error) {
		if u.kind != kindNote { // code NoteRefs are not written
			b.fail(u.path, u.owner, err)
		}
	})
	if b.err != nil {
		return b.err
	}
	x := &xCodebookDoc{
		XMLName: xml.Name{Space: codebookNS, Local: "CodeBook"},
		Origin:  WriterOrigin,
		Codes:   xCodes{Code: b.codes("Codes", cb.Codes, false)},
	}
	if len(cb.Sets) > 0 {
		x.Sets = &xQDCSets{}
		for i, s := range cb.Sets {
			path := fmt.Sprintf("Sets[%d]", i)
			xs := xQDCSet{
				GUID:        b.guid(s.GUID),
				Name:        b.str(path+".Name", s.GUID, s.Name),
				Description: b.str(path+".Description", s.GUID, s.Description),
			}
			for _, m := range s.MemberCodes {
				xs.MemberCodes = append(xs.MemberCodes, xMemberRef{GUID: b.guid(m)})
			}
			x.Sets.Set = append(x.Sets.Set, xs)
		}
	}
	if b.err != nil {
		return b.err
	}
	return writeXML(w, x)
}

func writeXML(w io.Writer, v any) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// textFile is a text to write into the sources folder.
type textFile struct {
	name, text string
}

// builder turns a model into the x* types, keeping the first problem found.
type builder struct {
	err   error
	utf16 bool // write selection positions in UTF-16 code units
}

func (b *builder) fail(path, guid string, err error) {
	if b.err == nil {
		b.err = &ModelError{Path: path, GUID: guid, Err: err}
	}
}

func (b *builder) guid(s string) string {
	g, _ := canonicalGUID(s) // checkGUIDs has vetted every GUID
	return g
}

func (b *builder) guids(gs []string) []xRef {
	var out []xRef
	for _, g := range gs {
		out = append(out, xRef{TargetGUID: b.guid(g)})
	}
	return out
}

// str checks that s can be carried by XML.
func (b *builder) str(path, guid, s string) string {
	if !validXMLString(s) {
		b.fail(path, guid, ErrInvalidText)
	}
	return s
}

// time formats t, which must be zero or in the years 1 to 9999.
func (b *builder) time(path, guid string, t time.Time) string {
	if !t.IsZero() && !validYear(t) {
		b.fail(path, guid, fmt.Errorf("%w: %v is outside the years 1-9999", ErrInvalidValue, t))
	}
	return formatDateTime(t)
}

func (b *builder) color(path, guid, c string) string {
	if c == "" {
		return ""
	}
	cc, ok := canonicalColor(c)
	if !ok {
		b.fail(path, guid, fmt.Errorf("%w: %q", ErrInvalidColor, c))
	}
	return cc
}

// origin is the origin attribute written: it tells readers how positions
// count.
func (b *builder) origin() string {
	if b.utf16 {
		return WriterOriginUTF16
	}
	return WriterOrigin
}

func (b *builder) project(p *Project) (*xProject, []textFile) {
	x := &xProject{
		XMLName:           xml.Name{Space: projectNS, Local: "Project"},
		Name:              b.str("Name", "", p.Name),
		Origin:            b.origin(),
		CreatingUserGUID:  b.guid(p.CreatingUserGUID),
		CreationDateTime:  b.time("CreationDateTime", "", p.CreationDateTime),
		ModifyingUserGUID: b.guid(p.ModifyingUserGUID),
		ModifiedDateTime:  b.time("ModifiedDateTime", "", p.ModifiedDateTime),
		BasePath:          b.str("BasePath", "", p.BasePath),
		Description:       b.str("Description", "", p.Description),
		NoteRefs:          b.guids(p.NoteRefs),
	}
	if len(p.Users) > 0 {
		x.Users = &xUsers{}
		for i, u := range p.Users {
			path := fmt.Sprintf("Users[%d]", i)
			x.Users.User = append(x.Users.User, xUser{
				GUID: b.guid(u.GUID),
				Name: b.str(path+".Name", u.GUID, u.Name),
				ID:   b.str(path+".ID", u.GUID, u.ID),
			})
		}
	}
	if len(p.Codes) > 0 {
		x.CodeBook = &xCodeBook{Codes: xCodes{Code: b.codes("Codes", p.Codes, true)}}
	}
	types := make(map[string]VariableType)
	if len(p.Variables) > 0 {
		x.Variables = &xVariables{}
		for i, v := range p.Variables {
			path := fmt.Sprintf("Variables[%d]", i)
			if !knownType(v.Type) {
				b.fail(path+".Type", v.GUID, fmt.Errorf("%w: %q", ErrInvalidVariable, v.Type))
			}
			types[b.guid(v.GUID)] = v.Type
			x.Variables.Variable = append(x.Variables.Variable, xVariable{
				GUID:           b.guid(v.GUID),
				Name:           b.str(path+".Name", v.GUID, v.Name),
				TypeOfVariable: string(v.Type),
				Description:    b.str(path+".Description", v.GUID, v.Description),
			})
		}
	}
	if len(p.Cases) > 0 {
		x.Cases = &xCases{}
		for i, c := range p.Cases {
			path := fmt.Sprintf("Cases[%d]", i)
			x.Cases.Case = append(x.Cases.Case, xCase{
				GUID:          b.guid(c.GUID),
				Name:          b.str(path+".Name", c.GUID, c.Name),
				Description:   b.str(path+".Description", c.GUID, c.Description),
				CodeRefs:      b.guids(c.CodeRefs),
				Values:        b.values(path, c.GUID, c.Values, types),
				SourceRefs:    b.guids(c.SourceRefs),
				SelectionRefs: b.guids(c.SelectionRefs),
			})
		}
	}
	var files []textFile
	if len(p.Sources) > 0 {
		x.Sources = &xSources{}
		for i := range p.Sources {
			xs, f := b.textSource(fmt.Sprintf("Sources[%d]", i), &p.Sources[i], types)
			x.Sources.TextSource = append(x.Sources.TextSource, xs)
			files = append(files, f)
		}
	}
	if len(p.Notes) > 0 {
		x.Notes = &xNotes{}
		for i := range p.Notes {
			xs, f := b.textSource(fmt.Sprintf("Notes[%d]", i), &p.Notes[i], types)
			x.Notes.Note = append(x.Notes.Note, xs)
			files = append(files, f)
		}
	}
	if len(p.Links) > 0 {
		x.Links = &xLinks{}
		for i, l := range p.Links {
			path := fmt.Sprintf("Links[%d]", i)
			switch l.Direction {
			case "", "Associative", "OneWay", "Bidirectional":
			default:
				b.fail(path+".Direction", l.GUID, fmt.Errorf("%w: direction %q, want Associative, OneWay or Bidirectional", ErrInvalidValue, l.Direction))
			}
			x.Links.Link = append(x.Links.Link, xLink{
				GUID:       b.guid(l.GUID),
				Name:       b.str(path+".Name", l.GUID, l.Name),
				Direction:  l.Direction,
				Color:      b.color(path+".Color", l.GUID, l.Color),
				OriginGUID: b.guid(l.OriginGUID),
				TargetGUID: b.guid(l.TargetGUID),
				NoteRefs:   b.guids(l.NoteRefs),
			})
		}
	}
	if len(p.Sets) > 0 {
		x.Sets = &xSets{}
		for i, s := range p.Sets {
			path := fmt.Sprintf("Sets[%d]", i)
			x.Sets.Set = append(x.Sets.Set, xSet{
				GUID:          b.guid(s.GUID),
				Name:          b.str(path+".Name", s.GUID, s.Name),
				Description:   b.str(path+".Description", s.GUID, s.Description),
				MemberCodes:   b.guids(s.MemberCodes),
				MemberSources: b.guids(s.MemberSources),
				MemberNotes:   b.guids(s.MemberNotes),
			})
		}
	}
	return x, files
}

func (b *builder) codes(path string, cs []Code, notes bool) []xCode {
	var out []xCode
	for i, c := range cs {
		cp := fmt.Sprintf("%s[%d]", path, i)
		xc := xCode{
			GUID:        b.guid(c.GUID),
			Name:        b.str(cp+".Name", c.GUID, c.Name),
			IsCodable:   fmt.Sprint(c.IsCodable),
			Color:       b.color(cp+".Color", c.GUID, c.Color),
			Description: b.str(cp+".Description", c.GUID, c.Description),
			Code:        b.codes(cp+".Children", c.Children, notes),
		}
		if notes {
			xc.NoteRefs = b.guids(c.NoteRefs)
		}
		out = append(out, xc)
	}
	return out
}

func (b *builder) values(path, owner string, vs []VariableValue, types map[string]VariableType) []xVariableValue {
	var out []xVariableValue
	for i, v := range vs {
		vp := fmt.Sprintf("%s.Values[%d]", path, i)
		xv := xVariableValue{VariableRef: xRef{TargetGUID: b.guid(v.VariableGUID)}}
		if v.Type != "" {
			if t := types[b.guid(v.VariableGUID)]; t != v.Type {
				b.fail(vp+".Type", owner, fmt.Errorf("%w: a %s value for a %s variable", ErrInvalidValue, v.Type, t))
			}
			if !validValue(v.Type, v.Value) {
				b.fail(vp+".Value", owner, fmt.Errorf("%w: %q is not a %s", ErrInvalidValue, v.Value, v.Type))
			}
			val := b.str(vp+".Value", owner, v.Value)
			switch v.Type {
			case VarText:
				xv.TextValue = &val
			case VarBoolean:
				xv.BooleanValue = &val
			case VarInteger:
				xv.IntegerValue = &val
			case VarFloat:
				xv.FloatValue = &val
			case VarDate:
				xv.DateValue = &val
			case VarDateTime:
				xv.DateTimeValue = &val
			}
		}
		out = append(out, xv)
	}
	return out
}

func (b *builder) textSource(path string, s *Source, types map[string]VariableType) (xTextSource, textFile) {
	g := b.guid(s.GUID)
	if !utf8.ValidString(s.Text) {
		b.fail(path+".Text", s.GUID, ErrInvalidText)
	}
	n := runeLen(s.Text)
	pos := func(cp int) string { return fmt.Sprint(cp) }
	if b.utf16 {
		ux := newUTF16Index(s.Text)
		pos = func(cp int) string { return fmt.Sprint(ux.unit(cp)) }
	}
	x := xTextSource{
		GUID:             g,
		Name:             b.str(path+".Name", s.GUID, s.Name),
		PlainTextPath:    "internal://" + g + ".txt",
		CreatingUser:     b.guid(s.CreatingUser),
		CreationDateTime: b.time(path+".CreationDateTime", s.GUID, s.CreationDateTime),
		ModifyingUser:    b.guid(s.ModifyingUser),
		ModifiedDateTime: b.time(path+".ModifiedDateTime", s.GUID, s.ModifiedDateTime),
		Description:      b.str(path+".Description", s.GUID, s.Description),
		Codings:          b.codings(path, s.Codings),
		NoteRefs:         b.guids(s.NoteRefs),
		Values:           b.values(path, s.GUID, s.Values, types),
	}
	for i, sel := range s.Selections {
		sp := fmt.Sprintf("%s.Selections[%d]", path, i)
		if sel.Start < 0 || sel.Start >= sel.End || sel.End > n {
			b.fail(sp, sel.GUID, fmt.Errorf("%w: %d-%d, text has %d", ErrSelectionRange, sel.Start, sel.End, n))
		}
		x.Selections = append(x.Selections, xSelection{
			GUID:             b.guid(sel.GUID),
			Name:             b.str(sp+".Name", sel.GUID, sel.Name),
			StartPosition:    pos(sel.Start),
			EndPosition:      pos(sel.End),
			CreatingUser:     b.guid(sel.CreatingUser),
			CreationDateTime: b.time(sp+".CreationDateTime", sel.GUID, sel.CreationDateTime),
			ModifyingUser:    b.guid(sel.ModifyingUser),
			ModifiedDateTime: b.time(sp+".ModifiedDateTime", sel.GUID, sel.ModifiedDateTime),
			Description:      b.str(sp+".Description", sel.GUID, sel.Description),
			Codings:          b.codings(sp, sel.Codings),
			NoteRefs:         b.guids(sel.NoteRefs),
		})
	}
	return x, textFile{name: g + ".txt", text: s.Text}
}

func (b *builder) codings(path string, cs []Coding) []xCoding {
	var out []xCoding
	for i, c := range cs {
		out = append(out, xCoding{
			GUID:             b.guid(c.GUID),
			CreatingUser:     b.guid(c.CreatingUser),
			CreationDateTime: b.time(fmt.Sprintf("%s.Codings[%d].CreationDateTime", path, i), c.GUID, c.CreationDateTime),
			CodeRef:          xRef{TargetGUID: b.guid(c.CodeGUID)},
			NoteRefs:         b.guids(c.NoteRefs),
		})
	}
	return out
}

// validXMLString reports whether s is valid UTF-8 made of characters XML
// 1.0 allows.
func validXMLString(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		switch {
		case r == 0x09 || r == 0x0A || r == 0x0D:
		case r >= 0x20 && r <= 0xD7FF:
		case r >= 0xE000 && r <= 0xFFFD:
		case r >= 0x10000 && r <= 0x10FFFF:
		default:
			return false
		}
	}
	return true
}
