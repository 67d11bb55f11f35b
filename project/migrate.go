package project

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/internal/pgstore"
	"github.com/qualgraph/qualgraph/internal/record"
	"github.com/qualgraph/qualgraph/kg"
)

// Migration moves a project between its folder and a PostgreSQL database
// (issue 11). Both directions copy the record entry by entry, in order,
// with the sources each import entry names, so that the project on the
// other side has the same record, byte for byte, and so the same answers.
// The derived stores (projection, graph, index) hold the same entries on
// either side: when they hold the whole record they stay, moved to the
// same entries' positions in the other record (keepDerived); otherwise
// they are made afresh from it.

// MigrateProgress, if not nil, is called as a migration copies entries:
// entries copied, entries to copy.
type MigrateProgress func(done, total int64)

// migrateBatch bounds one transaction of MigrateToDB: at most this many
// entries, or about migrateBytes of entries and sources.
const (
	migrateBatch = 2000
	migrateBytes = 32 << 20
)

// MigrateToDB moves the local project in dir into the PostgreSQL database
// at dsn, which must be empty (or hold an interrupted migration of this
// same project, which it resumes), and turns dir into the database's
// cache: record.log and sources/ go, the derived stores stay or are made
// afresh from the database's record. The entries are written in batches, each
// one transaction; a migration that fails part way leaves dir as it was
// and the database with a prefix of the record, and running it again
// goes on from there. It holds the project's lock throughout.
func MigrateToDB(ctx context.Context, dir, dsn string, progress MigrateProgress) error {
	p, err := Open(dir, ReadWrite)
	if err != nil {
		return err
	}
	defer func() {
		if p != nil {
			p.Close()
		}
	}()
	if p.Meta.DB != "" {
		return fmt.Errorf("migrate %s: it is kept in database %s already", dir, p.Meta.DB)
	}
	ont, err := os.ReadFile(filepath.Join(dir, OntologyFile))
	if err != nil {
		return fmt.Errorf("migrate %s: %w", dir, err)
	}
	st, err := createOrResume(ctx, dsn, p.Meta)
	if err != nil {
		return fmt.Errorf("migrate %s: %w", dir, err)
	}
	defer st.Close()
	head := p.be.appendHead()
	if err := p.copyToDB(ctx, st, progress); err != nil {
		return fmt.Errorf("migrate %s: %w", dir, err)
	}
	if err := writeSettings(ctx, st, p.Meta, ont); err != nil {
		return fmt.Errorf("migrate %s: %w", dir, err)
	}
	// A database the project was moved out of (MigrateToLocal) takes
	// changes again.
	if err := st.SetMeta(ctx, movedOutKey, ""); err != nil {
		return fmt.Errorf("migrate %s: %w", dir, err)
	}
	// The database holds the project: the folder becomes its cache.
	meta := p.Meta
	meta.DB, meta.DBProject = RedactDSN(dsn), st.ID()
	if err := p.be.close(); err != nil {
		return err
	}
	if err := p.closeStores(); err != nil {
		return err
	}
	if err := writeMeta(dir, meta); err != nil {
		return err
	}
	// The derived stores hold the same entries: they stay, at the same
	// entries' positions in the database (which reads by number only, so
	// that a kill before this is harmless); else they are made afresh.
	kept, err := keepDerived(dir, head.Seq, func(seq uint64) (record.Position, bool) {
		return record.Position{Seq: seq, Offset: int64(seq)}, true
	})
	if err != nil {
		return err
	}
	if !kept {
		if err := resetDerived(dir, pgstore.Start); err != nil {
			return err
		}
	}
	err = errors.Join(os.Remove(filepath.Join(dir, RecordFile)), os.RemoveAll(filepath.Join(dir, SourcesDir)))
	p.lock.release()
	p = nil
	if err != nil {
		return fmt.Errorf("migrate %s: the project is in the database now, but %w", dir, err)
	}
	return rebuildCache(dir)
}

// createOrResume makes the project's tables in the database at dsn, or
// opens those of an interrupted migration of the project meta.
func createOrResume(ctx context.Context, dsn string, meta Meta) (*pgstore.Store, error) {
	err := pgstore.Create(ctx, dsn)
	if err != nil && !errors.Is(err, pgstore.ErrExists) {
		return nil, err
	}
	st, oerr := pgstore.Open(ctx, dsn)
	if oerr != nil {
		return nil, oerr
	}
	if err == nil {
		return st, nil
	}
	s, serr := readSettings(ctx, st)
	head, herr := st.Head(ctx)
	switch {
	case herr != nil:
		st.Close()
		return nil, herr
	case serr != nil && head.Seq == 0:
		return st, nil // made by init --db, nothing written yet: take it
	case serr == nil && s.Meta.ID == meta.ID:
		return st, nil // this project, migrated before or in part
	}
	st.Close()
	return nil, fmt.Errorf("%w: move it to an empty database", ErrDBExists)
}

