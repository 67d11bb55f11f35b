// Package project is a qualgraph project in a folder on disk: the local
// adapter that keeps the project's ordered record of changes, the stores
// derived from it (the cayley graph and its projection, the full-text
// index), the normalised sources, the ontology and the lock. The use cases
// the command line and the server share are in package service, above it.
//
// Layout of a project folder:
//
//	qualgraph.json      project file: name, schema version, creation time
//	ontology.yaml       the project's ontology (the researcher edits it)
//	record.log          the ordered record of changes (package internal/record)
//	sources/ID.txt      the stored, normalised text of document ID (write-once)
//	sources/ID.json     its segments (speaker turns or paragraphs) and origin
//	graph/              the cayley graph (bbolt) and its projection: the logs
//	                    every command reads, position.json (how far they
//	                    have applied the record) and graph-position.json
//	                    (how far the graph has)
//	index/              the bleve full-text index and position.json (how far
//	                    it has applied the record); "qualgraph reindex"
//	                    rebuilds it
//	.lock               the write lock: one writer at a time
//	journal.json        present only while an import writes sources
//
// # The record and what derives from it
//
// Every change (an import, a coding, an uncode or recode, an emergent code
// or its promotion, an entity, a mention, an assertion or retraction, a
// memo, an attribute) is one entry of record.log: a coding.Event, numbered,
// appended and synced (commit) before the command that makes it reports
// success. A command's change is one entry, so it happens whole or not at
// all; a REFI-QDA import is one entry of several steps. An import writes
// and syncs its sources first, naming them in journal.json; an import
// killed before its entry was recorded leaves the journal, and the next
// process removes the sources it names that no entry imported.
//
// The projection, the graph and the index are derived from the record.
// Each keeps the position it has applied and applies the entries after it:
//
//   - the projection at once, in the commit: every command but Gizmo
//     queries and RDF exports reads it, so a command that reports success
//     has made its change visible;
//   - the graph at once for an ordinary entry, and for a large one (bulk
//     auto-coding) when the writer that recorded it closes the project
//     (SyncGraph), so the graph may lag by that bulk work; what a killed
//     writer left is applied by the next writer that records a change, or
//     first by the next command that reads the graph (a Gizmo query, an RDF
//     export, check), never by the recovery itself, which only applies the
//     projection; a Shared project leaves the graph to CatchUp;
//   - the index after an import has been recorded; import waits for it
//     unless told not to (ImportOptions.NoWait), and IndexStatus says how
//     much of the project search can find.
//
// A writer that opens the project brings the projection and index up to
// the record, and the graph when it closes. No write path rebuilds a whole
// store; check --repair does on demand.
//
// A Shared project (the workbench server) takes the lock for each change
// only, and applies first what other processes recorded since its last;
// it opens the graph and the index only while a query or a search uses
// them, so that commands in other processes read and write while it runs
// (see shared.go).
//
// # Team projects on PostgreSQL
//
// A project may keep its record and sources in a PostgreSQL database
// (package internal/pgstore) instead of record.log and sources/: Init with
// InitOptions.DB, or MigrateToDB. The database is then the project: it
// holds the record, the sources and the project's settings (name,
// ontology). The folder is a cache of it, whose qualgraph.json names the
// database (its DSN without the password, RedactDSN; the password comes
// from OpenDB, $QUALGRAPH_DB, $PGPASSWORD or ~/.pgpass) and the id of the
// project it holds (pgstore.Store.ID); it holds ontology.yaml and the
// derived stores, graph/ and index/, with their positions, which on a
// database are entry numbers. The record and sources are reached through
// an unexported backend interface (backend.go), so that everything above
// reads and writes both kinds of project alike.
//
// Open checks a cache folder before use: a folder of another database's
// project is refused; derived stores that are missing, unreadable or ahead
// of the database's record (a restored older dump) are made afresh, and
// the record applied to them; a reader brings them up to the record first
// (other servers and folders write to it). A writer takes the folder's
// lock, as on a local project, and for each change the database's writer
// lock (pgstore.LockWriters: a ReadWrite project from Open to Close, a
// Shared one per change), applies what others wrote since, validates,
// and writes the entry with pgstore.WriteAfter after the position it
// validated at, with the import's sources and the unique keys the entry
// claims (entity and emergent-code ids, documents' text hashes: claims),
// in one transaction. The writer lock is why validation never meets a
// record moved by another writer; WriteAfter and the claimed keys hold
// the database to it should a writer not take the lock. Changes (a
// channel of pgstore.Listen) tell a long-running process that another
// wrote. MigrateToLocal moves a project back into its folder; the
// database keeps it, marked as moved out, and refuses changes from then
// on (ErrMovedOut), unless it drops it (MigrateBackOptions.Drop).
//
// # Readers and writers
//
// Readers take no lock: they read each store only up to the position it
// has recorded, which never covers half an entry, and replay over the
// projection the whole entries of the record beyond it (those a killed
// writer did not apply), so any number of them, in any process, read
// every acknowledged change while a writer works, and are never refused. (The
// cayley file itself is locked by bbolt while a writer applies to it, so
// Gizmo queries and RDF exports may wait for that.) One process writes at
// a time, holding .lock; another writer waits up to LockWait, then fails
// naming the holder. Within a process a Project is safe for concurrent
// use: its writes are serialised (lockWrite), each validated against the
// latest state before it is recorded, and its caches follow the
// projection's position: the view is extended by the process's own
// codings (kg.Extend) and read again after any other change; the
// documents are read again when the projection's document log changes,
// and a text when its file does (Texts, for a search, checks the texts it
// keeps only when the document log changes: sources are written once). The
// views of some parts (ViewOf) are read again when the projection's
// position or the record's head moves, the evidence quotes when
// quotes.log changes, and the codebook when the ontology file or the
// codes' log does.
package project

