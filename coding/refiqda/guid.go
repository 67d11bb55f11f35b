package refiqda

import (
	"strings"

	"github.com/google/uuid"
)

// qualgraphNamespace is the fixed UUID v5 namespace under which StableGUID
// derives its GUIDs. Changing it changes every exported GUID.
var qualgraphNamespace = uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://github.com/qualgraph/qualgraph/coding/refiqda"))

// StableGUID returns a name-based (version 5) UUID for key within namespace,
// in the canonical form WriteQDPX writes (lower case, no braces). The same
// namespace and key always give the same GUID, so callers that derive GUIDs
// from their own identifiers ("code", codeID) keep them from one export to
// the next, and other tools see the same objects.
func StableGUID(namespace, key string) string {
	ns := uuid.NewSHA1(qualgraphNamespace, []byte(namespace))
	return uuid.NewSHA1(ns, []byte(key)).String()
}

// canonicalGUID returns s in the canonical form, lower case without
// braces, and reports whether s matches the schema's GUIDType pattern
// (8-4-4-4-12 hex digits, optionally in braces; surrounding blanks allowed
// because the type is a token).
func canonicalGUID(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) == 38 && s[0] == '{' && s[37] == '}' {
		s = s[1:37]
	}
	if len(s) != 36 {
		return s, false
	}
	b := []byte(s)
	for i, c := range b {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return s, false
			}
			continue
		}
		switch {
		case '0' <= c && c <= '9', 'a' <= c && c <= 'f':
		case 'A' <= c && c <= 'F':
			b[i] = c + ('a' - 'A')
		default:
			return s, false
		}
	}
	return string(b), true
}

// canonicalColor returns s as "#RRGGBB" (upper case, three-digit forms
// expanded) and reports whether s matches the schema's RGBType pattern.
func canonicalColor(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) != 4 && len(s) != 7 || s[0] != '#' {
		return s, false
	}
	hex := strings.ToUpper(s[1:])
	for i := 0; i < len(hex); i++ {
		c := hex[i]
		if !('0' <= c && c <= '9' || 'A' <= c && c <= 'F') {
			return s, false
		}
	}
	if len(hex) == 3 {
		hex = string([]byte{hex[0], hex[0], hex[1], hex[1], hex[2], hex[2]})
	}
	return "#" + hex, true
}
