package corpus

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestKWIC(t *testing.T) {
	const text = "Lin: We organised\nthe workers\n\n in 2003.  当时产业集群发展很快。😀 end"
	// at returns the code-point range of the first sub in text.
	at := func(sub string) (int, int) {
		i := strings.Index(text, sub)
		s := utf8.RuneCountInString(text[:i])
		return s, s + utf8.RuneCountInString(sub)
	}
	chStart, chEnd := at("产业集群")
	endStart, endEnd := at("end")
	tests := []struct {
		name              string
		start, end, width int
		left, hit, right  string
	}{
		{"OK", 8, 17, 8, "Lin: We ", "organised", " the wor"},
		{"NewlinesCollapsed", 18, 21, 40, "Lin: We organised ", "the", " workers in 2003. 当时产业集群发展很快。😀 end"},
		{"WidthCountsAfterCollapsing", 18, 21, 3, "ed ", "the", " wo"},
		{"HitWithNewline", 8, 21, 2, "e ", "organised the", " w"},
		{"Chinese", chStart, chEnd, 3, " 当时", "产业集群", "发展很"},
		{"AtStart", 0, 3, 5, "", "Lin", ": We "},
		{"AtEnd", endStart, endEnd, 4, "快。😀 ", "end", ""},
		{"ZeroWidth", 8, 17, 0, "", "organised", ""},
		{"StartClamped", -5, 3, 4, "", "Lin", ": We"},
		{"PastEnd", 60, 1000, 4, " end", "", ""},
		{"Reversed", 17, 8, 3, "sed", "", " th"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			left, hit, right := KWIC(text, tt.start, tt.end, tt.width)
			if left != tt.left || hit != tt.hit || right != tt.right {
				t.Errorf("KWIC(%d, %d, %d) = %q, %q, %q; want %q, %q, %q",
					tt.start, tt.end, tt.width, left, hit, right, tt.left, tt.hit, tt.right)
			}
		})
	}
}

func BenchmarkKWIC(b *testing.B) {
	text := strings.Repeat("The local government gave us nothing.\n\n当时产业集群发展很快。", 400)
	n := utf8.RuneCountInString(text)
	for b.Loop() {
		KWIC(text, n/2, n/2+10, 40)
	}
}
