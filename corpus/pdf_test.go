package corpus

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/go-pdf/fpdf"
)

// impPDF writes paragraphs to an A4 PDF with a core font, one MultiCell
// per paragraph and a gap between paragraphs; "\f" starts a new page.
func impPDF(t testing.TB, paras ...string) []byte {
	t.Helper()
	p := fpdf.New("P", "mm", "A4", "")
	p.SetCompression(false)
	tr := p.UnicodeTranslatorFromDescriptor("") // cp1252 for the core fonts
	p.SetFont("Helvetica", "", 11)
	p.AddPage()
	for _, para := range paras {
		if para == "\f" {
			p.AddPage()
			continue
		}
		p.MultiCell(120, 5, tr(para), "", "L", false)
		p.Ln(4)
	}
	var buf bytes.Buffer
	if err := p.Output(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestParsePDF(t *testing.T) {
	data := impPDF(t,
		"Interview 12: night shift",
		"Interviewer: How long is a typical shift on the ward for you these days, including handover?",
		"Respondent: Twelve and a half hours, and handover takes twenty minutes if nobody is ill. Café breaks are rare.",
		"\f",
		"Interviewer: Thank you.",
	)
	d, err := Parse("night.pdf", data, ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	impCheckDoc(t, d)
	segs := impSegTexts(d)
	if len(segs) != 4 {
		t.Fatalf("got %d segments %q, want 4", len(segs), segs)
	}
	if segs[0] != "Interview 12: night shift" {
		t.Errorf("segment 0 = %q", segs[0])
	}
	for i, want := range []string{"Interviewer|Interviewer: How long", "Respondent|Respondent: Twelve", "Interviewer|Interviewer: Thank you."} {
		if !strings.HasPrefix(segs[i+1], want) {
			t.Errorf("segment %d = %q, want prefix %q", i+1, segs[i+1], want)
		}
	}
	// The words survive the line wrapping, with single spaces between them.
	flat := strings.Join(strings.Fields(d.Text), " ")
	for _, want := range []string{
		"How long is a typical shift on the ward for you these days, including handover?",
		"Twelve and a half hours, and handover takes twenty minutes if nobody is ill. Café breaks are rare.",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("text lacks %q:\n%s", want, d.Text)
		}
	}
	if !strings.Contains(d.Text, "\n\nInterviewer: Thank you.") {
		t.Errorf("no blank line before the new page's text:\n%q", d.Text)
	}
	if d.Source.Format != FormatPDF || d.Source.Encoding != "" || d.Kind != KindInterview {
		t.Errorf("Source = %+v, Kind = %q", d.Source, d.Kind)
	}
}

func TestParsePDFErrors(t *testing.T) {
	noText := func() []byte {
		p := fpdf.New("P", "mm", "A4", "")
		p.AddPage()
		p.Rect(20, 20, 100, 60, "F") // a "scan": drawing, no text
		var buf bytes.Buffer
		if err := p.Output(&buf); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}()
	good := impPDF(t, "hello")
	tests := []struct {
		name    string
		data    []byte
		want    error
		wantMsg string
	}{
		{"ErrNoText", noText, ErrNoText, "scan.pdf: the PDF has no text layer (a scanned document? run OCR on it first)"},
		{"NotPDF", []byte("just text"), ErrFormat, "scan.pdf: not a PDF file (no %PDF- header)"},
		{"Truncated", good[:len(good)/2], ErrFormat, "scan.pdf: cannot read PDF: not a PDF file: missing %%EOF"},
		{"Garbage", []byte("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\nstartxref\n9999\n%%EOF\n"), ErrFormat, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("scan.pdf", tt.data, ParseOptions{})
			if !errors.Is(err, tt.want) {
				t.Fatalf("error %v is not %v", err, tt.want)
			}
			if tt.wantMsg != "" && err.Error() != tt.wantMsg {
				t.Errorf("error\n got %s\nwant %s", err, tt.wantMsg)
			}
		})
	}
}

func FuzzPDF(f *testing.F) {
	f.Add(impPDF(f, "Interviewer: hello", "R: hi"))
	f.Add([]byte("%PDF-1.4\n%%EOF\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Parse("f.pdf", data, ParseOptions{})
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
