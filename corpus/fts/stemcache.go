package fts

import (
	"bytes"
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
)

// stemCache is a token filter that gives the same terms as the English
// Snowball stemmer it wraps, remembering the stems of the words it has seen.
// Words in interviews follow Zipf's law: a few thousand forms make up most
// tokens, and looking a stem up costs a fraction of computing it (the
// stemmer also allocates twice per token). Stemming was a sixth of the CPU
// time of an import.
//
// The cache is shared by the goroutines that analyse a batch. It stops
// growing at stemCacheMax words, so that a corpus of many distinct forms
// costs bounded memory; words beyond that are stemmed every time. A cached
// term is shared by every token that has it: the stemmer is the last
// filter of the text analyser, and nothing after it changes terms in place.
type stemCache struct {
	stem analysis.TokenFilter
	max  int // words remembered at most
	mu   sync.RWMutex
	m    map[string][]byte
}

const stemCacheMax = 200_000

func newStemCache(stem analysis.TokenFilter) *stemCache {
	// No size hint: a search stems a few words, and a map sized for
	// thousands would be allocated and cleared for nothing by every
	// short-lived process that searches (it showed in their profiles).
	return &stemCache{stem: stem, max: stemCacheMax, m: map[string][]byte{}}
}

func (c *stemCache) Filter(ts analysis.TokenStream) analysis.TokenStream {
	var miss analysis.TokenStream
	c.mu.RLock()
	for _, t := range ts {
		if s, ok := c.m[string(t.Term)]; ok {
			t.Term = s
		} else {
			miss = append(miss, t)
		}
	}
	full := len(c.m) >= c.max
	c.mu.RUnlock()
	if len(miss) == 0 {
		return ts
	}
	words := make([]string, len(miss))
	for i, t := range miss {
		words[i] = string(t.Term)
	}
	c.stem.Filter(miss)
	if full {
		return ts
	}
	c.mu.Lock()
	for i, t := range miss {
		if len(c.m) < c.max {
			// A copy: the term may be a slice of a buffer of its
			// stream's terms (fastWidth), which the cache must not keep.
			c.m[words[i]] = bytes.Clone(t.Term)
		}
	}
	c.mu.Unlock()
	return ts
}

// withStemCache returns a copy of the analyser a whose English Snowball
// stemmer remembers its stems, or a itself if it has none.
func withStemCache(a analysis.Analyzer) analysis.Analyzer {
	return withFilters(a, func(f analysis.TokenFilter) analysis.TokenFilter {
		if _, ok := f.(*en.EnglishStemmerFilter); ok {
			return newStemCache(f)
		}
		return nil
	})
}
