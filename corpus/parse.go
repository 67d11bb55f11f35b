package corpus

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"strings"
)

// DefaultMaxBytes is the file size limit used when ParseOptions.MaxBytes is
// zero or negative: 256 MiB.
const DefaultMaxBytes int64 = 256 << 20

// Source formats, as recorded in Source.Format.
const (
	FormatTXT  = "txt"
	FormatMD   = "md"
	FormatDOCX = "docx"
	FormatPDF  = "pdf"
	FormatVTT  = "vtt"
	FormatSRT  = "srt"
)

// ParseOptions controls Parse.
type ParseOptions struct {
	// Kind is stored in Document.Kind. When empty, Parse sets KindInterview
	// if it found speaker turns and KindDocument otherwise.
	Kind string
	// Encoding of text formats (.txt, .md, .vtt, .srt): "" or "auto"
	// (byte-order mark, else UTF-8, else GB18030 if the bytes look like
	// Chinese text), "utf-8", "utf-16" (byte-order mark, else guessed byte
	// order) or "gb18030" (also "gbk", "gb2312"). Ignored for .docx and .pdf.
	Encoding string
	// MaxBytes caps the file's size, and the unpacked size of a .docx's
	// main part; DefaultMaxBytes when zero or negative.
	MaxBytes int64
}

// FormatOf returns the format of a file from its extension (case does not
// matter): txt (also .text), md (also .markdown), docx, pdf, vtt, srt. ok
// is false for any other extension.
func FormatOf(path string) (format string, ok bool) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".txt", ".text":
		return FormatTXT, true
	case ".md", ".markdown":
		return FormatMD, true
	case ".docx":
		return FormatDOCX, true
	case ".pdf":
		return FormatPDF, true
	case ".vtt":
		return FormatVTT, true
	case ".srt":
		return FormatSRT, true
	}
	return "", false
}

// Parse imports one file: path names it (its extension picks the format,
// its base name becomes Document.Name) and data holds its bytes; Parse
// does no I/O; control characters in the name are replaced (CleanName).
// The caller sets Document.Imported and Document.Attrs.
//
// Parse returns an *ImportError wrapping ErrUnsupported (unknown
// extension), ErrTooLarge (over opt.MaxBytes), ErrEmpty (no bytes, or only
// white space), ErrBinary (binary data in a text format), ErrEncoding
// (undecodable bytes, with their offset, or an unknown opt.Encoding),
// ErrFormat (a broken .docx, .pdf, .vtt or .srt) or ErrNoText (a PDF
// without a text layer).
func Parse(path string, data []byte, opt ParseOptions) (*Document, error) {
	format, ok := FormatOf(path)
	if !ok {
		ext := filepath.Ext(path)
		if ext == "" {
			ext = "(none)"
		}
		return nil, importFail(path, ErrUnsupported, fmt.Sprintf(
			"unsupported file type %s: want .txt, .md, .docx, .pdf, .vtt or .srt", ext))
	}
	maxBytes := opt.MaxBytes
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	if int64(len(data)) > maxBytes {
		return nil, importFail(path, ErrTooLarge, fmt.Sprintf(
			"file is %s, over the import limit of %s", sizeString(int64(len(data))), sizeString(maxBytes)))
	}
	if len(data) == 0 {
		return nil, importFail(path, ErrEmpty, "empty file")
	}

	var (
		raw      string
		segs     []Segment // with offsets into raw, for cue formats
		encoding string
		bom      bool
		perLine  bool
	)
	switch format {
	case FormatTXT, FormatMD, FormatVTT, FormatSRT:
		d, err := decodeTextFile(path, data, opt.Encoding)
		if err != nil {
			return nil, err
		}
		raw, encoding, bom = d.text, d.encoding, d.bom
		if format == FormatVTT || format == FormatSRT {
			var cues []cue
			if format == FormatVTT {
				cues, err = parseVTT(path, raw)
			} else {
				cues, err = parseSRT(path, raw)
			}
			if err != nil {
				return nil, err
			}
			raw, segs = buildCueText(cues)
			if len(segs) == 0 {
				return nil, importFail(path, ErrEmpty, "no subtitle cues with text")
			}
		}
	case FormatDOCX:
		var err error
		if raw, err = extractDOCX(path, data, maxBytes); err != nil {
			return nil, err
		}
		encoding, perLine = EncUTF8, true
	case FormatPDF:
		var err error
		if raw, err = extractPDF(path, data); err != nil {
			return nil, err
		}
	}

	text, changes, m := NormalizeMap(raw)
	if bom {
		changes = append([]string{"BOM removed"}, changes...)
	}
	if isBlank(text) {
		if format == FormatPDF {
			return nil, importFail(path, ErrNoText, "the PDF has no text layer (a scanned document? run OCR on it first)")
		}
		return nil, importFail(path, ErrEmpty, "no text: the file holds only white space")
	}
	if segs == nil {
		segs = segmentText(text, perLine)
	} else {
		for i := range segs {
			segs[i].Start, segs[i].End = m.Map(segs[i].Start), m.Map(segs[i].End)
		}
		segs = trimSegments(text, segs)
	}

	kind := opt.Kind
	if kind == "" {
		kind = KindDocument
		for _, s := range segs {
			if s.Speaker != "" {
				kind = KindInterview
				break
			}
		}
	}
	fileSum := sha256.Sum256(data)
	textSum := sha256.Sum256([]byte(text))
	textSHA := hex.EncodeToString(textSum[:])
	_, chars := m.Len()
	return &Document{
		ID:    "d" + textSHA[:12],
		Name:  CleanName(filepath.Base(path)),
		Kind:  kind,
		Text:  text,
		Chars: chars,
		Source: Source{
			Path:     path,
			Format:   format,
			SHA256:   hex.EncodeToString(fileSum[:]),
			TextSHA:  textSHA,
			Encoding: encoding,
			Changes:  changes,
		},
		Segments: segs,
	}, nil
}

// sizeString formats a byte count for messages: "812 bytes", "3.2 MiB".
func sizeString(n int64) string {
	switch {
	case n < 1<<10:
		return fmt.Sprintf("%d bytes", n)
	case n < 1<<20:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	case n < 1<<30:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
}
