package project

import (
	"github.com/qualgraph/qualgraph/kg"
	"reflect"

	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"unicode/utf8"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/corpus"
	"github.com/qualgraph/qualgraph/corpus/fts"
)

// Problem is one disagreement found by Check.
type Problem struct {
	Doc string `json:"doc,omitempty"`
	Msg string `json:"message"`
}

func (p Problem) String() string {
	if p.Doc == "" {
		return p.Msg
	}
	return p.Doc + ": " + p.Msg
}

// CheckReport is what Check found.
type CheckReport struct {
	Documents int       `json:"documents"`
	Units     int       `json:"index_units"`
	Problems  []Problem `json:"problems"`
}

// OK reports whether Check found nothing wrong.
func (r *CheckReport) OK() bool { return len(r.Problems) == 0 }

// Check verifies that sources, graph and index agree: every document of the
// graph has its text (with the recorded digest and length) and valid
// segments in sources/, the index holds exactly its segments, and nothing
// is stored for a document the graph does not know. It also parses the
// ontology.
func (p *Project) Check(ctx context.Context) (*CheckReport, error) {
	r := &CheckReport{}
	add := func(doc, format string, args ...any) {
		r.Problems = append(r.Problems, Problem{Doc: doc, Msg: fmt.Sprintf(format, args...)})
	}
	if _, err := p.Ontology(); err != nil {
		add("", "ontology: %v", err)
	}
	if _, err := os.Stat(filepath.Join(p.Dir, journalFile)); err == nil && !p.journal {
		add("", "an interrupted write was not recovered (journal.json is present)")
	}
	g, err := p.Graph()
	if err != nil {
		return nil, err
	}
	docs, err := g.Documents(ctx)
	if err != nil {
		return nil, err
	}
	r.Documents = len(docs)
	var indexed map[string]int
	if ix, err := p.Index(); err != nil {
		add("", "index: %v", err)
	} else if indexed, err = ix.Docs(); err != nil {
		add("", "index: %v", err)
	}
	for _, n := range indexed {
		r.Units += n
	}
	p.checkView(add)
	p.checkQuotes(add)
	p.checkDocNames(docs, add)
	srcs, err := p.sourceIDs()
	if err != nil {
		return nil, err
	}
	inGraph := map[string]bool{}
	for _, d := range docs {
		inGraph[d.ID] = true
		p.checkDoc(d, indexed, add)
	}
	var orphans []string
	for id := range srcs {
		if !inGraph[id] {
			orphans = append(orphans, id)
		}
	}
	sort.Strings(orphans)
	for _, id := range orphans {
		add(id, "files in sources/ for a document the graph does not know")
	}
	orphans = orphans[:0]
	for id := range indexed {
		if !inGraph[id] {
			orphans = append(orphans, id)
		}
	}
	sort.Strings(orphans)
	for _, id := range orphans {
		add(id, "indexed, but the graph does not know this document (qualgraph reindex)")
	}
	return r, nil
}

func (p *Project) checkDoc(d *corpus.Document, indexed map[string]int, add func(doc, format string, args ...any)) {
	text, err := p.Text(d.ID)
	if err != nil {
		add(d.ID, "%v", err)
		return
	}
	if sum := sha256Hex(text); sum != d.Source.TextSHA {
		add(d.ID, "stored text has SHA-256 %s, the graph recorded %s", sum[:12], short(d.Source.TextSHA))
	}
	n := utf8.RuneCountInString(text)
	if n != d.Chars {
		add(d.ID, "stored text has %d code points, the graph recorded %d", n, d.Chars)
	}
	rec, err := p.readRecord(d.ID)
	if err != nil {
		add(d.ID, "%v", err)
		return
	}
	prev := 0
	for i, s := range rec.Segments {
		if s.Start < prev || s.End <= s.Start || s.End > n {
			add(d.ID, "segment %d [%d,%d) is out of order or out of range (text has %d code points)", i, s.Start, s.End, n)
			break
		}
		prev = s.End
	}
	if indexed != nil {
		if got := indexed[d.ID]; got != len(rec.Segments) {
			add(d.ID, "index holds %d units, the document has %d segments (qualgraph reindex)", got, len(rec.Segments))
		}
	}
}

