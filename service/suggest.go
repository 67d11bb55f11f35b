package service

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/sync/errgroup"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/coding/suggest"
	"github.com/qualgraph/qualgraph/corpus"
	"github.com/qualgraph/qualgraph/corpus/fts"
	"github.com/qualgraph/qualgraph/project"
)

// ErrUnknownSuggestion is wrapped by the *coding.UnknownError of an id
// that is no current suggestion.
var ErrUnknownSuggestion = errors.New("unknown suggestion")

// SuggestOptions say what to suggest: codings of Codes (default: every
// code that has codings) on the units (sentence, the default, or
// segment) of Docs (ids or names; default: every document) that are not
// coded so yet, scoring at least MinScore (default
// suggest.DefaultThreshold; a negative value means 0), at most Limit of
// them (0: all), best first.
//
// Visible, when set, says whose codings and rejections the caller may
// see (blind coding, see Service.Visible): the model learns from those
// alone, and suggests what those coders have not coded or rejected,
// whatever the others did. A model that learnt from codings the caller
// may not see would pass them on, and the independent codings that
// agreement measures would no longer be independent.
type SuggestOptions struct {
	Codes    []string
	Docs     []string
	Unit     string
	Limit    int
	MinScore float64
	Visible  func(coder string) bool
}

// Suggestion is a suggested coding with its explanation: the terms that
// weighed most and the coded segments most like it.
type Suggestion struct {
	ID      string               `json:"id"`
	Doc     string               `json:"doc"`
	Start   int                  `json:"start"`
	End     int                  `json:"end"`
	Code    string               `json:"code"`
	Score   float64              `json:"score"`
	Terms   []suggest.TermWeight `json:"terms"`
	Similar []suggest.Similar    `json:"similar"`
}

// Span returns the span suggested.
func (g Suggestion) Span() coding.Span { return coding.Span{Doc: g.Doc, Start: g.Start, End: g.End} }

// How many terms and similar segments explain a suggestion.
const (
	explainTerms   = 5
	explainSimilar = 3
)

// training is what a model learns from: every unit of every document,
// labelled, and the coded segments.
type training struct {
	units    []suggest.Unit
	coded    []suggest.Coded
	rejected map[string]bool // suggestion ids rejected
}

// training reads the units of kind unit of every document and labels
// them with the codings and rejections of v by the coders of l.
func (s *Service) training(ctx context.Context, v *coding.View, unit string, l learner) (*training, error) {
	u, err := suggestUnit(unit)
	if err != nil {
		return nil, err
	}
	docs, err := s.p.Documents(ctx)
	if err != nil {
		return nil, err
	}
	byDoc := map[string][]coding.Coding{}
	for _, c := range v.Codings {
		if l.learns(c.Coder) {
			byDoc[c.Doc] = append(byDoc[c.Doc], c)
		}
	}
	// The codes rejected on each span.
	rej := map[coding.Span][]string{}
	t := &training{rejected: map[string]bool{}}
	for _, r := range v.Rejections {
		if !l.learns(r.Coder) {
			continue
		}
		rej[r.Span] = append(rej[r.Span], r.Code)
		t.rejected[r.ID] = true
	}
	slices.SortFunc(docs, func(a, b *corpus.Document) int { return strings.Compare(a.ID, b.ID) })
	// The documents are read in parallel, then labelled in parallel
	// straight into their place among the units, in order of document.
	type docText struct {
		rs   []coding.Range
		text string
	}
	read := make([]docText, len(docs))
	err = inParallel(ctx, len(docs), func(i int) error {
		rs, text, err := s.p.DocUnits(docs[i].ID, u)
		read[i] = docText{rs, text}
		return err
	})
	if err != nil {
		return nil, err
	}
	first := make([]int, len(docs)+1) // document i's units are t.units[first[i]:first[i+1]]
	for i, d := range read {
		first[i+1] = first[i] + len(d.rs)
	}
	t.units = make([]suggest.Unit, first[len(docs)])
	coded := make([][]suggest.Coded, len(docs))
	err = inParallel(ctx, len(docs), func(i int) error {
		coded[i] = docTraining(docs[i].ID, read[i].rs, read[i].text, byDoc[docs[i].ID], rej, t.units[first[i]:first[i+1]])
		return nil
	})
	if err != nil {
		return nil, err
	}
	t.coded = slices.Concat(coded...)
	return t, nil
}

