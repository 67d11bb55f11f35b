package corpus

import (
	"archive/zip"
	"bytes"
	"errors"
	"strings"
	"testing"
)

const impDocxContentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`

const impDocxRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`

// impDocxBody wraps WordprocessingML body content in a document part.
func impDocxBody(body string) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><w:body>` +
		body + `<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>`
}

// impPara is a paragraph of one run per argument.
func impPara(runs ...string) string {
	var b strings.Builder
	b.WriteString(`<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs><w:rPr><w:b/></w:rPr></w:pPr>`)
	for _, r := range runs {
		b.WriteString(`<w:r><w:rPr><w:i/></w:rPr>` + r + `</w:r>`)
	}
	b.WriteString(`</w:p>`)
	return b.String()
}

type impZipEntry struct {
	name, body string
}

// impZip builds a zip archive.
func impZip(t testing.TB, entries ...impZipEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(e.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// impDocx builds a .docx with the given document.xml.
func impDocx(t testing.TB, documentXML string, extra ...impZipEntry) []byte {
	t.Helper()
	entries := []impZipEntry{
		{"[Content_Types].xml", impDocxContentTypes},
		{"_rels/.rels", impDocxRels},
		{"word/document.xml", documentXML},
	}
	return impZip(t, append(entries, extra...)...)
}

func TestParseDOCX(t *testing.T) {
	tests := []struct {
		name string
		body string
		text string
		want []string // impSegTexts
	}{
		{
			name: "Interview",
			body: impPara(`<w:t>Interview with a ward sister</w:t>`) +
				impPara(`<w:t xml:space="preserve">Interviewer: </w:t>`, `<w:t>How did the night go?</w:t>`) +
				impPara(`<w:t>Respondent: Busy.</w:t>`, `<w:br/>`, `<w:t>Two admissions</w:t>`, `<w:tab/>`, `<w:t>and a fall.</w:t>`) +
				impPara() +
				impPara(`<w:t>Interviewer: Thank you.</w:t>`),
			text: "Interview with a ward sister\nInterviewer: How did the night go?\nRespondent: Busy.\nTwo admissions\tand a fall.\n\nInterviewer: Thank you.\n",
			want: []string{"Interview with a ward sister", "Interviewer|Interviewer: How did the night go?",
				"Respondent|Respondent: Busy.\nTwo admissions\tand a fall.", "Interviewer|Interviewer: Thank you."},
		},
		{
			name: "ParagraphsAreSegments",
			body: impPara(`<w:t>第一段：社区护理。</w:t>`) + impPara(`<w:t>第二段。</w:t>`) +
				`<w:tbl><w:tr><w:tc>` + impPara(`<w:t>cell one</w:t>`) + `</w:tc><w:tc>` + impPara(`<w:t>cell two</w:t>`) + `</w:tc></w:tr></w:tbl>`,
			text: "第一段：社区护理。\n第二段。\ncell one\ncell two\n",
			want: []string{"第一段：社区护理。", "第二段。", "cell one", "cell two"},
		},
		{
			name: "SkipsDeletedFieldsAndFallback",
			body: impPara(`<w:t>Kept</w:t>`, `<w:delText>deleted</w:delText>`, `<w:instrText> HYPERLINK "x" </w:instrText>`,
				`<w:t xml:space="preserve"> text &amp; more</w:t>`, `<w:noBreakHyphen/><w:t>x</w:t>`) +
				`<w:p><w:ins><w:r><w:t>Inserted</w:t></w:r></w:ins><w:hyperlink><w:r><w:t xml:space="preserve"> link</w:t></w:r></w:hyperlink></w:p>` +
				`<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:t>Choice</w:t></mc:Choice><mc:Fallback><w:t>Fallback</w:t></mc:Fallback></mc:AlternateContent></w:r></w:p>`,
			text: "Kept text & more-x\nInserted link\nChoice\n",
			want: []string{"Kept text & more-x", "Inserted link", "Choice"},
		},
		{
			name: "NFCAndControlsFromXML",
			body: impPara(`<w:t>Cafe&#x301; au lait</w:t>`),
			text: "Café au lait\n",
			want: []string{"Café au lait"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse("t.docx", impDocx(t, impDocxBody(tt.body)), ParseOptions{})
			if err != nil {
				t.Fatal(err)
			}
			impCheckDoc(t, d)
			if d.Text != tt.text {
				t.Errorf("Text = %q, want %q", d.Text, tt.text)
			}
			if got := impSegTexts(d); strings.Join(got, "¦") != strings.Join(tt.want, "¦") {
				t.Errorf("segments\n got %q\nwant %q", got, tt.want)
			}
			if d.Source.Format != FormatDOCX || d.Source.Encoding != EncUTF8 {
				t.Errorf("Source = %+v", d.Source)
			}
		})
	}
}

