package server

import "github.com/qualgraph/qualgraph/coding"

// linksJSON is the answer of GET /api/links: the links as encoding/json
// writes them, byte for byte (HTML escaping on, as writeJSON's encoder
// has it), written without reflection by coding.AppendLinksJSON. On a
// large project the links carry tens of thousands of evidence quotes, and
// encoding/json spent more processor time on them than finding the links
// did.
type linksJSON []coding.Link

// appendJSON appends ls as json.Marshal encodes []coding.Link.
func (ls linksJSON) appendJSON(b []byte) []byte {
	return coding.AppendLinksJSON(b, ls, true)
}