// docTraining fills us with the units rs of document doc, whose text is
// text, labelled with its codings cs and the codes rejected on their spans
// (rej), and returns its coded segments.
func docTraining(doc string, rs []coding.Range, text string, cs []coding.Coding, rej map[coding.Span][]string, us []suggest.Unit) []suggest.Coded {
	// The texts are slices of the document's text: the byte offsets of
	// every unit's and coding's ends found in one pass.
	n := utf8.RuneCountInString(text)
	cps := make([]int, 0, 2*(len(rs)+len(cs)))
	for _, r := range rs {
		cps = append(cps, r.Start, r.End)
	}
	for _, c := range cs {
		if c.End <= n {
			cps = append(cps, c.Start, c.End)
		}
	}
	slices.Sort(cps)
	cps = slices.Compact(cps)
	bs := corpus.ByteOffsets(text, cps)
	slice := func(start, end int) string {
		i, _ := slices.BinarySearch(cps, start)
		j, _ := slices.BinarySearch(cps, end)
		return text[bs[i]:bs[j]]
	}
	// us: in order of start, without overlaps, as rs.
	for k, r := range rs {
		us[k] = suggest.Unit{Doc: doc, Start: r.Start, End: r.End, Text: slice(r.Start, r.End)}
	}
	var coded []suggest.Coded
	for _, c := range cs {
		if c.End <= n {
			coded = append(coded, suggest.Coded{Span: c.Span, Code: c.Code, Coder: c.Coder, Text: slice(c.Start, c.End)})
		}
		// The units c overlaps: from the first that ends after its
		// start to the last that starts before its end.
		at, _ := slices.BinarySearchFunc(us, c.Start+1, func(u suggest.Unit, end int) int { return cmp.Compare(u.End, end) })
		for k := at; k < len(us) && us[k].Start < c.End; k++ {
			su := &us[k]
			if suggest.Covers(coding.Range{Start: su.Start, End: su.End}, coding.Range{Start: c.Start, End: c.End}) && !slices.Contains(su.Codes, c.Code) {
				su.Codes = append(su.Codes, c.Code)
			}
		}
	}
	for k := range us {
		su := &us[k]
		for _, code := range rej[coding.Span{Doc: doc, Start: su.Start, End: su.End}] {
			if !slices.Contains(su.Codes, code) && !slices.Contains(su.Rejected, code) {
				su.Rejected = append(su.Rejected, code)
			}
		}
		slices.Sort(su.Rejected)
	}
	return coded
}

// inParallel calls f(0) … f(n-1) on as many goroutines as there are
// processors, and returns the first error, or ctx's once it is done.
func inParallel(ctx context.Context, n int, f func(i int) error) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i := range n {
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			return f(i)
		})
	}
	return g.Wait()
}

func suggestUnit(unit string) (project.Unit, error) {
	switch u := project.Unit(cmp.Or(unit, string(project.UnitSentence))); u {
	case project.UnitSentence, project.UnitSegment:
		return u, nil
	}
	return "", &OptionError{Option: "unit", Value: unit, Want: "sentence or segment"}
}

// suggestModels keeps, for each kind of unit and each set of coders
// learnt from, the model last trained and the view it learnt from, so that a long-running process (the
// workbench) trains once and answers from memory while the view stays
// the same. The project keeps one view for each position of its record
// and loads another as soon as the record grows (a coding, a rejection,
// an import, a change of the codebook), so a model is never used past a
// change: the next suggestion trains afresh.
type suggestModels struct {
	mu     sync.Mutex
	byUnit map[modelKey]*trainedModel
	// The coders of the last view asked (codersOf).
	codersView *coding.View
	coders     []string
}

type modelKey struct {
	unit   project.Unit
	coders string // learner.key
}

// learner is whose codings and rejections a model learns from: every
// coder's (all), or those of the coders listed.
type learner struct {
	all    bool
	coders map[string]bool
}

