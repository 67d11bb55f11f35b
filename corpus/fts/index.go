package fts

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/single"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
	"github.com/blevesearch/bleve/v2/mapping"
	bindex "github.com/blevesearch/bleve_index_api"

	"github.com/qualgraph/qualgraph/corpus"
)

// The full-text index
//
// An Index holds one entry (a "unit") per segment of each document: a speaker
// turn or a paragraph. A unit's fields are
//
//	text     the segment's text, analysed for English and Chinese (below),
//	         with term vectors; not stored
//	doc      the document's id, exact; not stored
//	name     the document's name, case-insensitive
//	kind     the document's kind, case-insensitive
//	speaker  the segment's speaker, case-insensitive
//	attr.KEY one field per attribute key (keys lower-cased), values
//	         case-insensitive, in their canonical text form
//	info     on a document's first unit only: its id, name, speakers and
//	         segment table (see docInfo); stored, not indexed
//
// A unit's id is "KEY/ORD" (see unitID): a short key given to the document
// when first indexed, and the segment's number. Nothing is stored but ids
// and info, which a search reads once for each document it finds; so hits
// get their offsets, speaker and document name without storing them per
// unit. There is no _all field; the default search field is text; only text
// has term vectors; no field has doc values.
//
// The text analyser handles English and Chinese in one field: the Unicode
// word tokenizer, then cjk_width (fullwidth ASCII to ASCII, halfwidth kana
// to fullwidth), to_lower, cjk_bigram (overlapping pairs of Han or kana
// characters), possessive_en and stemmer_en_snowball. Every word is
// indexed, stop words too, so that a phrase matches all the words typed
// ("leads to", "lock-in", "so that"). So "organising" finds "organised",
// and a Chinese word of two or more
// characters is found wherever its characters stand in a row. A Chinese
// character on its own between non-Chinese characters is indexed alone, but a
// single character inside a run of Chinese text is only part of bigrams: a
// one-character Chinese query finds only such isolated occurrences.
//
// Term vectors hold code-point offsets relative to the segment rather than
// bleve's usual byte offsets, so that hits can be placed in the document's
// text without reading it, and a location's end holds the token's length,
// not its end offset: a smaller number, which saves a byte per token in
// zap's varint encoding. The index-time analyser (codePointOffsets) makes
// both changes; the query-time analyser is bleve's, unchanged.

const (
	fieldText    = "text"
	fieldDoc     = "doc"
	fieldName    = "name"
	fieldKind    = "kind"
	fieldSpeaker = "speaker"
	fieldInfo    = "info"
	attrPrefix   = "attr."

	textAnalyzer    = "qualgraph_text"    // English and Chinese, stemmed
	keywordAnalyzer = "qualgraph_keyword" // whole value, lower-cased
	foldAnalyzer    = "qualgraph_fold"    // words, width-folded and lower-cased, unstemmed (fuzzy queries)

	formatKey     = "qualgraph.index.format"
	formatVersion = "2" // 2: stop words indexed
	nextKeyKey    = "qualgraph.index.nextkey"
)

// Errors returned by Index methods.
var (
	// ErrReadOnly is returned by Add and Delete on an index opened read-only.
	ErrReadOnly = errors.New("fts: index is read-only")
	// ErrIndexFormat is returned by OpenIndex for a directory that holds no
	// qualgraph index or one written by an incompatible version; rebuild it.
	ErrIndexFormat = errors.New("fts: not a qualgraph index or an incompatible version (rebuild the index)")
	// ErrSegment is wrapped by Add's error for a document whose segments do
	// not fit its text.
	ErrSegment = errors.New("segment out of range")
)

// Index is a full-text index of documents' segments. Search may be called
// concurrently with anything; Add and Delete must not run concurrently with
// each other.
type Index struct {
	bi        bleve.Index
	text      analysis.Analyzer // query-time text analyser
	fold      analysis.Analyzer
	keyword   analysis.Analyzer
	indexText analysis.Analyzer // text analyser with code-point offsets
	readOnly  bool
	dir       string // "" in memory

	// Add sends a bleve batch when it holds this many units or bytes of
	// text; a document's units always go in one batch.
	batchUnits int
	batchBytes int

	noPhraseCheck   bool // for tests: search phrases with bleve's phrase search
	noSnapshotReuse bool // for tests: find the hits of a search again by id
	noFastPhrase    bool // for tests: search a lone phrase through bleve's search (see fastPhrase)

	// infos caches what the index keeps about documents (docInfo), as read
	// from one snapshot of the index; a search on another snapshot
	// replaces it.
	infos atomic.Pointer[infoCache]
}

