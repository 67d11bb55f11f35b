package corpus

import (
	"testing"
	"unicode/utf8"
)

// TestKWICBytes checks that KWICBytes over the offsets ByteOffsets gives
// is KWIC over code points, for every range of texts with emoji, Chinese,
// combining marks and runs of white space.
func TestKWICBytes(t *testing.T) {
	for _, tc := range []struct{ name, text string }{
		{"ASCII", "The bureau gave us  seed\n\nfunding in 2020."},
		{"EmojiAndChinese", "Wang: 😀 我们的协会制定了标准。\n\nZhao: The bureau 👩‍👩‍👧 funded training."},
		{"CombiningMarks", "Cafe\u0301 au lait, nai\u0308ve  \t re\u0301sume\u0301"},
		{"Empty", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := utf8.RuneCountInString(tc.text)
			var cps []int
			for i := -1; i <= n+2; i++ {
				cps = append(cps, i)
			}
			bs := ByteOffsets(tc.text, cps)
			for i, s := range cps {
				for _, e := range cps[i:] {
					for _, w := range []int{0, 3, 40} {
						l, h, r := KWIC(tc.text, s, e, w)
						gl, gh, gr := KWICBytes(tc.text, bs[i], bs[i+(e-s)], w)
						if gl != l || gh != h || gr != r {
							t.Fatalf("[%d,%d) width %d: KWICBytes gives %q %q %q, KWIC %q %q %q", s, e, w, gl, gh, gr, l, h, r)
						}
					}
				}
			}
		})
	}
}
