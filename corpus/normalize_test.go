package corpus

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestNormalizeMap(t *testing.T) {
	tests := []struct {
		name    string
		raw     string
		text    string
		changes []string
		maps    []int // maps[i] = Map(i) for i in 0..len(raw runes)
	}{
		{"Unchanged", "ab\nc", "ab\nc", nil, []int{0, 1, 2, 3, 4}},
		{"Empty", "", "", nil, []int{0}},
		{"CRLF", "a\r\nb", "a\nb", []string{"CRLF→LF: 1 line end"}, []int{0, 1, 1, 2, 3}},
		{"CRLFTwice", "\r\n\r\n", "\n\n", []string{"CRLF→LF: 2 line ends"}, []int{0, 0, 1, 1, 2}},
		{"LoneCR", "a\rb\r", "a\nb\n", []string{"CR→LF: 2 line ends"}, []int{0, 1, 2, 3, 4}},
		{"CRCRLF", "\r\r\n", "\n\n", []string{"CRLF→LF: 1 line end", "CR→LF: 1 line end"}, []int{0, 1, 1, 2}},
		{"Control", "a\x07b", "ab", []string{"control characters removed: 1 character"}, []int{0, 1, 1, 2}},
		{"ControlsAtEnds", "\x01a\x02", "a", []string{"control characters removed: 2 characters"}, []int{0, 0, 1, 1}},
		{"TabKept", "a\tb", "a\tb", nil, []int{0, 1, 2, 3}},
		{"BOM", "\uFEFFab", "ab", []string{"BOM removed"}, []int{0, 0, 1, 2}},
		{"InnerFEFFKept", "a\uFEFFb", "a\uFEFFb", nil, []int{0, 1, 2, 3}},
		{"Combining", "e\u0301x", "éx", []string{"NFC: 1 character recomposed"}, []int{0, 0, 1, 2}},
		{"CombiningAfterCRLF", "a\r\ne\u0301", "a\né", []string{"CRLF→LF: 1 line end", "NFC: 1 character recomposed"}, []int{0, 1, 1, 2, 2, 3}},
		{"TwoMarks", "a\u0323\u0307z", "\u1ea1\u0307z", []string{"NFC: 1 character recomposed"}, []int{0, 0, 0, 2, 3}},
		{"Hangul", "\u1100\u1161\u11a8!", "각!", []string{"NFC: 1 character recomposed"}, []int{0, 0, 0, 1, 2}},
		{"Singleton", "\u212b", "\u00c5", []string{"NFC: 1 character recomposed"}, []int{0, 1}},
		{"Expands", "\u0958", "\u0915\u093c", []string{"NFC: 1 character recomposed"}, []int{0, 2}},
		{"Emoji", "😀\r\n😀e\u0301", "😀\n😀é", []string{"CRLF→LF: 1 line end", "NFC: 1 character recomposed"}, []int{0, 1, 1, 2, 3, 3, 4}},
		{"Chinese", "访谈\r\n好", "访谈\n好", []string{"CRLF→LF: 1 line end"}, []int{0, 1, 2, 2, 3, 4}},
		{"InvalidUTF8", "a\xffb", "a\uFFFDb", []string{"invalid UTF-8 replaced by U+FFFD: 1 byte"}, []int{0, 1, 2, 3}},
		{"ControlBetweenBaseAndMark", "e\x01\u0301", "é", []string{"control characters removed: 1 character", "NFC: 1 character recomposed"}, []int{0, 0, 0, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, changes, m := NormalizeMap(tt.raw)
			if text != tt.text {
				t.Errorf("text = %q, want %q", text, tt.text)
			}
			if fmt.Sprintf("%q", changes) != fmt.Sprintf("%q", tt.changes) {
				t.Errorf("changes = %q, want %q", changes, tt.changes)
			}
			var got []int
			for i := range tt.maps {
				got = append(got, m.Map(i))
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.maps) {
				t.Errorf("Map = %v, want %v", got, tt.maps)
			}
			if r, x := m.Len(); r != len(tt.maps)-1 || x != utf8.RuneCountInString(tt.text) {
				t.Errorf("Len = %d, %d", r, x)
			}
			impCheckMap(t, tt.raw, text, m)
		})
	}
}

func TestOffsetMapClampAndZero(t *testing.T) {
	_, _, m := NormalizeMap("a\r\nb")
	if got := m.Map(-5); got != 0 {
		t.Errorf("Map(-5) = %d", got)
	}
	if got := m.Map(100); got != 3 {
		t.Errorf("Map(100) = %d", got)
	}
	var zero OffsetMap
	if got := zero.Map(42); got != 42 {
		t.Errorf("zero Map(42) = %d", got)
	}
}

// impNormRef is a plain reference implementation of NormalizeMap's text.
func impNormRef(raw string) string {
	raw = strings.TrimPrefix(raw, "\uFEFF")
	var b strings.Builder
	for i := 0; i < len(raw); {
		r, size := utf8.DecodeRuneInString(raw[i:])
		switch {
		case r == '\r':
			b.WriteByte('\n')
			if i+1 < len(raw) && raw[i+1] == '\n' {
				size = 2
			}
		case r < 0x20 && r != '\n' && r != '\t':
		default:
			b.WriteRune(r) // invalid bytes become U+FFFD
		}
		i += size
	}
	return norm.NFC.String(b.String())
}

