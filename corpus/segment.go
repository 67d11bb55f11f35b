package corpus

import (
	"math/bits"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Speaker-turn detection.
//
// A line starts a turn when, after optional indentation and optional
// markdown bold (** or __), it begins with a label in one of these forms:
//
//	Name: text        (ASCII colon followed by a space, a tab or the line end)
//	Name：text        (full-width colon, as in Chinese transcripts)
//	[Name] text       (also [Name]: text and 【Name】text)
//
// and the label is name-shaped: 1 to 40 characters, at most 4 words,
// starting with a letter, holding only letters, marks, digits, spaces and
// the characters . - ' ’ _ ( ) # & · (so no sentence punctuation, no URL,
// no time such as 10:30). A label is accepted as a speaker when it is a
// known role (Interviewer, Respondent, Participant 2, P1, I, R, Q, A,
// 访谈者, 受访者林, 主持人, ...) or when the same label starts at least two
// lines; labels that are common headings (Note, Date, Source, Table 2, 注意,
// 日期, ...) never are. A document has turns when it has at least two
// accepted label lines. In a document with turns, a label that occurs once
// after the first accepted one is also accepted when it is written in the
// same style (bold or not, bracketed or not) as most accepted ones and
// looks like a name: at most 3 capitalised words ("Parent B", "Tom"), or 2
// to 4 Chinese characters starting with a common surname ("小王", "林医生").

// textLine is one line of a text without its "\n": bytes [b0, b1) and
// code points [r0, r1).
type textLine struct {
	b0, b1 int
	r0, r1 int
}

// splitTextLines splits text at "\n".
func splitTextLines(text string) []textLine {
	lines := make([]textLine, 0, strings.Count(text, "\n")+1)
	b0, r0 := 0, 0
	for {
		i := strings.IndexByte(text[b0:], '\n')
		if i < 0 {
			lines = append(lines, textLine{b0, len(text), r0, r0 + runeCount(text[b0:])})
			return lines
		}
		r1 := r0 + runeCount(text[b0:b0+i])
		lines = append(lines, textLine{b0, b0 + i, r0, r1})
		r0 = r1 + 1
		b0 += i + 1
	}
}

// runeCount returns the number of code points in s, which must be valid
// UTF-8: it counts the bytes that are not continuation bytes, eight at a
// time.
func runeCount(s string) int {
	conts, i := 0, 0
	for ; i+8 <= len(s); i += 8 {
		x := load64(s, i)
		conts += bits.OnesCount64(x & (^x << 1) & 0x8080808080808080)
	}
	for ; i < len(s); i++ {
		if s[i]&0xC0 == 0x80 {
			conts++
		}
	}
	return len(s) - conts
}

// load64 returns s[i:i+8] as a little-endian word.
func load64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// isBlank reports whether s holds only white space.
func isBlank(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return strings.TrimSpace(s[i:]) == ""
		}
		if c != ' ' && c != '\t' && c != '\v' && c != '\f' && c != '\r' && c != '\n' {
			return false
		}
	}
	return true
}

// lineSpan returns the code-point range of a line without leading and
// trailing white space. The line must not be blank.
func lineSpan(text string, l textLine) (start, end int) {
	s := text[l.b0:l.b1]
	t := strings.TrimLeftFunc(s, unicode.IsSpace)
	start = l.r0 + runeCount(s[:len(s)-len(t)])
	u := strings.TrimRightFunc(t, unicode.IsSpace)
	return start, l.r1 - runeCount(t[len(u):])
}

