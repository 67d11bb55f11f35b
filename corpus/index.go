package corpus

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
	"github.com/blevesearch/bleve/v2/mapping"
	bindex "github.com/blevesearch/bleve_index_api"
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
//
// None is stored: the unit's id, "DOCID/START+LEN+SPEAKER" (see unitID),
// says where the segment is and which of the document's speakers it has,
// and the document's name and speakers are kept once per document in
// bleve's internal store. So a search reads no stored fields. There is no
// _all field; the default search field is text.
//
// The text analyser handles English and Chinese in one field: the Unicode
// word tokenizer, then cjk_width (fullwidth ASCII to ASCII, halfwidth kana
// to fullwidth), to_lower, cjk_bigram (overlapping pairs of Han or kana
// characters), possessive_en, stop_en and stemmer_en_snowball. So
// "organising" finds "organised", and a Chinese word of two or more
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
	attrPrefix   = "attr."

	textAnalyzer    = "qualgraph_text"    // English and Chinese, stemmed
	keywordAnalyzer = "qualgraph_keyword" // whole value, lower-cased
	foldAnalyzer    = "qualgraph_fold"    // words, width-folded and lower-cased, unstemmed (fuzzy queries)

	formatKey     = "qualgraph.index.format"
	formatVersion = "1"
)

// Errors returned by Index methods.
var (
	// ErrReadOnly is returned by Add and Delete on an index opened read-only.
	ErrReadOnly = errors.New("corpus: index is read-only")
	// ErrIndexFormat is returned by OpenIndex for a directory that holds no
	// qualgraph index or one written by an incompatible version; rebuild it.
	ErrIndexFormat = errors.New("corpus: not a qualgraph index or an incompatible version (rebuild the index)")
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
}

// Tuned on the synth corpus; see BenchmarkIndexAdd.
const (
	defaultBatchUnits = 2000
	defaultBatchBytes = 2 << 20
)

// CreateIndex creates a new index in directory dir, which must not exist.
func CreateIndex(dir string) (*Index, error) {
	if _, err := os.Stat(dir); err == nil {
		return nil, fmt.Errorf("corpus: create index %s: %w", dir, fs.ErrExist)
	}
	m, err := newMapping()
	if err != nil {
		return nil, err
	}
	bi, err := bleve.NewUsing(dir, m, scorch.Name, scorch.Name, runtimeConfig(false))
	if err != nil {
		return nil, fmt.Errorf("corpus: create index %s: %w", dir, err)
	}
	if err := bi.SetInternal([]byte(formatKey), []byte(formatVersion)); err != nil {
		bi.Close()
		return nil, fmt.Errorf("corpus: create index %s: %w", dir, err)
	}
	return newIndex(bi, false, dir)
}

// OpenIndex opens the index in directory dir. A read-only index starts no
// background work and opens quickly; Add and Delete on it return ErrReadOnly.
// It returns an error wrapping fs.ErrNotExist if there is no index in dir,
// and ErrIndexFormat if dir holds something else.
func OpenIndex(dir string, readOnly bool) (*Index, error) {
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("corpus: open index: %w", err)
	}
	bi, err := bleve.OpenUsing(dir, runtimeConfig(readOnly))
	if err != nil {
		if errors.Is(err, bleve.ErrorIndexMetaMissing) || errors.Is(err, bleve.ErrorIndexMetaCorrupt) {
			return nil, fmt.Errorf("corpus: open index %s: %w", dir, ErrIndexFormat)
		}
		return nil, fmt.Errorf("corpus: open index %s: %w", dir, err)
	}
	v, err := bi.GetInternal([]byte(formatKey))
	if err != nil || string(v) != formatVersion {
		bi.Close()
		return nil, fmt.Errorf("corpus: open index %s: %w", dir, ErrIndexFormat)
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
		return nil, fmt.Errorf("corpus: new index: %w", err)
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
	}
}

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
	ix.indexText = codePointOffsets{ix.text}
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
			en.StopName,
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
// Add sends the units to bleve in batches of about a thousand; each
// document is replaced atomically, but if Add fails part way, documents
// before the failing batch stay indexed. When Add returns nil on an on-disk
// index, everything is on disk.
func (ix *Index) Add(docs ...*Document) error {
	if ix.readOnly {
		return ErrReadOnly
	}
	docs = lastByID(docs)
	for _, d := range docs {
		if err := checkSegments(d); err != nil {
			return err
		}
	}
	old, err := ix.unitIDs(docIDs(docs))
	if err != nil {
		return err
	}
	p := ix.newPipeline()
	b := ix.bi.NewBatch()
	units, size, total := 0, 0, 0
	for _, d := range docs {
		n := max(len(d.Segments), 1)
		if units > 0 && (units+n > ix.batchUnits || size+len(d.Text) > ix.batchBytes) {
			if err := p.send(b); err != nil {
				return err
			}
			b = ix.bi.NewBatch()
			units, size = 0, 0
		}
		for _, id := range old[d.ID] {
			b.Delete(id)
		}
		if len(old[d.ID]) > 0 {
			b.DeleteInternal(infoKey(d.ID))
		}
		if err := ix.addUnits(b, d); err != nil {
			p.wait()
			return err
		}
		units += n
		size += len(d.Text)
		total += n
	}
	if err := p.finish(b); err != nil {
		return err
	}
	if total >= compactUnits {
		return ix.Compact()
	}
	return nil
}

