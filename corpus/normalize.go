package corpus

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// OffsetMap converts code-point offsets in a raw text to code-point offsets
// in its normalised form, as returned by NormalizeMap. An offset is a
// boundary between characters: 0 is before the first, len is after the
// last.
//
// The zero OffsetMap maps every offset to itself.
type OffsetMap struct {
	stages  [2][]offsetRun // line ends and controls; then NFC
	rawLen  int
	textLen int
	valid   bool
}

// offsetRun starts a stretch of raw offsets [raw, next run's raw). In an
// identity run raw+k maps to out+k; in a collapsed run every offset maps to
// out.
type offsetRun struct {
	raw, out int
	collapse bool
}

// Map returns the offset in the normalised text that corresponds to
// rawOffset. It is monotone (non-decreasing), maps 0 to 0 and the raw
// length to the text length. An offset at which a character was removed
// maps to the position where it was removed; an offset strictly inside a
// sequence that was merged (the CR of a CRLF, a base letter followed by a
// combining mark) maps to the start of the merged result. Offsets outside
// [0, raw length] are clamped into it.
func (m OffsetMap) Map(rawOffset int) int {
	if !m.valid {
		return rawOffset
	}
	x := min(max(rawOffset, 0), m.rawLen)
	for _, runs := range m.stages {
		x = mapRuns(runs, x)
	}
	return x
}

// Len returns the lengths in code points of the raw and normalised texts.
func (m OffsetMap) Len() (raw, text int) { return m.rawLen, m.textLen }

func mapRuns(runs []offsetRun, x int) int {
	if len(runs) == 0 {
		return x
	}
	i := sort.Search(len(runs), func(i int) bool { return runs[i].raw > x }) - 1
	if i < 0 {
		return x
	}
	r := runs[i]
	if r.collapse {
		return r.out
	}
	return r.out + (x - r.raw)
}

// runBuilder records an offset map stage as a list of runs. After every
// call the map continues as identity from the current position.
type runBuilder struct {
	runs []offsetRun
}

func (b *runBuilder) add(raw, out int, collapse bool) {
	if n := len(b.runs); n > 0 {
		last := &b.runs[n-1]
		if last.raw == raw {
			*last = offsetRun{raw, out, collapse}
			return
		}
		if !collapse && !last.collapse && out-last.out == raw-last.raw {
			return
		}
	}
	b.runs = append(b.runs, offsetRun{raw, out, collapse})
}

// replace records that nRaw characters at raw offset raw became nOut
// characters at out offset out.
func (b *runBuilder) replace(raw, out, nRaw, nOut int) {
	if nRaw == 1 && nOut == 1 {
		return
	}
	b.add(raw, out, true)
	b.add(raw+nRaw, out+nOut, false)
}

