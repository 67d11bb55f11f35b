package refiqda

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// span returns the code point range of the first occurrence of sub in text.
func span(text, sub string) (int, int) {
	i := strings.Index(text, sub)
	if i < 0 {
		panic("no " + sub)
	}
	start := runeLen(text[:i])
	return start, start + runeLen(sub)
}

// fullProject returns a synthetic project that uses every part of the
// model: Chinese, emoji, CRLF and combining marks in its texts.
func fullProject() *Project {
	g := func(k string) string { return StableGUID("refiqda-test", k) }
	t0 := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	text := "Interview 1\r\nA: 我们喜欢 😀 the café.\r\nB: Ça va e\u0301 👍🏽!\n"
	s1, e1 := span(text, "我们喜欢 😀")
	s2, e2 := span(text, "café.\r\nB")
	s3, e3 := span(text, "e\u0301 👍🏽")
	memo := "Memo: ask about 😀\r\nnext time."
	ms, me := span(memo, "😀")
	return &Project{
		Name:              "Test & <project>",
		Origin:            "something else",
		CreatingUserGUID:  g("u1"),
		CreationDateTime:  t0,
		ModifyingUserGUID: g("u2"),
		ModifiedDateTime:  t0.Add(time.Hour + 500*time.Millisecond),
		BasePath:          "/data/study",
		Description:       "A project\r\nwith \"quotes\" and\ttabs.",
		Users:             []User{{GUID: g("u1"), ID: "AN", Name: "Ana"}, {GUID: g("u2"), Name: "Bo Ζήτα"}},
		Codes: []Code{
			{GUID: g("c1"), Name: "Emotions", Color: "#FF0000", Description: "Feelings\nexpressed.", NoteRefs: []string{g("n1")}, Children: []Code{
				{GUID: g("c2"), Name: "Joy 😀", Color: "#00FF7F", IsCodable: true, Children: []Code{
					{GUID: g("c3"), Name: "Delight", IsCodable: true},
				}},
				{GUID: g("c4"), Name: "负面", IsCodable: true},
			}},
			{GUID: g("c5"), Name: "Places", IsCodable: true},
		},
		Variables: []Variable{
			{GUID: g("v1"), Name: "Age", Type: VarInteger, Description: "in years"},
			{GUID: g("v2"), Name: "Consent", Type: VarBoolean},
			{GUID: g("v3"), Name: "Score", Type: VarFloat},
			{GUID: g("v4"), Name: "Born", Type: VarDate},
			{GUID: g("v5"), Name: "Interviewed", Type: VarDateTime},
			{GUID: g("v6"), Name: "City", Type: VarText},
		},
		Cases: []Case{{
			GUID: g("case1"), Name: "Participant A", Description: "First.",
			CodeRefs: []string{g("c5")},
			Values: []VariableValue{
				{VariableGUID: g("v1"), Type: VarInteger, Value: "42"},
				{VariableGUID: g("v2"), Type: VarBoolean, Value: "true"},
				{VariableGUID: g("v3"), Type: VarFloat, Value: "3.25"},
				{VariableGUID: g("v4"), Type: VarDate, Value: "1982-03-04"},
				{VariableGUID: g("v5"), Type: VarDateTime, Value: "2024-05-06T07:08:09Z"},
				{VariableGUID: g("v6"), Type: VarText, Value: "Zürich "},
				{VariableGUID: g("v6")},
			},
			SourceRefs:    []string{g("s1")},
			SelectionRefs: []string{g("sel1")},
		}},
		Sources: []Source{
			{
				GUID: g("s1"), Name: "Interview 1", Description: "Transcript.", Text: text,
				RichTextPath: "internal://whatever.docx", // not written
				CreatingUser: g("u1"), CreationDateTime: t0, ModifyingUser: g("u2"), ModifiedDateTime: t0,
				Selections: []Selection{
					{GUID: g("sel1"), Name: "likes", Description: "quote", Start: s1, End: e1, CreatingUser: g("u1"), CreationDateTime: t0,
						Codings: []Coding{
							{GUID: g("cod1"), CodeGUID: g("c2"), CreatingUser: g("u1"), CreationDateTime: t0},
							{GUID: g("cod2"), CodeGUID: g("c3"), CreatingUser: g("u2"), CreationDateTime: t0, NoteRefs: []string{g("n2")}},
						},
						NoteRefs: []string{g("n1")}},
					{GUID: g("sel2"), Start: s2, End: e2, ModifyingUser: g("u2"), ModifiedDateTime: t0,
						Codings: []Coding{{GUID: g("cod3"), CodeGUID: g("c5")}}},
					{GUID: g("sel3"), Start: s3, End: e3, Codings: []Coding{{GUID: g("cod4"), CodeGUID: g("c4"), CreatingUser: g("u2")}}},
				},
				Codings:  []Coding{{GUID: g("cod5"), CodeGUID: g("c1"), CreatingUser: g("u1")}},
				NoteRefs: []string{g("n2")},
				Values:   []VariableValue{{VariableGUID: g("v6"), Type: VarText, Value: "Basel"}},
			},
			{GUID: g("s2"), Name: "Empty source"},
		},
		Notes: []Source{
			{GUID: g("n1"), Name: "Memo 1", Text: memo, CreatingUser: g("u1"), CreationDateTime: t0,
				Selections: []Selection{{GUID: g("nsel1"), Start: ms, End: me, Codings: []Coding{{GUID: g("cod6"), CodeGUID: g("c2")}}}}},
			{GUID: g("n2"), Name: "Memo 2", Text: "短い。"},
		},
		Links: []Link{{GUID: g("l1"), Name: "about", Direction: "OneWay", Color: "#123456", OriginGUID: g("case1"), TargetGUID: g("c1"), NoteRefs: []string{g("n2")}}},
		Sets: []Set{
			{GUID: g("set1"), Name: "Feelings", Description: "codes", MemberCodes: []string{g("c2"), g("c4")}},
			{GUID: g("set2"), Name: "Mixed", MemberSources: []string{g("s1")}, MemberNotes: []string{g("n1")}},
		},
		NoteRefs: []string{g("n1")},
	}
}

