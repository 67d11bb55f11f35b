package service_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/qualgraph/qualgraph/coding/suggest"
	"github.com/qualgraph/qualgraph/internal/benchproj"
	"github.com/qualgraph/qualgraph/project"
	"github.com/qualgraph/qualgraph/service"
)

// TestEvaluateSuggestionsGenerated cross-validates the model on the
// generated benchmark project, whose codings follow its text (package
// internal/benchproj), 5 folds by document, by sentence: the default
// model must beat the cue-word baseline and the tf-idf matcher overall
// on F1 and on precision at 10. It uses the small project (200 documents,
// 20,000 codings, as the package benchmarks do; kept under
// QUALGRAPH_SCALE_DIR if set) and, with QUALGRAPH_SUGGEST_FULL set, also
// the full one (2,000 documents, 200,000 codings), which takes minutes
// to build and to evaluate.
func TestEvaluateSuggestionsGenerated(t *testing.T) {
	if testing.Short() {
		t.Skip("!!! -short: the evaluation on the generated project is NOT tested")
	}
	sizes := []struct {
		name string
		opt  benchproj.Options
	}{
		{"small", benchproj.Options{Docs: 200, DocSize: 4000, Codings: 20000, Entities: 10, Assertions: 10}},
	}
	if os.Getenv("QUALGRAPH_SUGGEST_FULL") != "" {
		sizes = append(sizes, struct {
			name string
			opt  benchproj.Options
		}{"full", benchproj.Options{}})
	}
	base := os.Getenv("QUALGRAPH_SCALE_DIR")
	if base == "" {
		base = t.TempDir()
	}
	for _, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			dir, _, err := benchproj.Ensure(base, sz.opt)
			if err != nil {
				t.Fatal(err)
			}
			p, err := project.Open(dir, project.ReadOnly)
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			start := time.Now()
			ev, err := service.New(p).EvaluateSuggestions(context.Background(), service.EvaluateOptions{})
			if err != nil {
				t.Fatal(err)
			}
			o := ev.Overall
			t.Logf("%d folds, %d units, %d codes, %v\nmodel %+v\ncues  %+v\ntfidf %+v", ev.Folds, ev.Units, len(ev.Codes), time.Since(start).Round(time.Second), o.Model, o.Cues, o.TFIDF)
			if ev.Folds != 5 || len(ev.Codes) != 45 {
				t.Errorf("%d folds, %d codes; want 5 and 45", ev.Folds, len(ev.Codes))
			}
			for _, b := range []struct {
				name string
				m    suggest.Metrics
			}{{"cue words", o.Cues}, {"tf-idf matcher", o.TFIDF}} {
				if o.Model.F1 <= b.m.F1 {
					t.Errorf("the model does not beat the %s on F1: %v vs %v", b.name, o.Model.F1, b.m.F1)
				}
				if o.Model.PAt10 <= b.m.PAt10 {
					t.Errorf("the model does not beat the %s on P@10: %v vs %v", b.name, o.Model.PAt10, b.m.PAt10)
				}
			}
		})
	}
}
