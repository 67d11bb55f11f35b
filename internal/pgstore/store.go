package pgstore

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/internal/record"
)

// SchemaVersion is the version of the tables this package reads and writes.
const SchemaVersion = 1

// channel is the LISTEN/NOTIFY channel every write notifies.
const channel = "qualgraph_record"

// schemaLock is the advisory lock key that Create holds while it looks for
// and makes the tables.
const schemaLock = 0x71670001

// schema makes the tables of a project.
const schema = `
CREATE TABLE qg_meta (
	key   text PRIMARY KEY,
	value text NOT NULL
);
CREATE TABLE qg_head (
	one boolean PRIMARY KEY DEFAULT true CHECK (one),
	seq bigint NOT NULL CHECK (seq >= 0)
);
INSERT INTO qg_head (seq) VALUES (0);
CREATE TABLE qg_record (
	seq     bigint PRIMARY KEY CHECK (seq > 0),
	payload bytea NOT NULL
);
CREATE TABLE qg_unique (
	kind text NOT NULL,
	key  text NOT NULL,
	seq  bigint NOT NULL REFERENCES qg_record (seq),
	PRIMARY KEY (kind, key)
);
CREATE TABLE qg_source (
	doc      text PRIMARY KEY,
	seq      bigint NOT NULL REFERENCES qg_record (seq),
	sha256   bytea NOT NULL,
	text     bytea NOT NULL,
	segments json NOT NULL
);
`

// Start is the position before the first entry.
var Start = record.Position{}

// pos is the position after entry seq.
func pos(seq uint64) record.Position { return record.Position{Seq: seq, Offset: int64(seq)} }

// Errors of Create and Open.
var (
	ErrExists     = errors.New("already holds a qualgraph project")
	ErrNotProject = errors.New("holds no qualgraph project (run qualgraph init --db)")
)

// Key is a unique key: a kind ("entity", "code", "doc-sha256", ...) and a
// key unique within it.
type Key struct {
	Kind string `json:"kind"`
	Key  string `json:"key"`
}

// Source is a document's stored text and segments.
type Source struct {
	Doc      string          `json:"doc"`
	Text     string          `json:"text"`
	Segments json.RawMessage `json:"segments"` // JSON, stored as given
	SHA256   [32]byte        `json:"-"`        // of Text, set by Source (Write computes its own)
}

// Entry is one entry of the record with what the database writes in the
// same transaction.
type Entry struct {
	Payload []byte
	// Claim lists the unique keys the entry takes; a key taken before
	// fails the write.
	Claim []Key
	// Free lists keys the entry gives back, free for its own Claim and
	// for the entries after it, not for those before it; a key not
	// taken is ignored.
	Free []Key
	// Sources are the documents the entry imports.
	Sources []Source
}

// DuplicateError refuses a write that claims a unique key already
// claimed, or imports a document id already imported.
type DuplicateError struct {
	Kind, Key string
}

func (e *DuplicateError) Error() string {
	return fmt.Sprintf("%s %q: %v in the database", e.Kind, e.Key, coding.ErrDuplicate)
}

// Unwrap returns coding.ErrDuplicate.
func (e *DuplicateError) Unwrap() error { return coding.ErrDuplicate }

// Store is a project's database, safe for concurrent use.
type Store struct {
	pool *pgxpool.Pool
	id   string
}

// Create makes the tables of a new project in the database at dsn (a
// postgres:// URL or key=value string). It fails with ErrExists if the
// database already holds a project.
func Create(ctx context.Context, dsn string) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return fmt.Errorf("create project in database: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	name := conn.Config().Database
	err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", int64(schemaLock)); err != nil {
			return err
		}
		var exists bool
		if err := tx.QueryRow(ctx, "SELECT to_regclass('qg_meta') IS NOT NULL").Scan(&exists); err != nil {
			return err
		}
		if exists {
			return ErrExists
		}
		if _, err := tx.Exec(ctx, schema); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "INSERT INTO qg_meta (key, value) VALUES ('schema', $1), ('project', $2)",
			strconv.Itoa(SchemaVersion), uuid.NewString())
		return err
	})
	if err != nil {
		return fmt.Errorf("create project in database %s: %w", name, err)
	}
	return nil
}

// Open opens the project in the database at dsn. It fails with
// ErrNotProject if Create has not made its tables, and if they are of a
// newer schema than this program knows.
func Open(ctx context.Context, dsn string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("open project database: %w", err)
	}
	name := cfg.ConnConfig.Database
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open project database %s: %w", name, err)
	}
	s := &Store{pool: pool}
	if err := s.check(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open project database %s: %w", name, err)
	}
	return s, nil
}

