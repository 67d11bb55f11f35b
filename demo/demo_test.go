package demo

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/coding/network"
	"github.com/qualgraph/qualgraph/project"
	"github.com/qualgraph/qualgraph/service"
)

var (
	builtOnce sync.Once
	builtDir  string // the demo the tests share, read only; TestMain removes it
	builtRes  *Result
	builtErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if builtDir != "" {
		os.RemoveAll(filepath.Dir(builtDir))
	}
	os.Exit(code)
}

// built returns the folder of a demo built once for the tests that only
// read it, and what Build said.
func built(t *testing.T) (string, *Result) {
	t.Helper()
	builtOnce.Do(func() {
		tmp, err := os.MkdirTemp("", "qualgraph-demo-test")
		if err != nil {
			builtErr = err
			return
		}
		builtDir = filepath.Join(tmp, "jinlan")
		builtRes, builtErr = Build(context.Background(), builtDir, Options{})
	})
	if builtErr != nil {
		t.Fatal(builtErr)
	}
	return builtDir, builtRes
}

// open opens the demo read-only and returns its service.
func open(t *testing.T, dir string) (*service.Service, *project.Project) {
	t.Helper()
	p, err := project.Open(dir, project.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return service.New(p), p
}

func TestBuild(t *testing.T) {
	dir, res := built(t)
	pl, err := loadPlan()
	if err != nil {
		t.Fatal(err)
	}
	want := pl.want()
	if res.Reused || len(res.Imported) != 5 || res.Documents != 5 {
		t.Fatalf("first build: reused %v, imported %d, documents %d; want a new project of 5 documents", res.Reused, len(res.Imported), res.Documents)
	}
	got := []struct {
		what      string
		got, want int
	}{
		{"codes", res.Codes, want.Codes},
		{"codings", res.Codings, want.Codings},
		{"entities", res.Entities, want.Entities},
		{"mentions", res.Mentions, want.Mentions},
		{"assertions", res.Assertions, want.Assertions},
		{"memos", res.Memos, want.Memos},
	}
	for _, g := range got {
		if g.got != g.want || g.got == 0 {
			t.Errorf("%s: %d, want %d (the plan's)", g.what, g.got, g.want)
		}
	}
	if !slices.Equal(res.Coders, []string{"ann", "bo"}) {
		t.Errorf("coders %v, want ann and bo", res.Coders)
	}
	s, p := open(t, dir)
	rep, err := p.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) > 0 {
		t.Fatalf("check finds problems: %+v", rep.Problems)
	}
	v, err := p.View(false)
	if err != nil {
		t.Fatal(err)
	}
	// The emergent codes, one promoted into the ontology.
	promoted := 0
	for _, c := range v.Codes {
		if c.Promoted {
			promoted++
			if c.ID != "FaceAndReputation" {
				t.Errorf("promoted %s, want FaceAndReputation", c.ID)
			}
		}
	}
	if promoted != 1 {
		t.Errorf("%d codes promoted, want 1", promoted)
	}
	// Memos on every kind of target.
	kinds := map[string]bool{}
	for _, m := range v.Memos {
		k, _, _ := strings.Cut(m.Target, ":")
		kinds[k] = true
	}
	for _, k := range []string{"doc", "code", "coding", "entity", "assertion"} {
		if !kinds[k] {
			t.Errorf("no memo on a %s (memos on %v)", k, kinds)
		}
	}
	// Assertions in at least two cluster phases, takesPosition both ways.
	phases, polarities := map[string]bool{}, map[coding.Polarity]bool{}
	for _, a := range v.Assertions {
		phases[a.Phase] = true
		if a.Relation == "takesPosition" {
			polarities[a.Polarity] = true
		}
	}
	if len(phases) < 2 || !polarities[coding.Positive] || !polarities[coding.Negative] {
		t.Errorf("phases %v, takesPosition polarities %v: want two phases or more, both polarities", phases, polarities)
	}
	// Every coding codes the words of its quote, and no other.
	ctx := context.Background()
	for _, c := range pl.Codings {
		text := strings.NewReplacer("[[", "", "]]", "").Replace(c.Quote)
		for _, by := range c.By {
			cs, err := s.Codings(ctx, service.CodingsOptions{Doc: c.Doc, Code: c.Code, Coder: by})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.ContainsFunc(cs, func(q service.QuotedCoding) bool { return q.Code == c.Code && q.Text == text }) {
				t.Errorf("%s: no coding %s by %s of %q", c.Doc, c.Code, by, text)
			}
		}
	}
}

