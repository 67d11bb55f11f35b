package project

import (
	"maps"
	"os"
	"sync"
	"time"

	"github.com/qualgraph/qualgraph/corpus"
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
