package corpus

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// TestKWICBytesRunes checks KWICBytes and ByteOffsets against the plain
// definitions they shortcut (refKWICBytes reads the contexts rune by rune,
// refByteOffsets ranges over every rune), on random texts of long ASCII
// runs, runs of white space, Chinese, emoji, combining marks and invalid
// UTF-8, for every range and several widths.
func TestKWICBytesRunes(t *testing.T) {
	pieces := []string{
		"the bureau gave us seed funding ", "industrial", " ", "  ", "\n\n", "\t", "\u3000",
		"我们的协会", "😀", "👩‍👩‍👧", "e\u0301", "\xff", "\x80", "\xe4\xbd", "x",
	}
	rng := rand.New(rand.NewPCG(10, 4))
	for c := range 300 {
		var b strings.Builder
		for range rng.IntN(12) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		text := b.String()
		n := utf8.RuneCountInString(text)
		cps := []int{-1}
		for i := 0; i <= n+2; i++ {
			cps = append(cps, i)
		}
		got, want := ByteOffsets(text, cps), refByteOffsets(text, cps)
		if !slices.Equal(got, want) {
			t.Fatalf("case %d: ByteOffsets(%q) = %v, want %v", c, text, got, want)
		}
		// A few offsets, far apart, as a search asks for them.
		some := []int{rng.IntN(n + 1), n + 5}
		if some[0] > 0 {
			some = append([]int{rng.IntN(some[0])}, some...)
		}
		if got, want := ByteOffsets(text, some), refByteOffsets(text, some); !slices.Equal(got, want) {
			t.Fatalf("case %d: ByteOffsets(%q, %v) = %v, want %v", c, text, some, got, want)
		}
		// Every range between code-point boundaries.
		bounds := slices.Compact(want)
		for x, i := range bounds {
			for _, j := range bounds[x:] {
				for _, w := range []int{0, 1, 3, 40} {
					gl, gh, gr := KWICBytes(text, i, j, w)
					wl, wh, wr := refKWICBytes(text, i, j, w)
					if gl != wl || gh != wh || gr != wr {
						t.Fatalf("case %d: KWICBytes(%q, %d, %d, %d) = %q %q %q, want %q %q %q", c, text, i, j, w, gl, gh, gr, wl, wh, wr)
					}
				}
			}
		}
	}
}

func refByteOffsets(text string, cps []int) []int {
	out := make([]int, len(cps))
	k, n := 0, 0
	for i := range text {
		for k < len(cps) && cps[k] <= n {
			out[k] = i
			k++
		}
		n++
	}
	for ; k < len(cps); k++ {
		out[k] = len(text)
	}
	return out
}

func refKWICBytes(text string, from, to, width int) (left, hit, right string) {
	var l []rune
	space := false
	for i := from; i > 0 && len(l) < width; {
		r, sz := utf8.DecodeLastRuneInString(text[:i])
		i -= sz
		if unicode.IsSpace(r) {
			if !space {
				l = append(l, ' ')
			}
			space = true
			continue
		}
		space = false
		l = append(l, r)
	}
	slices.Reverse(l)
	var r strings.Builder
	space = false
	n := 0
	for _, c := range text[to:] {
		if n >= width {
			break
		}
		if unicode.IsSpace(c) {
			if !space {
				r.WriteByte(' ')
				n++
			}
			space = true
			continue
		}
		space = false
		r.WriteRune(c)
		n++
	}
	return string(l), collapseSpace(text[from:to]), r.String()
}
