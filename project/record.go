package project

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/corpus/fts"
	"github.com/qualgraph/qualgraph/internal/record"
	"github.com/qualgraph/qualgraph/kg"
)

// The record (see the package doc): commit appends an entry and applies
// it; openRecord, catchUp and syncGraph bring the derived stores up to it.

// testHookAfterAppend, when set, runs after an entry is appended and
// before it is applied; an error stops the write there, as a crash would.
var testHookAfterAppend func() error

// testHookAfterProjection, when set, runs after an entry is applied to
// the projection and before the graph takes it; an error stops the write
// there.
var testHookAfterProjection func() error

// openRecord opens the record for appending and brings the graph and its
// projection up to it. A project made before the record kept one is
// converted: its record starts empty, at the state its graph holds.
func (p *Project) openRecord() error {
	name := filepath.Join(p.Dir, RecordFile)
	graphDir := filepath.Join(p.Dir, GraphDir)
	// What a writer killed before saying so appended to the projection
	// goes; the record has it, and it is applied again below.
	pos, err := kg.TruncateProjection(graphDir)
	if err != nil {
		return err
	}
	_, hasPos, err := kg.ReadPosition(graphDir)
	if err != nil {
		return err
	}
	if _, local := p.be.(*fileBackend); !local {
		// A database's record is never missing: Open checked it.
	} else if _, err := os.Stat(name); errors.Is(err, os.ErrNotExist) {
		if hasPos && pos.Seq > 0 {
			return fmt.Errorf("%s is missing, but the graph has applied %d of its entries: restore it from a backup", name, pos.Seq)
		}
		if err := record.Create(name); err != nil {
			return err
		}
		p.Notices = append(p.Notices, fmt.Sprintf("converted %s: changes are now kept in an ordered record (%s); nothing else changed", p.Dir, RecordFile))
	}
	if err := kg.KeepGraphPosition(graphDir); err != nil {
		return err
	}
	if _, ok, err := p.ReadIndexPosition(); err != nil {
		return err
	} else if !ok && hasPos {
		// An index made before positions holds what the graph held.
		if err := p.convertIndex(pos.Position); err != nil {
			return err
		}
	}
	head, err := p.be.openAppend(context.Background(), pos.Position)
	if err != nil {
		return err
	}
	switch {
	case head.Seq < pos.Seq:
		return fmt.Errorf("%s ends at entry %d, but the graph has applied %d: the record was cut or replaced; restore it from a backup", p.be.name(), head.Seq, pos.Seq)
	case !hasPos:
		// An older graph folder: its projection holds what its graph
		// does, the state before the record's first entry; so does
		// its index.
		if err := p.projection().SetPosition(record.Start); err != nil {
			return err
		}
		if err := kg.SetGraphPosition(graphDir, record.Start); err != nil {
			return err
		}
		if err := p.convertIndex(record.Start); err != nil {
			return err
		}
	case head.Seq != pos.Seq:
		if err := p.catchUp(); err != nil {
			return err
		}
	}
	// An index made by a qualgraph whose index format differs is rebuilt
	// once, from the projection and sources.
	if err := p.upgradeIndex(); err != nil {
		return err
	}
	// The index follows: an import killed after it was recorded, or one
	// that did not wait, is indexed now. An index that cannot take them
	// must not keep the project from opening (reindex needs it open).
	if behind, err := p.indexBehind(); err != nil || !behind {
		return err
	}
	if err := p.catchUpIndex(context.Background(), nil); err != nil {
		p.Notices = append(p.Notices, fmt.Sprintf("the full-text index could not take the latest imports (%v); qualgraph reindex rebuilds it", err))
	}
	return nil
}

// convertIndex gives an index made before positions the position pos, at
// which it holds every document the graph holds.
func (p *Project) convertIndex(pos record.Position) error {
	if _, err := os.Stat(filepath.Join(p.Dir, IndexDir)); err != nil {
		return nil // no index: reindex makes one, with its position
	}
	n, err := p.docCount(context.Background())
	if err != nil {
		return err
	}
	return writeIndexPosition(filepath.Join(p.Dir, IndexDir), IndexPosition{Position: pos, Docs: n})
}

// catchUp applies to the projection the entries of the record that it
// lacks; the graph follows (syncGraph).
func (p *Project) catchUp() error {
	proj := p.projection()
	pos, err := proj.TruncateProjection()
	if err != nil {
		return err
	}
	p.dropView()
	var promoted []*coding.Promotion
	err = p.scanEvents(pos.Position, 0, func(end record.Position, ev *coding.Event) error {
		if _, err := proj.ApplyProjection(end, ev); err != nil {
			return fmt.Errorf("apply entry %d of %s: %w", end.Seq, p.be.name(), err)
		}
		promoted = appendPromotions(promoted, ev)
		return nil
	})
	if err != nil {
		return err
	}
	return p.takePromotions(promoted)
}

