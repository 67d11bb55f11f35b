package service_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/coding/suggest"
	"github.com/qualgraph/qualgraph/project"
	"github.com/qualgraph/qualgraph/service"
)

// assertDocs are an English interview (Chen's turn names him by the
// first person) and a Chinese note.
var assertDocs = []struct{ name, text string }{
	{"chen.txt", "Interviewer: How did it start?\n\nChen: In 2019 I left Huaxing Lighting to found Lumenkey. The Science Bureau funded us in 2020. I lobbied Huaxing Lighting for years, without result. Then I lobbied the industry association for a committee.\n\nInterviewer: Thank you.\n"},
	{"lin.txt", "科技局资助了星联物联。\n"},
}

var assertEntities = []coding.Entity{
	{ID: "chen", Type: "SpinoffFounder", Name: "Chen Hao", Aliases: []string{"陈浩", "Lumenkey"}},
	{ID: "huaxing", Type: "IncumbentFirm", Name: "Huaxing Lighting", Aliases: []string{"华星照明"}},
	{ID: "bureau", Type: "LocalGovernment", Name: "Jinlan Science and Technology Bureau", Aliases: []string{"Science Bureau", "科技局"}},
	{ID: "assoc", Type: "IndustryAssociation", Name: "Jinlan Lighting Association", Aliases: []string{"industry association", "行业协会"}},
	{ID: "lin", Type: "ReturneeEntrepreneur", Name: "Lin Yue", Aliases: []string{"星联物联"}},
}

