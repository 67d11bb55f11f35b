// Package xlsx writes Excel workbooks (Office Open XML SpreadsheetML, ECMA-376):
// sheets of rows of typed cells (text, numbers, booleans), with the header
// row frozen. It is all the export of qualgraph needs, and no more: no
// styles, formulas or dates (dates are written as ISO 8601 text).
//
// qualgraph wrote its workbooks with excelize until excelize's package
// initialisation (about 9 ms, compiling the regular expressions of its
// formula engine) was found to be a sixth of the time of every qualgraph
// command, whether it exported or not; it put the short commands over their
// speed targets. The tests read every workbook written here back with
// excelize, which stays a test dependency.
//
// Text goes into the shared-string table, as Excel itself writes it, which
// every reader supports. Characters that XML 1.0 cannot hold (control
// characters other than tab, line feed and carriage return) are written
// with SpreadsheetML's _xHHHH_ escape, and a literal "_xHHHH_" in the text
// is protected by escaping its underscore, so a reader gets the text back
// exactly. A cell holds at most 32,767 characters (UTF-16 code units), as
// in Excel; longer text is cut there.
package xlsx

import (
	"archive/zip"
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// MaxCellChars is the most UTF-16 code units Excel keeps in a cell.
const MaxCellChars = 32767

// Writer writes a workbook to a zip archive, one sheet after another.
type Writer struct {
	zw     *zip.Writer
	now    time.Time // the parts' modification time
	sheets []string
	row    int           // rows written to the current sheet
	bw     *bufio.Writer // the current sheet's XML
	strs   map[string]int
	order  []string
	err    error
	closed bool
}

// NewWriter returns a Writer that writes a workbook to w. Close finishes it.
func NewWriter(w io.Writer) *Writer {
	return &Writer{zw: zip.NewWriter(w), now: time.Now(), strs: map[string]int{}}
}

// ErrSheetName is wrapped by Sheet's error for a name Excel refuses.
var ErrSheetName = errors.New("xlsx: bad sheet name")

// Sheet starts a new sheet named name, after the previous one, with its
// first row frozen if freezeHeader.
func (w *Writer) Sheet(name string, freezeHeader bool) error {
	if w.err != nil {
		return w.err
	}
	if name == "" || utf8.RuneCountInString(name) > 31 || strings.ContainsAny(name, `[]:*?/\`) {
		return fmt.Errorf("%w: %q (1 to 31 characters, none of []:*?/\\)", ErrSheetName, name)
	}
	for _, s := range w.sheets {
		if strings.EqualFold(s, name) {
			return fmt.Errorf("%w: %q twice", ErrSheetName, name)
		}
	}
	if err := w.endSheet(); err != nil {
		return err
	}
	w.sheets = append(w.sheets, name)
	f, err := w.create(fmt.Sprintf("xl/worksheets/sheet%d.xml", len(w.sheets)))
	if err != nil {
		return w.fail(err)
	}
	w.bw, w.row = bufio.NewWriter(f), 0
	w.bw.WriteString(xmlHeader + `<worksheet xmlns="` + nsMain + `" xmlns:r="` + nsRel + `">`)
	if freezeHeader {
		w.bw.WriteString(`<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>` +
			`<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>`)
	}
	w.bw.WriteString(`<sheetData>`)
	return nil
}

// Row adds a row to the current sheet. A cell is nil (empty), a string (of
// any string type), a bool, or a number: a value of any integer or
// floating-point kind (NaN
// and the infinities, which a cell cannot hold as numbers, are written as
// text).
func (w *Writer) Row(cells ...any) error {
	if w.err != nil {
		return w.err
	}
	if w.bw == nil {
		return errors.New("xlsx: Row before Sheet")
	}
	w.row++
	b := w.bw
	b.WriteString(`<row r="`)
	b.WriteString(strconv.Itoa(w.row))
	b.WriteString(`">`)
	for i, c := range cells {
		if c == nil {
			continue
		}
		ref := cellRef(i, w.row)
		var num string
		switch v := c.(type) {
		case string:
			w.text(ref, v)
			continue
		case bool:
			b.WriteString(`<c r="` + ref + `" t="b"><v>`)
			if v {
				b.WriteByte('1')
			} else {
				b.WriteByte('0')
			}
			b.WriteString(`</v></c>`)
			continue
		default:
			switch rv := reflect.ValueOf(c); rv.Kind() {
			case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
				num = strconv.FormatInt(rv.Int(), 10)
			case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
				num = strconv.FormatUint(rv.Uint(), 10)
			case reflect.Float32, reflect.Float64:
				num = formatFloat(rv.Float(), rv.Type().Bits())
			case reflect.String: // a named string type
				w.text(ref, rv.String())
				continue
			default:
				return w.fail(fmt.Errorf("xlsx: sheet %s, cell %s: unsupported value of type %T", w.sheets[len(w.sheets)-1], ref, c))
			}
		}
		if num == "" {
			w.text(ref, fmt.Sprint(c))
			continue
		}
		b.WriteString(`<c r="` + ref + `"><v>` + num + `</v></c>`)
	}
	b.WriteString(`</row>`)
	return nil
}

// formatFloat returns x as a cell number, or "" if a cell cannot hold it.
func formatFloat(x float64, bits int) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return ""
	}
	return strconv.FormatFloat(x, 'g', -1, bits)
}