// checkView compares the projection with the graph it mirrors.
func (p *Project) checkView(add func(doc, format string, args ...any)) {
	g, err := p.Graph()
	if err != nil {
		add("", "graph: %v", err)
		return
	}
	want, err := g.View()
	if err != nil {
		add("", "graph: %v", err)
		return
	}
	got, err := kg.LoadView(filepath.Join(p.Dir, GraphDir), false)
	if err != nil {
		add("", "projection: %v", err)
		return
	}
	for _, d := range viewDiff(want, got) {
		add("", "projection differs from the graph: %s (a write was lost; qualgraph check --repair rebuilds it)", d)
	}
}

// viewDiff lists how got differs from want, briefly.
func viewDiff(want, got *coding.View) []string {
	var out []string
	cmp := func(what string, a, b any, na, nb int) {
		if na == 0 && nb == 0 {
			return // nil and empty are the same here
		}
		if !reflect.DeepEqual(a, b) {
			out = append(out, fmt.Sprintf("%s: graph %d, projection %d", what, na, nb))
		}
	}
	cmp("codings", want.Codings, got.Codings, len(want.Codings), len(got.Codings))
	cmp("mentions", want.Mentions, got.Mentions, len(want.Mentions), len(got.Mentions))
	cmp("entities", want.Entities, got.Entities, len(want.Entities), len(got.Entities))
	cmp("assertions", want.Assertions, got.Assertions, len(want.Assertions), len(got.Assertions))
	cmp("memos", want.Memos, got.Memos, len(want.Memos), len(got.Memos))
	cmp("codes", want.Codes, got.Codes, len(want.Codes), len(got.Codes))
	cmp("changes", want.Changes, got.Changes, len(want.Changes), len(got.Changes))
	return out
}

func short(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}

// Reindex rebuilds the full-text index from sources and graph. progress, if
// not nil, is called with the number of documents done and the total.
func (p *Project) Reindex(ctx context.Context, progress func(done, total int64)) (int, error) {
	if !p.write {
		return 0, fmt.Errorf("reindex: project opened read-only")
	}
	g, err := p.Graph()
	if err != nil {
		return 0, err
	}
	docs, err := g.Documents(ctx)
	if err != nil {
		return 0, err
	}
	if p.index != nil {
		p.index.Close()
		p.index = nil
	}
	dir := filepath.Join(p.Dir, IndexDir)
	tmp := dir + ".new"
	os.RemoveAll(tmp)
	ix, err := fts.CreateIndex(tmp)
	if err != nil {
		return 0, err
	}
	for i, d := range docs {
		if err := p.loadSource(d); err != nil {
			ix.Close()
			return 0, err
		}
		if err := ix.Add(d); err != nil {
			ix.Close()
			return 0, err
		}
		d.Text, d.Segments = "", nil
		if progress != nil {
			progress(int64(i+1), int64(len(docs)))
		}
	}
	if err := ix.Close(); err != nil {
		return 0, err
	}
	// Swap the new index in; a crash between the two renames leaves
	// index/ missing, which Open reports and reindex repairs.
	old := dir + ".old"
	os.RemoveAll(old)
	if err := os.Rename(dir, old); err != nil && !os.IsNotExist(err) {
		return 0, err
	}
	if err := os.Rename(tmp, dir); err != nil {
		return 0, err
	}
	os.RemoveAll(old)
	return len(docs), nil
}

// SetAttrs sets attributes of the document ref (id or name) and re-indexes
// it, in the journal protocol of the package doc.
func (p *Project) SetAttrs(ctx context.Context, ref string, attrs corpus.Attrs, by string) (*corpus.Document, error) {
	g, err := p.Graph()
	if err != nil {
		return nil, err
	}
	d, err := g.Document(ctx, ref)
	if err != nil {
		return nil, err
	}
	if err := p.beginWrite("attr set", []string{d.ID}); err != nil {
		return nil, err
	}
	detail := fmt.Sprintf("set %d attributes of %s", len(attrs), d.Name)
	if err := g.SetAttrs(ctx, coding.NewChange(by, "attr set", detail), d.ID, attrs); err != nil {
		return nil, p.undo(ctx, []string{d.ID}, err)
	}
	d, err = p.Document(ctx, d.ID)
	if err == nil {
		var ix *fts.Index
		if ix, err = p.Index(); err == nil {
			err = ix.Add(d)
		}
	}
	if err != nil {
		return nil, p.undo(ctx, []string{d.ID}, err)
	}
	return d, nil
}
