package corpus

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// cue is one timed subtitle block of a .vtt or .srt file.
type cue struct {
	line       int   // 1-based line of the timing line
	begin, end int64 // milliseconds
	voice      string
	text       string // payload with markup removed, lines joined by "\n"
}

// splitAnyLines splits s at LF, CRLF or CR.
func splitAnyLines(s string) []string {
	lines := make([]string, 0, strings.Count(s, "\n")+1)
	for {
		i := strings.IndexAny(s, "\r\n")
		if i < 0 {
			return append(lines, s)
		}
		lines = append(lines, s[:i])
		if s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n' {
			i++
		}
		s = s[i+1:]
	}
}

// cueBlocks splits lines into blocks separated by blank lines and returns
// each block with the 1-based line number of its first line.
func cueBlocks(lines []string, from int) (blocks [][]string, starts []int) {
	for i := from; i < len(lines); {
		if isBlank(lines[i]) {
			i++
			continue
		}
		j := i + 1
		for j < len(lines) && !isBlank(lines[j]) {
			j++
		}
		blocks = append(blocks, lines[i:j])
		starts = append(starts, i+1)
		i = j
	}
	return blocks, starts
}

// parseCueTime parses a cue timestamp: [hh:]mm:ss[.ttt], accepting "." or
// "," before the fraction and one to three fraction digits. It returns
// milliseconds.
func parseCueTime(s string) (int64, bool) {
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, false
	}
	num := func(p string, maxDigits int) (int64, bool) {
		if p == "" || len(p) > maxDigits {
			return 0, false
		}
		var n int64
		for i := 0; i < len(p); i++ {
			if p[i] < '0' || p[i] > '9' {
				return 0, false
			}
			n = n*10 + int64(p[i]-'0')
		}
		return n, true
	}
	var h, m int64
	var ok bool
	if len(parts) == 3 {
		if h, ok = num(parts[0], 6); !ok {
			return 0, false
		}
		if m, ok = num(parts[1], 2); !ok || m > 59 {
			return 0, false
		}
	} else if m, ok = num(parts[0], 6); !ok {
		return 0, false
	}
	secPart, frac, hasFrac := strings.Cut(parts[len(parts)-1], ".")
	if !hasFrac {
		secPart, frac, hasFrac = strings.Cut(parts[len(parts)-1], ",")
	}
	sec, ok := num(secPart, 2)
	if !ok || sec > 59 {
		return 0, false
	}
	var ms int64
	if hasFrac {
		f, ok := num(frac, 3)
		if !ok {
			return 0, false
		}
		for i := len(frac); i < 3; i++ {
			f *= 10
		}
		ms = f
	}
	return ((h*60+m)*60+sec)*1000 + ms, true
}

// parseTimingLine parses "begin --> end [settings]".
func parseTimingLine(line string) (begin, end int64, err error) {
	left, right, ok := strings.Cut(line, "-->")
	if !ok {
		return 0, 0, fmt.Errorf("expected a cue timing line such as 00:00:01.000 --> 00:00:04.000")
	}
	right = strings.TrimSpace(right)
	if i := strings.IndexAny(right, " \t"); i >= 0 {
		right = right[:i]
	}
	begin, ok1 := parseCueTime(strings.TrimSpace(left))
	end, ok2 := parseCueTime(right)
	if !ok1 || !ok2 {
		return 0, 0, fmt.Errorf("bad cue timing %q: want 00:00:01.000 --> 00:00:04.000", strings.TrimSpace(line))
	}
	if end < begin {
		return 0, 0, fmt.Errorf("cue ends (%s) before it begins", right)
	}
	return begin, end, nil
}

// parseVTT parses a WebVTT file: the WEBVTT header, then blocks separated
// by blank lines. NOTE, STYLE and REGION blocks are skipped; a cue block is
// an optional identifier line, a timing line and payload lines.
func parseVTT(file, s string) ([]cue, error) {
	lines := splitAnyLines(s)
	head := strings.TrimPrefix(lines[0], "\uFEFF")
	if !strings.HasPrefix(head, "WEBVTT") || len(head) > 6 && head[6] != ' ' && head[6] != '\t' {
		return nil, importFailLine(file, 1, ErrFormat, "missing WEBVTT header: not a WebVTT file")
	}
	// The header block runs to the first blank line.
	i := 1
	for i < len(lines) && !isBlank(lines[i]) {
		i++
	}
	blocks, starts := cueBlocks(lines, i)
	var cues []cue
	for bi, blk := range blocks {
		first := blk[0]
		if isVTTKeywordBlock(first) {
			continue
		}
		t := 0
		if !strings.Contains(first, "-->") {
			if len(blk) < 2 || !strings.Contains(blk[1], "-->") {
				return nil, importFailLine(file, starts[bi], ErrFormat,
					"expected a cue timing line such as 00:00:01.000 --> 00:00:04.000")
			}
			t = 1
		}
		begin, end, err := parseTimingLine(blk[t])
		if err != nil {
			return nil, importFailLine(file, starts[bi]+t, ErrFormat, err.Error())
		}
		voice, text := cleanVTTPayload(blk[t+1:])
		cues = append(cues, cue{line: starts[bi] + t, begin: begin, end: end, voice: voice, text: text})
	}
	return cues, nil
}

