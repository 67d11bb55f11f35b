package project

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/qualgraph/qualgraph/corpus"
	"github.com/qualgraph/qualgraph/internal/atomicfile"
	"github.com/qualgraph/qualgraph/internal/pgstore"
	"github.com/qualgraph/qualgraph/internal/record"
)

// backend is where a project keeps its record and its sources: the files
// of its folder (fileBackend: record.log and sources/), or a PostgreSQL
// database (pgBackend, pg.go) of which the folder is a cache. Everything
// else in the folder (the graph, its projection, the index and their
// positions) is derived from the backend's record.
//
// Appending is for a writer that holds the project's lock: openAppend
// makes ready to append and returns the record's head; append writes
// one entry after that head; closeAppend ends it.
type backend interface {
	// name names the record in messages: "record.log" or "the database".
	name() string
	openAppend(ctx context.Context, from record.Position) (record.Position, error)
	appending() bool
	// appendHead is the head as the appender knows it (the head after
	// openAppend and its own appends).
	appendHead() record.Position
	append(ctx context.Context, payload []byte, claim []pgstore.Key) (record.Position, error)
	closeAppend() error
	// head reads the record's head; from is a position known to be
	// whole, where a file record starts reading.
	head(ctx context.Context, from record.Position) (record.Position, error)
	// scan calls fn with each whole entry after from, in order.
	scan(ctx context.Context, from record.Position, fn func(end record.Position, payload []byte) error) (record.Position, error)

	// text and segments read a document's stored text and the JSON of
	// its sourceRecord.
	text(id string) (string, error)
	segments(id string) ([]byte, error)
	// writeSource stores a document's text and segments for the next
	// append; syncSources makes them durable where they are written
	// before the entry (files); removeSource takes back one that was not
	// recorded; sourcesInEntry says the sources are written with the
	// entry that imports them, in one transaction, so that no journal
	// is needed.
	writeSource(id, text string, segments []byte) error
	syncSources() error
	removeSource(id string) error
	sourceIDs() (map[string]bool, error)
	sourcesInEntry() bool
	close() error
}

// fileBackend is the backend of a local project: record.log and sources/.
type fileBackend struct {
	dir   string
	reads *readCache
	log   *record.Log // open for appending, under the project's lock
}

func (b *fileBackend) name() string       { return RecordFile }
func (b *fileBackend) recordName() string { return filepath.Join(b.dir, RecordFile) }

func (b *fileBackend) openAppend(_ context.Context, from record.Position) (record.Position, error) {
	log, err := record.Open(b.recordName(), from)
	if err != nil {
		return record.Start, err
	}
	b.log = log
	return log.Head(), nil
}

func (b *fileBackend) appending() bool { return b.log != nil }

func (b *fileBackend) appendHead() record.Position { return b.log.Head() }

func (b *fileBackend) append(_ context.Context, payload []byte, _ []pgstore.Key) (record.Position, error) {
	if b.log == nil {
		return record.Start, errors.New("record append: not open for appending")
	}
	return b.log.Append(payload)
}

func (b *fileBackend) closeAppend() error {
	if b.log == nil {
		return nil
	}
	err := b.log.Close()
	b.log = nil
	return err
}

func (b *fileBackend) head(_ context.Context, from record.Position) (record.Position, error) {
	if b.log != nil {
		return b.log.Head(), nil
	}
	name := b.recordName()
	if _, err := os.Stat(name); errors.Is(err, os.ErrNotExist) {
		return record.Start, nil // an older project, not converted yet
	}
	return record.Scan(name, from, nil)
}

func (b *fileBackend) scan(_ context.Context, from record.Position, fn func(end record.Position, payload []byte) error) (record.Position, error) {
	return record.Scan(b.recordName(), from, fn)
}

func (b *fileBackend) textPath(id string) string {
	return filepath.Join(b.dir, SourcesDir, id+".txt")
}

func (b *fileBackend) recordPath(id string) string {
	return filepath.Join(b.dir, SourcesDir, id+".json")
}

func (b *fileBackend) text(id string) (string, error) { return b.reads.text(b.textPath(id)) }

func (b *fileBackend) segments(id string) ([]byte, error) { return os.ReadFile(b.recordPath(id)) }

// writeSource writes the files unflushed (see syncSources). Sources are
// write-once: an existing file with the same content is left alone, one
// with other content is an error. A new file is written in place, not
// through a temporary file and a rename: the import's journal names it
// before it is written (writeSources), so that a file a killed import
// left half written goes with the rest of that import (recoverDir); the
// rename cost an import of 2,000 documents a second of file-system work.
func (b *fileBackend) writeSource(id, text string, segments []byte) error {
	for _, f := range []struct {
		name string
		data []byte
	}{{b.textPath(id), []byte(text)}, {b.recordPath(id), segments}} {
		w, err := os.OpenFile(f.name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			old, err := os.ReadFile(f.name)
			switch {
			case err != nil:
				return err
			case bytes.Equal(old, f.data):
				continue
			}
			return fmt.Errorf("%s exists with other content; sources are write-once (run qualgraph check)", f.name)
		} else if err != nil {
			return err
		}
		_, err = w.Write(f.data)
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(f.name)
			return err
		}
	}
	return nil
}

func (b *fileBackend) syncSources() error {
	return atomicfile.SyncFS(filepath.Join(b.dir, SourcesDir))
}

func (b *fileBackend) removeSource(id string) error {
	return errors.Join(rmIfExists(b.textPath(id)), rmIfExists(b.recordPath(id)))
}

func (b *fileBackend) sourceIDs() (map[string]bool, error) {
	ents, err := os.ReadDir(filepath.Join(b.dir, SourcesDir))
	if err != nil {
		return nil, err
	}
	ids := map[string]bool{}
	for _, e := range ents {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		ids[strings.TrimSuffix(strings.TrimSuffix(name, ".txt"), ".json")] = true
	}
	return ids, nil
}

func (b *fileBackend) sourcesInEntry() bool { return false }

func (b *fileBackend) close() error { return b.closeAppend() }

// sourceJSON is the content of sources/ID.json (and of a source's
// segments in the database) for d.
func sourceJSON(d *corpus.Document) []byte {
	rec, _ := json.Marshal(sourceRecord{ID: d.ID, Segments: d.Segments})
	return rec
}
