package corpus

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// AttrType is the type of a document attribute, as REFI-QDA's variables have
// types.
type AttrType string

// The attribute types.
const (
	AttrText    AttrType = "text"
	AttrInteger AttrType = "integer"
	AttrFloat   AttrType = "float"
	AttrDate    AttrType = "date"
	AttrBoolean AttrType = "boolean"
)

// Attr is one attribute value. Value is the canonical text form: integers
// in base 10, floats as strconv.FormatFloat(v, 'g', -1, 64), dates as
// YYYY-MM-DD, booleans as true or false.
type Attr struct {
	Type  AttrType `json:"type"`
	Value string   `json:"value"`
}

// Attrs maps attribute keys to values. It marshals to JSON as an object of
// typed values: {"region":"Dongguan","year":2015,"pilot":true}; dates are
// strings.
type Attrs map[string]Attr

// ErrAttr is wrapped by every attribute parse error.
var ErrAttr = errors.New("bad attribute")

// ParseAttr parses KEY=VALUE, inferring the type (integer, float, boolean,
// date YYYY-MM-DD, else text), or KEY:TYPE=VALUE to force one. A value
// shaped like a date that is none (2018-13-45) is an error.
func ParseAttr(s string) (string, Attr, error) {
	k, v, ok := strings.Cut(s, "=")
	if !ok {
		return "", Attr{}, fmt.Errorf("%w %q: want KEY=VALUE or KEY:TYPE=VALUE", ErrAttr, s)
	}
	k = strings.TrimSpace(k)
	var typ AttrType
	if name, t, ok := strings.Cut(k, ":"); ok {
		k, typ = name, AttrType(t)
	}
	if err := checkAttrKey(k); err != nil {
		return "", Attr{}, fmt.Errorf("%w %q: %v", ErrAttr, s, err)
	}
	a, err := NewAttr(typ, v)
	if err != nil {
		return "", Attr{}, fmt.Errorf("%w %q: %v", ErrAttr, s, err)
	}
	return k, a, nil
}

func checkAttrKey(k string) error {
	if k == "" {
		return errors.New("empty key")
	}
	for _, r := range k {
		if !(r == '_' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return fmt.Errorf("key %q: use letters, digits, '_' and '-' only", k)
		}
	}
	return nil
}

// NewAttr returns the attribute of type typ (inferred from v where typ is
// empty) with v in canonical form.
//
// A value that holds a control character (see ControlChar) is refused:
// it would act on a terminal and cannot be written to REFI-QDA's XML.
func NewAttr(typ AttrType, v string) (Attr, error) {
	v = strings.TrimSpace(v)
	if r, ok := ControlChar(v); ok {
		return Attr{}, fmt.Errorf("%q holds control character %U: remove it", v, r)
	}
	if typ == "" {
		typ = inferAttrType(v)
	}
	switch typ {
	case AttrText:
		return Attr{AttrText, v}, nil
	case AttrInteger:
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return Attr{}, fmt.Errorf("%q is not an integer", v)
		}
		return Attr{typ, strconv.FormatInt(n, 10)}, nil
	case AttrFloat:
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return Attr{}, fmt.Errorf("%q is not a number", v)
		}
		return Attr{typ, strconv.FormatFloat(f, 'g', -1, 64)}, nil
	case AttrBoolean:
		b, err := strconv.ParseBool(v)
		if err != nil {
			return Attr{}, fmt.Errorf("%q is not true or false", v)
		}
		return Attr{typ, strconv.FormatBool(b)}, nil
	case AttrDate:
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return Attr{}, fmt.Errorf("%q is not a date YYYY-MM-DD", v)
		}
		return Attr{typ, t.Format(time.DateOnly)}, nil
	}
	return Attr{}, fmt.Errorf("unknown type %q (want text, integer, float, date or boolean)", typ)
}

// ControlChar returns the first control character of s: a C0 control
// other than tab and line feed, DEL or a C1 control (U+0080-U+009F); ok
// is false if s has none.
func ControlChar(s string) (r rune, ok bool) {
	for _, r := range s {
		if isControl(r) {
			return r, true
		}
	}
	return 0, false
}

func isControl(r rune) bool {
	return r < 0x20 && r != '\t' && r != '\n' || r >= 0x7f && r <= 0x9f
}

// CleanName returns name with every control character, tab and line feed
// replaced by U+FFFD, so that a document name read from a file name cannot
// act on a terminal or break an export.
func CleanName(name string) string {
	return strings.Map(func(r rune) rune {
		if isControl(r) || r == '\t' || r == '\n' {
			return '\uFFFD'
		}
		return r
	}, name)
}

// Check returns an error naming the first attribute whose value holds a
// control character, for attributes not made by NewAttr.
func (as Attrs) Check() error {
	for _, k := range as.Keys() {
		if r, ok := ControlChar(as[k].Value); ok {
			return fmt.Errorf("%w %s=%q: control character %U: remove it", ErrAttr, k, as[k].Value, r)
		}
	}
	return nil
}

func inferAttrType(v string) AttrType {
	if _, err := strconv.ParseInt(v, 10, 64); err == nil {
		return AttrInteger
	}
	if _, err := strconv.ParseFloat(v, 64); err == nil && strings.ContainsAny(v, ".eE") {
		return AttrFloat
	}
	if v == "true" || v == "false" {
		return AttrBoolean
	}
	if dateShaped(v) {
		// A date, or a mistyped one (2018-13-45), which NewAttr refuses.
		return AttrDate
	}
	return AttrText
}

// dateShaped reports whether v is four digits, '-', two digits, '-', two
// digits.
func dateShaped(v string) bool {
	if len(v) != len("2006-01-02") {
		return false
	}
	for i := 0; i < len(v); i++ {
		if i == 4 || i == 7 {
			if v[i] != '-' {
				return false
			}
		} else if v[i] < '0' || v[i] > '9' {
			return false
		}
	}
	return true
}

// Keys returns the attribute keys in sorted order.
func (as Attrs) Keys() []string {
	keys := make([]string, 0, len(as))
	for k := range as {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// MarshalJSON writes integers, floats and booleans as JSON numbers and
// booleans, and text and dates as strings.
func (as Attrs) MarshalJSON() ([]byte, error) {
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range as.Keys() {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		a := as[k]
		switch a.Type {
		case AttrInteger, AttrFloat, AttrBoolean:
			b.WriteString(a.Value)
		default:
			vb, _ := json.Marshal(a.Value)
			b.Write(vb)
		}
	}
	b.WriteByte('}')
	return []byte(b.String()), nil
}

// UnmarshalJSON reads what MarshalJSON writes. Whole JSON numbers become
// integers, other numbers floats; strings of the form YYYY-MM-DD become
// dates.
func (as *Attrs) UnmarshalJSON(data []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	m := make(Attrs, len(raw))
	for k, v := range raw {
		var a Attr
		var s string
		switch {
		case json.Unmarshal(v, &s) == nil:
			a = Attr{AttrText, s}
			if inferAttrType(s) == AttrDate {
				a.Type = AttrDate
			}
		case string(v) == "true" || string(v) == "false":
			a = Attr{AttrBoolean, string(v)}
		default:
			var err error
			if a, err = NewAttr("", string(v)); err != nil || (a.Type != AttrInteger && a.Type != AttrFloat) {
				return fmt.Errorf("attribute %q: bad value %s", k, v)
			}
		}
		m[k] = a
	}
	*as = m
	return nil
}
