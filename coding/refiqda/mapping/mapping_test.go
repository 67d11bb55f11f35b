package mapping

import (
	"bytes"
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/coding/refiqda"
	"github.com/qualgraph/qualgraph/corpus"
	"github.com/qualgraph/qualgraph/ontology"
)

// guidOf derives a fixture's GUID from key.
func guidOf(key string) string { return refiqda.StableGUID("fixture", key) }

// read reads the archive data.
func read(t testing.TB, data []byte) (*refiqda.Project, *refiqda.Report) {
	t.Helper()
	rp, rep, err := refiqda.ReadQDPX(bytes.NewReader(data), int64(len(data)), refiqda.ReadOptions{})
	if err != nil {
		t.Fatalf("ReadQDPX: %v", err)
	}
	return rp, rep
}

func TestCodeIDFor(t *testing.T) {
	for _, tc := range []struct{ name, want string }{
		{"Joy", "Joy"},
		{"Vaccine hesitancy", "Vaccine_hesitancy"},
		{"  Joy 😀 ", "Joy"},
		{"Spin-off founder", "Spin-off_founder"},
		{"工厂", "工厂"},
		{"1st site", "Code_1st_site"},
		{"a/b: c", "a_b_c"},
		{"cafe\u0301", "café"},
		{"---", "Code"},
		{"", "Code"},
		{"_x_", "x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := codeIDFor(tc.name)
			if got != tc.want {
				t.Errorf("codeIDFor(%q) = %q, want %q", tc.name, got, tc.want)
			}
			// A valid id for an emergent code (one the builtin ontology
			// holds already is valid too).
			err := ontology.Builtin().AddClass(ontology.Class{ID: got, Parent: coding.RootEmergent})
			if errors.Is(err, ontology.ErrBadID) || errors.Is(err, ontology.ErrMissingID) {
				t.Errorf("%q is not a valid id: %v", got, err)
			}
		})
	}
}

func TestRecoveredName(t *testing.T) {
	for _, tc := range []struct {
		id, def    string
		name, desc string
		ok         bool
	}{
		{"Vaccine_hesitancy", "Vaccine hesitancy\n\nWhy people wait", "Vaccine hesitancy", "Why people wait", true},
		{"Joy", "Joy 😀\n\nHappy moments", "Joy 😀", "Happy moments", true},
		{"Emotions-Other", "Other", "Other", "", true},
		{"Other_2", "Other", "Other", "", true},
		{"Joy", "Joy\n\nmore", "", "", false},      // the id itself: a description
		{"Joy", "Feelings\n\nmore", "", "", false}, // not the id's name
		{"Joy", "Joy\nsecond line", "", "", false}, // not one line
		{"Code_1st_site", "1st site", "1st site", "", true},
	} {
		t.Run(tc.id+"/"+tc.def, func(t *testing.T) {
			name, desc, ok := recoveredName(tc.id, tc.def)
			if ok != tc.ok || name != tc.name || desc != tc.desc {
				t.Errorf("recoveredName(%q, %q) = %q, %q, %v; want %q, %q, %v", tc.id, tc.def, name, desc, ok, tc.name, tc.desc, tc.ok)
			}
		})
	}
}