// Tuned on the synth corpus; see BenchmarkIndexAdd.
const (
	defaultBatchUnits = 2000
	defaultBatchBytes = 2 << 20
)

// CreateIndex creates a new index in directory dir, which must not exist.
func CreateIndex(dir string) (*Index, error) {
	if _, err := os.Stat(dir); err == nil {
		return nil, fmt.Errorf("fts: create index %s: %w", dir, fs.ErrExist)
	}
	m, err := newMapping()
	if err != nil {
		return nil, err
	}
	bi, err := bleve.NewUsing(dir, m, scorch.Name, scorch.Name, runtimeConfig(false))
	if err != nil {
		return nil, fmt.Errorf("fts: create index %s: %w", dir, err)
	}
	ix, err := newIndex(bi, false, dir)
	if err != nil {
		return nil, err
	}
	// With unsafe batches a write returns before it is on disk: write the
	// format key and wait until it, and the mapping before it, persist.
	if err := ix.newPipeline().finish(ix.bi.NewBatch(), 0); err != nil {
		bi.Close()
		return nil, fmt.Errorf("fts: create index %s: %w", dir, err)
	}
	return ix, nil
}

// OpenIndex opens the index in directory dir. A read-only index starts no
// background work and opens quickly; Add and Delete on it return ErrReadOnly.
// It returns an error wrapping fs.ErrNotExist if there is no index in dir,
// and ErrIndexFormat if dir holds something else.
func OpenIndex(dir string, readOnly bool) (*Index, error) {
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("fts: open index: %w", err)
	}
	bi, err := bleve.OpenUsing(dir, runtimeConfig(readOnly))
	if err != nil {
		if errors.Is(err, bleve.ErrorIndexMetaMissing) || errors.Is(err, bleve.ErrorIndexMetaCorrupt) {
			return nil, fmt.Errorf("fts: open index %s: %w", dir, ErrIndexFormat)
		}
		return nil, fmt.Errorf("fts: open index %s: %w", dir, err)
	}
	v, err := bi.GetInternal([]byte(formatKey))
	if err != nil || string(v) != formatVersion {
		bi.Close()
		return nil, fmt.Errorf("fts: open index %s: %w", dir, ErrIndexFormat)
	}
	return newIndex(bi, readOnly, dir)
}

// NewMemIndex returns an empty index held in memory, for tests and
// throw-away work.
func NewMemIndex() (*Index, error) {
	m, err := newMapping()
	if err != nil {
		return nil, err
	}
	bi, err := bleve.NewUsing("", m, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("fts: new index: %w", err)
	}
	return newIndex(bi, false, "")
}

func runtimeConfig(readOnly bool) map[string]any {
	return map[string]any{
		"read_only": readOnly,
		// Batches return once searchable; Add waits for the last one to be
		// on disk.
		"unsafe_batch": true,
		// Fail rather than hang when another process holds the index.
		"bolt_timeout": "3s",
		// No merging in the background: Add merges (see merge).
		"scorchMergePlanOptions": noBackgroundMerge,
	}
}

// noBackgroundMerge is bleve's default merge plan with tiers so wide, and
// no floor on their size, so that it never merges.
var noBackgroundMerge = func() map[string]any {
	o := mergeplan.DefaultMergePlanOptions
	return map[string]any{
		"MaxSegmentsPerTier":   1 << 20,
		"FloorSegmentSize":     1,
		"MaxSegmentSize":       o.MaxSegmentSize,
		"MaxSegmentFileSize":   o.MaxSegmentFileSize,
		"TierGrowth":           o.TierGrowth,
		"SegmentsPerMergeTask": o.SegmentsPerMergeTask,
		"ReclaimDeletesWeight": o.ReclaimDeletesWeight,
	}
}()

func newIndex(bi bleve.Index, readOnly bool, dir string) (*Index, error) {
	m := bi.Mapping()
	ix := &Index{
		bi:         bi,
		text:       m.AnalyzerNamed(textAnalyzer),
		fold:       m.AnalyzerNamed(foldAnalyzer),
		keyword:    m.AnalyzerNamed(keywordAnalyzer),
		readOnly:   readOnly,
		dir:        dir,
		batchUnits: defaultBatchUnits,
		batchBytes: defaultBatchBytes,
	}
	if ix.text == nil || ix.fold == nil || ix.keyword == nil {
		bi.Close()
		return nil, ErrIndexFormat
	}
	ix.text = withStemCache(ix.text)
	ix.indexText = codePointOffsets{withFastWidth(ix.text)}
	return ix, nil
}

