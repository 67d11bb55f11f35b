package refiqda

import (
	"bytes"
	"sort"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// decodeText decodes the bytes of a plain text entry. A UTF-8 byte order
// mark is dropped; UTF-16 with a byte order mark (or, failing that, with the
// tell-tale zero bytes of ASCII text in UTF-16) is transcoded; every byte
// that is not valid UTF-8 becomes one U+FFFD. It returns the text, the
// encoding found, and a note for the report when something was repaired.
func decodeText(b []byte) (text, encoding, note string) {
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		t, n := validUTF8(b[3:])
		return t, "UTF-8 with BOM", n
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		t, n := decodeUTF16(b[2:], false)
		return t, "UTF-16LE with BOM", n
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		t, n := decodeUTF16(b[2:], true)
		return t, "UTF-16BE with BOM", n
	}
	if len(b) >= 4 && len(b)%2 == 0 && bytes.IndexByte(b, 0) >= 0 {
		if be, ok := looksUTF16(b); ok {
			t, n := decodeUTF16(b, be)
			if n == "" {
				n = "no byte order mark; decoded as UTF-16 by its zero bytes"
			}
			return t, "UTF-16 without BOM", n
		}
	}
	t, n := validUTF8(b)
	return t, "UTF-8", n
}

// looksUTF16 reports whether b, which holds zero bytes, looks like mostly
// Latin text in UTF-16: zero bytes on one side of most code units.
func looksUTF16(b []byte) (bigEndian, ok bool) {
	var evenZero, oddZero int
	for i := 0; i+1 < len(b); i += 2 {
		if b[i] == 0 {
			evenZero++
		}
		if b[i+1] == 0 {
			oddZero++
		}
	}
	units := len(b) / 2
	switch {
	case oddZero*10 >= units*7 && evenZero*10 < units:
		return false, true
	case evenZero*10 >= units*7 && oddZero*10 < units:
		return true, true
	}
	return false, false
}

// validUTF8 returns b as a string with every invalid byte replaced by one
// U+FFFD, so that code point counts stay those of a byte-wise reading.
func validUTF8(b []byte) (string, string) {
	if utf8.Valid(b) {
		return string(b), ""
	}
	var sb strings.Builder
	sb.Grow(len(b) + 16)
	bad := 0
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size == 1 {
			sb.WriteRune(utf8.RuneError)
			bad++
		} else {
			sb.Write(b[:size])
		}
		b = b[size:]
	}
	return sb.String(), plural(bad, "byte") + " of invalid UTF-8 replaced by U+FFFD"
}

// decodeUTF16 decodes UTF-16 code units; unpaired surrogates become U+FFFD.
func decodeUTF16(b []byte, bigEndian bool) (string, string) {
	note := ""
	if len(b)%2 == 1 {
		note = "odd number of bytes in UTF-16 text; last byte dropped"
		b = b[:len(b)-1]
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		if bigEndian {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		} else {
			u[i] = uint16(b[2*i+1])<<8 | uint16(b[2*i])
		}
	}
	return string(utf16.Decode(u)), note
}

// utf16Index converts UTF-16 code unit offsets of a text to code point
// offsets. It stores only the offsets of the code points outside the Basic
// Multilingual Plane, which take two units.
type utf16Index struct {
	astral []int // UTF-16 offset of each astral code point, ascending
	runes  int
}

func newUTF16Index(text string) *utf16Index {
	x := &utf16Index{}
	u := 0
	for _, r := range text {
		x.runes++
		if r >= 0x10000 {
			x.astral = append(x.astral, u)
			u += 2
		} else {
			u++
		}
	}
	return x
}

// len returns the length of the text in UTF-16 code units.
func (x *utf16Index) len() int { return x.runes + len(x.astral) }

// codePoint returns the code point offset of UTF-16 offset u. When u falls
// between the two halves of a surrogate pair it returns the offset of that
// code point and split=true.
func (x *utf16Index) codePoint(u int) (cp int, split bool) {
	k := sort.SearchInts(x.astral, u) // astral code points starting before u
	if k > 0 && x.astral[k-1]+1 == u {
		return u - k, true
	}
	return u - k, false
}

