package corpus

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// Encoding names recorded in Source.Encoding.
const (
	EncUTF8    = "utf-8"
	EncUTF8BOM = "utf-8-bom"
	EncUTF16LE = "utf-16le"
	EncUTF16BE = "utf-16be"
	EncGB18030 = "gb18030"
)

// decodedText is the result of decoding a text file's bytes.
type decodedText struct {
	text     string // UTF-8, byte-order mark removed
	encoding string // one of the Enc* names
	bom      bool   // a byte-order mark was removed
}

// encodingChoice is a parsed ParseOptions.Encoding.
type encodingChoice int

const (
	encAuto encodingChoice = iota
	encForceUTF8
	encForceUTF16 // BOM, else guessed byte order
	encForceUTF16LE
	encForceUTF16BE
	encForceGB18030
)

// parseEncodingName maps an encoding name (case and "-"/"_" insensitive) to
// a choice. It accepts "", "auto", "utf-8", "utf-16", "utf-16le",
// "utf-16be", "gb18030" and its subsets "gbk", "gb2312", "cp936".
func parseEncodingName(name string) (encodingChoice, bool) {
	n := strings.ToLower(strings.TrimSpace(name))
	n = strings.NewReplacer("-", "", "_", "").Replace(n)
	switch n {
	case "", "auto":
		return encAuto, true
	case "utf8":
		return encForceUTF8, true
	case "utf16":
		return encForceUTF16, true
	case "utf16le":
		return encForceUTF16LE, true
	case "utf16be":
		return encForceUTF16BE, true
	case "gb18030", "gbk", "gb2312", "cp936":
		return encForceGB18030, true
	}
	return encAuto, false
}

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

// decodeTextFile decodes the bytes of a text format (.txt, .md, .vtt, .srt)
// to UTF-8, refusing binary data. encName is ParseOptions.Encoding.
func decodeTextFile(file string, data []byte, encName string) (decodedText, error) {
	choice, ok := parseEncodingName(encName)
	if !ok {
		return decodedText{}, importFail(file, ErrEncoding,
			fmt.Sprintf("unknown encoding %q (want auto, utf-8, utf-16 or gb18030)", encName))
	}
	utf16Forced := choice == encForceUTF16 || choice == encForceUTF16LE || choice == encForceUTF16BE
	if err := sniffBinary(file, data, utf16Forced); err != nil {
		return decodedText{}, err
	}
	switch choice {
	case encForceUTF8:
		if bytes.HasPrefix(data, bomUTF8) {
			return decodeUTF8(file, data, len(bomUTF8))
		}
		return decodeUTF8(file, data, 0)
	case encForceUTF16:
		switch {
		case bytes.HasPrefix(data, bomUTF16LE):
			return decodeUTF16(file, data, len(bomUTF16LE), false)
		case bytes.HasPrefix(data, bomUTF16BE):
			return decodeUTF16(file, data, len(bomUTF16BE), true)
		}
		return decodeUTF16(file, data, 0, guessBigEndian(data))
	case encForceUTF16LE:
		if bytes.HasPrefix(data, bomUTF16LE) {
			return decodeUTF16(file, data, 2, false)
		}
		return decodeUTF16(file, data, 0, false)
	case encForceUTF16BE:
		if bytes.HasPrefix(data, bomUTF16BE) {
			return decodeUTF16(file, data, 2, true)
		}
		return decodeUTF16(file, data, 0, true)
	case encForceGB18030:
		return decodeGB18030(file, data, true)
	}

	// Auto: a byte-order mark decides; else UTF-8 if valid; else GB18030
	// if the bytes look like Chinese text in it.
	switch {
	case bytes.HasPrefix(data, bomUTF8):
		return decodeUTF8(file, data, len(bomUTF8))
	case bytes.HasPrefix(data, bomUTF16LE):
		return decodeUTF16(file, data, 2, false)
	case bytes.HasPrefix(data, bomUTF16BE):
		return decodeUTF16(file, data, 2, true)
	}
	if utf8.Valid(data) {
		return decodeUTF8(file, data, 0)
	}
	return decodeGB18030(file, data, false)
}

