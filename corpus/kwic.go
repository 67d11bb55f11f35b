package corpus

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// KWIC returns a keyword-in-context view of the code-point range
// [start, end) of text: the hit and up to width code points of context on
// each side. Runs of white space (newlines included) become one space, in
// the context and in the hit, so that the result fits on one line; width
// counts code points after that. Out-of-range offsets are clamped to the
// text. KWIC reads text up to the end of the right context only.
func KWIC(text string, start, end, width int) (left, hit, right string) {
	width = max(width, 0)
	start = max(start, 0)
	end = max(end, start)

	// Find the byte offsets of start and end.
	from, to := len(text), len(text)
	n := 0
	for i := range text {
		if n == start {
			from = i
		}
		if n == end {
			to = i
			break
		}
		n++
	}
	return KWICBytes(text, from, to, width)
}

// KWICBytes is KWIC with the range given as byte offsets of text, which
// must lie on code-point boundaries (ByteOffsets gives them for many
// ranges in one pass), with from <= to; out-of-range offsets are clamped.
// It reads text only around the range: the caller pays the conversion
// from code points once per text, not once per hit.
func KWICBytes(text string, from, to, width int) (left, hit, right string) {
	width = max(width, 0)
	to = min(max(to, 0), len(text))
	from = min(max(from, 0), to)

	// The contexts are the text back from the hit and on from it until
	// width code points, counting a run of white space as one; each is
	// then a slice of text with its runs collapsed (which costs nothing
	// where there are none).
	i, n, space := from, 0, false
	for i > 0 && n < width {
		r, sz := utf8.DecodeLastRuneInString(text[:i])
		i -= sz
		if !space || !unicode.IsSpace(r) {
			n++
		}
		space = unicode.IsSpace(r)
	}
	j := to
	n, space = 0, false
	for j < len(text) && n < width {
		r, sz := utf8.DecodeRuneInString(text[j:])
		j += sz
		if !space || !unicode.IsSpace(r) {
			n++
		}
		space = unicode.IsSpace(r)
	}
	return collapseContext(text[i:from]), collapseSpace(text[from:to]), collapseContext(text[to:j])
}

// collapseSpace replaces each run of white space in s by one space.
func collapseSpace(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return unicode.IsSpace(r) && r != ' ' }) && !strings.Contains(s, "  ") {
		return s
	}
	return collapseRuns(s)
}

// collapseContext is collapseSpace for a context, whose invalid UTF-8
// becomes U+FFFD, as each rune of the context is read.
func collapseContext(s string) string {
	if !utf8.ValidString(s) {
		return collapseRuns(s)
	}
	return collapseSpace(s)
}

// collapseRuns replaces each run of white space in s by one space, and
// invalid UTF-8 by U+FFFD.
func collapseRuns(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// ByteOffsets returns the byte offset in text of each code-point offset
// of cps, which must be in ascending order, in one pass over text; an
// offset past the end gives len(text).
func ByteOffsets(text string, cps []int) []int {
	out := make([]int, len(cps))
	k, n, i := 0, 0, 0
	for i < len(text) {
		for k < len(cps) && cps[k] <= n {
			out[k] = i
			k++
		}
		if k == len(cps) {
			return out
		}
		// Eight ASCII bytes at once, while the next offset lies beyond
		// them.
		if cps[k]-n >= 8 && i+8 <= len(text) && ascii8(text[i:i+8]) {
			i += 8
			n += 8
			continue
		}
		if text[i] < utf8.RuneSelf {
			i++
		} else {
			_, sz := utf8.DecodeRuneInString(text[i:])
			i += sz
		}
		n++
	}
	for ; k < len(cps); k++ {
		out[k] = len(text)
	}
	return out
}

// ascii8 reports whether the eight bytes of s are ASCII.
func ascii8(s string) bool {
	return (s[0]|s[1]|s[2]|s[3]|s[4]|s[5]|s[6]|s[7])&0x80 == 0
}