// pipeline sends batches to bleve, two at a time, so that one batch's
// segment is built (on one core) while the next is analysed.
type pipeline struct {
	ix  *Index
	sem chan struct{}
	wg  sync.WaitGroup
	mu  sync.Mutex
	err error
}

func (ix *Index) newPipeline() *pipeline {
	return &pipeline{ix: ix, sem: make(chan struct{}, 2)}
}

func (p *pipeline) fail(err error) {
	p.mu.Lock()
	if p.err == nil {
		p.err = fmt.Errorf("corpus: index: %w", err)
	}
	p.mu.Unlock()
}

func (p *pipeline) failed() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// send sends b in the background; it returns the error of an earlier batch.
func (p *pipeline) send(b *bleve.Batch) error {
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
		}
	}()
	return nil
}

func (p *pipeline) wait() { p.wg.Wait() }

// finish waits for the batches sent, then sends b and, on disk, waits until
// it is persisted: with unsafe batches, that means everything before it is
// persisted too.
func (p *pipeline) finish(b *bleve.Batch) error {
	p.wait()
	if err := p.failed(); err != nil {
		return err
	}
	ix := p.ix
	if ix.dir == "" {
		if b.Size() == 0 {
			return nil
		}
		if err := ix.bi.Batch(b); err != nil {
			return fmt.Errorf("corpus: index: %w", err)
		}
		return nil
	}
	if b.Size() == 0 {
		// Make sure there is something to wait for.
		b.SetInternal([]byte(formatKey), []byte(formatVersion))
	}
	done := make(chan error, 1)
	b.SetPersistedCallback(func(err error) { done <- err })
	if err := ix.bi.Batch(b); err != nil {
		return fmt.Errorf("corpus: index: %w", err)
	}
	if err := <-done; err != nil {
		return fmt.Errorf("corpus: index: %w", err)
	}
	return nil
}

