// Package benchproj builds the large synthetic project that the benchmarks
// of every package and the benchmark command (cmd/qgbench) measure: by
// default 2,000 generated documents (about 40 MB, corpus/synth), 200,000
// codings by three coders, 500 entities and 20,000 assertions. It is
// deterministic for a seed and is built once into a folder that later runs
// reuse.
//
// The codings follow the text, as a real team's do. The documents are
// generated about topics (synth.Options.Topics), one for each code under
// Roots (Codes: 45 codes of the built-in ontology, depth first, so that
// sibling codes have neighbouring topics, which share half of their
// words; a topic's passages also use its code's labels and cue words now
// and then, synth.Options.TopicWords). The coders code the paragraphs
// about a code's topic (answers and their further paragraphs, the
// participants' turns, policy paragraphs; not the interviewer's or
// moderator's questions) with that code: each coding picks a paragraph
// at random, weighted by how plainly it is about its topic
// (synth.Segment.Weight), so that plain ones are coded by several coders
// and faint ones often by none. The coders err as a team does: 6, 10 and
// 15% of their codings (anna, bo, chen) take a sibling or the parent for
// the right code; 70, 55 and 40% code the whole paragraph with its ends
// up to three words off, the rest a run of one to three of its
// sentences. The codings are spread over the coders in turn, Codings in
// all, however many paragraphs there are (at high densities a paragraph
// is coded many times over, in overlapping runs).
package benchproj

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"
	"unicode/utf8"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/corpus"
	"github.com/qualgraph/qualgraph/corpus/synth"
	"github.com/qualgraph/qualgraph/project"
)

// Options size the project. Zero fields take the defaults of the issue's
// targets.
type Options struct {
	Seed       int64
	Docs       int // 2,000
	DocSize    int // 20,000 bytes on average
	Codings    int // 200,000
	Entities   int // 500
	Assertions int // 20,000
}

func (o Options) withDefaults() Options {
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.Docs == 0 {
		o.Docs = 2000
	}
	if o.DocSize == 0 {
		o.DocSize = 20000
	}
	if o.Codings == 0 {
		o.Codings = 200000
	}
	if o.Entities == 0 {
		o.Entities = 500
	}
	if o.Assertions == 0 {
		o.Assertions = 20000
	}
	return o
}

// Coders are the coders of the generated codings.
var Coders = []string{"anna", "bo", "chen"}

const stampFile = "benchproj.json"

// Generator is the version of the generator: Ensure rebuilds a project
// that an older one made. 2: codings follow the text's topics (1, or
// none: random spans with random codes).
const Generator = 2

// Timings says how long each stage of a build took.
type Timings struct {
	Options    Options       `json:"options"`
	Generator  int           `json:"generator"`
	Bytes      int64         `json:"bytes"`
	Import     time.Duration `json:"import_ns"`
	Codings    time.Duration `json:"codings_ns"`
	Assertions time.Duration `json:"assertions_ns"`
}

// Ensure returns a project folder built with opt under dir, building it if
// dir does not hold one made with the same options by this Generator.
func Ensure(dir string, opt Options) (string, *Timings, error) {
	opt = opt.withDefaults()
	pdir := filepath.Join(dir, fmt.Sprintf("bench-s%d-d%d-c%d-a%d", opt.Seed, opt.Docs, opt.Codings, opt.Assertions))
	if b, err := os.ReadFile(filepath.Join(pdir, stampFile)); err == nil {
		var t Timings
		if json.Unmarshal(b, &t) == nil && t.Options == opt && t.Generator == Generator {
			return pdir, &t, upgrade(pdir)
		}
	}
	os.RemoveAll(pdir)
	t, err := Build(pdir, opt)
	if err != nil {
		return "", nil, err
	}
	b, _ := json.Marshal(t)
	return pdir, t, os.WriteFile(filepath.Join(pdir, stampFile), b, 0o644)
}

// upgrade brings a project built by an older qualgraph up to what the
// benchmarks measure: a projection that keeps the quotes of the evidence
// (graph/quotes.log), without which links reads every document.
func upgrade(pdir string) error {
	if _, err := os.Stat(filepath.Join(pdir, project.GraphDir, "quotes.log")); !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	p, err := project.Open(pdir, project.ReadWrite)
	if err != nil {
		return err
	}
	g, err := p.Graph()
	if err == nil {
		err = g.RebuildProjectionQuoting(p.QuoteSpans)
	}
	return errors.Join(err, p.Close())
}

