// Package cellsafe keeps text written to spreadsheet files (CSV, XLSX) from
// being taken for a formula, as OWASP's "CSV Injection" page describes: a
// cell that begins with =, +, -, @, tab or carriage return is prefixed with
// a single quote, so Excel, LibreOffice and Google Sheets show it as text.
//
// A number keeps its sign: a cell that is a plain decimal number ("-1.5",
// "+3", "-2e3") is left as it is, so negative values in numeric columns
// stay numbers.
package cellsafe

import "strconv"

// Text returns s as a spreadsheet cell that no spreadsheet runs as a
// formula: s with a leading single quote if it begins with =, +, -, @, tab
// or carriage return and is not a plain decimal number; s otherwise.
func Text(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '@', '\t', '\r':
		return "'" + s
	case '+', '-':
		if isNumber(s) {
			return s
		}
		return "'" + s
	}
	return s
}

// isNumber reports whether s is a decimal number: digits, at most one
// point, an optional exponent; no Inf, NaN, hex or underscores.
func isNumber(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c == '.' || c == '+' || c == '-' || c == 'e' || c == 'E') {
			return false
		}
	}
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}
