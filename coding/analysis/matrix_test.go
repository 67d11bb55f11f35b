package analysis

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/qualgraph/qualgraph/coding"
)

// at returns the code-point span of the first occurrence of sub in text.
func at(t *testing.T, doc, text, sub, code string) coding.Coding {
	t.Helper()
	i := strings.Index(text, sub)
	if i < 0 {
		t.Fatalf("%q not in %q", sub, text)
	}
	start := len([]rune(text[:i]))
	return cd(doc, code, start, start+len([]rune(sub)))
}

func TestMatrixCoding(t *testing.T) {
	t1 := "Chen: The park gave us rent-free space. We don't pay 300,000 yuan."
	t2 := "受访者林：镇政府给了我们人才补贴。The town helped."
	t3 := "Wu: kilns and more kilns."
	docs := Docs{
		"d1": {ID: "d1", Text: t1, Attrs: map[string]string{"firm": "spin-off"}},
		"d2": {ID: "d2", Text: t2, Attrs: map[string]string{"firm": "returnee"}},
		"d3": {ID: "d3", Text: t3}, // no attribute
		"d4": {ID: "d4", Text: "", Attrs: map[string]string{"firm": "government"}},
	}
	codings := []coding.Coding{
		at(t, "d1", t1, "The park gave us rent-free space.", "SpinoffFounder"), // 6 words
		at(t, "d1", t1, "rent-free space. We don't", "SpinoffFounder"),         // overlaps: union is 8 words
		at(t, "d1", t1, "pay 300,000 yuan", "Entrepreneur"),                    // 3 words
		at(t, "d2", t2, "镇政府给了我们人才补贴", "ReturneeEntrepreneur"),                 // 11 characters
		at(t, "d2", t2, "The town helped", "LockIn"),                           // 3 words
		at(t, "d3", t3, "kilns and more kil", "Entrepreneur"),                  // 4 words, the last cut
	}
	values := []string{"government", "returnee", "spin-off", ""}
	tests := []struct {
		name string
		opt  MatrixOptions
		rows map[string][]int // cells in the order of values
	}{
		{"Codings", MatrixOptions{Attr: "firm"}, map[string][]int{
			"Entrepreneur":         {0, 0, 1, 1},
			"LockIn":               {0, 1, 0, 0},
			"ReturneeEntrepreneur": {0, 1, 0, 0},
			"SpinoffFounder":       {0, 0, 2, 0},
		}},
		{"Documents", MatrixOptions{Attr: "firm", Count: CountDocuments}, map[string][]int{
			"Entrepreneur":         {0, 0, 1, 1},
			"LockIn":               {0, 1, 0, 0},
			"ReturneeEntrepreneur": {0, 1, 0, 0},
			"SpinoffFounder":       {0, 0, 1, 0},
		}},
		{"Words", MatrixOptions{Attr: "firm", Count: CountWords}, map[string][]int{
			"Entrepreneur":         {0, 0, 3, 4},
			"LockIn":               {0, 3, 0, 0},
			"ReturneeEntrepreneur": {0, 11, 0, 0},
			"SpinoffFounder":       {0, 0, 8, 0},
		}},
		{"CodesChosenRolledUp", MatrixOptions{Attr: "firm", Codes: []string{"Entrepreneur", "Actor", "Nobody"}, Hierarchy: testTree}, map[string][]int{
			"Entrepreneur": {0, 1, 3, 1},
			"Actor":        {0, 1, 3, 1},
			"Nobody":       {0, 0, 0, 0},
		}},
		{"WordsRolledUp", MatrixOptions{Attr: "firm", Count: CountWords, Codes: []string{"Entrepreneur"}, Hierarchy: testTree}, map[string][]int{
			// d1: "The park … don't" (8) and "pay 300,000 yuan" (3).
			"Entrepreneur": {0, 11, 11, 4},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := MatrixCoding(codings, docs, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(m.Values, values) {
				t.Fatalf("values %q, want %q", m.Values, values)
			}
			if !reflect.DeepEqual(m.Docs, []int{1, 1, 1, 1}) {
				t.Errorf("docs per value %v", m.Docs)
			}
			if len(m.Rows) != len(tc.rows) {
				t.Fatalf("%d rows, want %d", len(m.Rows), len(tc.rows))
			}
			for i, r := range m.Rows {
				want, ok := tc.rows[r.Code]
				if !ok || !reflect.DeepEqual(r.Cells, want) {
					t.Errorf("row %d %s = %v, want %v", i, r.Code, r.Cells, want)
				}
				sum := 0
				for _, v := range want {
					sum += v
				}
				if r.Total != sum {
					t.Errorf("row %s total %d, want %d", r.Code, r.Total, sum)
				}
			}
			if len(tc.opt.Codes) > 0 && m.Rows[0].Code != tc.opt.Codes[0] {
				t.Errorf("rows not in the order asked: %s first", m.Rows[0].Code)
			}
		})
	}
	if v, ok := mustMatrix(t, codings, docs).Cell("SpinoffFounder", "spin-off"); !ok || v != 2 {
		t.Errorf("Cell = %d, %v", v, ok)
	}
}

func mustMatrix(t *testing.T, cs []coding.Coding, docs Docs) *Matrix {
	m, err := MatrixCoding(cs, docs, MatrixOptions{Attr: "firm"})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestMatrixCodingErrors(t *testing.T) {
	docs := Docs{"d1": {ID: "d1", Attrs: map[string]string{"firm": "x"}}}
	cs := []coding.Coding{cd("d1", "A", 0, 5), cd("d9", "A", 0, 5)}
	tests := []struct {
		name string
		opt  MatrixOptions
		want error
	}{
		{"ErrUnknownAttr", MatrixOptions{Attr: "region"}, ErrUnknownAttr},
		{"ErrOption", MatrixOptions{Attr: "firm", Count: "sentences"}, ErrOption},
		{"ErrNoText", MatrixOptions{Attr: "firm", Count: CountWords}, ErrNoText},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := MatrixCoding(cs, docs, tc.opt); !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestWords(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want int
	}{
		{"Empty", "", 0},
		{"Spaces", "  \n\t ", 0},
		{"English", "The park gave us space.", 5},
		{"Apostrophe", "We don't pay", 3},
		{"CurlyApostrophe", "We don’t pay", 3},
		{"Hyphen", "rent-free", 1},
		{"LoneHyphen", "a - b", 2},
		{"Number", "300,000 yuan in 2020, 3.5%", 5},
		{"Chinese", "镇政府给了我们人才补贴。", 11},
		{"Mixed", "The park 给了我们", 6},
		{"DigitsThenHan", "2019年。", 2},
		{"Japanese", "カタカナとひらがな", 9},
		{"Korean", "한국어 단어", 2},
		{"Accents", "café naïve", 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Words(tc.in); got != tc.want {
				t.Fatalf("Words(%q) = %d, want %d", tc.in, got, tc.want)
			}
		})
	}
}
