package refiqda

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"hash/crc32"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"
)

// GUIDs of the synthetic projects.
const (
	gUser  = "0a000000-0000-4000-8000-000000000001"
	gCode  = "0a000000-0000-4000-8000-000000000002"
	gCode2 = "0a000000-0000-4000-8000-000000000003"
	gSrc   = "0a000000-0000-4000-8000-000000000010"
	gSrc2  = "0a000000-0000-4000-8000-000000000011"
	gSel   = "0a000000-0000-4000-8000-000000000020"
	gSel2  = "0a000000-0000-4000-8000-000000000021"
	gSel3  = "0a000000-0000-4000-8000-000000000022"
	gCod   = "0a000000-0000-4000-8000-000000000030"
	gCod2  = "0a000000-0000-4000-8000-000000000031"
)

// qde returns a project document from origin holding one user, two codes
// and the given sources.
func qde(origin, sources string) string {
	return `<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="test" origin="` + origin + `">
<Users><User guid="` + gUser + `" name="ana"/></Users>
<CodeBook><Codes><Code guid="` + gCode + `" name="parent" isCodable="false" color="#abc"><Description>d</Description>` +
		`<Code guid="` + gCode2 + `" name="child" isCodable="true" color="#00ff7f"/></Code></Codes></CodeBook>
<Sources>` + sources + `</Sources>
</Project>`
}

// textSource returns a TextSource element with attrs and one selection
// [start, end) coded with gCode2 by gUser.
func textSource(guid, attrs, content string, start, end int) string {
	return `<TextSource guid="` + guid + `" name="s-` + guid[len(guid)-2:] + `" ` + attrs + `>` + content +
		`<PlainTextSelection guid="` + strings.Replace(guid, "-000000000", "-00000000a", 1) + `" startPosition="` + itoa(start) + `" endPosition="` + itoa(end) + `" creatingUser="` + gUser + `">` +
		`<Coding guid="` + strings.Replace(guid, "-000000000", "-00000000b", 1) + `" creatingUser="` + gUser + `"><CodeRef targetGUID="` + gCode2 + `"/></Coding>` +
		`</PlainTextSelection></TextSource>`
}

func itoa(i int) string { return strconv.Itoa(i) }

func utf16LEWithBOM(s string) string {
	b := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return string(b)
}

