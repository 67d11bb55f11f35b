package demo

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/corpus"
	"github.com/qualgraph/qualgraph/project"
	"github.com/qualgraph/qualgraph/service"
)

// data holds the demo corpus (written for qualgraph; every person, firm
// and number in it is invented), attrs.tsv with each file's kind and
// attributes, coding.yaml with the coding, and tour.md.
//
//go:embed data
var data embed.FS

// Name is the name of the demo project (project.Meta.Name), by which
// Build knows a folder holds the demo.
const Name = "Jinlan cluster demo"

// Importer is the user recorded as the importer of the demo's documents.
const Importer = "demo"

// ErrNotDemo is returned by Build for a folder that is not empty and
// holds no demo project.
var ErrNotDemo = errors.New("folder is not empty and holds no demo project")

// Options are the options of Build.
type Options struct {
	// Uncoded imports the documents only: a corpus to practise coding
	// on. A later Build without it codes the same folder.
	Uncoded bool
	// Progress, if not nil, is called as each step starts and advances:
	// step is "import", "codes", "codings", "entities", "mentions",
	// "assertions" or "memos"; done of total items.
	Progress func(step string, done, total int)
}

// Result says what Build found and wrote.
type Result struct {
	// Reused says the folder held the demo, complete: nothing was written.
	Reused bool
	// Imported are the documents this Build imported (none when it
	// found them there).
	Imported []*corpus.Document
	// What the project holds now, of the demo's coding (not what others
	// added to it later).
	Documents, Codes, Codings, Entities, Mentions, Assertions, Memos int
	// Written counts what this Build wrote besides the import.
	Written int
	Coders  []string // the demo's coders, sorted
}

// File is one document of the demo as attrs.tsv describes it.
type File struct {
	Name, Kind string
	Attrs      corpus.Attrs
}

// Files returns the demo's documents in import order.
func Files() ([]File, error) {
	b, err := data.ReadFile("data/attrs.tsv")
	if err != nil {
		return nil, err
	}
	var files []File
	sc := bufio.NewScanner(bytes.NewReader(b))
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		cols := strings.Split(text, "\t")
		if len(cols) < 2 {
			return nil, fmt.Errorf("demo data/attrs.tsv:%d: want FILE<TAB>KIND<TAB>ATTRS", line)
		}
		f := File{Name: cols[0], Kind: cols[1], Attrs: corpus.Attrs{}}
		if len(cols) > 2 {
			for _, kv := range strings.Split(cols[2], ";") {
				if kv = strings.TrimSpace(kv); kv == "" {
					continue
				}
				k, a, err := corpus.ParseAttr(kv)
				if err != nil {
					return nil, fmt.Errorf("demo data/attrs.tsv:%d: %w", line, err)
				}
				f.Attrs[k] = a
			}
		}
		files = append(files, f)
	}
	return files, sc.Err()
}

// TourCommands returns the qualgraph command lines of the demo's tour
// (data/tour.md), in order, without the demo command itself.
func TourCommands() ([]string, error) {
	b, err := data.ReadFile("data/tour.md")
	if err != nil {
		return nil, err
	}
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "qualgraph ") && !strings.HasPrefix(line, "qualgraph demo") {
			out = append(out, line)
		}
	}
	return out, nil
}