// Compact merges the index into one segment, which makes it smaller and
// its searches faster, and waits briefly for the files it no longer needs to
// be removed. The index merges in the background as it grows, but a bulk
// import leaves several segments; Add calls Compact when it added
// compactUnits units or more. Compact does nothing for an index in memory.
func (ix *Index) Compact() error {
	if ix.readOnly {
		return ErrReadOnly
	}
	if ix.dir == "" {
		return nil
	}
	adv, err := ix.bi.Advanced()
	if err != nil {
		return fmt.Errorf("corpus: compact index: %w", err)
	}
	sc, ok := adv.(*scorch.Scorch)
	if !ok {
		return nil
	}
	if err := sc.ForceMerge(context.Background(), nil); err != nil {
		return fmt.Errorf("corpus: compact index: %w", err)
	}
	// Persist a snapshot after the merge, so that the one before it is
	// no longer kept, and give the persister a moment to remove its files.
	if err := ix.newPipeline().finish(ix.bi.NewBatch()); err != nil {
		return err
	}
	store := filepath.Join(ix.dir, "store")
	for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); {
		zaps, _ := filepath.Glob(filepath.Join(store, "*.zap"))
		if len(zaps) <= 1 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	return nil
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
	old, err := ix.unitIDs(docIDs)
	if err != nil {
		return err
	}
	p := ix.newPipeline()
	b := ix.bi.NewBatch()
	for doc, ids := range old {
		for _, id := range ids {
			b.Delete(id)
		}
		b.DeleteInternal(infoKey(doc))
		if b.Size() >= ix.batchUnits {
			if err := p.send(b); err != nil {
				return err
			}
			b = ix.bi.NewBatch()
		}
	}
	return p.finish(b)
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
		return nil, fmt.Errorf("corpus: index: %w", err)
	}
	return docs, nil
}

