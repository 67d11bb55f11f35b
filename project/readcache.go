package project

import (
	"maps"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/corpus"
	"github.com/qualgraph/qualgraph/internal/record"
	"github.com/qualgraph/qualgraph/kg"
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
	t = cachedText{text: string(b), size: fi.Size(), mtime: fi.ModTime()}
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