// newMapping returns the index mapping. Add builds bleve documents itself
// (see unit), so the mapping serves queries and documents the index for
// anyone who opens it with bleve's tools.
func newMapping() (*mapping.IndexMappingImpl, error) {
	m := bleve.NewIndexMapping()
	err := m.AddCustomAnalyzer(textAnalyzer, map[string]any{
		"type":      custom.Name,
		"tokenizer": unicode.Name,
		"token_filters": []any{
			cjk.WidthName,
			lowercase.Name,
			cjk.BigramName,
			en.PossessiveName,
			en.SnowballStemmerName,
		},
	})
	if err != nil {
		return nil, err
	}
	err = m.AddCustomAnalyzer(keywordAnalyzer, map[string]any{
		"type":          custom.Name,
		"tokenizer":     single.Name,
		"token_filters": []any{lowercase.Name},
	})
	if err != nil {
		return nil, err
	}
	err = m.AddCustomAnalyzer(foldAnalyzer, map[string]any{
		"type":          custom.Name,
		"tokenizer":     unicode.Name,
		"token_filters": []any{cjk.WidthName, lowercase.Name},
	})
	if err != nil {
		return nil, err
	}
	m.DefaultAnalyzer = textAnalyzer
	m.DefaultField = fieldText
	m.IndexDynamic = true
	m.StoreDynamic = false
	m.DocValuesDynamic = false

	text := mapping.NewTextFieldMapping()
	text.Analyzer = textAnalyzer
	text.Store = false
	text.IncludeTermVectors = true
	text.IncludeInAll = false
	text.DocValues = false

	keyword := func(store bool, analyzer string) *mapping.FieldMapping {
		f := mapping.NewTextFieldMapping()
		f.Analyzer = analyzer
		f.Store = store
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = false
		f.SkipFreqNorm = true
		return f
	}

	dm := mapping.NewDocumentStaticMapping()
	dm.AddFieldMappingsAt(fieldText, text)
	dm.AddFieldMappingsAt(fieldDoc, keyword(false, "keyword"))
	dm.AddFieldMappingsAt(fieldName, keyword(false, keywordAnalyzer))
	dm.AddFieldMappingsAt(fieldKind, keyword(false, keywordAnalyzer))
	dm.AddFieldMappingsAt(fieldSpeaker, keyword(false, keywordAnalyzer))
	info := mapping.NewTextFieldMapping()
	info.Index = false
	info.Store = true
	info.IncludeInAll = false
	info.DocValues = false
	dm.AddFieldMappingsAt(fieldInfo, info)
	attrs := mapping.NewDocumentMapping() // dynamic: one field per key
	attrs.DefaultAnalyzer = keywordAnalyzer
	dm.AddSubDocumentMapping(strings.TrimSuffix(attrPrefix, "."), attrs)
	m.DefaultMapping = dm
	return m, m.Validate()
}

// Close flushes and closes the index.
func (ix *Index) Close() error {
	return ix.bi.Close()
}

// Add indexes docs, replacing whatever the index held for their ids (so a
// document whose attributes changed is simply added again). It indexes one
// unit per segment; a document without segments but with text is indexed as
// one unit covering all of it. Segments must lie within the text; if one
// does not, Add returns an error wrapping ErrSegment and indexes nothing.
//
// Add sends the units to bleve in batches of up to 2,000 units or 2 MB of
// text, two at a time; each document is replaced atomically, but if Add
// fails part way, documents in earlier batches stay indexed. When Add
// returns nil on an on-disk index, everything is on disk, and the index is
// tidy (see merge).
func (ix *Index) Add(docs ...*corpus.Document) error { return ix.AddProgress(docs, nil) }