func (s *Store) check(ctx context.Context) error {
	var exists bool
	if err := s.pool.QueryRow(ctx, "SELECT to_regclass('qg_meta') IS NOT NULL").Scan(&exists); err != nil {
		return err
	}
	if !exists {
		return ErrNotProject
	}
	meta := map[string]string{}
	rows, _ := s.pool.Query(ctx, "SELECT key, value FROM qg_meta")
	var k, v string
	if _, err := pgx.ForEachRow(rows, []any{&k, &v}, func() error { meta[k] = v; return nil }); err != nil {
		return err
	}
	if v, _ := strconv.Atoi(meta["schema"]); v != SchemaVersion {
		return fmt.Errorf("tables of schema %q; this qualgraph knows schema %d (a newer qualgraph made them?)", meta["schema"], SchemaVersion)
	}
	s.id = meta["project"]
	return nil
}

// Close closes the store's connections.
func (s *Store) Close() { s.pool.Close() }

// ID returns the project's id, a UUID made by Create. A restored dump
// keeps it.
func (s *Store) ID() string { return s.id }

// Head returns the position after the last committed entry.
func (s *Store) Head(ctx context.Context) (record.Position, error) {
	var seq int64
	if err := s.pool.QueryRow(ctx, "SELECT seq FROM qg_head").Scan(&seq); err != nil {
		return Start, fmt.Errorf("record head: %w", err)
	}
	return pos(uint64(seq)), nil
}

// Append writes the payloads as consecutive entries in one transaction.
// See Write.
func (s *Store) Append(ctx context.Context, payloads ...[]byte) (record.Position, error) {
	entries := make([]Entry, len(payloads))
	for i, p := range payloads {
		entries[i].Payload = p
	}
	return s.Write(ctx, entries...)
}

// Write appends the entries, in order, with their unique keys and
// sources, in one transaction, and returns the position after the last
// one once it is committed. The first entry's number follows the last
// committed entry's at the moment of the write, whoever wrote it. On a
// duplicate key or document it returns a *DuplicateError and writes
// nothing; on any other error before the commit it writes nothing. An
// error of the commit itself leaves the outcome unknown (see the package
// doc).
func (s *Store) Write(ctx context.Context, entries ...Entry) (record.Position, error) {
	return s.write(ctx, nil, entries)
}

// WriteAfter is Write on the condition that the record's head is still
// after: a writer that validated its entries against the project as of
// after learns, with a *MovedError, that another writer (another server)
// has appended since; it then reads the new entries, validates again and
// retries. The condition is checked under the counter's lock, so no
// entry can slip in between.
func (s *Store) WriteAfter(ctx context.Context, after record.Position, entries ...Entry) (record.Position, error) {
	return s.write(ctx, &after, entries)
}

// ErrMoved is wrapped by *MovedError.
var ErrMoved = errors.New("the record has moved on")

// MovedError refuses a WriteAfter whose expected head is not the head.
type MovedError struct {
	Expected, Head record.Position
}

func (e *MovedError) Error() string {
	return fmt.Sprintf("record append after entry %d: %v to entry %d", e.Expected.Seq, ErrMoved, e.Head.Seq)
}

// Unwrap returns ErrMoved.
func (e *MovedError) Unwrap() error { return ErrMoved }

func (s *Store) write(ctx context.Context, after *record.Position, entries []Entry) (record.Position, error) {
	for i := range entries {
		if n := len(entries[i].Payload); n > record.MaxEntry {
			return Start, fmt.Errorf("record append: entry of %d bytes is larger than %d", n, record.MaxEntry)
		}
		for _, src := range entries[i].Sources {
			if !json.Valid(src.Segments) {
				return Start, fmt.Errorf("record append: source %s: segments are not JSON", src.Doc)
			}
		}
	}
	if len(entries) == 0 {
		head, err := s.Head(ctx)
		if err == nil && after != nil && head.Seq != after.Seq {
			return head, &MovedError{Expected: *after, Head: head}
		}
		return head, err
	}
	var last uint64
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var head int64
		// The UPDATE waits for the row lock of a concurrent writer, then
		// sees the value it committed.
		err := tx.QueryRow(ctx, "UPDATE qg_head SET seq = seq + $1 RETURNING seq", len(entries)).Scan(&head)
		if err != nil {
			return err
		}
		last = uint64(head)
		first := last - uint64(len(entries)) + 1
		if after != nil && first != after.Seq+1 {
			return &MovedError{Expected: *after, Head: pos(first - 1)}
		}
		return write(ctx, tx, first, entries)
	})
	if err != nil {
		var dup *DuplicateError
		var moved *MovedError
		if errors.As(err, &dup) || errors.As(err, &moved) {
			return Start, err
		}
		return Start, fmt.Errorf("record append: %w", err)
	}
	return pos(last), nil
}

