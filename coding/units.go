package coding

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Units of text for auto-coding.
//
// A segment of a document is a speaker turn or a paragraph (see package
// corpus). Auto-coding codes one of three units around a search hit: the
// hit itself, the sentence that holds it, or the segment's body. These
// helpers find sentences and bodies in the text of one segment; they never
// look outside it, so a unit never crosses a segment boundary.
//
// Body. A speaker turn's text starts with its label ("Chen: ", "受访者林：",
// "[Moderator] ", "【林】", "**Zhou Li:** ", after optional indentation).
// The body of a turn is its text after the label and the white space that
// follows it; the body of a segment without a speaker is the whole
// segment. LabelLen measures the label.
//
// Sentences. Within a body, a sentence ends
//
//   - after a run of '.', '!' or '?' (such as "?!" or "...") and any closing
//     quotes or brackets after it (" ' ” ’ ) ] } » 」 』 ）), when white
//     space or the end of the segment follows; a single '.' that closes an
//     abbreviation does not end a sentence: a title (Mr. Mrs. Ms. Dr.
//     Prof. St. Jr. Sr. vs. cf. Fig. approx. Dept. Mt. Rev. Gen. Hon.), an
//     initial (one capital letter: "J. Smith", "U.S.") or a dotted short
//     form ("e.g.", "i.e.", "a.m.", "Ph.D.");
//   - after a run of '。', '！' or '？' (with any '.', '!', '?' or '…' in the
//     run) and any closing quotes or brackets after it, whatever follows
//     (Chinese puts no space between sentences); a straight double quote
//     counts as closing only when the sentence holds an odd number of them;
//   - at a paragraph break: a line end followed by a blank line.
//
// Each sentence is trimmed of white space at both ends, and sentences left
// empty are dropped. So a sentence is at most a segment's body, and the
// first sentence of a turn starts after its label. Text that merely looks
// like an abbreviation may keep two sentences together ("Plan B. Then"),
// and a sentence that ends in an ellipsis ends there ("a bit like...").

// Range is a half-open range [Start, End) of code points.
type Range struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// Len returns the number of code points in r.
func (r Range) Len() int { return r.End - r.Start }

// LabelLen returns the length in code points of the speaker label at the
// start of seg (the text of one segment) together with the white space
// after it, or 0 if seg does not start with a label naming speaker. Names
// are compared ignoring case and runs of white space.
func LabelLen(seg, speaker string) int {
	speaker = strings.TrimSpace(speaker)
	if speaker == "" {
		return 0
	}
	s := strings.TrimLeft(seg, " \t\u3000")
	mark := ""
	if strings.HasPrefix(s, "**") || strings.HasPrefix(s, "__") {
		mark, s = s[:2], s[2:]
	}
	line := s
	if i := strings.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	var name, rest string
	switch {
	case strings.HasPrefix(line, "["), strings.HasPrefix(line, "【"):
		closer, open := "]", 1
		if line[0] != '[' {
			closer, open = "】", len("【")
		}
		k := strings.Index(line[open:], closer)
		if k < 0 {
			return 0
		}
		name, rest = line[open:open+k], s[open+k+len(closer):]
		if mark != "" {
			rest = strings.TrimPrefix(rest, mark)
		}
		if r, ok := strings.CutPrefix(rest, ":"); ok {
			rest = r
		} else if r, ok := strings.CutPrefix(rest, "："); ok {
			rest = r
		}
	default:
		k := strings.IndexAny(line, ":：")
		if k <= 0 {
			return 0
		}
		name, rest = s[:k], s[k:]
		if mark != "" {
			name = strings.TrimSuffix(name, mark)
		}
		if r, ok := strings.CutPrefix(rest, ":"); ok {
			rest = r
		} else {
			rest = strings.TrimPrefix(rest, "：")
		}
	}
	if mark != "" {
		rest = strings.TrimPrefix(rest, mark)
	}
	if !strings.EqualFold(strings.Join(strings.Fields(name), " "), strings.Join(strings.Fields(speaker), " ")) {
		return 0
	}
	rest = strings.TrimLeftFunc(rest, unicode.IsSpace)
	return utf8.RuneCountInString(seg[:len(seg)-len(rest)])
}

// Body returns the body of a segment (see the package comment on units):
// seg is the segment's text, off its code-point offset in the document and
// speaker its speaker or "". The range is trimmed of white space; it is
// empty (Start == End) when the turn holds only its label.
func Body(seg string, off int, speaker string) Range {
	skip := LabelLen(seg, speaker)
	b := byteOffset(seg, skip)
	return trimRange(seg, b, off+skip, len(seg))
}

// Sentences returns the sentences of a segment's body, in order (see the
// package comment on units): seg is the segment's text, off its code-point
// offset in the document and speaker its speaker or "". The ranges are
// offsets into the document, within [off, off+len(seg in code points)),
// non-empty, ordered and not overlapping.
func Sentences(seg string, off int, speaker string) []Range {
	skip := LabelLen(seg, speaker)
	b := byteOffset(seg, skip)
	return sentences(nil, seg, b, off+skip)
}

