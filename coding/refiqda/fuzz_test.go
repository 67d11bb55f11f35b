package refiqda

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzReadQDPX builds small archives from a project document and a text
// file and reads them. ReadQDPX must never panic; every error must be a
// *ReadError; every selection it returns must lie inside its text; and a
// project it returns that WriteQDPX accepts must read back the same.
func FuzzReadQDPX(f *testing.F) {
	text := "a😀b\r\nc中 e\u0301"
	f.Add(qde("NVivo for Windows 12.6", textSource(gSrc, `plainTextPath="internal://x.txt"`, "", 1, 7)), "Sources/x.txt", []byte("\xEF\xBB\xBF"+text))
	f.Add(qde("qc", textSource(gSrc, `plainTextPath="x.txt"`, "", 0, 3)), "sources/x.txt", []byte(text))
	f.Add(qde("x", textSource(gSrc, "", "<PlainTextContent>inline &#xD;&#xA; text</PlainTextContent>", 2, 9)), "", []byte(nil))
	f.Add(qde("NVivo", textSource(gSrc, `plainTextPath="internal://x.txt"`, "", 0, 4)), "sources/x.txt", []byte(utf16LEWithBOM(text)))
	f.Add(qde("x", textSource(gSrc, `richTextPath="internal://x.docx"`, "", 0, 1)), "x.docx", []byte("PK"))
	f.Add(qde("x", "")[:100], "", []byte(nil))
	var full bytes.Buffer
	if err := WriteQDPX(&full, fullProject()); err != nil {
		f.Fatal(err)
	}
	f.Add(string(zipEntry(f, full.Bytes(), "project.qde")), "sources/"+fullProject().Sources[0].GUID+".txt", []byte(fullProject().Sources[0].Text))
	f.Fuzz(func(t *testing.T, doc, name string, text []byte) {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for _, e := range [][2]string{{"project.qde", doc}, {name, string(text)}} {
			if w, err := zw.Create(e[0]); err == nil {
				w.Write([]byte(e[1])) // fails for a directory name: fine
			}
		}
		zw.Close()
		readAndRoundTrip(t, buf.Bytes())
	})
}

// FuzzReadQDPXArchive feeds ReadQDPX raw archive bytes.
func FuzzReadQDPXArchive(f *testing.F) {
	f.Add(buildZip(f, [2]string{"project.qde", qde("NVivo", textSource(gSrc, `plainTextPath="internal://x.txt"`, "", 0, 4))}, [2]string{"sources/x.txt", "a😀b\r\nc"}))
	f.Add(buildZip(f, [2]string{"sources/../x", ""}))
	var full bytes.Buffer
	if err := WriteQDPX(&full, fullProject()); err != nil {
		f.Fatal(err)
	}
	f.Add(full.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		readAndRoundTrip(t, data)
	})
}

func readAndRoundTrip(t *testing.T, data []byte) {
	opt := ReadOptions{MaxEntrySize: 1 << 20, MaxTotalSize: 4 << 20, MaxEntries: 100}
	p, _, err := readQDPXBytes(data, opt)
	if err != nil {
		var re *ReadError
		if !errors.As(err, &re) {
			t.Fatalf("error %T is not a *ReadError: %v", err, err)
		}
		return
	}
	checkInRange(t, p)
	var buf bytes.Buffer
	if err := WriteQDPX(&buf, p); err != nil {
		var me *ModelError
		if !errors.As(err, &me) {
			t.Fatalf("WriteQDPX error %T: %v", err, err)
		}
		return
	}
	q, rep2, err := readQDPXBytes(buf.Bytes(), ReadOptions{})
	if err != nil {
		t.Fatalf("reading back: %v", err)
	}
	if len(rep2.Warnings)+len(rep2.BadSelections)+len(rep2.Skipped) > 0 {
		t.Fatalf("reading back: %v %v %v", rep2.Warnings, rep2.BadSelections, rep2.Skipped)
	}
	compareProjects(t, p, q)
}

// checkInRange checks the selections of p against their texts.
func checkInRange(t *testing.T, p *Project) {
	t.Helper()
	for _, ss := range [][]Source{p.Sources, p.Notes} {
		for _, s := range ss {
			if !utf8.ValidString(s.Text) {
				t.Fatalf("source %s: invalid UTF-8 text", s.GUID)
			}
			n, nn := runeLen(s.Text), runeLen(s.Normalized)
			for _, sel := range s.Selections {
				if sel.Start < 0 || sel.Start >= sel.End || sel.End > n || sel.NormStart < 0 || sel.NormStart >= sel.NormEnd || sel.NormEnd > nn {
					t.Fatalf("selection %s: %d-%d (normalised %d-%d) in text of %d (%d)", sel.GUID, sel.Start, sel.End, sel.NormStart, sel.NormEnd, n, nn)
				}
			}
		}
	}
}

// pieces are the bits generated texts are made of.
var pieces = []string{"a", "word ", "中文", "😀", "\r\n", "\n", "\r", "e\u0301", "Å", "👍🏽", "\u1100\u1161", "\t", " ", "ﬁ", "&<>\"'"}