// unitIDs returns the unit ids the index holds for each of docIDs.
func (ix *Index) unitIDs(docIDs []string) (map[string][]string, error) {
	ids := map[string][]string{}
	if n, err := ix.bi.DocCount(); err != nil || n == 0 {
		return ids, err
	}
	err := ix.withReader(func(r bindex.IndexReader) error {
		ctx := context.Background()
		var tfr bindex.TermFieldReader
		buf := &bindex.TermFieldDoc{}
		for _, doc := range docIDs {
			var err error
			tfr, err = r.TermFieldReader(ctx, []byte(doc), fieldDoc, false, false, false)
			if err != nil {
				return err
			}
			for {
				tfd, err := tfr.Next(buf.Reset())
				if err != nil {
					tfr.Close()
					return err
				}
				if tfd == nil {
					break
				}
				id, err := r.ExternalID(tfd.ID)
				if err != nil {
					tfr.Close()
					return err
				}
				ids[doc] = append(ids[doc], id)
			}
			tfr.Close()
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("corpus: index: %w", err)
	}
	return ids, nil
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

// addUnits adds d's units to b.
func (ix *Index) addUnits(b *bleve.Batch, d *Document) error {
	text := []byte(d.Text)
	segs := d.Segments
	if len(segs) == 0 {
		if len(text) == 0 {
			return nil
		}
		segs = []Segment{{Start: 0, End: utf8.RuneCount(text)}}
	}
	// The name and speakers are stored once per document rather than per
	// unit; a unit's id says which speaker is its.
	var info docInfo
	info.name = d.Name
	spk := map[string]int{}
	for _, s := range segs {
		if _, ok := spk[s.Speaker]; !ok && s.Speaker != "" {
			spk[s.Speaker] = len(info.speakers)
			info.speakers = append(info.speakers, s.Speaker)
		}
	}
	b.SetInternal(infoKey(d.ID), info.encode())
	// Values indexed without an analyser are lower-cased here, once per
	// document; analysers lower-case in place, which shared bytes must not
	// see. Stored fields are copied by bleve before analysis.
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
	for _, s := range segs {
		from, to := conv.at(s.Start), conv.at(s.End)
		k := -1
		if s.Speaker != "" {
			k = spk[s.Speaker]
		}
		doc := document.NewDocument(unitID(d.ID, s.Start, s.End, k))
		doc.AddField(document.NewTextFieldCustom(fieldText, nil, text[from:to:to],
			bindex.IndexField|bindex.IncludeTermVectors, ix.indexText))
		doc.AddField(document.NewTextFieldCustom(fieldDoc, nil, id,
			bindex.IndexField|bindex.SkipFreqNorm, nil))
		doc.AddField(document.NewTextFieldCustom(fieldName, nil, name,
			bindex.IndexField|bindex.SkipFreqNorm, nil))
		if len(kind) > 0 {
			doc.AddField(document.NewTextFieldCustom(fieldKind, nil, kind,
				bindex.IndexField|bindex.SkipFreqNorm, nil))
		}
		if s.Speaker != "" {
			doc.AddField(document.NewTextFieldCustom(fieldSpeaker, nil, ix.keywordTerm(s.Speaker),
				bindex.IndexField|bindex.SkipFreqNorm, nil))
		}
		for _, a := range attrs {
			doc.AddField(document.NewTextFieldCustom(a.field, nil, a.value,
				bindex.IndexField|bindex.SkipFreqNorm, nil))
		}
		if err := b.IndexAdvanced(doc); err != nil {
			return err
		}
	}
	return nil
}

// docInfo is what the index keeps about a document besides its units, in
// bleve's internal store under infoKey.
type docInfo struct {
	name     string
	speakers []string // the speakers of its segments, by first turn
}

// infoKey is the key of document doc's docInfo in bleve's internal store.
func infoKey(doc string) []byte { return []byte("doc/" + doc) }

// encode writes i as a sequence of strings, each preceded by its length.
func (i docInfo) encode() []byte {
	var b []byte
	for _, s := range append([]string{i.name}, i.speakers...) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	return b
}

func decodeDocInfo(b []byte) docInfo {
	var ss []string
	for len(b) > 0 {
		n, k := binary.Uvarint(b)
		if k <= 0 || n > uint64(len(b)-k) {
			break
		}
		ss = append(ss, string(b[k:k+int(n)]))
		b = b[k+int(n):]
	}
	if len(ss) == 0 {
		return docInfo{}
	}
	return docInfo{name: ss[0], speakers: ss[1:]}
}

// docInfo returns what the index keeps about document doc.
func (ix *Index) docInfo(doc string) docInfo {
	v, err := ix.bi.GetInternal(infoKey(doc))
	if err != nil {
		return docInfo{}
	}
	return decodeDocInfo(v)
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

// unitID returns the bleve id of the unit [start, end) of document doc
// whose speaker is the doc's speaker number k (-1 for none):
// "DOC/SSSSSS+L" or "DOC/SSSSSS+L+K", with numbers in base 36 and the start
// zero-padded to six digits so that ids sort by document and start.
func unitID(doc string, start, end, k int) string {
	b := make([]byte, 0, len(doc)+14)
	b = append(b, doc...)
	b = append(b, '/')
	s := strconv.FormatInt(int64(start), 36)
	for range 6 - len(s) {
		b = append(b, '0')
	}
	b = append(b, s...)
	b = append(b, '+')
	b = strconv.AppendInt(b, int64(end-start), 36)
	if k >= 0 {
		b = append(b, '+')
		b = strconv.AppendInt(b, int64(k), 36)
	}
	return string(b)
}

// parseUnitID splits a unit id made by unitID.
func parseUnitID(id string) (doc string, start, end, k int, ok bool) {
	i := strings.LastIndexByte(id, '/')
	if i < 0 {
		return "", 0, 0, 0, false
	}
	parts := strings.Split(id[i+1:], "+")
	if len(parts) < 2 || len(parts) > 3 {
		return "", 0, 0, 0, false
	}
	var n [3]int64
	n[2] = -1
	for j, p := range parts {
		v, err := strconv.ParseInt(p, 36, 64)
		if err != nil {
			return "", 0, 0, 0, false
		}
		n[j] = v
	}
	return id[:i], int(n[0]), int(n[0] + n[1]), int(n[2]), true
}

func checkSegments(d *Document) error {
	n := utf8.RuneCountInString(d.Text)
	for i, s := range d.Segments {
		if s.Start < 0 || s.End > n || s.Start > s.End {
			return fmt.Errorf("corpus: index document %s: segment %d [%d,%d) of a text of %d code points: %w",
				d.ID, i, s.Start, s.End, n, ErrSegment)
		}
	}
	return nil
}

// lastByID drops all but the last of documents with the same id, keeping
// the order of the rest.
func lastByID(docs []*Document) []*Document {
	last := make(map[string]int, len(docs))
	for i, d := range docs {
		last[d.ID] = i
	}
	if len(last) == len(docs) {
		return docs
	}
	out := make([]*Document, 0, len(last))
	for i, d := range docs {
		if last[d.ID] == i {
			out = append(out, d)
		}
	}
	return out
}

func docIDs(docs []*Document) []string {
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