import (
	"github.com/qualgraph/qualgraph/internal/atomicfile"

	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/corpus"
	"github.com/qualgraph/qualgraph/corpus/fts"
	"github.com/qualgraph/qualgraph/internal/pgstore"
	"github.com/qualgraph/qualgraph/internal/record"
	"github.com/qualgraph/qualgraph/kg"
	"github.com/qualgraph/qualgraph/ontology"
)

// SchemaVersion is the version of the project layout this package writes.
const SchemaVersion = 1

// File names inside a project folder.
const (
	MetaFile     = "qualgraph.json"
	OntologyFile = "ontology.yaml"
	SourcesDir   = "sources"
	GraphDir     = "graph"
	IndexDir     = "index"
	RecordFile   = "record.log"
	journalFile  = "journal.json"
)

// ErrNoProject is returned by Find when no project folder is found.
var ErrNoProject = errors.New("no qualgraph project found (use --project DIR, set QUALGRAPH_PROJECT, or run qualgraph init DIR)")

// ErrExists is returned by Init when the folder is not empty.
var ErrExists = errors.New("folder exists and is not empty")

// Meta is the content of the project file.
type Meta struct {
	ID            string    `json:"id"`
	Name          string    `json:"name"`
	SchemaVersion int       `json:"schema_version"`
	Created       time.Time `json:"created"`
	// DB, for a project kept in PostgreSQL, is the database's DSN
	// without its password (RedactDSN), and DBProject the id of the
	// project it holds (pgstore.Store.ID): the folder is its cache.
	DB        string `json:"db,omitempty"`
	DBProject string `json:"db_project,omitempty"`
	dsn       string // DB with its password, given to OpenDB
}

// InitOptions configure Init.
type InitOptions struct {
	Name         string // default: the folder's base name
	Ontology     []byte // ontology YAML; nil for the built-in ontology
	OntologyFile string // where Ontology came from, for error messages
	// DB, if set, is the DSN of a PostgreSQL database to keep the
	// project in; the folder becomes its cache (see the package doc).
	// The database must be empty, or with Join hold a project, whose
	// cache the folder becomes (Name and Ontology are then the
	// database's).
	DB   string
	Join bool
}