// golden compares got with testdata/write/<name>, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "write", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; run go test -update and review the diff", name)
	}
}

func TestWriteQDPX(t *testing.T) {
	p := fullProject()
	var buf bytes.Buffer
	if err := WriteQDPX(&buf, p); err != nil {
		t.Fatal(err)
	}
	archive := buf.Bytes()

	t.Run("Entries", func(t *testing.T) {
		zr, err := zip.NewReader(bytes.NewReader(archive), int64(len(archive)))
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, f := range zr.File {
			names = append(names, f.Name)
			if !f.Modified.Equal(zipTime) {
				t.Errorf("%s: modified %v", f.Name, f.Modified)
			}
		}
		want := []string{"project.qde"}
		for _, s := range append(append([]Source{}, p.Sources...), p.Notes...) {
			want = append(want, "sources/"+s.GUID+".txt")
		}
		if !reflect.DeepEqual(names, want) {
			t.Errorf("entries %v, want %v", names, want)
		}
		if got := zipEntry(t, archive, "sources/"+p.Sources[0].GUID+".txt"); string(got) != p.Sources[0].Text {
			t.Errorf("text file holds %q", got)
		}
	})
	t.Run("Schema", func(t *testing.T) {
		validateXML(t, filepath.Join(sharedData(t), "refi-tools", "Project.xsd"), zipEntry(t, archive, "project.qde"))
	})
	t.Run("Golden", func(t *testing.T) {
		golden(t, "full/project.qde", zipEntry(t, archive, "project.qde"))
	})
	t.Run("RoundTrip", func(t *testing.T) {
		q, rep, err := readQDPXBytes(archive, ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Warnings)+len(rep.BadSelections)+len(rep.Skipped) > 0 || rep.Positions != PositionsCodePoints {
			t.Errorf("report %+v", rep)
		}
		if q.Origin != WriterOrigin {
			t.Errorf("origin %q", q.Origin)
		}
		want := *p
		want.Origin = WriterOrigin
		want.Sources = withoutRichText(p.Sources)
		for _, ss := range [][]Source{want.Sources, want.Notes} {
			for i := range ss {
				s := &ss[i]
				var m *offsetMap
				s.Normalized, m = normalize(s.Text)
				sels := append([]Selection(nil), s.Selections...)
				for j := range sels {
					sels[j].NormStart, sels[j].NormEnd = m.start(sels[j].Start), m.end(sels[j].End)
				}
				s.Selections = sels
			}
		}
		compareProjects(t, &want, q)
		s := &q.Sources[0]
		for i, want := range []string{"我们喜欢 😀", "café.\nB", "é 👍🏽"} {
			if got := s.NormalizedQuote(&s.Selections[i]); got != want {
				t.Errorf("selection %d: normalised quote %q, want %q", i, got, want)
			}
		}
	})
	t.Run("Deterministic", func(t *testing.T) {
		var again bytes.Buffer
		if err := WriteQDPX(&again, fullProject()); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(archive, again.Bytes()) {
			t.Error("the same project wrote different bytes")
		}
	})
}