func TestReadHostile(t *testing.T) {
	minimal := qde("test", "")
	zeros := strings.Repeat("\x00", 16<<20)
	tests := []struct {
		name    string
		archive func(t *testing.T) []byte
		opt     ReadOptions
		want    error
		entry   string // expected ReadError.Entry
	}{
		{"ErrUnsafePath/DotDot", func(t *testing.T) []byte {
			return buildZip(t, [2]string{"project.qde", minimal}, [2]string{"sources/../../evil.txt", "x"})
		}, ReadOptions{}, ErrUnsafePath, "sources/../../evil.txt"},
		{"ErrUnsafePath/Absolute", func(t *testing.T) []byte {
			return buildZip(t, [2]string{"project.qde", minimal}, [2]string{"/etc/evil", "x"})
		}, ReadOptions{}, ErrUnsafePath, "/etc/evil"},
		{"ErrUnsafePath/Backslash", func(t *testing.T) []byte {
			return buildZip(t, [2]string{"project.qde", minimal}, [2]string{`sources\..\..\evil.txt`, "x"})
		}, ReadOptions{}, ErrUnsafePath, `sources\..\..\evil.txt`},
		{"ErrUnsafePath/Drive", func(t *testing.T) []byte {
			return buildZip(t, [2]string{"project.qde", minimal}, [2]string{`C:\evil.txt`, "x"})
		}, ReadOptions{}, ErrUnsafePath, `C:\evil.txt`},
		{"ErrTooManyEntries", func(t *testing.T) []byte {
			return buildZip(t, [2]string{"project.qde", minimal}, [2]string{"a", ""}, [2]string{"b", ""}, [2]string{"c", ""})
		}, ReadOptions{MaxEntries: 3}, ErrTooManyEntries, ""},
		{"ErrCompression/Text", func(t *testing.T) []byte {
			return buildZip(t, [2]string{"project.qde", qde("test", textSource(gSrc, `plainTextPath="internal://bomb.txt"`, "", 0, 1))},
				[2]string{"sources/bomb.txt", zeros})
		}, ReadOptions{}, ErrCompression, "sources/bomb.txt"},
		{"ErrCompression/Project", func(t *testing.T) []byte {
			return buildZip(t, [2]string{"project.qde", minimal[:60] + strings.Repeat(" ", 16<<20) + minimal[60:]})
		}, ReadOptions{}, ErrCompression, "project.qde"},
		{"ErrTooLarge/Entry", func(t *testing.T) []byte {
			return buildZip(t, [2]string{"project.qde", minimal})
		}, ReadOptions{MaxEntrySize: 100}, ErrTooLarge, "project.qde"},
		{"ErrTooLarge/Total", func(t *testing.T) []byte {
			return buildZip(t, [2]string{"project.qde", qde("test",
				textSource(gSrc, `plainTextPath="internal://a.txt"`, "", 0, 1)+textSource(gSrc2, `plainTextPath="internal://b.txt"`, "", 0, 1))},
				[2]string{"sources/a.txt", strings.Repeat("a", 3000)}, [2]string{"sources/b.txt", strings.Repeat("b", 3000)})
		}, ReadOptions{MaxEntrySize: 4000, MaxTotalSize: 4000 + len64(qde("test", "")) + 1000}, ErrTooLarge, "sources/b.txt"},
		{"ErrFormat/HeaderUnderstates", func(t *testing.T) []byte {
			return lyingZip(t, "project.qde", []byte(minimal[:40]+strings.Repeat(" ", 10000)+minimal[40:]), 50)
		}, ReadOptions{}, zip.ErrFormat, "project.qde"},
		{"ErrTooLarge/HeaderOverstates", func(t *testing.T) []byte {
			return lyingZip(t, "project.qde", []byte(minimal[:40]+strings.Repeat(" ", 10000)+minimal[40:]), 1<<40)
		}, ReadOptions{MaxEntrySize: 5000}, ErrTooLarge, "project.qde"},
		{"ErrXML/Truncated", func(t *testing.T) []byte {
			return buildZip(t, [2]string{"project.qde", minimal[:len(minimal)/2]})
		}, ReadOptions{}, ErrXML, "project.qde"},
		{"ErrXML/Garbage", func(t *testing.T) []byte {
			return buildZip(t, [2]string{"project.qde", "<Project name='x'><Users></Codes></Project>"})
		}, ReadOptions{}, ErrXML, "project.qde"},
		{"ErrXML/Empty", func(t *testing.T) []byte {
			return buildZip(t, [2]string{"project.qde", ""})
		}, ReadOptions{}, ErrXML, "project.qde"},
		{"ErrRootElement", func(t *testing.T) []byte {
			return buildZip(t, [2]string{"project.qde", `<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>`})
		}, ReadOptions{}, ErrRootElement, "project.qde"},
		{"ErrNoProject", func(t *testing.T) []byte {
			return buildZip(t, [2]string{"sources/a.txt", "text"}, [2]string{"sub/project.qde", minimal})
		}, ReadOptions{}, ErrNoProject, ""},
		{"ErrSeveralProjects", func(t *testing.T) []byte {
			return buildZip(t, [2]string{"a.qde", minimal}, [2]string{"B.QDE", minimal})
		}, ReadOptions{}, ErrSeveralProjects, ""},
		{"ErrNotZip", func(t *testing.T) []byte {
			return []byte("this is not a zip archive at all")
		}, ReadOptions{}, ErrNotZip, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, rep, err := readQDPXBytes(tt.archive(t), tt.opt)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if p != nil || rep != nil {
				t.Error("got a project with the error")
			}
			var re *ReadError
			if !errors.As(err, &re) {
				t.Fatalf("err %T is not a *ReadError", err)
			}
			if re.Entry != tt.entry {
				t.Errorf("Entry = %q, want %q (%v)", re.Entry, tt.entry, err)
			}
			if errors.Is(err, ErrXML) && re.Line == 0 {
				t.Errorf("XML error without a line: %v", err)
			}
			t.Log(err)
		})
	}
}

