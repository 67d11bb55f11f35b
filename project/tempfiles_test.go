package project

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestTempFiles leaves the temporary files that killed writes leave
// (atomic writes, an export into the project folder, a reindex) and checks
// that Check reports them and RemoveTempFiles removes them, and only them.
func TestTempFiles(t *testing.T) {
	dir, _ := recordProject(t)
	left := []string{
		".meta.json.tmp123456",
		".out.qdpx.tmp98765",
		filepath.Join(SourcesDir, ".d0123456789ab.txt.tmp42"),
		filepath.Join(GraphDir, ".position.json.tmp7"),
		IndexDir + ".new",
		IndexDir + ".old",
	}
	kept := []string{"notes.tmp", ".hidden", "report.tmp123.txt"}
	for _, name := range append(slices.Clone(left), kept...) {
		path := filepath.Join(dir, name)
		if strings.HasSuffix(name, ".new") || strings.HasSuffix(name, ".old") {
			if err := os.MkdirAll(filepath.Join(path, "sub"), 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.WriteFile(path, []byte("partial"), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	p, err := Open(dir, ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	r, err := p.Check(context.Background())
	p.Close()
	if err != nil {
		t.Fatal(err)
	}
	want := make([]string, len(left))
	for i, name := range left {
		want[i] = filepath.ToSlash(name)
	}
	slices.Sort(want)
	if !slices.Equal(r.TempFiles, want) {
		t.Errorf("check reports temporary files %q, want %q", r.TempFiles, want)
	}
	if !r.OK() {
		t.Errorf("leftover temporary files are problems: %q", problems(r))
	}

	p, err = Open(dir, ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	removed, err := p.RemoveTempFiles()
	p.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(removed) != len(left) {
		t.Errorf("removed %q, want %q", removed, left)
	}
	for _, name := range left {
		if _, err := os.Stat(filepath.Join(dir, name)); !os.IsNotExist(err) {
			t.Errorf("%s still there: %v", name, err)
		}
	}
	for _, name := range kept {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s removed: %v", name, err)
		}
	}
	mustCheck(t, dir)
}