// NormalizeMap normalises raw text as Parse stores it, and reports what it
// changed and how offsets move. raw should have had its byte-order mark
// removed by the decoder; a leading U+FEFF is removed all the same.
//
// The steps, in order: remove a leading U+FEFF; turn CRLF and lone CR into
// LF; drop C0 control characters other than LF and tab; replace bytes that
// are not valid UTF-8 (each counted as one code point of raw) with U+FFFD;
// convert to Unicode Normalization Form C. changes holds one human-readable
// line per kind of change made, such as "CRLF→LF: 31 line ends"; it is nil
// when text == raw. m maps code-point offsets in raw to code-point offsets
// in text.
func NormalizeMap(raw string) (text string, changes []string, m OffsetMap) {
	s1, runs1, st := normLines(raw)
	text, runs2, nNFC, delta := normNFC(s1)
	if st.bom {
		changes = append(changes, "BOM removed")
	}
	if st.crlf > 0 {
		changes = append(changes, "CRLF→LF: "+plural(st.crlf, "line end"))
	}
	if st.cr > 0 {
		changes = append(changes, "CR→LF: "+plural(st.cr, "line end"))
	}
	if st.ctl > 0 {
		changes = append(changes, "control characters removed: "+plural(st.ctl, "character"))
	}
	if st.bad > 0 {
		changes = append(changes, "invalid UTF-8 replaced by U+FFFD: "+plural(st.bad, "byte"))
	}
	if nNFC > 0 {
		changes = append(changes, "NFC: "+plural(nNFC, "character")+" recomposed")
	}
	m = OffsetMap{
		stages:  [2][]offsetRun{runs1, runs2},
		rawLen:  st.rawLen,
		textLen: st.outLen + delta,
		valid:   true,
	}
	return text, changes, m
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

type lineStats struct {
	bom                bool
	crlf, cr, ctl, bad int
	rawLen, outLen     int // code points in raw and in the output
}

// normLines is the first normalisation stage: BOM, line ends, controls and
// invalid UTF-8. It returns raw itself, and no runs, when nothing changes.
func normLines(raw string) (string, []offsetRun, lineStats) {
	var (
		st     lineStats
		b      runBuilder
		sb     strings.Builder
		copied int // raw[:copied] has been written to sb
		rp, op int // code-point offsets in raw and output
		i      int
	)
	b.add(0, 0, false)
	flush := func(upTo int) {
		if sb.Cap() == 0 {
			sb.Grow(len(raw))
		}
		sb.WriteString(raw[copied:upTo])
	}
	if strings.HasPrefix(raw, "\uFEFF") {
		st.bom = true
		flush(0)
		copied, i = len("\uFEFF"), len("\uFEFF")
		b.replace(0, 0, 1, 0)
		rp = 1
	}
	valid := utf8.ValidString(raw[i:])
	counted := i // code points of raw[:counted] are in rp
	for i < len(raw) {
		c := raw[i]
		if valid {
			// Fast path: only control bytes other than LF and tab need
			// attention; code points are counted in bulk when one is found.
			if c >= 0x20 || c == '\n' || c == '\t' {
				if i = nextControl(raw, i); i == len(raw) {
					break
				}
				c = raw[i]
			}
			k := runeCount(raw[counted:i])
			rp += k
			op += k
		} else {
			if c >= 0x20 && c < utf8.RuneSelf || c == '\n' || c == '\t' {
				i++
				rp++
				op++
				continue
			}
			if c >= utf8.RuneSelf {
				r, size := utf8.DecodeRuneInString(raw[i:])
				if r == utf8.RuneError && size == 1 {
					flush(i)
					sb.WriteString("\uFFFD")
					copied = i + 1
					st.bad++
				}
				i += size
				rp++
				op++
				continue
			}
		}
		flush(i)
		switch {
		case c == '\r' && i+1 < len(raw) && raw[i+1] == '\n':
			sb.WriteByte('\n')
			b.replace(rp, op, 2, 1)
			st.crlf++
			i += 2
			rp += 2
			op++
		case c == '\r':
			sb.WriteByte('\n')
			st.cr++
			i++
			rp++
			op++
		default:
			b.replace(rp, op, 1, 0)
			st.ctl++
			i++
			rp++
		}
		copied, counted = i, i
	}
	if valid {
		k := runeCount(raw[counted:])
		rp += k
		op += k
	}
	st.rawLen, st.outLen = rp, op
	if sb.Cap() == 0 {
		return raw, nil, st
	}
	flush(len(raw))
	return sb.String(), b.runs, st
}

// nextControl returns the index of the first byte at or after i that is a
// C0 control other than LF and tab, or len(s). It tests eight bytes at a
// time for any byte below 0x20.
func nextControl(s string, i int) int {
	for ; i+8 <= len(s); i += 8 {
		x := load64(s, i)
		if (x-0x2020202020202020)&^x&0x8080808080808080 == 0 {
			continue
		}
		for k := i; k < i+8; k++ {
			if c := s[k]; c < 0x20 && c != '\n' && c != '\t' {
				return k
			}
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\n' && c != '\t' {
			return i
		}
	}
	return len(s)
}

// normNFC is the second stage: Unicode NFC, recorded segment by segment
// so that the offset map is exact. It returns s itself, and no runs, when s
// is already NFC.
func normNFC(s string) (text string, runs []offsetRun, changed, delta int) {
	q := quickSpanNFC(s)
	if q == len(s) {
		return s, nil, 0, 0
	}
	var (
		b      runBuilder
		sb     strings.Builder
		rp, op int
	)
	b.add(0, 0, false)
	sb.Grow(len(s) + 16)
	for p := 0; p < len(s); {
		if q := quickSpanNFC(s[p:]); q > 0 {
			k := utf8.RuneCountInString(s[p : p+q])
			sb.WriteString(s[p : p+q])
			rp += k
			op += k
			p += q
			if p == len(s) {
				break
			}
		}
		// The next segment, extended over boundaries that the stream-safe
		// limit of 30 non-starters forced, so that norm inserts U+034F
		// there as it does for the whole text.
		n := 0
		for p+n < len(s) {
			k := norm.NFC.NextBoundaryInString(s[p+n:], true)
			if k <= 0 {
				k = len(s) - p - n
			}
			n += k
			if p+n == len(s) || norm.NFC.PropertiesString(s[p+n:]).BoundaryBefore() {
				break
			}
		}
		seg := s[p : p+n]
		ns := norm.NFC.String(seg)
		kr, ko := utf8.RuneCountInString(seg), utf8.RuneCountInString(ns)
		if ns != seg {
			b.replace(rp, op, kr, ko)
			changed++
		}
		sb.WriteString(ns)
		rp += kr
		op += ko
		p += n
	}
	if changed == 0 {
		return s, nil, 0, 0
	}
	return sb.String(), b.runs, changed, op - rp
}

// quickSpanNFC returns a boundary n such that s[:n] is in NFC, like
// norm.NFC.QuickSpanString, skipping cheaply over the characters most
// common in our texts (see nfcSafePrefix).
func quickSpanNFC(s string) int {
	q := nfcSafePrefix(s)
	if q == len(s) {
		return q
	}
	return q + norm.NFC.QuickSpanString(s[q:])
}

// nfcSafePrefix returns the length of a prefix of s made of characters
// that are NFC, have canonical combining class 0 and never combine with
// the character before them: ASCII, CJK unified ideographs U+4E00–U+9FFF,
// CJK punctuation U+3000–U+3029, full-width forms U+FF01–U+FF5E and
// general punctuation U+2010–U+2027. The prefix stops before the last of
// these characters preceding any other character, since that one might
// combine with what follows. TestNFCSafeSet checks the ranges.
func nfcSafePrefix(s string) int {
	last, i := 0, 0
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			last = i
			i++
			continue
		}
		if i+2 >= len(s) || !nfcSafe3(c, s[i+1], s[i+2]) {
			return last
		}
		last = i
		i += 3
	}
	return len(s)
}

// nfcSafe3 reports whether the 3-byte UTF-8 sequence c0 c1 c2 (assumed
// valid) encodes a character of the safe set of nfcSafePrefix.
func nfcSafe3(c0, c1, c2 byte) bool {
	switch {
	case c0 == 0xE4:
		return c1 >= 0xB8 // U+4E00–U+4FFF
	case c0 >= 0xE5 && c0 <= 0xE9: // U+5000–U+9FFF
		return true
	case c0 == 0xE3:
		return c1 == 0x80 && c2 <= 0xA9 // U+3000–U+3029
	case c0 == 0xEF:
		return c1 == 0xBC && c2 >= 0x81 || c1 == 0xBD && c2 <= 0x9E // U+FF01–U+FF5E
	case c0 == 0xE2:
		return c1 == 0x80 && c2 >= 0x90 && c2 <= 0xA7 // U+2010–U+2027
	}
	return false
}
