package project

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"sync"
	"time"
	"unsafe"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/corpus"
	"github.com/qualgraph/qualgraph/internal/record"
	"github.com/qualgraph/qualgraph/kg"
	"github.com/qualgraph/qualgraph/ontology"
)

// readCache keeps what a long-running process (the workbench server)
// would otherwise read from disk on every request: the documents of the
// projection, kept until the projection's document log changes, and the
// texts of recently read documents, kept while their files are unchanged.
// It is safe for concurrent use.
type readCache struct {
	mu      sync.Mutex
	docs    []*corpus.Document // shared: handed out as copies
	docsKey docsKey
	texts   map[string]cachedText
	bytes   int // of texts
	// textsKey is the projection's documents that texts were last
	// checked against (Texts).
	textsKey docsKey
	// count is the number of documents of the projection at countKey
	// (when countKey is not zero).
	count    int
	countKey docsKey
	// cb is the codebook last built, for cbKey.
	cb    *coding.Codebook
	cbKey codebookKey
	// views are the views of some parts of the projection that ViewOf
	// loaded, by the parts.
	views map[kg.Part]partsView
	// quotes are the projection's quotes of evidence spans, with the
	// length and modification time of quotes.log they were read at.
	quotes    map[coding.Span]string
	quotesKey quotesKey
}

// partsView is a view of some parts of the projection, with the
// projection's position and the record's head when it was loaded: while
// both stay, the projection and the record's tail replayed on it are the
// same.
type partsView struct {
	v         *coding.View
	proj, rec record.Position
}

// quotesKey says which quotes.log the quotes were read from.
type quotesKey struct {
	size  int64
	mtime time.Time
}

// docsKey says which documents of the projection docs holds: those of the
// last entry that changed documents, with the document log that long.
type docsKey struct {
	lastDocs uint64
	size     int64
}

// cachedText is a document's text and the file it was read from.
type cachedText struct {
	text  string
	size  int64
	mtime time.Time
	// checked says the text was read or checked since the projection's
	// documents were last seen to change (readCache.textsKey).
	checked bool
}

// maxCachedText bounds the texts kept; beyond it, texts are dropped in no
// particular order.
const maxCachedText = 64 << 20

// documents returns the documents of the projection in graphDir as
// kg.LoadDocuments does, reading them only when the projection's
// documents changed since the last call. The result is shared: callers
// must not change it.
func (c *readCache) documents(graphDir string) ([]*corpus.Document, error) {
	pos, ok, err := kg.ReadPosition(graphDir)
	if err != nil {
		return nil, err
	}
	key := docsKey{pos.LastDocs, pos.DocsSize()}
	if ok {
		c.mu.Lock()
		docs, at := c.docs, c.docsKey
		c.mu.Unlock()
		if docs != nil && at == key {
			return docs, nil
		}
	}
	docs, err := kg.LoadDocuments(graphDir)
	if err != nil || !ok {
		return docs, err
	}
	// Read after the position: at least as new as key, so that a change
	// meanwhile only makes the next call read again.
	c.mu.Lock()
	c.docs, c.docsKey = docs, key
	c.mu.Unlock()
	return docs, nil
}

// cachedDocuments returns the documents that documents would return if
// they are in memory and still current (ok), without reading them
// otherwise.
func (c *readCache) cachedDocuments(graphDir string) (docs []*corpus.Document, ok bool, err error) {
	pos, ok, err := kg.ReadPosition(graphDir)
	if err != nil || !ok {
		return nil, false, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.docs == nil || c.docsKey != (docsKey{pos.LastDocs, pos.DocsSize()}) {
		return nil, false, nil
	}
	return c.docs, true, nil
}

// documentCount returns the number of documents of the projection at
// position pos (len of DocNames), counted again only when the
// projection's documents changed since the last call: every search shows
// it, and counting reads every document's name.
func (p *Project) documentCount(ctx context.Context, pos kg.Position) (int, error) {
	key := docsKey{pos.LastDocs, pos.DocsSize()}
	c := &p.reads
	c.mu.Lock()
	n, at := c.count, c.countKey
	c.mu.Unlock()
	if at == key && key != (docsKey{}) {
		return n, nil
	}
	names, err := p.DocNames(ctx)
	if err != nil {
		return 0, err
	}
	// pos was read before the names: a change meanwhile only makes the
	// next call count again.
	c.mu.Lock()
	c.count, c.countKey = len(names), key
	c.mu.Unlock()
	return len(names), nil
}

// codebookKey says what a codebook was built from: the ontology (as
// Project.Ontology keeps it while its file is unchanged) and either the
// cached view whose codes it took or the codes' log of the projection.
type codebookKey struct {
	ont       *ontology.Ontology
	view      *coding.View
	codesSize int64
	codesMod  time.Time
}

// codesKey returns the key of a codebook of ontology o and the codes of
// the projection as they are now; keep is false if there is no
// projection to key it by.
func (p *Project) codesKey(o *ontology.Ontology) (key codebookKey, keep bool, err error) {
	graphDir := filepath.Join(p.Dir, GraphDir)
	pos, ok, err := kg.ReadPosition(graphDir)
	if err != nil || !ok {
		return key, false, err
	}
	// The log's time as well as the projection's length of it: a
	// rebuilt projection writes it afresh.
	fi, err := os.Stat(filepath.Join(graphDir, "codes.log"))
	if err != nil {
		return key, false, nil // none: loadCodebook says why
	}
	return codebookKey{ont: o, codesSize: pos.Sizes["codes.log"], codesMod: fi.ModTime()}, true, nil
}

// codebook returns the codebook kept for key, or the one build returns,
// kept for key (read before it was built: a change meanwhile only makes
// the next call build again). The codebook is shared: callers must not
// change it.
func (c *readCache) codebook(key codebookKey, build func() (*coding.Codebook, error)) (*coding.Codebook, error) {
	c.mu.Lock()
	cb, at := c.cb, c.cbKey
	c.mu.Unlock()
	if cb != nil && at == key {
		return cb, nil
	}
	cb, err := build()
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.cb, c.cbKey = cb, key
	c.mu.Unlock()
	return cb, nil
}

// view returns the view of parts that keepView kept at these positions,
// or nil.
func (c *readCache) view(parts kg.Part, proj, rec record.Position) *coding.View {
	c.mu.Lock()
	defer c.mu.Unlock()
	if pv, ok := c.views[parts]; ok && pv.proj == proj && pv.rec == rec {
		return pv.v
	}
	return nil
}

// keepView keeps v, the view of parts loaded at these positions (read
// before the load: a write meanwhile makes the next call load again).
func (c *readCache) keepView(parts kg.Part, proj, rec record.Position, v *coding.View) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.views == nil {
		c.views = map[kg.Part]partsView{}
	}
	c.views[parts] = partsView{v, proj, rec}
}

