package fts

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	bindex "github.com/blevesearch/bleve_index_api"

	"github.com/qualgraph/qualgraph/corpus"
)

// TestSearchAfterChange checks that what a search reads once per snapshot
// of the index (document names, speakers and segments; the internal ids of
// bleve's hits) is read again after the index changes: each search sees
// the documents as they are now, on disk and in memory.
func TestSearchAfterChange(t *testing.T) {
	v1 := testDoc("c1", "Chen-1.txt", corpus.KindInterview, nil,
		"Lin: The local government paid for the park.",
		"Wang: Local government again.")
	// The same document imported again: renamed, another speaker, the
	// phrase moved by a new first turn.
	v2 := testDoc("c1", "Chen-2.txt", corpus.KindInterview, nil,
		"Zhao: A new first turn before the rest.",
		"Liu: The local government paid for the park.")
	other := testDoc("c2", "Other.txt", corpus.KindInterview, nil,
		"Lin: Nothing about it here, but local government once.")

	type want struct {
		name, speaker, text string
	}
	for _, tc := range []struct {
		name string
		open func(t *testing.T) *Index
	}{
		{"Disk", func(t *testing.T) *Index {
			ix, err := CreateIndex(filepath.Join(t.TempDir(), "index"))
			if err != nil {
				t.Fatal(err)
			}
			return ix
		}},
		{"Memory", func(t *testing.T) *Index {
			ix, err := NewMemIndex()
			if err != nil {
				t.Fatal(err)
			}
			return ix
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ix := tc.open(t)
			defer ix.Close()
			search := func(docs []*corpus.Document, wants ...want) {
				t.Helper()
				// Twice: the second search reuses what the first read.
				for range 2 {
					hits, err := ix.Search(SearchRequest{Query: `"local government"`, Limit: 10})
					if err != nil {
						t.Fatal(err)
					}
					var got []want
					for _, h := range hits {
						got = append(got, want{h.Name, h.Speaker, hitText(t, docs, h)})
					}
					cmp := func(a, b want) int { return strings.Compare(a.name+a.speaker+a.text, b.name+b.speaker+b.text) }
					slices.SortFunc(got, cmp)
					slices.SortFunc(wants, cmp)
					if !slices.Equal(got, wants) {
						t.Fatalf("hits %+v, want %+v", got, wants)
					}
				}
			}
			if err := ix.Add(v1, other); err != nil {
				t.Fatal(err)
			}
			search([]*corpus.Document{v1, other},
				want{"Chen-1.txt", "Lin", "c1:local government"},
				want{"Chen-1.txt", "Wang", "c1:Local government"},
				want{"Other.txt", "Lin", "c2:local government"})
			if err := ix.Add(v2); err != nil {
				t.Fatal(err)
			}
			search([]*corpus.Document{v2, other},
				want{"Chen-2.txt", "Liu", "c1:local government"},
				want{"Other.txt", "Lin", "c2:local government"})
			if err := ix.Delete("c2"); err != nil {
				t.Fatal(err)
			}
			search([]*corpus.Document{v2}, want{"Chen-2.txt", "Liu", "c1:local government"})
		})
	}
}

// TestSameSnapshot checks the condition under which a phrase check uses
// the internal ids of bleve's hits: the index has not changed since the
// search's reader was opened.
func TestSameSnapshot(t *testing.T) {
	ix, err := CreateIndex(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := ix.Add(exactDocs...); err != nil {
		t.Fatal(err)
	}
	check := func(change func() error, want bool) {
		t.Helper()
		err := ix.withReader(func(r bindex.IndexReader) error {
			if err := change(); err != nil {
				return err
			}
			same, err := ix.sameSnapshot(r)
			if same != want {
				t.Errorf("sameSnapshot = %v, want %v", same, want)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	check(func() error { return nil }, true)
	check(func() error { return ix.Add(testDoc("n1", "New.txt", "", nil, "Lin: A new document.")) }, false)
	check(func() error { return ix.Delete("n1") }, false)
	check(func() error { return nil }, true)
}