// Init creates a project in dir, which must not exist or be empty. On
// failure it removes what it created.
func Init(dir string, opt InitOptions) (err error) {
	ont := opt.Ontology
	if ont == nil {
		ont = ontology.BuiltinYAML()
	} else if _, err := ontology.Parse(opt.OntologyFile, ont); err != nil {
		return err
	}
	if ents, err := os.ReadDir(dir); err == nil && len(ents) > 0 {
		return fmt.Errorf("init %s: %w", dir, ErrExists)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("init %s: %w", dir, err)
	}
	created := !exists(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("init %s: %w", dir, err)
	}
	defer func() {
		if err != nil {
			cleanDir(dir, created)
		}
	}()
	name := opt.Name
	if name == "" {
		abs, _ := filepath.Abs(dir)
		name = filepath.Base(abs)
	}
	if opt.DB != "" {
		meta, err := initDB(dir, opt, ont)
		if err != nil {
			return err
		}
		return writeMeta(dir, meta)
	}
	meta := Meta{ID: uuid.NewString(), Name: name, SchemaVersion: SchemaVersion, Created: time.Now().UTC()}
	if err := os.Mkdir(filepath.Join(dir, SourcesDir), 0o755); err != nil {
		return err
	}
	if err := atomicfile.WriteFile(filepath.Join(dir, OntologyFile), ont); err != nil {
		return err
	}
	if err := record.Create(filepath.Join(dir, RecordFile)); err != nil {
		return err
	}
	g, err := kg.Create(filepath.Join(dir, GraphDir))
	if err != nil {
		return err
	}
	if err := g.Close(); err != nil {
		return err
	}
	ix, err := fts.CreateIndex(filepath.Join(dir, IndexDir))
	if err != nil {
		return err
	}
	if err := ix.Close(); err != nil {
		return err
	}
	if err := writeIndexPosition(filepath.Join(dir, IndexDir), IndexPosition{Position: record.Start}); err != nil {
		return err
	}
	// The project file comes last: a folder without it is not a project.
	return writeMeta(dir, meta)
}

// writeMeta writes the project file.
func writeMeta(dir string, meta Meta) error {
	b, _ := json.MarshalIndent(meta, "", "  ")
	return atomicfile.WriteFile(filepath.Join(dir, MetaFile), append(b, '\n'))
}

func exists(name string) bool {
	_, err := os.Stat(name)
	return err == nil
}

// cleanDir removes what a failed Init made.
func cleanDir(dir string, created bool) {
	if created {
		os.RemoveAll(dir)
		return
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		os.RemoveAll(filepath.Join(dir, e.Name()))
	}
}

// Find returns the project folder that holds start or one of its parents,
// as git finds its repository.
func Find(start string) (string, error) {
	dir, err := filepath.Abs(start)
	if err != nil {
		return "", err
	}
	for {
		if exists(filepath.Join(dir, MetaFile)) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", ErrNoProject
		}
		dir = parent
	}
}

