package corpus

import (
	"path/filepath"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

func BenchmarkScratchSort(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "index")
	ix, _ := CreateIndex(dir)
	ix.Add(benchCorpus()...)
	ix.Close()
	ix, _ = OpenIndex(dir, true)
	defer ix.Close()
	for _, term := range []string{"entrepreneur", "peopl"} {
		q := query.NewTermQuery(term)
		q.SetField("text")
		for _, sortID := range []bool{false, true} {
			for _, locs := range []bool{false, true} {
				name := term
				if sortID { name += "/id" } else { name += "/score" }
				if locs { name += "/locs" }
				b.Run(name, func(b *testing.B) {
					for b.Loop() {
						sr := bleve.NewSearchRequestOptions(q, 21, 0, false)
						sr.IncludeLocations = locs
						if sortID { sr.SortBy([]string{"-_score", "_id"}) }
						res, err := ix.bi.Search(sr)
						if err != nil { b.Fatal(err) }
						_ = res
					}
				})
			}
		}
	}
}
