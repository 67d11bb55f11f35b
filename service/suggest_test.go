package service_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/coding/suggest"
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
// QDA demo export, by sentence and by turn: it must beat the cue-word
// baseline and the tf-idf matcher overall, on F1 and on precision at 10,
// with the figures the README reports (the folds and the training are
// deterministic).
func TestEvaluateSuggestionsQDADemo(t *testing.T) {
	svc := qdaDemo(t)
	for _, tc := range []struct {
		unit         string
		units        int
		model, tfidf suggest.Metrics
	}{
		{"", 767, suggest.Metrics{Precision: 0.271, Recall: 0.174, F1: 0.212, PAt10: 0.079}, suggest.Metrics{Precision: 0.086, Recall: 0.326, F1: 0.137, PAt10: 0.066}},
		{"segment", 217, suggest.Metrics{Precision: 0.481, Recall: 0.13, F1: 0.205, PAt10: 0.113}, suggest.Metrics{Precision: 0.114, Recall: 0.405, F1: 0.178, PAt10: 0.074}},
	} {
		t.Run("unit="+tc.unit, func(t *testing.T) {
			ev, err := svc.EvaluateSuggestions(context.Background(), service.EvaluateOptions{Unit: tc.unit})
			if err != nil {
				t.Fatal(err)
			}
			o := ev.Overall
			t.Logf("%d folds, %d units, %d codes\nmodel %+v\ncues  %+v\ntfidf %+v", ev.Folds, ev.Units, len(ev.Codes), o.Model, o.Cues, o.TFIDF)
			if o.Model.F1 <= o.Cues.F1 || o.Model.PAt10 <= o.Cues.PAt10 {
				t.Errorf("the model does not beat the cue words: F1 %v vs %v, P@10 %v vs %v", o.Model.F1, o.Cues.F1, o.Model.PAt10, o.Cues.PAt10)
			}
			if o.Model.F1 <= o.TFIDF.F1 || o.Model.PAt10 <= o.TFIDF.PAt10 {
				t.Errorf("the model does not beat the tf-idf matcher: F1 %v vs %v, P@10 %v vs %v", o.Model.F1, o.TFIDF.F1, o.Model.PAt10, o.TFIDF.PAt10)
			}
			if ev.Folds != 5 || ev.Units != tc.units || len(ev.Codes) != 77 {
				t.Errorf("%d folds, %d units, %d codes; want 5, %d, 77", ev.Folds, ev.Units, len(ev.Codes), tc.units)
			}
			if o.Model != tc.model || o.TFIDF != tc.tfidf || o.Cues != (suggest.Metrics{}) {
				t.Errorf("model %+v, tf-idf %+v, cues %+v; want %+v, %+v and zero (the figures of the README)", o.Model, o.TFIDF, o.Cues, tc.model, tc.tfidf)
			}
		})
	}
}

// suggestFixture is a small project in English and Chinese: ann codes
// three sentences about lobbying Lobbying, two others Certification.
type suggestFixture struct {
	p   *project.Project
	svc *service.Service
	ids map[string]string
}

var suggestDocs = []struct{ name, text string }{
	{"a.txt", "We lobbied the bureau for land. The weather was fine. We petitioned the mayor for subsidies. The association set a standard for drones."},
	{"b.txt", "They lobbied the council again. Lunch was late. The weather was cold. They certified the drones against the standard."},
	{"c.txt", "我们游说了市政府。今天下雨。我们再次游说了科技局。协会制定了无人机标准。"},
}

func (f *suggestFixture) span(t *testing.T, name, phrase string) coding.Span {
	t.Helper()
	text, err := f.p.Text(f.ids[name])
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(text, phrase)
	if i < 0 {
		t.Fatalf("%q not in %s", phrase, name)
	}
	start := utf8.RuneCountInString(text[:i])
	return coding.Span{Doc: f.ids[name], Start: start, End: start + utf8.RuneCountInString(phrase)}
}

