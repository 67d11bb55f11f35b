package project

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/corpus/fts"
	"github.com/qualgraph/qualgraph/internal/atomicfile"
	"github.com/qualgraph/qualgraph/internal/pgstore"
	"github.com/qualgraph/qualgraph/internal/record"
	"github.com/qualgraph/qualgraph/kg"
	"github.com/qualgraph/qualgraph/ontology"
)

// claims returns the unique keys that ev takes: the ids of the entities
// and emergent codes it adds and the text hashes of the documents it
// imports. A database refuses an entry that claims a key already claimed
// (by this process or another server); the record file needs no claims,
// since its one writer validates under the project's lock.
func claims(ev *coding.Event) []pgstore.Key {
	var keys []pgstore.Key
	var add func(ev *coding.Event)
	add = func(ev *coding.Event) {
		for _, d := range ev.Documents {
			if d.Source.TextSHA != "" {
				keys = append(keys, pgstore.Key{Kind: "doc-sha256", Key: d.Source.TextSHA})
			}
		}
		for _, e := range ev.Entities {
			keys = append(keys, pgstore.Key{Kind: "entity", Key: e.ID})
		}
		if ev.Code != nil {
			keys = append(keys, pgstore.Key{Kind: "code", Key: ev.Code.ID})
		}
		for _, st := range ev.Steps {
			add(st)
		}
	}
	add(ev)
	return keys
}

// A project kept in PostgreSQL (issue 11): the database holds the record,
// the sources and the project's settings (name, ontology); the folder is a
// cache that holds the stores derived from the record (see the package
// doc, "Team projects").

// DBEnv is the environment variable that gives the database's DSN with
// its password, for a project folder that names the database without it.
const DBEnv = "QUALGRAPH_DB"

// pgName names the database's record in messages.
const pgName = "the database"

// pgBackend keeps the record and sources in a database (pgstore).
type pgBackend struct {
	st *pgstore.Store
	db string // the database's DSN without password, for messages
	// unlock, while set, releases the writer lock that openAppend took;
	// at is the record's head as the appender knows it.
	unlock  func() error
	at      record.Position
	pending []pgstore.Source // the sources of the next append

	mu    sync.Mutex
	texts map[string]pgstore.Source // sources read, which never change
	size  int
}

func (b *pgBackend) name() string { return pgName }

// openAppend takes the writer lock of the database, which orders the
// writers of every server and process: the project's file lock only
// orders those of one cache folder.
func (b *pgBackend) openAppend(ctx context.Context, _ record.Position) (record.Position, error) {
	if b.unlock == nil {
		unlock, err := b.st.LockWriters(ctx, LockWait)
		if errors.Is(err, pgstore.ErrWriterBusy) {
			// As busy as a project whose lock another process holds.
			return pgstore.Start, &LockedError{Dir: b.db}
		} else if err != nil {
			return pgstore.Start, err
		}
		b.unlock = unlock
	}
	if err := checkMovedOut(ctx, b.st, b.db); err != nil {
		b.closeAppend()
		return pgstore.Start, err
	}
	head, err := b.st.Head(ctx)
	if err != nil {
		b.closeAppend()
		return pgstore.Start, err
	}
	b.at = head
	return head, nil
}

func (b *pgBackend) appending() bool { return b.unlock != nil }

func (b *pgBackend) appendHead() record.Position { return b.at }

// append writes the entry after the head the appender knows: under the
// writer lock no other writer has moved it, and should one not have
// taken the lock, WriteAfter refuses to write after its entry.
func (b *pgBackend) append(ctx context.Context, payload []byte, claim []pgstore.Key) (record.Position, error) {
	if b.unlock == nil {
		return pgstore.Start, errors.New("record append: not open for appending")
	}
	srcs := b.pending
	b.pending = nil
	pos, err := b.st.WriteAfter(ctx, b.at, pgstore.Entry{Payload: payload, Claim: claim, Sources: srcs})
	if err != nil {
		return pgstore.Start, err
	}
	b.at = pos
	return pos, nil
}

func (b *pgBackend) closeAppend() error {
	if b.unlock == nil {
		return nil
	}
	err := b.unlock()
	b.unlock = nil
	return err
}

func (b *pgBackend) head(ctx context.Context, _ record.Position) (record.Position, error) {
	return b.st.Head(ctx)
}

func (b *pgBackend) scan(ctx context.Context, from record.Position, fn func(end record.Position, payload []byte) error) (record.Position, error) {
	return b.st.Scan(ctx, from, fn)
}