// scanEvents calls fn with each whole entry of the record after from, and
// its position, up to entry upTo (0: to the end).
func (p *Project) scanEvents(from record.Position, upTo uint64, fn func(end record.Position, ev *coding.Event) error) error {
	_, err := p.be.scan(context.Background(), from, func(end record.Position, payload []byte) error {
		if upTo > 0 && end.Seq > upTo {
			return errStopScan
		}
		ev, err := coding.UnmarshalEvent(payload)
		if err != nil {
			return fmt.Errorf("%s: entry %d: %w", p.be.name(), end.Seq, err)
		}
		return fn(end, ev)
	})
	if errors.Is(err, errStopScan) {
		err = nil
	}
	return err
}

// graphNow is the most quads a commit writes to the graph before it
// returns; a larger entry (bulk auto-coding) is applied to the graph
// when the writer closes the project, or when something needs the graph.
const graphNow = 20000

// SyncGraph applies to the graph the entries of the record that the
// projection holds and the graph lacks (see kg's position.go). A writer
// that recorded changes does so when it closes the project; a command
// that reads the graph (a Gizmo query, an RDF export) does so first when
// the graph lags, whatever the project's mode: the graph file's own lock,
// not the project's, keeps two processes from applying at once, so that
// writers go on recording meanwhile. progress, if not nil, is called with
// the entries applied and the number to apply. A project open read-only
// must not have opened the graph yet (Graph) when it calls SyncGraph.
func (p *Project) SyncGraph(progress func(done, total int64)) error {
	if p.write && !p.shared {
		unlock, err := p.lockWrite()
		if err != nil {
			return err
		}
		defer unlock()
	} else {
		p.mu.Lock()
		open := p.graph != nil
		p.mu.Unlock()
		if open {
			return errors.New("sync graph: the graph is open read-only")
		}
	}
	return p.syncGraph(progress)
}

func (p *Project) syncGraph(progress func(done, total int64)) error {
	gdir := filepath.Join(p.Dir, GraphDir)
	gpos, err := kg.ReadGraphPosition(gdir)
	if err != nil {
		return err
	}
	ppos, _, err := kg.ReadPosition(gdir)
	if err != nil {
		return err
	}
	if gpos.Seq >= ppos.Seq {
		return nil
	}
	// The graph file is open only while applying, unless this process
	// has it open already: bbolt locks the file, and readers of the
	// graph in other processes wait for it.
	p.mu.Lock()
	g := p.graph
	p.mu.Unlock()
	if g == nil {
		if g, err = kg.Open(gdir, false); err != nil {
			return err
		}
		defer g.Close()
		// Another process may have applied entries while this one
		// waited for the file.
		if gpos, err = kg.ReadGraphPosition(gdir); err != nil || gpos.Seq >= ppos.Seq {
			return err
		}
	}
	total := int64(ppos.Seq - gpos.Seq)
	return p.scanEvents(gpos, ppos.Seq, func(end record.Position, ev *coding.Event) error {
		if err := g.ApplyGraph(end, ev); err != nil {
			return fmt.Errorf("apply entry %d of %s to the graph: %w", end.Seq, p.be.name(), err)
		}
		if progress != nil {
			progress(int64(end.Seq-gpos.Seq), total)
		}
		return nil
	})
}

// GraphLag returns the position of the record that the graph has applied
// and the one the projection has: queries of the graph answer as of the
// first, every other command as of the second.
func (p *Project) GraphLag() (graph, projection record.Position, err error) {
	gdir := filepath.Join(p.Dir, GraphDir)
	if graph, err = kg.ReadGraphPosition(gdir); err != nil {
		return
	}
	pp, _, err := kg.ReadPosition(gdir)
	return graph, pp.Position, err
}

// projection returns the store that applies entries to the projection
// without opening the graph.
func (p *Project) projection() *kg.Store {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.proj == nil {
		p.proj = kg.OpenProjection(filepath.Join(p.Dir, GraphDir))
	}
	return p.proj
}

// notRecorded wraps the errors of a commit that recorded nothing, so that
// a caller can take back what it prepared (isNotRecorded).
type notRecorded struct{ error }

func (e notRecorded) Unwrap() error { return e.error }

func isNotRecorded(err error) bool {
	var nr notRecorded
	return errors.As(err, &nr)
}

