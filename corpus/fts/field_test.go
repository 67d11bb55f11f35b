package fts

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/blevesearch/bleve/v2/document"
	bindex "github.com/blevesearch/bleve_index_api"
)

// freqsOf returns a field's analysed terms in a comparable form: for each
// term, its frequency and its tokens' locations.
func freqsOf(f interface {
	AnalyzedTokenFrequencies() bindex.TokenFrequencies
}) map[string]string {
	out := map[string]string{}
	for term, tf := range f.AnalyzedTokenFrequencies() {
		s := fmt.Sprintf("term %q freq %d:", tf.Term, tf.Frequency())
		for _, l := range tf.Locations {
			s += fmt.Sprintf(" %d@%d+%d%v%q", l.Position, l.Start, l.End, l.ArrayPositions, l.Field)
		}
		out[term] = s
	}
	return out
}

// TestTextFieldMatchesBleve checks that a unit's text field (textField,
// with fastWidth and tokenFreqs) gives exactly the terms, frequencies and
// locations that bleve's own text field gives with the text analyser.
func TestTextFieldMatchesBleve(t *testing.T) {
	ix, err := NewMemIndex()
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	cases := map[string]string{
		"Empty":           "",
		"English":         "The local government leads to organising the clusters' suppliers; so that's it.",
		"Repeated":        "cluster cluster Cluster CLUSTER clusters cluster's",
		"Chinese":         "地方政府帮助产业集群发展，地方政府",
		"Mixed":           "Lin said 地方政府 helped the 产业集群 grow in 东莞 since 1992.",
		"Emoji":           "We started 😀 in 1992 😀😀 with 🧵 three workshops 🧭.",
		"Fullwidth":       "ＡＢＣ ｃｌｕｓｔｅｒ １９９２ Ｌｏｃａｌ　Ｇｏｖｅｒｎｍｅｎｔ",
		"HalfwidthKana":   "ｶﾞｷﾞｸﾞ ﾊﾟﾋﾟ ｱｲｳ テスト",
		"Accents":         "café naïve Zürich résumé coöperate",
		"Numbers":         "3.14 1,000 2008-2010 e.g. U.S.A. lock-in start-up",
		"Possessive":      "Lin's company's workers' view",
		"Japanese":        "ひらがなとカタカナと漢字",
		"Korean":          "한국어 텍스트 검색",
		"ControlAndSpace": "a\tb\nc\u00a0d\u2003e",
	}
	for i, d := range benchCorpus()[:20] {
		cases[fmt.Sprintf("Synth%02d", i)] = d.Text
	}
	for name, text := range cases {
		t.Run(name, func(t *testing.T) {
			want := document.NewTextFieldCustom(fieldText, nil, []byte(text),
				bindex.IndexField|bindex.IncludeTermVectors, codePointOffsets{ix.text})
			want.Analyze()
			got := &textField{value: []byte(text), a: ix.indexText}
			got.Analyze()
			if got.AnalyzedLength() != want.AnalyzedLength() {
				t.Errorf("length %d, want %d", got.AnalyzedLength(), want.AnalyzedLength())
			}
			if g, w := freqsOf(got), freqsOf(want); !reflect.DeepEqual(g, w) {
				for term := range w {
					if g[term] != w[term] {
						t.Errorf("%s\nwant %s", g[term], w[term])
					}
				}
				for term := range g {
					if _, ok := w[term]; !ok {
						t.Errorf("extra %s", g[term])
					}
				}
			}
			if got.Options() != want.Options() || got.Name() != want.Name() || string(got.Value()) != string(want.Value()) {
				t.Errorf("field %s %v %q, want %s %v %q", got.Name(), got.Options(), got.Value(), want.Name(), want.Options(), want.Value())
			}
		})
	}
}

// TestFastWidthKeepsInput checks that the index-time analyser leaves the
// text it analyses unchanged: codePointOffsets reads it afterwards, and a
// unit's text is a slice of its document's.
func TestFastWidthKeepsInput(t *testing.T) {
	ix, err := NewMemIndex()
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	for _, text := range []string{"THE Local GOVERNMENT Leads", "ＡＢＣ Cluster 地方政府 ÉCOLE Lin's"} {
		in := []byte(text)
		ix.indexText.Analyze(in)
		if string(in) != text {
			t.Errorf("analysing %q changed it to %q", text, in)
		}
	}
}