func (b *pgBackend) source(id string) (pgstore.Source, error) {
	b.mu.Lock()
	src, ok := b.texts[id]
	b.mu.Unlock()
	if ok {
		return src, nil
	}
	src, err := b.st.Source(context.Background(), id)
	if err != nil {
		return src, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.texts == nil {
		b.texts = map[string]pgstore.Source{}
	}
	for k, old := range b.texts {
		if b.size+len(src.Text) <= maxCachedText {
			break
		}
		delete(b.texts, k)
		b.size -= len(old.Text)
	}
	if _, ok := b.texts[id]; !ok {
		b.texts[id] = src
		b.size += len(src.Text)
	}
	return src, nil
}

func (b *pgBackend) text(id string) (string, error) {
	src, err := b.source(id)
	return src.Text, err
}

func (b *pgBackend) segments(id string) ([]byte, error) {
	src, err := b.source(id)
	return src.Segments, err
}

func (b *pgBackend) writeSource(id, text string, segments []byte) error {
	b.pending = append(b.pending, pgstore.Source{Doc: id, Text: text, Segments: segments})
	return nil
}

func (b *pgBackend) syncSources() error { return nil }

func (b *pgBackend) removeSource(id string) error {
	b.pending = slices.DeleteFunc(b.pending, func(s pgstore.Source) bool { return s.Doc == id })
	return nil
}

func (b *pgBackend) sourceIDs() (map[string]bool, error) {
	docs, err := b.st.Sources(context.Background())
	if err != nil {
		return nil, err
	}
	ids := make(map[string]bool, len(docs))
	for _, d := range docs {
		ids[d] = true
	}
	return ids, nil
}

func (b *pgBackend) sourcesInEntry() bool { return true }

func (b *pgBackend) close() error {
	err := b.closeAppend()
	b.st.Close()
	return err
}

// RedactDSN returns dsn without its password, as a project folder keeps
// it: a postgres:// URL loses the password of its user part and any
// password parameter, a key=value string its password=... pair.
func RedactDSN(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		if u.User != nil {
			u.User = url.User(u.User.Username())
		}
		q := u.Query()
		if q.Has("password") {
			q.Del("password")
			u.RawQuery = q.Encode()
		}
		return u.String()
	}
	var keep []string
	for _, f := range strings.Fields(dsn) {
		if !strings.HasPrefix(f, "password=") {
			keep = append(keep, f)
		}
	}
	return strings.Join(keep, " ")
}

// dbDSN returns the DSN to connect to the database the project file
// names: the one given to OpenDB or $QUALGRAPH_DB if it names the same
// database (with its password), else the file's, for which libpq's PGPASSWORD or ~/.pgpass give the
// password.
func dbDSN(meta Meta) string {
	if meta.dsn != "" && RedactDSN(meta.dsn) == meta.DB {
		return meta.dsn
	}
	if env := os.Getenv(DBEnv); env != "" && RedactDSN(env) == meta.DB {
		return env
	}
	return meta.DB
}

// dbSettings are the project's settings kept in the database beside the
// record, so that a cache folder made anywhere gets them.
type dbSettings struct {
	Meta     Meta   `json:"meta"`
	Ontology string `json:"ontology"`
}

// openDB opens the database a project file names and checks that it
// holds the project the folder is a cache of.
func openDB(ctx context.Context, dir string, meta Meta) (*pgstore.Store, error) {
	st, err := pgstore.Open(ctx, dbDSN(meta))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	if st.ID() != meta.DBProject {
		st.Close()
		return nil, fmt.Errorf("%s is the cache of database project %s, but %s holds project %s: use another folder for it (qualgraph init DIR --db DSN --join)",
			dir, meta.DBProject, RedactDSN(meta.DB), st.ID())
	}
	return st, nil
}

// cacheProblem says why the derived stores of the cache folder dir
// cannot follow the record of st, or "" if they can: missing, unreadable,
// or ahead of the record (a cache of a database restored from an older
// dump, say).
func cacheProblem(ctx context.Context, dir string, st *pgstore.Store) (string, error) {
	gdir := filepath.Join(dir, GraphDir)
	head, err := st.Head(ctx)
	if err != nil {
		return "", err
	}
	ipos, iok, ierr := readIndexPositionAt(filepath.Join(dir, IndexDir))
	switch pos, ok, err := kg.ReadPosition(gdir); {
	case !exists(gdir) || !exists(filepath.Join(dir, IndexDir)):
		return "it lacked the graph or the index", nil
	case err != nil || !ok:
		return "its projection has no readable position", nil
	case ierr != nil || !iok:
		return "its index has no readable position", nil
	case pos.Seq > head.Seq || ipos.Seq > head.Seq:
		return fmt.Sprintf("it had applied %d entries, but the database holds %d", max(pos.Seq, ipos.Seq), head.Seq), nil
	}
	if gpos, err := kg.ReadGraphPosition(gdir); err != nil || gpos.Seq > head.Seq {
		return "its graph is ahead of the database", nil
	}
	return "", nil
}