func TestWriteCanonicalGUIDs(t *testing.T) {
	p := fullProject()
	p.Codes[0].Children[0].GUID = "{" + strings.ToUpper(p.Codes[0].Children[0].GUID) + "}"
	p.Users[0].GUID = strings.ToUpper(p.Users[0].GUID)
	var buf bytes.Buffer
	if err := WriteQDPX(&buf, p); err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if err := WriteQDPX(&want, fullProject()); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), want.Bytes()) {
		t.Error("upper-case and braced GUIDs are not written canonical")
	}
}

func TestWriteQDPXErrors(t *testing.T) {
	tests := []struct {
		name   string
		change func(p *Project)
		want   error
		path   string
	}{
		{"ErrInvalidGUID", func(p *Project) { p.Codes[1].GUID = "code-5" }, ErrInvalidGUID, "Codes[1].GUID"},
		{"ErrInvalidGUID/Empty", func(p *Project) { p.Users[1].GUID = "" }, ErrInvalidGUID, "Users[1].GUID"},
		{"ErrDuplicateGUID", func(p *Project) { p.Codes[1].GUID = p.Codes[0].GUID }, ErrDuplicateGUID, "Codes[1].GUID"},
		{"ErrDanglingRef/Code", func(p *Project) { p.Sources[0].Selections[0].Codings[0].CodeGUID = StableGUID("x", "y") },
			ErrDanglingRef, "Sources[0].Selections[0].Codings[0].CodeGUID"},
		{"ErrDanglingRef/User", func(p *Project) { p.Sources[0].Selections[0].CreatingUser = StableGUID("x", "y") },
			ErrDanglingRef, "Sources[0].Selections[0].CreatingUser"},
		{"ErrDanglingRef/WrongKind", func(p *Project) { p.Cases[0].CodeRefs[0] = p.Users[0].GUID }, ErrDanglingRef, "Cases[0].CodeRefs[0]"},
		{"ErrSelectionRange/End", func(p *Project) { p.Sources[0].Selections[1].End = runeLen(p.Sources[0].Text) + 1 },
			ErrSelectionRange, "Sources[0].Selections[1]"},
		{"ErrSelectionRange/Empty", func(p *Project) { p.Notes[0].Selections[0].End = p.Notes[0].Selections[0].Start },
			ErrSelectionRange, "Notes[0].Selections[0]"},
		{"ErrInvalidColor", func(p *Project) { p.Codes[0].Color = "red" }, ErrInvalidColor, "Codes[0].Color"},
		{"ErrInvalidText/Control", func(p *Project) { p.Codes[1].Name = "a\x01b" }, ErrInvalidText, "Codes[1].Name"},
		{"ErrInvalidText/UTF8", func(p *Project) { p.Sources[1].Text = "\xff" }, ErrInvalidText, "Sources[1].Text"},
		{"ErrInvalidValue", func(p *Project) { p.Cases[0].Values[0].Value = "forty" }, ErrInvalidValue, "Cases[0].Values[0].Value"},
		{"ErrInvalidValue/TypeMismatch", func(p *Project) { p.Cases[0].Values[0].Type = VarText }, ErrInvalidValue, "Cases[0].Values[0].Type"},
		{"ErrInvalidValue/Direction", func(p *Project) { p.Links[0].Direction = "Sideways" }, ErrInvalidValue, "Links[0].Direction"},
		{"ErrInvalidValue/Year", func(p *Project) { p.CreationDateTime = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }, ErrInvalidValue, "CreationDateTime"},
		{"ErrInvalidVariable", func(p *Project) { p.Variables[0].Type = "Number" }, ErrInvalidVariable, "Variables[0].Type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := fullProject()
			tt.change(p)
			var buf bytes.Buffer
			err := WriteQDPX(&buf, p)
			var me *ModelError
			if !errors.Is(err, tt.want) || !errors.As(err, &me) {
				t.Fatalf("err = %v, want a *ModelError wrapping %v", err, tt.want)
			}
			if me.Path != tt.path {
				t.Errorf("Path = %q, want %q (%v)", me.Path, tt.path, err)
			}
			if buf.Len() != 0 {
				t.Error("wrote something despite the error")
			}
		})
	}
}

