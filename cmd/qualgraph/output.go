package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"

	"github.com/mattn/go-isatty"
	"golang.org/x/text/width"
)

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// useColor reports whether to colour output to w: only on a terminal, and
// never when NO_COLOR is set (https://no-color.org).
func useColor(w io.Writer) bool {
	if _, ok := os.LookupEnv("NO_COLOR"); ok {
		return false
	}
	return isTerminal(w) && os.Getenv("TERM") != "dumb"
}

// style wraps text in ANSI styles when enabled.
type style struct{ on bool }

func (s style) wrap(code, text string) string {
	if !s.on || text == "" {
		return text
	}
	return "\x1b[" + code + "m" + text + "\x1b[0m"
}

func (s style) bold(t string) string      { return s.wrap("1", t) }
func (s style) dim(t string) string       { return s.wrap("2", t) }
func (s style) red(t string) string       { return s.wrap("31", t) }
func (s style) green(t string) string     { return s.wrap("32", t) }
func (s style) highlight(t string) string { return s.wrap("1;33", t) }

// table writes aligned columns, measuring width in terminal cells so that
// Chinese text lines up.
type table struct {
	header []string
	rows   [][]string
}

func newTable(header ...string) *table { return &table{header: header} }

// add appends a row; its cells are made visible (see visible).
func (t *table) add(cells ...string) {
	row := make([]string, len(cells))
	for i, c := range cells {
		row[i] = visible(c)
	}
	t.rows = append(t.rows, row)
}

// write prints the table; a column's width is capped at max cells (0: none)
// and longer cells are truncated with an ellipsis.
func (t *table) write(w io.Writer, st style, max int) error {
	widths := make([]int, len(t.header))
	all := append([][]string{t.header}, t.rows...)
	for _, r := range all {
		for i, c := range r {
			if i < len(widths) {
				widths[i] = maxInt(widths[i], cellWidth(c, max))
			}
		}
	}
	var b strings.Builder
	for ri, r := range all {
		for i, c := range r {
			if i >= len(widths) {
				break
			}
			c = clip(c, max)
			if ri == 0 {
				b.WriteString(st.bold(c))
			} else {
				b.WriteString(c)
			}
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-cells(c)+2))
			}
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func cellWidth(c string, max int) int { return cells(clip(c, max)) }

// clip shortens s to at most max terminal cells, on one line.
func clip(s string, max int) string {
	s = oneLine(s)
	if max <= 0 || cells(s) <= max {
		return s
	}
	return truncateCells(s, max, "…")
}

// Terminal cells. Chinese characters take two cells of a terminal, so
// tables and KWIC lines align by cells, not characters. These functions
// use the East Asian Width property (golang.org/x/text/width) rather
// than go-runewidth, whose first lookup of a character above U+02FF
// fills a 2 MB table: 10 ms, a fifth of a short command's time.

// runeCells returns the cells r takes: none for combining marks and
// format characters (such as the zero-width joiner), two for East Asian
// wide and fullwidth characters (Han, kana, Hangul, most emoji), else one.
func runeCells(r rune) int {
	switch {
	case r < 0x20 || r == 0x7f:
		return 0
	case r < 0x300:
		return 1
	case unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf):
		return 0
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}

// cells returns the cells s takes.
func cells(s string) int {
	n := 0
	for _, r := range s {
		n += runeCells(r)
	}
	return n
}

// truncateCells returns s if it fits in n cells, else its longest start
// that fits in n cells together with tail, followed by tail.
func truncateCells(s string, n int, tail string) string {
	if cells(s) <= n {
		return s
	}
	n -= cells(tail)
	w := 0
	for i, r := range s {
		if w+runeCells(r) > n {
			return s[:i] + tail
		}
		w += runeCells(r)
	}
	return s + tail
}

// visible returns s with every character that would act on a terminal
// or reorder the text around it written as an escape, so that it shows
// instead: C0 controls (tab and line feed too), DEL and C1 controls as
// \x1b, bidirectional controls (U+061C, U+200E, U+200F, U+202A-U+202E,
// U+2066-U+2069) as \u202e. A backslash is written as it is.
func visible(s string) string { return escapeControls(s, false) }

// visibleText is visible for text of several lines: it keeps tab and line
// feed.
func visibleText(s string) string { return escapeControls(s, true) }

func escapeControls(s string, keepLines bool) string {
	if strings.IndexFunc(s, func(r rune) bool { return needsEscape(r, keepLines) }) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case !needsEscape(r, keepLines):
			b.WriteRune(r)
		case r < 0x100:
			fmt.Fprintf(&b, "\\x%02x", r)
		default:
			fmt.Fprintf(&b, "\\u%04x", r)
		}
	}
	return b.String()
}

func needsEscape(r rune, keepLines bool) bool {
	switch {
	case r == '\t' || r == '\n':
		return !keepLines
	case r < 0x20, r >= 0x7f && r <= 0x9f:
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// oneLine replaces line breaks and tabs with spaces.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == '\t' {
			return ' '
		}
		return r
	}, s)
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}

// printf writes to w, ignoring errors as fmt.Printf does.
func printf(w io.Writer, format string, args ...any) { fmt.Fprintf(w, format, args...) }