// learnerOf returns the coders of v that visible admits (everyone if
// visible is nil or admits them all).
func (s *Service) learnerOf(v *coding.View, visible func(string) bool) learner {
	if visible == nil {
		return learner{all: true}
	}
	l := learner{all: true, coders: map[string]bool{}}
	for _, c := range s.models.codersOf(v) {
		l.coders[c] = visible(c)
		l.all = l.all && l.coders[c]
	}
	return l
}

// codersOf returns the coders of v's codings and rejections, sorted. It
// keeps them for the last view asked, so that a long-running process does
// not walk every coding for each request while the project stays the same.
func (m *suggestModels) codersOf(v *coding.View) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.codersView == v {
		return m.coders
	}
	seen := map[string]bool{}
	for _, c := range v.Codings {
		seen[c.Coder] = true
	}
	for _, r := range v.Rejections {
		seen[r.Coder] = true
	}
	m.codersView, m.coders = v, slices.Sorted(maps.Keys(seen))
	return m.coders
}

func (l learner) learns(coder string) bool { return l.all || l.coders[coder] }

// key names the set of coders l learns from, for the model cache.
func (l learner) key() string {
	if l.all {
		return ""
	}
	var cs []string
	for c, ok := range l.coders {
		if ok {
			cs = append(cs, c)
		}
	}
	slices.Sort(cs)
	return "only:" + strings.Join(cs, "\x00")
}

type trainedModel struct {
	view *coding.View
	t    *training
	m    *suggest.Model
}

// model returns the model of unit trained on v (with the names of cb)
// by the coders of l, training it unless the resident one learnt from
// v. Training holds the lock: concurrent
// callers wait for one training rather than each train.
func (s *Service) model(ctx context.Context, v *coding.View, cb *coding.Codebook, unit string, l learner) (*training, *suggest.Model, error) {
	u, err := suggestUnit(unit)
	if err != nil {
		return nil, nil, err
	}
	key := modelKey{u, l.key()}
	s.models.mu.Lock()
	defer s.models.mu.Unlock()
	if tm := s.models.byUnit[key]; tm != nil && tm.view == v {
		return tm.t, tm.m, nil
	}
	t, err := s.training(ctx, v, unit, l)
	if err != nil {
		return nil, nil, err
	}
	m := suggest.Train(t.units, t.coded, suggestOptions(cb))
	if s.models.byUnit == nil {
		s.models.byUnit = map[modelKey]*trainedModel{}
	}
	for k, tm := range s.models.byUnit {
		if tm.view != v {
			delete(s.models.byUnit, k) // learnt from an older view
		}
	}
	s.models.byUnit[key] = &trainedModel{view: v, t: t, m: m}
	return t, m, nil
}

// suggestOptions are the model's options for codebook cb: the index's
// analysis, and each code's names (see codeNames).
func suggestOptions(cb *coding.Codebook) suggest.Options {
	return suggest.Options{Terms: fts.Terms, Names: codeNames(cb)}
}

// codeNames gives each code of cb the words that name and describe it:
// its id cut into words ("rq2_curriculum-pedagogy": "rq2 curriculum
// pedagogy", "LegitimationPractice": "Legitimation Practice"), its labels
// in every language, its definition and when to apply it.
func codeNames(cb *coding.Codebook) map[string]string {
	names := map[string]string{}
	for _, c := range cb.Classes() {
		parts := []string{idWords(c.ID)}
		langs := slices.Sorted(maps.Keys(c.Labels))
		for _, l := range langs {
			parts = append(parts, c.Labels[l])
		}
		parts = append(parts, c.Definition, c.Inclusion)
		names[c.ID] = strings.Join(parts, " \n")
	}
	return names
}