// commit appends a change to the record, which acknowledges it, then
// applies it to the projection and, unless it is large, to the graph.
// Validation is the caller's, under the project's write lock, against the
// latest state.
func (p *Project) commit(ev *coding.Event) error {
	if !p.write || !p.be.appending() {
		return errors.New("project opened read-only")
	}
	if p.broken != nil {
		return fmt.Errorf("an earlier change was recorded but not applied (%v); run the command again", p.broken)
	}
	payload, err := coding.MarshalEvent(ev)
	if err != nil {
		return notRecorded{err}
	}
	before := p.be.appendHead()
	if !p.committed {
		gpos, err := kg.ReadGraphPosition(filepath.Join(p.Dir, GraphDir))
		if err != nil {
			return notRecorded{err}
		}
		p.graphOwn = gpos.Seq == before.Seq
	}
	pos, err := p.be.append(context.Background(), payload, claims(ev))
	if err != nil {
		return notRecorded{err}
	}
	p.committed = true
	base := p.takeView(before)
	if testHookAfterAppend != nil {
		if err := testHookAfterAppend(); err != nil {
			p.broken = err
			return err
		}
	}
	proj := p.projection()
	quads, err := proj.ApplyProjection(pos, ev)
	if err != nil {
		// The change is recorded: the next writer applies it.
		p.broken = err
		return fmt.Errorf("change %d is recorded but was not applied (the next command applies it): %w", pos.Seq, err)
	}
	if testHookAfterProjection != nil {
		if err := testHookAfterProjection(); err != nil {
			p.broken = err
			return err
		}
	}
	p.extendView(base, pos, ev)
	// A small entry reaches the graph now, if the graph had all the
	// others; the rest (bulk work, or entries a killed writer left)
	// follows when the project closes, so that the change is reported
	// done first.
	if quads > graphNow || p.shared {
		// A shared project does not wait for the graph file, which
		// another process may hold: CatchUp applies it.
		return nil
	}
	if gpos, err := kg.ReadGraphPosition(filepath.Join(p.Dir, GraphDir)); err != nil || gpos.Seq+1 != pos.Seq {
		return err
	}
	if err := p.syncGraph(nil); err != nil {
		// The projection has it; the graph takes it when it next
		// syncs (see SyncGraph).
		return fmt.Errorf("change %d is recorded, but the graph could not take it yet (it will when the project is next opened for writing): %w", pos.Seq, err)
	}
	return nil
}

// RecordHead returns the position after the last entry of the record.
func (p *Project) RecordHead() (record.Position, error) {
	// A Shared project appends only under lockWrite, which this does
	// not take: it reads the head afresh.
	if !p.shared && p.be.appending() {
		return p.be.appendHead(), nil
	}
	pos, _, err := kg.ReadPosition(filepath.Join(p.Dir, GraphDir))
	if err != nil {
		return record.Start, err
	}
	return p.be.head(context.Background(), pos.Position)
}

// ProjectionPosition returns the position of the record that the
// projection, which every command but query reads, has applied.
func (p *Project) ProjectionPosition() (record.Position, error) {
	pos, err := p.projectionPosition()
	return pos.Position, err
}

// projectionPosition returns how far the projection has applied the record.
func (p *Project) projectionPosition() (kg.Position, error) {
	pos, _, err := kg.ReadPosition(filepath.Join(p.Dir, GraphDir))
	return pos, err
}

// dropView forgets the cached view: the projection is about to change.
func (p *Project) dropView() {
	p.mu.Lock()
	p.view = nil
	p.mu.Unlock()
}

// takeView forgets the cached view, as dropView does, and returns it if
// it has every part and is the projection at record position at, the
// record's head before the entry being committed: the view that
// extendView can extend by that entry.
func (p *Project) takeView(at record.Position) *coding.View {
	p.mu.Lock()
	defer p.mu.Unlock()
	v := p.view
	p.view = nil
	if v == nil || p.viewRecordsOnly || p.viewPos != at {
		return nil
	}
	return v
}

// extendView caches base extended by ev, the entry the projection has
// just applied at pos (see kg.Extend), so that the next View does not
// replay the whole projection after a coding. It leaves the cache empty
// when there is no base or ev is not an entry that kg.Extend extends by;
// it runs under the write lock, so base is extended at most once.
func (p *Project) extendView(base *coding.View, pos record.Position, ev *coding.Event) {
	if base == nil {
		return
	}
	v, ok, err := kg.Extend(base, ev)
	if err != nil || !ok {
		return
	}
	p.mu.Lock()
	if p.view == nil {
		p.view, p.viewRecordsOnly, p.viewPos = v, false, pos
	}
	p.mu.Unlock()
}

// recordTail returns the entries of the record after from: those a writer
// killed before applying them left for the next writer. Readers replay
// them over the projection (kg.LoadOptions.Tail), so that they see every
// change the record holds.
func (p *Project) recordTail(from record.Position) ([]*coding.Event, error) {
	var evs []*coding.Event
	err := p.scanEvents(from, 0, func(_ record.Position, ev *coding.Event) error {
		evs = append(evs, ev)
		return nil
	})
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil // a project from before the record
	}
	return evs, err
}

// upgradeIndex rebuilds an index whose format this qualgraph does not
// read (fts.ErrIndexFormat), saying so in a notice.
func (p *Project) upgradeIndex() error {
	ix, err := fts.OpenIndex(filepath.Join(p.Dir, IndexDir), true)
	if err == nil {
		return ix.Close()
	}
	if !errors.Is(err, fts.ErrIndexFormat) {
		return nil // reported where the index is used
	}
	n, err := p.reindex(context.Background(), nil)
	if err != nil {
		return fmt.Errorf("rebuild the full-text index made by an earlier qualgraph: %w", err)
	}
	p.Notices = append(p.Notices, fmt.Sprintf("rebuilt the full-text index, made by an earlier qualgraph, for this version (%d documents)", n))
	return nil
}