// assertFixture makes the project in dir: the documents, the entities,
// and ann's assertion that Chen lobbies the association, with the
// sentence that says so as evidence.
func assertFixture(t *testing.T, dir string) (*project.Project, map[string]string) {
	t.Helper()
	ctx := context.Background()
	if err := project.Init(dir, project.InitOptions{Name: "a"}); err != nil {
		t.Fatal(err)
	}
	p, err := project.Open(dir, project.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	var files []project.DataFile
	for _, d := range assertDocs {
		files = append(files, project.DataFile{Path: d.name, Data: []byte(d.text)})
	}
	res, err := p.ImportData(ctx, files, project.ImportOptions{By: "test"})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	for _, d := range res.Imported {
		ids[d.Name] = d.ID
	}
	svc := service.New(p)
	for _, e := range assertEntities {
		if _, err := svc.AddEntity(ctx, "ann", service.AddEntityOptions{Entity: e}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = svc.Assert(ctx, "ann", service.AssertOptions{Assertion: coding.Assertion{Subject: "chen", Relation: "lobbies", Object: "assoc"},
		EvidenceQuotes: []service.QuoteRef{{Doc: "chen.txt", Text: "Then I lobbied the industry association for a committee."}}})
	if err != nil {
		t.Fatal(err)
	}
	return p, ids
}

// spanOf returns the span of phrase in the document named name.
func spanOf(t *testing.T, p *project.Project, ids map[string]string, name, phrase string) coding.Span {
	t.Helper()
	text, err := p.Text(ids[name])
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(text, phrase)
	if i < 0 {
		t.Fatalf("%q not in %s", phrase, name)
	}
	start := utf8.RuneCountInString(text[:i])
	return coding.Span{Doc: ids[name], Start: start, End: start + utf8.RuneCountInString(phrase)}
}

// proposalLines writes proposals as "subject relation object score cue
// sentence [entity=mention]...", the sentence quoted from the document.
func proposalLines(t *testing.T, p *project.Project, ps []suggest.Proposal) []string {
	t.Helper()
	var out []string
	for _, g := range ps {
		q, err := p.QuoteSpans([]coding.Span{g.Span()})
		if err != nil {
			t.Fatal(err)
		}
		var ms []string
		for _, m := range g.Mentions {
			mq, err := p.QuoteSpans([]coding.Span{{Doc: g.Doc, Start: m.Start, End: m.End}})
			if err != nil {
				t.Fatal(err)
			}
			if mq[0] != m.Text {
				t.Errorf("mention %q at %d-%d quotes %q", m.Text, m.Start, m.End, mq[0])
			}
			ms = append(ms, m.Entity+"="+m.Text)
		}
		if g.ID != suggest.AssertID(g.Span(), g.Subject, g.Relation, g.Object) {
			t.Errorf("proposal id %s is not its AssertID", g.ID)
		}
		out = append(out, fmt.Sprintf("%s %s %s %.3f %q %q %s", g.Subject, g.Relation, g.Object, g.Score, g.Cue, q[0], strings.Join(ms, " ")))
	}
	return out
}

func sameLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\ngot\n%s\nwant\n%s", what, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestSuggestAssertions proposes, accepts, rejects and evaluates
// suggested assertions on a small project in English and Chinese, and
// checks that the bookkeeping survives reopening.
func TestSuggestAssertions(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "proj")
	p, ids := assertFixture(t, dir)
	svc := service.New(p)

	const (
		spinoff   = `chen spinsOffFrom huaxing 1.000 "left … to found" "In 2019 I left Huaxing Lighting to found Lumenkey." chen=I huaxing=Huaxing Lighting`
		fundsChen = `bureau funds chen 1.000 "fund" "The Science Bureau funded us in 2020." bureau=Science Bureau chen=us`
		fundsLin  = `bureau funds lin 0.960 "资助" "科技局资助了星联物联。" bureau=科技局 lin=星联物联`
	)
	// Not proposed: "I lobbied Huaxing Lighting", since lobbies' range
	// admits no firm; Chen lobbying the association, which ann records.
	ps, err := svc.SuggestAssertions(ctx, service.AssertSuggestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sameLines(t, "suggested", proposalLines(t, p, ps), []string{spinoff, fundsChen, fundsLin})
	byLine := map[string]suggest.Proposal{}
	for i, l := range proposalLines(t, p, ps) {
		byLine[l] = ps[i]
	}

	t.Run("DocAndLimit", func(t *testing.T) {
		got, err := svc.SuggestAssertions(ctx, service.AssertSuggestOptions{Docs: []string{"lin.txt"}})
		if err != nil {
			t.Fatal(err)
		}
		sameLines(t, "--doc lin.txt", proposalLines(t, p, got), []string{fundsLin})
		got, err = svc.SuggestAssertions(ctx, service.AssertSuggestOptions{Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		sameLines(t, "--limit 1", proposalLines(t, p, got), []string{spinoff})
		_, err = svc.SuggestAssertions(ctx, service.AssertSuggestOptions{Docs: []string{"nosuch.txt"}})
		if err == nil {
			t.Error("an unknown document: no error")
		}
	})

	t.Run("Accept", func(t *testing.T) {
		g := byLine[spinoff]
		as, err := svc.AcceptAssertionSuggestions(ctx, "bo", service.AssertSuggestOptions{}, []string{g.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(as) != 1 {
			t.Fatalf("accepted %d, want 1", len(as))
		}
		a := as[0]
		want := spanOf(t, p, ids, "chen.txt", "In 2019 I left Huaxing Lighting to found Lumenkey.")
		if a.Existing || a.Coder != "bo" || a.Subject != "chen" || a.Relation != "spinsOffFrom" || a.Object != "huaxing" ||
			len(a.Evidence) != 1 || a.Evidence[0] != want || a.Polarity != coding.Positive || a.Confidence != 1 ||
			a.Suggested == nil || *a.Suggested != (coding.Suggestion{Model: suggest.AssertModel, Score: 1}) {
			t.Errorf("accepted %+v (suggested %+v), want bo's chen spinsOffFrom huaxing on %v, suggested by %s with 1", a.Assertion, a.Suggested, want, suggest.AssertModel)
		}
		_, err = svc.AcceptAssertionSuggestions(ctx, "bo", service.AssertSuggestOptions{}, []string{g.ID})
		if !errors.Is(err, service.ErrUnknownSuggestion) {
			t.Errorf("accepting again: %v, want %v", err, service.ErrUnknownSuggestion)
		}
	})

	t.Run("Reject", func(t *testing.T) {
		g := byLine[fundsLin]
		rs, err := svc.RejectAssertionSuggestions(ctx, "bo", service.AssertSuggestOptions{}, []string{g.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) != 1 || rs[0].ID != g.ID || rs[0].Coder != "bo" || rs[0].Subject != "bureau" || rs[0].Relation != "funds" ||
			rs[0].Object != "lin" || rs[0].Code != "" || rs[0].Span != g.Span() || rs[0].Model != suggest.AssertModel || rs[0].Score != 0.96 {
			t.Errorf("rejected %+v, want bo's rejection of %s", rs, g.ID)
		}
		for _, f := range []func() error{
			func() error {
				_, err := svc.RejectAssertionSuggestions(ctx, "ann", service.AssertSuggestOptions{}, []string{g.ID})
				return err
			},
			func() error {
				_, err := svc.AcceptAssertionSuggestions(ctx, "ann", service.AssertSuggestOptions{}, []string{g.ID})
				return err
			},
		} {
			if err := f(); !errors.Is(err, service.ErrUnknownSuggestion) {
				t.Errorf("a rejected suggestion: %v, want %v", err, service.ErrUnknownSuggestion)
			}
		}
	})

	sugg, err := svc.SuggestAssertions(ctx, service.AssertSuggestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sameLines(t, "after accept and reject", proposalLines(t, p, sugg), []string{fundsChen})
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}

	t.Run("Reopened", func(t *testing.T) {
		p, err := project.Open(dir, project.ReadWrite)
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		svc := service.New(p)
		got, err := svc.SuggestAssertions(ctx, service.AssertSuggestOptions{})
		if err != nil {
			t.Fatal(err)
		}
		sameLines(t, "reopened", proposalLines(t, p, got), []string{fundsChen})
		rep, err := p.Check(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Problems) > 0 {
			t.Errorf("check: %+v", rep.Problems)
		}
		v, err := p.View(false)
		if err != nil {
			t.Fatal(err)
		}
		var suggested []string
		for _, a := range v.Assertions {
			if a.Suggested != nil {
				suggested = append(suggested, fmt.Sprintf("%s %s %s %s %s %v", a.Coder, a.Subject, a.Relation, a.Object, a.Suggested.Model, a.Suggested.Score))
			}
		}
		sameLines(t, "suggested assertions", suggested, []string{"bo chen spinsOffFrom huaxing cues1 1"})

		// Every proposal counts, recorded (the spin-off, Chen lobbying the
		// association) or rejected (funds lin) alike.
		ev, err := svc.EvaluateAssertionSuggestions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := fmt.Sprintf("%d %+v", ev.Sentences, ev.Overall), "7 {Proposals:4 Correct:2 Assertions:2 Found:2 Precision:0.5 Recall:1 F1:0.667}"; got != want {
			t.Errorf("evaluation\n got %s\nwant %s", got, want)
		}
		var rels []string
		for _, r := range ev.Relations {
			rels = append(rels, fmt.Sprintf("%s %d/%d %d/%d", r.Relation, r.Correct, r.Proposals, r.Found, r.Assertions))
		}
		sameLines(t, "per relation", rels, []string{"funds 0/2 0/0", "lobbies 1/1 1/1", "spinsOffFrom 1/1 1/1"})
	})
}

// TestSuggestAssertionsVisible checks blind coding's suggested
// assertions: a statement another coder recorded is left out for whoever
// sees it, and proposed to a caller who may not see it, since leaving it
// out would tell them it was recorded.
func TestSuggestAssertionsVisible(t *testing.T) {
	ctx := context.Background()
	p, _ := assertFixture(t, filepath.Join(t.TempDir(), "proj"))
	svc := service.New(p)
	tests := []struct {
		name    string
		visible func(string) bool
		want    bool // ann's chen lobbies assoc proposed
	}{
		{"Everyone", nil, false},
		{"Ann", func(c string) bool { return c == "ann" }, false},
		{"BoOnly", func(c string) bool { return c == "bo" }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps, err := svc.SuggestAssertions(ctx, service.AssertSuggestOptions{Visible: tt.visible})
			if err != nil {
				t.Fatal(err)
			}
			got := false
			for _, g := range ps {
				got = got || g.Subject == "chen" && g.Relation == "lobbies" && g.Object == "assoc"
			}
			if got != tt.want {
				t.Errorf("chen lobbies assoc proposed: %v, want %v", got, tt.want)
			}
		})
	}

	// A rejection is its coder's: bo rejects a proposal; ann, who may
	// not see it, is still offered it and can reject it in turn.
	onlyAnn := service.AssertSuggestOptions{Visible: func(c string) bool { return c == "ann" }}
	ps, err := svc.SuggestAssertions(ctx, onlyAnn)
	if err != nil || len(ps) == 0 {
		t.Fatalf("ann is offered %v (%v), want proposals", ps, err)
	}
	id := ps[0].ID
	offered := func(o service.AssertSuggestOptions) bool {
		t.Helper()
		ps, err := svc.SuggestAssertions(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range ps {
			if g.ID == id {
				return true
			}
		}
		return false
	}
	onlyBo := service.AssertSuggestOptions{Visible: func(c string) bool { return c == "bo" }}
	if rs, err := svc.RejectAssertionSuggestions(ctx, "bo", onlyBo, []string{id}); err != nil || len(rs) != 1 {
		t.Fatalf("bo rejects %s: %v, %v", id, rs, err)
	}
	if offered(onlyBo) || !offered(onlyAnn) {
		t.Fatalf("after bo's rejection: offered to bo %v, to ann %v; want false, true", offered(onlyBo), offered(onlyAnn))
	}
	if rs, err := svc.RejectAssertionSuggestions(ctx, "ann", onlyAnn, []string{id}); err != nil || len(rs) != 1 || rs[0].Coder != "ann" {
		t.Fatalf("ann rejects %s after bo: %v, %v; want ann's rejection recorded", id, rs, err)
	}
	if offered(onlyAnn) {
		t.Fatal("offered to ann after ann rejected it")
	}
}