// sniffBinary refuses files that are plainly not text: known binary
// signatures, NUL bytes and a high density of control bytes. UTF-16 (with a
// byte-order mark, or forced) is checked by code unit in decodeUTF16.
func sniffBinary(file string, data []byte, utf16Forced bool) error {
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")), bytes.HasPrefix(data, []byte("PK\x05\x06")):
		return importFailAt(file, 0, ErrBinary, "this is a zip archive, not text (a Word file? name it .docx)")
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return importFailAt(file, 0, ErrBinary, "this is a PDF file, not text (name it .pdf)")
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		return importFailAt(file, 0, ErrBinary, "this is an old binary Office file (.doc?), not text; save it as .docx")
	}
	if utf16Forced || bytes.HasPrefix(data, bomUTF16LE) || bytes.HasPrefix(data, bomUTF16BE) {
		return nil // decodeUTF16 checks code units
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		msg := "NUL byte: this looks like binary data, not text"
		if looksUTF16NoBOM(data) {
			msg = "NUL bytes: this looks like UTF-16 without a byte-order mark; use --encoding utf-16"
		}
		return importFailAt(file, int64(i), ErrBinary, msg)
	}
	// UTF-8 and GB18030 never use bytes below 0x20 inside multi-byte
	// sequences, so the raw bytes can be checked here.
	first, n := -1, 0
	for i, c := range data {
		if c < 0x20 && isBinaryControl(rune(c)) {
			if first < 0 {
				first = i
			}
			n++
		}
	}
	if tooManyControls(n, len(data)) {
		return importFailAt(file, int64(first), ErrBinary,
			fmt.Sprintf("%d control bytes: this looks like binary data, not text", n))
	}
	return nil
}

// isBinaryControl reports whether c is a C0 control that text files do not
// normally hold (tab, line ends, form feed, vertical tab and the DOS
// end-of-file mark are normal).
func isBinaryControl(c rune) bool {
	switch c {
	case '\t', '\n', '\r', '\f', '\v', 0x1A:
		return false
	}
	return c < 0x20
}

// tooManyControls decides when stray control characters make a file binary:
// more than 8 and more than 1 in 200 characters. Fewer are dropped by
// normalisation, which says so in Source.Changes.
func tooManyControls(n, size int) bool {
	return n > 8 && n*200 > size
}

// looksUTF16NoBOM reports whether NUL bytes sit mostly at one parity, as in
// mostly-ASCII UTF-16 text.
func looksUTF16NoBOM(data []byte) bool {
	var even, odd int
	for i, c := range data[:min(len(data), 4096)] {
		if c == 0 {
			if i%2 == 0 {
				even++
			} else {
				odd++
			}
		}
	}
	n := min(len(data), 4096) / 2
	return n >= 8 && (even*10 > n*6 && odd*10 < n || odd*10 > n*6 && even*10 < n)
}

// guessBigEndian guesses the byte order of UTF-16 without a byte-order mark
// from where the NUL bytes of ASCII characters fall.
func guessBigEndian(data []byte) bool {
	var even, odd int
	for i, c := range data[:min(len(data), 4096)] {
		if c == 0 {
			if i%2 == 0 {
				even++
			} else {
				odd++
			}
		}
	}
	return even > odd
}

func decodeUTF8(file string, data []byte, skip int) (decodedText, error) {
	body := data[skip:]
	if !utf8.Valid(body) {
		off := skip + firstInvalidUTF8(body)
		return decodedText{}, importFailAt(file, int64(off), ErrEncoding,
			"invalid UTF-8 (if the file is Chinese in GBK/GB18030, use --encoding gb18030)")
	}
	d := decodedText{text: string(body), encoding: EncUTF8}
	if skip > 0 {
		d.encoding, d.bom = EncUTF8BOM, true
	}
	return d, nil
}

// firstInvalidUTF8 returns the byte offset of the first invalid UTF-8
// sequence in b, or len(b).
func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(b)
}

// decodeUTF16 decodes UTF-16 starting at data[skip:], checking for NUL
// code units, control density and unpaired surrogates.
func decodeUTF16(file string, data []byte, skip int, bigEndian bool) (decodedText, error) {
	body := data[skip:]
	if len(body)%2 != 0 {
		return decodedText{}, importFailAt(file, int64(len(data)-1), ErrEncoding,
			"odd number of bytes for UTF-16 (truncated file?)")
	}
	unit := func(i int) uint16 {
		if bigEndian {
			return uint16(body[i])<<8 | uint16(body[i+1])
		}
		return uint16(body[i+1])<<8 | uint16(body[i])
	}
	var sb strings.Builder
	sb.Grow(len(body) / 2 * 3 / 2)
	firstCtl, nCtl := -1, 0
	for i := 0; i < len(body); i += 2 {
		u := unit(i)
		off := int64(skip + i)
		switch {
		case u == 0:
			return decodedText{}, importFailAt(file, off, ErrBinary, "NUL character: this looks like binary data, not text")
		case u < 0x20:
			if isBinaryControl(rune(u)) {
				if firstCtl < 0 {
					firstCtl = skip + i
				}
				nCtl++
			}
			sb.WriteByte(byte(u))
		case utf16.IsSurrogate(rune(u)):
			if u >= 0xDC00 || i+3 >= len(body) {
				return decodedText{}, importFailAt(file, off, ErrEncoding, "invalid UTF-16: unpaired surrogate")
			}
			r := utf16.DecodeRune(rune(u), rune(unit(i+2)))
			if r == utf8.RuneError {
				return decodedText{}, importFailAt(file, off, ErrEncoding, "invalid UTF-16: unpaired surrogate")
			}
			sb.WriteRune(r)
			i += 2
		default:
			sb.WriteRune(rune(u))
		}
	}
	if tooManyControls(nCtl, len(body)/2) {
		return decodedText{}, importFailAt(file, int64(firstCtl), ErrBinary,
			fmt.Sprintf("%d control characters: this looks like binary data, not text", nCtl))
	}
	d := decodedText{text: sb.String(), encoding: EncUTF16LE, bom: skip > 0}
	if bigEndian {
		d.encoding = EncUTF16BE
	}
	return d, nil
}