// AddProgress is Add that calls progress, if not nil, with the number of
// docs indexed so far each time a batch of them is in the index (not yet
// necessarily on disk). Calls to progress come one at a time, from any
// goroutine.
func (ix *Index) AddProgress(docs []*corpus.Document, progress func(done int)) error {
	if ix.readOnly {
		return ErrReadOnly
	}
	docs = lastByID(docs)
	for _, d := range docs {
		if err := checkSegments(d); err != nil {
			return err
		}
	}
	keys, next, err := ix.docKeys(docIDs(docs))
	if err != nil {
		return err
	}
	// New documents get new keys. Every batch records the next free key
	// number after all of them, so that the record never goes back, even
	// if batches are applied out of order or Add fails part way.
	newKeys := map[string]string{}
	for _, d := range docs {
		if _, ok := keys[d.ID]; !ok {
			newKeys[d.ID] = strconv.FormatUint(next, 36)
			next++
		}
	}
	nextVal := []byte(strconv.FormatUint(next, 36))
	newBatch := func() *bleve.Batch {
		b := ix.bi.NewBatch()
		b.SetInternal([]byte(nextKeyKey), nextVal)
		return b
	}
	p := ix.newPipeline()
	p.progress = progress
	b := newBatch()
	units, size, total, inBatch := 0, 0, 0, 0
	for _, d := range docs {
		n := max(len(d.Segments), 1)
		if units > 0 && (units+n > ix.batchUnits || size+len(d.Text) > ix.batchBytes) {
			if err := p.send(b, inBatch); err != nil {
				return err
			}
			b = newBatch()
			units, size, inBatch = 0, 0, 0
		}
		old, ok := keys[d.ID]
		key := old.key
		if !ok {
			key = newKeys[d.ID]
		}
		// The new units replace the old ones with the same ids; delete
		// the rest.
		added, err := ix.addUnits(b, d, key)
		if err != nil {
			p.wait()
			return err
		}
		for ord := added; ord < old.units; ord++ {
			b.Delete(unitID(key, ord))
		}
		units += n
		size += len(d.Text)
		total += n
		inBatch++
	}
	if err := p.finish(b, inBatch); err != nil {
		return err
	}
	return ix.merge(total)
}

// Merging. bleve merges an index's segments in the background as batches
// add them, in tiers, rewriting each unit several times over; a
// short-lived command gains nothing from that, and a bulk import spent a
// sixth of its CPU time on merges whose results were merged again at once.
// So the index is opened with background merging off (runtimeConfig), and
// Add merges when it is done: after a bulk add (compactUnits units or
// more) into one segment (Compact), otherwise by bleve's tiered plan, once
// the index holds more than maxSegments segments.

// maxSegments is the number of segments beyond which Add merges.
const maxSegments = 10

// merge tidies the index after Add added units units.
func (ix *Index) merge(units int) error {
	if ix.dir == "" {
		return nil
	}
	if units >= compactUnits {
		return ix.Compact()
	}
	n, err := ix.segments()
	if err != nil || n <= maxSegments {
		return err
	}
	return ix.forceMerge(&mergeplan.DefaultMergePlanOptions, maxSegments)
}

// pipeline sends batches to bleve, two at a time, so that one batch's
// segment is built (on one core) while the next is analysed.
type pipeline struct {
	ix  *Index
	sem chan struct{}
	wg  sync.WaitGroup
	mu  sync.Mutex
	err error

	progress func(done int) // called under mu
	done     int            // documents in batches applied
}

func (ix *Index) newPipeline() *pipeline {
	return &pipeline{ix: ix, sem: make(chan struct{}, 2)}
}

func (p *pipeline) fail(err error) {
	p.mu.Lock()
	if p.err == nil {
		p.err = fmt.Errorf("fts: index: %w", err)
	}
	p.mu.Unlock()
}

func (p *pipeline) failed() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// applied records that a batch of docs documents is in the index.
func (p *pipeline) applied(docs int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done += docs
	if p.progress != nil && docs > 0 && p.err == nil {
		p.progress(p.done)
	}
}

// send sends b, holding docs documents, in the background; it returns the
// error of an earlier batch.
func (p *pipeline) send(b *bleve.Batch, docs int) error {
	if err := p.failed(); err != nil {
		p.wait()
		return err
	}
	p.sem <- struct{}{}
	p.wg.Add(1)
	go func() {
		defer func() { <-p.sem; p.wg.Done() }()
		if err := p.ix.bi.Batch(b); err != nil {
			p.fail(err)
			return
		}
		p.applied(docs)
	}()
	return nil
}

func (p *pipeline) wait() { p.wg.Wait() }

// finish waits for the batches sent, then sends b, holding docs documents,
// and, on disk, waits until it is persisted: with unsafe batches, that
// means everything before it is persisted too.
func (p *pipeline) finish(b *bleve.Batch, docs int) error {
	p.wait()
	if err := p.failed(); err != nil {
		return err
	}
	ix := p.ix
	if ix.dir == "" {
		if b.Size() == 0 {
			p.applied(docs)
			return nil
		}
		if err := ix.bi.Batch(b); err != nil {
			return fmt.Errorf("fts: index: %w", err)
		}
		p.applied(docs)
		return nil
	}
	if b.Size() == 0 {
		// Make sure there is something to wait for.
		b.SetInternal([]byte(formatKey), []byte(formatVersion))
	}
	done := make(chan error, 1)
	b.SetPersistedCallback(func(err error) {
		select {
		case done <- err:
		default:
		}
	})
	if err := ix.bi.Batch(b); err != nil {
		return fmt.Errorf("fts: index: %w", err)
	}
	if err := <-done; err != nil {
		return fmt.Errorf("fts: index: %w", err)
	}
	p.applied(docs)
	return nil
}

