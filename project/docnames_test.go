package project

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDocNames checks the names that listings show beside spans: from the
// projection, from the graph for a project made before the projection
// named documents, and that check finds a projection naming them wrongly.
func TestDocNames(t *testing.T) {
	ctx := context.Background()
	p := autoCodeProject(t, quoteTexts)
	g, err := p.Graph()
	if err != nil {
		t.Fatal(err)
	}
	docs, err := g.Documents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, d := range docs {
		want[d.ID] = d.Name
	}
	if len(want) != len(quoteTexts) {
		t.Fatalf("%d documents, want %d", len(want), len(quoteTexts))
	}
	got, err := p.DocNames(ctx)
	if err != nil || !maps.Equal(got, want) {
		t.Fatalf("DocNames: %q, %v; want %q", got, err, want)
	}
	dir := p.Dir
	p.Close()
	log := filepath.Join(dir, GraphDir, "docs.log")

	// check finds a wrong name, and --repair (a rebuild) mends it.
	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(log, []byte(strings.Replace(string(data), "zh.txt", "renamed.txt", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	stampPosition(t, filepath.Dir(log))
	p, err = Open(dir, ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	r, err := p.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if r.OK() || !strings.Contains(strings.Join(problems(r), "\n"), `names the document "renamed.txt"`) {
		t.Errorf("check of a wrong name: %q", problems(r))
	}
	if err := p.RebuildView(); err != nil {
		t.Fatal(err)
	}
	if r, err := p.Check(ctx); err != nil || !r.OK() {
		t.Errorf("check after the rebuild: %q, %v", problems(r), err)
	}
	p.Close()

	// A project made before: read-only, names come from the graph; open
	// for writing, the projection is rebuilt.
	if err := os.Remove(log); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, GraphDir, "position.json")); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []Mode{ReadOnly, ReadWrite} {
		p, err := Open(dir, mode)
		if err != nil {
			t.Fatal(err)
		}
		got, err := p.DocNames(ctx)
		p.Close()
		if err != nil || !maps.Equal(got, want) {
			t.Fatalf("mode %v without docs.log: %q, %v; want %q", mode, got, err, want)
		}
		_, err = os.Stat(log)
		if mode == ReadOnly && err == nil || mode == ReadWrite && err != nil {
			t.Errorf("mode %v: docs.log after DocNames: %v", mode, err)
		}
	}
}

func problems(r *CheckReport) []string {
	if r == nil {
		return nil
	}
	var out []string
	for _, pr := range r.Problems {
		out = append(out, pr.Doc+": "+pr.Msg)
	}
	return out
}