// segmentText splits normalised text into speaker turns or, where it has
// none, into paragraphs: blocks of non-blank lines separated by blank
// lines or, with perLine, each non-blank line. Segments are trimmed of
// white space and have BeginMS and EndMS -1.
func segmentText(text string, perLine bool) []Segment {
	lines := splitTextLines(text)
	// Labelled lines, with their label's style and whether it names a role
	// or repeats ("strong").
	type labelled struct {
		line   int
		name   string
		style  labelStyle
		strong bool
	}
	var found []labelled
	var counts map[string]int // by exact label, then case-folded
	for i, l := range lines {
		if name, style, ok := speakerLabel(text[l.b0:l.b1]); ok {
			if counts == nil {
				counts = make(map[string]int)
				found = make([]labelled, 0, len(lines)-i)
			}
			found = append(found, labelled{line: i, name: name, style: style, strong: isRoleLabel(name)})
			counts[name]++
		}
	}
	// Labels that differ only in case or spacing count together; there are
	// few distinct labels, so fold those rather than every line's.
	if len(counts) > 1 {
		folded := make(map[string]int, len(counts))
		for name, n := range counts {
			folded[labelKey(name)] += n
		}
		for name := range counts {
			counts[name] = folded[labelKey(name)]
		}
	}
	nTurns := 0
	var styleVotes [4]int
	for i := range found {
		f := &found[i]
		f.strong = f.strong || counts[f.name] >= 2
		if f.strong {
			nTurns++
			styleVotes[f.style]++
		}
	}
	if nTurns < 2 {
		return paragraphSegments(nil, text, lines, perLine)
	}
	style := labelStyle(0)
	for st, v := range styleVotes {
		if v > styleVotes[style] {
			style = labelStyle(st)
		}
	}
	labels := make([]string, len(lines))
	strongSeen := false
	for _, f := range found {
		if f.strong {
			strongSeen = true
		} else if !strongSeen || f.style != style || !nameLike(f.name) {
			continue
		}
		labels[f.line] = f.name
	}
	segs := make([]Segment, 0, nTurns+8)
	first := 0
	for labels[first] == "" {
		first++
	}
	segs = paragraphSegments(segs, text, lines[:first], perLine)
	for i := first; i < len(lines); {
		j := i + 1
		for j < len(lines) && labels[j] == "" {
			j++
		}
		last := j - 1
		for isBlank(text[lines[last].b0:lines[last].b1]) {
			last--
		}
		start, _ := lineSpan(text, lines[i])
		_, end := lineSpan(text, lines[last])
		segs = append(segs, Segment{Start: start, End: end, Speaker: labels[i], BeginMS: -1, EndMS: -1})
		i = j
	}
	return segs
}

// paragraphSegments appends the paragraphs of lines to segs.
func paragraphSegments(segs []Segment, text string, lines []textLine, perLine bool) []Segment {
	for i := 0; i < len(lines); {
		if isBlank(text[lines[i].b0:lines[i].b1]) {
			i++
			continue
		}
		j := i + 1
		if !perLine {
			for j < len(lines) && !isBlank(text[lines[j].b0:lines[j].b1]) {
				j++
			}
		}
		start, _ := lineSpan(text, lines[i])
		_, end := lineSpan(text, lines[j-1])
		segs = append(segs, Segment{Start: start, End: end, BeginMS: -1, EndMS: -1})
		i = j
	}
	return segs
}

// labelKey folds a label for counting repeats.
func labelKey(name string) string {
	if strings.Contains(name, "  ") || strings.ContainsAny(name, "\t\u00a0\u3000") {
		name = strings.Join(strings.Fields(name), " ")
	}
	return strings.ToLower(name)
}

