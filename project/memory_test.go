package project

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/qualgraph/qualgraph/corpus"
)

// bombDocx returns a small .docx whose text is one run of n letters.
func bombDocx(t *testing.T, n int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range [][2]string{
		{"[Content_Types].xml", `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`},
		{"word/document.xml", `<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>` +
			strings.Repeat("a", n) + `</w:t></w:r></w:p></w:body></w:document>`},
	} {
		w, err := zw.Create(e[0])
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(e[1]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestImportLimitMemory gives the import 140 MiB of memory, so a limit of
// 1 MiB, and checks that a larger file, or a .docx whose text unpacks to
// more, is refused with a message naming memory, before anything is
// written, while a smaller file imports.
func TestImportLimitMemory(t *testing.T) {
	old := memAvailable
	memAvailable = func() int64 { return ImportMemoryFactor << 20 }
	t.Cleanup(func() { memAvailable = old })
	if got := ImportLimit(); got != 1<<20 {
		t.Fatalf("ImportLimit() = %d, want 1 MiB", got)
	}

	p := autoCodeProject(t, map[string]string{"chen.txt": chenText})
	small := DataFile{Path: "small.txt", Data: []byte(strings.Repeat("Interviewer: a short question.\n", 1000))}
	tests := []struct {
		name  string
		files []DataFile
		want  string
	}{
		{"Text", []DataFile{small, {Path: "big.txt", Data: []byte(strings.Repeat("word ", 300_000))}}, "in memory"},
		{"RunWithoutSpaces", []DataFile{{Path: "run.txt", Data: bytes.Repeat([]byte("x"), 2<<20)}}, "in memory"},
		{"DocxBomb", []DataFile{{Path: "bomb.docx", Data: bombDocx(t, 3<<20)}}, "over"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "DocxBomb" && len(tc.files[0].Data) > 1<<20 {
				t.Fatalf("the .docx is %d bytes; it should be small", len(tc.files[0].Data))
			}
			_, err := p.ImportData(context.Background(), tc.files, ImportOptions{By: "test"})
			if !errors.Is(err, corpus.ErrTooLarge) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want ErrTooLarge saying %q", err, tc.want)
			}
			docs, err := p.Documents(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if len(docs) != 1 {
				t.Errorf("%d documents after a refused import, want 1", len(docs))
			}
		})
	}
	if _, err := p.ImportData(context.Background(), []DataFile{small}, ImportOptions{By: "test"}); err != nil {
		t.Fatal(err)
	}
	r, err := p.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() || r.Documents != 2 {
		t.Fatalf("check: %d documents, %q", r.Documents, problems(r))
	}
}
