package analysis

import "unicode"

// Words returns the number of words in s: runs of letters, digits and
// marks, an apostrophe or hyphen between two of them joining the run (and a
// comma or point between two digits: "300,000"), plus one word per Han,
// Hiragana or Katakana character. See the package documentation.
func Words(s string) int { return countWords([]rune(s)) }

func countWords(rs []rune) int {
	n := 0
	in := false // inside a run of letters or digits
	for i, r := range rs {
		switch {
		case isCJK(r):
			n++
			in = false
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) || unicode.IsNumber(r):
			if !in {
				n++
				in = true
			}
		case in && isJoiner(r) && i+1 < len(rs) && isWordRune(rs[i+1]):
			// "don't", "rent-free": stay in the word.
		case in && (r == '.' || r == ',') && i > 0 && unicode.IsDigit(rs[i-1]) && i+1 < len(rs) && unicode.IsDigit(rs[i+1]):
			// "300,000", "3.5": one number.
		default:
			in = false
		}
	}
	return n
}

func isCJK(r rune) bool {
	return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r)
}

func isWordRune(r rune) bool {
	return !isCJK(r) && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsNumber(r))
}

func isJoiner(r rune) bool {
	switch r {
	case '\'', '’', '-', '‐', '‑':
		return true
	}
	return false
}
