package network

import (
	"fmt"
	"testing"

	"github.com/qualgraph/qualgraph/coding"
)

// benchStatements returns a synthetic corpus: actors × concepts with every
// seventh pair coded, polarity alternating.
func benchStatements(actors, concepts int) []Statement {
	var out []Statement
	for a := 0; a < actors; a++ {
		for c := 0; c < concepts; c++ {
			if (a*concepts+c)%7 != 0 && (a+c)%3 != 0 {
				continue
			}
			p := coding.Positive
			if (a+2*c)%2 == 1 {
				p = coding.Negative
			}
			out = append(out, Statement{Actor: fmt.Sprintf("a%03d", a), Concept: fmt.Sprintf("c%03d", c), Polarity: p,
				Assertion: fmt.Sprintf("s%d-%d", a, c)})
		}
	}
	return out
}

func BenchmarkActorNetwork(b *testing.B) {
	stmts := benchStatements(300, 60)
	for _, nz := range []Normalization{NoNormalization, Jaccard} {
		b.Run(string(nz), func(b *testing.B) {
			for b.Loop() {
				if _, err := ActorNetwork(stmts, nil, Options{Normalization: nz}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkCentrality(b *testing.B) {
	n, err := ActorNetwork(benchStatements(200, 40), nil, Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("Betweenness", func(b *testing.B) {
		for b.Loop() {
			Betweenness(n)
		}
	})
	b.Run("PageRank", func(b *testing.B) {
		for b.Loop() {
			if _, err := PageRank(n, true); err != nil {
				b.Fatal(err)
			}
		}
	})
}