// byteOffset returns the byte offset of code point n of s.
func byteOffset(s string, n int) int {
	for i := range s {
		if n == 0 {
			return i
		}
		n--
	}
	return len(s)
}

// sentences appends the sentences of seg[from:] to out; from is a byte
// offset and off the code-point offset in the document of seg[from].
func sentences(out []Range, seg string, from, off int) []Range {
	sb, sn := from, off // start of the current sentence: byte, code point
	i, n := from, off
	for i < len(seg) {
		r, size := utf8.DecodeRuneInString(seg[i:])
		switch {
		case isTerminator(r):
			j, m := i, n
			cjk, count := false, 0
			for j < len(seg) {
				r2, s2 := utf8.DecodeRuneInString(seg[j:])
				if !isTerminator(r2) && r2 != '…' {
					break
				}
				cjk = cjk || r2 == '。' || r2 == '！' || r2 == '？'
				j, m, count = j+s2, m+1, count+1
			}
			j, m = closers(seg, sb, j, m, cjk)
			end := cjk
			if !cjk && (j == len(seg) || startsWithSpace(seg[j:])) {
				end = !(count == 1 && r == '.' && abbreviation(seg[sb:i]))
			}
			if end {
				out = appendTrimmed(out, seg, sb, sn, j)
				sb, sn = j, m
			}
			i, n = j, m
			continue
		case r == '\n' && blankLineAhead(seg[i+1:]):
			out = appendTrimmed(out, seg, sb, sn, i)
			sb, sn = i, n
		}
		i, n = i+size, n+1
	}
	return appendTrimmed(out, seg, sb, sn, len(seg))
}

func isTerminator(r rune) bool {
	switch r {
	case '.', '!', '?', '。', '！', '？':
		return true
	}
	return false
}

// closers skips closing quotes and brackets at seg[j:]; m is the code-point
// offset of j. A straight double quote closes only when the sentence
// seg[sb:j] holds an odd number of them; a straight single quote only
// after an English terminator.
func closers(seg string, sb, j, m int, cjk bool) (int, int) {
	for j < len(seg) {
		r, size := utf8.DecodeRuneInString(seg[j:])
		switch r {
		case '"':
			if strings.Count(seg[sb:j], `"`)%2 == 0 {
				return j, m
			}
		case '\'':
			if cjk {
				return j, m
			}
		case '”', '’', ')', ']', '}', '»', '」', '』', '）', '】', '》':
		default:
			return j, m
		}
		j, m = j+size, m+1
	}
	return j, m
}

func startsWithSpace(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsSpace(r)
}

// blankLineAhead reports whether s, the text after a line end, starts with
// a blank line: white space up to another line end.
func blankLineAhead(s string) bool {
	for _, r := range s {
		if r == '\n' {
			return true
		}
		if !unicode.IsSpace(r) {
			return false
		}
	}
	return false
}

// titles are abbreviations that a '.' closes without ending the sentence,
// lower-cased and without the dot.
var titles = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "prof": true, "st": true,
	"jr": true, "sr": true, "vs": true, "cf": true, "fig": true, "approx": true,
	"dept": true, "mt": true, "rev": true, "gen": true, "hon": true, "messrs": true,
}

// abbreviation reports whether before, the text in front of a '.', ends
// with an abbreviation (see the package comment on units).
func abbreviation(before string) bool {
	k := strings.LastIndexFunc(before, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune("(\"“‘'[", r)
	})
	tok := before
	if k >= 0 {
		_, size := utf8.DecodeRuneInString(before[k:])
		tok = before[k+size:]
	}
	if tok == "" {
		return false
	}
	if titles[strings.ToLower(tok)] {
		return true
	}
	if r, size := utf8.DecodeRuneInString(tok); size == len(tok) {
		return unicode.IsUpper(r)
	}
	if !strings.Contains(tok, ".") {
		return false
	}
	for _, part := range strings.Split(tok, ".") {
		n := utf8.RuneCountInString(part)
		if n == 0 || n > 3 {
			return false
		}
		for _, r := range part {
			if !unicode.IsLetter(r) {
				return false
			}
		}
	}
	return true
}

// appendTrimmed appends seg[b0:b1] trimmed of white space, unless empty;
// n0 is the code-point offset of b0 in the document.
func appendTrimmed(out []Range, seg string, b0, n0, b1 int) []Range {
	r := trimRange(seg, b0, n0, b1)
	if r.Start < r.End {
		out = append(out, r)
	}
	return out
}

// trimRange returns the code-point range of seg[b0:b1] without white space
// at either end; n0 is the code-point offset of b0. If the text is all
// white space, the range is empty.
func trimRange(seg string, b0, n0, b1 int) Range {
	s := seg[b0:b1]
	t := strings.TrimLeftFunc(s, unicode.IsSpace)
	start := n0 + utf8.RuneCountInString(s[:len(s)-len(t)])
	t = strings.TrimRightFunc(t, unicode.IsSpace)
	return Range{Start: start, End: start + utf8.RuneCountInString(t)}
}
