package refiqda

import (
	"strings"
	"testing"
	"unicode/utf16"

	"golang.org/x/text/unicode/norm"
)

func TestDecodeText(t *testing.T) {
	utf16le := func(s string, bom bool) []byte {
		var b []byte
		if bom {
			b = append(b, 0xFF, 0xFE)
		}
		for _, u := range utf16.Encode([]rune(s)) {
			b = append(b, byte(u), byte(u>>8))
		}
		return b
	}
	utf16be := func(s string) []byte {
		b := []byte{0xFE, 0xFF}
		for _, u := range utf16.Encode([]rune(s)) {
			b = append(b, byte(u>>8), byte(u))
		}
		return b
	}
	tests := []struct {
		name     string
		in       []byte
		want     string
		encoding string
		noted    bool
	}{
		{"UTF8", []byte("héllo 😀\r\n"), "héllo 😀\r\n", "UTF-8", false},
		{"UTF8BOM", []byte("\xEF\xBB\xBFhéllo"), "héllo", "UTF-8 with BOM", false},
		{"UTF16LEBOM", utf16le("中文 😀\r\n", true), "中文 😀\r\n", "UTF-16LE with BOM", false},
		{"UTF16BEBOM", utf16be("中文 😀"), "中文 😀", "UTF-16BE with BOM", false},
		{"UTF16LENoBOM", utf16le("plain ascii text", false), "plain ascii text", "UTF-16 without BOM", true},
		{"InvalidUTF8", []byte("a\xFFb\xC3"), "a\uFFFDb\uFFFD", "UTF-8", true},
		{"Empty", nil, "", "UTF-8", false},
		{"OddUTF16", append(utf16le("ab", true), 'x'), "ab", "UTF-16LE with BOM", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, enc, note := decodeText(tt.in)
			if got != tt.want || enc != tt.encoding || (note != "") != tt.noted {
				t.Errorf("decodeText = %q, %q, %q; want %q, %q, noted %v", got, enc, note, tt.want, tt.encoding, tt.noted)
			}
		})
	}
}

func TestUTF16Index(t *testing.T) {
	text := "a😀b中\r\n🎉🎉x"
	x := newUTF16Index(text)
	if got, want := x.len(), len(utf16.Encode([]rune(text))); got != want {
		t.Fatalf("len = %d, want %d", got, want)
	}
	// Walk the text: every code point boundary must map both ways.
	u := 0
	for cp, r := range []rune(text) {
		got, split := x.codePoint(u)
		if got != cp || split {
			t.Errorf("codePoint(%d) = %d, %v; want %d", u, got, split, cp)
		}
		if back := x.unit(cp); back != u {
			t.Errorf("unit(%d) = %d, want %d", cp, back, u)
		}
		if r >= 0x10000 {
			got, split := x.codePoint(u + 1)
			if got != cp || !split {
				t.Errorf("codePoint(%d) inside a pair = %d, %v; want %d, true", u+1, got, split, cp)
			}
		}
		u += utf16.RuneLen(r)
	}
	if got, _ := x.codePoint(u); got != runeLen(text) {
		t.Errorf("codePoint(end) = %d, want %d", got, runeLen(text))
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct {
		name string
		text string
		want string
		// maps lists (offset, start image, end image) in code points.
		maps [][3]int
	}{
		{"ASCII", "abc", "abc", [][3]int{{0, 0, 0}, {3, 3, 3}}},
		{"CRLF", "a\r\nb", "a\nb", [][3]int{{1, 1, 1}, {2, 1, 2}, {3, 2, 2}, {4, 3, 3}}},
		{"LoneCR", "a\rb", "a\rb", [][3]int{{2, 2, 2}}},
		{"Combining", "e\u0301x", "éx", [][3]int{{0, 0, 0}, {1, 0, 1}, {2, 1, 1}, {3, 2, 2}}},
		{"CombiningAfterASCII", "xe\u0301", "xé", [][3]int{{1, 1, 1}, {2, 1, 2}, {3, 2, 2}}},
		{"Hangul", "\u1100\u1161\u11A8!", "\uAC01!", [][3]int{{0, 0, 0}, {1, 0, 1}, {2, 0, 1}, {3, 1, 1}, {4, 2, 2}}},
		{"Emoji", "😀\r\n中e\u0301", "😀\n中é", [][3]int{{1, 1, 1}, {3, 2, 2}, {4, 3, 3}, {6, 4, 4}}},
		{"Reorder", "a\u0323\u0302b", "\u1EADb", [][3]int{{0, 0, 0}, {3, 1, 1}, {4, 2, 2}}},
		{"AlreadyNFC", "é中", "é中", [][3]int{{1, 1, 1}}},
		{"CRLFThenMark", "\r\n\u0301", "\n\u0301", [][3]int{{2, 1, 1}, {3, 2, 2}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, m := normalize(tt.text)
			if got != tt.want {
				t.Fatalf("normalize(%q) = %q, want %q", tt.text, got, tt.want)
			}
			for _, c := range tt.maps {
				if s, e := m.start(c[0]), m.end(c[0]); s != c[1] || e != c[2] {
					t.Errorf("offset %d maps to start %d, end %d; want %d, %d", c[0], s, e, c[1], c[2])
				}
			}
		})
	}
}

// checkNormalize checks normalize against x/text's NFC of the text with
// CRLF replaced, and that every range maps to a range whose text is the
// normalised text of the original range when the range cuts no segment.
func checkNormalize(t *testing.T, text string) {
	got, m := normalize(text)
	want := norm.NFC.String(strings.ReplaceAll(text, "\r\n", "\n"))
	if got != want {
		t.Fatalf("normalize(%q) = %q, want %q", text, got, want)
	}
	n, nn := runeLen(text), runeLen(got)
	prevS, prevE := 0, 0
	for p := 0; p <= n; p++ {
		s, e := m.start(p), m.end(p)
		if s < 0 || e > nn || s > e || s < prevS || e < prevE {
			t.Fatalf("%q: offset %d maps to %d, %d (text %d, normalised %d)", text, p, s, e, n, nn)
		}
		prevS, prevE = s, e
	}
	if m.start(0) != 0 || m.end(n) != nn {
		t.Fatalf("%q: ends map to %d, %d", text, m.start(0), m.end(n))
	}
}

func TestNormalizeProperties(t *testing.T) {
	for _, s := range []string{
		"", "\r", "\n", "\r\n\r\n", "a\r\r\nb", "e\u0301\u0301\u0301", "\u0301start",
		"Ω Å ﬁ", "क्षि", "한국어 \u1100\u1161", strings.Repeat("\u0301", 40) + "x",
		"😀👍🏽 family 👨‍👩‍👧", "mixed\r\n中文\r\nemoji 🎉 e\u0301",
	} {
		checkNormalize(t, s)
	}
}
