package project

import (
	"github.com/qualgraph/qualgraph/kg"
	"reflect"

	"context"
	"encoding/json"
	"errors"
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
	Positions Positions `json:"positions"`
	Problems  []Problem `json:"problems"`
	// TempFiles are temporary files left by killed writes (TempFiles):
	// harmless, so not problems, but check --repair removes them.
	TempFiles []string `json:"temp_files,omitempty"`
}

// Positions say how far each store has applied the record: the number of
// the last entry each holds.
type Positions struct {
	Record     uint64 `json:"record"`     // entries in the record
	Projection uint64 `json:"projection"` // applied by the projection, which commands read
	Graph      uint64 `json:"graph"`      // applied by the cayley graph (Gizmo, RDF)
	// Index is the entry the full-text index has applied up to; it
	// need only reach the last entry that changed documents, IndexNeeds.
	Index      uint64 `json:"index"`
	IndexNeeds uint64 `json:"index_needs"`
}

// OK reports whether Check found nothing wrong.
func (r *CheckReport) OK() bool { return len(r.Problems) == 0 }

// Check verifies that sources, graph and index agree: every document of the
// graph has its text (with the recorded digest and length) and valid
// segments in sources/, the index holds exactly its segments, and nothing
// is stored for a document the graph does not know. It also parses the
// ontology, and lists the temporary files left by killed writes
// (TempFiles) in the report's TempFiles.
func (p *Project) Check(ctx context.Context) (*CheckReport, error) {
	r := &CheckReport{}
	var err error
	add := func(doc, format string, args ...any) {
		r.Problems = append(r.Problems, Problem{Doc: doc, Msg: fmt.Sprintf(format, args...)})
	}
	if _, err := p.Ontology(); err != nil {
		add("", "ontology: %v", err)
	}
	if _, err := os.Stat(filepath.Join(p.Dir, journalFile)); err == nil && !p.journal {
		add("", "an interrupted write was not recovered (journal.json is present)")
	}
	if r.TempFiles, err = p.TempFiles(); err != nil {
		return nil, err
	}
	// The graph may lag after bulk work or a killed writer; it is
	// brought up first, so that its contents can be compared.
	if graph, proj, err := p.GraphLag(); err != nil {
		return nil, err
	} else if graph.Seq < proj.Seq && !p.shared {
		if err := p.SyncGraph(p.GraphProgress); err != nil {
			add("", "the graph could not apply entries %d to %d: %v", graph.Seq+1, proj.Seq, err)
		}
	}
	synced, err := p.checkPositions(r, add)
	if err != nil {
		return nil, err
	}
	// What the projection holds (what every command reads) is checked
	// against sources and index; the graph, when it has caught up,
	// against the projection.
	docs, err := p.Documents(ctx)
	if err != nil {
		return nil, err
	}
	r.Documents = len(docs)
	if synced {
		g, err := p.Graph()
		if err != nil {
			return nil, err
		}
		gdocs, err := g.Documents(ctx)
		if err != nil {
			return nil, err
		}
		p.checkDocuments(gdocs, add)
		p.checkDocNames(gdocs, add)
		p.checkView(add)
	}
	var indexed map[string]int
	if ix, err := p.Index(); err != nil {
		add("", "index: %v", err)
	} else if indexed, err = ix.Docs(); err != nil {
		add("", "index: %v", err)
	}
	for _, n := range indexed {
		r.Units += n
	}
	p.checkQuotes(add)
	srcs, err := p.sourceIDs()
	if err != nil {
		return nil, err
	}
	// Documents an index that is catching up has not taken yet are
	// reported once, above, not one by one.
	pending := r.Positions.Index < r.Positions.IndexNeeds
	inGraph := map[string]bool{}
	for _, d := range docs {
		inGraph[d.ID] = true
		p.checkDoc(d, indexed, pending, add)
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

func (p *Project) checkDoc(d *corpus.Document, indexed map[string]int, pending bool, add func(doc, format string, args ...any)) {
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
		if got := indexed[d.ID]; got != len(rec.Segments) && !(pending && got == 0) {
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
	cmp("users", want.Users, got.Users, len(want.Users), len(got.Users))
	if want.Blind != got.Blind {
		out = append(out, fmt.Sprintf("blind coding: graph %v, projection %v", want.Blind, got.Blind))
	}
	cmp("speaker aliases", want.SpeakerAliases, got.SpeakerAliases, len(want.SpeakerAliases), len(got.SpeakerAliases))
	cmp("removed entities", want.Removed, got.Removed, len(want.Removed), len(got.Removed))
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
	unlock, err := p.lockWrite()
	if err != nil {
		return 0, err
	}
	defer unlock()
	return p.reindex(ctx, progress)
}

// reindex is Reindex for a caller that holds the write lock.
func (p *Project) reindex(ctx context.Context, progress func(done, total int64)) (int, error) {
	if !p.write {
		return 0, fmt.Errorf("reindex: project opened read-only")
	}
	docs, err := p.Documents(ctx)
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
	// The new index holds what the projection holds, at its position.
	gpos, err := p.projectionPosition()
	if err != nil {
		return 0, err
	}
	if err := writeIndexPosition(tmp, IndexPosition{Position: gpos.Position, Docs: len(docs)}); err != nil {
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

// SetAttrs sets attributes of the document ref (id or name) in one entry
// of the record, and brings the index up to it.
func (p *Project) SetAttrs(ctx context.Context, ref string, attrs corpus.Attrs, by string) (*corpus.Document, error) {
	if err := attrs.Check(); err != nil {
		return nil, err
	}
	unlock, err := p.lockWrite()
	if err != nil {
		return nil, err
	}
	defer unlock()
	d, err := p.DocumentRecord(ctx, ref)
	if err != nil {
		return nil, err
	}
	detail := fmt.Sprintf("set %d attributes of %s", len(attrs), d.Name)
	ev := &coding.Event{Change: coding.NewChange(by, "attr set", detail), Attrs: &coding.DocAttrs{Doc: d.ID, Attrs: attrs}}
	if err := p.commit(ev); err != nil {
		return nil, err
	}
	if err := p.catchUpIndex(ctx, nil); err != nil {
		return nil, err
	}
	return p.Document(ctx, d.ID)
}

// checkPositions reports how far each store has applied the record, and
// a store that has not caught up; synced says the graph holds what the
// projection does.
func (p *Project) checkPositions(r *CheckReport, add func(doc, format string, args ...any)) (synced bool, err error) {
	head, err := p.RecordHead()
	if err != nil {
		add("", "record: %v", err)
		return false, nil
	}
	gdir := filepath.Join(p.Dir, GraphDir)
	ppos, _, err := kg.ReadPosition(gdir)
	if err != nil {
		return false, err
	}
	gpos, err := kg.ReadGraphPosition(gdir)
	if err != nil {
		return false, err
	}
	ipos, _, err := p.ReadIndexPosition()
	if err != nil {
		add("", "index: %v", err)
	}
	r.Positions = Positions{Record: head.Seq, Projection: ppos.Seq, Graph: gpos.Seq, Index: ipos.Seq, IndexNeeds: ppos.LastDocs}
	switch {
	case ppos.Seq > head.Seq:
		add("", "the projection has applied %d entries, but the record holds %d: the record was cut or replaced", ppos.Seq, head.Seq)
	case ppos.Seq < head.Seq:
		add("", "the projection has applied %d of the record's %d entries (the next command that writes applies the rest; so does check --repair)", ppos.Seq, head.Seq)
	}
	if gpos.Seq < ppos.Seq {
		add("", "the graph has applied %d of the %d entries the projection holds (a query, an RDF export, check or the next command that writes brings it up)", gpos.Seq, ppos.Seq)
	} else if gpos.Seq > ppos.Seq {
		add("", "the graph has applied %d entries, more than the projection's %d (qualgraph check --repair rebuilds the projection)", gpos.Seq, ppos.Seq)
	}
	if ipos.Seq < ppos.LastDocs {
		add("", "the full-text index has applied the record up to entry %d, but entry %d changed documents (the next command that writes indexes them; so does check --repair)", ipos.Seq, ppos.LastDocs)
	}
	return gpos.Seq == ppos.Seq, nil
}

// checkDocuments compares what the projection keeps of each document with
// the graph.
func (p *Project) checkDocuments(docs []*corpus.Document, add func(doc, format string, args ...any)) {
	kept, err := kg.LoadDocuments(filepath.Join(p.Dir, GraphDir))
	if errors.Is(err, kg.ErrNoProjection) {
		return // an older projection: readers use the graph
	} else if err != nil {
		add("", "projection: %v (qualgraph check --repair rebuilds it)", err)
		return
	}
	byID := make(map[string]*corpus.Document, len(kept))
	for _, d := range kept {
		byID[d.ID] = d
	}
	for _, d := range docs {
		k, ok := byID[d.ID]
		if !ok {
			continue // checkDocNames says so
		}
		a, _ := json.Marshal(d)
		b, _ := json.Marshal(k)
		if string(a) != string(b) {
			add(d.ID, "the projection's record of the document differs from the graph's (qualgraph check --repair rebuilds it):\n  graph      %s\n  projection %s", a, b)
		}
	}
}