func len64(s string) int64 { return int64(len(s)) }

// lyingZip builds an archive whose one entry's headers claim size bytes
// while the data inflates to all of data.
func lyingZip(t *testing.T, name string, data []byte, size uint64) []byte {
	t.Helper()
	var comp bytes.Buffer
	fw, _ := flate.NewWriter(&comp, flate.BestCompression)
	fw.Write(data)
	fw.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(&zip.FileHeader{
		Name:               name,
		Method:             zip.Deflate,
		CRC32:              crc32.ChecksumIEEE(data[:min(size, uint64(len(data)))]),
		CompressedSize64:   uint64(comp.Len()),
		UncompressedSize64: size,
	})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(comp.Bytes())
	zw.Close()
	return buf.Bytes()
}

func TestReadXMLErrorLine(t *testing.T) {
	doc := qde("test", "") + "\n<Extra/>" // second root element: Decode stops early, fine
	broken := strings.Replace(qde("test", ""), "<Users>", "<Users><User guid='x' name='a'>", 1)
	_, _, err := readQDPXBytes(buildZip(t, [2]string{"Project.QDE", broken}), ReadOptions{})
	var re *ReadError
	if !errors.As(err, &re) || re.Entry != "Project.QDE" || re.Line != 3 {
		t.Fatalf("err = %v, want a ReadError at Project.QDE:3", err)
	}
	if !strings.Contains(err.Error(), "Project.QDE:3") {
		t.Errorf("message %q does not say where", err)
	}
	if _, _, err := readQDPXBytes(buildZip(t, [2]string{"p.qde", doc}), ReadOptions{}); err != nil {
		t.Errorf("trailing element: %v", err)
	}
}

func TestReadLenient(t *testing.T) {
	// "a😀b\r\nc中 e\u0301" in UTF-16 units: a=0, 😀=1-2, b=3, CR=4, LF=5, c=6, 中=7, ' '=8, e=9, U+0301=10.
	text := "a😀b\r\nc中 e\u0301"
	tests := []struct {
		name      string
		files     [][2]string
		origin    string
		opt       ReadOptions
		positions Positions
		quote     string // of the one selection, in Text
		normQuote string // in Normalized
		warnings  int
	}{
		{"NVivoBOMCRLF", [][2]string{{"sources/x.txt", "\xEF\xBB\xBF" + text}},
			"NVivo for Windows 12.6", ReadOptions{}, PositionsUTF16, "😀b\r\nc", "😀b\nc", 0},
		{"NVivoUpperSourcesFolder", [][2]string{{"Sources/X.TXT", text}},
			"NVivo for Mac 12.7.0", ReadOptions{}, PositionsUTF16, "😀b\r\nc", "😀b\nc", 0},
		{"UTF16File", [][2]string{{"sources/x.txt", utf16LEWithBOM(text)}},
			"NVivo 14", ReadOptions{}, PositionsUTF16, "😀b\r\nc", "😀b\nc", 0},
		{"CodePointsOverride", [][2]string{{"sources/x.txt", text}},
			"NVivo for Windows 12.6", ReadOptions{Positions: PositionsCodePoints}, PositionsCodePoints, "😀b\r\nc中", "😀b\nc中", 0},
		{"CodePointsByOrigin", [][2]string{{"sources/x.txt", text}},
			"QualCoder 3.5", ReadOptions{}, PositionsCodePoints, "😀b\r\nc中", "😀b\nc中", 0},
		{"UTF16Override", [][2]string{{"sources/x.txt", text}},
			"QualCoder 3.5", ReadOptions{Positions: PositionsUTF16}, PositionsUTF16, "😀b\r\nc", "😀b\nc", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := qde(tt.origin, textSource(gSrc, `plainTextPath="internal://x.txt"`, "", 1, 7))
			files := append([][2]string{{"project.qde", doc}}, tt.files...)
			p, rep, err := readQDPXBytes(buildZip(t, files...), tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Positions != tt.positions {
				t.Errorf("positions %s, want %s", rep.Positions, tt.positions)
			}
			if len(rep.Warnings) != tt.warnings || len(rep.BadSelections) > 0 || len(rep.Skipped) > 0 {
				t.Errorf("report: %v, %v, %v", rep.Warnings, rep.BadSelections, rep.Skipped)
			}
			s := &p.Sources[0]
			if s.Text != text {
				t.Errorf("Text = %q, want %q", s.Text, text)
			}
			if s.Normalized != "a😀b\nc中 é" {
				t.Errorf("Normalized = %q", s.Normalized)
			}
			sel := &s.Selections[0]
			if got := s.Quote(sel); got != tt.quote {
				t.Errorf("Quote = %q, want %q (%d-%d)", got, tt.quote, sel.Start, sel.End)
			}
			if got := s.NormalizedQuote(sel); got != tt.normQuote {
				t.Errorf("NormalizedQuote = %q, want %q", got, tt.normQuote)
			}
		})
	}
}

