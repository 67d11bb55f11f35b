package coding

import (
	"strings"
	"unicode"
	"unicode/utf8"

	uax29 "github.com/clipperhouse/uax29/v2/sentences"
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
// Sentences. Within a body, sentences are those of Unicode sentence
// segmentation (UAX #29, github.com/clipperhouse/uax29), so a sentence
// ends after '.', '!' or '?' (and any closing quotes or brackets) followed
// by white space and a capital letter or the end of the text, and after
// '。', '！' or '？' whatever follows; a '.' followed by a lower-case word
// ("like... betrayal") ends nothing. On top of that:
//
//   - a single line end does not end a sentence (wrapped text), but a blank
//     line does, and so does a line end before a list item ("1. ", "2) ",
//     "- ", "* ", "• ");
//   - a single '.' that closes an abbreviation does not end a sentence: a
//     title (Mr. Mrs. Ms. Dr. Prof. St. Jr. Sr. vs. cf. Fig. approx.
//     Dept. Mt. Rev. Gen. Hon.), an initial (one capital letter: "J.
//     Smith", "U.S.") or a dotted short form ("e.g.", "i.e.", "a.m.",
//     "Ph.D.");
//   - nor does a '.' after a list marker that is all the sentence holds so
//     far: a number ("1.", "2.3."), a roman numeral ("iv."), alone or
//     after a word such as Article, Section, Chapter, Item, Step or No.
//     ("Article 1. These measures…" is one sentence);
//   - a straight double quote after a terminator closes the sentence only
//     when the sentence holds an odd number of them before it; otherwise
//     it opens the next one.
//
// Each sentence is trimmed of white space at both ends, and sentences left
// empty are dropped. So a sentence is at most a segment's body, and the
// first sentence of a turn starts after its label. Text that merely looks
// like an abbreviation may keep two sentences together ("Plan B. Then").

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
//
// The boundaries are UAX #29's (package sentences), found in a copy of the
// text of the same length in which single line ends are spaces, so that
// only blank lines and list items break at a line end; a boundary after an
// abbreviation or a list marker is then dropped (continues), and a
// straight double quote that opens the next sentence moves to it.
func sentences(out []Range, seg string, from, off int) []Range {
	body := seg[from:]
	text := joinLines(body)
	sb, sn := 0, off // start of the current sentence: byte in body, code point
	n := off
	it := uax29.FromString(text)
	for it.Next() {
		end := it.End()
		if end < len(text) && continues(text[sb:end]) {
			continue
		}
		end = openingQuote(text, sb, end)
		out = appendTrimmed(out, seg, from+sb, sn, from+end)
		n += utf8.RuneCountInString(body[sb:end])
		sb, sn = end, n
	}
	return appendTrimmed(out, seg, from+sb, sn, len(seg))
}

// joinLines returns s with each line end that neither starts nor ends a
// blank line, nor comes before a list item, replaced by a space of the
// same length, so that a sentence wrapped over lines stays one.
func joinLines(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	b := []byte(s)
	for i := 0; i < len(b); i++ {
		if b[i] != '\n' {
			continue
		}
		j := i
		if j > 0 && b[j-1] == '\r' {
			j--
		}
		if blankLineAhead(s[i+1:]) || blankLineBehind(s[:j]) || listItem(s[i+1:]) {
			continue
		}
		for k := j; k <= i; k++ {
			b[k] = ' '
		}
	}
	return string(b)
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

// blankLineBehind reports whether s, the text before a line end, ends with
// a blank line: a line end followed by white space only.
func blankLineBehind(s string) bool {
	for i := len(s) - 1; i >= 0; i-- {
		switch s[i] {
		case '\n':
			return true
		case ' ', '\t', '\r', '\f', '\v':
		default:
			return false
		}
	}
	return false
}

// listItem reports whether line starts with a list marker: "1." or "1)"
// or a bullet (- * •), after optional indentation, followed by a space.
func listItem(line string) bool {
	line = strings.TrimLeft(line, " \t")
	i := 0
	for i < len(line) && line[i] >= '0' && line[i] <= '9' {
		i++
	}
	switch {
	case i > 0 && i < len(line) && (line[i] == '.' || line[i] == ')'):
		i++
	case i == 0 && (strings.HasPrefix(line, "- ") || strings.HasPrefix(line, "* ")):
		i = 1
	case i == 0 && strings.HasPrefix(line, "•"):
		i = len("•")
	default:
		return false
	}
	return i < len(line) && (line[i] == ' ' || line[i] == '\t')
}

// continues reports whether the sentence s, as UAX #29 ends it, goes on:
// it ends with a single '.' that closes an abbreviation ("Dr.", "e.g.",
// "J.") or a list marker ("1.", "Article 1.").
func continues(s string) bool {
	t := strings.TrimRightFunc(s, unicode.IsSpace)
	before, ok := strings.CutSuffix(t, ".")
	if !ok || strings.HasSuffix(before, ".") {
		return false
	}
	return abbreviation(before) || listMarker(before)
}

// markerWords are words that a number follows to name a part of a text:
// "Article 1. These measures…" is one sentence. Lower-cased.
var markerWords = map[string]bool{
	"article": true, "art": true, "section": true, "sec": true, "chapter": true,
	"ch": true, "part": true, "item": true, "step": true, "clause": true,
	"rule": true, "no": true, "question": true, "q": true, "paragraph": true,
	"para": true, "annex": true, "appendix": true, "point": true, "phase": true,
}

// listMarker reports whether s, a sentence up to a final '.', is only a
// list marker: a number ("1", "2.3"), a roman numeral or a single letter,
// alone or after a marker word ("Article 1").
func listMarker(s string) bool {
	f := strings.Fields(s)
	switch {
	case len(f) == 1:
	case len(f) == 2 && markerWords[strings.ToLower(strings.TrimSuffix(f[0], "."))]:
	default:
		return false
	}
	m := f[len(f)-1]
	if m == "" {
		return false
	}
	digits, roman := true, len(m) <= 5
	for _, r := range m {
		digits = digits && (r >= '0' && r <= '9' || r == '.')
		roman = roman && strings.ContainsRune("ivxlcIVXLC", r)
	}
	if digits && strings.Trim(m, ".") != "" {
		return true
	}
	if roman {
		return true
	}
	r, size := utf8.DecodeRuneInString(m)
	return size == len(m) && unicode.IsLetter(r) && len(f) == 2
}

// openingQuote returns end, the end of the sentence text[sb:end], moved
// before a straight double quote that UAX #29 gave the sentence as
// closing but that opens the next one: the sentence holds an even number
// of them before it.
func openingQuote(text string, sb, end int) int {
	t := strings.TrimRightFunc(text[sb:end], unicode.IsSpace)
	if q, ok := strings.CutSuffix(t, `"`); ok && strings.Count(q, `"`)%2 == 0 {
		return sb + len(t) - 1
	}
	return end
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
