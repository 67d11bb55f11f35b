package kg

import (
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

// Position returns the record position the store has applied.
func (s *Store) Position() (Position, bool, error) {
	if s.dir == "" {
		return Position{Position: s.pos}, true, nil
	}
	return ReadPosition(s.dir)
}

// SetPosition records that the store has applied the record up to pos,
// with the projection logs as long as they are now.
func (s *Store) SetPosition(pos record.Position) error {
	s.pos = pos
	if s.dir == "" {
		return nil
	}
	p := Position{Position: pos, LastDocs: s.lastDocs, Sizes: map[string]int64{}}
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
		return Position{Position: s.pos}, nil
	}
	p, err := TruncateProjection(s.dir)
	if err == nil {
		s.pos, s.lastDocs = p.Position, p.LastDocs
	}
	return p, err
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

// ApplyEntry runs fn, which applies the record's entry that ends at pos
// through the store's write methods, and then records pos. The writes of
// fn leave the position alone; a store killed before pos is recorded
// applies the entry again (see positionFile).
func (s *Store) ApplyEntry(pos record.Position, fn func() error) error {
	s.inEntry, s.docsChanged = true, false
	err := fn()
	s.inEntry = false
	if err != nil {
		return err
	}
	if s.docsChanged {
		s.lastDocs = pos.Seq
	}
	return s.SetPosition(pos)
}

// followWrite keeps the position's log lengths in step after a write that
// is not an entry of the record (imports, which the record does not hold
// yet), so that readers see it and the next writer does not cut it off.
func (s *Store) followWrite() error {
	if s.inEntry || s.dir == "" {
		return nil
	}
	if _, ok, err := ReadPosition(s.dir); err != nil || !ok {
		return err
	}
	return s.SetPosition(s.pos)
}

// ApplyEvent writes one event of the record through the store's write
// methods (one transaction, as each of them is).
func (s *Store) ApplyEvent(e *coding.Event) error {
	kind, err := e.Kind()
	if err != nil {
		return err
	}
	ch := e.Change
	switch kind {
	case "documents":
		s.docsChanged = true
		return s.AddDocuments(ch, e.Documents)
	case "attrs":
		s.docsChanged = true
		return s.SetAttrs(context.Background(), ch, e.Attrs.Doc, e.Attrs.Attrs)
	case "steps":
		for _, step := range e.Steps {
			if err := s.ApplyEvent(step); err != nil {
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
	case "retract":
		return s.Retract(ch, e.Retract.ID, e.Retract.Reason)
	case "memo":
		return s.AddMemo(ch, *e.Memo)
	}
	return fmt.Errorf("%w: kind %s", coding.ErrBadEvent, kind)
}
