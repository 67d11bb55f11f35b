// Package testfiles finds and unpacks the files that tests of several
// packages read: the shared real-world data beside the checkout, and
// fixture archives.
package testfiles

import (
	"archive/tar"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// SharedData returns the folder "shared/data" beside the checkout or one
// of its parents (a worktree sits a level deeper than the main checkout),
// and skips the test, loudly, when there is none.
func SharedData(t testing.TB) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for dir := wd; ; {
		data := filepath.Join(dir, "shared", "data")
		if _, err := os.Stat(filepath.Join(data, "SOURCES.md")); err == nil {
			return data
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	t.Skipf("!!! shared test data (shared/data) not found above %s: the tests on real exports are SKIPPED", wd)
	return ""
}

// UnpackTarGz unpacks the .tar.gz archive into a new temporary folder and
// returns the folder. An entry that would land outside it fails the test.
func UnpackTarGz(t testing.TB, archive string) string {
	t.Helper()
	f, err := os.Open(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	dst := t.TempDir()
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		to := filepath.Join(dst, filepath.FromSlash(h.Name))
		if !strings.HasPrefix(to, dst+string(filepath.Separator)) {
			t.Fatalf("%s: entry %q leaves the folder", archive, h.Name)
		}
		switch h.Typeflag {
		case tar.TypeDir:
			err = os.MkdirAll(to, 0o755)
		case tar.TypeReg:
			var b []byte
			if b, err = io.ReadAll(tr); err == nil {
				err = os.WriteFile(to, b, 0o644)
			}
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return dst
}
