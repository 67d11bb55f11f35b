package service

import (
	"context"
	"os"
	"runtime"
	"testing"

	"github.com/qualgraph/qualgraph/coding/suggest"
	"github.com/qualgraph/qualgraph/internal/benchproj"
	"github.com/qualgraph/qualgraph/project"
)

// benchSuggestProject opens the generated project of the suggestion
// benchmarks: 200 documents and QUALGRAPH_BENCH_CODINGS codings (default
// 20,000), or with QUALGRAPH_SUGGEST_FULL set the large generated project
// (2,000 documents, 200,000 codings, as qgbench builds it), kept in
// QUALGRAPH_SCALE_DIR between runs. The benchmarks only read it.
func benchSuggestProject(b *testing.B) *Service {
	b.Helper()
	var dir string
	if os.Getenv("QUALGRAPH_SUGGEST_FULL") != "" {
		base := os.Getenv("QUALGRAPH_SCALE_DIR")
		if base == "" {
			base = b.TempDir()
		}
		var err error
		if dir, _, err = benchproj.Ensure(base, benchproj.Options{}); err != nil {
			b.Fatal(err)
		}
	} else {
		dir = benchproj.CopyFromEnv(b)
	}
	p, err := project.Open(dir, project.ReadOnly)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { p.Close() })
	return New(p)
}

// BenchmarkSuggestLearn reads the units of every document, labels them and
// trains the model: what every suggest command does first. It reports the
// heap the model and its data hold.
func BenchmarkSuggestLearn(b *testing.B) {
	s := benchSuggestProject(b)
	ctx := context.Background()
	v, err := s.p.View(false)
	if err != nil {
		b.Fatal(err)
	}
	cb, err := s.p.Codebook()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	var m *suggest.Model
	var t *training
	cpu := cpuTime()
	for range b.N {
		t, err = s.training(ctx, v, "", learner{all: true})
		if err != nil {
			b.Fatal(err)
		}
		m = suggest.Train(t.units, t.coded, suggestOptions(cb))
	}
	b.StopTimer()
	b.ReportMetric((cpuTime()-cpu).Seconds()/float64(b.N), "cpu-s/op")
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "heapMB")
	b.ReportMetric(float64(len(v.Codings)), "codings")
	b.ReportMetric(float64(len(t.units)), "units")
	runtime.KeepAlive(m)
}

// BenchmarkSuggestDocument asks for the suggestions of one document (the
// best 20 for every code, explained) from a service that has trained its
// resident model already: what the workbench pays per document.
func BenchmarkSuggestDocument(b *testing.B) {
	s := benchSuggestProject(b)
	ctx := context.Background()
	docs, err := s.p.Documents(ctx)
	if err != nil {
		b.Fatal(err)
	}
	o := SuggestOptions{Docs: []string{docs[0].ID}, Limit: 20, MinScore: -1}
	if _, err := s.Suggest(ctx, o); err != nil { // trains
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	var gs []Suggestion
	cpu := cpuTime()
	for range b.N {
		if gs, err = s.Suggest(ctx, o); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64((cpuTime()-cpu).Milliseconds())/float64(b.N), "cpu-ms/op")
	if len(gs) == 0 {
		b.Fatal("no suggestion")
	}
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "heapMB")
	runtime.KeepAlive(s)
}

// BenchmarkSuggestEvaluate cross-validates the model and the baselines on
// the generated project (5 folds by document) and reports their overall F1
// and precision at 10.
func BenchmarkSuggestEvaluate(b *testing.B) {
	s := benchSuggestProject(b)
	ctx := context.Background()
	var ev *suggest.Evaluation
	for range b.N {
		var err error
		if ev, err = s.EvaluateSuggestions(ctx, EvaluateOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	o := ev.Overall
	for _, m := range []struct {
		name string
		m    suggest.Metrics
	}{{"model", o.Model}, {"cues", o.Cues}, {"tfidf", o.TFIDF}} {
		b.ReportMetric(m.m.F1, m.name+"-F1")
		b.ReportMetric(m.m.PAt10, m.name+"-P@10")
	}
	b.ReportMetric(float64(len(ev.Codes)), "codes")
}
