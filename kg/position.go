package kg

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/cayleygraph/quad"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/internal/atomicfile"
	"github.com/qualgraph/qualgraph/internal/record"
)

// positionFile says how far the graph and its projection have applied the
// project's record, and how long each projection log was then. It is
// replaced whole (written to a temporary file, synced, renamed) after the
// logs are synced, so that:
//
//   - a reader reads each log only up to the length it gives, and so sees
//     the projection as it was after one whole entry of the record, even
//     while a writer appends the next;
//   - a writer that finds a log longer than that (it was killed between
//     appending and saying so) cuts the log back (TruncateProjection) and
//     applies the entries after Seq again; the graph takes them again
//     without harm, since adding a quad it holds is a no-op.
const positionFile = "position.json"

// Position is how far a graph folder has applied the project's record.
type Position struct {
	record.Position
	// LastDocs is the sequence number of the last entry applied that
	// imported documents or changed their attributes: the full-text
	// index, which holds them, has caught up once it has applied it.
	LastDocs uint64 `json:"last_docs,omitempty"`
	// Sizes are the lengths of the projection logs at that position.
	Sizes map[string]int64 `json:"sizes"`
}

// projectionLogs are the logs a position measures.
var projectionLogs = []string{codingsLog, recordsLog, codesLog, quotesLog, docsLog}

// ReadPosition returns the position of the graph folder dir. A folder
// made before positions were kept has none: ok is false.
func ReadPosition(dir string) (p Position, ok bool, err error) {
	b, err := os.ReadFile(filepath.Join(dir, positionFile))
	if errors.Is(err, fs.ErrNotExist) {
		return Position{Position: record.Start}, false, nil
	} else if err != nil {
		return p, false, err
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return p, false, fmt.Errorf("%s: %v", filepath.Join(dir, positionFile), err)
	}
	return p, true, nil
}

// Position returns the record position the projection has applied.
func (s *Store) Position() (Position, bool, error) {
	if s.dir == "" {
		return s.mpos, true, nil
	}
	return ReadPosition(s.dir)
}

// SetPosition records that the projection has applied the record up to
// pos, with its logs as long as they are now.
func (s *Store) SetPosition(pos record.Position) error {
	p, _, err := s.Position()
	if err != nil {
		return err
	}
	p.Position = pos
	return s.writePosition(p)
}

// writePosition writes p with the logs' present lengths.
func (s *Store) writePosition(p Position) error {
	if s.dir == "" {
		s.mpos = p
		return nil
	}
	p.Sizes = map[string]int64{}
	for _, name := range projectionLogs {
		fi, err := os.Stat(filepath.Join(s.dir, name))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		} else if err != nil {
			return err
		}
		p.Sizes[name] = fi.Size()
	}
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(filepath.Join(s.dir, positionFile), append(b, '\n'))
}

// TruncateProjection cuts each projection log back to the length its
// position gives: what lies beyond was appended by a writer that died
// before it said so, and is applied again from the record. It returns
// the position.
func (s *Store) TruncateProjection() (Position, error) {
	if s.dir == "" {
		return s.mpos, nil
	}
	return TruncateProjection(s.dir)
}

// TruncateProjection is Store.TruncateProjection on the graph folder dir,
// which need not be open. A folder without a position is left alone.
func TruncateProjection(dir string) (Position, error) {
	p, ok, err := ReadPosition(dir)
	if err != nil || !ok {
		return p, err
	}
	for name, size := range p.Sizes {
		fn := filepath.Join(dir, name)
		fi, err := os.Stat(fn)
		if errors.Is(err, fs.ErrNotExist) {
			continue // lost: its readers say so, and a rebuild writes it
		} else if err != nil {
			return p, err
		}
		if fi.Size() > size {
			if err := os.Truncate(fn, size); err != nil {
				return p, fmt.Errorf("cut %s back to its position: %w", fn, err)
			}
		}
	}
	return p, nil
}

// limits are the lengths of the logs that a reader reads, from the
// folder's position; nil where the folder keeps none (read whole logs).
type limits map[string]int64

func readLimits(dir string) (limits, error) {
	p, ok, err := ReadPosition(dir)
	if err != nil || !ok {
		return nil, err
	}
	return p.Sizes, nil
}

// of returns the length of log file name to read, or -1 for all of it.
func (l limits) of(name string) int64 {
	if l == nil {
		return -1
	}
	n, ok := l[filepath.Base(name)]
	if !ok {
		// A log the position does not measure did not exist then.
		return 0
	}
	return n
}

