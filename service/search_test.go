package service_test

import (
	"context"
	"testing"

	"github.com/qualgraph/qualgraph/corpus/fts"
	"github.com/qualgraph/qualgraph/service"
)

// TestSearchTotal checks what Search says of the hits beyond its limit:
// their exact number while few turns match, else the number of turns that
// match, without reading every hit (a common word in a large project).
func TestSearchTotal(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	search := func(limit int) *service.SearchResult {
		t.Helper()
		res, err := f.svc.Search(ctx, service.SearchOptions{SearchRequest: fts.SearchRequest{Query: "bureau", Limit: limit}})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	tests := []struct {
		name        string
		exactUnits  int // turns up to which the total is exact
		limit       int
		hits, total int
		exact       bool
		units       int
	}{
		{"All", 2000, 0, 2, 2, true, 0},
		{"UnderLimit", 2000, 5, 2, 2, true, 0},
		{"CountedBeyondLimit", 2000, 1, 1, 2, true, 2},
		{"TurnsBeyondLimit", 1, 1, 1, 1, false, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer service.SetExactCountUnits(tt.exactUnits)()
			res := search(tt.limit)
			if len(res.Hits) != tt.hits || res.Total != tt.total || res.Exact != tt.exact || res.Units != tt.units {
				t.Fatalf("%d hits, total %d, exact %v, units %d; want %d, %d, %v, %d",
					len(res.Hits), res.Total, res.Exact, res.Units, tt.hits, tt.total, tt.exact, tt.units)
			}
		})
	}
}