// Build makes the demo project in dir (created if missing), or completes
// the one there. See the package documentation.
func Build(ctx context.Context, dir string, o Options) (*Result, error) {
	plan, err := loadPlan()
	if err != nil {
		return nil, err
	}
	files, err := Files()
	if err != nil {
		return nil, err
	}
	progress := o.Progress
	if progress == nil {
		progress = func(string, int, int) {}
	}
	isDemo, err := holdsDemo(dir)
	if err != nil {
		return nil, err
	}
	if isDemo {
		// Complete already? Then a reader is enough: nothing to write.
		p, err := project.Open(dir, project.ReadOnly)
		if err != nil {
			return nil, err
		}
		res, done, err := plan.count(ctx, p, len(files), o.Uncoded)
		p.Close()
		if err != nil || done {
			if res != nil {
				res.Reused = true
			}
			return res, err
		}
	} else {
		if err := project.Init(dir, project.InitOptions{Name: Name}); err != nil {
			if errors.Is(err, project.ErrExists) {
				return nil, fmt.Errorf("demo %s: %w (name a new or empty folder)", dir, ErrNotDemo)
			}
			return nil, err
		}
	}
	p, err := project.Open(dir, project.ReadWrite)
	if err != nil {
		return nil, err
	}
	b := &builder{s: service.New(p), p: p, progress: progress, codings: map[string]string{}, assertions: map[string]string{}}
	res := &Result{}
	err = b.importFiles(ctx, files, res)
	if err == nil && !o.Uncoded {
		err = b.code(ctx, plan)
	}
	if err == nil {
		var r *Result
		r, _, err = plan.count(ctx, p, len(files), o.Uncoded)
		if r != nil {
			r.Imported, r.Written = res.Imported, b.written
			res = r
		}
	}
	if cerr := p.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

// holdsDemo reports whether dir is a project made by Build.
func holdsDemo(dir string) (bool, error) {
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	p, err := project.Open(dir, project.ReadOnly)
	if err != nil {
		return false, nil // not a project: Init says whether the folder is empty
	}
	defer p.Close()
	return p.Meta.Name == Name, nil
}

// plan is data/coding.yaml.
type plan struct {
	Codes      []planCode      `yaml:"codes"`
	Codings    []planCoding    `yaml:"codings"`
	Entities   []planEntity    `yaml:"entities"`
	Assertions []planAssertion `yaml:"assertions"`
	Memos      []planMemo      `yaml:"memos"`
}

// planCode is an emergent code, promoted under Promote if set.
type planCode struct {
	ID         string `yaml:"id"`
	By         string `yaml:"by"`
	Definition string `yaml:"definition"`
	Colour     string `yaml:"colour"`
	Promote    string `yaml:"promote"`
	PromotedBy string `yaml:"promoted_by"`
}

// planCoding is a span coded with Code by each coder of By; Key names it
// for a memo.
type planCoding struct {
	Doc   string   `yaml:"doc"`
	Quote string   `yaml:"quote"`
	Code  string   `yaml:"code"`
	By    []string `yaml:"by"`
	Key   string   `yaml:"key"`
	Memo  string   `yaml:"memo"`
}

// planEntity is an entity with its mentions.
type planEntity struct {
	ID       string   `yaml:"id"`
	Type     string   `yaml:"type"`
	Name     string   `yaml:"name"`
	Aliases  []string `yaml:"aliases"`
	By       string   `yaml:"by"`
	Mentions []quote  `yaml:"mentions"`
}

// planAssertion is an assertion with its evidence; Key names it for a memo.
type planAssertion struct {
	By         string  `yaml:"by"`
	Key        string  `yaml:"key"`
	Subject    string  `yaml:"subject"`
	Relation   string  `yaml:"relation"`
	Object     string  `yaml:"object"`
	Practice   string  `yaml:"practice"`
	Phase      string  `yaml:"phase"`
	Polarity   string  `yaml:"polarity"`
	Confidence float64 `yaml:"confidence"`
	Memo       string  `yaml:"memo"`
	Evidence   []quote `yaml:"evidence"`
}

// planMemo is a memo; Target is doc:NAME, code:ID, entity:ID, or
// coding:KEY or assertion:KEY for a key of the plan.
type planMemo struct {
	By     string `yaml:"by"`
	Target string `yaml:"target"`
	Text   string `yaml:"text"`
}

// quote is a quote from a document; [[...]] in Quote marks the part
// meant, the rest only places it.
type quote struct {
	Doc   string `yaml:"doc"`
	Quote string `yaml:"quote"`
}

// entityCoder is who records the entities and mentions that name no coder.
const entityCoder = "ann"

func loadPlan() (*plan, error) {
	b, err := data.ReadFile("data/coding.yaml")
	if err != nil {
		return nil, err
	}
	var pl plan
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&pl); err != nil {
		return nil, fmt.Errorf("demo data/coding.yaml: %w", err)
	}
	return &pl, nil
}