func TestReadTextLocations(t *testing.T) {
	tests := []struct {
		name     string
		attrs    string
		content  string
		files    [][2]string
		text     string
		warnings int
	}{
		{"InternalPath", `plainTextPath="internal://abc.txt"`, "", [][2]string{{"sources/abc.txt", "hello"}}, "hello", 0},
		{"CaseInsensitive", `plainTextPath="internal://ABC.txt"`, "", [][2]string{{"SOURCES/abc.TXT", "hello"}}, "hello", 0},
		{"BarePath", `plainTextPath="abc.txt"`, "", [][2]string{{"sources/abc.txt", "hello"}}, "hello", 0},
		{"RootPath", `plainTextPath="abc.txt"`, "", [][2]string{{"abc.txt", "hello"}}, "hello", 0},
		{"PercentEncoded", `plainTextPath="internal://a%20b.txt"`, "", [][2]string{{"sources/a b.txt", "hello"}}, "hello", 0},
		{"Backslash", `plainTextPath="internal://abc.txt"`, "", [][2]string{{`sources\abc.txt`, "hello"}}, "hello", 0},
		{"External", `plainTextPath="absolute://C:/data/abc.txt"`, "", [][2]string{{"sources/abc.txt", "hello"}}, "hello", 1},
		{"Inline", ``, `<PlainTextContent>hello</PlainTextContent>`, nil, "hello", 0},
		{"InlineCR", ``, `<PlainTextContent>he&#xD;&#xA;llo</PlainTextContent>`, nil, "he\r\nllo", 0},
		{"MissingFileFallsBackInline", `plainTextPath="internal://gone.txt"`, `<PlainTextContent>hello</PlainTextContent>`, nil, "hello", 1},
		{"BothGiven", `plainTextPath="internal://abc.txt"`, `<PlainTextContent>other</PlainTextContent>`, [][2]string{{"sources/abc.txt", "hello"}}, "hello", 1},
		{"InvalidUTF8", `plainTextPath="internal://abc.txt"`, "", [][2]string{{"sources/abc.txt", "h\xffllo"}}, "h\uFFFDllo", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := qde("x", textSource(gSrc, tt.attrs, tt.content, 0, 2))
			p, rep, err := readQDPXBytes(buildZip(t, append([][2]string{{"project.qde", doc}}, tt.files...)...), ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Sources) != 1 {
				t.Fatalf("%d sources; skipped %v", len(p.Sources), rep.Skipped)
			}
			if p.Sources[0].Text != tt.text {
				t.Errorf("Text = %q, want %q", p.Sources[0].Text, tt.text)
			}
			if len(rep.Warnings) != tt.warnings {
				t.Errorf("warnings %v, want %d", rep.Warnings, tt.warnings)
			}
		})
	}
}

