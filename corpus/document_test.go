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
