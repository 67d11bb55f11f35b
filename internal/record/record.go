// Package record is the project's ordered record of changes: an
// append-only log of entries, each numbered by a sequence number that
// grows by one, each made durable before Append returns.
//
// Everything else a project keeps (the graph, the full-text index, the
// read models) is derived from the record. Each derived store remembers
// the position it has applied, a Position (sequence number and byte
// offset), and catches up from there by reading the entries that follow
// it; since entries are only ever appended, a position never goes stale.
//
// # Format
//
// The log is one file. It starts with an 8-byte magic, then holds frames:
//
//	length  uint32, little-endian: the length of the payload
//	crc     uint32, little-endian: CRC-32C of seq and payload
//	seq     uint64, little-endian: 1 for the first entry, then +1
//	payload length bytes
//
// A frame is written whole with one write and synced (fdatasync) before
// Append returns, so an acknowledged entry survives a crash. A crash can
// leave only the last frame torn; the writer cuts it off when it opens the
// log, and a reader stops before it (see Scan). A reader never takes a
// lock: it reads up to the last whole frame, which is a consistent prefix
// of the record at some moment.
//
// One process appends at a time: the project's write lock sees to that.
package record

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"sync"
)

// magic starts every log file.
var magic = [8]byte{'Q', 'G', 'R', 'E', 'C', 0, 0, 1}

// frameHeader is the size of a frame's fixed part.
const frameHeader = 16

// MaxEntry is the largest payload an entry may have (1 GiB): a larger
// length in a frame header means the frame is torn or not a frame.
const MaxEntry = 1 << 30

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Position is a place in the record: the sequence number of the last entry
// applied (0 before the first) and the byte offset just after it.
type Position struct {
	Seq    uint64 `json:"seq"`
	Offset int64  `json:"offset"`
}

// Start is the position before the first entry.
var Start = Position{Seq: 0, Offset: int64(len(magic))}

// ErrCorrupt is wrapped by the errors about a log that is not one.
var ErrCorrupt = errors.New("corrupt record")

// Log is a record open for appending. One goroutine appends at a time;
// Head may be called from any goroutine meanwhile.
type Log struct {
	f    *os.File
	name string
	mu   sync.Mutex // guards head's writes and the reads of other goroutines
	head Position
	// Repaired is the number of bytes of a torn last frame that Open cut
	// off (the frame was never acknowledged).
	Repaired int64
}

// Create makes a new, empty log file. It fails if the file exists.
func Create(name string) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(magic[:])
	if err == nil {
		err = f.Sync()
	}
	return errors.Join(err, f.Close())
}