// idWords cuts an id into words: at "_", "-", ".", "/" and where a lower
// case letter or digit is followed by an upper case one.
func idWords(id string) string {
	var b strings.Builder
	var prev rune
	for _, r := range id {
		switch {
		case r == '_' || r == '-' || r == '.' || r == '/':
			r = ' '
		case unicode.IsUpper(r) && (unicode.IsLower(prev) || unicode.IsDigit(prev)):
			b.WriteByte(' ')
		}
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}

// Suggest learns from the project's codings and rejections and suggests
// codings (see SuggestOptions and package coding/suggest). An unknown
// code or document is a *coding.UnknownError; a bad unit an
// *OptionError.
func (s *Service) Suggest(ctx context.Context, o SuggestOptions) ([]Suggestion, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	v, err := s.p.View(false)
	if err != nil {
		return nil, err
	}
	return s.suggest(ctx, v, o, true)
}

func (s *Service) suggest(ctx context.Context, v *coding.View, o SuggestOptions, explain bool) ([]Suggestion, error) {
	cb, err := s.p.Codebook()
	if err != nil {
		return nil, err
	}
	for _, c := range o.Codes {
		if err := cb.CheckCode(c); err != nil {
			return nil, err
		}
	}
	var docs map[string]bool
	if len(o.Docs) > 0 {
		docs = map[string]bool{}
		for _, ref := range o.Docs {
			d, err := s.p.Document(ctx, ref)
			if err != nil {
				return nil, err
			}
			docs[d.ID] = true
		}
	}
	t, m, err := s.model(ctx, v, cb, o.Unit, s.learnerOf(v, o.Visible))
	if err != nil {
		return nil, err
	}
	codes := o.Codes
	if len(codes) == 0 {
		codes = m.Codes()
	}
	minScore := o.MinScore
	if minScore == 0 {
		minScore = suggest.DefaultThreshold
	}
	var out []Suggestion
	type scored struct {
		g    Suggestion
		v    suggest.Vector
		text string
	}
	var all []scored
	for i, u := range t.units {
		if docs != nil && !docs[u.Doc] {
			continue
		}
		vec := m.Unit(i)
		if vec.Empty() {
			continue
		}
		for _, c := range codes {
			if slices.Contains(u.Codes, c) || slices.Contains(u.Rejected, c) {
				continue
			}
			sc := m.Score(c, vec)
			if sc <= 0 || sc < minScore {
				continue
			}
			sp := coding.Span{Doc: u.Doc, Start: u.Start, End: u.End}
			id := suggest.ID(sp, c)
			if t.rejected[id] {
				continue
			}
			all = append(all, scored{Suggestion{ID: id, Doc: u.Doc, Start: u.Start, End: u.End, Code: c, Score: suggest.Round(sc)}, vec, u.Text})
		}
	}
	slices.SortStableFunc(all, func(a, b scored) int {
		return cmp.Or(cmp.Compare(b.g.Score, a.g.Score), strings.Compare(a.g.Doc, b.g.Doc),
			cmp.Compare(a.g.Start, b.g.Start), strings.Compare(a.g.Code, b.g.Code))
	})
	if o.Limit > 0 && len(all) > o.Limit {
		all = all[:o.Limit]
	}
	// The explanations, in parallel: each compares its unit with every
	// segment coded with its code.
	out = make([]Suggestion, len(all))
	err = inParallel(ctx, len(all), func(i int) error {
		g := all[i].g
		if explain {
			g.Terms, g.Similar = m.Explain(g.Code, all[i].v, explainTerms, explainSimilar)
			surfaceTerms(g.Terms, all[i].text)
		}
		if g.Terms == nil {
			g.Terms = []suggest.TermWeight{}
		}
		if g.Similar == nil {
			g.Similar = []suggest.Similar{}
		}
		out[i] = g
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// surfaceTerms replaces each term (a stem) with the word of text it
// comes from, lower-cased, where it stands first: "equity" for "equiti".
func surfaceTerms(ts []suggest.TermWeight, text string) {
	toks := fts.Tokens(text)
	for i := range ts {
		for _, tk := range toks {
			if tk.Term == ts[i].Term {
				ts[i].Term = strings.ToLower(text[tk.Start:tk.End])
				break
			}
		}
	}
}

// SuggestionRefs name suggestions to accept or reject: by id, or (for
// accepting) every suggestion scoring at least Above (0: none), among
// the suggestions of SuggestOptions (whose MinScore and Limit are
// ignored when ids are given).
type SuggestionRefs struct {
	SuggestOptions
	IDs   []string
	Above float64
}

// pick returns the suggestions refs names, in the order of refs.IDs and
// then by score. An id that is no current suggestion (already accepted
// or rejected, or never made) is a *coding.UnknownError wrapping
// ErrUnknownSuggestion.
func (s *Service) pick(ctx context.Context, refs SuggestionRefs) ([]Suggestion, error) {
	v, err := s.p.View(false)
	if err != nil {
		return nil, err
	}
	o := refs.SuggestOptions
	o.Limit = 0
	o.MinScore = -1
	if len(refs.IDs) == 0 {
		if refs.Above <= 0 {
			return nil, &OptionError{Option: "accept-above", Value: fmt.Sprint(refs.Above), Want: "a score above 0, or suggestion ids"}
		}
		o.MinScore = refs.Above
	}
	if o.MinScore < 0 {
		o.MinScore = 1e-12
	}
	all, err := s.suggest(ctx, v, o, false)
	if err != nil {
		return nil, err
	}
	if len(refs.IDs) == 0 {
		return all, nil
	}
	byID := map[string]Suggestion{}
	for _, g := range all {
		byID[g.ID] = g
	}
	var out []Suggestion
	seen := map[string]bool{}
	for _, id := range refs.IDs {
		g, ok := byID[id]
		if !ok {
			return nil, &coding.UnknownError{What: "suggestion", ID: id, Err: ErrUnknownSuggestion}
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, g)
		}
	}
	return out, nil
}

// AcceptSuggestions codes the suggestions refs names as coder by, in one
// entry: ordinary codings that remember the model and score
// (coding.Coding.Suggested). See pick for the errors.
func (s *Service) AcceptSuggestions(ctx context.Context, by string, refs SuggestionRefs) ([]coding.Coding, error) {
	gs, err := s.pick(ctx, refs)
	if err != nil {
		return nil, err
	}
	reqs := make([]project.CodeRequest, len(gs))
	for i, g := range gs {
		reqs[i] = project.CodeRequest{Span: g.Span(), Code: g.Code, Suggested: &coding.Suggestion{Model: suggest.Version, Score: g.Score}}
	}
	if len(reqs) == 0 {
		return nil, nil
	}
	return s.p.Code(ctx, reqs, by, "suggest --accept")
}

// RejectSuggestions records that coder by rejected the suggestions refs
// names (by id only), in one entry; they are not suggested again, and
// count as negatives when the model learns. See pick for the errors.
func (s *Service) RejectSuggestions(ctx context.Context, by string, refs SuggestionRefs) ([]coding.Rejection, error) {
	if len(refs.IDs) == 0 {
		return nil, &OptionError{Option: "reject", Want: "the ids of the suggestions to reject"}
	}
	gs, err := s.pick(ctx, refs)
	if err != nil {
		return nil, err
	}
	rs := make([]coding.Rejection, len(gs))
	for i, g := range gs {
		rs[i] = coding.Rejection{ID: g.ID, Span: g.Span(), Code: g.Code, Model: suggest.Version, Score: g.Score}
	}
	return s.p.Reject(ctx, rs, by)
}

// EvaluateOptions are the options of EvaluateSuggestions: Folds (default
// 5) and Unit (sentence or segment). Progress, if set, is called as the
// folds are trained and scored (done of total steps).
type EvaluateOptions struct {
	Folds    int
	Unit     string
	Progress func(done, total int64)
}

// EvaluateSuggestions cross-validates the model on the project's own
// codings next to the cue-word and tf-idf baselines (see
// suggest.Evaluate). The cue words of a code are the ontology's for
// that class, in every language.
func (s *Service) EvaluateSuggestions(ctx context.Context, o EvaluateOptions) (*suggest.Evaluation, error) {
	if o.Folds < 0 || o.Folds == 1 {
		return nil, &OptionError{Option: "folds", Value: fmt.Sprint(o.Folds), Want: "2 or more"}
	}
	v, err := s.p.View(false)
	if err != nil {
		return nil, err
	}
	t, err := s.training(ctx, v, o.Unit, learner{all: true})
	if err != nil {
		return nil, err
	}
	cb, err := s.p.Codebook()
	if err != nil {
		return nil, err
	}
	cues := map[string][]string{}
	for _, c := range cb.Classes() {
		for _, ws := range c.Cues {
			cues[c.ID] = append(cues[c.ID], ws...)
		}
	}
	so := suggestOptions(cb)
	if o.Progress != nil {
		so.Progress = func(done, total int) { o.Progress(int64(done), int64(total)) }
	}
	return suggest.Evaluate(t.units, t.coded, cues, cmp.Or(o.Folds, 5), so), nil
}
