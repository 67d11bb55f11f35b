package analysis

import (
	"slices"
	"testing"

	"github.com/qualgraph/qualgraph/coding"
)

// TestCoders checks that every query says whose codings it counted.
func TestCoders(t *testing.T) {
	cs := []coding.Coding{
		{Span: coding.Span{Doc: "d1", Start: 0, End: 5}, Code: "A", Coder: "bo"},
		{Span: coding.Span{Doc: "d1", Start: 2, End: 6}, Code: "B", Coder: "ann"},
		{Span: coding.Span{Doc: "d2", Start: 0, End: 3}, Code: "C", Coder: "cy"},
	}
	docs := Docs{"d1": {ID: "d1", Attrs: map[string]string{"r": "x"}}, "d2": {ID: "d2", Attrs: map[string]string{"r": "y"}}}
	tests := []struct {
		name string
		run  func() ([]string, error)
		want []string
	}{
		{"Frequencies", func() ([]string, error) {
			t, err := Frequencies(cs, docs, FreqOptions{By: ByCode})
			if err != nil {
				return nil, err
			}
			return t.Coders, nil
		}, []string{"ann", "bo", "cy"}},
		{"FrequenciesNone", func() ([]string, error) {
			t, err := Frequencies(nil, docs, FreqOptions{By: ByCode})
			if err != nil {
				return nil, err
			}
			return t.Coders, nil
		}, []string{}},
		{"CooccurCodes", func() ([]string, error) {
			r, err := Cooccur(cs, docs, CooccurOptions{Codes: []string{"A", "C"}})
			if err != nil {
				return nil, err
			}
			return r.Coders, nil
		}, []string{"bo", "cy"}},
		{"MatrixCodes", func() ([]string, error) {
			m, err := MatrixCoding(cs, docs, MatrixOptions{Attr: "r", Codes: []string{"B"}})
			if err != nil {
				return nil, err
			}
			return m.Coders, nil
		}, []string{"ann"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.run()
			if err != nil {
				t.Fatal(err)
			}
			if got == nil || !slices.Equal(got, tt.want) {
				t.Errorf("coders %q, want %q", got, tt.want)
			}
		})
	}
}
