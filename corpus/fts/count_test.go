package fts

import (
	"slices"
	"testing"

	"github.com/qualgraph/qualgraph/corpus"
)

// TestSearchCount checks that SearchCount finds what Search finds and
// counts the matching units as CountUnits does: phrases checked word by
// word, terms, Chinese, filters only, negations, and limits below and
// above the number of hits.
func TestSearchCount(t *testing.T) {
	ix := newTestIndex(t)
	for _, tc := range []struct {
		name string
		req  SearchRequest
	}{
		{"Phrase", SearchRequest{Query: `"local government"`}},
		{"PhraseLimit", SearchRequest{Query: `"local government"`, Limit: 1}},
		{"PhraseStopWords", SearchRequest{Query: `"state of the art"`}},
		{"Term", SearchRequest{Query: "organising"}},
		{"TermLimit", SearchRequest{Query: "local", Limit: 2}},
		{"Chinese", SearchRequest{Query: "产业集群"}},
		{"FiltersOnly", SearchRequest{Kind: corpus.KindInterview}},
		{"FiltersOnlyLimit", SearchRequest{Kind: corpus.KindInterview, Limit: 3}},
		{"Negation", SearchRequest{Query: "organise -workers"}},
		{"Must", SearchRequest{Query: "+local government", Speaker: "Lin"}},
		{"None", SearchRequest{Query: "zzzqqq"}},
		{"Punctuation", SearchRequest{Query: "…"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hits, units, err := ix.SearchCount(tc.req)
			if err != nil {
				t.Fatal(err)
			}
			want, err := ix.Search(tc.req)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(hits, want) {
				t.Errorf("hits %+v, want %+v", hits, want)
			}
			n, err := ix.CountUnits(tc.req)
			if err != nil {
				t.Fatal(err)
			}
			if units != n {
				t.Errorf("%d units, CountUnits counts %d", units, n)
			}
			if tc.name != "None" && tc.name != "Punctuation" && (units == 0 || len(hits) == 0) {
				t.Errorf("%d units, %d hits: the case tests nothing", units, len(hits))
			}
		})
	}
}
