package corpus

import "testing"

func TestUniqueName(t *testing.T) {
	taken := map[string]bool{"a.txt": true, "a (2).txt": true, "b": true}
	for _, tc := range []struct{ name, in, want string }{
		{"Free", "c.txt", "c.txt"},
		{"TakenWithExt", "a.txt", "a (3).txt"},
		{"TakenNoExt", "b", "b (2)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := UniqueName(tc.in, taken); got != tc.want {
				t.Errorf("UniqueName(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestControlChars(t *testing.T) {
	tests := []struct {
		name, in, clean string
		bad             bool
	}{
		{"Plain", "Interview 3.txt", "Interview 3.txt", false},
		{"ESC", "a\x1b[31m.txt", "a\uFFFD[31m.txt", true},
		{"NUL", "a\x00b", "a\uFFFDb", true},
		{"C1", "a\u0085b", "a\uFFFDb", true},
		{"TabNewline", "a\tb\nc", "a\uFFFDb\uFFFDc", false},
		{"Bidi", "a\u202eb", "a\u202eb", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CleanName(tt.in); got != tt.clean {
				t.Errorf("CleanName(%q) = %q, want %q", tt.in, got, tt.clean)
			}
			_, bad := ControlChar(tt.in)
			if bad != tt.bad {
				t.Errorf("ControlChar(%q) found %v, want %v", tt.in, bad, tt.bad)
			}
			_, err := NewAttr(AttrText, tt.in)
			if (err != nil) != tt.bad {
				t.Errorf("NewAttr(%q): %v", tt.in, err)
			}
		})
	}
}