// readIndexPositionAt reads the index position in the index folder dir.
func readIndexPositionAt(dir string) (IndexPosition, bool, error) {
	p := &Project{Dir: filepath.Dir(dir)}
	return p.ReadIndexPosition()
}

// resetDerived makes the derived stores of dir afresh, empty, at the
// record's start.
func resetDerived(dir string, start record.Position) error {
	gdir, idir := filepath.Join(dir, GraphDir), filepath.Join(dir, IndexDir)
	if err := errors.Join(os.RemoveAll(gdir), os.RemoveAll(idir)); err != nil {
		return fmt.Errorf("reset %s: %w", dir, err)
	}
	g, err := kg.Create(gdir)
	if err != nil {
		return err
	}
	if err := g.Close(); err != nil {
		return err
	}
	if err := kg.OpenProjection(gdir).SetPosition(start); err != nil {
		return err
	}
	if err := kg.SetGraphPosition(gdir, start); err != nil {
		return err
	}
	ix, err := fts.CreateIndex(idir)
	if err != nil {
		return err
	}
	if err := ix.Close(); err != nil {
		return err
	}
	return writeIndexPosition(idir, IndexPosition{Position: start})
}

// ErrDBExists is wrapped by the error of Init when the database already
// holds a project and the folder is to be a new project's.
var ErrDBExists = errors.New("the database already holds a qualgraph project")

// initDB makes the project in the database at dsn (InitOptions.DB) and its
// cache folder dir: a new project in an empty database, or with Join a
// cache of the project the database holds.
func initDB(dir string, opt InitOptions, ont []byte) (Meta, error) {
	ctx := context.Background()
	var meta Meta
	if !opt.Join {
		err := pgstore.Create(ctx, opt.DB)
		if errors.Is(err, pgstore.ErrExists) {
			return meta, fmt.Errorf("init %s: %w (to work on it from this folder, add --join)", dir, ErrDBExists)
		} else if err != nil {
			return meta, fmt.Errorf("init %s: %w", dir, err)
		}
	}
	st, err := pgstore.Open(ctx, opt.DB)
	if err != nil {
		return meta, fmt.Errorf("init %s: %w", dir, err)
	}
	defer st.Close()
	if opt.Join {
		s, err := readSettings(ctx, st)
		if err != nil {
			return meta, fmt.Errorf("init %s: %w", dir, err)
		}
		meta = s.Meta
		ont = []byte(s.Ontology)
	} else {
		name := opt.Name
		if name == "" {
			abs, _ := filepath.Abs(dir)
			name = filepath.Base(abs)
		}
		meta = Meta{ID: uuid.NewString(), Name: name, SchemaVersion: SchemaVersion, Created: time.Now().UTC()}
		if err := writeSettings(ctx, st, meta, ont); err != nil {
			return meta, fmt.Errorf("init %s: %w", dir, err)
		}
	}
	meta.DB, meta.DBProject = RedactDSN(opt.DB), st.ID()
	if err := atomicfile.WriteFile(filepath.Join(dir, OntologyFile), ont); err != nil {
		return meta, err
	}
	if err := resetDerived(dir, pgstore.Start); err != nil {
		return meta, err
	}
	return meta, nil
}

// readSettings reads the project's settings from the database.
func readSettings(ctx context.Context, st *pgstore.Store) (dbSettings, error) {
	var s dbSettings
	v, ok, err := st.Meta(ctx, "settings")
	if err != nil {
		return s, err
	}
	if !ok {
		return s, errors.New("the database holds no project settings (made by qualgraph init --db or migrate)")
	}
	if err := json.Unmarshal([]byte(v), &s); err != nil {
		return s, fmt.Errorf("project settings in the database: %w", err)
	}
	return s, nil
}

// writeSettings keeps the project's settings in the database.
func writeSettings(ctx context.Context, st *pgstore.Store, meta Meta, ont []byte) error {
	meta.DB, meta.DBProject = "", ""
	b, _ := json.Marshal(dbSettings{Meta: meta, Ontology: string(ont)})
	return st.SetMeta(ctx, "settings", string(b))
}