// Compact merges the index into one segment, which makes it smaller and
// its searches faster, and waits briefly for the files it no longer needs to
// be removed. Add calls Compact when it added compactUnits units or more.
// Compact does nothing for an index in memory.
func (ix *Index) Compact() error {
	if ix.readOnly {
		return ErrReadOnly
	}
	if ix.dir == "" {
		return nil
	}
	// One forced merge merges at most SegmentsPerMergeTask segments into
	// each new one, and skips segments not yet on disk; repeat until one
	// is left.
	opts := mergeplan.SingleSegmentMergePlanOptions
	opts.SegmentsPerMergeTask = 100
	return ix.forceMerge(&opts, 1)
}

// forceMerge merges segments by the plan opts, repeating (up to eight
// times) while there are more than want, then waits briefly for the files
// it no longer needs to be removed.
func (ix *Index) forceMerge(opts *mergeplan.MergePlanOptions, want int) error {
	adv, err := ix.bi.Advanced()
	if err != nil {
		return fmt.Errorf("fts: merge index: %w", err)
	}
	sc, ok := adv.(*scorch.Scorch)
	if !ok {
		return nil
	}
	for range 8 {
		n, err := ix.segments()
		if err != nil {
			return fmt.Errorf("fts: merge index: %w", err)
		}
		if n <= want {
			break
		}
		if err := sc.ForceMerge(context.Background(), opts); err != nil {
			return fmt.Errorf("fts: merge index: %w", err)
		}
	}
	// The files the merge replaced go once no snapshot refers to them:
	// persist snapshots after the merge, which lets the persister drop the
	// older ones and their files, until they are gone or a few seconds
	// have passed (then the next writer removes them).
	store := filepath.Join(ix.dir, "store")
	for wait := 10 * time.Millisecond; wait < 3*time.Second; wait *= 2 {
		if err := ix.newPipeline().finish(ix.bi.NewBatch(), 0); err != nil {
			return err
		}
		n, err := ix.segments()
		if err != nil {
			return err
		}
		if zaps, _ := filepath.Glob(filepath.Join(store, "*.zap")); len(zaps) <= n {
			break
		}
		time.Sleep(wait)
	}
	return nil
}

// segments returns the number of segments in the index.
func (ix *Index) segments() (int, error) {
	n := 0
	err := ix.withReader(func(r bindex.IndexReader) error {
		if is, ok := r.(*scorch.IndexSnapshot); ok {
			n = len(is.Segments())
		}
		return nil
	})
	return n, err
}

// compactUnits is the number of units an Add must index to be followed by
// Compact.
const compactUnits = 8000

// Delete removes the documents with the given ids from the index. Ids not in
// the index are ignored.
func (ix *Index) Delete(docIDs ...string) error {
	if ix.readOnly {
		return ErrReadOnly
	}
	keys, _, err := ix.docKeys(docIDs)
	if err != nil {
		return err
	}
	p := ix.newPipeline()
	b := ix.bi.NewBatch()
	for _, k := range keys {
		for ord := range k.units {
			b.Delete(unitID(k.key, ord))
		}
		if b.Size() >= ix.batchUnits {
			if err := p.send(b, 0); err != nil {
				return err
			}
			b = ix.bi.NewBatch()
		}
	}
	return p.finish(b, 0)
}

