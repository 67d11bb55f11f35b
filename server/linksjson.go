package server

import (
	"sync"

	"github.com/qualgraph/qualgraph/coding"
)

// linksJSON is the answer of GET /api/links: the links as encoding/json
// writes them, byte for byte (HTML escaping on, as writeJSON's encoder
// has it), written without reflection by coding.AppendLinksJSON. On a
// large project the links carry tens of thousands of evidence quotes, and
// encoding/json spent more processor time on them than finding the links
// did.
type linksJSON []coding.Link

// lastLinks is the JSON of the links last encoded. The service hands out
// the same links while the project does not change (service.Links), and
// the workbench asks for them again and again: the encoding is kept for
// the slice it was made of, which no one changes, and which it keeps
// from being freed, so that no other slice can start where it did.
var lastLinks struct {
	mu    sync.Mutex
	first *coding.Link
	n     int
	body  []byte
}

// appendJSON appends ls as json.Marshal encodes []coding.Link.
func (ls linksJSON) appendJSON(b []byte) []byte {
	if len(ls) == 0 {
		return ls.encode(b)
	}
	lastLinks.mu.Lock()
	body := lastLinks.body
	if lastLinks.first != &ls[0] || lastLinks.n != len(ls) {
		body = nil
	}
	lastLinks.mu.Unlock()
	if body == nil {
		body = ls.encode(nil)
		lastLinks.mu.Lock()
		lastLinks.first, lastLinks.n, lastLinks.body = &ls[0], len(ls), body
		lastLinks.mu.Unlock()
	}
	if b == nil {
		// The kept body itself, megabytes at full size: capped, so that
		// an append copies it rather than writing into it.
		return body[:len(body):len(body)]
	}
	return append(b, body...)
}

// encode appends ls as json.Marshal encodes []coding.Link.
func (ls linksJSON) encode(b []byte) []byte {
	return coding.AppendLinksJSON(b, ls, true)
}