func TestReadSkipsAndBadSelections(t *testing.T) {
	sources := textSource(gSrc, `richTextPath="internal://`+gSrc+`.docx"`, "", 0, 2) +
		textSource(gSrc2, `plainTextPath="internal://missing.txt"`, "", 0, 2) +
		`<TextSource guid="` + gSel3 + `" name="bad"><PlainTextContent>short text</PlainTextContent>` +
		`<PlainTextSelection guid="0a000000-0000-4000-8000-0000000000a1" startPosition="2" endPosition="99"><Coding guid="0a000000-0000-4000-8000-0000000000b1"><CodeRef targetGUID="` + gCode2 + `"/></Coding></PlainTextSelection>` +
		`<PlainTextSelection guid="0a000000-0000-4000-8000-0000000000a2" startPosition="3" endPosition="3"/>` +
		`<PlainTextSelection guid="0a000000-0000-4000-8000-0000000000a3" startPosition="-1" endPosition="3"/>` +
		`<PlainTextSelection guid="0a000000-0000-4000-8000-0000000000a4" startPosition="x" endPosition="3"/>` +
		`<PlainTextSelection guid="0a000000-0000-4000-8000-0000000000a5" startPosition="5" endPosition="4"/>` +
		`<PlainTextSelection guid="0a000000-0000-4000-8000-0000000000a6" startPosition=" 6 " endPosition="10"/>` +
		`</TextSource>` +
		`<PDFSource guid="0a000000-0000-4000-8000-0000000000c1" name="scan" path="internal://scan.pdf"><PDFSelection guid="0a000000-0000-4000-8000-0000000000c2" page="1" firstX="0" firstY="0" secondX="1" secondY="1"/></PDFSource>`
	p, rep, err := readQDPXBytes(buildZip(t, [2]string{"project.qde", qde("x", sources)}), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Sources) != 1 || len(p.Sources[0].Selections) != 1 || p.Sources[0].Quote(&p.Sources[0].Selections[0]) != "text" {
		t.Fatalf("want the one source with its one good selection, got %d sources", len(p.Sources))
	}
	var kinds []string
	for _, s := range rep.Skipped {
		kinds = append(kinds, s.Kind+":"+s.GUID)
		if s.Reason == "" {
			t.Errorf("skipped %s without a reason", s.GUID)
		}
	}
	want := []string{"TextSource:" + gSrc, "TextSource:" + gSrc2, "PDFSource:0a000000-0000-4000-8000-0000000000c1"}
	if strings.Join(kinds, " ") != strings.Join(want, " ") {
		t.Errorf("skipped %v, want %v", kinds, want)
	}
	if rep.Skipped[0].Selections != 1 || rep.Skipped[0].Codings != 1 || !strings.Contains(rep.Skipped[0].Reason, "rich text") {
		t.Errorf("skipped docx-only source: %+v", rep.Skipped[0])
	}
	if len(rep.BadSelections) != 5 {
		t.Fatalf("%d bad selections, want 5: %v", len(rep.BadSelections), rep.BadSelections)
	}
	b := rep.BadSelections[0]
	if b.SourceGUID != gSel3 || b.SourceName != "bad" || b.Selection.Start != 2 || b.Selection.End != 99 || b.Length != 10 ||
		b.Unit != PositionsCodePoints || len(b.Selection.Codings) != 1 {
		t.Errorf("bad selection = %+v", b)
	}
	for _, b := range rep.BadSelections {
		t.Log(b)
	}
}