// write inserts entries numbered from first, their keys and sources, and
// the notification, in one round trip.
func write(ctx context.Context, tx pgx.Tx, first uint64, entries []Entry) error {
	seqs := make([]int64, len(entries))
	payloads := make([][]byte, len(entries))
	for i := range entries {
		seqs[i] = int64(first) + int64(i)
		payloads[i] = entries[i].Payload
	}
	b := &pgx.Batch{}
	// Durable on commit even where the server's default is not.
	b.Queue("SELECT set_config('synchronous_commit', 'on', true) WHERE current_setting('synchronous_commit') = 'off'")
	b.Queue("INSERT INTO qg_record (seq, payload) SELECT * FROM unnest($1::bigint[], $2::bytea[])", seqs, payloads)
	type check struct {
		kind string
		want []string // keys or documents, in the order inserted
	}
	var checks []check
	// Keys and sources go in one statement each for a run of entries that
	// free no key; an entry that frees keys ends the run, so that what it
	// frees is free for itself and the entries after it, and not before.
	var (
		kinds, keys, docs, segs []string
		keySeqs, docSeqs        []int64
		sums, texts             [][]byte
	)
	flush := func() {
		if len(keys) > 0 {
			b.Queue(`INSERT INTO qg_unique (kind, key, seq) SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])
				ON CONFLICT DO NOTHING RETURNING kind, key`, kinds, keys, keySeqs)
			want := make([]string, len(keys))
			for j := range keys {
				want[j] = kinds[j] + "\x00" + keys[j]
			}
			checks = append(checks, check{kind: "key", want: want})
		}
		if len(docs) > 0 {
			b.Queue(`INSERT INTO qg_source (doc, seq, sha256, text, segments)
				SELECT d, q, h, t, s::json FROM unnest($1::text[], $2::bigint[], $3::bytea[], $4::bytea[], $5::text[]) AS u(d, q, h, t, s)
				ON CONFLICT DO NOTHING RETURNING 'source', doc`, docs, docSeqs, sums, texts, segs)
			checks = append(checks, check{kind: "source", want: docs})
		}
		kinds, keys, keySeqs, docs, docSeqs, sums, texts, segs = nil, nil, nil, nil, nil, nil, nil, nil
	}
	for i, e := range entries {
		if len(e.Free) > 0 {
			flush()
			fk, fv := split(e.Free)
			b.Queue("DELETE FROM qg_unique WHERE (kind, key) IN (SELECT * FROM unnest($1::text[], $2::text[]))", fk, fv)
			checks = append(checks, check{})
		}
		for _, k := range e.Claim {
			kinds, keys, keySeqs = append(kinds, k.Kind), append(keys, k.Key), append(keySeqs, seqs[i])
		}
		for _, src := range e.Sources {
			sum := sha256.Sum256([]byte(src.Text))
			docs, docSeqs = append(docs, src.Doc), append(docSeqs, seqs[i])
			sums, texts, segs = append(sums, sum[:]), append(texts, []byte(src.Text)), append(segs, string(src.Segments))
		}
	}
	flush()
	b.Queue("SELECT pg_notify($1, $2)", channel, strconv.FormatInt(seqs[len(seqs)-1], 10))
	res := tx.SendBatch(ctx, b)
	for range 2 { // synchronous_commit, the entries
		if _, err := res.Exec(); err != nil {
			res.Close()
			return err
		}
	}
	var dup error
	for _, c := range checks {
		if c.kind == "" {
			if _, err := res.Exec(); err != nil {
				res.Close()
				return err
			}
			continue
		}
		rows, _ := res.Query()
		got := map[string]bool{}
		var kind, key string
		_, err := pgx.ForEachRow(rows, []any{&kind, &key}, func() error {
			if c.kind == "source" {
				got[key] = true
			} else {
				got[kind+"\x00"+key] = true
			}
			return nil
		})
		if err != nil {
			res.Close()
			return err
		}
		for _, w := range c.want {
			if got[w] {
				delete(got, w) // a second claim of w in the same entry is a duplicate too
				continue
			}
			if dup == nil {
				dup = dupError(c.kind, w)
			}
		}
	}
	if err := res.Close(); err != nil {
		return err
	}
	return dup
}

