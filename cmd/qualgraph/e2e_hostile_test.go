package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHostileNames imports a document whose file name, attributes and
// speaker names hold terminal escapes and bidi overrides, and checks that
// control characters are refused or cleaned at the door (so export qdpx
// still works) and that docs and show print what is left visibly.
func TestHostileNames(t *testing.T) {
	if os.PathSeparator != '/' {
		t.Skip("file names with control characters need a POSIX file system")
	}
	dir := filepath.Join(t.TempDir(), "p")
	must(t, ".", "init", dir)
	name := "e\x1b[31mvil\u202eftp.txt"
	file := filepath.Join(t.TempDir(), name)
	text := "Inter\u202eviewer: how was it?\nRespondent: fine, thanks.\n"
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	must(t, dir, "import", file, "--attr", "site=Dong\u202eguan")
	docs := docsJSON(t, dir)
	if len(docs) != 1 {
		t.Fatalf("%d documents", len(docs))
	}
	if strings.ContainsRune(docs[0].Name, 0x1b) {
		t.Errorf("stored name %q holds ESC", docs[0].Name)
	}
	id := docs[0].ID

	refused := []struct{ name, arg string }{
		{"ESC", "note=a\x1b[2Jb"},
		{"NUL", "note=a\x00b"},
		{"C1", "note=a\u009bb"},
		{"DEL", "note=a\x7fb"},
	}
	for _, tc := range refused {
		t.Run("AttrSet/"+tc.name, func(t *testing.T) {
			r := qg(t, dir, "attr", "set", id, tc.arg)
			if r.code == 0 || !strings.Contains(r.stderr, "control character") {
				t.Fatalf("attr set %q: exit %d, stderr %q; want refused naming the control character", tc.arg, r.code, r.stderr)
			}
		})
	}
	t.Run("ImportAttr", func(t *testing.T) {
		other := filepath.Join(t.TempDir(), "other.txt")
		os.WriteFile(other, []byte("some text"), 0o644)
		r := qg(t, dir, "import", other, "--attr", "note=x\x1by")
		if r.code == 0 || !strings.Contains(r.stderr, "control character") {
			t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
		}
	})

	for _, args := range [][]string{{"docs"}, {"show", id}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			out := must(t, dir, args...)
			if i := strings.IndexFunc(out, func(r rune) bool {
				return r == 0x1b || r == 0x9b || r == '\u202e' || r == '\u202d' || r == '\u2066'
			}); i >= 0 {
				t.Fatalf("output holds an active control character at %d: %q", i, out)
			}
			for _, want := range []string{`Dong\u202eguan`, `vil\u202eftp.txt`} {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %s:\n%s", want, out)
				}
			}
			if args[0] == "show" && !strings.Contains(out, `Inter\u202eviewer`) {
				t.Errorf("show lacks the escaped speaker:\n%s", out)
			}
		})
	}

	t.Run("ExportQDPX", func(t *testing.T) {
		must(t, dir, "export", "qdpx", filepath.Join(t.TempDir(), "p.qdpx"))
	})
}

// TestCheckTempFiles leaves the temporary files of a killed export and a
// killed atomic write and checks that check lists them and check --repair
// removes them.
func TestCheckTempFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "p")
	must(t, ".", "init", dir)
	left := []string{".out.qdpx.tmp123", filepath.Join("graph", ".position.json.tmp9")}
	for _, name := range left {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("partial"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := must(t, dir, "check")
	for _, name := range left {
		if !strings.Contains(out, "temporary file "+filepath.ToSlash(name)) {
			t.Errorf("check does not list %s:\n%s", name, out)
		}
	}
	r := qg(t, dir, "check", "--repair")
	if r.code != 0 {
		t.Fatalf("check --repair: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, name := range left {
		if _, err := os.Stat(filepath.Join(dir, name)); !os.IsNotExist(err) {
			t.Errorf("%s not removed: %v", name, err)
		}
	}
	if out := must(t, dir, "check"); strings.Contains(out, "temporary file") {
		t.Errorf("check still lists temporary files:\n%s", out)
	}
}
