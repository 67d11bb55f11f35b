package cellsafe

import "testing"

func TestText(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"Empty", "", ""},
		{"Plain", "Science Bureau", "Science Bureau"},
		{"Equals", `=cmd|' /C calc'!A0`, `'=cmd|' /C calc'!A0`},
		{"Hyperlink", `=HYPERLINK("http://x","y")`, `'=HYPERLINK("http://x","y")`},
		{"Plus", "+SUM(1,2)", "'+SUM(1,2)"},
		{"Minus", "-2+3", "'-2+3"},
		{"At", "@SUM(A1:A2)", "'@SUM(A1:A2)"},
		{"Tab", "\t=1", "'\t=1"},
		{"CR", "\r=1", "'\r=1"},
		{"NegativeNumber", "-1.5", "-1.5"},
		{"PositiveNumber", "+3", "+3"},
		{"Exponent", "-2e3", "-2e3"},
		{"Inf", "-Inf", "'-Inf"},
		{"Hex", "-0x1p3", "'-0x1p3"},
		{"Inside", "a=b", "a=b"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Text(tc.in); got != tc.want {
				t.Errorf("Text(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
