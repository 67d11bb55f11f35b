package kg_test

import (
	"context"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/corpus"
	"github.com/qualgraph/qualgraph/kg"
)

// TestDocNames follows the document names of the projection through
// imports, an undone import, a rebuild, and a projection that predates
// them.
func TestDocNames(t *testing.T) {
	dir := t.TempDir()
	s, err := kg.Create(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	names := func() map[string]string {
		t.Helper()
		n, err := kg.LoadDocNames(dir)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := names(); len(n) != 0 {
		t.Fatalf("a new store names %v", n)
	}
	doc := func(id, name string) *corpus.Document {
		return &corpus.Document{ID: id, Name: name, Kind: corpus.KindInterview, Imported: time.Now(), Attrs: corpus.Attrs{}}
	}
	ch := func(op string) coding.Change { return coding.NewChange("tester", op, op) }
	if err := s.AddDocuments(ch("import"), []*corpus.Document{doc("d1", "林-2015.txt"), doc("d2", "tab\tand\\slash\nname.txt")}); err != nil {
		t.Fatal(err)
	}
	if err := s.AddDocuments(ch("import"), []*corpus.Document{doc("d3", "policy.pdf")}); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"d1": "林-2015.txt", "d2": "tab\tand\\slash\nname.txt", "d3": "policy.pdf"}
	if n := names(); !maps.Equal(n, want) {
		t.Fatalf("after two imports: %q, want %q", n, want)
	}
	if err := s.RemoveDocuments(context.Background(), []string{"d3"}); err != nil {
		t.Fatal(err)
	}
	delete(want, "d3")
	if n := names(); !maps.Equal(n, want) {
		t.Fatalf("after undoing an import: %q, want %q", n, want)
	}

	// A projection made before it named documents: a write does not
	// start a partial list; a rebuild writes the whole one.
	log := filepath.Join(dir, "docs.log")
	if err := os.Remove(log); err != nil {
		t.Fatal(err)
	}
	if _, err := kg.LoadDocNames(dir); !errors.Is(err, kg.ErrNoProjection) {
		t.Fatalf("without docs.log: %v, want ErrNoProjection", err)
	}
	if err := s.AddDocuments(ch("import"), []*corpus.Document{doc("d4", "late.txt")}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(log); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("an import made a partial docs.log: %v", err)
	}
	if err := s.RebuildProjection(); err != nil {
		t.Fatal(err)
	}
	want["d4"] = "late.txt"
	if n := names(); !maps.Equal(n, want) {
		t.Fatalf("after a rebuild: %q, want %q", n, want)
	}

	// A damaged line is reported with its place.
	if err := os.WriteFile(log, []byte("D\td1\tok.txt\nZ\tbad\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := kg.LoadDocNames(dir); err == nil || !strings.Contains(err.Error(), "docs.log:2:") {
		t.Errorf("damaged docs.log: %v, want an error at line 2", err)
	}
}