// impCheckMap checks an OffsetMap's properties: 0 maps to 0, the raw length
// to the text length, monotone, within bounds, and exact where nothing
// changed: an ASCII character followed by ASCII (so nothing can combine
// with it) lands on itself.
func impCheckMap(t testing.TB, raw, text string, m OffsetMap) {
	t.Helper()
	rawRunes := []rune(raw) // invalid bytes count as one code point each, as in NormalizeMap
	textRunes := []rune(text)
	if m.Map(0) != 0 {
		t.Fatalf("Map(0) = %d", m.Map(0))
	}
	if got := m.Map(len(rawRunes)); got != len(textRunes) {
		t.Fatalf("Map(%d) = %d, want %d", len(rawRunes), got, len(textRunes))
	}
	prev := 0
	for i := 0; i <= len(rawRunes); i++ {
		x := m.Map(i)
		if x < prev || x > len(textRunes) {
			t.Fatalf("Map(%d) = %d, previous %d, text length %d", i, x, prev, len(textRunes))
		}
		prev = x
		if i+1 < len(rawRunes) && rawRunes[i] >= 0x20 && rawRunes[i] < 0x7f &&
			(rawRunes[i+1] >= 0x20 && rawRunes[i+1] < 0x7f || rawRunes[i+1] == '\n' || rawRunes[i+1] == '\t') {
			if x >= len(textRunes) || textRunes[x] != rawRunes[i] || m.Map(i+1) != x+1 {
				t.Fatalf("Map(%d) = %d: raw %q does not land on itself in %q", i, x, rawRunes[i], text)
			}
		}
	}
}

func TestNormalizeMapRandom(t *testing.T) {
	palette := []string{"a", "b", " ", "\n", "\r\n", "\r", "\t", "\x01", "\x0c", "é", "e\u0301", "\u0301",
		"\u0323", "😀", "访", "，", "“", "\u3099", "カ", "\u1100", "\u1161", "\u11a8", "\u212b", "\u0958", "\uFEFF", "\xff", "\xe8\xae"}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 3000; i++ {
		var b strings.Builder
		for n := rng.IntN(20); n > 0; n-- {
			b.WriteString(palette[rng.IntN(len(palette))])
		}
		raw := b.String()
		text, _, m := NormalizeMap(raw)
		if want := impNormRef(raw); text != want {
			t.Fatalf("NormalizeMap(%q) = %q, want %q", raw, text, want)
		}
		impCheckMap(t, raw, text, m)
	}
}

func FuzzNormalizeMap(f *testing.F) {
	for _, s := range []string{"", "a\r\nb", "e\u0301", "\uFEFF\r\r\n\x01x", "😀\u0301", "\u1100\u1161\u11a8",
		"a" + strings.Repeat("\u0301", 40), "\xff\xfe", "访谈者：\r\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		text, changes, m := NormalizeMap(raw)
		if want := impNormRef(raw); text != want {
			t.Fatalf("NormalizeMap(%q) = %q, want %q", raw, text, want)
		}
		if (changes == nil) != (text == raw) {
			t.Fatalf("changes %q for %q -> %q", changes, raw, text)
		}
		impCheckMap(t, raw, text, m)
		// Normalising again changes nothing.
		if again, ch, _ := NormalizeMap(text); again != text || ch != nil {
			t.Fatalf("not idempotent: %q -> %q (%q)", text, again, ch)
		}
	})
}

func BenchmarkNormalizeMap(b *testing.B) {
	raw := string(impTranscript(20 << 10))
	crlf := strings.ReplaceAll(raw, "\n", "\r\n")
	nfd := norm.NFD.String("Café, naïve résumé. ") + raw
	for _, bc := range []struct{ name, s string }{{"Clean", raw}, {"CRLF", crlf}, {"NFD", nfd}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.s)))
			for b.Loop() {
				NormalizeMap(bc.s)
			}
		})
	}
}

// TestNFCSafeSet checks that every character nfcSafePrefix skips is NFC,
// has combining class 0 and starts a normalisation segment.
func TestNFCSafeSet(t *testing.T) {
	n := 0
	for r := rune(0x80); r <= 0xFFFF; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		s := string(r)
		if len(s) != 3 || !nfcSafe3(s[0], s[1], s[2]) {
			continue
		}
		n++
		p := norm.NFC.PropertiesString(s)
		if p.CCC() != 0 || !p.BoundaryBefore() || len(p.Decomposition()) != 0 || norm.NFC.String(s) != s {
			t.Errorf("%U is not safe: ccc %d, boundary before %v, decomposition %q", r, p.CCC(), p.BoundaryBefore(), p.Decomposition())
		}
	}
	if want := (0x9FFF - 0x4E00 + 1) + (0x3029 - 0x3000 + 1) + (0xFF5E - 0xFF01 + 1) + (0x2027 - 0x2010 + 1); n != want {
		t.Errorf("safe set has %d characters, want %d", n, want)
	}
	for _, s := range []string{"访谈", "a访\u0301", "，\u3099", "abc", "“x”\u0301"} {
		if got, want := norm.NFC.String(s[:quickSpanNFC(s)]), s[:quickSpanNFC(s)]; got != want {
			t.Errorf("quickSpanNFC(%q) = %d: prefix not NFC", s, quickSpanNFC(s))
		}
		if q := quickSpanNFC(s); norm.NFC.String(s) != s[:q]+norm.NFC.String(s[q:]) {
			t.Errorf("quickSpanNFC(%q) = %d is not a boundary", s, q)
		}
	}
}