func fullCodebook() *Codebook {
	p := fullProject()
	return &Codebook{Origin: "x", Codes: p.Codes, Sets: p.Sets}
}

func TestWriteQDC(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteQDC(&buf, fullCodebook()); err != nil {
		t.Fatal(err)
	}
	t.Run("Schema", func(t *testing.T) {
		validateXML(t, filepath.Join(sharedData(t), "refi-tools", "Codebook.xsd"), buf.Bytes())
	})
	t.Run("Golden", func(t *testing.T) {
		golden(t, "codebook/codebook.qdc", buf.Bytes())
	})
	t.Run("RoundTrip", func(t *testing.T) {
		cb, err := ReadQDC(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		want := fullCodebook()
		want.Origin = WriterOrigin
		want.Codes[0].NoteRefs = nil // a codebook has no notes
		want.Sets = []Set{want.Sets[0], {GUID: want.Sets[1].GUID, Name: want.Sets[1].Name}}
		if !reflect.DeepEqual(cb, want) {
			t.Errorf("read back %+v\nwant %+v", cb, want)
		}
	})
	t.Run("Errors", func(t *testing.T) {
		tests := []struct {
			name   string
			change func(cb *Codebook)
			want   error
		}{
			{"ErrEmptyCodebook", func(cb *Codebook) { cb.Codes = nil }, ErrEmptyCodebook},
			{"ErrDuplicateGUID", func(cb *Codebook) { cb.Sets[0].GUID = cb.Codes[0].GUID }, ErrDuplicateGUID},
			{"ErrDanglingRef", func(cb *Codebook) { cb.Sets[0].MemberCodes[0] = StableGUID("x", "y") }, ErrDanglingRef},
			{"ErrInvalidColor", func(cb *Codebook) { cb.Codes[1].Color = "#12" }, ErrInvalidColor},
			{"ErrInvalidText", func(cb *Codebook) { cb.Sets[0].Name = "\x00" }, ErrInvalidText},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				cb := fullCodebook()
				tt.change(cb)
				var buf bytes.Buffer
				if err := WriteQDC(&buf, cb); !errors.Is(err, tt.want) || buf.Len() != 0 {
					t.Errorf("err = %v, want %v and no output", err, tt.want)
				}
			})
		}
	})
}