func isVTTKeywordBlock(first string) bool {
	for _, kw := range []string{"NOTE", "STYLE", "REGION"} {
		if rest, ok := strings.CutPrefix(first, kw); ok && (rest == "" || rest[0] == ' ' || rest[0] == '\t') {
			return true
		}
	}
	return false
}

// cleanVTTPayload removes cue markup from payload lines: tags (<i>, <c.x>,
// <lang en>, timestamps) are dropped, ruby annotations (<rt>) with their
// text, character references are decoded, and the first voice tag <v Name>
// gives the voice.
func cleanVTTPayload(lines []string) (voice, text string) {
	var b strings.Builder
	inRT := 0
	for li, line := range lines {
		if li > 0 {
			b.WriteByte('\n')
		}
		for i := 0; i < len(line); {
			c := line[i]
			switch c {
			case '<':
				j := strings.IndexByte(line[i:], '>')
				if j < 0 {
					if inRT == 0 {
						b.WriteString(line[i:])
					}
					i = len(line)
					continue
				}
				tag := line[i+1 : i+j]
				i += j + 1
				switch {
				case tag == "rt" || strings.HasPrefix(tag, "rt."):
					inRT++
				case tag == "/rt":
					inRT = max(inRT-1, 0)
				case voice == "" && len(tag) > 1 && tag[0] == 'v' && (tag[1] == ' ' || tag[1] == '\t' || tag[1] == '.'):
					if k := strings.IndexAny(tag, " \t"); k >= 0 {
						voice = strings.Join(strings.Fields(tag[k:]), " ")
					}
				}
			case '&':
				r, n := vttEntity(line[i:])
				if inRT == 0 {
					b.WriteString(r)
				}
				i += n
			default:
				j := i + 1
				for j < len(line) && line[j] != '<' && line[j] != '&' {
					j++
				}
				if inRT == 0 {
					b.WriteString(line[i:j])
				}
				i = j
			}
		}
	}
	return voice, tidyCueText(b.String())
}

// vttEntity decodes a character reference at the start of s, returning the
// text and the bytes consumed; an unknown reference is kept as written.
func vttEntity(s string) (string, int) {
	end := strings.IndexByte(s[:min(len(s), 12)], ';')
	if end < 0 {
		return "&", 1
	}
	name := s[1:end]
	switch name {
	case "amp":
		return "&", end + 1
	case "lt":
		return "<", end + 1
	case "gt":
		return ">", end + 1
	case "quot":
		return "\"", end + 1
	case "apos":
		return "'", end + 1
	case "nbsp":
		return "\u00A0", end + 1
	case "lrm":
		return "\u200E", end + 1
	case "rlm":
		return "\u200F", end + 1
	}
	if strings.HasPrefix(name, "#") {
		var n uint64
		var err error
		if strings.HasPrefix(name, "#x") || strings.HasPrefix(name, "#X") {
			n, err = strconv.ParseUint(name[2:], 16, 32)
		} else {
			n, err = strconv.ParseUint(name[1:], 10, 32)
		}
		if err == nil && n > 0 && n <= utf8.MaxRune && utf8.ValidRune(rune(n)) {
			return string(rune(n)), end + 1
		}
	}
	return "&", 1
}

// tidyCueText trims white space at the ends of each line and drops blank
// lines.
func tidyCueText(s string) string {
	lines := strings.Split(s, "\n")
	out := lines[:0]
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// buildCueText lays out cues as the stored text: each cue's text as one
// paragraph, cues separated by a blank line. A cue with a voice is written
// "Voice: text"; a cue without one whose text starts with an accepted
// speaker label ("Jane: ...") takes its speaker from the label. It returns
// the raw text and segments with code-point offsets into it.
func buildCueText(cues []cue) (string, []Segment) {
	labels := make([]string, len(cues))
	counts := map[string]int{}
	for i, c := range cues {
		if c.voice == "" {
			if name, _, ok := speakerLabel(c.text); ok {
				labels[i] = name
				counts[labelKey(name)]++
			}
		}
	}
	var b strings.Builder
	segs := make([]Segment, 0, len(cues))
	pos := 0
	for i, c := range cues {
		if c.text == "" {
			continue
		}
		speaker := c.voice
		if speaker == "" && labels[i] != "" && (counts[labelKey(labels[i])] >= 2 || isRoleLabel(labels[i])) {
			speaker = labels[i]
		}
		if b.Len() > 0 {
			b.WriteString("\n\n")
			pos += 2
		}
		n := 0
		if c.voice != "" {
			b.WriteString(c.voice)
			b.WriteString(": ")
			n += runeCount(c.voice) + 2
		}
		b.WriteString(c.text)
		n += runeCount(c.text)
		segs = append(segs, Segment{Start: pos, End: pos + n, Speaker: speaker, BeginMS: c.begin, EndMS: c.end})
		pos += n
	}
	return b.String(), segs
}
