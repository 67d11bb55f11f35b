package fts

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"

	"github.com/qualgraph/qualgraph/corpus/synth"
)

// TestStemCache checks that the text analyser with its stem cache gives
// exactly the tokens of the analyser without it, on first sight of a word
// and from the cache, when the cache is full, and from several goroutines.
func TestStemCache(t *testing.T) {
	m, err := newMapping()
	if err != nil {
		t.Fatal(err)
	}
	plain := m.AnalyzerNamed(textAnalyzer)
	texts := []string{
		"The entrepreneurs organised; organising organisations, organisation's founders.",
		"Spin-offs spun off from incumbents: lock-in, lock‑in, related diversification.",
		"当时产业集群发展很快，地方政府给了一些补贴。AI产业 came later; ＣＬＵＳＴＥＲＳ.",
		"running runs ran runner generously happily flies dying lying agreed",
		"",
	}
	for _, f := range synth.Generate(3, 5, synth.Options{}) {
		texts = append(texts, string(f.Data))
	}
	tests := []struct {
		name string
		max  int
	}{
		{"unbounded", stemCacheMax},
		{"full after ten words", 10},
		{"never remembers", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cached := withStemCache(plain)
			sc := cachedFilter(t, cached)
			sc.max = tt.max
			for round := range 2 {
				for _, text := range texts {
					want := tokens(plain.Analyze([]byte(text)))
					if got := tokens(cached.Analyze([]byte(text))); got != want {
						t.Fatalf("round %d, %.40q:\ngot  %.300s\nwant %.300s", round, text, got, want)
					}
				}
			}
			if len(sc.m) > tt.max {
				t.Errorf("cache holds %d words, more than its limit %d", len(sc.m), tt.max)
			}
		})
	}
	t.Run("concurrent", func(t *testing.T) {
		cached := withStemCache(plain)
		var wg sync.WaitGroup
		errs := make(chan string, len(texts)*4)
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for _, text := range texts {
					if got, want := tokens(cached.Analyze([]byte(text))), tokens(plain.Analyze([]byte(text))); got != want {
						errs <- text
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for text := range errs {
			t.Errorf("tokens differ for %.40q", text)
		}
	})
}

func cachedFilter(t *testing.T, a analysis.Analyzer) *stemCache {
	t.Helper()
	for _, f := range a.(*analysis.DefaultAnalyzer).TokenFilters {
		if sc, ok := f.(*stemCache); ok {
			return sc
		}
	}
	t.Fatal("no stem cache in the analyser")
	return nil
}

// tokens renders a token stream for comparison: term, position, offsets
// and type of each token.
func tokens(ts analysis.TokenStream) string {
	var b strings.Builder
	for _, t := range ts {
		b.WriteString(string(t.Term))
		b.WriteByte('@')
		b.WriteString(fmt.Sprintf("%d,%d,%d,%d", t.Position, t.Start, t.End, t.Type))
		b.WriteByte(' ')
	}
	return b.String()
}
