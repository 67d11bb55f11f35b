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

	// Left context, read backwards.
	var l []rune
	space := false
	for i := from; i > 0 && len(l) < width; {
		r, sz := utf8.DecodeLastRuneInString(text[:i])
		i -= sz
		if unicode.IsSpace(r) {
			if !space {
				l = append(l, ' ')
			}
			space = true
			continue
		}
		space = false
		l = append(l, r)
	}
	for i, j := 0, len(l)-1; i < j; i, j = i+1, j-1 {
		l[i], l[j] = l[j], l[i]
	}

	var r strings.Builder
	space = false
	n := 0
	for _, c := range text[to:] {
		if n >= width {
			break
		}
		if unicode.IsSpace(c) {
			if !space {
				r.WriteByte(' ')
				n++
			}
			space = true
			continue
		}
		space = false
		r.WriteRune(c)
		n++
	}
	return string(l), collapseSpace(text[from:to]), r.String()
}

// collapseSpace replaces each run of white space in s by one space.
func collapseSpace(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return unicode.IsSpace(r) && r != ' ' }) && !strings.Contains(s, "  ") {
		return s
	}
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
	k, n := 0, 0
	for i := range text {
		for k < len(cps) && cps[k] <= n {
			out[k] = i
			k++
		}
		if k == len(cps) {
			return out
		}
		n++
	}
	for ; k < len(cps); k++ {
		out[k] = len(text)
	}
	return out
}
