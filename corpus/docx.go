package corpus

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
)

// Limits on .docx archives, beyond ParseOptions.MaxBytes for the main part.
const (
	docxMaxEntries = 10000
	docxMaxRels    = 1 << 20 // _rels/.rels
)

// OOXML namespaces.
const (
	nsWordML       = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	nsWordMLStrict = "http://purl.oclc.org/ooxml/wordprocessingml/main"
	nsMarkupCompat = "http://schemas.openxmlformats.org/markup-compatibility/2006"
	relOfficeDoc   = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
	relOfficeDocS  = "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"
)

// extractDOCX returns the text of a .docx file's main document part: each
// paragraph (w:p) as a line, w:tab as a tab, w:br and w:cr as a line
// break. Deleted text, field instructions and the fallback copies of
// alternate content are skipped; headers, footers, footnotes and comments
// are not read. The archive is checked first: at most docxMaxEntries
// entries, no entry with an absolute path or "..", a declared uncompressed
// total of at most 4×maxBytes, and a main part of at most maxBytes.
func extractDOCX(file string, data []byte, maxBytes int64) (string, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return "", importFail(file, ErrFormat, "not a .docx file: cannot read it as a zip archive ("+err.Error()+")")
	}
	if len(zr.File) > docxMaxEntries {
		return "", importFail(file, ErrFormat, fmt.Sprintf("archive has %d entries, more than %d", len(zr.File), docxMaxEntries))
	}
	// The archive may unpack to four times the size limit in all (media
	// included); only the main part is read.
	totalLimit := uint64(maxBytes)
	if totalLimit < 1<<60 {
		totalLimit *= 4
	}
	var total uint64
	for _, f := range zr.File {
		if !safeZipPath(f.Name) {
			return "", importFail(file, ErrFormat, fmt.Sprintf("unsafe path %q in archive: refusing it", f.Name))
		}
		total += f.UncompressedSize64
		if total > totalLimit || total < f.UncompressedSize64 {
			return "", importFail(file, ErrTooLarge, fmt.Sprintf("archive unpacks to more than %d bytes", totalLimit))
		}
	}
	name := "word/document.xml"
	if rels := zipEntry(zr, "_rels/.rels"); rels != nil {
		if b, err := readZipEntry(rels, docxMaxRels); err == nil {
			if target := mainDocumentTarget(b); target != "" {
				name = target
			}
		}
	}
	doc := zipEntry(zr, name)
	if doc == nil {
		return "", importFail(file, ErrFormat, "zip archive has no "+name+": not a Word .docx file")
	}
	if doc.UncompressedSize64 > uint64(maxBytes) {
		return "", importFail(file, ErrTooLarge, fmt.Sprintf("%s is %d bytes, over the limit of %d", name, doc.UncompressedSize64, maxBytes))
	}
	xmlData, err := readZipEntry(doc, maxBytes)
	if err != nil {
		if errors.Is(err, ErrTooLarge) {
			return "", importFail(file, ErrTooLarge, fmt.Sprintf("%s unpacks to more than %d bytes", name, maxBytes))
		}
		return "", importFail(file, ErrFormat, "cannot unpack "+name+": "+err.Error())
	}
	text, err := docxText(xmlData)
	if err != nil {
		var se *xml.SyntaxError
		if errors.As(err, &se) {
			return "", importFail(file, ErrFormat, fmt.Sprintf("broken XML in %s line %d: %s", name, se.Line, se.Msg))
		}
		return "", importFail(file, ErrFormat, fmt.Sprintf("broken XML in %s: %v", name, err))
	}
	return text, nil
}

// safeZipPath reports whether an archive entry name is relative and stays
// inside the archive.
func safeZipPath(name string) bool {
	n := strings.ReplaceAll(name, `\`, "/")
	if n == "" || strings.HasPrefix(n, "/") || len(n) >= 2 && n[1] == ':' || strings.ContainsRune(n, 0) {
		return false
	}
	for _, el := range strings.Split(n, "/") {
		if el == ".." {
			return false
		}
	}
	return true
}

func zipEntry(zr *zip.Reader, name string) *zip.File {
	for _, f := range zr.File {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// readZipEntry reads an entry, refusing more than limit bytes whatever its
// header says.
func readZipEntry(f *zip.File, limit int64) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, ErrTooLarge
	}
	return b, nil
}

// mainDocumentTarget returns the archive path of the main document part
// named by a package's _rels/.rels, or "".
func mainDocumentTarget(rels []byte) string {
	var r struct {
		Rel []struct {
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if xml.Unmarshal(rels, &r) != nil {
		return ""
	}
	for _, rel := range r.Rel {
		if rel.Type == relOfficeDoc || rel.Type == relOfficeDocS {
			t := path.Clean("/" + strings.ReplaceAll(rel.Target, `\`, "/"))[1:]
			if t != "" && safeZipPath(t) {
				return t
			}
		}
	}
	return ""
}

// docxText walks WordprocessingML and returns its text.
func docxText(data []byte) (string, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	var (
		b     strings.Builder
		skip  int // depth inside skipped elements
		inT   int // depth inside w:t
		inRun int // depth inside w:r
	)
	b.Grow(len(data) / 4)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if skip > 0 {
				skip++
				continue
			}
			w := t.Name.Space == nsWordML || t.Name.Space == nsWordMLStrict
			switch {
			case t.Name.Space == nsMarkupCompat && t.Name.Local == "Fallback",
				w && (t.Name.Local == "delText" || t.Name.Local == "instrText" ||
					t.Name.Local == "pPr" || t.Name.Local == "rPr" || t.Name.Local == "sectPr"):
				skip = 1
			case !w:
			case t.Name.Local == "r":
				inRun++
			case t.Name.Local == "t":
				inT++
			case inRun == 0:
			case t.Name.Local == "tab":
				b.WriteByte('\t')
			case t.Name.Local == "br", t.Name.Local == "cr":
				b.WriteByte('\n')
			case t.Name.Local == "noBreakHyphen":
				b.WriteByte('-')
			}
		case xml.EndElement:
			if skip > 0 {
				skip--
				continue
			}
			if t.Name.Space != nsWordML && t.Name.Space != nsWordMLStrict {
				continue
			}
			switch t.Name.Local {
			case "r":
				inRun = max(inRun-1, 0)
			case "t":
				inT = max(inT-1, 0)
			case "p":
				b.WriteByte('\n')
			}
		case xml.CharData:
			if skip == 0 && inT > 0 {
				b.Write(t)
			}
		}
	}
	return b.String(), nil
}
