package refiqda

import (
	"archive/zip"
	"bytes"
	"github.com/qualgraph/qualgraph/internal/testfiles"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"
	"unicode"
)

// sharedData returns the folder of the real exports, skipping the test
// loudly when it is absent.
func sharedData(t testing.TB) string { return testfiles.SharedData(t) }

// readQDPXFile reads a .qdpx file with opt.
func readQDPXFile(t testing.TB, path string, opt ReadOptions) (*Project, *Report) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	p, rep, err := ReadQDPX(f, st.Size(), opt)
	if err != nil {
		t.Fatalf("ReadQDPX(%s): %v", filepath.Base(path), err)
	}
	return p, rep
}

// readQDPXBytes reads an in-memory archive.
func readQDPXBytes(b []byte, opt ReadOptions) (*Project, *Report, error) {
	return ReadQDPX(bytes.NewReader(b), int64(len(b)), opt)
}

// buildZip builds an archive of the given entries, in order.
func buildZip(t testing.TB, entries ...[2]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.Create(e[0])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(e[1])); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// zipEntry returns the content of the named entry of an archive.
func zipEntry(t testing.TB, archive []byte, name string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(archive), int64(len(archive)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name == name {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			var b bytes.Buffer
			if _, err := b.ReadFrom(rc); err != nil {
				t.Fatal(err)
			}
			return b.Bytes()
		}
	}
	t.Fatalf("no entry %s", name)
	return nil
}

// validateXML validates doc against the schema at xsd with xmllint.
func validateXML(t testing.TB, xsd string, doc []byte) {
	t.Helper()
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skip("!!!!!!!! xmllint not installed: schema validation NOT run; run scripts/test.sh !!!!!!!!")
	}
	f := filepath.Join(t.TempDir(), "doc.xml")
	if err := os.WriteFile(f, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(xmllint, "--noout", "--schema", xsd, f).CombinedOutput()
	if err != nil {
		t.Fatalf("xmllint --schema %s: %v\n%s", filepath.Base(xsd), err, out)
	}
}

// codeStats returns the number of codes in a tree and its depth.
func codeStats(cs []Code) (n, depth int) {
	for _, c := range cs {
		cn, cd := codeStats(c.Children)
		n += 1 + cn
		depth = max(depth, 1+cd)
	}
	return n, depth
}

// countSelections returns the number of selections and codings of p.
func countSelections(p *Project) (sels, codings int) {
	for _, s := range p.Sources {
		codings += len(s.Codings)
		for _, sel := range s.Selections {
			sels++
			codings += len(sel.Codings)
		}
	}
	return sels, codings
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// atWordBoundary reports whether code point offset i of rs does not cut a
// word in two.
func atWordBoundary(rs []rune, i int) bool {
	if i <= 0 || i >= len(rs) {
		return true
	}
	return !isWordRune(rs[i-1]) || !isWordRune(rs[i])
}

// wordAligned counts the selections of p whose both ends sit on word
// boundaries of Source.Text.
func wordAligned(p *Project) int {
	n := 0
	for _, s := range p.Sources {
		rs := []rune(s.Text)
		for _, sel := range s.Selections {
			if atWordBoundary(rs, sel.Start) && atWordBoundary(rs, sel.End) {
				n++
			}
		}
	}
	return n
}

// compareProjects checks that b, read back from a written a, holds the same
// content: everything but Origin, which the writer sets.
func compareProjects(t testing.TB, a, b *Project) {
	t.Helper()
	if !reflect.DeepEqual(a.Users, b.Users) {
		t.Errorf("users differ")
	}
	if !reflect.DeepEqual(a.Codes, b.Codes) {
		t.Errorf("code trees differ")
	}
	if len(a.Sources) != len(b.Sources) {
		t.Fatalf("%d sources, read back %d", len(a.Sources), len(b.Sources))
	}
	for i := range a.Sources {
		sa, sb := &a.Sources[i], &b.Sources[i]
		if sa.Text != sb.Text || sa.Normalized != sb.Normalized {
			t.Errorf("source %s: text differs", sa.GUID)
		}
		ra, rb := []rune(sa.Text), []rune(sb.Text)
		quotes := make(map[string]string)
		for _, sel := range sa.Selections {
			quotes[sel.GUID] = string(ra[sel.Start:sel.End])
		}
		for _, sel := range sb.Selections {
			if q, ok := quotes[sel.GUID]; !ok || q != string(rb[sel.Start:sel.End]) {
				t.Errorf("source %s: selection %s quotes differently", sa.GUID, sel.GUID)
			}
		}
		if !reflect.DeepEqual(sa.Selections, sb.Selections) {
			t.Errorf("source %s: selections differ", sa.GUID)
		}
	}
	// Compare field by field, naming the field but never printing texts.
	// RichTextPath is not written: the writer carries no rich text.
	ac, bc := *a, *b
	ac.Sources, bc.Sources = withoutRichText(a.Sources), withoutRichText(b.Sources)
	ac.Notes, bc.Notes = withoutRichText(a.Notes), withoutRichText(b.Notes)
	va, vb := reflect.ValueOf(ac), reflect.ValueOf(bc)
	for i := 0; i < va.NumField(); i++ {
		name := va.Type().Field(i).Name
		if name == "Origin" {
			continue
		}
		if !reflect.DeepEqual(va.Field(i).Interface(), vb.Field(i).Interface()) {
			t.Errorf("field %s differs after the round trip", name)
		}
	}
}

func withoutRichText(ss []Source) []Source {
	if ss == nil {
		return nil
	}
	out := make([]Source, len(ss))
	for i, s := range ss {
		s.RichTextPath = ""
		out[i] = s
	}
	return out
}
