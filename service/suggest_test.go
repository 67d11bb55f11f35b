package service_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/qualgraph/qualgraph/internal/testfiles"
	"github.com/qualgraph/qualgraph/project"
	"github.com/qualgraph/qualgraph/service"
)

// qdaDemo imports the QDA demo export of the shared test data (two real
// transcripts, 205 codings) into a new project, or skips loudly.
func qdaDemo(t *testing.T) *service.Service {
	t.Helper()
	file := filepath.Join(testfiles.SharedData(t), "qualitative-coding", "demo.qdpx")
	if _, err := os.Stat(file); err != nil {
		t.Skipf("!!! the shared QDA demo export is missing (%v): the evaluation on real data is NOT tested", err)
	}
	dir := filepath.Join(t.TempDir(), "proj")
	if err := project.Init(dir, project.InitOptions{Name: "demo"}); err != nil {
		t.Fatal(err)
	}
	p, err := project.Open(dir, project.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	svc := service.New(p)
	res, err := svc.ImportREFI(context.Background(), "importer", service.RefiImportOptions{File: file})
	if err != nil {
		t.Fatal(err)
	}
	if res.Codings != 205 {
		t.Fatalf("imported %d codings, want 205", res.Codings)
	}
	return svc
}

// TestEvaluateSuggestionsQDADemo cross-validates the model on the shared
// QDA demo export: it must beat the cue-word baseline overall, and on the
// default unit (sentences) the tf-idf matcher's F1 too.
func TestEvaluateSuggestionsQDADemo(t *testing.T) {
	svc := qdaDemo(t)
	for _, unit := range []string{"", "segment"} {
		t.Run("unit="+unit, func(t *testing.T) {
			ev, err := svc.EvaluateSuggestions(context.Background(), service.EvaluateOptions{Unit: unit})
			if err != nil {
				t.Fatal(err)
			}
			o := ev.Overall
			t.Logf("%d folds, %d units, %d codes\nmodel %+v\ncues  %+v\ntfidf %+v", ev.Folds, ev.Units, len(ev.Codes), o.Model, o.Cues, o.TFIDF)
			if o.Model.F1 <= o.Cues.F1 || o.Model.PAt10 <= o.Cues.PAt10 {
				t.Errorf("the model does not beat the cue words: F1 %v vs %v, P@10 %v vs %v", o.Model.F1, o.Cues.F1, o.Model.PAt10, o.Cues.PAt10)
			}
			if ev.Folds != 5 || ev.Units == 0 || len(ev.Codes) != 77 {
				t.Errorf("%d folds, %d units, %d codes; want 5, some, 77", ev.Folds, ev.Units, len(ev.Codes))
			}
			if unit == "" && o.Model.F1 <= o.TFIDF.F1 {
				t.Errorf("the model does not beat the tf-idf matcher: F1 %v vs %v", o.Model.F1, o.TFIDF.F1)
			}
		})
	}
}