func TestAnalysesHaveSomethingToSay(t *testing.T) {
	dir, _ := built(t)
	s, _ := open(t, dir)
	ctx := context.Background()
	tests := []struct {
		name  string
		check func() error
	}{
		{"AgreementPartial", func() error {
			r, err := s.Agreement(ctx, service.AgreementOptions{Coders: []string{"ann", "bo"}})
			if err != nil {
				return err
			}
			if r.Docs != 5 || len(r.Overall.Pairs) != 1 {
				return fmt.Errorf("agreement over %d documents, %d pairs; want 5 and 1", r.Docs, len(r.Overall.Pairs))
			}
			k := r.Overall.Pairs[0].Kappa
			if !(k > 0 && k < 1) {
				return fmt.Errorf("overall kappa %v, want between 0 and 1 exclusive", k)
			}
			return nil
		}},
		{"NetworkConflictAndCongruence", func() error {
			for _, q := range []network.Qualifier{network.Conflict, network.Congruence} {
				res, err := s.Network(ctx, service.NetworkOptions{Opt: network.Options{Qualifier: q}})
				if err != nil {
					return err
				}
				if len(res.Network.Edges) == 0 {
					return fmt.Errorf("network --qualifier %s has no edges", q)
				}
			}
			// Lin, sceptical of the certification numbers, is in conflict
			// with the town that set them.
			res, err := s.Network(ctx, service.NetworkOptions{Opt: network.Options{Qualifier: network.Conflict}})
			if err != nil {
				return err
			}
			if !slices.ContainsFunc(res.Network.Edges, func(e network.Edge) bool {
				return e.Source == "lin" && e.Target == "town" || e.Source == "town" && e.Target == "lin"
			}) {
				return fmt.Errorf("no conflict edge lin–town in %+v", res.Network.Edges)
			}
			return nil
		}},
		{"LinksByTwoCoders", func() error {
			ls, err := s.Links(ctx, service.LinksOptions{Quotes: true})
			if err != nil {
				return err
			}
			for _, l := range ls {
				if l.Subject == "bureau" && l.Relation == "funds" && l.Object == "chen" {
					if l.Coders != 2 || len(l.Evidence) < 2 {
						return fmt.Errorf("bureau funds chen: %d coders, %d evidence; want 2 and 2 or more", l.Coders, len(l.Evidence))
					}
					return nil
				}
			}
			return fmt.Errorf("no link bureau funds chen among %d links", len(ls))
		}},
		{"CentralityChenFirst", func() error {
			c, err := s.Centrality(ctx, service.CentralityOptions{})
			if err != nil {
				return err
			}
			if len(c.Scores) < 8 || c.Scores[0].Node != "chen" {
				return fmt.Errorf("centrality: %d scores, first %+v; want chen, the spin-off everybody deals with", len(c.Scores), c.Scores)
			}
			return nil
		}},
		{"CooccurOverlaps", func() error {
			co, err := s.Cooccur(ctx, service.CooccurOptions{})
			if err != nil {
				return err
			}
			if len(co.Pairs) == 0 {
				return fmt.Errorf("no codes co-occur")
			}
			return nil
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.check(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestBuildAgain(t *testing.T) {
	ctx := context.Background()
	t.Run("CompleteIsReused", func(t *testing.T) {
		dir, first := built(t)
		before := changes(t, dir)
		res, err := Build(ctx, dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Reused || res.Written != 0 || res.Codings != first.Codings || res.Assertions != first.Assertions {
			t.Fatalf("second build: %+v; want it reused with the counts of the first", res)
		}
		if after := changes(t, dir); after != before {
			t.Fatalf("second build wrote: %d changes, then %d", before, after)
		}
	})
	t.Run("UncodedThenCoded", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "d")
		res, err := Build(ctx, dir, Options{Uncoded: true})
		if err != nil {
			t.Fatal(err)
		}
		if res.Documents != 5 || res.Codings != 0 {
			t.Fatalf("uncoded: %+v", res)
		}
		// A build cut short is completed the same way: what is there is
		// kept, the rest added.
		res, err = Build(ctx, dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		_, full := built(t)
		if res.Reused || len(res.Imported) != 0 || res.Codings != full.Codings || res.Memos != full.Memos {
			t.Fatalf("coding an uncoded demo: %+v, want the counts %+v", res, full)
		}
	})
	t.Run("ErrNotDemo", func(t *testing.T) {
		other := filepath.Join(t.TempDir(), "study")
		if err := project.Init(other, project.InitOptions{Name: "my study"}); err != nil {
			t.Fatal(err)
		}
		full := t.TempDir()
		os.WriteFile(filepath.Join(full, "notes.txt"), []byte("mine"), 0o644)
		for _, dir := range []string{other, full} {
			_, err := Build(ctx, dir, Options{})
			if !errors.Is(err, ErrNotDemo) || !strings.Contains(err.Error(), dir) {
				t.Errorf("Build(%s): %v, want ErrNotDemo naming the folder", dir, err)
			}
		}
		if b, err := os.ReadFile(filepath.Join(full, "notes.txt")); err != nil || string(b) != "mine" {
			t.Errorf("the refused folder changed: %q, %v", b, err)
		}
	})
}

// changes returns the number of changes in the log of the project in dir.
func changes(t *testing.T, dir string) int {
	t.Helper()
	p, err := project.Open(dir, project.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	v, err := p.View(false)
	if err != nil {
		t.Fatal(err)
	}
	return len(v.Changes)
}

func TestQuoteErrors(t *testing.T) {
	dir, _ := built(t)
	s, p := open(t, dir)
	b := &builder{s: s, p: p}
	ctx := context.Background()
	tests := []struct {
		name, doc, quote, want string
	}{
		{"NotFound", "interview_chen_en.txt", "Halvorsen never came", "not found"},
		{"Ambiguous", "interview_chen_en.txt", "Halvorsen", "occurs"},
		{"UnclosedMark", "interview_chen_en.txt", "[[Halvorsen Lighting now buys", "[[ without ]]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := b.spans(ctx, quote{Doc: tc.doc, Quote: tc.quote})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("spans(%q): %v, want an error saying %q", tc.quote, err, tc.want)
			}
		})
	}
	// A marked part is the span of those words only.
	sps, err := b.spans(ctx, quote{Doc: "interview_chen_en.txt", Quote: "And [[Wu Jianguo]] from [[Jianfeng Ceramics]] spoke"})
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, sp := range sps {
		text, err := p.Quoter().Span(sp)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, text)
	}
	if !slices.Equal(texts, []string{"Wu Jianguo", "Jianfeng Ceramics"}) {
		t.Fatalf("marked parts %q", texts)
	}
}