// newBackend returns the backend of the project in dir: its files, or the
// database its project file names (st, if not nil, open already).
func newBackend(dir string, meta Meta, reads *readCache, st *pgstore.Store) (backend, error) {
	if meta.DB == "" {
		return &fileBackend{dir: dir, reads: reads}, nil
	}
	if st == nil {
		var err error
		if st, err = openDB(context.Background(), dir, meta); err != nil {
			return nil, err
		}
	}
	return &pgBackend{st: st, db: meta.DB}, nil
}

// openCache opens the database of a project kept in one and checks its
// cache folder before the project is opened: the database holds the
// folder's project (openDB), the derived stores follow its record
// (cacheProblem; they are made afresh otherwise, under the project's
// lock, and the next writer applies the whole record to them), and the
// ontology file is there.
func openCache(dir string, meta Meta) (st *pgstore.Store, notices []string, err error) {
	ctx := context.Background()
	if st, err = openDB(ctx, dir, meta); err != nil {
		return nil, nil, err
	}
	defer func() {
		if err != nil {
			st.Close()
		}
	}()
	why, err := cacheProblem(ctx, dir, st)
	if err != nil {
		return nil, nil, err
	}
	if why != "" || !exists(filepath.Join(dir, OntologyFile)) {
		l, err := acquire(dir, true)
		if err != nil {
			return nil, nil, err
		}
		defer l.release()
		if why, err = cacheProblem(ctx, dir, st); err != nil {
			return nil, nil, err
		}
	}
	if why != "" {
		if err := resetDerived(dir, pgstore.Start); err != nil {
			return nil, nil, err
		}
		notices = append(notices, fmt.Sprintf("rebuilt the local cache %s from the database (%s)", dir, why))
	}
	if !exists(filepath.Join(dir, OntologyFile)) {
		s, err := readSettings(ctx, st)
		if err != nil {
			return nil, nil, err
		}
		if err := atomicfile.WriteFile(filepath.Join(dir, OntologyFile), []byte(s.Ontology)); err != nil {
			return nil, nil, err
		}
	}
	return st, notices, nil
}

func closeStore(st *pgstore.Store) {
	if st != nil {
		st.Close()
	}
}

// keepOntology keeps the ontology text in the database of a project kept
// in one, so that cache folders made afterwards get it (a promotion
// rewrites the ontology file).
func (p *Project) keepOntology(ctx context.Context, text []byte) error {
	pg, ok := p.be.(*pgBackend)
	if !ok {
		return nil
	}
	return writeSettings(ctx, pg.st, p.Meta, text)
}

// refreshCache brings the derived stores of the cache folder dir up to
// the database's record, as a reader opens it: another server or cache
// folder may have written since this folder's last command. It takes the
// folder's lock (not the database's: it appends nothing) while it
// applies; when a writer holds the folder, it leaves the stores as they
// are, and the reader replays what the projection lacks (see Open).
func refreshCache(dir string, meta Meta, st *pgstore.Store) error {
	ctx := context.Background()
	head, err := st.Head(ctx)
	if err != nil {
		return err
	}
	gdir := filepath.Join(dir, GraphDir)
	if behind, err := cacheBehind(dir, head); err != nil || !behind {
		return err
	}
	l, err := acquire(dir, true)
	if err != nil {
		return nil // a writer of this folder applies it
	}
	defer l.release()
	p := &Project{Dir: dir, Meta: meta, lock: &lock{dir: dir}, write: true, be: &pgBackend{st: st, db: meta.DB}}
	p.ixFree = sync.NewCond(&p.mu)
	defer p.closeStores()
	if pos, err := kg.TruncateProjection(gdir); err != nil {
		return err
	} else if pos.Seq < head.Seq {
		if err := p.catchUp(); err != nil {
			return err
		}
	}
	if err := p.syncGraph(nil); err != nil {
		return err
	}
	if behind, err := p.indexBehind(); err != nil || !behind {
		return err
	}
	return p.catchUpIndex(ctx, nil)
}

// cacheBehind reports whether the projection, the graph or the index of
// the cache folder dir lack entries up to head.
func cacheBehind(dir string, head record.Position) (bool, error) {
	gdir := filepath.Join(dir, GraphDir)
	pos, _, err := kg.ReadPosition(gdir)
	if err != nil {
		return false, err
	}
	gpos, err := kg.ReadGraphPosition(gdir)
	if err != nil {
		return false, err
	}
	ipos, _, err := readIndexPositionAt(filepath.Join(dir, IndexDir))
	if err != nil {
		return false, err
	}
	return pos.Seq < head.Seq || gpos.Seq < head.Seq || ipos.Seq < pos.LastDocs, nil
}