// copyToDB writes the entries of the local record that the database
// lacks, with their sources and unique keys, after checking that those it
// has are the same.
func (p *Project) copyToDB(ctx context.Context, st *pgstore.Store, progress MigrateProgress) error {
	head := p.be.appendHead()
	have, err := st.Head(ctx)
	if err != nil {
		return err
	}
	if have.Seq > head.Seq {
		return fmt.Errorf("the database holds %d entries, the project %d: it is not this project's", have.Seq, head.Seq)
	}
	var theirs [][]byte
	if have.Seq > 0 {
		if _, err := st.Scan(ctx, pgstore.Start, func(_ record.Position, payload []byte) error {
			theirs = append(theirs, payload)
			return nil
		}); err != nil {
			return err
		}
	}
	imported := map[string]bool{}
	var batch []pgstore.Entry
	size := 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		_, err := st.Write(ctx, batch...)
		batch, size = nil, 0
		return err
	}
	_, err = p.be.scan(ctx, record.Start, func(end record.Position, payload []byte) error {
		ev, err := coding.UnmarshalEvent(payload)
		if err != nil {
			return fmt.Errorf("%s: entry %d: %w", RecordFile, end.Seq, err)
		}
		var srcs []pgstore.Source
		for _, d := range eventDocuments(ev) {
			imported[d] = true
			if end.Seq <= have.Seq {
				continue
			}
			text, err := p.be.text(d)
			if err != nil {
				return fmt.Errorf("entry %d: document %s: %w", end.Seq, d, err)
			}
			segs, err := p.be.segments(d)
			if err != nil {
				return fmt.Errorf("entry %d: document %s: %w", end.Seq, d, err)
			}
			srcs = append(srcs, pgstore.Source{Doc: d, Text: text, Segments: segs})
			size += len(text) + len(segs)
		}
		if end.Seq <= have.Seq {
			if !bytes.Equal(theirs[end.Seq-1], payload) {
				return fmt.Errorf("entry %d of the database differs from the project's: the database holds another project", end.Seq)
			}
			return nil
		}
		batch = append(batch, pgstore.Entry{Payload: payload, Claim: claims(ev), Sources: srcs})
		size += len(payload)
		if len(batch) >= migrateBatch || size >= migrateBytes {
			if err := flush(); err != nil {
				return err
			}
		}
		if progress != nil {
			progress(int64(end.Seq), int64(head.Seq))
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := flush(); err != nil {
		return err
	}
	// Documents the record does not import (a project converted from
	// before the record, whose graph held them already) would be lost.
	ids, err := p.be.sourceIDs()
	if err != nil {
		return err
	}
	for id := range ids {
		if !imported[id] {
			return fmt.Errorf("document %s was imported before the project kept a record of its changes, and cannot be moved", id)
		}
	}
	return nil
}

// eventDocuments returns the ids of the documents ev imports.
func eventDocuments(ev *coding.Event) []string {
	var ids []string
	for _, d := range ev.Documents {
		ids = append(ids, d.ID)
	}
	for _, s := range ev.Steps {
		ids = append(ids, eventDocuments(s)...)
	}
	return ids
}

// rebuildCache opens the project in dir for writing and closes it, which
// applies the whole record to its derived stores.
func rebuildCache(dir string) error {
	p, err := Open(dir, ReadWrite)
	if err != nil {
		return err
	}
	p.committed = true // Close brings the graph up to the record too
	return p.Close()
}

// MigrateBackOptions are the options of MigrateToLocal.
type MigrateBackOptions struct {
	Progress MigrateProgress // if not nil, called as entries are copied
	// Drop removes the project's tables from the database once the
	// folder holds the project (pgstore.Store.Drop); the database itself
	// stays, for its owner to drop.
	Drop bool
}

// MigrateToLocal moves the project whose cache is dir out of its database
// back into the folder: record.log gets the database's entries, sources/
// their sources, and the derived stores stay or are made afresh. It
// holds the project's lock and the database's writer lock throughout.
//
// By default the database keeps the project as it was, a copy to fall
// back on, marked as moved out: from then on it refuses every change
// (ErrMovedOut), so that a server or cache folder still pointed at it
// cannot take changes the folder would never see; it can still be read,
// dumped, or migrated into again. With opt.Drop its tables are dropped
// instead.
func MigrateToLocal(ctx context.Context, dir string, opt MigrateBackOptions) error {
	progress := opt.Progress
	p, err := Open(dir, ReadWrite)
	if err != nil {
		return err
	}
	defer func() {
		if p != nil {
			p.Close()
		}
	}()
	if p.Meta.DB == "" {
		return fmt.Errorf("migrate %s: it is a local project already", dir)
	}
	pg := p.be.(*pgBackend)
	head := pg.appendHead()
	name := filepath.Join(dir, RecordFile)
	tmp := name + ".migrating"
	os.Remove(tmp)
	srcDir := filepath.Join(dir, SourcesDir)
	if err := os.RemoveAll(srcDir); err != nil {
		return err
	}
	if err := os.Mkdir(srcDir, 0o755); err != nil {
		return err
	}
	local := &fileBackend{dir: dir, reads: &p.reads}
	if err := record.Create(tmp); err != nil {
		return err
	}
	log, err := record.Open(tmp, record.Start)
	if err != nil {
		return err
	}
	// The derived stores may stay (keepDerived): the local positions of
	// the entries they are at are noted as the entries are written.
	ipos, _, _ := readIndexPositionAt(filepath.Join(dir, IndexDir))
	at := map[uint64]record.Position{}
	var batch [][]byte
	var batchEnd uint64 // the number of the batch's last entry
	size := 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		pos, err := log.Append(batch...)
		at[batchEnd] = pos
		batch, size = nil, 0
		return err
	}
	_, err = pg.scan(ctx, pgstore.Start, func(end record.Position, payload []byte) error {
		ev, err := coding.UnmarshalEvent(payload)
		if err != nil {
			return fmt.Errorf("the database: entry %d: %w", end.Seq, err)
		}
		for _, d := range eventDocuments(ev) {
			src, err := pg.st.Source(ctx, d)
			if err != nil {
				return err
			}
			if err := local.writeSource(d, src.Text, src.Segments); err != nil {
				return err
			}
		}
		batch, batchEnd = append(batch, payload), end.Seq
		size += len(payload)
		if len(batch) >= migrateBatch || size >= migrateBytes || end.Seq == ipos.Seq {
			if err := flush(); err != nil {
				return err
			}
		}
		if progress != nil {
			progress(int64(end.Seq), int64(head.Seq))
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	err = errors.Join(err, log.Close())
	if err == nil {
		err = local.syncSources()
	}
	if err != nil {
		os.Remove(tmp)
		os.RemoveAll(srcDir)
		return fmt.Errorf("migrate %s: %w", dir, err)
	}
	// Still under the writer lock, so that no change slips in between
	// the copy and the mark.
	abs, _ := filepath.Abs(dir)
	mark, _ := json.Marshal(movedOut{Dir: abs, Seq: head.Seq, At: time.Now().UTC()})
	if err := pg.st.SetMeta(ctx, movedOutKey, string(mark)); err != nil {
		os.Remove(tmp)
		os.RemoveAll(srcDir)
		return fmt.Errorf("migrate %s: %w", dir, err)
	}
	meta := p.Meta
	dsn := dbDSN(meta)
	meta.DB, meta.DBProject = "", ""
	if err := errors.Join(p.be.close(), p.closeStores()); err != nil {
		return err
	}
	// Before the folder reads record.log: the database ignores the
	// byte offsets of these positions, should this be killed here.
	kept, err := keepDerived(dir, head.Seq, func(seq uint64) (record.Position, bool) {
		if seq == 0 {
			return record.Start, true
		}
		pos, ok := at[seq]
		return pos, ok
	})
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, name); err != nil {
		return err
	}
	if err := writeMeta(dir, meta); err != nil {
		return err
	}
	if !kept {
		if err := resetDerived(dir, record.Start); err != nil {
			return err
		}
	}
	p.lock.release()
	p = nil
	if err := rebuildCache(dir); err != nil {
		return err
	}
	if opt.Drop {
		if err := dropMovedOut(ctx, dsn, head.Seq); err != nil {
			return fmt.Errorf("migrate %s: the project is back in the folder, but the database keeps it: %w", dir, err)
		}
	}
	return nil
}

// movedOutKey is the setting that marks a database whose project was
// moved back into a folder (MigrateToLocal).
const movedOutKey = "moved-out"

// movedOut is the value of movedOutKey: where the project went, after
// which entry, when.
type movedOut struct {
	Dir string    `json:"dir"`
	Seq uint64    `json:"seq"`
	At  time.Time `json:"at"`
}

// ErrMovedOut is wrapped by the error of a change to a project whose
// database it was moved out of (migrate --to bbolt).
var ErrMovedOut = errors.New("the project was moved out of this database")

// MovedOutError refuses a change to a database the project was moved
// out of.
type MovedOutError struct {
	DB  string // the database, without password
	Dir string // the folder it went to
	At  time.Time
}

func (e *MovedOutError) Error() string {
	return fmt.Sprintf("%s: %v into the folder %s on %s (qualgraph migrate --to bbolt): it takes no more changes; work in that folder, or move the project into a database again",
		e.DB, ErrMovedOut, e.Dir, e.At.Format(time.RFC3339))
}

// Unwrap returns ErrMovedOut.
func (e *MovedOutError) Unwrap() error { return ErrMovedOut }

// checkMovedOut returns a *MovedOutError if the database st was marked as
// moved out.
func checkMovedOut(ctx context.Context, st *pgstore.Store, db string) error {
	v, ok, err := st.Meta(ctx, movedOutKey)
	if err != nil || !ok || v == "" {
		return err
	}
	var m movedOut
	if err := json.Unmarshal([]byte(v), &m); err != nil {
		return fmt.Errorf("%s: project setting %s: %w", db, movedOutKey, err)
	}
	return &MovedOutError{DB: db, Dir: m.Dir, At: m.At}
}

// dropMovedOut drops the project's tables in the database at dsn, which
// MigrateToLocal marked as moved out after entry seq, if it still is and
// holds no entry after it.
func dropMovedOut(ctx context.Context, dsn string, seq uint64) error {
	st, err := pgstore.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	unlock, err := st.LockWriters(ctx, LockWait)
	if err != nil {
		return err
	}
	defer unlock()
	if err := checkMovedOut(ctx, st, RedactDSN(dsn)); err == nil {
		return errors.New("it is not marked as moved out")
	} else if !errors.Is(err, ErrMovedOut) {
		return err
	}
	head, err := st.Head(ctx)
	if err != nil {
		return err
	}
	if head.Seq != seq {
		return fmt.Errorf("it holds %d entries, the folder %d", head.Seq, seq)
	}
	return st.Drop(ctx)
}

// ReadMeta reads the project file of the project in dir without opening
// the project: its name, and for a cache folder the database it names.
func ReadMeta(dir string) (Meta, error) { return readMeta(dir) }

// keepDerived moves the derived stores of dir (the projection, the graph
// and the index) to the positions of the same entries in the record the
// project moves to, which at gives: the position after entry seq there.
// It does so only if they hold the whole record up to entry head (the
// index, up to the last entry that changed documents) and the projection's
// logs are as long as its position says, and returns whether it did;
// otherwise it changes nothing, and the caller makes them afresh.
func keepDerived(dir string, head uint64, at func(seq uint64) (record.Position, bool)) (bool, error) {
	gdir, idir := filepath.Join(dir, GraphDir), filepath.Join(dir, IndexDir)
	pp, pok, perr := kg.ReadPosition(gdir)
	gp, gerr := kg.ReadGraphPosition(gdir)
	ip, iok, ierr := readIndexPositionAt(idir)
	if perr != nil || gerr != nil || ierr != nil || !pok || !iok ||
		pp.Seq != head || gp.Seq != head || ip.Seq < pp.LastDocs || ip.Seq > head {
		return false, nil
	}
	logs, err := filepath.Glob(filepath.Join(gdir, "*.log"))
	if err != nil {
		return false, err
	}
	for _, name := range logs {
		fi, err := os.Stat(name)
		if err != nil || fi.Size() != pp.Sizes[filepath.Base(name)] {
			return false, nil // a writer's leftovers, or a log the position does not know
		}
	}
	ipos, iok := at(ip.Seq)
	hpos, hok := at(head)
	if !iok || !hok {
		return false, nil
	}
	// The index first and the projection last: a kill part way leaves
	// positions with the right numbers, which the database reads by.
	if err := writeIndexPosition(idir, IndexPosition{Position: ipos, Docs: ip.Docs}); err != nil {
		return false, err
	}
	if err := kg.SetGraphPosition(gdir, hpos); err != nil {
		return false, err
	}
	if err := kg.OpenProjection(gdir).SetPosition(hpos); err != nil {
		return false, err
	}
	return true, nil
}
