// Package benchproj builds the large synthetic project that the benchmarks
// of every package and the benchmark command (cmd/qgbench) measure: by
// default 2,000 generated documents (about 40 MB, corpus/synth), 200,000
// codings by three coders, 500 entities and 20,000 assertions. It is
// deterministic for a seed and is built once into a folder that later runs
// reuse.
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

// Timings says how long each stage of a build took.
type Timings struct {
	Options    Options       `json:"options"`
	Bytes      int64         `json:"bytes"`
	Import     time.Duration `json:"import_ns"`
	Codings    time.Duration `json:"codings_ns"`
	Assertions time.Duration `json:"assertions_ns"`
}

// Ensure returns a project folder built with opt under dir, building it if
// dir does not hold one made with the same options.
func Ensure(dir string, opt Options) (string, *Timings, error) {
	opt = opt.withDefaults()
	pdir := filepath.Join(dir, fmt.Sprintf("bench-s%d-d%d-c%d-a%d", opt.Seed, opt.Docs, opt.Codings, opt.Assertions))
	if b, err := os.ReadFile(filepath.Join(pdir, stampFile)); err == nil {
		var t Timings
		if json.Unmarshal(b, &t) == nil && t.Options == opt {
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
	t := &Timings{Options: opt}
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
	files := synth.Generate(opt.Seed, opt.Docs, synth.Options{DocSize: opt.DocSize})
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
	o, err := p.Ontology()
	if err != nil {
		return err
	}
	var codes []string
	for _, root := range []string{"Entrepreneur", "ClusterAgent", "LegitimationPractice", "ClusterPhase", "Mechanism"} {
		codes = append(codes, o.Descendants(root)...)
	}
	start = time.Now()
	const batch = 20000
	for done := 0; done < opt.Codings; done += batch {
		n := min(batch, opt.Codings-done)
		reqs := make([]project.CodeRequest, n)
		for i := range reqs {
			d := docs[rng.IntN(len(docs))]
			length := 20 + rng.IntN(300)
			s := rng.IntN(max(1, d.Chars-length))
			reqs[i] = project.CodeRequest{Span: coding.Span{Doc: d.ID, Start: s, End: min(d.Chars, s+length)}, Code: codes[rng.IntN(len(codes))]}
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