func dupError(kind, w string) *DuplicateError {
	if kind == "source" {
		return &DuplicateError{Kind: "source", Key: w}
	}
	for i := 0; i < len(w); i++ {
		if w[i] == 0 {
			return &DuplicateError{Kind: w[:i], Key: w[i+1:]}
		}
	}
	return &DuplicateError{Key: w}
}

func split(keys []Key) (kinds, vals []string) {
	kinds = make([]string, len(keys))
	vals = make([]string, len(keys))
	for i, k := range keys {
		kinds[i], vals[i] = k.Kind, k.Key
	}
	return kinds, vals
}

// scanPage is how many entries Scan reads in one query.
const scanPage = 4096

// Scan calls fn for each committed entry after from.Seq, in order, with the
// position just after the entry, and returns the position after the last
// one it read. fn may keep the payload. A gap in the numbers is an error
// wrapping record.ErrCorrupt.
func (s *Store) Scan(ctx context.Context, from record.Position, fn func(end record.Position, payload []byte) error) (record.Position, error) {
	at := pos(from.Seq)
	for {
		rows, _ := s.pool.Query(ctx, "SELECT seq, payload FROM qg_record WHERE seq > $1 ORDER BY seq LIMIT $2", int64(at.Seq), scanPage)
		var seq int64
		var payload []byte
		n := 0
		_, err := pgx.ForEachRow(rows, []any{&seq, &payload}, func() error {
			n++
			if uint64(seq) != at.Seq+1 {
				return fmt.Errorf("%w: entry %d follows entry %d in the database", record.ErrCorrupt, seq, at.Seq)
			}
			if err := fn(pos(uint64(seq)), payload); err != nil {
				return err
			}
			at = pos(uint64(seq))
			return nil
		})
		if err != nil {
			return at, fmt.Errorf("record scan: %w", err)
		}
		if n < scanPage {
			return at, nil
		}
	}
}

// Source returns document doc's stored text and segments. It fails with
// an error wrapping coding.ErrUnknownDoc if no entry imported it, and
// with one wrapping record.ErrCorrupt if the text does not match its hash.
func (s *Store) Source(ctx context.Context, doc string) (Source, error) {
	src := Source{Doc: doc}
	var sum, text []byte
	var segs string
	err := s.pool.QueryRow(ctx, "SELECT sha256, text, segments::text FROM qg_source WHERE doc = $1", doc).Scan(&sum, &text, &segs)
	if errors.Is(err, pgx.ErrNoRows) {
		return src, fmt.Errorf("source %s: %w", doc, coding.ErrUnknownDoc)
	}
	if err != nil {
		return src, fmt.Errorf("source %s: %w", doc, err)
	}
	src.Text, src.Segments = string(text), json.RawMessage(segs)
	src.SHA256 = sha256.Sum256(text)
	if string(src.SHA256[:]) != string(sum) {
		return src, fmt.Errorf("source %s: %w: the text does not match its SHA-256", doc, record.ErrCorrupt)
	}
	return src, nil
}

// Sources returns the ids of the stored documents, in the order they were
// imported.
func (s *Store) Sources(ctx context.Context) ([]string, error) {
	rows, _ := s.pool.Query(ctx, "SELECT doc FROM qg_source ORDER BY seq, doc")
	docs, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("sources: %w", err)
	}
	return docs, nil
}

// Claimed returns the number of the entry that claimed k, or 0 if k is
// free.
func (s *Store) Claimed(ctx context.Context, k Key) (uint64, error) {
	var seq int64
	err := s.pool.QueryRow(ctx, "SELECT seq FROM qg_unique WHERE kind = $1 AND key = $2", k.Kind, k.Key).Scan(&seq)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("unique key %s %q: %w", k.Kind, k.Key, err)
	}
	return uint64(seq), nil
}

// Drop removes the project's tables from the database, with its record,
// sources and settings, in one transaction: what Create made. The
// database itself stays (its owner drops it with dropdb). It fails with
// ErrNotProject if the database holds no project.
func (s *Store) Drop(ctx context.Context) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", int64(schemaLock)); err != nil {
			return err
		}
		var exists bool
		if err := tx.QueryRow(ctx, "SELECT to_regclass('qg_meta') IS NOT NULL").Scan(&exists); err != nil {
			return err
		}
		if !exists {
			return ErrNotProject
		}
		_, err := tx.Exec(ctx, "DROP TABLE qg_source, qg_unique, qg_record, qg_head, qg_meta")
		return err
	})
	if err != nil {
		return fmt.Errorf("drop the project's tables: %w", err)
	}
	return nil
}