func TestReadCanonicalises(t *testing.T) {
	upper := strings.ToUpper(gCode2)
	doc := `<Project name="n" origin="x">
<Users><User guid="{` + strings.ToUpper(gUser) + `}" name="u"/></Users>
<CodeBook><Codes>
 <Code guid="` + upper + `" name="a" isCodable="1" color="#AbC"/>
 <Code name="no guid" isCodable="maybe"/>
 <Code guid="not-a-guid" name="bad guid" isCodable="false" color="red"/>
</Codes></CodeBook>
<Sources><TextSource guid="` + gSrc + `"><PlainTextContent>abc</PlainTextContent>
 <PlainTextSelection guid="` + gSel + `" startPosition="0" endPosition="1" creatingUser="` + gUser + `" creationDateTime="2024-05-06T07:08:09+02:00">
  <Coding guid="` + gCod + `" creatingUser="` + gUser + `"><CodeRef targetGUID="` + gCode2 + `"/></Coding>
  <Coding guid="` + gCod2 + `"><CodeRef targetGUID="not-a-guid"/></Coding>
  <Coding guid="0a000000-0000-4000-8000-0000000000d1"><CodeRef targetGUID="0a000000-0000-4000-8000-0000000000ff"/></Coding>
 </PlainTextSelection>
</TextSource></Sources>
<Graphs><Graph guid="0a000000-0000-4000-8000-0000000000e1"/></Graphs>
</Project>`
	p, rep, err := readQDPXBytes(buildZip(t, [2]string{"project.qde", doc}), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range rep.Warnings {
		t.Log(w)
	}
	if p.Users[0].GUID != gUser || p.Codes[0].GUID != gCode2 || p.Codes[0].Color != "#AABBCC" || !p.Codes[0].IsCodable {
		t.Errorf("not canonical: %+v %+v", p.Users[0], p.Codes[0])
	}
	if p.Codes[1].GUID == "" || !p.Codes[1].IsCodable {
		t.Errorf("code without guid: %+v", p.Codes[1])
	}
	if p.Codes[2].Color != "red" {
		t.Errorf("invalid colour not kept: %q", p.Codes[2].Color)
	}
	cs := p.Sources[0].Selections[0].Codings
	if cs[0].CodeGUID != gCode2 || cs[1].CodeGUID != p.Codes[2].GUID {
		t.Errorf("references do not resolve: %q %q", cs[0].CodeGUID, cs[1].CodeGUID)
	}
	if got := p.Sources[0].Selections[0].CreationDateTime.Format("2006-01-02T15:04:05Z07:00"); got != "2024-05-06T05:08:09Z" {
		t.Errorf("creationDateTime = %s", got)
	}
	// Expected warnings: missing namespace, missing guid, bad isCodable,
	// invalid guid, invalid colour, graphs, dangling code reference.
	for _, want := range []string{"namespace", "no guid", "isCodable", "invalid guid", "colour", "graph", "0a000000-0000-4000-8000-0000000000ff"} {
		found := false
		for _, w := range rep.Warnings {
			found = found || strings.Contains(w.String(), want)
		}
		if !found {
			t.Errorf("no warning mentions %q", want)
		}
	}
	// A model with a dangling reference is not writable.
	if err := WriteQDPX(&bytes.Buffer{}, p); !errors.Is(err, ErrDanglingRef) {
		t.Errorf("WriteQDPX = %v, want ErrDanglingRef", err)
	}
}

func TestReadOptionsPositionsInvalid(t *testing.T) {
	_, _, err := readQDPXBytes(buildZip(t, [2]string{"project.qde", qde("x", "")}), ReadOptions{Positions: "bytes"})
	if err == nil || !strings.Contains(err.Error(), "bytes") {
		t.Errorf("err = %v", err)
	}
}

func TestReadQDC(t *testing.T) {
	doc := "\xEF\xBB\xBF" + `<?xml version="1.0" encoding="UTF-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="MAXQDA">
 <Codes><Code guid="{` + strings.ToUpper(gCode) + `}" name="a" isCodable="true" color="#ff0000"><Description>x</Description>
  <Code guid="` + gCode2 + `" name="b" isCodable="false"/></Code></Codes>
 <Sets><Set guid="` + gSrc + `" name="s"><MemberCode guid="` + gCode2 + `"/></Set></Sets>
</CodeBook>`
	cb, err := ReadQDC(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := &Codebook{
		Origin: "MAXQDA",
		Codes:  []Code{{GUID: gCode, Name: "a", Color: "#FF0000", Description: "x", IsCodable: true, Children: []Code{{GUID: gCode2, Name: "b"}}}},
		Sets:   []Set{{GUID: gSrc, Name: "s", MemberCodes: []string{gCode2}}},
	}
	if !reflect.DeepEqual(cb, want) {
		t.Errorf("got %+v\nwant %+v", cb, want)
	}
	tests := []struct {
		name string
		doc  string
		want error
	}{
		{"ErrXML", "<CodeBook><Codes>", ErrXML},
		{"ErrXML/Empty", "", ErrXML},
		{"ErrRootElement", "<Project name='x'/>", ErrRootElement},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadQDC(strings.NewReader(tt.doc))
			var re *ReadError
			if !errors.Is(err, tt.want) || !errors.As(err, &re) {
				t.Errorf("err = %v, want a *ReadError wrapping %v", err, tt.want)
			}
		})
	}
}