// Docs returns, for every document in the index, the number of units
// indexed for it, for integrity checks against the document store.
func (ix *Index) Docs() (map[string]int, error) {
	docs := map[string]int{}
	err := ix.withReader(func(r bindex.IndexReader) error {
		dict, err := r.FieldDict(fieldDoc)
		if err != nil {
			return err
		}
		defer dict.Close()
		var terms []string
		for {
			e, err := dict.Next()
			if err != nil {
				return err
			}
			if e == nil {
				break
			}
			terms = append(terms, e.Term)
		}
		for _, t := range terms {
			tfr, err := r.TermFieldReader(context.Background(), []byte(t), fieldDoc, false, false, false)
			if err != nil {
				return err
			}
			// The dictionary still lists documents whose units are all
			// deleted but not yet merged away; Count excludes deletions.
			if n := tfr.Count(); n > 0 {
				docs[t] = int(n)
			}
			tfr.Close()
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("fts: index: %w", err)
	}
	return docs, nil
}

// docKeyUnits is what the index knows of a document: its key and number
// of units.
type docKeyUnits struct {
	key   string
	units int
}

// docKeys returns the keys and numbers of units of those of docIDs that
// the index holds, and the next free key number.
func (ix *Index) docKeys(docIDs []string) (map[string]docKeyUnits, uint64, error) {
	keys := map[string]docKeyUnits{}
	var next uint64 = 1
	err := ix.withReader(func(r bindex.IndexReader) error {
		if v, err := r.GetInternal([]byte(nextKeyKey)); err != nil {
			return err
		} else if v != nil {
			if next, err = strconv.ParseUint(string(v), 36, 64); err != nil {
				return fmt.Errorf("bad next key %q", v)
			}
		}
		buf := &bindex.TermFieldDoc{}
		for _, id := range docIDs {
			tfr, err := r.TermFieldReader(context.Background(), []byte(id), fieldDoc, false, false, false)
			if err != nil {
				return err
			}
			n := tfr.Count()
			d, err := tfr.Next(buf.Reset())
			tfr.Close()
			if err != nil {
				return err
			}
			if n == 0 || d == nil {
				continue
			}
			ext, err := r.ExternalID(d.ID)
			if err != nil {
				return err
			}
			key, _, ok := parseUnitID(ext)
			if !ok {
				return fmt.Errorf("bad unit id %q", ext)
			}
			keys[id] = docKeyUnits{key, int(n)}
		}
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("fts: index: %w", err)
	}
	return keys, next, nil
}

func (ix *Index) withReader(f func(bindex.IndexReader) error) error {
	adv, err := ix.bi.Advanced()
	if err != nil {
		return err
	}
	r, err := adv.Reader()
	if err != nil {
		return err
	}
	err = f(r)
	if cerr := r.Close(); err == nil {
		err = cerr
	}
	return err
}

// addUnits adds d's units to b under key, with what the index keeps about
// d besides them, and returns their number.
func (ix *Index) addUnits(b *bleve.Batch, d *corpus.Document, key string) (int, error) {
	text := []byte(d.Text)
	segs := d.Segments
	if len(segs) == 0 {
		if len(text) == 0 {
			return 0, nil
		}
		segs = []corpus.Segment{{Start: 0, End: utf8.RuneCount(text)}}
	}
	// The document's id, name, speakers and segments are stored once, with
	// its first unit; the others store nothing but their short ids.
	info := docInfo{doc: d.ID, name: d.Name, segs: make([]unitSeg, len(segs))}
	spk := map[string]int{}
	spkTerm := map[string][]byte{}
	for i, s := range segs {
		k, ok := spk[s.Speaker]
		if !ok && s.Speaker != "" {
			k = len(info.speakers)
			spk[s.Speaker] = k
			spkTerm[s.Speaker] = ix.keywordTerm(s.Speaker)
			info.speakers = append(info.speakers, s.Speaker)
		}
		if s.Speaker == "" {
			k = -1
		}
		info.segs[i] = unitSeg{start: s.Start, end: s.End, speaker: k}
	}

	// Values indexed without an analyser are lower-cased here, once per
	// document; analysers lower-case in place, which shared bytes must not
	// see.
	id := []byte(d.ID)
	name := ix.keywordTerm(d.Name)
	kind := ix.keywordTerm(d.Kind)
	type attr struct {
		field string
		value []byte
	}
	attrs := make([]attr, 0, len(d.Attrs))
	for _, k := range d.Attrs.Keys() {
		attrs = append(attrs, attr{attrPrefix + strings.ToLower(k), ix.keywordTerm(d.Attrs[k].Value)})
	}
	conv := runeToByte{s: text}
	for ord, s := range segs {
		from, to := conv.at(s.Start), conv.at(s.End)
		doc := document.NewDocument(unitID(key, ord))
		if ord == 0 {
			doc.AddField(document.NewTextFieldCustom(fieldInfo, nil, info.encode(), bindex.StoreField, nil))
		}
		doc.AddField(&textField{value: text[from:to:to], a: ix.indexText})
		doc.AddField(document.NewTextFieldCustom(fieldDoc, nil, id,
			bindex.IndexField|bindex.SkipFreqNorm, nil))
		doc.AddField(document.NewTextFieldCustom(fieldName, nil, name,
			bindex.IndexField|bindex.SkipFreqNorm, nil))
		if len(kind) > 0 {
			doc.AddField(document.NewTextFieldCustom(fieldKind, nil, kind,
				bindex.IndexField|bindex.SkipFreqNorm, nil))
		}
		if s.Speaker != "" {
			doc.AddField(document.NewTextFieldCustom(fieldSpeaker, nil, spkTerm[s.Speaker],
				bindex.IndexField|bindex.SkipFreqNorm, nil))
		}
		for _, a := range attrs {
			doc.AddField(document.NewTextFieldCustom(a.field, nil, a.value,
				bindex.IndexField|bindex.SkipFreqNorm, nil))
		}
		if err := b.IndexAdvanced(doc); err != nil {
			return 0, err
		}
	}
	return len(segs), nil
}

// docInfo is what the index keeps about a document besides its units'
// indexed fields, stored in field info of its first unit.
type docInfo struct {
	doc      string
	name     string
	speakers []string  // the speakers of its segments, by first turn
	segs     []unitSeg // by unit number
}

// unitSeg is the segment of a unit.
type unitSeg struct {
	start, end int
	speaker    int // index into speakers, or -1
}

const infoFormat = 1

func (i *docInfo) encode() []byte {
	b := binary.AppendUvarint(nil, infoFormat)
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	str(i.doc)
	str(i.name)
	b = binary.AppendUvarint(b, uint64(len(i.speakers)))
	for _, s := range i.speakers {
		str(s)
	}
	b = binary.AppendUvarint(b, uint64(len(i.segs)))
	prev := 0
	for _, s := range i.segs {
		b = binary.AppendVarint(b, int64(s.start-prev))
		b = binary.AppendUvarint(b, uint64(s.end-s.start))
		b = binary.AppendUvarint(b, uint64(s.speaker+1))
		prev = s.start
	}
	return b
}

// decodeDocInfo reads what encode writes.
func decodeDocInfo(b []byte) (docInfo, bool) {
	var i docInfo
	bad := false
	uv := func() uint64 {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			bad = true
			return 0
		}
		b = b[n:]
		return v
	}
	str := func() string {
		n := uv()
		if bad || n > uint64(len(b)) {
			bad = true
			return ""
		}
		s := string(b[:n])
		b = b[n:]
		return s
	}
	if uv() != infoFormat || bad {
		return docInfo{}, false
	}
	i.doc = str()
	i.name = str()
	for n := uv(); n > 0 && !bad; n-- {
		i.speakers = append(i.speakers, str())
	}
	n := uv()
	if bad || n > uint64(len(b)) {
		return docInfo{}, false
	}
	i.segs = make([]unitSeg, 0, n)
	prev := 0
	for ; n > 0 && !bad; n-- {
		d, k := binary.Varint(b)
		if k <= 0 {
			return docInfo{}, false
		}
		b = b[k:]
		start := prev + int(d)
		l, sp := uv(), int(uv())-1
		if sp >= len(i.speakers) {
			bad = true
		}
		i.segs = append(i.segs, unitSeg{start, start + int(l), sp})
		prev = start
	}
	if bad {
		return docInfo{}, false
	}
	return i, true
}

// resolver finds what unit ids stand for in one snapshot of the index,
// reading each document's docInfo once per snapshot.
type resolver struct {
	r     bindex.IndexReader
	cache *infoCache
}

// infoCache holds the docInfo of the documents read from snapshot snap
// (nil for a document not in it).
type infoCache struct {
	snap  bindex.IndexReader
	mu    sync.Mutex
	infos map[string]*docInfo // by document key
}

// newResolver returns a resolver of unit ids through r. Resolvers of the
// same snapshot share what they read: a snapshot never changes.
func (ix *Index) newResolver(r bindex.IndexReader) *resolver {
	c := ix.infos.Load()
	if c == nil || c.snap != r {
		c = &infoCache{snap: r, infos: map[string]*docInfo{}}
		if _, ok := r.(*scorch.IndexSnapshot); ok {
			// Only a snapshot is the same value for as long as it lasts.
			ix.infos.Store(c)
		}
	}
	return &resolver{r: r, cache: c}
}

// unit is a resolved unit.
type unit struct {
	doc, name  string
	start, end int
	speaker    string
}

func (rs *resolver) unit(id string) (unit, bool) {
	key, ord, ok := parseUnitID(id)
	if !ok {
		return unit{}, false
	}
	c := rs.cache
	c.mu.Lock()
	info, ok := c.infos[key]
	c.mu.Unlock()
	if !ok {
		if d, err := rs.r.Document(unitID(key, 0)); err == nil && d != nil {
			d.VisitFields(func(f bindex.Field) {
				if f.Name() == fieldInfo {
					if i, ok := decodeDocInfo(f.Value()); ok {
						info = &i
					}
				}
			})
		}
		c.mu.Lock()
		c.infos[key] = info
		c.mu.Unlock()
	}
	if info == nil || ord >= len(info.segs) {
		return unit{}, false
	}
	s := info.segs[ord]
	u := unit{doc: info.doc, name: info.name, start: s.start, end: s.end}
	if s.speaker >= 0 {
		u.speaker = info.speakers[s.speaker]
	}
	return u, true
}

// keywordTerm returns v as the keyword analyser indexes it: one term,
// lower-cased. It returns nil for an empty value.
func (ix *Index) keywordTerm(v string) []byte {
	if v == "" {
		return nil
	}
	ts := ix.keyword.Analyze([]byte(v))
	if len(ts) == 0 {
		return nil
	}
	return ts[0].Term
}

// unitID returns the bleve id of unit number ord of the document with key
// key: "KEY/ORD", in base 36. Short ids keep the index small: bleve stores
// every id and keeps them in a term dictionary.
func unitID(key string, ord int) string {
	b := make([]byte, 0, len(key)+5)
	b = append(b, key...)
	b = append(b, '/')
	b = strconv.AppendInt(b, int64(ord), 36)
	return string(b)
}

// parseUnitID splits a unit id made by unitID.
func parseUnitID(id string) (key string, ord int, ok bool) {
	key, o, ok := strings.Cut(id, "/")
	if !ok || key == "" {
		return "", 0, false
	}
	n, err := strconv.ParseUint(o, 36, 31)
	if err != nil {
		return "", 0, false
	}
	return key, int(n), true
}

func checkSegments(d *corpus.Document) error {
	n := utf8.RuneCountInString(d.Text)
	for i, s := range d.Segments {
		if s.Start < 0 || s.End > n || s.Start > s.End {
			return fmt.Errorf("fts: index document %s: segment %d [%d,%d) of a text of %d code points: %w",
				d.ID, i, s.Start, s.End, n, ErrSegment)
		}
	}
	return nil
}

// lastByID drops all but the last of documents with the same id, keeping
// the order of the rest.
func lastByID(docs []*corpus.Document) []*corpus.Document {
	last := make(map[string]int, len(docs))
	for i, d := range docs {
		last[d.ID] = i
	}
	if len(last) == len(docs) {
		return docs
	}
	out := make([]*corpus.Document, 0, len(last))
	for i, d := range docs {
		if last[d.ID] == i {
			out = append(out, d)
		}
	}
	return out
}

func docIDs(docs []*corpus.Document) []string {
	ids := make([]string, len(docs))
	for i, d := range docs {
		ids[i] = d.ID
	}
	return ids
}

// runeToByte converts code-point offsets into byte offsets of s, cheaply for
// offsets in increasing order.
type runeToByte struct {
	s      []byte
	ri, bi int
}

func (c *runeToByte) at(r int) int {
	if r < c.ri {
		c.ri, c.bi = 0, 0
	}
	for c.ri < r && c.bi < len(c.s) {
		_, n := utf8.DecodeRune(c.s[c.bi:])
		c.bi += n
		c.ri++
	}
	return c.bi
}

// codePointOffsets wraps the text analyser to give tokens code-point
// offsets instead of byte offsets, and their length in place of their end. The filters of the text analyser copy
// terms before changing them (cjk_width comes first), so the input is intact
// when the offsets are converted.
type codePointOffsets struct{ analysis.Analyzer }

func (a codePointOffsets) Analyze(in []byte) analysis.TokenStream {
	ts := a.Analyzer.Analyze(in)
	ascii := true
	for _, c := range in {
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		for _, t := range ts {
			t.End -= t.Start
		}
		return ts
	}
	c := byteToRune{s: in}
	for _, t := range ts {
		t.Start = c.at(t.Start)
		t.End = c.at(t.End) - t.Start
	}
	return ts
}

// byteToRune converts byte offsets of s into code-point offsets, cheaply
// for offsets that move forward or back a little.
type byteToRune struct {
	s      []byte
	bi, ri int
}

func (c *byteToRune) at(b int) int {
	for c.bi < b && c.bi < len(c.s) {
		_, n := utf8.DecodeRune(c.s[c.bi:])
		c.bi += n
		c.ri++
	}
	for c.bi > b {
		_, n := utf8.DecodeLastRune(c.s[:c.bi])
		c.bi -= n
		c.ri--
	}
	return c.ri
}