// unit returns the UTF-16 offset of code point offset cp.
func (x *utf16Index) unit(cp int) int {
	// The i-th astral code point sits at code point offset astral[i]-i.
	k := sort.Search(len(x.astral), func(i int) bool { return x.astral[i]-i >= cp })
	return cp + k
}

// offsetMap maps code point offsets of a text onto its normalised form. It
// lists the places where normalisation rewrote the text; offsets between
// them shift by a constant.
type offsetMap struct {
	edits []edit
}

// edit says that code points [srcStart, srcEnd) of the text became code
// points [dstStart, dstEnd) of the normalised text.
type edit struct {
	srcStart, srcEnd, dstStart, dstEnd int
}

// normalize returns text in NFC with every CRLF turned into LF, and the map
// from offsets of text to offsets of the result.
//
// The text is cut into normalisation segments: a segment starts at each
// code point that cannot combine with anything before it. Segments
// normalise independently, so the result is the concatenation of the
// normalised segments, and a segment boundary maps exactly. An offset
// inside a segment that normalisation changed has no exact image; see
// offsetMap.start and offsetMap.end.
func normalize(text string) (string, *offsetMap) {
	m := &offsetMap{}
	var out strings.Builder
	out.Grow(len(text))
	src, dst := 0, 0 // code point offsets
	segStart, segRunes := 0, 0
	flush := func(end int) {
		if end == segStart {
			return
		}
		seg := text[segStart:end]
		if norm.NFC.IsNormalString(seg) {
			out.WriteString(seg)
			src += segRunes
			dst += segRunes
		} else {
			ns := norm.NFC.String(seg)
			n := runeLen(ns)
			m.edits = append(m.edits, edit{src, src + segRunes, dst, dst + n})
			out.WriteString(ns)
			src += segRunes
			dst += n
		}
		segStart, segRunes = end, 0
	}
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			if c == '\r' && i+1 < len(text) && text[i+1] == '\n' {
				flush(i)
				m.edits = append(m.edits, edit{src, src + 2, dst, dst + 1})
				out.WriteByte('\n')
				src += 2
				dst++
				i += 2
				segStart = i
				continue
			}
			// An ASCII character starts a segment unless what follows
			// may combine with it, which only a non-ASCII code point can.
			flush(i)
			if i+1 == len(text) || text[i+1] < utf8.RuneSelf {
				out.WriteByte(c)
				src++
				dst++
				i++
				segStart = i
				continue
			}
			segRunes = 1
			i++
			continue
		}
		_, size := utf8.DecodeRuneInString(text[i:])
		if i > segStart && norm.NFC.PropertiesString(text[i:]).BoundaryBefore() {
			flush(i)
		}
		segRunes++
		i += size
	}
	flush(len(text))
	return out.String(), m
}

// find returns the index of the first edit ending after p.
func (m *offsetMap) find(p int) int {
	return sort.Search(len(m.edits), func(i int) bool { return m.edits[i].srcEnd > p })
}

// shift maps p, which lies outside every edit or on its start, given the
// index k of the first edit ending after p.
func (m *offsetMap) shift(p, k int) int {
	if k == 0 {
		return p
	}
	e := m.edits[k-1]
	return p - e.srcEnd + e.dstEnd
}

// start maps an offset used as the start of a range. An offset inside a
// rewritten segment moves back to the segment's start.
func (m *offsetMap) start(p int) int {
	k := m.find(p)
	if k < len(m.edits) && m.edits[k].srcStart < p {
		return m.edits[k].dstStart
	}
	return m.shift(p, k)
}

// end maps an offset used as the end of a range. An offset inside a
// rewritten segment moves forward to the segment's end.
func (m *offsetMap) end(p int) int {
	k := m.find(p)
	if k < len(m.edits) && m.edits[k].srcStart < p {
		return m.edits[k].dstEnd
	}
	return m.shift(p, k)
}
