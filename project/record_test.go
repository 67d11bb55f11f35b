package project

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/internal/record"
	"github.com/qualgraph/qualgraph/kg"
)

var errCrash = errors.New("simulated crash")

// recordProject returns a project with one document coded once, closed.
func recordProject(t *testing.T) (dir, doc string) {
	t.Helper()
	p := autoCodeProject(t, map[string]string{"chen.txt": chenText})
	docs, err := p.DocNames(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for id := range docs {
		doc = id
	}
	if _, err := p.Code(context.Background(), []CodeRequest{{Span: coding.Span{Doc: doc, Start: 0, End: 9}, Code: "LocalGovernment"}}, "ana", "code"); err != nil {
		t.Fatal(err)
	}
	dir = p.Dir
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	return dir, doc
}

func codingsOf(t *testing.T, dir string) []coding.Coding {
	t.Helper()
	p, err := Open(dir, ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	v, err := p.View(false)
	if err != nil {
		t.Fatal(err)
	}
	return v.Codings
}

func mustCheck(t *testing.T, dir string) {
	t.Helper()
	p, err := Open(dir, ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	r, err := p.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() {
		t.Fatalf("check: %q", problems(r))
	}
}

// TestRecordCatchUp stops a write where a crash could (after the entry is
// acknowledged, after it is applied but before its position is saved) and
// checks that the next writer applies it exactly once.
func TestRecordCatchUp(t *testing.T) {
	for _, tc := range []struct {
		name string
		hook *func() error
		lag  bool // the graph lags the projection before recovery
	}{
		// The record has it: readers replay it over the projection.
		{"AfterAppend", &testHookAfterAppend, false},
		// The projection has it, the graph not yet.
		{"AfterProjection", &testHookAfterProjection, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, doc := recordProject(t)
			p, err := Open(dir, ReadWrite)
			if err != nil {
				t.Fatal(err)
			}
			*tc.hook = func() error { return errCrash }
			_, err = p.Code(context.Background(), []CodeRequest{{Span: coding.Span{Doc: doc, Start: 10, End: 14}, Code: "Lobbying"}}, "ben", "code")
			*tc.hook = nil
			if !errors.Is(err, errCrash) {
				t.Fatalf("code: %v, want the crash", err)
			}
			// The process goes on no further with writes...
			if _, err := p.Code(context.Background(), []CodeRequest{{Span: coding.Span{Doc: doc, Start: 1, End: 2}, Code: "Lobbying"}}, "ben", "code"); err == nil {
				t.Fatal("a write after an unapplied entry went through")
			}
			// ...and dies: the lock and files stay as they are.
			p.be.close()
			p.lock.release()
			if p.graph != nil {
				p.graph.Close()
			}

			// A reader sees the projection at its position, which
			// never covers half an entry, and the record's entries
			// after it: the acknowledged coding.
			if n := len(codingsOf(t, dir)); n != 2 {
				t.Fatalf("reader before recovery sees %d codings, want 2", n)
			}
			r, err := Open(dir, ReadOnly)
			if err != nil {
				t.Fatal(err)
			}
			graph, proj, err := r.GraphLag()
			r.Close()
			wantProj := uint64(2)
			if tc.lag {
				wantProj = 3
			}
			if err != nil || (graph.Seq < proj.Seq) != tc.lag || proj.Seq != wantProj {
				t.Fatalf("GraphLag before recovery: graph %d, projection %d, %v", graph.Seq, proj.Seq, err)
			}
			p, err = Open(dir, ReadWrite)
			if err != nil {
				t.Fatal(err)
			}
			head, _ := p.RecordHead()
			gp, _ := p.ProjectionPosition()
			p.Close()
			if head.Seq != 3 || gp != head {
				t.Fatalf("after recovery: record head %+v, graph at %+v", head, gp)
			}
			cs := codingsOf(t, dir)
			if len(cs) != 2 || cs[1].Code != "Lobbying" || cs[1].Coder != "ben" {
				t.Fatalf("after recovery: %+v", cs)
			}
			mustCheck(t, dir)
			// The graph holds it once, as the projection does.
			g, err := kg.Open(filepath.Join(dir, GraphDir), true)
			if err != nil {
				t.Fatal(err)
			}
			defer g.Close()
			v, err := g.View()
			if err != nil {
				t.Fatal(err)
			}
			if len(v.Codings) != 2 {
				t.Fatalf("graph has %d codings", len(v.Codings))
			}
		})
	}
}

// TestReadersStopAtPosition appends to the projection past its position,
// as a writer does before it says so: readers do not see it, and the next
// writer cuts it off.
func TestReadersStopAtPosition(t *testing.T) {
	dir, doc := recordProject(t)
	log := filepath.Join(dir, GraphDir, "codings.log")
	f, err := os.OpenFile(log, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := os.Stat(log)
	f.WriteString("C\tghost\t" + doc + "\t0\t3\tLobbying\tx\t2026-01-01T00:00:00Z\t\nhalf a li")
	f.Close()
	if cs := codingsOf(t, dir); len(cs) != 1 {
		t.Fatalf("reader sees %d codings, want 1", len(cs))
	}
	p, err := Open(dir, ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	p.Close()
	if after, _ := os.Stat(log); after.Size() != before.Size() {
		t.Errorf("codings.log is %d bytes after a writer opened, want %d", after.Size(), before.Size())
	}
	mustCheck(t, dir)
}

// TestRecordEveryWrite checks that each kind of coding write is one entry
// of the record, and that the graph and projection derived from the
// record alone equal those the writes made.
func TestRecordEveryWrite(t *testing.T) {
	dir, doc := recordProject(t)
	ctx := context.Background()
	p, err := Open(dir, ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	cs, err := p.Code(ctx, []CodeRequest{{Span: coding.Span{Doc: doc, Start: 22, End: 33}, Code: "Lobbying"}}, "ana", "code")
	must(err)
	_, err = p.Recode(ctx, cs[0].ID, "LocalGovernment", "ben")
	must(err)
	must(p.AddCode(ctx, coding.Code{ID: "SeedMoney", By: "ana"}))
	must(p.AddEntities(ctx, []coding.Entity{{ID: "bureau", Type: "LocalGovernment", Name: "Science Bureau"}, {ID: "chen", Type: "ExperienceBasedFounder"}}, "ana"))
	_, err = p.AddMentions(ctx, []coding.Mention{{Span: coding.Span{Doc: doc, Start: 0, End: 9}, Entity: "bureau"}}, "ana", "mention")
	must(err)
	a, err := p.Assert(ctx, coding.Assertion{Subject: "bureau", Relation: "funds", Object: "chen", Confidence: 0.8, Polarity: coding.Positive,
		Evidence: []coding.Span{{Doc: doc, Start: 22, End: 33}}}, "ana")
	must(err)
	_, err = p.AddMemo(ctx, coding.Memo{Target: "assertion:" + a.ID, Text: "check the year", Author: "ben"})
	must(err)
	must(p.Retract(ctx, a.ID, "wrong year", "ben"))
	must(p.Uncode(ctx, []string{cs[0].ID}, "ana"))
	head := p.be.appendHead()
	want, err := p.View(false)
	must(err)
	p.Close()
	if head.Seq != 11 {
		t.Fatalf("record has %d entries, want 11 (one per write)", head.Seq)
	}
	var ops []string
	_, err = record.Scan(filepath.Join(dir, RecordFile), record.Start, func(_ record.Position, b []byte) error {
		ev, err := coding.UnmarshalEvent(b)
		if err == nil {
			ops = append(ops, ev.Change.Op)
		}
		return err
	})
	must(err)
	if got := strings.Join(ops, ","); got != "import,code,code,recode,codebook add,entity add,mention,assert,memo add,retract,uncode" {
		t.Errorf("record ops: %s", got)
	}

	// Derive a fresh graph from the record alone.
	g := kg.OpenMemory()
	_, err = record.Scan(filepath.Join(dir, RecordFile), record.Start, func(end record.Position, b []byte) error {
		ev, err := coding.UnmarshalEvent(b)
		if err != nil {
			return err
		}
		return g.Apply(end, ev)
	})
	must(err)
	got, err := g.View()
	must(err)
	sameRecords(t, got, want)
}

func sameRecords(t *testing.T, got, want *coding.View) {
	t.Helper()
	check := func(what string, g, w int) {
		if g != w {
			t.Errorf("%s: %d from the record, %d written", what, g, w)
		}
	}
	check("codings", len(got.Codings), len(want.Codings))
	check("codes", len(got.Codes), len(want.Codes))
	check("entities", len(got.Entities), len(want.Entities))
	check("mentions", len(got.Mentions), len(want.Mentions))
	check("assertions", len(got.Assertions), len(want.Assertions))
	check("memos", len(got.Memos), len(want.Memos))
	check("changes", len(got.Changes), len(want.Changes))
	for i := range min(len(got.Assertions), len(want.Assertions)) {
		if g, w := got.Assertions[i], want.Assertions[i]; g.ID != w.ID || g.Retracted != w.Retracted || g.Reason != w.Reason {
			t.Errorf("assertion %d: %+v, want %+v", i, g, w)
		}
	}
	for i := range min(len(got.Codings), len(want.Codings)) {
		if g, w := got.Codings[i], want.Codings[i]; g.ID != w.ID || g.Code != w.Code {
			t.Errorf("coding %d: %+v, want %+v", i, g, w)
		}
	}
}

// TestConvertOlderProject opens a project made before the record: it is
// converted once, with a notice, and keeps every record.
func TestConvertOlderProject(t *testing.T) {
	dir, doc := recordProject(t)
	for _, name := range []string{RecordFile, filepath.Join(GraphDir, "position.json"), filepath.Join(GraphDir, "graph-position.json"), filepath.Join(IndexDir, "position.json")} {
		if err := os.Remove(filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	// Readers read it as it is.
	if n := len(codingsOf(t, dir)); n != 1 {
		t.Fatalf("reader of an older project sees %d codings", n)
	}
	p, err := Open(dir, ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Notices) != 1 || !strings.Contains(p.Notices[0], "converted") {
		t.Errorf("notices %q, want one saying it converted the project", p.Notices)
	}
	if _, err := p.Code(context.Background(), []CodeRequest{{Span: coding.Span{Doc: doc, Start: 10, End: 14}, Code: "Lobbying"}}, "ben", "code"); err != nil {
		t.Fatal(err)
	}
	p.Close()
	p, err = Open(dir, ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Notices) != 0 {
		t.Errorf("converted twice: %q", p.Notices)
	}
	p.Close()
	if n := len(codingsOf(t, dir)); n != 2 {
		t.Fatalf("%d codings after conversion, want 2", n)
	}
	mustCheck(t, dir)
}

// TestWriteLeavesForeignGraphLag checks who brings the graph up to the
// record: a writer that finds the graph behind (a killed writer's entry)
// records its change and closes without applying the lag, which the next
// command that reads the graph applies (SyncGraph); a writer that finds
// the graph current leaves it current.
func TestWriteLeavesForeignGraphLag(t *testing.T) {
	dir, doc := recordProject(t)
	ctx := context.Background()
	code := func(start int) {
		t.Helper()
		p, err := Open(dir, ReadWrite)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.Code(ctx, []CodeRequest{{Span: coding.Span{Doc: doc, Start: start, End: start + 4}, Code: "Lobbying"}}, "ben", "code"); err != nil {
			t.Fatal(err)
		}
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
	}
	lag := func() (graph, proj uint64) {
		t.Helper()
		r, err := Open(dir, ReadOnly)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		g, pp, err := r.GraphLag()
		if err != nil {
			t.Fatal(err)
		}
		return g.Seq, pp.Seq
	}

	// A writer killed after the projection took its entry.
	p, err := Open(dir, ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	testHookAfterProjection = func() error { return errCrash }
	_, err = p.Code(ctx, []CodeRequest{{Span: coding.Span{Doc: doc, Start: 10, End: 14}, Code: "Lobbying"}}, "ben", "code")
	testHookAfterProjection = nil
	if !errors.Is(err, errCrash) {
		t.Fatalf("code: %v, want the crash", err)
	}
	p.be.close()
	p.lock.release()
	if p.graph != nil {
		p.graph.Close()
	}
	if g, pp := lag(); g+1 != pp {
		t.Fatalf("after the kill: graph at %d, projection at %d, want one entry apart", g, pp)
	}

	code(20)
	if g, pp := lag(); g+2 != pp {
		t.Fatalf("after a write that found the graph behind: graph at %d, projection at %d, want the lag left (two entries)", g, pp)
	}

	r, err := Open(dir, ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.SyncGraph(nil); err != nil {
		t.Fatal(err)
	}
	r.Close()
	if g, pp := lag(); g != pp {
		t.Fatalf("after SyncGraph: graph at %d, projection at %d", g, pp)
	}

	code(30)
	if g, pp := lag(); g != pp {
		t.Fatalf("after a write that found the graph current: graph at %d, projection at %d", g, pp)
	}
	mustCheck(t, dir)
}
