package main

import "testing"

func TestCells(t *testing.T) {
	tests := []struct {
		s     string
		cells int
	}{
		{"", 0},
		{"cluster", 7},
		{"地方政府", 8},
		{"AI产业 came", 11},
		{"ＣＬＵＳＴＥＲ", 14},   // fullwidth Latin
		{"ｶﾞ", 2},         // halfwidth katakana and sound mark
		{"café", 4},       // precomposed
		{"cafe\u0301", 4}, // combining acute accent
		{"👍🏭", 4},         // emoji
		{"❤\ufe0f", 1},    // text-style heart, variation selector
		{"a\u200db", 2},   // zero-width joiner
		{"é̃", 1},         // two combining marks on e
		{"\t\x7f", 0},     // control characters
		{"受访者林：当时", 14},   // fullwidth colon
		{"한국어", 6},        // Hangul
		{"\U0002A6B2", 2}, // CJK extension B
		{"Ω≈ç√∫", 5},      // neutral and ambiguous: narrow
	}
	for _, tt := range tests {
		if got := cells(tt.s); got != tt.cells {
			t.Errorf("cells(%q) = %d, want %d", tt.s, got, tt.cells)
		}
	}
}

func TestTruncateCells(t *testing.T) {
	tests := []struct {
		s, tail string
		n       int
		want    string
	}{
		{"cluster", "…", 7, "cluster"},
		{"cluster", "…", 6, "clust…"},
		{"cluster", "", 3, "clu"},
		{"地方政府", "…", 8, "地方政府"},
		{"地方政府", "…", 7, "地方政…"},
		{"地方政府", "…", 6, "地方…"}, // 地方政 and … would take 7
		{"地方政府", "", 5, "地方"},
		{"a地方", "", 2, "a"},
		{"cafe\u0301s", "", 4, "cafe\u0301"}, // the mark stays with its letter
		{"abc", "…", 0, "…"},
	}
	for _, tt := range tests {
		if got := truncateCells(tt.s, tt.n, tt.tail); got != tt.want {
			t.Errorf("truncateCells(%q, %d, %q) = %q, want %q", tt.s, tt.n, tt.tail, got, tt.want)
		}
	}
}

func TestVisible(t *testing.T) {
	tests := []struct{ name, in, want, wantText string }{
		{"Plain", "Interview 3 (广东)", "Interview 3 (广东)", "Interview 3 (广东)"},
		{"ESC", "a\x1b[31mb", `a\x1b[31mb`, `a\x1b[31mb`},
		{"C1CSI", "a\u009b2Jb", `a\x9b2Jb`, `a\x9b2Jb`},
		{"DEL", "a\x7f", `a\x7f`, `a\x7f`},
		{"Bidi", "exe\u202etxt.\u2066x\u2069", `exe\u202etxt.\u2066x\u2069`, `exe\u202etxt.\u2066x\u2069`},
		{"Lines", "a\tb\nc", `a\x09b\x0ac`, "a\tb\nc"},
		{"CR", "a\rb", `a\x0db`, `a\x0db`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := visible(tt.in); got != tt.want {
				t.Errorf("visible(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if got := visibleText(tt.in); got != tt.wantText {
				t.Errorf("visibleText(%q) = %q, want %q", tt.in, got, tt.wantText)
			}
		})
	}
}