// asciiLower writes the ASCII lower-case form of s into buf and returns
// it, or ok false when s does not fit. It lets map look-ups run without
// allocating.
func asciiLower(buf []byte, s string) ([]byte, bool) {
	if len(s) > len(buf) {
		return nil, false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return buf[:len(s)], true
}

// labelStyle is how a turn label is written: bold and/or bracketed.
type labelStyle uint8

const (
	labelBold labelStyle = 1 << iota
	labelBracket
)

// speakerLabel parses a turn label at the start of line and returns the
// speaker's name and the label's style. It checks the label's shape and
// the stop list, not whether the label repeats.
func speakerLabel(line string) (string, labelStyle, bool) {
	s := skipTimestamp(strings.TrimLeft(line, " \t\u3000"))
	mark, style := "", labelStyle(0)
	if strings.HasPrefix(s, "**") || strings.HasPrefix(s, "__") {
		mark, s, style = s[:2], s[2:], labelBold
	}
	var name, rest string
	switch {
	case strings.HasPrefix(s, "["), strings.HasPrefix(s, "【"):
		style |= labelBracket
		closer, open := "]", 1
		if s[0] != '[' {
			closer, open = "】", len("【")
		}
		k := strings.Index(s[open:min(len(s), open+160)], closer)
		if k < 0 {
			return "", 0, false
		}
		name, rest = s[open:open+k], s[open+k+len(closer):]
		if mark != "" {
			rest = strings.TrimPrefix(rest, mark)
		}
		if r, ok := strings.CutPrefix(rest, ":"); ok {
			rest = r
		} else if r, ok := strings.CutPrefix(rest, "："); ok {
			rest = r
		}
		if closer == "]" && rest != "" && rest[0] != ' ' && rest[0] != '\t' && !strings.HasPrefix(rest, "\u3000") {
			return "", 0, false
		}
	default:
		k := labelColon(s[:min(len(s), 160)])
		if k <= 0 {
			return "", 0, false
		}
		name, rest = s[:k], s[k:]
		if mark != "" {
			if n, ok := strings.CutSuffix(name, mark); ok {
				name = n
			}
		}
		fullWidth := strings.HasPrefix(rest, "：")
		if fullWidth {
			rest = rest[len("："):]
		} else {
			rest = rest[1:]
		}
		if mark != "" {
			rest = strings.TrimPrefix(rest, mark)
		}
		if !fullWidth && rest != "" && rest[0] != ' ' && rest[0] != '\t' && !strings.HasPrefix(rest, "\u3000") {
			return "", 0, false
		}
	}
	name = strings.TrimSpace(name)
	if !nameShaped(name) || isStopLabel(name) {
		return "", 0, false
	}
	return name, style, true
}

// skipTimestamp removes a leading time stamp, as transcription tools write
// before a speaker label: "00:03:12 ", "[00:03:12] ", "(3:12) ",
// "[00:03:12.5] - ". s is returned unchanged when it has none.
func skipTimestamp(s string) string {
	t := s
	closer := byte(0)
	if t != "" && (t[0] == '[' || t[0] == '(') {
		closer = ']'
		if t[0] == '(' {
			closer = ')'
		}
		t = t[1:]
	}
	// digits, then one or two groups of ":" and two digits, then an
	// optional fraction.
	i, groups := 0, 0
	for i < len(t) && i < 3 && t[i] >= '0' && t[i] <= '9' {
		i++
	}
	if i == 0 {
		return s
	}
	for groups < 2 && i+2 < len(t) && t[i] == ':' && tsDigit(t[i+1]) && tsDigit(t[i+2]) {
		i += 3
		groups++
	}
	if groups == 0 {
		return s
	}
	if i+1 < len(t) && (t[i] == '.' || t[i] == ',') && tsDigit(t[i+1]) {
		i++
		for i < len(t) && tsDigit(t[i]) {
			i++
		}
	}
	if closer != 0 {
		if i >= len(t) || t[i] != closer {
			return s
		}
		i++
	}
	rest := t[i:]
	trimmed := strings.TrimLeft(rest, " \t")
	if len(trimmed) == len(rest) {
		return s // no space after the time stamp
	}
	if r, ok := strings.CutPrefix(trimmed, "- "); ok {
		trimmed = strings.TrimLeft(r, " \t")
	}
	return trimmed
}

func tsDigit(c byte) bool { return '0' <= c && c <= '9' }

// labelColon returns the byte index of the first ":" or "：" in s, or -1.
func labelColon(s string) int {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ':':
			return i
		case 0xEF: // "：" is EF BC 9A
			if i+2 < len(s) && s[i+1] == 0xBC && s[i+2] == 0x9A {
				return i
			}
		}
	}
	return -1
}

