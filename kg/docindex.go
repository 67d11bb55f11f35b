package kg

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"hash/maphash"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"

	"github.com/qualgraph/qualgraph/internal/atomicfile"
)

// The codings of one document. A command that codes a span checks the
// codings of its document (does the coder code that span so already?),
// and finding them in codings.log meant reading the whole log, 23 MB at
// 200,000 codings, for the hundred lines of one document. codings.idx
// indexes the log by document: for each document, where its lines are
// (its codings and mentions, and the removals and recodes of its
// codings), so that Load with LoadOptions.Docs reads those lines only.
//
// The index is derived from codings.log alone and may lag it or be lost
// at any time; it is never the truth. It says how many bytes of the log
// it covers, with a fingerprint of them (their length and a checksum of
// nine blocks spread over them, one at their end), and a checksum of each
// of its parts. A reader
//
//   - reads the lines the index names, and checks that each is a whole
//     line of the kind and document it should be;
//   - reads the lines appended since (up to the projection's position,
//     as every reader does) as the stream replay would;
//   - writes the index afresh, from the whole log, when it is missing,
//     does not match the log (a log rewritten by a rebuild, or cut
//     back), fails a check, or lags the log by more than indexSlack;
//     a folder it cannot write to costs it that build on every call,
//     never a wrong answer.
//
// Writers do not keep the index: appending to codings.log leaves it
// valid, and RebuildProjection removes it. Two readers that write it at
// once each write a whole, valid index (through a rename), so no lock is
// taken.
//
// The file: the magic "QGCIDX1\n"; the bytes of the log covered (8 bytes,
// little-endian), the fingerprint (4), the length of the directory (4)
// and its checksum (4); the directory, one entry per document (a kind
// byte, 0 for a document and 1 for the lines whose document is not
// known, the document id as a uvarint length and bytes, then the offset
// of its section from the end of the directory, the section's length and
// its checksum); then the sections, each the number of lines and, for
// each line in the log's order, its offset from the previous line's (the
// first from 0) and its length without the newline, as uvarints.
const codingsIndex = "codings.idx"