// Changes returns a channel that receives the record's head whenever
// another process or server writes to the database of a project kept in
// one (pgstore.Listen), so that a long-running process catches up at
// once (CatchUp) rather than at its next poll; it is closed when ctx is
// done. A local project has no such channel: it returns nil.
func (p *Project) Changes(ctx context.Context) (<-chan record.Position, error) {
	pg, ok := p.be.(*pgBackend)
	if !ok {
		return nil, nil
	}
	return pg.st.Listen(ctx)
}

// OpenDB opens the project whose cache folder is dir, as Open does, with
// dsn to connect to its database: the DSN the project file names, with
// its password (the project file keeps none). A DSN of another database
// than the file names is refused.
func OpenDB(dir string, mode Mode, dsn string) (*Project, error) {
	meta, err := readMeta(dir)
	if err != nil {
		return nil, err
	}
	if meta.DB == "" {
		return nil, fmt.Errorf("%s is a local project, not kept in a database (qualgraph migrate --to postgres://... moves it into one)", dir)
	}
	if RedactDSN(dsn) != meta.DB {
		return nil, fmt.Errorf("%s is the cache of database %s, not of %s", dir, meta.DB, RedactDSN(dsn))
	}
	return open(dir, mode, dsn)
}

// appendPromotions appends the promotions of emergent codes that ev
// records to ps.
func appendPromotions(ps []*coding.Promotion, ev *coding.Event) []*coding.Promotion {
	if ev.Promote != nil {
		ps = append(ps, ev.Promote)
	}
	for _, st := range ev.Steps {
		ps = appendPromotions(ps, st)
	}
	return ps
}

// takePromotions adds to the ontology file of a cache folder the classes
// that promotions made through another folder (another server) added to
// theirs, as PromoteCode does, so that this folder's coding commands know
// them; the file keeps its own edits. A local project's promotions are
// all its own: it does nothing.
func (p *Project) takePromotions(ps []*coding.Promotion) error {
	if _, ok := p.be.(*pgBackend); !ok || len(ps) == 0 {
		return nil
	}
	o, err := p.Ontology()
	if err != nil {
		return err
	}
	v, err := p.View(true)
	if err != nil {
		return err
	}
	src, err := os.ReadFile(p.OntologyPath())
	if err != nil {
		return err
	}
	o = o.Clone()
	changed := false
	for _, pr := range ps {
		if _, ok := o.Class(pr.ID); ok {
			continue
		}
		i := slices.IndexFunc(v.Codes, func(c coding.Code) bool { return c.ID == pr.ID })
		if i < 0 {
			continue
		}
		c := v.Codes[i]
		if err := o.AddClass(ontology.Class{ID: c.ID, Parent: pr.Parent, Definition: c.Definition, Colour: c.Color}); err != nil {
			// This folder's ontology was edited apart: say so, and
			// let the researcher add the class.
			p.Notices = append(p.Notices, fmt.Sprintf("code %s was promoted under %s elsewhere, but %s cannot take it (%v): add it by hand", pr.ID, pr.Parent, OntologyFile, err))
			continue
		}
		text, err := o.InsertClassYAML(p.OntologyPath(), src, pr.ID)
		if errors.Is(err, ontology.ErrNotEditable) {
			var b strings.Builder
			if err := o.WriteYAML(&b); err != nil {
				return err
			}
			text = []byte(b.String())
		} else if err != nil {
			return err
		}
		src, changed = text, true
	}
	if !changed {
		return nil
	}
	if err := atomicfile.WriteFile(p.OntologyPath(), src); err != nil {
		return err
	}
	p.mu.Lock()
	p.ont = o
	p.mu.Unlock()
	return nil
}

// movedOn reports whether the database of a project kept in one holds
// entries after at, which its projection is at: other servers write to
// it without moving this folder's projection, so a view cached at at is
// not the project's any more (the next load replays them). A local
// project's projection moves with every writer: it returns false.
func (p *Project) movedOn(at record.Position) bool {
	pg, ok := p.be.(*pgBackend)
	if !ok {
		return false
	}
	head, err := pg.st.Head(context.Background())
	return err != nil || head.Seq != at.Seq
}
