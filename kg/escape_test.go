package kg

import (
	"strings"
	"testing"
)

func TestEscapeField(t *testing.T) {
	tests := []struct{ name, in, escaped string }{
		{"Plain", "plain text", "plain text"},
		{"Controls", "a\tb\nc\rd", `a\tb\nc\rd`},
		{"Backslash", `C:\dir\n`, `C:\\dir\\n`},
		{"Chinese", "陈浩说：\n协会", `陈浩说：\n协会`},
		{"Empty", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := escapeField(tc.in); got != tc.escaped {
				t.Errorf("escapeField(%q) = %q, want %q", tc.in, got, tc.escaped)
			}
			if got := unescapeField(tc.escaped); got != tc.in {
				t.Errorf("unescapeField(%q) = %q, want %q", tc.escaped, got, tc.in)
			}
		})
	}
	// What escapeField never writes reads back as before this version
	// read it: an unknown escape is its character, a lone final
	// backslash itself.
	for in, want := range map[string]string{`a\q`: "aq", `end\`: `end\`, `\\\`: `\\`} {
		if got := unescapeField(in); got != want {
			t.Errorf("unescapeField(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzEscapeField checks that a field reads back as written and never
// holds a tab or line end.
func FuzzEscapeField(f *testing.F) {
	for _, s := range []string{"", "a\tb", `\\`, "x\r\n", "陈\\n浩"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e := escapeField(s)
		if strings.ContainsAny(e, "\t\n\r") {
			t.Fatalf("escapeField(%q) = %q holds a tab or line end", s, e)
		}
		if got := unescapeField(e); got != s {
			t.Fatalf("unescapeField(escapeField(%q)) = %q", s, got)
		}
	})
}