// decodeGB18030 decodes GB18030 (a superset of GBK and GB2312). Unless
// forced, it first checks that the bytes look like Chinese text: most
// two-byte characters must be common (GB2312 level-1) hanzi or
// punctuation, which Latin-1 or Windows-1252 text misread as GB18030 is not.
func decodeGB18030(file string, data []byte, forced bool) (decodedText, error) {
	bad, plausible, multi := scanGB18030(data)
	if bad >= 0 {
		if forced {
			return decodedText{}, importFailAt(file, int64(bad), ErrEncoding, "invalid GB18030 byte sequence")
		}
		return decodedText{}, importFailAt(file, int64(firstInvalidUTF8(data)), ErrEncoding,
			"invalid UTF-8, and not GB18030 either; convert the file to UTF-8 or name its encoding with --encoding")
	}
	if !forced && (multi == 0 || plausible*10 < multi*6) {
		return decodedText{}, importFailAt(file, int64(firstInvalidUTF8(data)), ErrEncoding,
			"invalid UTF-8, and it does not look like GB18030 Chinese text; convert the file to UTF-8 or name its encoding with --encoding")
	}
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	if err != nil {
		return decodedText{}, importFail(file, ErrEncoding, "GB18030: "+err.Error())
	}
	if bytes.ContainsRune(out, utf8.RuneError) {
		if off := firstUndecodableGB18030(data); off >= 0 {
			return decodedText{}, importFailAt(file, int64(off), ErrEncoding, "invalid GB18030 byte sequence")
		}
	}
	return decodedText{text: string(out), encoding: EncGB18030}, nil
}

// gbSeqLen returns the length of the GB18030 sequence at b[0], or 0 if the
// bytes there are not a well-formed sequence.
func gbSeqLen(b []byte) int {
	c := b[0]
	switch {
	case c < 0x80 || c == 0x80: // ASCII; 0x80 is the euro sign in CP936
		return 1
	case c == 0xFF:
		return 0
	}
	if len(b) < 2 {
		return 0
	}
	c1 := b[1]
	switch {
	case c1 >= 0x40 && c1 <= 0x7E, c1 >= 0x80 && c1 <= 0xFE:
		return 2
	case c1 >= 0x30 && c1 <= 0x39:
		if len(b) < 4 || b[2] < 0x81 || b[2] > 0xFE || b[3] < 0x30 || b[3] > 0x39 {
			return 0
		}
		return 4
	}
	return 0
}

// scanGB18030 checks the structure of GB18030 bytes. bad is the offset of
// the first malformed sequence or -1; multi counts two-byte characters and
// plausible those among them that are GB2312 punctuation or level-1 hanzi.
func scanGB18030(b []byte) (bad, plausible, multi int) {
	for i := 0; i < len(b); {
		if b[i] < 0x80 {
			i++
			continue
		}
		n := gbSeqLen(b[i:])
		switch n {
		case 0:
			return i, plausible, multi
		case 2:
			multi++
			c, c1 := b[i], b[i+1]
			if c1 >= 0xA1 && (c >= 0xA1 && c <= 0xA9 || c >= 0xB0 && c <= 0xD7) {
				plausible++
			}
		}
		i += n
	}
	return -1, plausible, multi
}

// firstUndecodableGB18030 returns the offset of the first well-formed but
// unmapped GB18030 sequence, or -1. It is only called on the error path.
func firstUndecodableGB18030(b []byte) int {
	dec := simplifiedchinese.GB18030.NewDecoder()
	encodedFFFD := []byte{0x84, 0x31, 0xA4, 0x37}
	for i := 0; i < len(b); {
		n := gbSeqLen(b[i:])
		if n == 0 {
			return i
		}
		if n > 1 && !bytes.Equal(b[i:i+n], encodedFFFD) {
			out, err := dec.Bytes(b[i : i+n])
			if err != nil || bytes.ContainsRune(out, utf8.RuneError) {
				return i
			}
		}
		i += n
	}
	return -1
}
