package corpus

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/ledongthuc/pdf"
)

// Limits on PDF page walking: a hostile page count must not make the
// import loop for long.
const (
	pdfMaxPages = 20000
	// pdfMaxDepth bounds the page tree's depth and every page's chain of
	// /Parent links: real trees are a few levels deep, and a tree that
	// contains itself would otherwise be walked forever.
	pdfMaxDepth = 64
	// pdfMaxNodes bounds the page tree nodes visited, so that a tree whose
	// /Kids name the same node many times cannot blow up.
	pdfMaxNodes = 4 * pdfMaxPages
)

// pdfTimeout is the time budget for reading one PDF. A file the reader
// cannot finish in time is refused as malformed.
var pdfTimeout = 2 * time.Minute

// errPDFTree reports a page tree that cannot be walked safely.
var errPDFTree = errors.New("malformed page tree (it contains itself or is too deep): the file is damaged or hostile; re-save it with a PDF editor or print it to PDF and import that")

// pdfPages returns the leaf pages of r's page tree in order. It walks the
// tree itself, with limits on depth, nodes and pages, instead of the
// reader's Page method, which loops forever on a tree that contains
// itself. Every page's /Parent chain is checked too, since the reader
// follows it for inherited resources.
func pdfPages(r *pdf.Reader) ([]pdf.Page, error) {
	type node struct {
		v     pdf.Value
		depth int
	}
	var pages []pdf.Page
	stack := []node{{r.Trailer().Key("Root").Key("Pages"), 0}}
	for visited := 0; len(stack) > 0; visited++ {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if visited > pdfMaxNodes || n.depth > pdfMaxDepth {
			return nil, errPDFTree
		}
		switch n.v.Key("Type").Name() {
		case "Pages":
			kids := n.v.Key("Kids")
			for i := kids.Len() - 1; i >= 0; i-- {
				stack = append(stack, node{kids.Index(i), n.depth + 1})
			}
		case "Page":
			if !pdfParentsEnd(n.v) {
				return nil, errPDFTree
			}
			if pages = append(pages, pdf.Page{V: n.v}); len(pages) >= pdfMaxPages {
				return pages, nil
			}
		}
	}
	return pages, nil
}

// pdfParentsEnd reports whether v's chain of /Parent links ends within
// pdfMaxDepth steps.
func pdfParentsEnd(v pdf.Value) bool {
	for i := 0; i <= pdfMaxDepth; i++ {
		if v = v.Key("Parent"); v.IsNull() {
			return true
		}
	}
	return false
}

// extractPDF returns the text layer of a PDF. Characters are laid out in
// content-stream order: a change of baseline starts a new line, a wide
// horizontal gap between glyphs becomes a space, a vertical gap well over
// the page's usual line spacing (or a jump up the page, as to a new column)
// becomes a blank line, and pages are separated by a blank line. The PDF
// reader panics on some malformed input; the panic is recovered and
// reported as ErrFormat. So is a page tree that contains itself, and a
// file the reader cannot finish within pdfTimeout: the reading goroutine
// is then abandoned (it stops when the process exits).
func extractPDF(file string, data []byte) (text string, err error) {
	if !bytes.HasPrefix(data, []byte("%PDF-")) {
		return "", importFail(file, ErrFormat, "not a PDF file (no %PDF- header)")
	}
	type result struct {
		text string
		err  error
	}
	done := make(chan result, 1)
	go func() {
		text, err := readPDF(file, data)
		done <- result{text, err}
	}()
	t := time.NewTimer(pdfTimeout)
	defer t.Stop()
	select {
	case res := <-done:
		return res.text, res.err
	case <-t.C:
		return "", importFail(file, ErrFormat, fmt.Sprintf(
			"cannot read PDF within %s: the file is malformed or too complex; re-save it with a PDF editor and try again", pdfTimeout))
	}
}

// readPDF does extractPDF's work without its time budget.
func readPDF(file string, data []byte) (text string, err error) {
	defer func() {
		if r := recover(); r != nil {
			text, err = "", importFail(file, ErrFormat, fmt.Sprintf("cannot read PDF: %v", r))
		}
	}()
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		if errors.Is(err, pdf.ErrInvalidPassword) {
			return "", importFail(file, ErrFormat, "PDF is password-protected: remove the password and try again")
		}
		return "", importFail(file, ErrFormat, "cannot read PDF: "+err.Error())
	}
	pages, err := pdfPages(r)
	if err != nil {
		return "", importFail(file, ErrFormat, "cannot read PDF: "+err.Error())
	}
	var b strings.Builder
	for _, p := range pages {
		page := layoutPDFPage(p.Content().Text)
		if page == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(page)
	}
	if strings.TrimSpace(b.String()) == "" {
		return "", importFail(file, ErrNoText, "the PDF has no text layer (a scanned document? run OCR on it first)")
	}
	return b.String(), nil
}

// pdfLine is one line of laid-out PDF text.
type pdfLine struct {
	y    float64
	size float64
	b    strings.Builder
}

// layoutPDFPage turns positioned glyphs into lines of text.
func layoutPDFPage(glyphs []pdf.Text) string {
	var (
		lines     []*pdfLine
		cur       *pdfLine
		endX      float64 // where the previous glyph ended
		haveEnd   bool    // endX is known (the glyph had a width)
		lastSpace bool
	)
	for _, g := range glyphs {
		if g.S == "" || !validGlyph(g) {
			continue
		}
		size := math.Max(math.Abs(g.FontSize), 1)
		if cur == nil || math.Abs(g.Y-cur.y) > 0.5*math.Max(size, cur.size) {
			cur = &pdfLine{y: g.Y, size: size}
			lines = append(lines, cur)
			haveEnd, lastSpace = false, true
		}
		space := strings.TrimSpace(g.S) == ""
		switch {
		case space:
			if !lastSpace {
				cur.b.WriteByte(' ')
				lastSpace = true
			}
		default:
			if haveEnd && !lastSpace && g.X-endX > 0.25*size {
				cur.b.WriteByte(' ')
			}
			cur.b.WriteString(g.S)
			lastSpace = false
		}
		endX, haveEnd = g.X+g.W, g.W > 0
	}
	if len(lines) == 0 {
		return ""
	}
	// The usual line spacing is the median drop between lines.
	var drops []float64
	for i := 1; i < len(lines); i++ {
		if d := lines[i-1].y - lines[i].y; d > 0 {
			drops = append(drops, d)
		}
	}
	lead := 0.0
	if len(drops) > 0 {
		sort.Float64s(drops)
		lead = drops[len(drops)/2]
	}
	var out strings.Builder
	for i, l := range lines {
		s := strings.TrimRightFunc(l.b.String(), unicode.IsSpace)
		if i > 0 {
			out.WriteByte('\n')
			if d := lines[i-1].y - l.y; d <= 0 || lead > 0 && d > 1.45*lead {
				out.WriteByte('\n')
			}
		}
		out.WriteString(s)
	}
	return strings.Trim(out.String(), "\n")
}

// validGlyph drops control characters (the reader marks the end of a TJ
// array with "\n") and non-finite positions.
func validGlyph(g pdf.Text) bool {
	if math.IsNaN(g.X) || math.IsNaN(g.Y) || math.IsInf(g.X, 0) || math.IsInf(g.Y, 0) {
		return false
	}
	for _, r := range g.S {
		if r < 0x20 && r != '\t' {
			return false
		}
	}
	return true
}
