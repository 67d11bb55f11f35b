package benchproj

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/corpus/synth"
	"github.com/qualgraph/qualgraph/kg"
	"github.com/qualgraph/qualgraph/ontology"
	"github.com/qualgraph/qualgraph/project"
)

// openSmall builds a project with opt in a temporary folder and opens it
// read-only until the test ends.
func openSmall(t *testing.T, opt Options) *project.Project {
	t.Helper()
	dir, _, err := Ensure(t.TempDir(), opt)
	if err != nil {
		t.Fatal(err)
	}
	p, err := project.Open(dir, project.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// TestBuildSmall builds a small project and checks that it holds what was
// asked for and passes the project's integrity check.
func TestBuildSmall(t *testing.T) {
	opt := Options{Docs: 20, DocSize: 4000, Codings: 3000, Entities: 30, Assertions: 200}
	p := openSmall(t, opt)
	v, err := p.View(false)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Codings) != opt.Codings || len(v.Entities) != opt.Entities || len(v.Assertions) != opt.Assertions {
		t.Fatalf("got %d codings, %d entities, %d assertions; want %d, %d, %d",
			len(v.Codings), len(v.Entities), len(v.Assertions), opt.Codings, opt.Entities, opt.Assertions)
	}
	r, err := p.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() {
		t.Fatalf("check: %v", r.Problems)
	}
	g, err := p.Graph()
	if err != nil {
		t.Fatal(err)
	}
	full, err := g.View()
	if err != nil {
		t.Fatal(err)
	}
	if len(full.Codings) != len(v.Codings) || len(full.Assertions) != len(v.Assertions) {
		t.Fatalf("graph has %d codings and %d assertions, projection %d and %d",
			len(full.Codings), len(full.Assertions), len(v.Codings), len(v.Assertions))
	}
}

// TestQueriesSmall checks, on a small generated project, that what the
// graph commands read of the projection gives the answers of the whole
// View: the quotes kept for the evidence are the texts of the documents,
// links with them are the links quoted from sources/, and neighbors over
// the assertions near an entity are the neighbors over all of them.
func TestQueriesSmall(t *testing.T) {
	opt := Options{Docs: 20, DocSize: 4000, Codings: 300, Entities: 30, Assertions: 400}
	p := openSmall(t, opt)
	v, err := p.View(true)
	if err != nil {
		t.Fatal(err)
	}
	cb, err := p.Codebook()
	if err != nil {
		t.Fatal(err)
	}
	t.Run("Quotes", func(t *testing.T) {
		quotes, err := kg.LoadQuotes(filepath.Join(p.Dir, project.GraphDir))
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, a := range v.Assertions {
			for _, e := range a.Evidence {
				n++
				text, err := p.Text(e.Doc)
				if err != nil {
					t.Fatal(err)
				}
				if want := string([]rune(text)[e.Start:e.End]); quotes[e] != want {
					t.Fatalf("%s quoted %q, want %q", e, quotes[e], want)
				}
			}
		}
		if n != opt.Assertions {
			t.Fatalf("%d evidence spans, want %d", n, opt.Assertions)
		}
	})
	t.Run("Links", func(t *testing.T) {
		for _, f := range []coding.LinkFilter{{}, {From: "Entrepreneur"}, {Practice: "Lobbying"}} {
			fromSources := p.Quoter()
			want := coding.Links(v, cb, f, nil, fromSources.Quote)
			q := p.EvidenceQuoter()
			var got []coding.Link
			for l := range coding.LinksSeq(v, cb, f, nil, q.Quote) {
				c := *l
				c.Practices, c.Evidence = slices.Clone(l.Practices), slices.Clone(l.Evidence)
				got = append(got, c)
			}
			if fromSources.Err() != nil || q.Err() != nil {
				t.Fatal(fromSources.Err(), q.Err())
			}
			if len(want) == 0 || !reflect.DeepEqual(got, want) {
				t.Fatalf("%+v: %d links, want %d equal ones", f, len(got), len(want))
			}
		}
	})
	t.Run("Neighbors", func(t *testing.T) {
		// Another reader of the project, which has not read the whole
		// View yet.
		p, err := project.Open(p.Dir, project.ReadOnly)
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		for _, e := range []string{"e0000", "e0007", "e0029"} {
			for depth := 1; depth <= 3; depth++ {
				want, err := coding.Neighbors(v, e, depth)
				if err != nil {
					t.Fatal(err)
				}
				near, err := p.NeighborhoodView(e, depth)
				if err != nil {
					t.Fatal(err)
				}
				got, err := coding.Neighbors(near, e, depth)
				if err != nil {
					t.Fatal(err)
				}
				if len(want) == 0 || !reflect.DeepEqual(got, want) {
					t.Fatalf("neighbors %s --depth %d: %d edges over %d assertions, want %d",
						e, depth, len(got), len(near.Assertions), len(want))
				}
				if depth == 1 && len(near.Assertions) >= len(v.Assertions)/4 {
					t.Errorf("neighbors %s: read %d of %d assertions", e, len(near.Assertions), len(v.Assertions))
				}
			}
		}
	})
}

// TestEnsureUpgrades checks that Ensure gives a project built before the
// projection kept quotes the quotes.
func TestEnsureUpgrades(t *testing.T) {
	opt := Options{Docs: 5, DocSize: 2000, Codings: 50, Entities: 5, Assertions: 20}
	base := t.TempDir()
	dir, _, err := Ensure(base, opt)
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(dir, project.GraphDir, "quotes.log")
	want, err := os.ReadFile(name)
	if err != nil || len(want) == 0 {
		t.Fatalf("quotes.log: %v, %d bytes", err, len(want))
	}
	if err := os.Remove(name); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Ensure(base, opt); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(name); err != nil || string(got) != string(want) {
		t.Fatalf("quotes.log after Ensure: %v\n%s\nwant\n%s", err, got, want)
	}
}

// TestCodingsFollowText checks that the generated codings code the
// paragraphs about their code's topic: nearly every coding lies within
// an answer's paragraph (not an interviewer's question) whose topic is
// its code's, or a sibling's or parent's at each coder's rate of
// confusion; and that the coders do not code every paragraph.
func TestCodingsFollowText(t *testing.T) {
	opt := Options{Docs: 30, DocSize: 6000, Codings: 900, Entities: 5, Assertions: 20}
	p := openSmall(t, opt)
	o, err := p.Ontology()
	if err != nil {
		t.Fatal(err)
	}
	codes := Codes(o)
	if len(codes) != 45 {
		t.Fatalf("%d codes, want 45", len(codes))
	}
	files := synth.Generate(1, opt.Docs, synth.Options{DocSize: opt.DocSize, Topics: len(codes), TopicWords: topicWords(o, codes)})
	docs, err := p.Documents(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	segs := map[string][]synth.Segment{} // by document id, answers only
	for _, f := range files {
		for _, d := range docs {
			if d.Name != f.Name {
				continue
			}
			for _, s := range f.Segments {
				if len(f.Speakers) == 0 || s.Speaker != f.Speakers[0] {
					segs[d.ID] = append(segs[d.ID], s)
				}
			}
		}
	}
	v, err := p.View(false)
	if err != nil {
		t.Fatal(err)
	}
	type key struct {
		doc   string
		start int
	}
	coded := map[key]bool{}
	all := 0
	var right, near, elsewhere [3]int
	for _, c := range v.Codings {
		ci := slices.Index(Coders, c.Coder)
		var in *synth.Segment
		for k, s := range segs[c.Doc] {
			// Within the paragraph, give or take its ends' jitter.
			if c.Start >= s.Start-30 && c.End <= s.End+30 && min(c.End, s.End)-max(c.Start, s.Start) > 0 {
				in = &segs[c.Doc][k]
			}
		}
		switch {
		case in == nil:
			elsewhere[ci]++
		case codes[in.Topic] == c.Code:
			right[ci]++
			coded[key{c.Doc, in.Start}] = true
		case isNear(o, codes[in.Topic], c.Code):
			near[ci]++
			coded[key{c.Doc, in.Start}] = true
		default:
			elsewhere[ci]++
		}
	}
	for _, ss := range segs {
		all += len(ss)
	}
	for ci, name := range Coders {
		n := right[ci] + near[ci] + elsewhere[ci]
		share := float64(near[ci]) / float64(n)
		if elsewhere[ci] > 0 || share < confusion[ci]/2 || share > confusion[ci]*2 {
			t.Errorf("%s: %d codings right, %d with a near code (%.3f; want about %.2f), %d elsewhere", name, right[ci], near[ci], share, confusion[ci], elsewhere[ci])
		}
	}
	if len(coded) == 0 || len(coded) >= all {
		t.Errorf("%d of %d paragraphs coded; want some, not all", len(coded), all)
	}
}

// isNear reports whether code b is a's parent, sibling or child.
func isNear(o *ontology.Ontology, a, b string) bool {
	ca, _ := o.Class(a)
	cb, _ := o.Class(b)
	return ca.Parent == b || cb.Parent == a || ca.Parent == cb.Parent
}

// TestEnsureRebuildsOldGenerator checks that Ensure does not reuse a
// project an older generator made (random codings), but builds it anew.
func TestEnsureRebuildsOldGenerator(t *testing.T) {
	opt := Options{Docs: 5, DocSize: 2000, Codings: 50, Entities: 5, Assertions: 20}
	base := t.TempDir()
	dir, _, err := Ensure(base, opt)
	if err != nil {
		t.Fatal(err)
	}
	// What the generator before version 2 wrote: the options only.
	b, err := json.Marshal(map[string]any{"options": opt.withDefaults()})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, stampFile), b, 0o644); err != nil {
		t.Fatal(err)
	}
	marker := filepath.Join(dir, "old-build")
	if err := os.WriteFile(marker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	again, tm, err := Ensure(base, opt)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(marker); again != dir || !errors.Is(err, fs.ErrNotExist) || tm.Generator != Generator {
		t.Fatalf("Ensure gave %s (generator %d), the old build's file: %v", again, tm.Generator, err)
	}
	// And reuses what it built.
	if err := os.WriteFile(marker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Ensure(base, opt); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(marker); err != nil {
		t.Fatalf("Ensure rebuilt a project of this generator: %v", err)
	}
}
