package fts

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	bindex "github.com/blevesearch/bleve_index_api"

	"github.com/qualgraph/qualgraph/corpus"
)

// phraseDocs hold phrases that the generated corpus lacks: across a turn
// boundary, repeated words, Chinese runs, emoji before a hit.
var phraseDocs = []*corpus.Document{
	testDoc("p1", "Phrase-1.txt", corpus.KindInterview, nil,
		"Lin: We talked about local",
		"Wang: government is slow. The local government, the local government again.",
		"Lin: 🙂🙂 地方政府给了补贴，地方政府地方政府。",
		"Wang: so that we could, and so that was that; the the end. Local government.",
		"Lin: 产业集群和地方政府 the local officials met local government people",
	),
}

// fastPhraseIndex is an index on disk of the generated corpus (200
// documents) and phraseDocs.
func fastPhraseIndex(t *testing.T) *Index {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "index")
	ix, err := CreateIndex(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Add(append(slices.Clone(benchCorpus()), phraseDocs...)...); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if ix, err = OpenIndex(dir, true); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

// usesFastPhrase reports whether a search for req goes through fastPhrase.
func usesFastPhrase(t *testing.T, ix *Index, req SearchRequest) bool {
	t.Helper()
	cs, err := parseQuery(req.Query)
	if err != nil {
		t.Fatal(err)
	}
	cq := ix.compile(cs, req)
	if cq.check == nil || !cq.bare {
		return false
	}
	var ok bool
	err = ix.withReader(func(r bindex.IndexReader) error {
		_, _, ok, err = ix.fastPhrase(r, cq.check, 10, ix.newResolver(r))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

// TestFastPhraseSame checks that a lone phrase found through the term
// readers (fastPhrase) gives what bleve's search of the conjunction and
// the check of each unit give: the same hits, in the same order, with the
// same scores to the bit, and the same number of units; for common and
// rare phrases, stop words, repeated words, Chinese, a phrase across a
// turn boundary (no hit) and limits from 1 to all.
func TestFastPhraseSame(t *testing.T) {
	ix := fastPhraseIndex(t)
	for _, tc := range []struct {
		query string
		fast  bool // whether fastPhrase serves it
		min   int  // at least this many hits without a limit
	}{
		{`"industrial upgrading"`, true, 100},
		{`"local government"`, true, 100},
		{`"chamber of commerce"`, true, 50},
		{`"in the end"`, true, 50},
		{`"the the end"`, true, 1},
		{`"so that"`, true, 1},
		{`"township and village enterprises"`, true, 20},
		{`地方政府`, true, 50},
		{`产业集群和地方政府`, true, 1},
		{`"local government" policy`, false, 100},
		{`"about local government"`, true, 0},
		{`state-owned`, true, 20},
		{`"zzzqqq government"`, true, 0},
	} {
		for _, limit := range []int{1, 3, 20, 200, 0} {
			t.Run(fmt.Sprintf("%s/%d", tc.query, limit), func(t *testing.T) {
				req := SearchRequest{Query: tc.query, Limit: limit}
				if got := usesFastPhrase(t, ix, req); got != tc.fast {
					t.Fatalf("fastPhrase serves it: %v, want %v", got, tc.fast)
				}
				ix.noFastPhrase = true
				want, wantUnits, err := ix.SearchCount(req)
				ix.noFastPhrase = false
				if err != nil {
					t.Fatal(err)
				}
				hits, units, err := ix.SearchCount(req)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(hits, want) {
					t.Errorf("%d hits, want %d:\n got  %v\n want %v", len(hits), len(want), hits[:min(5, len(hits))], want[:min(5, len(want))])
				}
				if units != wantUnits {
					t.Errorf("%d units, want %d", units, wantUnits)
				}
				if limit == 0 && len(want) < tc.min {
					t.Errorf("%d hits, want at least %d: the case tests less than it says", len(want), tc.min)
				}
			})
		}
	}
}