// Build creates the project in pdir, which must not exist.
func Build(pdir string, opt Options) (*Timings, error) {
	opt = opt.withDefaults()
	t := &Timings{Options: opt, Generator: Generator}
	if err := project.Init(pdir, project.InitOptions{Name: "benchmark"}); err != nil {
		return nil, err
	}
	p, err := project.Open(pdir, project.ReadWrite)
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	err = build(ctx, p, opt, t)
	return t, errors.Join(err, p.Close())
}

func build(ctx context.Context, p *project.Project, opt Options, t *Timings) error {
	o, err := p.Ontology()
	if err != nil {
		return err
	}
	codes := Codes(o)
	files := synth.Generate(opt.Seed, opt.Docs, synth.Options{DocSize: opt.DocSize, Topics: len(codes), TopicWords: topicWords(o, codes)})
	data := make([]project.DataFile, len(files))
	for i, f := range files {
		attrs := corpus.Attrs{}
		for k, v := range f.Attrs {
			_, a, err := corpus.ParseAttr(k + "=" + v)
			if err != nil {
				return err
			}
			attrs[k] = a
		}
		data[i] = project.DataFile{Path: f.Name, Data: f.Data, Kind: f.Kind, Attrs: attrs}
		t.Bytes += int64(len(f.Data))
	}
	start := time.Now()
	res, err := p.ImportData(ctx, data, project.ImportOptions{By: "bench"})
	if err != nil {
		return err
	}
	t.Import = time.Since(start)
	docs := res.Imported
	rng := rand.New(rand.NewPCG(uint64(opt.Seed), 7))
	byName := map[string]*corpus.Document{}
	for _, d := range docs {
		byName[d.Name] = d
	}
	cd := newCoder(o, codes, rng)
	for _, f := range files {
		d := byName[f.Name]
		if d == nil || d.Chars != utf8.RuneCount(f.Data) {
			return fmt.Errorf("benchmark project: %s not imported as generated", f.Name)
		}
		cd.addDoc(d.ID, []rune(string(f.Data)), f)
	}
	start = time.Now()
	const batch = 20000
	for done := 0; done < opt.Codings; done += batch {
		n := min(batch, opt.Codings-done)
		reqs := make([]project.CodeRequest, n)
		for i := range reqs {
			reqs[i] = cd.code(i % len(Coders))
		}
		// Codings by several coders: one Code call per coder.
		for ci, c := range Coders {
			var mine []project.CodeRequest
			for i := ci; i < len(reqs); i += len(Coders) {
				mine = append(mine, reqs[i])
			}
			if _, err := p.Code(ctx, mine, c, "bench"); err != nil {
				return err
			}
		}
	}
	t.Codings = time.Since(start)

	start = time.Now()
	actors := append(o.Descendants("Entrepreneur")[1:], o.Descendants("ClusterAgent")[1:]...)
	es := make([]coding.Entity, opt.Entities)
	for i := range es {
		es[i] = coding.Entity{ID: fmt.Sprintf("e%04d", i), Type: actors[rng.IntN(len(actors))], Name: fmt.Sprintf("Actor %d", i)}
	}
	if err := p.AddEntities(ctx, es, "bench"); err != nil {
		return err
	}
	practices := o.Descendants("LegitimationPractice")[1:]
	phases := o.Descendants("ClusterPhase")[1:]
	relations := []string{"collaboratesWith", "competesWith", "learnsFrom", "resists", "supports"}
	for done := 0; done < opt.Assertions; done += 5000 {
		n := min(5000, opt.Assertions-done)
		as := make([]coding.Assertion, n)
		for i := range as {
			d := docs[rng.IntN(len(docs))]
			s := rng.IntN(max(1, d.Chars-100))
			as[i] = coding.Assertion{
				Subject: es[rng.IntN(len(es))].ID, Relation: relations[rng.IntN(len(relations))], Object: es[rng.IntN(len(es))].ID,
				Practice: practices[rng.IntN(len(practices))], Phase: phases[rng.IntN(len(phases))],
				Polarity: coding.Positive, Confidence: 0.8,
				Evidence: []coding.Span{{Doc: d.ID, Start: s, End: min(d.Chars, s+80)}},
			}
		}
		if _, err := p.AssertMany(ctx, as, Coders[done/5000%len(Coders)]); err != nil {
			return err
		}
	}
	t.Assertions = time.Since(start)
	return nil
}