// Open opens the log for appending. It reads the frames after from (a
// position known to be whole, such as one a derived store has applied;
// Start to check every frame) to find the head, and cuts off a torn last
// frame.
func Open(name string, from Position) (*Log, error) {
	f, err := os.OpenFile(name, os.O_RDWR, 0)
	if err != nil {
		return nil, err
	}
	if err := checkMagic(f, name); err != nil {
		f.Close()
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if from.Offset > st.Size() || from.Offset < Start.Offset {
		from = Start
	}
	head, err := scan(f, name, from, nil)
	if err != nil {
		f.Close()
		return nil, err
	}
	l := &Log{f: f, name: name, head: head}
	if st.Size() > head.Offset {
		l.Repaired = st.Size() - head.Offset
		if err := f.Truncate(head.Offset); err != nil {
			f.Close()
			return nil, fmt.Errorf("%s: cut torn entry: %w", name, err)
		}
		if err := f.Sync(); err != nil {
			f.Close()
			return nil, err
		}
	}
	return l, nil
}

func checkMagic(f *os.File, name string) error {
	var m [8]byte
	if _, err := io.ReadFull(f, m[:]); err != nil || m != magic {
		return fmt.Errorf("%s: %w: not a qualgraph record", name, ErrCorrupt)
	}
	return nil
}

// Head returns the position after the last entry.
func (l *Log) Head() Position {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.head
}

// Append writes the payloads as consecutive entries and syncs the file.
// It returns the position after the last one; the first has sequence
// number Head().Seq+1 as it was before the call. On error nothing of
// the call is in the log.
func (l *Log) Append(payloads ...[]byte) (Position, error) {
	if len(payloads) == 0 {
		return l.head, nil
	}
	size := 0
	for _, p := range payloads {
		if len(p) > MaxEntry {
			return l.head, fmt.Errorf("%s: entry of %d bytes is larger than %d", l.name, len(p), MaxEntry)
		}
		size += frameHeader + len(p)
	}
	buf := make([]byte, 0, size)
	pos := l.head
	for _, p := range payloads {
		pos.Seq++
		buf = appendFrame(buf, pos.Seq, p)
	}
	pos.Offset += int64(size)
	if _, err := l.f.WriteAt(buf, l.head.Offset); err != nil {
		l.f.Truncate(l.head.Offset)
		return l.head, fmt.Errorf("%s: append: %w", l.name, err)
	}
	if err := datasync(l.f); err != nil {
		// The entries may or may not be on disk: cut them off so that
		// what was not acknowledged is not applied.
		l.f.Truncate(l.head.Offset)
		return l.head, fmt.Errorf("%s: sync: %w", l.name, err)
	}
	l.mu.Lock()
	l.head = pos
	l.mu.Unlock()
	return pos, nil
}

func appendFrame(buf []byte, seq uint64, payload []byte) []byte {
	var h [frameHeader]byte
	binary.LittleEndian.PutUint32(h[0:4], uint32(len(payload)))
	binary.LittleEndian.PutUint64(h[8:16], seq)
	crc := crc32.Update(0, castagnoli, h[8:16])
	crc = crc32.Update(crc, castagnoli, payload)
	binary.LittleEndian.PutUint32(h[4:8], crc)
	buf = append(buf, h[:]...)
	return append(buf, payload...)
}

// Close closes the log.
func (l *Log) Close() error { return l.f.Close() }

// Scan calls fn for each whole entry after from, in order, with the
// position just after the entry, and returns the position after the last
// one it read. It stops without error at the end
// of the file or before a frame that is not whole (a crash's torn frame,
// or one being written now). It takes no lock.
func Scan(name string, from Position, fn func(end Position, payload []byte) error) (Position, error) {
	f, err := os.Open(name)
	if err != nil {
		return from, err
	}
	defer f.Close()
	if from.Offset < Start.Offset {
		from = Start
	}
	if from == Start {
		if err := checkMagic(f, name); err != nil {
			return from, err
		}
	}
	return scan(f, name, from, fn)
}

// scan reads frames from from.Offset. A frame whose sequence number does
// not follow is an error: the log is corrupt, not torn.
func scan(f *os.File, name string, from Position, fn func(Position, []byte) error) (Position, error) {
	if _, err := f.Seek(from.Offset, io.SeekStart); err != nil {
		return from, err
	}
	// A buffer no larger than what is left to read: a writer that
	// catches up on one entry need not allocate (and clear) a megabyte.
	size := 1 << 20
	if fi, err := f.Stat(); err == nil {
		size = int(min(max(fi.Size()-from.Offset, 4096), 1<<20))
	}
	r := bufio.NewReaderSize(f, size)
	pos := from
	var h [frameHeader]byte
	var payload []byte
	for {
		if _, err := io.ReadFull(r, h[:]); err != nil {
			return pos, nil // the end, or a torn header
		}
		n := binary.LittleEndian.Uint32(h[0:4])
		if n > MaxEntry {
			return pos, nil
		}
		if cap(payload) < int(n) {
			payload = make([]byte, n)
		}
		payload = payload[:n]
		if _, err := io.ReadFull(r, payload); err != nil {
			return pos, nil // torn payload
		}
		crc := crc32.Update(0, castagnoli, h[8:16])
		crc = crc32.Update(crc, castagnoli, payload)
		if crc != binary.LittleEndian.Uint32(h[4:8]) {
			return pos, nil // torn: the frame was never acknowledged
		}
		seq := binary.LittleEndian.Uint64(h[8:16])
		if seq != pos.Seq+1 {
			return pos, fmt.Errorf("%s: %w: entry %d at offset %d follows entry %d", name, ErrCorrupt, seq, pos.Offset, pos.Seq)
		}
		end := Position{Seq: seq, Offset: pos.Offset + frameHeader + int64(n)}
		if fn != nil {
			if err := fn(end, payload); err != nil {
				return pos, err
			}
			payload = nil // fn may keep it
		}
		pos = end
	}
}