const (
	indexMagic    = "QGCIDX1\n"
	indexPreamble = len(indexMagic) + 8 + 4 + 4 + 4
	// indexSlack is how many bytes of codings.log beyond those the index
	// covers a reader reads on its own before it writes the index afresh:
	// some 2,000 codings.
	indexSlack = 256 << 10
	// printBlock is the size of each block of the log's fingerprint.
	printBlock = 256
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// lineRef is where a line of codings.log is: its offset and its length
// without the newline.
type lineRef struct {
	off int64
	n   int
}

// builtIndex is an index of codings.log made by buildDocIndex.
type builtIndex struct {
	covered int64
	print   uint32
	docs    map[string][]lineRef
	unknown []lineRef // removals and recodes of codings whose document is unclear
}

// docsIndexed replays, into r, the lines of codings.log (in graphDir) of
// the documents r.docs names, through the index (see codingsIndex). It
// reports false, having replayed nothing, when it cannot: the caller then
// reads the whole log as before, and so reports a broken log as before.
func (r *replay) docsIndexed(graphDir string) bool {
	if r.docs == nil || r.ids != nil || r.lim == nil || noDocIndex {
		return false
	}
	name := filepath.Join(graphDir, codingsLog)
	lim, ok := r.lim[codingsLog]
	if !ok {
		return false
	}
	f, err := os.Open(name)
	if err != nil {
		return false // the stream replay reports it
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || fi.Size() < lim {
		return false
	}
	idxName := filepath.Join(graphDir, codingsIndex)
	refs, covered, ok := readDocIndex(idxName, f, lim, r.docs)
	if ok && r.replayRefs(f, refs, covered, lim) {
		return true
	}
	r.reset()
	b, err := buildDocIndex(f, lim)
	if err != nil {
		return false
	}
	docIndexBuilds.Add(1)
	// A folder that cannot be written (read-only, full) keeps no index:
	// the answer is the same, later calls build it again.
	_ = atomicfile.WriteFileNoSync(idxName, b.encode())
	if r.replayRefs(f, b.refs(r.docs), b.covered, lim) {
		return true
	}
	r.reset()
	return false
}

// noDocIndex turns the index off, for tests that compare with the
// stream replay; docIndexBuilds counts the indexes built, for tests that
// check that readers follow the index rather than build it every time.
var (
	noDocIndex     bool
	docIndexBuilds atomic.Int64
)

// reset forgets the codings and mentions a failed indexed replay applied.
func (r *replay) reset() {
	r.v.Codings, r.v.Mentions = nil, nil
	r.codings, r.removed = nil, 0
}

// replayRefs applies the lines refs names, then every line the replay
// wants of the log from covered to lim. It reports false if a line is not
// what the index says (the index is stale) or does not apply.
func (r *replay) replayRefs(f *os.File, refs []lineRef, covered, lim int64) bool {
	var buf []byte
	for _, ref := range refs {
		if ref.off+int64(ref.n) >= covered {
			return false
		}
		buf = slices.Grow(buf[:0], ref.n+1)[:ref.n+1]
		if _, err := f.ReadAt(buf, ref.off); err != nil || buf[ref.n] != '\n' {
			return false
		}
		l := buf[:ref.n]
		if !r.indexedLine(l) {
			return false
		}
		if err := r.apply(string(l)); err != nil {
			return false
		}
	}
	sc := bufio.NewScanner(io.NewSectionReader(f, covered, lim-covered))
	sc.Buffer(make([]byte, 64<<10), math.MaxInt32)
	for sc.Scan() {
		b := sc.Bytes()
		if len(b) == 0 || !r.wants(b) {
			continue
		}
		if err := r.apply(string(b)); err != nil {
			return false
		}
	}
	return sc.Err() == nil
}

// indexedLine reports whether l may be a line the index names for the
// documents wanted: a coding or mention of one of them, or a removal or
// recode.
func (r *replay) indexedLine(l []byte) bool {
	if len(l) < 3 || l[1] != '\t' {
		return false
	}
	switch l[0] {
	case 'C', 'M':
		_, rec, _ := bytes.Cut(l[2:], []byte{'\t'})
		doc, _, _ := bytes.Cut(rec, []byte{'\t'})
		return r.docs[string(doc)]
	case 'U', 'R':
		return true
	}
	return false
}

// readDocIndex returns, from the index file name, where the lines of the
// documents docs are in the log f, and how much of the log the index
// covers; ok is false if the index is missing, unreadable, does not match
// the first lim bytes of f, or lags them by more than indexSlack.
func readDocIndex(name string, f *os.File, lim int64, docs map[string]bool) (refs []lineRef, covered int64, ok bool) {
	ix, err := os.Open(name)
	if err != nil {
		return nil, 0, false
	}
	defer ix.Close()
	pre := make([]byte, indexPreamble)
	if _, err := io.ReadFull(ix, pre); err != nil || string(pre[:len(indexMagic)]) != indexMagic {
		return nil, 0, false
	}
	p := pre[len(indexMagic):]
	covered = int64(binary.LittleEndian.Uint64(p))
	print := binary.LittleEndian.Uint32(p[8:])
	dirLen := binary.LittleEndian.Uint32(p[12:])
	dirSum := binary.LittleEndian.Uint32(p[16:])
	if covered < 0 || covered > lim || lim-covered > indexSlack || dirLen > 1<<30 {
		return nil, 0, false
	}
	if got, err := logPrint(f, covered); err != nil || got != print {
		return nil, 0, false
	}
	dir := make([]byte, dirLen)
	if _, err := io.ReadFull(ix, dir); err != nil || crc32.Checksum(dir, castagnoli) != dirSum {
		return nil, 0, false
	}
	base := int64(indexPreamble) + int64(dirLen)
	for len(dir) > 0 {
		kind := dir[0]
		dir = dir[1:]
		n, k := binary.Uvarint(dir)
		if k <= 0 || uint64(len(dir)-k) < n {
			return nil, 0, false
		}
		id := dir[k : k+int(n)]
		dir = dir[k+int(n):]
		off, k1 := binary.Uvarint(dir)
		if k1 <= 0 {
			return nil, 0, false
		}
		size, k2 := binary.Uvarint(dir[k1:])
		if k2 <= 0 || len(dir) < k1+k2+4 || size > 1<<30 {
			return nil, 0, false
		}
		sum := binary.LittleEndian.Uint32(dir[k1+k2:])
		dir = dir[k1+k2+4:]
		if kind == 0 && !docs[string(id)] {
			continue
		}
		sec := make([]byte, size)
		if _, err := ix.ReadAt(sec, base+int64(off)); err != nil || crc32.Checksum(sec, castagnoli) != sum {
			return nil, 0, false
		}
		got, ok := decodeSection(sec)
		if !ok {
			return nil, 0, false
		}
		refs = append(refs, got...)
	}
	slices.SortFunc(refs, func(a, b lineRef) int { return cmpInt64(a.off, b.off) })
	return refs, covered, true
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// decodeSection decodes a section of the index.
func decodeSection(sec []byte) ([]lineRef, bool) {
	count, k := binary.Uvarint(sec)
	if k <= 0 || count > uint64(len(sec)) {
		return nil, false
	}
	sec = sec[k:]
	refs := make([]lineRef, 0, count)
	var off int64
	for range count {
		d, k1 := binary.Uvarint(sec)
		if k1 <= 0 {
			return nil, false
		}
		n, k2 := binary.Uvarint(sec[k1:])
		if k2 <= 0 || n > math.MaxInt32 {
			return nil, false
		}
		sec = sec[k1+k2:]
		off += int64(d)
		refs = append(refs, lineRef{off: off, n: int(n)})
	}
	return refs, len(sec) == 0
}

// logPrint returns the fingerprint of the first n bytes of the log f:
// a checksum of n and of nine blocks spread over them, the last at their
// end, which a log rewritten (by a rebuild) or cut back does not match.
func logPrint(f *os.File, n int64) (uint32, error) {
	var head [8]byte
	binary.LittleEndian.PutUint64(head[:], uint64(n))
	sum := crc32.Update(0, castagnoli, head[:])
	buf := make([]byte, printBlock)
	for k := int64(0); k <= 8; k++ {
		off := n * k / 8
		if k == 8 {
			off = max(0, n-printBlock)
		}
		m := min(int64(printBlock), n-off)
		if m <= 0 {
			continue
		}
		if _, err := f.ReadAt(buf[:m], off); err != nil {
			return 0, err
		}
		sum = crc32.Update(sum, castagnoli, buf[:m])
	}
	return sum, nil
}

// buildDocIndex indexes the whole lines of the first lim bytes of the
// log f by document.
func buildDocIndex(f *os.File, lim int64) (*builtIndex, error) {
	b := &builtIndex{docs: map[string][]lineRef{}}
	// The document of each coding, for its removals and recodes, by a
	// hash of its id: two ids with one hash make the lines of that hash
	// "unknown" (read for every document), never another document's.
	seed := maphash.MakeSeed()
	const ambiguous = ""
	docOf := map[uint64]string{}
	rd := bufio.NewReaderSize(io.NewSectionReader(f, 0, lim), 1<<20)
	var off int64
	for {
		l, err := rd.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			// A line longer than the buffer: read the rest of it.
			long := append([]byte(nil), l...)
			for errors.Is(err, bufio.ErrBufferFull) {
				l, err = rd.ReadSlice('\n')
				long = append(long, l...)
			}
			l = long
		}
		if err == io.EOF {
			break // a last line without its newline is not covered
		} else if err != nil {
			return nil, err
		}
		ref := lineRef{off: off, n: len(l) - 1}
		off += int64(len(l))
		line := l[:len(l)-1]
		if len(line) < 3 || line[1] != '\t' {
			continue
		}
		id, rest, _ := bytes.Cut(line[2:], []byte{'\t'})
		switch line[0] {
		case 'C', 'M':
			doc, _, _ := bytes.Cut(rest, []byte{'\t'})
			d := string(doc)
			b.docs[d] = append(b.docs[d], ref)
			if line[0] == 'C' {
				h := maphash.Bytes(seed, id)
				if old, seen := docOf[h]; seen && old != d {
					docOf[h] = ambiguous
				} else {
					docOf[h] = d
				}
			}
		case 'U', 'R':
			d, seen := docOf[maphash.Bytes(seed, id)]
			switch {
			case !seen:
				// No coding has that id: a replay of any document
				// skips it.
			case d == ambiguous:
				b.unknown = append(b.unknown, ref)
			default:
				b.docs[d] = append(b.docs[d], ref)
			}
		}
	}
	b.covered = off
	var err error
	b.print, err = logPrint(f, off)
	return b, err
}

// refs returns where the lines of the documents docs are, in the log's
// order.
func (b *builtIndex) refs(docs map[string]bool) []lineRef {
	refs := slices.Clone(b.unknown)
	for d := range docs {
		refs = append(refs, b.docs[d]...)
	}
	slices.SortFunc(refs, func(a, b lineRef) int { return cmpInt64(a.off, b.off) })
	return refs
}

// encode returns the index file.
func (b *builtIndex) encode() []byte {
	var dir, secs []byte
	section := func(kind byte, id string, refs []lineRef) {
		start := len(secs)
		secs = binary.AppendUvarint(secs, uint64(len(refs)))
		var prev int64
		for _, r := range refs {
			secs = binary.AppendUvarint(secs, uint64(r.off-prev))
			secs = binary.AppendUvarint(secs, uint64(r.n))
			prev = r.off
		}
		dir = append(dir, kind)
		dir = binary.AppendUvarint(dir, uint64(len(id)))
		dir = append(dir, id...)
		dir = binary.AppendUvarint(dir, uint64(start))
		dir = binary.AppendUvarint(dir, uint64(len(secs)-start))
		dir = binary.LittleEndian.AppendUint32(dir, crc32.Checksum(secs[start:], castagnoli))
	}
	ids := make([]string, 0, len(b.docs))
	for d := range b.docs {
		ids = append(ids, d)
	}
	slices.Sort(ids)
	for _, d := range ids {
		section(0, d, b.docs[d])
	}
	if len(b.unknown) > 0 {
		section(1, "", b.unknown)
	}
	out := make([]byte, 0, indexPreamble+len(dir)+len(secs))
	out = append(out, indexMagic...)
	out = binary.LittleEndian.AppendUint64(out, uint64(b.covered))
	out = binary.LittleEndian.AppendUint32(out, b.print)
	out = binary.LittleEndian.AppendUint32(out, uint32(len(dir)))
	out = binary.LittleEndian.AppendUint32(out, crc32.Checksum(dir, castagnoli))
	out = append(out, dir...)
	return append(out, secs...)
}

// removeDocIndex removes the index of codings.log in graphDir, before the
// log is rewritten.
func removeDocIndex(graphDir string) error {
	err := os.Remove(filepath.Join(graphDir, codingsIndex))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}