// coders returns the coders the plan names, sorted.
func (pl *plan) coders() []string {
	var out []string
	for _, c := range pl.Codings {
		out = append(out, c.By...)
	}
	for _, a := range pl.Assertions {
		out = append(out, a.By)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// count returns what p holds of the demo and whether that is all of it.
func (pl *plan) count(ctx context.Context, p *project.Project, files int, uncoded bool) (*Result, bool, error) {
	docs, err := p.Documents(ctx)
	if err != nil {
		return nil, false, err
	}
	v, err := p.View(false)
	if err != nil {
		return nil, false, err
	}
	coders := pl.coders()
	ours := func(who string) bool { return slices.Contains(coders, who) }
	r := &Result{Documents: len(docs), Coders: coders}
	for _, c := range v.Codes {
		if slices.ContainsFunc(pl.Codes, func(pc planCode) bool {
			return pc.ID == c.ID && (pc.Promote == "" || c.Promoted)
		}) {
			r.Codes++
		}
	}
	for _, c := range v.Codings {
		if ours(c.Coder) {
			r.Codings++
		}
	}
	for _, e := range v.Entities {
		if slices.ContainsFunc(pl.Entities, func(pe planEntity) bool {
			return pe.ID == e.ID
		}) {
			r.Entities++
		}
	}
	for _, m := range v.Mentions {
		if ours(m.Coder) {
			r.Mentions++
		}
	}
	for _, a := range v.Assertions {
		if ours(a.Coder) && !a.Retracted {
			r.Assertions++
		}
	}
	for _, m := range v.Memos {
		if ours(m.Author) {
			r.Memos++
		}
	}
	if r.Documents < files {
		return r, false, nil
	}
	if uncoded {
		return r, true, nil
	}
	want := pl.want()
	done := r.Codes >= want.Codes && r.Codings >= want.Codings && r.Entities >= want.Entities &&
		r.Mentions >= want.Mentions && r.Assertions >= want.Assertions && r.Memos >= want.Memos
	return r, done, nil
}

// want returns the counts of the plan: what a complete demo holds.
func (pl *plan) want() Result {
	r := Result{Codes: len(pl.Codes), Entities: len(pl.Entities), Assertions: len(pl.Assertions), Memos: len(pl.Memos)}
	for _, c := range pl.Codings {
		r.Codings += len(c.By)
	}
	for _, e := range pl.Entities {
		for _, m := range e.Mentions {
			r.Mentions += max(1, strings.Count(m.Quote, "[["))
		}
	}
	return r
}

// builder applies the plan to an open project.
type builder struct {
	s        *service.Service
	p        *project.Project
	progress func(step string, done, total int)
	written  int
	// codings and assertions map the plan's keys to the ids recorded.
	codings, assertions map[string]string
}

func (b *builder) importFiles(ctx context.Context, files []File, res *Result) error {
	b.progress("import", 0, len(files))
	var in []project.DataFile
	for _, f := range files {
		raw, err := data.ReadFile(path.Join("data", f.Name))
		if err != nil {
			return err
		}
		in = append(in, project.DataFile{Path: "demo/" + f.Name, Data: raw, Kind: f.Kind, Attrs: f.Attrs})
	}
	// The documents are embedded, not files a user names: ImportData is
	// the library's import from memory (service.Import reads paths).
	ir, err := b.p.ImportData(ctx, in, project.ImportOptions{By: Importer})
	if err != nil {
		return err
	}
	res.Imported = ir.Imported
	b.progress("import", len(files), len(files))
	return nil
}

// code applies the coding of the plan, skipping what is there.
func (b *builder) code(ctx context.Context, pl *plan) error {
	v, err := b.p.View(false)
	if err != nil {
		return err
	}
	have := map[string]coding.Code{}
	for _, c := range v.Codes {
		have[c.ID] = c
	}
	b.progress("codes", 0, len(pl.Codes))
	for i, c := range pl.Codes {
		if _, ok := have[c.ID]; !ok {
			if _, err := b.s.AddCode(ctx, c.By, service.AddCodeOptions{ID: c.ID, Definition: c.Definition, Colour: c.Colour}); err != nil {
				return fmt.Errorf("demo: code %s: %w", c.ID, err)
			}
			b.written++
		}
		b.progress("codes", i+1, len(pl.Codes))
	}

	total := pl.want().Codings
	done := 0
	b.progress("codings", 0, total)
	for _, c := range pl.Codings {
		sps, err := b.spans(ctx, quote{Doc: c.Doc, Quote: c.Quote})
		if err != nil {
			return err
		}
		if len(sps) != 1 {
			return fmt.Errorf("demo: coding %s in %s: mark one part of the quote, not %d", c.Code, c.Doc, len(sps))
		}
		for _, by := range c.By {
			cd, err := b.s.Code(ctx, by, service.CodeOptions{Span: sps[0], Code: c.Code, Memo: c.Memo})
			if err != nil {
				return fmt.Errorf("demo: coding %s in %s by %s: %w", c.Code, c.Doc, by, err)
			}
			if !cd.Existing {
				b.written++
			}
			if c.Key != "" {
				b.codings[c.Key] = cmp.Or(b.codings[c.Key], cd.ID)
			}
			done++
			b.progress("codings", done, total)
		}
	}
	// Promote after coding: the codings were made while the code was
	// emergent, as in a study.
	for _, c := range pl.Codes {
		if c.Promote == "" || have[c.ID].Promoted {
			continue
		}
		if _, err := b.s.PromoteCode(ctx, cmp.Or(c.PromotedBy, c.By), service.PromoteOptions{ID: c.ID, Parent: c.Promote}); err != nil {
			return fmt.Errorf("demo: promote %s: %w", c.ID, err)
		}
		b.written++
	}

	if err := b.entities(ctx, pl, v); err != nil {
		return err
	}
	if err := b.assert(ctx, pl); err != nil {
		return err
	}
	return b.memos(ctx, pl)
}

func (b *builder) entities(ctx context.Context, pl *plan, v *coding.View) error {
	b.progress("entities", 0, len(pl.Entities))
	for i, e := range pl.Entities {
		if !slices.ContainsFunc(v.Entities, func(x coding.Entity) bool { return x.ID == e.ID }) {
			_, err := b.s.AddEntity(ctx, cmp.Or(e.By, entityCoder), service.AddEntityOptions{
				Entity: coding.Entity{ID: e.ID, Type: e.Type, Name: e.Name, Aliases: e.Aliases}})
			if err != nil {
				return fmt.Errorf("demo: entity %s: %w", e.ID, err)
			}
			b.written++
		}
		b.progress("entities", i+1, len(pl.Entities))
	}
	type key struct {
		sp     coding.Span
		entity string
	}
	seen := map[key]bool{}
	for _, m := range v.Mentions {
		seen[key{m.Span, m.Entity}] = true
	}
	total, done := pl.want().Mentions, 0
	b.progress("mentions", 0, total)
	for _, e := range pl.Entities {
		for _, q := range e.Mentions {
			sps, err := b.spans(ctx, q)
			if err != nil {
				return err
			}
			for _, sp := range sps {
				if !seen[key{sp, e.ID}] {
					if _, err := b.s.Mention(ctx, cmp.Or(e.By, entityCoder), service.MentionOptions{Span: sp, Entity: e.ID}); err != nil {
						return fmt.Errorf("demo: mention of %s in %s: %w", e.ID, q.Doc, err)
					}
					b.written++
				}
				done++
				b.progress("mentions", done, total)
			}
		}
	}
	return nil
}

func (b *builder) assert(ctx context.Context, pl *plan) error {
	b.progress("assertions", 0, len(pl.Assertions))
	for i, a := range pl.Assertions {
		as := coding.Assertion{Subject: a.Subject, Relation: a.Relation, Object: a.Object,
			Practice: a.Practice, Phase: a.Phase, Polarity: coding.Polarity(cmp.Or(a.Polarity, string(coding.Positive))),
			Confidence: cmp.Or(a.Confidence, 1), Memo: a.Memo}
		for _, q := range a.Evidence {
			sps, err := b.spans(ctx, q)
			if err != nil {
				return err
			}
			as.Evidence = append(as.Evidence, sps...)
		}
		got, err := b.s.Assert(ctx, a.By, service.AssertOptions{Assertion: as})
		if err != nil {
			return fmt.Errorf("demo: assertion %s %s %s: %w", a.Subject, a.Relation, a.Object, err)
		}
		if !got.Existing {
			b.written++
		}
		if a.Key != "" {
			b.assertions[a.Key] = got.ID
		}
		b.progress("assertions", i+1, len(pl.Assertions))
	}
	return nil
}

func (b *builder) memos(ctx context.Context, pl *plan) error {
	v, err := b.p.View(false)
	if err != nil {
		return err
	}
	b.progress("memos", 0, len(pl.Memos))
	for i, m := range pl.Memos {
		target := m.Target
		if k, ok := strings.CutPrefix(target, "coding:"); ok && b.codings[k] != "" {
			target = "coding:" + b.codings[k]
		} else if k, ok := strings.CutPrefix(target, "assertion:"); ok && b.assertions[k] != "" {
			target = "assertion:" + b.assertions[k]
		}
		resolved, err := b.p.MemoTarget(ctx, target)
		if err != nil {
			return fmt.Errorf("demo: memo on %s: %w", m.Target, err)
		}
		if slices.ContainsFunc(v.Memos, func(x coding.Memo) bool {
			return x.Target == resolved && x.Author == m.By && x.Text == m.Text
		}) {
			continue
		}
		if _, err := b.s.AddMemo(ctx, m.By, service.MemoOptions{Target: resolved, Text: m.Text}); err != nil {
			return fmt.Errorf("demo: memo on %s: %w", m.Target, err)
		}
		b.written++
		b.progress("memos", i+1, len(pl.Memos))
	}
	return nil
}

// spans returns the spans q names: the one occurrence of its text in its
// document (service.FindQuote), or of each [[marked]] part of it.
func (b *builder) spans(ctx context.Context, q quote) ([]coding.Span, error) {
	plain := strings.NewReplacer("[[", "", "]]", "").Replace(q.Quote)
	sp, err := b.s.FindQuote(ctx, q.Doc, plain)
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	if !strings.Contains(q.Quote, "[[") {
		return []coding.Span{sp}, nil
	}
	var out []coding.Span
	rest, at := q.Quote, sp.Start
	for {
		before, after, ok := strings.Cut(rest, "[[")
		if !ok {
			break
		}
		marked, tail, ok := strings.Cut(after, "]]")
		if !ok {
			return nil, fmt.Errorf("demo: quote %q in %s: [[ without ]]", q.Quote, q.Doc)
		}
		start := at + utf8.RuneCountInString(before)
		end := start + utf8.RuneCountInString(marked)
		out = append(out, coding.Span{Doc: sp.Doc, Start: start, End: end})
		rest, at = tail, end
	}
	return out, nil
}