func TestStableGUID(t *testing.T) {
	a := StableGUID("code", "emotions")
	if a != StableGUID("code", "emotions") {
		t.Error("not stable")
	}
	// Pinned: changing the namespace changes every exported GUID.
	if want := "ff41ea98-7684-506b-9cf1-7cc03f1ff032"; a != want {
		t.Errorf("StableGUID = %s, want %s", a, want)
	}
	if g, ok := canonicalGUID(a); !ok || g != a || a[14] != '5' {
		t.Errorf("%s is not a canonical version 5 GUID", a)
	}
	if StableGUID("ab", "c") == StableGUID("a", "bc") || StableGUID("code", "x") == StableGUID("source", "x") {
		t.Error("namespace and key run together")
	}
}

// TestWriteQDPXUTF16 writes positions in UTF-16 code units, as NVivo's own
// exports count them, and checks them against an independent count (Go's
// utf16.Encode of the text before each position); reading the file back
// gives the code point positions written.
func TestWriteQDPXUTF16(t *testing.T) {
	text := "访谈 😀 one\n我们喜欢 👍🏽 two 𝄞 three"
	runes := []rune(text)
	sels := [][2]int{{0, 2}, {3, 4}, {5, 8}, {9, 13}, {14, 16}, {21, 22}, {23, len(runes)}}
	src := Source{GUID: StableGUID("t", "src"), Name: "s", Text: text}
	for i, s := range sels {
		src.Selections = append(src.Selections, Selection{GUID: StableGUID("t", fmt.Sprint("sel", i)), Start: s[0], End: s[1],
			Codings: []Coding{{GUID: StableGUID("t", fmt.Sprint("coding", i)), CodeGUID: StableGUID("t", "code")}}})
	}
	p := &Project{Name: "utf16", Codes: []Code{{GUID: StableGUID("t", "code"), Name: "c", IsCodable: true}}, Sources: []Source{src}}
	units := func(cp int) int { return len(utf16.Encode(runes[:cp])) }
	for _, tc := range []struct {
		name      string
		positions Positions
		want      func(int) int
	}{
		{"Default", "", func(cp int) int { return cp }},
		{"CodePoints", PositionsCodePoints, func(cp int) int { return cp }},
		{"UTF16", PositionsUTF16, units},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteQDPXWith(&buf, p, WriteOptions{Positions: tc.positions}); err != nil {
				t.Fatal(err)
			}
			var x xProject
			if err := xml.Unmarshal(zipEntry(t, buf.Bytes(), "project.qde"), &x); err != nil {
				t.Fatal(err)
			}
			got := x.Sources.TextSource[0].Selections
			if len(got) != len(sels) {
				t.Fatalf("%d selections, want %d", len(got), len(sels))
			}
			for i, s := range sels {
				ws, we := fmt.Sprint(tc.want(s[0])), fmt.Sprint(tc.want(s[1]))
				if got[i].StartPosition != ws || got[i].EndPosition != we {
					t.Errorf("selection %d (%q): %s-%s, want %s-%s", i, string(runes[s[0]:s[1]]), got[i].StartPosition, got[i].EndPosition, ws, we)
				}
			}
			q, rep, err := readQDPXBytes(buf.Bytes(), ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Warnings)+len(rep.BadSelections) > 0 {
				t.Errorf("report %+v", rep)
			}
			for i, s := range sels {
				if sel := q.Sources[0].Selections[i]; sel.Start != s[0] || sel.End != s[1] {
					t.Errorf("read back: selection %d at %d-%d, want %d-%d", i, sel.Start, sel.End, s[0], s[1])
				}
			}
			// The file is still valid against the schema.
			validateXML(t, filepath.Join(sharedData(t), "refi-tools", "Project.xsd"), zipEntry(t, buf.Bytes(), "project.qde"))
		})
	}
	var buf bytes.Buffer
	if err := WriteQDPXWith(&buf, p, WriteOptions{Positions: "bytes"}); err == nil {
		t.Error("WriteOptions.Positions \"bytes\": no error")
	}
}