// Project is an open project. Its stores open on first use, so a command
// pays only for what it needs. Close it when done.
type Project struct {
	Dir  string
	Meta Meta

	// Notices say what opening the project did that a person should
	// know, such as converting an older project.
	Notices []string
	// GraphProgress, if not nil, is called as Close brings the graph up
	// to the record after bulk work: entries applied, entries to apply.
	GraphProgress func(done, total int64)

	lock   *lock
	write  bool
	shared bool // Shared: the lock is taken for each change (lockWrite)
	// committed says this process recorded a change; graphOwn, that the
	// graph had applied the whole record when it recorded its first
	// (see Close).
	committed, graphOwn bool
	// stopIdle stops the goroutine that closes a Shared project's
	// index when no search has used it for a while.
	stopIdle func()
	// ixRefs counts the searches using index (guarded by mu; ixFree
	// is signalled when it drops to 0); ixUsed is when the last ended.
	ixRefs int
	ixFree *sync.Cond
	ixUsed time.Time
	wmu    sync.Mutex // serialises writes (lockWrite)
	mu     sync.Mutex // guards the caches and stores opened on first use
	be     backend    // the record and sources (backend.go)
	proj   *kg.Store  // the projection, for applying entries (projection)
	// broken is set when a recorded change could not be applied: the
	// next process catches up, this one writes no more.
	broken error
	graph  *kg.Store
	index  *fts.Index
	// indexRW says index is open for writing (writableIndex).
	indexRW bool
	ont     *ontology.Ontology
	ontMod  time.Time // the modification time and size of the file ont was parsed from
	ontSize int64
	view    *coding.View // the projection, loaded on first use (guarded by mu)
	// viewPos is the projection's position when view was loaded.
	viewPos record.Position
	// viewRecordsOnly says view lacks codings and mentions.
	viewRecordsOnly bool
	journal         bool // this process wrote journal.json and must clear it on Close
	// keepJournal is set when a write failed and could not be undone: the
	// journal stays so that the next Open repairs the project.
	keepJournal bool
	users       usersCache // the users, as last read (users.go)
	reads       readCache  // documents and texts, as last read (readcache.go)
}

// Mode says how a project is opened.
type Mode int

// The modes. A ReadWrite project holds the project's write lock from Open
// to Close, as a command that writes does. A Shared project writes too,
// but takes the lock for each change only (see lockWrite), and opens the
// graph and the index only while it uses them: a long-running process (the
// workbench server) opens its project Shared, so that commands in other
// processes read and write meanwhile. Its derived stores follow the record
// as other processes write (CatchUp).
const (
	ReadOnly Mode = iota
	ReadWrite
	Shared
)

// Open opens the project in dir. A writer holds the project alone (a
// second one waits up to LockWait, then gets a *LockedError naming the
// holder); readers take no lock (see the package doc). If an import was
// killed before it was recorded, Open first takes away what it left, and
// a writer brings the derived stores up to the record.
func Open(dir string, mode Mode) (*Project, error) { return open(dir, mode, "") }

func open(dir string, mode Mode, dsn string) (*Project, error) {
	meta, err := readMeta(dir)
	if err != nil {
		return nil, err
	}
	var notices []string
	var st *pgstore.Store
	meta.dsn = dsn
	if meta.DB != "" {
		if st, notices, err = openCache(dir, meta); err != nil {
			return nil, err
		}
		if mode == ReadOnly {
			if err := refreshCache(dir, meta, st); err != nil {
				st.Close()
				return nil, err
			}
		}
	}
	if exists(filepath.Join(dir, journalFile)) {
		n, err := recoverDir(dir, meta)
		if err != nil {
			closeStore(st)
			return nil, err
		}
		notices = append(notices, n...)
	}
	l, err := acquire(dir, mode != ReadOnly)
	if err != nil {
		closeStore(st)
		return nil, err
	}
	p := &Project{Dir: dir, Meta: meta, lock: l, write: mode != ReadOnly, shared: mode == Shared, Notices: notices}
	p.ixFree = sync.NewCond(&p.mu)
	if p.be, err = newBackend(dir, meta, &p.reads, st); err != nil {
		l.release()
		return nil, err
	}
	if p.write {
		if err := p.openRecord(); err != nil {
			p.Close()
			return nil, err
		}
	}
	if p.shared {
		// The lock was for bringing the stores up to the record; from
		// now on each change takes it.
		err := p.be.closeAppend()
		if err := errors.Join(err, l.release()); err != nil {
			p.Close()
			return nil, err
		}
		p.lock = &lock{dir: dir}
		p.stopIdle = p.closeIdleIndex()
	}
	return p, nil
}

