package project

import (
	"github.com/qualgraph/qualgraph/internal/atomicfile"

	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/qualgraph/qualgraph/corpus"
	"github.com/qualgraph/qualgraph/kg"
)

// journal lists the documents a write in progress affects.
type journal struct {
	Op      string    `json:"op"`
	Docs    []string  `json:"docs"`
	View    bool      `json:"view"` // the graph's projection may lag behind
	Started time.Time `json:"started"`
	PID     int       `json:"pid"`
}

// beginWrite records the documents a write is about to change. The journal
// stays until Close has flushed the index. A project already holding a
// journal of this process gets the ids added.
func (p *Project) beginWrite(op string, ids []string) error {
	return p.begin(journal{Op: op, Docs: ids})
}

// beginView records that a write to the graph's coding records is about
// to start: if it is killed, the projection is rebuilt from the graph.
func (p *Project) beginView(op string) error {
	return p.begin(journal{Op: op, View: true})
}

func (p *Project) begin(j journal) error {
	if !p.write {
		return errors.New("project opened read-only")
	}
	j.Started, j.PID = time.Now().UTC(), os.Getpid()
	if p.journal {
		if old, err := readJournal(p.Dir); err == nil {
			j.Docs = append(old.Docs, j.Docs...)
			j.View = j.View || old.View
		}
	}
	b, _ := json.Marshal(j)
	if err := atomicfile.WriteFile(filepath.Join(p.Dir, journalFile), b); err != nil {
		return fmt.Errorf("write journal: %w", err)
	}
	p.journal = true
	return nil
}

func readJournal(dir string) (journal, error) {
	var j journal
	b, err := os.ReadFile(filepath.Join(dir, journalFile))
	if err != nil {
		return j, err
	}
	if err := json.Unmarshal(b, &j); err != nil {
		// A journal is written atomically, so a torn one cannot happen;
		// still, an unreadable journal means: check every document.
		j.Docs = nil
		j.Op = "unknown"
	}
	return j, nil
}

// recoverDir repairs what a killed writer left: it makes the index and
// sources agree with the graph for every document the journal lists.
func recoverDir(dir string, meta Meta) (notices []string, err error) {
	l, err := acquire(dir, true)
	if err != nil {
		return nil, err
	}
	p := &Project{Dir: dir, Meta: meta, lock: l, write: true}
	if p.be, err = newBackend(dir, meta, &p.reads, nil); err != nil {
		l.release()
		return nil, err
	}
	j, err := readJournal(dir)
	if err != nil {
		p.Close()
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil // another process recovered it first
		}
		return nil, err
	}
	p.journal = true
	// The record first: what it holds is imported, whatever the
	// journal says; the graph catches up with it. A journal left by a
	// qualgraph from before the record may leave the projection behind
	// the graph: it is rebuilt below.
	legacy := !exists(filepath.Join(dir, RecordFile))
	if err := p.openRecord(); err != nil {
		p.journal = false
		p.Close()
		return nil, fmt.Errorf("recover interrupted %s: %w", j.Op, err)
	}
	ids := j.Docs
	if j.Op == "unknown" {
		if ids, err = p.allDocIDs(); err != nil {
			p.journal = false
			p.Close()
			return nil, err
		}
	}
	err = p.repair(context.Background(), ids)
	if err == nil && (j.View || j.Op == "unknown" || legacy && len(ids) > 0) {
		err = p.rebuildView()
	}
	if err != nil {
		p.journal = false // keep the journal for the next try
		p.Close()
		return nil, fmt.Errorf("recover interrupted %s: %w", j.Op, err)
	}
	return p.Notices, p.Close()
}

// allDocIDs returns every id known to the graph, the index or sources/.
func (p *Project) allDocIDs() ([]string, error) {
	seen := map[string]bool{}
	g, err := p.Graph()
	if err != nil {
		return nil, err
	}
	ids, err := g.DocumentIDs(context.Background())
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		seen[id] = true
	}
	// The projection too: the graph may not have applied the latest
	// entries yet.
	docs, err := p.Documents(context.Background())
	if err != nil {
		return nil, err
	}
	for _, d := range docs {
		seen[d.ID] = true
	}
	src, err := p.sourceIDs()
	if err != nil {
		return nil, err
	}
	for id := range src {
		seen[id] = true
	}
	if ix, err := p.Index(); err == nil {
		docs, err := ix.Docs()
		if err != nil {
			return nil, err
		}
		for id := range docs {
			seen[id] = true
		}
	}
	out := make([]string, 0, len(seen))
	for id := range seen {
		out = append(out, id)
	}
	return out, nil
}

// repair makes index and sources agree with the graph for the given ids.
func (p *Project) repair(ctx context.Context, ids []string) error {
	ix, err := p.writableIndex()
	if err != nil {
		// A process killed inside the index's own writes can leave it
		// unreadable: rebuild it whole from sources and graph, then
		// only sources/ is left to tidy.
		if _, rerr := p.reindex(ctx, nil); rerr != nil {
			return fmt.Errorf("%w; rebuilding it failed too: %v", err, rerr)
		}
		if ix, err = p.writableIndex(); err != nil {
			return err
		}
	}
	var keep []*corpus.Document
	var drop []string
	for _, id := range ids {
		// The projection, which has applied the record, says what was
		// imported; the graph may not have caught up yet.
		d, err := p.Document(ctx, id)
		if errors.Is(err, kg.ErrNotFound) {
			drop = append(drop, id)
			continue
		} else if err != nil {
			return err
		}
		keep = append(keep, d)
	}
	if len(drop) > 0 {
		if err := ix.Delete(drop...); err != nil {
			return err
		}
		for _, id := range drop {
			if err := p.removeSource(id); err != nil {
				return err
			}
		}
	}
	for start := 0; start < len(keep); start += 200 {
		end := min(start+200, len(keep))
		if err := ix.Add(keep[start:end]...); err != nil {
			return err
		}
	}
	return nil
}

// rebuildView rewrites the graph's projection from the graph, quoting the
// evidence spans afresh (rebuildProjection).
func (p *Project) rebuildView() error { return p.rebuildProjection() }

// RebuildView rewrites the graph's projection from the graph (what
// "qualgraph check --repair" does after a lost write).
func (p *Project) RebuildView() error {
	unlock, err := p.lockWrite()
	if err != nil {
		return err
	}
	defer unlock()
	if !p.write {
		return errors.New("rebuild projection: project opened read-only")
	}
	return p.rebuildView()
}
