package analysis

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/qualgraph/qualgraph/coding"
)

// tree is a Hierarchy from child → parent.
type tree map[string]string

func (t tree) Ancestors(code string) []string {
	var out []string
	for p, ok := t[code]; ok; p, ok = t[p] {
		out = append(out, p)
	}
	return out
}

var testTree = tree{
	"Entrepreneur":         "Actor",
	"SpinoffFounder":       "Entrepreneur",
	"ReturneeEntrepreneur": "Entrepreneur",
	"LockIn":               "ClusterPhase",
}

func by(c coding.Coding, coder string) coding.Coding { c.Coder = coder; return c }

var freqCodings = []coding.Coding{
	by(cd("d1", "SpinoffFounder", 0, 10), "ann"),
	by(cd("d1", "Entrepreneur", 5, 15), "ben"),
	by(cd("d1", "SpinoffFounder", 8, 12), "ann"),
	by(cd("d2", "ReturneeEntrepreneur", 0, 4), "ann"),
	by(cd("d2", "LockIn", 0, 100), "ben"),
}

var freqDocs = Docs{
	"d1": {ID: "d1", Name: "b.txt", Attrs: map[string]string{"region": "Jinlan", "year": "2023"}},
	"d2": {ID: "d2", Name: "a.txt", Attrs: map[string]string{"region": "Foshan", "year": "2021"}},
	"d3": {ID: "d3", Name: "c.txt", Attrs: map[string]string{"year": "9"}},
}

type row struct {
	key   string
	own   Counts
	total *Counts
	codes int
}

func TestFrequencies(t *testing.T) {
	n := func(codings, docs, chars int) Counts { return Counts{codings, docs, chars} }
	p := func(c Counts) *Counts { return &c }
	tests := []struct {
		name  string
		opt   FreqOptions
		rows  []row
		paths map[string]string
	}{
		{"ByCodeWithDescendants", FreqOptions{By: ByCode, Hierarchy: testTree}, []row{
			// Actor: d1 [0,15) = 15, d2 [0,4) = 4.
			{"Actor", n(0, 0, 0), p(n(4, 2, 19)), 3},
			{"Entrepreneur", n(1, 1, 10), p(n(4, 2, 19)), 3},
			{"ReturneeEntrepreneur", n(1, 1, 4), p(n(1, 1, 4)), 1},
			// [0,10) ∪ [8,12) = [0,12).
			{"SpinoffFounder", n(2, 1, 12), p(n(2, 1, 12)), 1},
			{"ClusterPhase", n(0, 0, 0), p(n(1, 1, 100)), 1},
			{"LockIn", n(1, 1, 100), p(n(1, 1, 100)), 1},
		}, map[string]string{"Actor": "", "SpinoffFounder": "Actor/Entrepreneur", "LockIn": "ClusterPhase"}},
		{"ByCodeFlat", FreqOptions{By: ByCode}, []row{
			{"Entrepreneur", n(1, 1, 10), p(n(1, 1, 10)), 1},
			{"LockIn", n(1, 1, 100), p(n(1, 1, 100)), 1},
			{"ReturneeEntrepreneur", n(1, 1, 4), p(n(1, 1, 4)), 1},
			{"SpinoffFounder", n(2, 1, 12), p(n(2, 1, 12)), 1},
		}, nil},
		{"ByCoder", FreqOptions{By: ByCoder}, []row{
			{"ann", n(3, 2, 16), nil, 2},
			{"ben", n(2, 2, 110), nil, 2},
		}, nil},
		{"ByDoc", FreqOptions{By: ByDoc}, []row{
			{"d2", n(2, 1, 100), nil, 2}, // a.txt
			{"d1", n(3, 1, 15), nil, 2},  // b.txt
			{"d3", n(0, 0, 0), nil, 0},   // c.txt, not coded
		}, nil},
		{"ByAttrText", FreqOptions{By: ByAttr, Attr: "region"}, []row{
			{"Foshan", n(2, 1, 100), nil, 2},
			{"Jinlan", n(3, 1, 15), nil, 2},
			{"", n(0, 0, 0), nil, 0},
		}, nil},
		{"ByAttrNumeric", FreqOptions{By: ByAttr, Attr: "year"}, []row{
			{"9", n(0, 0, 0), nil, 0},
			{"2021", n(2, 1, 100), nil, 2},
			{"2023", n(3, 1, 15), nil, 2},
		}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Frequencies(freqCodings, freqDocs, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if got.Total != n(5, 2, 115) {
				t.Errorf("total %+v, want 5 codings, 2 documents, 115 chars", got.Total)
			}
			if len(got.Rows) != len(tc.rows) {
				t.Fatalf("%d rows %+v, want %d", len(got.Rows), got.Rows, len(tc.rows))
			}
			for i, w := range tc.rows {
				r := got.Rows[i]
				if r.Key != w.key || r.Counts != w.own || r.Codes != w.codes || !reflect.DeepEqual(r.Total, w.total) {
					t.Errorf("row %d = %s %+v total %+v codes %d, want %s %+v total %+v codes %d",
						i, r.Key, r.Counts, r.Total, r.Codes, w.key, w.own, w.total, w.codes)
				}
				if r.Path == nil {
					t.Errorf("%s: nil path (JSON null)", r.Key)
				}
				if want, ok := tc.paths[r.Key]; ok {
					if strings.Join(r.Path, "/") != want || r.Depth != len(r.Path) {
						t.Errorf("%s: path %v depth %d, want %q", r.Key, r.Path, r.Depth, want)
					}
				}
			}
		})
	}
}

func TestFrequenciesErrors(t *testing.T) {
	tests := []struct {
		name   string
		opt    FreqOptions
		target any
		want   error
	}{
		{"ErrUnknownAttr", FreqOptions{By: ByAttr, Attr: "sector"}, new(*AttrError), ErrUnknownAttr},
		{"ErrOption", FreqOptions{By: "speaker"}, new(*OptionError), ErrOption},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Frequencies(freqCodings, freqDocs, tc.opt)
			if !errors.Is(err, tc.want) || !errors.As(err, tc.target) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
	_, err := Frequencies(freqCodings, freqDocs, FreqOptions{By: ByAttr, Attr: "sector"})
	if !strings.Contains(err.Error(), "region, year") {
		t.Errorf("error %q does not list the known attributes", err)
	}
}

func TestSortValues(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want []string
	}{
		{"Numeric", []string{"2023", "", "9", "2021.5"}, []string{"9", "2021.5", "2023", ""}},
		{"Text", []string{"b", "", "a", "10", "9"}, []string{"10", "9", "a", "b", ""}},
		{"Dates", []string{"2023-06-21", "2021-03-15"}, []string{"2021-03-15", "2023-06-21"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			SortValues(tc.in)
			if !reflect.DeepEqual(tc.in, tc.want) {
				t.Fatalf("got %q, want %q", tc.in, tc.want)
			}
		})
	}
}

func TestCodePath(t *testing.T) {
	if got := CodePath(testTree, "SpinoffFounder"); got != "Actor/Entrepreneur/SpinoffFounder" {
		t.Errorf("CodePath = %q", got)
	}
	if got := CodePath(nil, "X"); got != "X" {
		t.Errorf("CodePath without hierarchy = %q", got)
	}
}