func TestAttrFor(t *testing.T) {
	for _, tc := range []struct {
		typ  refiqda.VariableType
		val  string
		want corpus.Attr
		ok   bool
	}{
		{refiqda.VarText, " Jinlan ", corpus.Attr{Type: corpus.AttrText, Value: " Jinlan "}, true},
		{refiqda.VarInteger, "42", corpus.Attr{Type: corpus.AttrInteger, Value: "42"}, true},
		{refiqda.VarInteger, "forty", corpus.Attr{Type: corpus.AttrText, Value: "forty"}, false},
		{refiqda.VarBoolean, "1", corpus.Attr{Type: corpus.AttrBoolean, Value: "true"}, true},
		{refiqda.VarFloat, "3.50", corpus.Attr{Type: corpus.AttrFloat, Value: "3.5"}, true},
		{refiqda.VarFloat, "INF", corpus.Attr{Type: corpus.AttrText, Value: "INF"}, true},
		{refiqda.VarDate, "2021-03-04Z", corpus.Attr{Type: corpus.AttrDate, Value: "2021-03-04"}, true},
		{refiqda.VarDateTime, "2021-03-04T09:00:00Z", corpus.Attr{Type: corpus.AttrText, Value: "2021-03-04T09:00:00Z"}, true},
	} {
		t.Run(string(tc.typ)+"/"+tc.val, func(t *testing.T) {
			got, ok := attrFor(tc.typ, tc.val)
			if got != tc.want || ok != tc.ok {
				t.Errorf("attrFor(%s, %q) = %v, %v; want %v, %v", tc.typ, tc.val, got, ok, tc.want, tc.ok)
			}
		})
	}
	for in, want := range map[string]string{"Age": "Age", "Interview date": "Interview_date", "年份": "var", "a.b": "a_b"} {
		if got := attrKeyFor(in); got != want {
			t.Errorf("attrKeyFor(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSpan checks the mapping of selection ends onto the normalised
// text against refiqda's own.
func TestSpan(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		start, end int
		want       string
	}{
		{"Plain", "abc def", 4, 7, "def"},
		{"AfterCRLF", "ab\r\ncd\r\n", 4, 6, "cd"},
		{"EndInsideCRLF", "ab\r\ncd", 0, 3, "ab\n"},
		{"StartInsideCRLF", "ab\r\ncd", 3, 6, "\ncd"},
		{"EndInsideAccent", "cafe\u0301 ok", 0, 4, "café"},
		{"StartInsideAccent", "cafe\u0301 ok", 4, 8, "é ok"},
		{"AccentLeftAlone", "q\u0301x", 0, 1, "q"},
		{"Emoji", "a😀b", 1, 2, "😀"},
		{"BOM", "\ufeffabc", 1, 4, "abc"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text, _, m := corpus.NormalizeMap(tc.text)
			rs := &source{runes: []rune(tc.text), m: m, doc: &corpus.Document{ID: "d"}}
			s := rs.span(tc.start, tc.end)
			got := string([]rune(text)[s.Start:s.End])
			if got != tc.want {
				t.Errorf("span %d-%d of %q → %d-%d %q, want %q", tc.start, tc.end, tc.text, s.Start, s.End, got, tc.want)
			}
			// refiqda's own mapping, through a written and read archive.
			src := refiqda.Source{GUID: guidOf("span/src"), Name: "s", Text: tc.text, Selections: []refiqda.Selection{{
				GUID: guidOf("span/sel"), Start: tc.start, End: tc.end,
				Codings: []refiqda.Coding{{GUID: guidOf("span/c"), CodeGUID: guidOf("span/code")}}}}}
			var b bytes.Buffer
			err := refiqda.WriteQDPX(&b, &refiqda.Project{Name: "x", Codes: []refiqda.Code{{GUID: guidOf("span/code"), Name: "c", IsCodable: true}}, Sources: []refiqda.Source{src}})
			if err != nil {
				t.Fatal(err)
			}
			rp, _ := read(t, b.Bytes())
			rsrc := &rp.Sources[0]
			if rsrc.Normalized == text && len(rsrc.Selections) == 1 { // the reader drops a BOM written by hand
				rsel := &rsrc.Selections[0]
				if rsel.NormStart != s.Start || rsel.NormEnd != s.End {
					t.Errorf("refiqda maps %d-%d onto %d-%d, qualgraph onto %d-%d", tc.start, tc.end, rsel.NormStart, rsel.NormEnd, s.Start, s.End)
				}
			}
		})
	}
}

// FuzzSpan checks the mapping of selections onto the stored text
// against refiqda's own, through a written and read archive, wherever the
// two normalisations agree on the text.
func FuzzSpan(f *testing.F) {
	f.Add("ab\r\ncd", 0, 3)
	f.Add("cafe\u0301 ok", 2, 4)
	f.Add("a😀b\r\n林", 1, 5)
	f.Add("q\u0301\u0323x", 1, 2)
	f.Fuzz(func(t *testing.T, text string, start, end int) {
		n := len([]rune(text))
		if !utf8.ValidString(text) || start < 0 || end > n || start >= end || n > 200 {
			return
		}
		src := refiqda.Source{GUID: guidOf("fz/src"), Name: "s", Text: text, Selections: []refiqda.Selection{{
			GUID: guidOf("fz/sel"), Start: start, End: end,
			Codings: []refiqda.Coding{{GUID: guidOf("fz/c"), CodeGUID: guidOf("fz/code")}}}}}
		var b bytes.Buffer
		err := refiqda.WriteQDPX(&b, &refiqda.Project{Name: "x", Codes: []refiqda.Code{{GUID: guidOf("fz/code"), Name: "c", IsCodable: true}}, Sources: []refiqda.Source{src}})
		if err != nil {
			return // text XML cannot carry
		}
		rp, _, err := refiqda.ReadQDPX(bytes.NewReader(b.Bytes()), int64(b.Len()), refiqda.ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		rsrc := &rp.Sources[0]
		if rsrc.Text != text || len(rsrc.Selections) != 1 {
			return // a BOM or CR the reader reads its own way
		}
		norm, _, m := corpus.NormalizeMap(text)
		rs := &source{runes: []rune(text), m: m, doc: &corpus.Document{ID: "d"}}
		s := rs.span(start, end)
		if s.Start < 0 || s.End > len([]rune(norm)) || s.Start > s.End {
			t.Fatalf("span %d-%d of %q → %d-%d, outside a text of %d", start, end, text, s.Start, s.End, len([]rune(norm)))
		}
		if rsrc.Normalized != norm {
			return
		}
		sel := &rsrc.Selections[0]
		if sel.NormStart != s.Start || sel.NormEnd != s.End {
			t.Errorf("span %d-%d of %q: refiqda %d-%d, qualgraph %d-%d", start, end, text, sel.NormStart, sel.NormEnd, s.Start, s.End)
		}
	})
}
