package analysis

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/kg"
)

// benchCodes are the codes of the generated codings: 40 codes, as many as a
// mid-sized codebook has in use.
var benchCodes = func() []string {
	cs := make([]string, 40)
	for i := range cs {
		cs[i] = fmt.Sprintf("Code%02d", i)
	}
	return cs
}()

// generate returns n codings spread evenly over docs documents of 20,000
// code points, each 20 to 319 code points long at a random place, with one
// of benchCodes and one of three coders. It is deterministic for a seed.
func generate(n, docs int, seed uint64) []coding.Coding {
	rng := rand.New(rand.NewPCG(seed, 1))
	const docLen = 20000
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	cs := make([]coding.Coding, n)
	for i := range cs {
		length := 20 + rng.IntN(300)
		start := rng.IntN(docLen - length)
		cs[i] = coding.Coding{
			ID:      fmt.Sprintf("c%07d", i),
			Span:    coding.Span{Doc: fmt.Sprintf("d%04d", i%docs), Start: start, End: start + length},
			Code:    benchCodes[rng.IntN(len(benchCodes))],
			Coder:   []string{"anna", "bo", "chen"}[i%3],
			Created: base.Add(time.Duration(i) * time.Second),
		}
	}
	return cs
}

// BenchmarkCooccurOverlap counts overlapping pairs among 200,000 codings
// over 2,000 documents: the acceptance target is well under a second for
// the whole command (QualCoder's SQL self-join took 28.7 s).
func BenchmarkCooccurOverlap(b *testing.B) {
	cs := generate(200000, 2000, 1)
	b.ResetTimer()
	var pairs int
	for i := 0; i < b.N; i++ {
		r, err := Cooccur(cs, nil, CooccurOptions{Unit: UnitOverlap})
		if err != nil {
			b.Fatal(err)
		}
		pairs = 0
		for _, p := range r.Pairs {
			pairs += p.Count
		}
	}
	b.ReportMetric(float64(pairs), "overlaps")
}

func BenchmarkCooccurSegment(b *testing.B) {
	cs := generate(200000, 2000, 1)
	docs := Docs{}
	for d := 0; d < 2000; d++ {
		id := fmt.Sprintf("d%04d", d)
		segs := make([]Segment, 0, 100)
		for s := 0; s < 20000; s += 200 {
			segs = append(segs, Segment{s, s + 200})
		}
		docs[id] = Doc{ID: id, Segments: segs}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Cooccur(cs, docs, CooccurOptions{Unit: UnitSegment}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFrequenciesByCode(b *testing.B) {
	cs := generate(200000, 2000, 1)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Frequencies(cs, nil, FreqOptions{By: ByCode}); err != nil {
			b.Fatal(err)
		}
	}
}

// projection writes the 200,000 generated codings to a real graph store
// in b.TempDir() (in batches of 20,000, one transaction each) and returns
// its folder, whose projection kg.LoadView replays.
func projection(b *testing.B) string {
	b.Helper()
	dir := b.TempDir()
	s, err := kg.Create(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	cs := generate(200000, 2000, 1)
	for lo := 0; lo < len(cs); lo += 20000 {
		ch := coding.NewChange("bench", "code", "bench codings")
		if err := s.AddCodings(ch, cs[lo:lo+20000]); err != nil {
			b.Fatal(err)
		}
	}
	return dir
}

// BenchmarkLoadView replays the projection of 200,000 codings: the part
// of a query command that reads the project.
func BenchmarkLoadView(b *testing.B) {
	dir := projection(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		v, err := kg.LoadView(dir, false)
		if err != nil {
			b.Fatal(err)
		}
		if len(v.Codings) != 200000 {
			b.Fatalf("%d codings", len(v.Codings))
		}
	}
}

// BenchmarkLoadViewCooccur is the work of "qualgraph cooccur" on 200,000
// codings, process start and ontology aside.
func BenchmarkLoadViewCooccur(b *testing.B) {
	dir := projection(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		v, err := kg.LoadView(dir, false)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Cooccur(v.Codings, nil, CooccurOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
