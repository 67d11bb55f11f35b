package project

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/qualgraph/qualgraph/corpus/fts"
	"github.com/qualgraph/qualgraph/kg"
)

// A Shared project (see Mode) is a writer that holds nothing between its
// changes: lockWrite takes the project's lock for one change and first
// brings the projection up to what other processes recorded meanwhile;
// the graph and the index are opened for a query or a search and closed
// afterwards (ReadGraph, ReadIndex), and follow the record when CatchUp
// runs, as the server does in the background.

// indexIdle is how long a Shared project keeps its index open after the
// last search: long enough for a burst of searches to share the opening,
// short enough that an import in another process gets the index file.
var indexIdle = time.Second

// lockWrite serialises the writes of this process to the project (the
// project lock serialises processes): each validates against the latest
// state and records its change before the next begins. It returns the
// unlock. A Shared project takes the project's lock here, for this change
// only (waiting up to LockWait, then a *LockedError), repairs what a
// killed writer left, and applies what other processes recorded.
func (p *Project) lockWrite() (unlock func(), err error) {
	p.wmu.Lock()
	if !p.shared {
		return p.wmu.Unlock, nil
	}
	l, err := p.lockShared()
	if err != nil {
		p.wmu.Unlock()
		return nil, err
	}
	return func() {
		p.endShared(l)
		p.wmu.Unlock()
	}, nil
}

// lockShared takes the project's lock for one change of a Shared project
// and brings the projection up to the record.
func (p *Project) lockShared() (*lock, error) {
	if exists(filepath.Join(p.Dir, journalFile)) {
		// A writer in another process was killed during an import;
		// recoverDir takes the lock itself.
		notices, err := recoverDir(p.Dir, p.Meta)
		if err != nil {
			return nil, err
		}
		p.Notices = append(p.Notices, notices...)
		// It may have been this process's: it is resolved now.
		p.journal, p.keepJournal = false, false
	}
	l, err := acquire(p.Dir, true)
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*lock, error) {
		p.be.closeAppend()
		l.release()
		return nil, err
	}
	// Other processes have written since: the projection (and its
	// store's cached position) is read afresh.
	p.mu.Lock()
	p.proj = nil
	p.mu.Unlock()
	pos, err := kg.TruncateProjection(filepath.Join(p.Dir, GraphDir))
	if err != nil {
		return fail(err)
	}
	head, err := p.be.openAppend(context.Background(), pos.Position)
	if err != nil {
		return fail(err)
	}
	if head.Seq < pos.Seq {
		return fail(fmt.Errorf("%s ends at entry %d, but the projection has applied %d: the record was cut or replaced; restore it from a backup", p.be.name(), head.Seq, pos.Seq))
	} else if head.Seq != pos.Seq {
		if err := p.catchUp(); err != nil {
			return fail(err)
		}
	}
	p.broken = nil
	return l, nil
}

// endShared ends a change of a Shared project: the record, a writable
// index and the journal of an import are closed, and the lock released.
func (p *Project) endShared(l *lock) {
	var errs []error
	errs = append(errs, p.be.closeAppend())
	p.mu.Lock()
	if p.index != nil && p.indexRW {
		// Searches of this process may use the writable index too;
		// they finish with it first.
		for p.ixRefs > 0 {
			p.ixFree.Wait()
		}
		errs = append(errs, p.index.Close())
		p.index, p.indexRW = nil, false
	}
	p.mu.Unlock()
	if p.journal && !p.keepJournal && errors.Join(errs...) == nil {
		if err := os.Remove(filepath.Join(p.Dir, journalFile)); err == nil {
			p.journal = false
		}
	}
	l.release()
}

// ReadGraph calls fn with the project's graph. A Shared project opens the
// graph read-only for fn and closes it afterwards, so that other processes
// can apply changes to it in between; other projects use Graph.
func (p *Project) ReadGraph(fn func(g *kg.Store) error) error {
	// A graph that lags (after bulk work, or changes a shared project
	// or a killed writer left to it) is brought up first, unless this
	// process has it open for reading already.
	if graph, proj, err := p.GraphLag(); err != nil {
		return err
	} else if graph.Seq < proj.Seq {
		p.mu.Lock()
		open := p.graph != nil && !p.write
		p.mu.Unlock()
		if !open {
			if err := p.SyncGraph(nil); err != nil {
				return err
			}
		}
	}
	if !p.shared {
		g, err := p.Graph()
		if err != nil {
			return err
		}
		return fn(g)
	}
	g, err := kg.Open(filepath.Join(p.Dir, GraphDir), true)
	if err != nil {
		return err
	}
	return errors.Join(fn(g), g.Close())
}

// ReadIndex calls fn with the full-text index open for searching. A Shared
// project keeps it open between searches that follow each other closely,
// and closes it when none has used it for a moment, so that an import in
// another process can write to it.
func (p *Project) ReadIndex(fn func(ix *fts.Index) error) error {
	ix, release, err := p.searchIndex()
	if err != nil {
		return err
	}
	defer release()
	return fn(ix)
}

// searchIndex returns the index open for searching, and the release to
// call when done with it (see ReadIndex).
func (p *Project) searchIndex() (*fts.Index, func(), error) {
	if !p.shared {
		ix, err := p.Index()
		return ix, func() {}, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	ix, err := p.openIndexLocked()
	if err != nil {
		return nil, nil, err
	}
	p.ixRefs++
	return ix, func() {
		p.mu.Lock()
		p.ixRefs--
		p.ixUsed = time.Now()
		if p.ixRefs == 0 {
			p.ixFree.Broadcast()
		}
		p.mu.Unlock()
	}, nil
}

// closeIdleIndex starts closing the index of a Shared project when no
// search has used it for indexIdle; it returns the stop.
func (p *Project) closeIdleIndex() func() {
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(indexIdle / 4)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			p.mu.Lock()
			if p.index != nil && !p.indexRW && p.ixRefs == 0 && time.Since(p.ixUsed) >= indexIdle {
				p.index.Close()
				p.index = nil
			}
			p.mu.Unlock()
		}
	}()
	return func() {
		close(done)
		<-stopped
	}
}

// CatchUp brings the graph and the full-text index of a project open for
// writing up to the record, as far as other processes let it: it applies
// to the graph what the projection holds and the graph lacks, and indexes
// what imports recorded and did not index (import --no-wait, or a killed
// import). A Shared project's graph and index follow the record only
// through CatchUp; the server calls it in the background. When another
// process holds a store's file for longer than kg.BoltWait or LockWait,
// CatchUp returns that error: try again later.
func (p *Project) CatchUp(ctx context.Context) error {
	if !p.write {
		return errors.New("catch up: project opened read-only")
	}
	if _, ppos, err := p.GraphLag(); err != nil {
		return err
	} else if head, err := p.RecordHead(); err != nil {
		return err
	} else if head.Seq > ppos.Seq {
		// A writer in another process was killed before it applied
		// its last change to the projection: the next write does it,
		// and readers replay it meanwhile; this one does it now.
		unlock, err := p.lockWrite()
		if err != nil {
			return err
		}
		unlock()
	}
	if err := p.SyncGraph(nil); err != nil {
		return fmt.Errorf("bring the graph up to the record: %w", err)
	}
	behind, err := p.indexBehind()
	if err != nil || !behind {
		return err
	}
	unlock, err := p.lockWrite()
	if err != nil {
		return err
	}
	defer unlock()
	return p.catchUpIndex(ctx, nil)
}
