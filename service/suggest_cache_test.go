package service

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/coding/suggest"
	"github.com/qualgraph/qualgraph/project"
)

const lobbyText = "We lobbied the bureau for land. The weather was fine. They lobbied the council again. We petitioned the mayor for subsidies."

// lobbyProject makes a project with one document of lobbyText.
func lobbyProject(t *testing.T) (p *project.Project, doc string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "proj")
	if err := project.Init(dir, project.InitOptions{Name: "s"}); err != nil {
		t.Fatal(err)
	}
	p, err := project.Open(dir, project.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	res, err := p.ImportData(context.Background(), []project.DataFile{{Path: "a.txt", Data: []byte(lobbyText)}}, project.ImportOptions{By: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return p, res.Imported[0].ID
}

// TestSuggestResidentModel checks that the service trains once while the
// project does not change, and afresh after a coding: the unit just coded
// is not suggested again and its code's support grew.
func TestSuggestResidentModel(t *testing.T) {
	ctx := context.Background()
	p, doc := lobbyProject(t)
	code := func(phrase string) coding.Span {
		i := strings.Index(lobbyText, phrase)
		start := utf8.RuneCountInString(lobbyText[:i])
		sp := coding.Span{Doc: doc, Start: start, End: start + utf8.RuneCountInString(phrase)}
		if _, err := p.Code(ctx, []project.CodeRequest{{Span: sp, Code: "Lobbying"}}, "ann", "code"); err != nil {
			t.Fatal(err)
		}
		return sp
	}
	code("We lobbied the bureau for land.")
	s := New(p)
	o := SuggestOptions{Codes: []string{"Lobbying"}, MinScore: -1}
	suggested := func() (map[coding.Span]bool, *trainedModel) {
		t.Helper()
		gs, err := s.Suggest(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		spans := map[coding.Span]bool{}
		for _, g := range gs {
			spans[g.Span()] = true
		}
		return spans, s.models.byUnit[modelKey{unit: project.UnitSentence}]
	}
	first, m1 := suggested()
	_, m2 := suggested()
	if m1 == nil || m1 != m2 {
		t.Fatalf("the second call trained again (%p, %p) though nothing changed", m1, m2)
	}
	again := code("They lobbied the council again.")
	if !first[again] {
		t.Fatalf("%v was not suggested before it was coded: %v", again, first)
	}
	after, m3 := suggested()
	if m3 == m1 {
		t.Fatal("the model was not trained again after a coding")
	}
	if after[again] {
		t.Errorf("%v is suggested though it is coded now", again)
	}
	if got := m3.m.Support("Lobbying"); got != 2 {
		t.Errorf("the model after the coding learnt from %d units of Lobbying, want 2", got)
	}
}

// TestSuggestLearnsFromVisible checks blind coding's model: a caller who
// may see only their own codings gets suggestions learnt from those
// alone, for units only others coded too, with explanations that quote
// only their own codings; a caller who sees everyone shares the model
// learnt from all.
func TestSuggestLearnsFromVisible(t *testing.T) {
	ctx := context.Background()
	p, doc := lobbyProject(t)
	span := func(phrase string) coding.Span {
		i := strings.Index(lobbyText, phrase)
		start := utf8.RuneCountInString(lobbyText[:i])
		return coding.Span{Doc: doc, Start: start, End: start + utf8.RuneCountInString(phrase)}
	}
	anns, bos := span("We lobbied the bureau for land."), span("They lobbied the council again.")
	for _, c := range []struct {
		sp    coding.Span
		coder string
	}{{anns, "ann"}, {bos, "bo"}} {
		if _, err := p.Code(ctx, []project.CodeRequest{{Span: c.sp, Code: "Lobbying"}}, c.coder, "code"); err != nil {
			t.Fatal(err)
		}
	}
	s := New(p)
	onlyAnn := func(c string) bool { return c == "ann" }
	everyone := func(string) bool { return true }
	tests := []struct {
		name        string
		visible     func(string) bool
		bosSuggest  bool // bo's sentence suggested
		support     int
		similarOnly string // "": any coder
	}{
		{"NoFilter", nil, false, 2, ""},
		{"SeesEveryone", everyone, false, 2, ""},
		{"SeesOwnOnly", onlyAnn, true, 1, "ann"},
	}
	models := map[string]*suggest.Model{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gs, err := s.Suggest(ctx, SuggestOptions{Codes: []string{"Lobbying"}, MinScore: -1, Visible: tt.visible})
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, g := range gs {
				if g.Span() == bos {
					found = true
				}
				if g.Span() == anns {
					t.Errorf("ann's own coded sentence is suggested: %+v", g)
				}
				for _, x := range g.Similar {
					if tt.similarOnly != "" && x.Coder != tt.similarOnly {
						t.Errorf("suggestion %s quotes a segment coded by %s", g.ID, x.Coder)
					}
				}
			}
			if found != tt.bosSuggest {
				t.Errorf("bo's coded sentence suggested: %v, want %v (%+v)", found, tt.bosSuggest, gs)
			}
			v, err := p.View(false)
			if err != nil {
				t.Fatal(err)
			}
			l := s.learnerOf(v, tt.visible)
			tm := s.models.byUnit[modelKey{unit: project.UnitSentence, coders: l.key()}]
			if tm == nil {
				t.Fatalf("no resident model for %q", l.key())
			}
			if got := tm.m.Support("Lobbying"); got != tt.support {
				t.Errorf("the model learnt from %d units of Lobbying, want %d", got, tt.support)
			}
			models[tt.name] = tm.m
		})
	}
	if models["NoFilter"] != models["SeesEveryone"] {
		t.Error("a caller who sees everyone got a model of their own")
	}
}

func TestIDWords(t *testing.T) {
	for _, tc := range []struct{ id, want string }{
		{"LegitimationPractice", "Legitimation Practice"},
		{"rq2_curriculum_and_instruction-pedagogy-fun", "rq2 curriculum and instruction pedagogy fun"},
		{"csta_k12Standards", "csta k12 Standards"},
		{"a.b/c", "a b c"},
		{"URLPolicy", "URLPolicy"},
		{"游说", "游说"},
	} {
		t.Run(tc.id, func(t *testing.T) {
			if got := idWords(tc.id); got != tc.want {
				t.Errorf("idWords(%q) = %q, want %q", tc.id, got, tc.want)
			}
		})
	}
}
