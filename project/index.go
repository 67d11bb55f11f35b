package project

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/corpus"
	"github.com/qualgraph/qualgraph/internal/atomicfile"
	"github.com/qualgraph/qualgraph/internal/record"
	"github.com/qualgraph/qualgraph/kg"
)

// The full-text index is derived from the record as the graph is: it
// holds the documents that the record's entries import, with the
// attributes the entries give them. Its position, in the index folder
// beside bleve's own files (a rebuilt index carries its own), says how
// far it has applied the record. An import is acknowledged once its
// entry is recorded and its sources synced; the index follows, and
// search says how many documents it can find until it has.
const indexPositionFile = "position.json"

// IndexPosition is how far the full-text index has applied the record.
type IndexPosition struct {
	record.Position
	Docs int `json:"docs"` // documents indexed
}

func (p *Project) indexPositionPath() string {
	return filepath.Join(p.Dir, IndexDir, indexPositionFile)
}

// ReadIndexPosition returns the index's position; ok is false for an index
// made before positions were kept (it holds what the graph holds then).
func (p *Project) ReadIndexPosition() (pos IndexPosition, ok bool, err error) {
	b, err := os.ReadFile(p.indexPositionPath())
	if errors.Is(err, fs.ErrNotExist) {
		return IndexPosition{Position: record.Start}, false, nil
	} else if err != nil {
		return pos, false, err
	}
	if err := json.Unmarshal(b, &pos); err != nil {
		return pos, false, fmt.Errorf("%s: %v", p.indexPositionPath(), err)
	}
	return pos, true, nil
}

func writeIndexPosition(dir string, pos IndexPosition) error {
	b, _ := json.Marshal(pos)
	return atomicfile.WriteFile(filepath.Join(dir, indexPositionFile), append(b, '\n'))
}

// Searchable says how many of the project's documents search can find:
// Indexed of Total; the index has caught up when they are equal and
// CaughtUp is set.
type Searchable struct {
	Indexed, Total int
	CaughtUp       bool
}

// IndexStatus compares the index with the graph's projection.
func (p *Project) IndexStatus(ctx context.Context) (Searchable, error) {
	ipos, ok, err := p.ReadIndexPosition()
	if err != nil {
		return Searchable{}, err
	}
	gpos, err := p.projectionPosition()
	if err != nil {
		return Searchable{}, err
	}
	if ok && ipos.Seq >= gpos.LastDocs {
		// No entry since the index's position changed documents: the
		// documents it counted then are the projection's now, and the
		// docs log (a megabyte at 2,000 documents) need not be read.
		return Searchable{Indexed: ipos.Docs, Total: ipos.Docs, CaughtUp: true}, nil
	}
	total, err := p.documentCount(ctx, gpos)
	if err != nil {
		return Searchable{}, err
	}
	s := Searchable{Indexed: ipos.Docs, Total: total}
	if !ok || ipos.Seq >= gpos.LastDocs {
		s.Indexed, s.CaughtUp = s.Total, true
	}
	return s, nil
}

// indexBehind reports whether entries that the graph has applied change
// documents the index has not taken yet.
func (p *Project) indexBehind() (bool, error) {
	ipos, ok, err := p.ReadIndexPosition()
	if err != nil || !ok {
		return false, err
	}
	gpos, err := p.projectionPosition()
	if err != nil {
		return false, err
	}
	return ipos.Seq < gpos.LastDocs, nil
}

// catchUpIndex indexes the documents that the entries after the index's
// position import or change, as the graph now has them, and moves the
// position to the graph's. progress, if not nil, gets bytes done and the
// total, as import reports them.
func (p *Project) catchUpIndex(ctx context.Context, progress func(done, total int64)) error {
	return p.catchUpIndexFrom(ctx, nil, progress)
}

// catchUpIndexFrom is catchUpIndex that takes the text and segments of
// the documents in loaded, which the caller has just stored (an import),
// from memory instead of reading their sources again.
func (p *Project) catchUpIndexFrom(ctx context.Context, loaded []*corpus.Document, progress func(done, total int64)) error {
	ipos, ok, err := p.ReadIndexPosition()
	if err != nil {
		return err
	}
	gpos, err := p.projectionPosition()
	if err != nil {
		return err
	}
	if !ok || ipos.Seq >= gpos.LastDocs {
		// Without a position, an index made before them that the
		// project has not converted yet: it holds what the graph held.
		return nil
	}
	seen := map[string]bool{}
	var ids []string
	// The graph's position bounds the scan: the index follows the graph,
	// which has checked and applied these entries.
	_, err = p.be.scan(ctx, ipos.Position, func(end record.Position, payload []byte) error {
		if end.Seq > gpos.Seq {
			return errStopScan
		}
		if !bytes.Contains(payload, []byte(`"documents":`)) && !bytes.Contains(payload, []byte(`"attrs":`)) {
			return nil
		}
		ev, err := coding.UnmarshalEvent(payload)
		if err != nil {
			return fmt.Errorf("record entry %d: %w", end.Seq, err)
		}
		for _, id := range ev.DocumentIDs() {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
		return nil
	})
	if err != nil && !errors.Is(err, errStopScan) {
		return err
	}
	// The projection's records once, not once a document.
	all, err := p.Documents(ctx)
	if err != nil {
		return err
	}
	byID := make(map[string]*corpus.Document, len(all))
	for _, d := range all {
		byID[d.ID] = d
	}
	mem := make(map[string]*corpus.Document, len(loaded))
	for _, d := range loaded {
		mem[d.ID] = d
	}
	docs := make([]*corpus.Document, 0, len(ids))
	var total int64
	for _, id := range ids {
		rec, ok := byID[id]
		if !ok {
			return fmt.Errorf("index document %s: %w", id, kg.ErrNotFound)
		}
		d := *rec
		if l, ok := mem[id]; ok {
			d.Text, d.Segments = l.Text, l.Segments
		} else if err := p.loadSource(&d); err != nil {
			return fmt.Errorf("index document %s: %w", id, err)
		}
		docs = append(docs, &d)
		total += d.Source.Size
	}
	if progress == nil {
		progress = func(int64, int64) {}
	}
	ix, err := p.writableIndex()
	if err != nil {
		return err
	}
	if err := p.indexDocs(ix, docs, total, progress); err != nil {
		return fmt.Errorf("index: %w", err)
	}
	n, err := p.docCount(ctx)
	if err != nil {
		return err
	}
	return writeIndexPosition(filepath.Join(p.Dir, IndexDir), IndexPosition{Position: gpos.Position, Docs: n})
}

var errStopScan = errors.New("stop")

// docCount returns the number of documents in the graph's projection.
func (p *Project) docCount(ctx context.Context) (int, error) {
	names, err := p.DocNames(ctx)
	return len(names), err
}

// documentMeta returns d as the record keeps it: without its text and
// segments, which are in the sources.
func documentMeta(docs []*corpus.Document) []*corpus.Document {
	out := make([]*corpus.Document, len(docs))
	for i, d := range docs {
		m := *d
		m.Text, m.Segments = "", nil
		m.Attrs = maps.Clone(d.Attrs)
		out[i] = &m
	}
	return out
}