// openLimited opens a log for reading up to its limit.
func openLimited(name string, lim limits) (io.ReadCloser, int64, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, 0, err
	}
	size := int64(-1)
	if fi, err := f.Stat(); err == nil {
		size = fi.Size()
	}
	if n := lim.of(name); n >= 0 {
		if size < 0 || n < size {
			size = n
		}
		return struct {
			io.Reader
			io.Closer
		}{io.LimitReader(f, n), f}, size, nil
	}
	return f, size, nil
}

// scanLimited calls fn with each line of the log name up to its limit in
// lim (without its newline, valid only during the call), numbered from 1;
// ErrNoProjection if there is no such log.
func scanLimited(name string, lim limits, fn func(line int, b []byte) error) error {
	f, _, err := openLimited(name, lim)
	if errors.Is(err, fs.ErrNotExist) {
		return ErrNoProjection
	} else if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), math.MaxInt32)
	for line := 1; sc.Scan(); line++ {
		if err := fn(line, sc.Bytes()); err != nil {
			return err
		}
	}
	return sc.Err()
}

// readLimitedString reads a log up to its limit into a string's own memory
// (see readString).
func readLimitedString(name string, lim limits) (string, error) {
	f, size, err := openLimited(name, lim)
	if err != nil {
		return "", err
	}
	defer f.Close()
	var b strings.Builder
	if size > 0 && size < math.MaxInt32 {
		b.Grow(int(size) + 1)
	}
	_, err = io.Copy(&b, f)
	return b.String(), err
}

// The graph and the projection apply each entry of the record on their
// own: the projection at once (every command reads it), the graph after
// it, in transactions of at most graphChunk quads, and possibly later
// (bulk auto-coding writes a million quads, which take cayley a minute):
// the graph's position (graphPositionFile) may lag the projection's.
// Applying an entry to the graph again is harmless, since adding a quad
// the graph holds is a no-op; so a graph killed part way through an entry
// takes the whole entry again.
const graphPositionFile = "graph-position.json"

// graphChunk bounds the quads of one graph transaction.
const graphChunk = 50000

// collected is what the write methods produce for one entry when the
// store collects instead of writing (see write).
type collected struct {
	qs    []quad.Quad
	lines []string
	// linesOnly: the caller wants the lines and only the number of
	// quads (n, those not in qs), which the bulk writers then count
	// without making them.
	linesOnly bool
	n         int
}

// quads returns the number of quads the entry writes.
func (c *collected) quads() int { return len(c.qs) + c.n }

// collect runs the write methods for e and returns what they would write.
func (s *Store) collect(e *coding.Event) (*collected, error) {
	return s.collectAs(e, &collected{})
}

// collectAs is collect into c, which may ask for the lines only.
func (s *Store) collectAs(e *coding.Event, c *collected) (*collected, error) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.col = c
	defer func() { s.col = nil }()
	if err := s.applyEvent(e); err != nil {
		return nil, err
	}
	return s.col, nil
}

// Apply applies the record's entry e, which ends at pos, to the
// projection and then to the graph.
func (s *Store) Apply(pos record.Position, e *coding.Event) error {
	if _, err := s.ApplyProjection(pos, e); err != nil {
		return err
	}
	return s.ApplyGraph(pos, e)
}

// ApplyProjection appends e's lines to the projection and records pos as
// its position. It returns the number of quads e writes to the graph, so
// that a caller can choose to apply a large entry to the graph later.
func (s *Store) ApplyProjection(pos record.Position, e *coding.Event) (quads int, err error) {
	c, err := s.collectAs(e, &collected{linesOnly: true})
	if err != nil {
		return 0, err
	}
	p, _, err := s.Position()
	if err != nil {
		return 0, err
	}
	s.inEntry = true
	err = s.appendProjection(c.lines)
	s.inEntry = false
	if err != nil {
		return 0, err
	}
	p.Position = pos
	if e.ChangesDocuments() {
		p.LastDocs = pos.Seq
	}
	return c.quads(), s.writePosition(p)
}

// ApplyGraph writes e's quads to the graph and records pos as the graph's
// position.
func (s *Store) ApplyGraph(pos record.Position, e *coding.Event) error {
	c, err := s.collect(e)
	if err != nil {
		return err
	}
	for start := 0; start < len(c.qs); start += graphChunk {
		if err := s.apply(c.qs[start:min(start+graphChunk, len(c.qs))]); err != nil {
			return err
		}
	}
	return s.setGraphPosition(pos)
}

// GraphPosition returns the record position the graph has applied. A
// graph folder that keeps none applied what its projection has (before
// the two were apart, they moved together).
func (s *Store) GraphPosition() (record.Position, error) {
	if s.dir == "" {
		return s.gpos, nil
	}
	return ReadGraphPosition(s.dir)
}

