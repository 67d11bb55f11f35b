package fts

import (
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
)

// termsAnalyzer is the index's text analyser with English stop words
// removed: what a model over words (package coding/suggest) wants.
const termsAnalyzer = "qualgraph_terms"

var terms struct {
	once sync.Once
	a    analysis.Analyzer
	err  error
}

// Terms returns the terms of text as the index analyses it, for models
// that learn from words: English words lower-cased and stemmed (Snowball),
// without possessive 's and without English stop words; Chinese text as
// overlapping character pairs; fullwidth Latin letters as ASCII. Terms are
// in text order, repeated as often as they occur. Terms is safe for
// concurrent use.
func Terms(text string) []string {
	return termsOf(text)
}

func initTerms() {
	m := bleve.NewIndexMapping()
	terms.err = m.AddCustomAnalyzer(termsAnalyzer, map[string]any{
		"type":      custom.Name,
		"tokenizer": unicode.Name,
		"token_filters": []any{
			cjk.WidthName,
			lowercase.Name,
			en.PossessiveName,
			en.StopName,
			cjk.BigramName,
			en.SnowballStemmerName,
		},
	})
	if terms.err == nil {
		// The index's caches: a model analyses every unit of a project.
		terms.a = withFastWidth(withStemCache(m.AnalyzerNamed(termsAnalyzer)))
	}
}

func termsOf(text string) []string {
	terms.once.Do(initTerms)
	if terms.a == nil || text == "" {
		return nil
	}
	ts := terms.a.Analyze([]byte(text))
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = string(t.Term)
	}
	return out
}

// Token is a term of a text and where it stands: the byte offsets
// [Start, End) of the word (or, for Chinese, the pair of characters) it
// comes from.
type Token struct {
	Term       string
	Start, End int
}

// Tokens returns the terms of text as Terms does, with their byte offsets
// in text.
func Tokens(text string) []Token {
	terms.once.Do(initTerms)
	if terms.a == nil || text == "" {
		return nil
	}
	ts := terms.a.Analyze([]byte(text))
	out := make([]Token, len(ts))
	for i, t := range ts {
		out[i] = Token{Term: string(t.Term), Start: t.Start, End: t.End}
	}
	return out
}