func newSuggestFixture(t *testing.T) *suggestFixture {
	t.Helper()
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "proj")
	if err := project.Init(dir, project.InitOptions{Name: "s"}); err != nil {
		t.Fatal(err)
	}
	p, err := project.Open(dir, project.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	var files []project.DataFile
	for _, d := range suggestDocs {
		files = append(files, project.DataFile{Path: d.name, Data: []byte(d.text)})
	}
	res, err := p.ImportData(ctx, files, project.ImportOptions{By: "test"})
	if err != nil {
		t.Fatal(err)
	}
	f := &suggestFixture{p: p, svc: service.New(p), ids: map[string]string{}}
	for _, d := range res.Imported {
		f.ids[d.Name] = d.ID
	}
	for _, c := range []struct{ doc, phrase, code string }{
		{"a.txt", "We lobbied the bureau for land.", "Lobbying"},
		{"a.txt", "We petitioned the mayor for subsidies.", "Lobbying"},
		{"c.txt", "我们游说了市政府。", "Lobbying"},
		{"a.txt", "The association set a standard for drones.", "Certification"},
		{"c.txt", "协会制定了无人机标准。", "Certification"},
	} {
		req := project.CodeRequest{Span: f.span(t, c.doc, c.phrase), Code: c.code}
		if _, err := p.Code(ctx, []project.CodeRequest{req}, "ann", "code"); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func TestSuggest(t *testing.T) {
	f := newSuggestFixture(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name       string
		doc        string
		phrase     string // the unit suggested first
		term       string // a term of its explanation
		similar    string // the coded segment most like it
		similarDoc string
	}{
		{"English", "b.txt", "They lobbied the council again.", "lobbied", "We lobbied the bureau for land.", "a.txt"},
		{"Chinese", "c.txt", "我们再次游说了科技局。", "游说", "我们游说了市政府。", "c.txt"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gs, err := f.svc.Suggest(ctx, service.SuggestOptions{Codes: []string{"Lobbying"}, Docs: []string{tc.doc}, Limit: 1, MinScore: -1})
			if err != nil {
				t.Fatal(err)
			}
			if len(gs) != 1 {
				t.Fatalf("%d suggestions, want 1: %+v", len(gs), gs)
			}
			g := gs[0]
			if want := f.span(t, tc.doc, tc.phrase); g.Span() != want || g.Code != "Lobbying" {
				t.Errorf("suggested %v %s, want %v Lobbying", g.Span(), g.Code, want)
			}
			if g.Score <= 0 || g.Score >= 1 || g.ID != suggest.ID(g.Span(), "Lobbying") {
				t.Errorf("score %v id %s", g.Score, g.ID)
			}
			if len(g.Terms) == 0 || g.Terms[0].Weight <= 0 || !slices.ContainsFunc(g.Terms, func(w suggest.TermWeight) bool {
				return w.Term == tc.term && w.Weight == g.Terms[0].Weight
			}) {
				t.Errorf("terms %+v, want %q among those that weigh most", g.Terms, tc.term)
			}
			if len(g.Similar) == 0 || g.Similar[0].Text != tc.similar || g.Similar[0].Coder != "ann" || g.Similar[0].Doc != f.ids[tc.similarDoc] {
				t.Errorf("similar %+v, want %q by ann first", g.Similar, tc.similar)
			}
		})
	}
	t.Run("NotTheCodedOrOtherUnits", func(t *testing.T) {
		gs, err := f.svc.Suggest(ctx, service.SuggestOptions{Codes: []string{"Lobbying"}, MinScore: 0.3})
		if err != nil {
			t.Fatal(err)
		}
		if len(gs) != 2 {
			t.Errorf("%d suggestions above 0.3, want 2", len(gs))
		}
		for _, g := range gs {
			text, _ := f.p.Text(g.Doc)
			u := string([]rune(text)[g.Start:g.End])
			if !strings.Contains(u, "lobbied") && !strings.Contains(u, "游说") {
				t.Errorf("suggested %q for Lobbying", u)
			}
			for _, coded := range []string{"We lobbied the bureau for land.", "我们游说了市政府。"} {
				if u == coded {
					t.Errorf("suggested the coded %q again", u)
				}
			}
		}
	})
	t.Run("BadOptions", func(t *testing.T) {
		_, err := f.svc.Suggest(ctx, service.SuggestOptions{Unit: "word"})
		var oe *service.OptionError
		if !errors.As(err, &oe) {
			t.Errorf("unit word: %v, want an *OptionError", err)
		}
		_, err = f.svc.Suggest(ctx, service.SuggestOptions{Codes: []string{"NoSuchCode"}})
		if !errors.Is(err, coding.ErrUnknownCode) {
			t.Errorf("unknown code: %v", err)
		}
	})
}

// TestAcceptRejectSuggestions accepts and rejects suggestions and checks
// what the record, the projection and the graph keep of them.
func TestAcceptRejectSuggestions(t *testing.T) {
	f := newSuggestFixture(t)
	ctx := context.Background()
	lobby := service.SuggestOptions{Codes: []string{"Lobbying"}}
	gs, err := f.svc.Suggest(ctx, service.SuggestOptions{Codes: []string{"Lobbying"}, MinScore: -1})
	if err != nil {
		t.Fatal(err)
	}
	en, zh := f.span(t, "b.txt", "They lobbied the council again."), f.span(t, "c.txt", "我们再次游说了科技局。")
	byspan := map[coding.Span]service.Suggestion{}
	for _, g := range gs {
		byspan[g.Span()] = g
	}
	acc, rej := byspan[en], byspan[zh]
	if acc.ID == "" || rej.ID == "" {
		t.Fatalf("suggestions %+v lack %v or %v", gs, en, zh)
	}
	cs, err := f.svc.AcceptSuggestions(ctx, "bo", service.SuggestionRefs{SuggestOptions: lobby, IDs: []string{acc.ID}})
	if err != nil {
		t.Fatal(err)
	}
	want := coding.Suggestion{Model: suggest.Version, Score: acc.Score}
	if len(cs) != 1 || cs[0].Span != en || cs[0].Code != "Lobbying" || cs[0].Coder != "bo" || cs[0].Suggested == nil || *cs[0].Suggested != want {
		t.Fatalf("accepted %+v", cs)
	}
	rs, err := f.svc.RejectSuggestions(ctx, "bo", service.SuggestionRefs{SuggestOptions: lobby, IDs: []string{rej.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || rs[0].ID != rej.ID || rs[0].Span != zh || rs[0].Coder != "bo" || rs[0].Model != suggest.Version {
		t.Fatalf("rejected %+v", rs)
	}
	t.Run("UnknownID", func(t *testing.T) {
		for _, id := range []string{acc.ID, rej.ID, "s000"} {
			_, err := f.svc.AcceptSuggestions(ctx, "bo", service.SuggestionRefs{SuggestOptions: lobby, IDs: []string{id}})
			if !errors.Is(err, service.ErrUnknownSuggestion) {
				t.Errorf("accepting %s again: %v, want ErrUnknownSuggestion", id, err)
			}
		}
	})
	t.Run("NeverAgain", func(t *testing.T) {
		gs, err := f.svc.Suggest(ctx, service.SuggestOptions{Codes: []string{"Lobbying"}, MinScore: -1})
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range gs {
			if g.Span() == en || g.Span() == zh {
				t.Errorf("suggested %v again", g.Span())
			}
		}
	})
	check := func(t *testing.T, v *coding.View) {
		t.Helper()
		n := 0
		for _, c := range v.Codings {
			if c.Suggested != nil {
				n++
				if c.Span != en || *c.Suggested != want || c.Coder != "bo" {
					t.Errorf("coding %+v", c)
				}
			}
		}
		if n != 1 {
			t.Errorf("%d suggested codings, want 1", n)
		}
		if len(v.Rejections) != 1 || v.Rejections[0].ID != rej.ID || v.Rejections[0].Span != zh || v.Rejections[0].Code != "Lobbying" {
			t.Errorf("rejections %+v", v.Rejections)
		}
	}
	t.Run("Projection", func(t *testing.T) {
		v, err := f.p.View(false)
		if err != nil {
			t.Fatal(err)
		}
		check(t, v)
	})
	t.Run("Graph", func(t *testing.T) {
		if err := f.p.SyncGraph(nil); err != nil {
			t.Fatal(err)
		}
		g, err := f.p.Graph()
		if err != nil {
			t.Fatal(err)
		}
		v, err := g.View()
		if err != nil {
			t.Fatal(err)
		}
		check(t, v)
	})
	t.Run("RebuiltProjection", func(t *testing.T) {
		if err := f.p.RebuildView(); err != nil {
			t.Fatal(err)
		}
		v, err := f.p.View(false)
		if err != nil {
			t.Fatal(err)
		}
		check(t, v)
	})
	t.Run("NoSuggested", func(t *testing.T) {
		// bo codes one sentence by hand, so that agreement has two coders
		// either way.
		hand := f.span(t, "a.txt", "We lobbied the bureau for land.")
		if _, err := f.p.Code(ctx, []project.CodeRequest{{Span: hand, Code: "Lobbying"}}, "bo", "code"); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			noSuggested bool
			codings     int // bo's
			// the documents agreement names: a.txt compared, c.txt (ann
			// only) left out, and b.txt left out where bo accepted a
			// suggestion
			docs []string
		}{
			{false, 2, []string{"a.txt", "b.txt", "c.txt"}},
			{true, 1, []string{"a.txt", "c.txt"}},
		} {
			ft, err := f.svc.Frequencies(ctx, service.FrequenciesOptions{By: "coder", Selection: service.Selection{NoSuggested: tc.noSuggested}})
			if err != nil {
				t.Fatal(err)
			}
			got := -1
			for _, r := range ft.Rows {
				if r.Key == "bo" {
					got = r.Codings
				}
			}
			if got != tc.codings {
				t.Errorf("NoSuggested %v: bo has %d codings, want %d", tc.noSuggested, got, tc.codings)
			}
			r, err := f.svc.Agreement(ctx, service.AgreementOptions{Coders: []string{"ann", "bo"}, Codes: []string{"Lobbying"}, NoSuggested: tc.noSuggested})
			if err != nil {
				t.Fatal(err)
			}
			var docs []string
			for _, d := range r.Documents {
				docs = append(docs, d.Name)
				if d.Included != (d.Name == "a.txt") {
					t.Errorf("NoSuggested %v: %s included %v", tc.noSuggested, d.Name, d.Included)
				}
			}
			slices.Sort(docs)
			if !slices.Equal(docs, tc.docs) {
				t.Errorf("NoSuggested %v: agreement names %v, want %v", tc.noSuggested, docs, tc.docs)
			}
		}
	})
	t.Run("AcceptAbove", func(t *testing.T) {
		gs, err := f.svc.Suggest(ctx, service.SuggestOptions{MinScore: 0.25})
		if err != nil {
			t.Fatal(err)
		}
		cs, err := f.svc.AcceptSuggestions(ctx, "bo", service.SuggestionRefs{Above: 0.25})
		if err != nil {
			t.Fatal(err)
		}
		if len(gs) == 0 || len(cs) != len(gs) {
			t.Errorf("accepted %d above 0.25, suggested %d", len(cs), len(gs))
		}
		for i := range min(len(cs), len(gs)) {
			if cs[i].Span != gs[i].Span() || cs[i].Code != gs[i].Code || cs[i].Suggested.Score != gs[i].Score {
				t.Errorf("accepted %+v, suggested %+v", cs[i], gs[i])
			}
		}
	})
}