// ReadGraphPosition is Store.GraphPosition on the graph folder dir, which
// need not be open.
func ReadGraphPosition(dir string) (record.Position, error) {
	b, err := os.ReadFile(filepath.Join(dir, graphPositionFile))
	if errors.Is(err, fs.ErrNotExist) {
		p, _, err := ReadPosition(dir)
		return p.Position, err
	} else if err != nil {
		return record.Start, err
	}
	var p record.Position
	if err := json.Unmarshal(b, &p); err != nil {
		return p, fmt.Errorf("%s: %v", filepath.Join(dir, graphPositionFile), err)
	}
	return p, nil
}

// KeepGraphPosition gives a graph folder made before the graph kept its
// own position the projection's, which it then shared; a folder that
// keeps one is left alone. A writer calls it before the projection moves
// on alone.
func KeepGraphPosition(dir string) error {
	if _, err := os.Stat(filepath.Join(dir, graphPositionFile)); !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	pos, err := ReadGraphPosition(dir)
	if err != nil {
		return err
	}
	return SetGraphPosition(dir, pos)
}

// SetGraphPosition says that the graph in folder dir holds the record up
// to pos (converting a project that kept no record: its graph holds the
// state before the record's first entry).
func SetGraphPosition(dir string, pos record.Position) error {
	return (&Store{dir: dir}).setGraphPosition(pos)
}

func (s *Store) setGraphPosition(pos record.Position) error {
	s.gpos = pos
	if s.dir == "" {
		return nil
	}
	b, _ := json.Marshal(pos)
	return atomicfile.WriteFile(filepath.Join(s.dir, graphPositionFile), append(b, '\n'))
}

// followWrite keeps the position's log lengths in step after a write that
// is not an entry of the record (a rebuild of document names), so that
// readers see it and the next writer does not cut it off.
func (s *Store) followWrite() error {
	if s.inEntry || s.dir == "" {
		return nil
	}
	p, ok, err := ReadPosition(s.dir)
	if err != nil || !ok {
		return err
	}
	return s.writePosition(p)
}

// applyEvent runs the write methods for one event of the record.
func (s *Store) applyEvent(e *coding.Event) error {
	kind, err := e.Kind()
	if err != nil {
		return err
	}
	ch := e.Change
	switch kind {
	case "documents":
		return s.AddDocuments(ch, e.Documents)
	case "attrs":
		return s.SetAttrs(context.Background(), ch, e.Attrs.Doc, e.Attrs.Attrs)
	case "steps":
		for _, step := range e.Steps {
			if err := s.applyEvent(step); err != nil {
				return err
			}
		}
		return nil
	case "codings":
		return s.AddCodings(ch, e.Codings)
	case "uncode":
		return s.Uncode(ch, e.Uncode)
	case "recode":
		return s.Recode(ch, e.Recode.Coding, e.Recode.Code)
	case "code":
		return s.AddCode(ch, *e.Code)
	case "promote":
		return s.PromoteCode(ch, e.Promote.ID, e.Promote.Parent)
	case "entities":
		return s.AddEntities(ch, e.Entities)
	case "mentions":
		return s.AddMentions(ch, e.Mentions)
	case "assertions":
		quotes := make(map[coding.Span]string, len(e.Quotes))
		for _, q := range e.Quotes {
			quotes[q.Span] = q.Text
		}
		return s.AddAssertionsQuoted(ch, e.Assertions, quotes)
	case "evidence":
		quotes := make(map[coding.Span]string, len(e.Quotes))
		for _, q := range e.Quotes {
			quotes[q.Span] = q.Text
		}
		return s.AddEvidence(ch, *e.Evidence, quotes)
	case "retract":
		return s.Retract(ch, e.Retract.ID, e.Retract.Reason)
	case "memo":
		return s.AddMemo(ch, *e.Memo)
	case "user":
		return s.SetUser(ch, *e.User)
	case "blind":
		return s.SetBlind(ch, e.Blind.On)
	case "speaker-alias":
		return s.AliasSpeaker(ch, *e.SpeakerAlias)
	case "entity_change":
		return s.ChangeEntity(ch, *e.EntityChange)
	case "guids":
		return s.AddExternalIDs(ch, *e.GUIDs)
	case "rejections":
		return s.AddRejections(ch, e.Rejections)
	}
	return fmt.Errorf("%w: kind %s", coding.ErrBadEvent, kind)
}

// DocsSize returns the length of the projection's document log at p: it
// grows with every entry that imports or removes documents or changes
// their attributes.
func (p Position) DocsSize() int64 { return p.Sizes[docsLog] }
