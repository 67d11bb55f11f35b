package project

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/corpus"
	"github.com/qualgraph/qualgraph/corpus/fts"
	"github.com/qualgraph/qualgraph/kg"
	"github.com/qualgraph/qualgraph/ontology"
)

// TestSharedWithOtherWriters opens a project Shared, as the workbench
// server does, and has other writers (each a ReadWrite project, as a CLI
// command in another process opens it: the lock is a file lock, so two
// opens in one process exclude each other as two processes do) write
// between its changes: each side sees the other's changes, nobody is
// refused while the other is idle, a writer that holds the project makes
// the shared one wait and then fail naming it, and CatchUp brings the
// graph and the index up to everything.
func TestSharedWithOtherWriters(t *testing.T) {
	ctx := context.Background()
	first := autoCodeProject(t, map[string]string{"chen.txt": chenText})
	dir := first.Dir
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	oldIdle, oldWait := indexIdle, LockWait
	indexIdle, LockWait = 50*time.Millisecond, 300*time.Millisecond
	t.Cleanup(func() { indexIdle, LockWait = oldIdle, oldWait })

	s, err := Open(dir, Shared)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	docs, err := s.Documents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	doc := docs[0].ID
	code := func(p *Project, start int, by string) coding.Coding {
		t.Helper()
		cs, err := p.Code(ctx, []CodeRequest{{Span: coding.Span{Doc: doc, Start: start, End: start + 5}, Code: "LocalGovernment"}}, by, "code")
		if err != nil {
			t.Fatalf("%s codes: %v", by, err)
		}
		return cs[0]
	}
	// The shared project searches, which keeps the index open for a
	// moment; then it codes.
	search := func(q string) int {
		t.Helper()
		var n int
		err := s.ReadIndex(func(ix *fts.Index) error {
			hits, err := ix.Search(fts.SearchRequest{Query: q})
			n = len(hits)
			return err
		})
		if err != nil {
			t.Fatalf("search %q: %v", q, err)
		}
		return n
	}
	if n := search("savings"); n != 1 {
		t.Fatalf("search savings: %d hits, want 1", n)
	}
	a := code(s, 0, "server")

	// Another writer opens while the shared one is open: it is not
	// refused, and imports (which needs the index the shared project
	// searched a moment ago) and codes.
	w, err := Open(dir, ReadWrite)
	if err != nil {
		t.Fatalf("a writer while the project is open shared: %v", err)
	}
	if _, err := w.ImportData(ctx, []DataFile{{Path: "lin.txt", Data: []byte(linText)}}, ImportOptions{Kind: corpus.KindInterview, By: "cli"}); err != nil {
		t.Fatalf("import while the project is open shared: %v", err)
	}
	b := code(w, 10, "cli")

	// While that writer holds the project, a change of the shared one
	// waits, then fails naming the holder, and writes nothing.
	_, err = s.Code(ctx, []CodeRequest{{Span: coding.Span{Doc: doc, Start: 20, End: 25}, Code: "LocalGovernment"}}, "server", "code")
	var le *LockedError
	if !errors.As(err, &le) {
		t.Fatalf("shared write while another writer holds the project: %v, want a *LockedError", err)
	}
	// It reads meanwhile, and sees the other writer's change.
	v, err := s.View(false)
	if err != nil {
		t.Fatal(err)
	}
	if !hasCoding(v, a.ID) || !hasCoding(v, b.ID) || len(v.Codings) != 2 {
		t.Fatalf("shared reader sees %d codings, want %s and %s", len(v.Codings), a.ID, b.ID)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	// Once it is gone, the shared project writes again, on top of the
	// other writer's change: the record numbers both in order.
	c := code(s, 30, "server")
	if v, err = s.View(false); err != nil {
		t.Fatal(err)
	}
	if len(v.Codings) != 3 || !hasCoding(v, c.ID) {
		t.Fatalf("after the shared write: %d codings, want 3", len(v.Codings))
	}
	head, err := s.RecordHead()
	if err != nil {
		t.Fatal(err)
	}
	if pos, err := s.ProjectionPosition(); err != nil || pos != head {
		t.Fatalf("projection at %v, record head %v (%v)", pos, head, err)
	}
	// The other writer's import is searchable from the shared project.
	if n := search("镇政府"); n != 1 {
		t.Fatalf("search of the other writer's import: %d hits, want 1", n)
	}

	// The graph follows through CatchUp, and a Gizmo query sees every
	// coding as an ordinary node.
	if err := s.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	g, pp, err := s.GraphLag()
	if err != nil || g != pp {
		t.Fatalf("graph at %v, projection at %v after CatchUp (%v)", g, pp, err)
	}
	var count any
	err = s.ReadGraph(func(st *kg.Store) error {
		out, err := st.Query(ctx, `g.V().Has("<rdf:type>", "<qg:Coding>").Count()`, 0)
		if err == nil && len(out) == 1 {
			count = out[0]
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if n, ok := count.(int64); !ok || n != 3 {
		t.Fatalf("Gizmo count of codings: %v (%T), want 3", count, count)
	}

	// A reader in another process is never refused, and sees it all.
	r, err := Open(dir, ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if v, err = r.View(false); err != nil || len(v.Codings) != 3 {
		t.Fatalf("reader: %v codings (%v), want 3", v, err)
	}
	if _, err := os.Stat(filepath.Join(dir, journalFile)); err == nil {
		t.Fatal("journal.json left after the writes ended")
	}
}

func hasCoding(v *coding.View, id string) bool {
	for _, c := range v.Codings {
		if c.ID == id {
			return true
		}
	}
	return false
}

// TestSharedSeesOntologyEdits edits the ontology file of a project open
// shared, as a researcher does while the workbench runs: the next use sees
// the new class.
func TestSharedSeesOntologyEdits(t *testing.T) {
	first := autoCodeProject(t, map[string]string{"chen.txt": chenText})
	dir := first.Dir
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	s, err := Open(dir, Shared)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	o, err := s.Ontology()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := o.Class("GuanxiBrokerage"); ok {
		t.Fatal("the built-in ontology already has GuanxiBrokerage")
	}
	name := filepath.Join(dir, OntologyFile)
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	added := o.Clone()
	if err := added.AddClass(ontology.Class{ID: "GuanxiBrokerage", Parent: "NetworkPower"}); err != nil {
		t.Fatal(err)
	}
	edited, err := added.InsertClassYAML(name, b, "GuanxiBrokerage")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, edited, 0o644); err != nil {
		t.Fatal(err)
	}
	if o, err = s.Ontology(); err != nil {
		t.Fatal(err)
	}
	if _, ok := o.Class("GuanxiBrokerage"); !ok {
		t.Fatal("the shared project does not see the class added to its ontology file")
	}
}
