package server

import (
	"slices"
	"strconv"
	"sync"
	"unicode/utf8"

	"github.com/qualgraph/qualgraph/coding"
)

// linksJSON is the answer of GET /api/links: the links as encoding/json
// writes them, byte for byte, written without reflection. On a large
// project the links carry tens of thousands of evidence quotes, and
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
	if ls == nil {
		return append(b, "null"...)
	}
	// One allocation: the strings, and room for the rest.
	n := 2
	for i := range ls {
		l := &ls[i]
		n += 160 + len(l.Subject) + len(l.SubjectType) + len(l.Relation) + len(l.Object) + len(l.ObjectType)
		for _, p := range l.Practices {
			n += 3 + len(p)
		}
		for k := range l.Evidence {
			e := &l.Evidence[k]
			n += 80 + len(e.Assertion) + len(e.Doc) + len(e.Text)
		}
	}
	b = slices.Grow(b, n+n/16)
	b = append(b, '[')
	for i := range ls {
		if i > 0 {
			b = append(b, ',')
		}
		l := &ls[i]
		b = append(b, `{"subject":`...)
		b = appendJSONString(b, l.Subject)
		b = append(b, `,"subject_type":`...)
		b = appendJSONString(b, l.SubjectType)
		b = append(b, `,"relation":`...)
		b = appendJSONString(b, l.Relation)
		b = append(b, `,"object":`...)
		b = appendJSONString(b, l.Object)
		b = append(b, `,"object_type":`...)
		b = appendJSONString(b, l.ObjectType)
		b = append(b, `,"assertions":`...)
		b = strconv.AppendInt(b, int64(l.Assertions), 10)
		b = append(b, `,"documents":`...)
		b = strconv.AppendInt(b, int64(l.Documents), 10)
		b = append(b, `,"coders":`...)
		b = strconv.AppendInt(b, int64(l.Coders), 10)
		b = append(b, `,"practices":`...)
		if l.Practices == nil {
			b = append(b, "null"...)
		} else {
			b = append(b, '[')
			for k, p := range l.Practices {
				if k > 0 {
					b = append(b, ',')
				}
				b = appendJSONString(b, p)
			}
			b = append(b, ']')
		}
		b = append(b, `,"evidence":`...)
		if l.Evidence == nil {
			b = append(b, "null"...)
		} else {
			b = append(b, '[')
			for k := range l.Evidence {
				e := &l.Evidence[k]
				if k > 0 {
					b = append(b, ',')
				}
				b = append(b, `{"assertion":`...)
				b = appendJSONString(b, e.Assertion)
				b = append(b, `,"doc":`...)
				b = appendJSONString(b, e.Doc)
				b = append(b, `,"start":`...)
				b = strconv.AppendInt(b, int64(e.Start), 10)
				b = append(b, `,"end":`...)
				b = strconv.AppendInt(b, int64(e.End), 10)
				b = append(b, `,"text":`...)
				b = appendJSONString(b, e.Text)
				b = append(b, '}')
			}
			b = append(b, ']')
		}
		b = append(b, '}')
	}
	return append(b, ']')
}

// appendJSONString appends s quoted as encoding/json quotes strings: with
// <, > and & escaped for HTML, control characters escaped, invalid UTF-8
// as U+FFFD, and U+2028 and U+2029 escaped.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if jsonSafe[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// jsonSafe says which ASCII bytes a JSON string holds as they are.
var jsonSafe = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()