// genProject builds a random valid project from r; extra is mixed into
// texts and names when it is valid UTF-8.
func genProject(r *rand.Rand, extra string) *Project {
	if !utf8.ValidString(extra) || !validXMLString(extra) {
		extra = "x"
	}
	n := 0
	guid := func() string { n++; return StableGUID("fuzz", fmt.Sprint(n)) }
	str := func(max int) string {
		var b strings.Builder
		for i := r.IntN(max + 1); i > 0; i-- {
			if r.IntN(8) == 0 {
				b.WriteString(extra)
			} else {
				b.WriteString(pieces[r.IntN(len(pieces))])
			}
		}
		return b.String()
	}
	when := func() time.Time {
		if r.IntN(3) == 0 {
			return time.Time{}
		}
		return time.Unix(r.Int64N(4e9), r.Int64N(1e9)).UTC()
	}
	p := &Project{Name: str(3), Description: str(2)}
	for i := r.IntN(3) + 1; i > 0; i-- {
		p.Users = append(p.Users, User{GUID: guid(), Name: str(2)})
	}
	user := func() string {
		if r.IntN(4) == 0 {
			return ""
		}
		return p.Users[r.IntN(len(p.Users))].GUID
	}
	var codes []string
	var gen func(depth int) []Code
	gen = func(depth int) []Code {
		var cs []Code
		for i := r.IntN(3) + 1; i > 0 && depth < 4; i-- {
			c := Code{GUID: guid(), Name: str(2), Description: str(2), IsCodable: r.IntN(2) == 0}
			if r.IntN(2) == 0 {
				c.Color = fmt.Sprintf("#%06X", r.IntN(1<<24))
			}
			codes = append(codes, c.GUID)
			if r.IntN(2) == 0 {
				c.Children = gen(depth + 1)
			}
			cs = append(cs, c)
		}
		return cs
	}
	p.Codes = gen(0)
	codings := func() []Coding {
		var cs []Coding
		for i := r.IntN(3); i > 0; i-- {
			cs = append(cs, Coding{GUID: guid(), CodeGUID: codes[r.IntN(len(codes))], CreatingUser: user(), CreationDateTime: when()})
		}
		return cs
	}
	for i := r.IntN(3) + 1; i > 0; i-- {
		s := Source{GUID: guid(), Name: str(2), Text: str(30), CreatingUser: user(), CreationDateTime: when()}
		if l := runeLen(s.Text); l > 0 {
			for j := r.IntN(5); j > 0; j-- {
				a, b := r.IntN(l), r.IntN(l)+1
				if a >= b {
					a, b = b-1, a+1
				}
				s.Selections = append(s.Selections, Selection{
					GUID: guid(), Name: str(1), Start: a, End: b, CreatingUser: user(), CreationDateTime: when(), Codings: codings(),
				})
			}
		}
		s.Codings = codings()
		p.Sources = append(p.Sources, s)
	}
	if r.IntN(2) == 0 {
		p.Notes = append(p.Notes, Source{GUID: guid(), Name: "memo", Text: str(10)})
		p.Codes[0].NoteRefs = []string{p.Notes[0].GUID}
	}
	if r.IntN(2) == 0 {
		v := Variable{GUID: guid(), Name: str(1), Type: VarText}
		p.Variables = append(p.Variables, v)
		p.Cases = append(p.Cases, Case{GUID: guid(), Name: str(1), SourceRefs: []string{p.Sources[0].GUID},
			Values: []VariableValue{{VariableGUID: v.GUID, Type: VarText, Value: str(3)}}})
	}
	if r.IntN(2) == 0 {
		p.Sets = append(p.Sets, Set{GUID: guid(), Name: str(1), MemberCodes: codes[:1], MemberSources: []string{p.Sources[0].GUID}})
	}
	return p
}

// FuzzRoundTrip writes generated projects, texts full of Chinese, emoji,
// CRLF and combining marks, and reads them back.
func FuzzRoundTrip(f *testing.F) {
	f.Add(uint64(1), uint64(2), "")
	f.Add(uint64(3), uint64(4), "中文😀\r\n")
	f.Add(uint64(5), uint64(6), "e\u0301\r")
	f.Fuzz(func(t *testing.T, s1, s2 uint64, extra string) {
		p := genProject(rand.New(rand.NewPCG(s1, s2)), extra)
		var buf bytes.Buffer
		if err := WriteQDPX(&buf, p); err != nil {
			t.Fatalf("WriteQDPX: %v", err)
		}
		q, rep, err := readQDPXBytes(buf.Bytes(), ReadOptions{})
		if err != nil {
			t.Fatalf("ReadQDPX: %v", err)
		}
		if len(rep.Warnings)+len(rep.BadSelections)+len(rep.Skipped) > 0 {
			t.Fatalf("report: %v %v %v", rep.Warnings, rep.BadSelections, rep.Skipped)
		}
		checkInRange(t, q)
		// The generator leaves the normalised form to the reader.
		for _, ss := range [][]Source{q.Sources, q.Notes} {
			for i := range ss {
				ss[i].Normalized = ""
				for j := range ss[i].Selections {
					ss[i].Selections[j].NormStart, ss[i].Selections[j].NormEnd = 0, 0
				}
			}
		}
		p.Origin = q.Origin
		compareProjects(t, p, q)
		var again bytes.Buffer
		if err := WriteQDPX(&again, q); err != nil || !bytes.Equal(again.Bytes(), buf.Bytes()) {
			t.Fatalf("writing the read-back project: %v, same bytes %v", err, bytes.Equal(again.Bytes(), buf.Bytes()))
		}
	})
}

// TestSchemaGenerated validates a few generated projects against the schema.
func TestSchemaGenerated(t *testing.T) {
	xsd := sharedData(t) + "/refi-tools/Project.xsd"
	for seed := uint64(0); seed < 5; seed++ {
		var buf bytes.Buffer
		if err := WriteQDPX(&buf, genProject(rand.New(rand.NewPCG(seed, seed)), "中文😀\r\n")); err != nil {
			t.Fatal(err)
		}
		validateXML(t, xsd, zipEntry(t, buf.Bytes(), "project.qde"))
	}
}
