package project

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/internal/record"
	"github.com/qualgraph/qualgraph/kg"
)

// The record. Every change to the coding of a project (codings, uncodes,
// recodes, emergent codes and their promotion, entities, mentions,
// assertions, retractions, memos) is an entry of record.log (package
// internal/record), appended and synced before the command that makes it
// reports success. The graph and its projection are derived from it: the
// graph folder's position (kg.Position) says how far they have applied
// it, and a writer that opens the project applies what they lack, so a
// change acknowledged before a crash is never lost and is never applied
// twice (see kg's position.go). Imports are not entries yet: they keep the
// journal protocol of the package doc.

// testHookAfterAppend, when set, runs after an entry is appended and
// before it is applied; an error stops the write there, as a crash would.
var testHookAfterAppend func() error

// testHookAfterApply, when set, runs after an entry is applied and before
// its position is recorded; an error stops the write there.
var testHookAfterApply func() error

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
	if _, err := os.Stat(name); errors.Is(err, os.ErrNotExist) {
		if hasPos && pos.Seq > 0 {
			return fmt.Errorf("%s is missing, but the graph has applied %d of its entries: restore it from a backup", name, pos.Seq)
		}
		if err := record.Create(name); err != nil {
			return err
		}
		p.Notices = append(p.Notices, fmt.Sprintf("converted %s: changes are now kept in an ordered record (%s); nothing else changed", p.Dir, RecordFile))
	}
	if _, ok, err := p.ReadIndexPosition(); err != nil {
		return err
	} else if !ok && hasPos {
		// An index made before positions holds what the graph held.
		if err := p.convertIndex(pos.Position); err != nil {
			return err
		}
	}
	log, err := record.Open(name, pos.Position)
	if err != nil {
		return err
	}
	p.rec = log
	head := log.Head()
	switch {
	case head.Seq < pos.Seq:
		return fmt.Errorf("%s ends at entry %d, but the graph has applied %d: the record was cut or replaced; restore it from a backup", name, head.Seq, pos.Seq)
	case !hasPos:
		// An older graph folder: its projection holds what its graph
		// does, the state before the record's first entry; so does
		// its index.
		g, err := p.Graph()
		if err != nil {
			return err
		}
		if err := g.SetPosition(record.Start); err != nil {
			return err
		}
		return p.convertIndex(record.Start)
	case head != pos.Position:
		g, err := p.Graph()
		if err != nil {
			return err
		}
		if err := p.catchUp(g); err != nil {
			return err
		}
	}
	// The index follows: an import killed after it was recorded, or one
	// that did not wait, is indexed now.
	if behind, err := p.indexBehind(); err != nil || !behind {
		return err
	}
	return p.catchUpIndex(context.Background(), nil)
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

// catchUp applies the entries of the record that the graph has not.
func (p *Project) catchUp(g *kg.Store) error {
	pos, err := g.TruncateProjection()
	if err != nil {
		return err
	}
	p.dropView()
	name := filepath.Join(p.Dir, RecordFile)
	_, err = record.Scan(name, pos.Position, func(end record.Position, payload []byte) error {
		ev, err := coding.UnmarshalEvent(payload)
		if err != nil {
			return fmt.Errorf("%s: entry %d: %w", name, end.Seq, err)
		}
		if err := g.ApplyEntry(end, func() error { return g.ApplyEvent(ev) }); err != nil {
			return fmt.Errorf("apply entry %d of %s: %w", end.Seq, name, err)
		}
		return nil
	})
	return err
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
// applies it to the graph and its projection. Validation is the caller's,
// under the project's write lock, against the latest state.
func (p *Project) commit(ev *coding.Event) error {
	if !p.write || p.rec == nil {
		return errors.New("project opened read-only")
	}
	if p.broken != nil {
		return fmt.Errorf("an earlier change was recorded but not applied (%v); run the command again", p.broken)
	}
	payload, err := coding.MarshalEvent(ev)
	if err != nil {
		return notRecorded{err}
	}
	g, err := p.Graph()
	if err != nil {
		return notRecorded{err}
	}
	pos, err := p.rec.Append(payload)
	if err != nil {
		return notRecorded{err}
	}
	p.dropView()
	if testHookAfterAppend != nil {
		if err := testHookAfterAppend(); err != nil {
			p.broken = err
			return err
		}
	}
	err = g.ApplyEntry(pos, func() error {
		if err := g.ApplyEvent(ev); err != nil {
			return err
		}
		if testHookAfterApply != nil {
			return testHookAfterApply()
		}
		return nil
	})
	if err != nil {
		// The change is recorded: the next writer applies it.
		p.broken = err
		return fmt.Errorf("change %d is recorded but was not applied (the next command applies it): %w", pos.Seq, err)
	}
	return nil
}

// RecordHead returns the position after the last entry of the record.
func (p *Project) RecordHead() (record.Position, error) {
	if p.rec != nil {
		return p.rec.Head(), nil
	}
	name := filepath.Join(p.Dir, RecordFile)
	if _, err := os.Stat(name); errors.Is(err, os.ErrNotExist) {
		return record.Start, nil // an older project, not converted yet
	}
	pos, _, err := kg.ReadPosition(filepath.Join(p.Dir, GraphDir))
	if err != nil {
		return record.Start, err
	}
	return record.Scan(name, pos.Position, nil)
}

// GraphPosition returns the position of the record that the graph and its
// projection have applied.
func (p *Project) GraphPosition() (record.Position, error) {
	pos, _, err := kg.ReadPosition(filepath.Join(p.Dir, GraphDir))
	return pos.Position, err
}

func (p *Project) graphPosition() (kg.Position, error) {
	pos, _, err := kg.ReadPosition(filepath.Join(p.Dir, GraphDir))
	return pos, err
}

// lockWrite serialises the writes of this process to the project (the
// project lock serialises processes): each validates against the latest
// state and records its change before the next begins. It returns the
// unlock.
func (p *Project) lockWrite() func() {
	p.wmu.Lock()
	return p.wmu.Unlock
}

// dropView forgets the cached view: the projection is about to change.
func (p *Project) dropView() {
	p.mu.Lock()
	p.view = nil
	p.mu.Unlock()
}
