package fts

import (
	"slices"
	"testing"

	"github.com/qualgraph/qualgraph/corpus"
)

// exactDocs hold the cases of issue 9 where a phrase lost its stop words or
// hyphen parts.
var exactDocs = []*corpus.Document{
	testDoc("e1", "Exact-1.txt", corpus.KindInterview, nil,
		"Lin: The lead firm decided everything. Cheap credit leads to growth.",
		"Lin: We could not move. Later we had to move out of the city.",
		"Lin: The start-up started small. We start early and started late.",
		"Lin: In 2015 four of us founded the firm.",
		"Lin: Suppliers face lock-in, and the lock on the door broke.",
		"Lin: We saved so that we could expand, and so we did. That was that.",
		"Lin: It failed because of costs.",
		"Lin: Drones and a drone pilot, near the Dronfield road; a dragon.",
		"Lin: Ownership of the branding mattered more than the global brand.",
	),
}

func TestSearchExact(t *testing.T) {
	ix, err := NewMemIndex()
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := ix.Add(exactDocs...); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		query string
		want  []string // sorted
	}{
		{"PhraseEndingInStopWord", `"leads to"`, []string{"e1:leads to"}},
		{"PhraseParticle", `"move out"`, []string{"e1:move out"}},
		{"HyphenQuoted", `"start-up"`, []string{"e1:start-up"}},
		{"HyphenBare", `start-up`, []string{"e1:start-up"}},
		{"PhraseStartingWithStopWord", `"In 2015 four of us"`, []string{"e1:In 2015 four of us"}},
		{"HyphenStopWordPart", `"lock-in"`, []string{"e1:lock-in"}},
		{"StopWordsOnly", `"so that"`, []string{"e1:so that"}},
		{"StopWord", `because`, []string{"e1:because"}},
		{"Prefix", `dron*`, []string{"e1:Drones", "e1:Dronfield", "e1:drone"}},
		{"PrefixStemChanges", `Dronfiel*`, []string{"e1:Dronfield"}},
		{"PrefixMust", `+dron* +pilot`, []string{"e1:Drones", "e1:Dronfield", "e1:drone", "e1:pilot"}},
		{"PrefixNone", `zzq*`, nil},
		{"StemmedWord", `branding`, []string{"e1:brand", "e1:branding"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits, err := ix.Search(SearchRequest{Query: tt.query})
			if err != nil {
				t.Fatal(err)
			}
			if got := hitTexts(t, exactDocs, hits); !slices.Equal(got, tt.want) {
				t.Errorf("%s: got %q, want %q", tt.query, got, tt.want)
			}
		})
	}
}
