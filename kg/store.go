package kg

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/cayley/graph/kv"
	"github.com/cayleygraph/cayley/graph/memstore"
	"github.com/cayleygraph/quad"
	hbolt "github.com/hidal-go/hidalgo/kv/bbolt"
	bolt "go.etcd.io/bbolt"

	"github.com/qualgraph/qualgraph/internal/record"
)

// ErrNotFound is returned when a record does not exist.
var ErrNotFound = errors.New("not found")

// ErrReadOnly is returned by writes on a store opened read-only.
var ErrReadOnly = errors.New("graph opened read-only")

// Store is the project graph. It is safe for use by one process at a time
// (the project lock sees to that) and by several goroutines within it.
type Store struct {
	qs       graph.QuadStore
	dir      string // the graph folder, for the projection; "" in memory
	readOnly bool
	mu       sync.Mutex      // serialises writes
	mpos     Position        // the projection's position, in memory (dir == "")
	inEntry  bool            // applying an entry of the record (ApplyEntry)
	gpos     record.Position // the graph's position, in memory (dir == "")
	col      *collected      // set while collecting an entry's writes (collect)
	wmu      sync.Mutex      // guards col
}

// boltFile is the bbolt file inside the graph directory.
const boltFile = "indexes.bolt"

// quadIndexes are the KV indexes of a new store: cayley's defaults (SP and
// OPS) plus a label index, so that an assertion's provenance (the quad whose
// label is its id) and a document's compact records are one look-up.
var quadIndexes = []kv.QuadIndex{
	{Dirs: []quad.Direction{quad.Subject, quad.Predicate}},
	{Dirs: []quad.Direction{quad.Object, quad.Predicate, quad.Subject}},
	{Dirs: []quad.Direction{quad.Label, quad.Predicate}},
}

// initMu guards kv.DefaultQuadIndexes, which cayley reads in kv.Init.
var initMu sync.Mutex

// Create makes a new bbolt-backed store in dir, which must not hold one.
func Create(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	db, err := openBolt(dir, false)
	if err != nil {
		return nil, err
	}
	initMu.Lock()
	saved := kv.DefaultQuadIndexes
	kv.DefaultQuadIndexes = quadIndexes
	err = kv.Init(db, nil)
	kv.DefaultQuadIndexes = saved
	initMu.Unlock()
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("create graph: %w", err)
	}
	s, err := newKV(db, false)
	if err != nil {
		return nil, err
	}
	s.dir = dir
	if err := s.setGraphPosition(record.Start); err != nil {
		return nil, err
	}
	// An empty projection, so that a new project's view loads.
	return s, s.RebuildProjection()
}

// Open opens the bbolt-backed store in dir. A read-only store shares the
// file with other readers.
func Open(dir string, readOnly bool) (*Store, error) {
	if _, err := os.Stat(filepath.Join(dir, boltFile)); err != nil {
		return nil, fmt.Errorf("open graph: %w", err)
	}
	db, err := openBolt(dir, readOnly)
	if err != nil {
		return nil, err
	}
	s, err := newKV(db, readOnly)
	if err != nil {
		return nil, err
	}
	s.dir = dir
	return s, nil
}

// BoltWait is how long opening the graph file waits for another process
// that holds it: a writer applying changes (a minute for bulk auto-coding
// on a large project, which it applies entry by entry, opening the file
// for each), or readers, while a writer waits.
var BoltWait = 30 * time.Second

func openBolt(dir string, readOnly bool) (*hbolt.DB, error) {
	db, err := hbolt.Open(filepath.Join(dir, boltFile), &bolt.Options{
		Timeout:  BoltWait,
		ReadOnly: readOnly,
		// Map generously up front: growing the map remaps the file, which
		// cost a quarter of the time of a first large write.
		InitialMmapSize: 1 << 30,
		// A hashmap freelist allocates in constant time. (The freelist is
		// still written at each commit: not writing it would make every
		// open scan the whole file to rebuild it.)
		FreelistType: bolt.FreelistMapType,
	})
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, fmt.Errorf("open graph %s: another qualgraph process has held the graph file for %v (applying bulk changes, or a long query); try again when it ends", dir, BoltWait)
	} else if err != nil {
		return nil, fmt.Errorf("open graph %s: %w", dir, err)
	}
	return db, nil
}

func newKV(db *hbolt.DB, readOnly bool) (*Store, error) {
	// No bloom filter: building it scans every quad at open, which costs a
	// second at a million quads, and duplicate checks use the indexes.
	qs, err := kv.New(db, graph.Options{kv.OptNoBloom: true})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open graph: %w", err)
	}
	return &Store{qs: qs, readOnly: readOnly}, nil
}

// OpenProjection returns a store of the graph folder dir that writes only
// the projection (ApplyProjection), without opening the graph: a writer
// records an entry in the projection without keeping readers of the graph
// file waiting.
func OpenProjection(dir string) *Store { return &Store{dir: dir} }

// errNoGraph is returned by graph writes on a store from OpenProjection.
var errNoGraph = errors.New("graph not open (a projection-only store)")

// OpenMemory returns a store on cayley's in-memory backend, for tests and
// for the conformance suite.
func OpenMemory() *Store {
	return &Store{qs: memstore.New(), mpos: Position{Position: record.Start}, gpos: record.Start}
}

// Close closes the store.
func (s *Store) Close() error {
	if s.qs == nil {
		return nil
	}
	return s.qs.Close()
}

// apply writes quads in one transaction. It only adds: the graph is
// append-only, which keeps clear of cayley issue 885 (a transaction that
// removes a quad and adds another sharing its nodes corrupts KV stores).
func (s *Store) apply(qs []quad.Quad) error {
	if s.readOnly {
		return ErrReadOnly
	}
	if s.qs == nil {
		return errNoGraph
	}
	if len(qs) == 0 {
		return nil
	}
	deltas := make([]graph.Delta, len(qs))
	for i, q := range qs {
		deltas[i] = graph.Delta{Quad: q, Action: graph.Add}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.qs.ApplyDeltas(deltas, graph.IgnoreOpts{IgnoreDup: true})
}

// remove deletes quads in one transaction that adds nothing (see apply).
func (s *Store) remove(qs []quad.Quad) error {
	if s.readOnly {
		return ErrReadOnly
	}
	if len(qs) == 0 {
		return nil
	}
	deltas := make([]graph.Delta, len(qs))
	for i, q := range qs {
		deltas[i] = graph.Delta{Quad: q, Action: graph.Delete}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.qs.ApplyDeltas(deltas, graph.IgnoreOpts{IgnoreMissing: true})
}

// quads calls fn for each quad whose direction d is v.
func (s *Store) quads(ctx context.Context, d quad.Direction, v quad.Value, fn func(quad.Quad) error) error {
	ref, err := s.qs.ValueOf(v)
	if err != nil || ref == nil {
		return err
	}
	it := s.qs.QuadIterator(d, ref).Iterate()
	defer it.Close()
	for it.Next(ctx) {
		q, err := s.qs.Quad(it.Result())
		if err != nil {
			return err
		}
		if err := fn(q); err != nil {
			return err
		}
	}
	return it.Err()
}
