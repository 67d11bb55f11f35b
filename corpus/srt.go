package corpus

import (
	"strings"
)

// parseSRT parses a SubRip file: blocks separated by blank lines, each a
// sequence number, a timing line (00:00:01,000 --> 00:00:04,000) and text.
// The number may be missing. A block with neither number nor timing after a
// cue continues that cue's text (a blank line inside a subtitle).
func parseSRT(file, s string) ([]cue, error) {
	lines := splitAnyLines(s)
	blocks, starts := cueBlocks(lines, 0)
	var cues []cue
	for bi, blk := range blocks {
		t := -1
		switch {
		case strings.Contains(blk[0], "-->"):
			t = 0
		case len(blk) > 1 && isAllDigits(strings.TrimSpace(blk[0])) && strings.Contains(blk[1], "-->"):
			t = 1
		}
		if t < 0 {
			if len(cues) == 0 {
				return nil, importFailLine(file, starts[bi], ErrFormat,
					"expected a subtitle number and a timing line such as 00:00:01,000 --> 00:00:04,000")
			}
			last := &cues[len(cues)-1]
			more := cleanSRTPayload(blk)
			if more != "" {
				if last.text != "" {
					last.text += "\n"
				}
				last.text += more
			}
			continue
		}
		begin, end, err := parseTimingLine(blk[t])
		if err != nil {
			return nil, importFailLine(file, starts[bi]+t, ErrFormat, err.Error())
		}
		cues = append(cues, cue{line: starts[bi] + t, begin: begin, end: end, text: cleanSRTPayload(blk[t+1:])})
	}
	return cues, nil
}

func isAllDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// cleanSRTPayload removes the markup found in SubRip text: HTML-like tags
// (<i>, <b>, <u>, <font ...>, and their closing tags) and ASS override
// blocks such as {\an8}. A "<" that does not start such a tag is kept.
func cleanSRTPayload(lines []string) string {
	var b strings.Builder
	for li, line := range lines {
		if li > 0 {
			b.WriteByte('\n')
		}
		for i := 0; i < len(line); {
			c := line[i]
			if c == '<' {
				if j := strings.IndexByte(line[i:], '>'); j > 0 && isSRTTag(line[i+1:i+j]) {
					i += j + 1
					continue
				}
			}
			if c == '{' && i+1 < len(line) && line[i+1] == '\\' {
				if j := strings.IndexByte(line[i:], '}'); j > 0 {
					i += j + 1
					continue
				}
			}
			b.WriteByte(c)
			i++
		}
	}
	return tidyCueText(b.String())
}

// isSRTTag reports whether the text between < and > is a formatting tag.
func isSRTTag(tag string) bool {
	tag = strings.TrimPrefix(tag, "/")
	name := strings.ToLower(tag)
	if k := strings.IndexAny(name, " \t"); k >= 0 {
		name = name[:k]
	}
	switch name {
	case "i", "b", "u", "s", "font":
		return true
	}
	return false
}