func TestParseDOCXMainPartFromRels(t *testing.T) {
	rels := strings.Replace(impDocxRels, "word/document.xml", "/word/document2.xml", 1)
	data := impZip(t,
		impZipEntry{"_rels/.rels", rels},
		impZipEntry{"word/document2.xml", impDocxBody(impPara(`<w:t>second part</w:t>`))},
	)
	d, err := Parse("t.docx", data, ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Text != "second part\n" {
		t.Errorf("Text = %q", d.Text)
	}
}

func TestParseDOCXErrors(t *testing.T) {
	good := impDocxBody(impPara(`<w:t>hello</w:t>`))
	tests := []struct {
		name    string
		data    []byte
		opt     ParseOptions
		want    error
		wantMsg string
	}{
		{"ZipSlip", impDocx(t, good, impZipEntry{"../../evil.sh", "echo"}), ParseOptions{}, ErrFormat,
			`t.docx: unsafe path "../../evil.sh" in archive: refusing it`},
		{"ZipSlipBackslash", impDocx(t, good, impZipEntry{`word\..\..\evil`, "x"}), ParseOptions{}, ErrFormat,
			`t.docx: unsafe path "word\\..\\..\\evil" in archive: refusing it`},
		{"AbsolutePath", impDocx(t, good, impZipEntry{"/etc/passwd", "x"}), ParseOptions{}, ErrFormat,
			`t.docx: unsafe path "/etc/passwd" in archive: refusing it`},
		{"DrivePath", impDocx(t, good, impZipEntry{"C:/x", "x"}), ParseOptions{}, ErrFormat,
			`t.docx: unsafe path "C:/x" in archive: refusing it`},
		{"BrokenXML", impDocx(t, impDocxBody(`<w:p><w:r><w:t>unclosed</w:r></w:p>`)), ParseOptions{}, ErrFormat,
			"t.docx: broken XML in word/document.xml line 2: element <t> closed by </r>"},
		{"TruncatedXML", impDocx(t, good[:len(good)-20]), ParseOptions{}, ErrFormat,
			"t.docx: broken XML in word/document.xml line 2: unexpected EOF"},
		{"NotZip", []byte("this is plain text, named .docx"), ParseOptions{}, ErrFormat,
			"t.docx: not a .docx file: cannot read it as a zip archive (zip: not a valid zip file)"},
		{"ZipNotDocx", impZip(t, impZipEntry{"xl/workbook.xml", "<workbook/>"}), ParseOptions{}, ErrFormat,
			"t.docx: zip archive has no word/document.xml: not a Word .docx file"},
		{"Empty", impDocx(t, impDocxBody(impPara()+impPara(`<w:t>  </w:t>`))), ParseOptions{}, ErrEmpty,
			"t.docx: no text: the file holds only white space"},
		{"DocumentTooLarge", impDocx(t, impDocxBody(strings.Repeat(impPara(`<w:t>padding padding</w:t>`), 200))), ParseOptions{MaxBytes: 10000}, ErrTooLarge,
			"t.docx: word/document.xml is 31294 bytes, over the limit of 10000"},
		{"ArchiveTooLarge", impDocx(t, good, impZipEntry{"word/media/big.bin", strings.Repeat("0", 40000)}), ParseOptions{MaxBytes: 8000}, ErrTooLarge,
			"t.docx: archive unpacks to more than 32000 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("t.docx", tt.data, tt.opt)
			if !errors.Is(err, tt.want) {
				t.Fatalf("error %v is not %v", err, tt.want)
			}
			if err.Error() != tt.wantMsg {
				t.Errorf("error\n got %s\nwant %s", err, tt.wantMsg)
			}
		})
	}
}

// TestDOCXLyingSize checks that an entry whose header understates its size
// is still capped while reading.
func TestDOCXLyingSize(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	body := impDocxBody(strings.Repeat(impPara(`<w:t>padding padding</w:t>`), 200))
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "word/document.xml", Method: zip.Store,
		CompressedSize64: uint64(len(body)), UncompressedSize64: 100})
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(body))
	zw.Close()
	_, err = Parse("t.docx", buf.Bytes(), ParseOptions{MaxBytes: 8000})
	if !errors.Is(err, ErrTooLarge) && !errors.Is(err, ErrFormat) {
		t.Fatalf("error %v, want ErrTooLarge or ErrFormat", err)
	}
}

func FuzzDOCX(f *testing.F) {
	f.Add(impPara(`<w:t>Interviewer: hi</w:t>`) + impPara(`<w:t>R: hello</w:t>`))
	f.Add(impPara(`<w:t>a</w:t>`, `<w:tab/>`, `<w:br/>`, `<w:t>b</w:t>`))
	f.Add(`<w:p><w:r><w:t>unclosed</w:r></w:p>`)
	f.Add(`<w:p><w:r><w:t>&#1;&#xD;x</w:t></w:r></w:p>`)
	f.Fuzz(func(t *testing.T, body string) {
		d, err := Parse("f.docx", impDocx(t, impDocxBody(body)), ParseOptions{})
		if err != nil {
			var ie *ImportError
			if !errors.As(err, &ie) {
				t.Fatalf("error %v is not an *ImportError", err)
			}
			return
		}
		impCheckDoc(t, d)
	})
}