func readMeta(dir string) (Meta, error) {
	var m Meta
	b, err := os.ReadFile(filepath.Join(dir, MetaFile))
	if errors.Is(err, fs.ErrNotExist) {
		return m, fmt.Errorf("%s: %w", dir, ErrNoProject)
	} else if err != nil {
		return m, err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("%s: %v", filepath.Join(dir, MetaFile), err)
	}
	if m.SchemaVersion > SchemaVersion {
		return m, fmt.Errorf("%s: project schema version %d is newer than this qualgraph supports (%d); upgrade qualgraph",
			dir, m.SchemaVersion, SchemaVersion)
	}
	return m, nil
}

// Close closes the stores and releases the lock. If this process began a
// write, the journal is cleared only after the index is flushed.
func (p *Project) Close() error {
	if p.stopIdle != nil {
		p.stopIdle()
		p.stopIdle = nil
	}
	var errs []error
	if p.write && p.be.appending() && p.broken == nil && p.committed && p.graphOwn {
		// The graph takes what this process recorded: a writer
		// leaves the graph as current as it found it. One that
		// changed nothing, or found the graph behind (a killed
		// writer's bulk entry, say), leaves the lag to the next
		// command that reads the graph (SyncGraph) or to the
		// workbench's catch-up, so that recovery, and the small
		// change after a kill, never wait for the graph.
		if err := p.syncGraph(p.GraphProgress); err != nil {
			errs = append(errs, fmt.Errorf("bring the graph up to the record: %w", err))
		}
	}
	errs = append(errs, p.closeStores(), p.be.close())
	err := errors.Join(errs...)
	if err == nil && p.journal && !p.keepJournal {
		err = os.Remove(filepath.Join(p.Dir, journalFile))
		p.journal = false
	}
	return errors.Join(err, p.lock.release())
}

// Writable reports whether the project was opened for writing.
func (p *Project) Writable() bool { return p.write }

// closeStores closes the graph and index a project holds open.
func (p *Project) closeStores() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	var errs []error
	if p.index != nil {
		errs = append(errs, p.index.Close())
		p.index, p.indexRW = nil, false
	}
	if p.graph != nil {
		errs = append(errs, p.graph.Close())
		p.graph = nil
	}
	return errors.Join(errs...)
}

