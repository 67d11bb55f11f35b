package corpus

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// rawPDF assembles a PDF from object bodies (object i+1 is objs[i]) with
// a correct cross-reference table; object 1 is the catalog.
func rawPDF(objs ...string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

func TestParsePDFHostile(t *testing.T) {
	content := "BT /F1 12 Tf 72 720 Td (hello) Tj ET"
	stream := fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content)
	font := "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
	tests := []struct {
		name string
		data []byte
		want string // in the message
	}{
		{"KidsContainItself", rawPDF(
			"<< /Type /Catalog /Pages 2 0 R >>",
			"<< /Type /Pages /Kids [2 0 R] /Count 1 >>",
		), "page tree"},
		{"ParentIsItself", rawPDF(
			"<< /Type /Catalog /Pages 2 0 R >>",
			"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
			"<< /Type /Page /Parent 3 0 R /Contents 4 0 R >>",
			stream,
		), "page tree"},
		{"ParentCycleViaPages", rawPDF(
			"<< /Type /Catalog /Pages 2 0 R >>",
			"<< /Type /Pages /Kids [3 0 R] /Count 1 /Parent 2 0 R >>",
			"<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>",
			stream,
		), "page tree"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			done := make(chan error, 1)
			go func() {
				_, err := Parse("hostile.pdf", tt.data, ParseOptions{})
				done <- err
			}()
			select {
			case err := <-done:
				if !errors.Is(err, ErrFormat) {
					t.Fatalf("error %v is not ErrFormat", err)
				}
				if !strings.Contains(err.Error(), tt.want) {
					t.Errorf("error %q does not mention %q", err, tt.want)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("Parse still running after 10s")
			}
		})
	}

	// A well-formed tree built by hand still reads.
	good := rawPDF(
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		stream, font,
	)
	d, err := Parse("good.pdf", good, ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Text != "hello" {
		t.Errorf("text %q, want hello", d.Text)
	}
}