// text writes a shared-string cell.
func (w *Writer) text(ref, s string) {
	s = cut(s)
	i, ok := w.strs[s]
	if !ok {
		i = len(w.order)
		w.strs[s] = i
		w.order = append(w.order, s)
	}
	w.bw.WriteString(`<c r="` + ref + `" t="s"><v>` + strconv.Itoa(i) + `</v></c>`)
}

// cut makes s valid UTF-8 and at most MaxCellChars UTF-16 code units long.
func cut(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= MaxCellChars { // bytes >= UTF-16 units
		return s
	}
	n := 0
	for i, r := range s {
		n += utf16.RuneLen(r)
		if n > MaxCellChars {
			return s[:i]
		}
	}
	return s
}

// create starts a compressed part of the archive.
func (w *Writer) create(name string) (io.Writer, error) {
	return w.zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: w.now})
}

func (w *Writer) endSheet() error {
	if w.bw == nil {
		return nil
	}
	w.bw.WriteString(`</sheetData></worksheet>`)
	err := w.bw.Flush()
	w.bw = nil
	if err != nil {
		return w.fail(err)
	}
	return nil
}

func (w *Writer) fail(err error) error {
	if w.err == nil {
		w.err = err
	}
	return w.err
}

// Close writes the rest of the workbook and the zip archive's directory.
// It does not close the underlying writer.
func (w *Writer) Close() error {
	if w.closed {
		return w.err
	}
	w.closed = true
	if w.err != nil {
		return w.err
	}
	if len(w.sheets) == 0 {
		return w.fail(errors.New("xlsx: a workbook needs a sheet"))
	}
	if err := w.endSheet(); err != nil {
		return err
	}
	var sst strings.Builder
	sst.WriteString(xmlHeader + `<sst xmlns="` + nsMain + `" count="` + strconv.Itoa(len(w.order)) + `" uniqueCount="` + strconv.Itoa(len(w.order)) + `">`)
	for _, s := range w.order {
		sst.WriteString(`<si><t`)
		if s != "" && (isSpace(s[0]) || isSpace(s[len(s)-1])) {
			sst.WriteString(` xml:space="preserve"`)
		}
		sst.WriteString(`>`)
		escape(&sst, s)
		sst.WriteString(`</t></si>`)
	}
	sst.WriteString(`</sst>`)

	var wb, rels, types strings.Builder
	wb.WriteString(xmlHeader + `<workbook xmlns="` + nsMain + `" xmlns:r="` + nsRel + `"><sheets>`)
	rels.WriteString(xmlHeader + `<Relationships xmlns="` + nsPkgRel + `">`)
	types.WriteString(xmlHeader + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
		`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>` +
		`<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>`)
	for i, name := range w.sheets {
		n := strconv.Itoa(i + 1)
		wb.WriteString(`<sheet name="`)
		escape(&wb, name)
		wb.WriteString(`" sheetId="` + n + `" r:id="rId` + n + `"/>`)
		rels.WriteString(`<Relationship Id="rId` + n + `" Type="` + nsRel + `/worksheet" Target="worksheets/sheet` + n + `.xml"/>`)
		types.WriteString(`<Override PartName="/xl/worksheets/sheet` + n + `.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`)
	}
	wb.WriteString(`</sheets></workbook>`)
	n := len(w.sheets)
	rels.WriteString(`<Relationship Id="rId` + strconv.Itoa(n+1) + `" Type="` + nsRel + `/styles" Target="styles.xml"/>`)
	rels.WriteString(`<Relationship Id="rId` + strconv.Itoa(n+2) + `" Type="` + nsRel + `/sharedStrings" Target="sharedStrings.xml"/>`)
	rels.WriteString(`</Relationships>`)
	types.WriteString(`</Types>`)

	for _, part := range []struct{ name, data string }{
		{"xl/sharedStrings.xml", sst.String()},
		{"xl/styles.xml", styles},
		{"xl/workbook.xml", wb.String()},
		{"xl/_rels/workbook.xml.rels", rels.String()},
		{"_rels/.rels", xmlHeader + `<Relationships xmlns="` + nsPkgRel + `"><Relationship Id="rId1" Type="` + nsRel + `/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"[Content_Types].xml", types.String()},
	} {
		f, err := w.create(part.name)
		if err != nil {
			return w.fail(err)
		}
		if _, err := io.WriteString(f, part.data); err != nil {
			return w.fail(err)
		}
	}
	return w.fail(w.zw.Close())
}

const (
	xmlHeader = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"
	nsMain    = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
	nsRel     = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	nsPkgRel  = "http://schemas.openxmlformats.org/package/2006/relationships"
)

// styles is the least style sheet Excel accepts: one font, the two fills
// it reserves, one border, one cell format.
const styles = xmlHeader + `<styleSheet xmlns="` + nsMain + `">` +
	`<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>` +
	`<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>` +
	`<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>` +
	`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
	`<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>` +
	`<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>` +
	`</styleSheet>`

// cellRef returns the A1 reference of column col (from 0) in row row.
func cellRef(col, row int) string {
	var b [8]byte
	i := len(b)
	for col++; col > 0; col = (col - 1) / 26 {
		i--
		b[i] = byte('A' + (col-1)%26)
	}
	return string(b[i:]) + strconv.Itoa(row)
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// escape writes s as XML text with SpreadsheetML's escapes: _xHHHH_ for
// characters XML cannot hold, and _x005F_ for the underscore of a literal
// "_xHHHH_".
func escape(b *strings.Builder, s string) {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '&':
			b.WriteString("&amp;")
		case r == '"':
			b.WriteString("&quot;")
		case r == '\r':
			b.WriteString("&#xD;") // else XML reads it as a line feed
		case r == '_' && isEscapeAt(s[i:]):
			b.WriteString("_x005F_")
		case r < 0x20 && r != '\t' && r != '\n' || r == 0xFFFE || r == 0xFFFF:
			fmt.Fprintf(b, "_x%04X_", r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
}

// isEscapeAt reports whether s starts with "_xHHHH_".
func isEscapeAt(s string) bool {
	if len(s) < 7 || s[1] != 'x' || s[6] != '_' {
		return false
	}
	for _, c := range []byte(s[2:6]) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}