// Graph returns the project graph, opening it on first use and keeping it
// open until Close. A Shared project does not keep the graph open (bbolt
// would lock other processes out of it): use ReadGraph.
func (p *Project) Graph() (*kg.Store, error) {
	if p.shared {
		return nil, errors.New("graph: a shared project opens the graph only for ReadGraph")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.graph == nil {
		g, err := kg.Open(filepath.Join(p.Dir, GraphDir), !p.write)
		if err != nil {
			return nil, err
		}
		p.graph = g
	}
	return p.graph, nil
}

// Index returns the full-text index for searching, opening it on first
// use. It is open read-only, even in a writer, so that other processes
// search it meanwhile.
func (p *Project) Index() (*fts.Index, error) {
	if p.shared {
		return nil, errors.New("index: a shared project opens the index only for ReadIndex")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.openIndexLocked()
}

// openIndexLocked opens the index for searching unless it is open; p.mu
// is held.
func (p *Project) openIndexLocked() (*fts.Index, error) {
	if p.index == nil {
		ix, err := fts.OpenIndex(filepath.Join(p.Dir, IndexDir), true)
		if errors.Is(err, fts.ErrIndexFormat) {
			return nil, fmt.Errorf("open index: %w: it was made by an earlier qualgraph; the next command that writes (or qualgraph reindex) rebuilds it", err)
		} else if err != nil {
			return nil, fmt.Errorf("open index: %w (qualgraph reindex rebuilds it)", err)
		}
		p.index = ix
	}
	return p.index, nil
}

// writableIndex returns the full-text index open for writing, which
// keeps other processes from opening it until Close.
func (p *Project) writableIndex() (*fts.Index, error) {
	if !p.write {
		return nil, errors.New("index: project opened read-only")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.index != nil && !p.indexRW {
		// Searches in this process finish with the handle first.
		for p.ixRefs > 0 {
			p.ixFree.Wait()
		}
		if err := p.index.Close(); err != nil {
			return nil, err
		}
		p.index = nil
	}
	if p.index == nil {
		ix, err := fts.OpenIndex(filepath.Join(p.Dir, IndexDir), false)
		if err != nil {
			return nil, fmt.Errorf("open index: %w (qualgraph reindex rebuilds it)", err)
		}
		p.index, p.indexRW = ix, true
	}
	return p.index, nil
}

// Ontology returns the project's ontology, parsed on first use.
// A long-running process (the workbench) sees the researcher's edits of
// the file: it is parsed again when its modification time or size change.
func (p *Project) Ontology() (*ontology.Ontology, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	name := filepath.Join(p.Dir, OntologyFile)
	fi, err := os.Stat(name)
	if err != nil {
		return nil, err
	}
	if p.ont == nil || !fi.ModTime().Equal(p.ontMod) || fi.Size() != p.ontSize {
		b, err := os.ReadFile(name)
		if err != nil {
			return nil, err
		}
		o, err := ontology.Parse(name, b)
		if err != nil {
			return nil, err
		}
		p.ont, p.ontMod, p.ontSize = o, fi.ModTime(), fi.Size()
	}
	return p.ont, nil
}

// OntologyPath returns the path of the project's ontology file.
func (p *Project) OntologyPath() string { return filepath.Join(p.Dir, OntologyFile) }

// Document returns the document whose id or unique name is ref, with its
// text and segments.
func (p *Project) Document(ctx context.Context, ref string) (*corpus.Document, error) {
	d, err := p.DocumentRecord(ctx, ref)
	if err != nil {
		return nil, err
	}
	if err := p.loadSource(d); err != nil {
		return nil, err
	}
	return d, nil
}

// Documents returns what is known of every document (no text or
// segments), sorted by name. It reads the graph's projection, not the
// graph, so it never waits for a writer; for a projection made before it
// kept them, it reads the graph (and, open for writing, writes them into
// the projection).
func (p *Project) Documents(ctx context.Context) ([]*corpus.Document, error) {
	dir := filepath.Join(p.Dir, GraphDir)
	docs, err := p.reads.documents(dir)
	if !errors.Is(err, kg.ErrNoProjection) {
		if err != nil {
			return nil, err
		}
		out := make([]*corpus.Document, len(docs))
		for i, d := range docs {
			out[i] = copyDoc(d)
		}
		return out, nil
	}
	g, err := p.Graph()
	if err != nil {
		return nil, err
	}
	if p.write {
		if err := g.RebuildDocNames(ctx); err != nil {
			return nil, err
		}
		return kg.LoadDocuments(dir)
	}
	return g.Documents(ctx)
}

// DocumentRecord returns what is known of the document whose id or unique
// name is ref, without its text and segments (see Documents). It returns
// an error wrapping kg.ErrNotFound when there is none.
func (p *Project) DocumentRecord(ctx context.Context, ref string) (*corpus.Document, error) {
	graphDir := filepath.Join(p.Dir, GraphDir)
	docs, ok, err := p.reads.cachedDocuments(graphDir)
	if err == nil && !ok {
		// Decode only the documents that ref may name: a command that
		// checks one span would otherwise decode all of them.
		docs, err = kg.FindDocuments(graphDir, ref)
	}
	if errors.Is(err, kg.ErrNoProjection) {
		docs, err = p.Documents(ctx)
	}
	if err != nil {
		return nil, err
	}
	var named []*corpus.Document
	for _, d := range docs {
		if d.ID == ref {
			return copyDoc(d), nil
		}
		if d.Name == ref {
			named = append(named, d)
		}
	}
	switch len(named) {
	case 0:
		return nil, fmt.Errorf("document %q: %w", ref, kg.ErrNotFound)
	case 1:
		return copyDoc(named[0]), nil
	}
	ids := make([]string, len(named))
	for i, d := range named {
		ids[i] = d.ID
	}
	slices.Sort(ids)
	return nil, fmt.Errorf("document name %q is ambiguous: it names %s; use an id", ref, strings.Join(ids, ", "))
}