// evidenceQuotes returns the quotes of evidence spans that the projection
// in graphDir keeps (kg.LoadQuotes), read again only when quotes.log grew
// or was written afresh. The map is shared: callers must not change it.
func (c *readCache) evidenceQuotes(graphDir string) (map[coding.Span]string, error) {
	pos, ok, err := kg.ReadPosition(graphDir)
	if err != nil {
		return nil, err
	}
	fi, err := os.Stat(filepath.Join(graphDir, "quotes.log"))
	if err != nil || !ok {
		return kg.LoadQuotes(graphDir) // none, or an old projection: as it is
	}
	key := quotesKey{pos.Sizes["quotes.log"], fi.ModTime()}
	c.mu.Lock()
	quotes, at := c.quotes, c.quotesKey
	c.mu.Unlock()
	if quotes != nil && at == key {
		return quotes, nil
	}
	quotes, err = kg.LoadQuotes(graphDir)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.quotes, c.quotesKey = quotes, key
	c.mu.Unlock()
	return quotes, nil
}

// Texts returns the texts of the documents with these ids, as Text
// does, by id. Sources are written once, at import: a text kept in
// memory stays true while the projection's documents are those it was
// kept under, so that, unlike Text, Texts does not look at each file
// again, only at the projection's position once (a search shows hits in
// a hundred documents). When the documents changed (an import, or one
// undone), the texts kept are read again.
func (p *Project) Texts(ids []string) (map[string]string, error) {
	pos, ok, err := kg.ReadPosition(filepath.Join(p.Dir, GraphDir))
	if err != nil {
		return nil, err
	}
	key := docsKey{pos.LastDocs, pos.DocsSize()}
	c := &p.reads
	out := make(map[string]string, len(ids))
	c.mu.Lock()
	if ok && key != (docsKey{}) {
		if c.textsKey != key {
			// Documents changed: what was kept is checked again (Text
			// compares each file) and then kept under key.
			for name, t := range c.texts {
				t.checked = false
				c.texts[name] = t
			}
			c.textsKey = key
		}
		for _, id := range ids {
			if t, hit := c.texts[p.textPath(id)]; hit && t.checked {
				out[id] = t.text
			}
		}
	}
	c.mu.Unlock()
	for _, id := range ids {
		if _, hit := out[id]; hit {
			continue
		}
		text, err := p.Text(id)
		if err != nil {
			return nil, err
		}
		out[id] = text
	}
	if ok && key != (docsKey{}) {
		c.mu.Lock()
		if c.textsKey == key {
			for _, id := range ids {
				// Read, or found unchanged, after key was read.
				if t, hit := c.texts[p.textPath(id)]; hit {
					t.checked = true
					c.texts[p.textPath(id)] = t
				}
			}
		}
		c.mu.Unlock()
	}
	return out, nil
}

// copyDoc returns a copy of d that its caller may change.
func copyDoc(d *corpus.Document) *corpus.Document {
	c := *d
	c.Attrs = maps.Clone(d.Attrs)
	return &c
}

// text returns the content of file name, read again only if its size or
// modification time changed.
func (c *readCache) text(name string) (string, error) {
	fi, err := os.Stat(name)
	if err != nil {
		return "", err
	}
	c.mu.Lock()
	t, ok := c.texts[name]
	c.mu.Unlock()
	if ok && t.size == fi.Size() && t.mtime.Equal(fi.ModTime()) {
		return t.text, nil
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return "", err
	}
	// The bytes are the string's: nothing else holds them, and copying
	// them was a tenth of a search's work in a fresh process.
	t = cachedText{text: unsafe.String(unsafe.SliceData(b), len(b)), size: fi.Size(), mtime: fi.ModTime()}
	if int64(len(b)) != t.size {
		return t.text, nil // changed while read: not kept
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.texts == nil {
		c.texts = map[string]cachedText{}
	}
	if old, ok := c.texts[name]; ok {
		c.bytes -= len(old.text)
	}
	for k, old := range c.texts {
		if c.bytes+len(t.text) <= maxCachedText {
			break
		}
		delete(c.texts, k)
		c.bytes -= len(old.text)
	}
	c.texts[name] = t
	c.bytes += len(t.text)
	return t.text, nil
}