// nameShaped checks the shape of a label: see the comment at the top of
// this file.
func nameShaped(name string) bool {
	if name == "" || len(name) > 4*40 {
		return false
	}
	n, words, inWord := 0, 0, false
	for i, r := range name {
		n++
		if n > 40 {
			return false
		}
		if i == 0 && !unicode.IsLetter(r) {
			return false
		}
		if r == ' ' {
			inWord = false
			continue
		}
		if !inWord {
			words++
			inWord = true
		}
		switch {
		case unicode.IsLetter(r), unicode.IsMark(r), unicode.IsDigit(r):
		case strings.ContainsRune(".-'’_()#&·", r):
		default:
			return false
		}
	}
	return words <= 4
}

// nameLike reports whether a label that occurs once still reads as a
// name: at most 3 words each starting with an upper-case letter or a digit
// ("Parent B", "Tom", "Dr. Chen"), or two to four Chinese characters
// starting with a common surname or 小, 老, 阿 ("林", "小王", "陈老师").
func nameLike(name string) bool {
	if r, _ := utf8.DecodeRuneInString(name); unicode.Is(unicode.Han, r) {
		n := utf8.RuneCountInString(name)
		return n >= 2 && n <= 4 && strings.ContainsRune(commonSurnames, r)
	}
	words := strings.Fields(name)
	if len(words) > 3 {
		return false
	}
	for _, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(r) && !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// commonSurnames holds frequent Chinese surnames, and 小, 老, 阿 which
// start familiar forms of address.
const commonSurnames = "小老阿王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"

// Words that name an interview role when they start a label ("Participant
// 3", "Interviewer (Jane)"), lower-cased.
var roleWords = map[string]bool{
	"interviewer": true, "interviewee": true, "respondent": true, "participant": true,
	"moderator": true, "facilitator": true, "researcher": true, "speaker": true,
	"question": true, "answer": true,
}

// Abbreviations that name an interview role when they are the whole label.
var roleCodes = map[string]bool{
	"int": true, "iv": true, "ie": true, "ivr": true, "resp": true, "mod": true,
	"i": true, "r": true, "q": true, "a": true, "p": true,
}

// Prefixes of Chinese labels that name an interview role ("受访者林"); the
// single characters 问 and 答 only as a whole label.
var roleWordsCJK = []string{
	"访谈者", "访谈员", "访谈人", "访问者", "访问员", "采访者", "采访人", "受访者", "受访人",
	"被访者", "被访人", "主持人", "研究者", "研究员", "调查员", "参与者", "参加者", "记者",
}

// isRoleLabel reports whether a label names an interview role, such as
// "Interviewer", "Participant 3", "P12", "R" or "受访者林".
func isRoleLabel(name string) bool {
	if name == "" {
		return false
	}
	if name[0] >= utf8.RuneSelf {
		if name == "问" || name == "答" {
			return true
		}
		for _, p := range roleWordsCJK {
			if strings.HasPrefix(name, p) {
				return true
			}
		}
		return false
	}
	var buf [16]byte
	first, _, _ := strings.Cut(name, " ")
	if w, ok := asciiLower(buf[:], first); ok && roleWords[string(w)] {
		return true
	}
	lower, ok := asciiLower(buf[:], name)
	if !ok {
		return false
	}
	if roleCodes[string(lower)] {
		return true
	}
	// A short letter code with a number: P1, R12, Int2, S3.
	i := 0
	for i < len(lower) && i < 3 && lower[i] >= 'a' && lower[i] <= 'z' {
		i++
	}
	if i == 0 || i == len(lower) || len(lower)-i > 3 {
		return false
	}
	for _, c := range lower[i:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// Label words that are common headings, not speakers. Matched against the
// first word of a label, lower-cased.
var stopWords = map[string]bool{
	"note": true, "notes": true, "nb": true, "n.b": true, "ps": true, "p.s": true,
	"example": true, "examples": true, "e.g": true, "i.e": true, "eg": true,
	"see": true, "source": true, "sources": true, "date": true, "time": true,
	"duration": true, "location": true, "place": true, "venue": true, "title": true,
	"subject": true, "re": true, "to": true, "from": true, "cc": true, "bcc": true,
	"tel": true, "phone": true, "email": true, "e-mail": true, "fax": true,
	"web": true, "website": true, "url": true, "address": true, "keywords": true,
	"summary": true, "abstract": true, "background": true, "conclusion": true,
	"conclusions": true, "introduction": true, "objective": true, "objectives": true,
	"aim": true, "aims": true, "purpose": true, "method": true, "methods": true,
	"result": true, "results": true, "step": true, "table": true, "figure": true,
	"fig": true, "chapter": true, "section": true, "page": true, "article": true,
	"warning": true, "caution": true, "important": true, "tip": true, "hint": true,
	"update": true, "edit": true, "todo": true, "fixme": true, "http": true,
	"https": true, "ftp": true, "mailto": true, "file": true, "transcript": true,
	"interview": true, "session": true, "inaudible": true, "laughs": true, "laughter": true, "pause": true,
	"crosstalk": true, "silence": true, "unclear": true, "overlapping": true,
}

// Chinese headings and sentence openers that are not speakers: a label
// starting with one of stopPrefixCJK, or equal to one of stopExactCJK, is
// refused.
var (
	stopPrefixCJK = []string{
		"注意", "备注", "说明", "日期", "时间", "地点", "题目", "标题", "主题", "摘要", "关键词",
		"附注", "来源", "例如", "比如", "总之", "因此", "但是", "所以", "另外", "首先", "其次",
		"最后", "第", "停顿", "听不清",
	}
	stopExactCJK = []string{"注", "笑", "问题"}
)

// Endings of Chinese labels that make them a clause ("他说：") rather than a
// name.
var clauseEndsCJK = []string{"说", "道", "是", "为", "如下", "指出", "认为", "表示", "包括", "有"}

// isStopLabel reports whether a label is a heading or clause, not a speaker.
func isStopLabel(name string) bool {
	if name == "" {
		return false
	}
	if name[0] < utf8.RuneSelf {
		var buf [16]byte
		first, _, _ := strings.Cut(name, " ")
		first = strings.TrimSuffix(first, ".")
		w, ok := asciiLower(buf[:], first)
		return ok && stopWords[string(w)]
	}
	for _, w := range stopPrefixCJK {
		if strings.HasPrefix(name, w) {
			return true
		}
	}
	for _, w := range stopExactCJK {
		if name == w {
			return true
		}
	}
	if r, _ := utf8.DecodeRuneInString(name); unicode.Is(unicode.Han, r) && !isRoleLabel(name) {
		for _, e := range clauseEndsCJK {
			if strings.HasSuffix(name, e) {
				return true
			}
		}
	}
	return false
}

// spanWalker converts ascending code-point offsets of a text to byte
// offsets in one forward pass.
type spanWalker struct {
	text string
	b, r int
}

func (w *spanWalker) byteAt(r int) int {
	for w.r < r && w.b < len(w.text) {
		_, size := utf8.DecodeRuneInString(w.text[w.b:])
		w.b += size
		w.r++
	}
	return w.b
}

// trimSegments trims white space from both ends of each segment and drops
// segments left empty. Segments must be in order and must not overlap.
func trimSegments(text string, segs []Segment) []Segment {
	w := spanWalker{text: text}
	out := segs[:0]
	for _, s := range segs {
		if s.Start >= s.End {
			continue
		}
		bs := w.byteAt(s.Start)
		be := w.byteAt(s.End)
		for bs < be {
			r, size := utf8.DecodeRuneInString(text[bs:be])
			if !unicode.IsSpace(r) {
				break
			}
			bs += size
			s.Start++
		}
		for be > bs {
			r, size := utf8.DecodeLastRuneInString(text[bs:be])
			if !unicode.IsSpace(r) {
				break
			}
			be -= size
			s.End--
		}
		if s.Start < s.End {
			out = append(out, s)
		}
	}
	return out
}
