package service

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/project"
)

// TestSuggestResidentModel checks that the service trains once while the
// project does not change, and afresh after a coding: the unit just coded
// is not suggested again and its code's support grew.
func TestSuggestResidentModel(t *testing.T) {
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
	text := "We lobbied the bureau for land. The weather was fine. They lobbied the council again. We petitioned the mayor for subsidies."
	res, err := p.ImportData(ctx, []project.DataFile{{Path: "a.txt", Data: []byte(text)}}, project.ImportOptions{By: "test"})
	if err != nil {
		t.Fatal(err)
	}
	doc := res.Imported[0].ID
	code := func(phrase string) coding.Span {
		i := strings.Index(text, phrase)
		start := utf8.RuneCountInString(text[:i])
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
		return spans, s.models.byUnit[project.UnitSentence]
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
