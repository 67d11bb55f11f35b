package service

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"unicode"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/coding/suggest"
	"github.com/qualgraph/qualgraph/corpus"
	"github.com/qualgraph/qualgraph/project"
)

// AssertSuggestOptions say where to suggest assertions: in the sentences
// of Docs (ids or names; default: every document), at most Limit of them
// (0: all), best first. Visible, when set, says whose mentions,
// assertions and rejections the caller may see (blind coding, as for
// SuggestOptions): only those count.
type AssertSuggestOptions struct {
	Docs    []string
	Limit   int
	Visible func(coder string) bool
}

// SuggestAssertions proposes assertions between the project's entities
// (see suggest.Proposer): in each sentence (as suggest --unit sentence
// cuts them) that names two entities, by a recorded mention, name or
// alias, or as the turn's speaker by the first person, with a cue of a
// relation whose domain and range admit them. It leaves out what a
// recorded assertion that is not retracted states already (the same
// statement, or its inverse, with evidence overlapping the sentence) and
// suggestions that anyone rejected (of the coders o.Visible admits). An
// unknown document is a *coding.UnknownError.
func (s *Service) SuggestAssertions(ctx context.Context, o AssertSuggestOptions) ([]suggest.Proposal, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	v, err := s.p.View(false)
	if err != nil {
		return nil, err
	}
	ps, _, err := s.proposeAssertions(ctx, v, o.Docs, o.Visible, false)
	if err != nil {
		return nil, err
	}
	if o.Limit > 0 && len(ps) > o.Limit {
		ps = ps[:o.Limit]
	}
	return ps, nil
}

// proposeAssertions returns the proposals of the sentences of docs
// (every document if none), best first, and the number of sentences
// read, from the mentions, assertions and rejections of the coders
// visible admits (everyone's if it is nil). Unless all, it leaves out
// what SuggestAssertions leaves out.
func (s *Service) proposeAssertions(ctx context.Context, v *coding.View, docs []string, visible func(string) bool, all bool) ([]suggest.Proposal, int, error) {
	sees := func(coder string) bool { return visible == nil || visible(coder) }
	cb, err := s.p.Codebook()
	if err != nil {
		return nil, 0, err
	}
	var ids []string
	if len(docs) > 0 {
		for _, ref := range docs {
			d, err := s.p.Document(ctx, ref)
			if err != nil {
				return nil, 0, err
			}
			if !slices.Contains(ids, d.ID) {
				ids = append(ids, d.ID)
			}
		}
	} else {
		ds, err := s.p.Documents(ctx)
		if err != nil {
			return nil, 0, err
		}
		for _, d := range ds {
			ids = append(ids, d.ID)
		}
	}
	slices.Sort(ids)
	actors := make([]suggest.Actor, 0, len(v.Entities))
	for _, e := range v.Entities {
		actors = append(actors, suggest.Actor{ID: e.ID, Type: e.Type, Names: append([]string{e.Name}, e.Aliases...)})
	}
	pr := suggest.NewProposer(cb.Ontology, actors)
	speakers, err := s.p.SpeakerNames()
	if err != nil {
		return nil, 0, err
	}
	speakerEntity := speakerEntities(v.Entities)
	mentions := map[string][]coding.Mention{}
	for _, m := range v.Mentions {
		if sees(m.Coder) {
			mentions[m.Doc] = append(mentions[m.Doc], m)
		}
	}
	rejected := map[string]bool{}
	for _, r := range v.Rejections {
		if sees(r.Coder) {
			rejected[r.ID] = true
		}
	}
	var assertions []coding.Assertion
	for _, a := range v.Assertions {
		if sees(a.Coder) {
			assertions = append(assertions, a)
		}
	}
	var out []suggest.Proposal
	sentences := 0
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return nil, 0, err
		}
		rs, text, err := s.p.DocUnits(id, project.UnitSentence)
		if err != nil {
			return nil, 0, err
		}
		d, err := s.p.Document(ctx, id)
		if err != nil {
			return nil, 0, err
		}
		runes := []rune(text)
		for _, r := range rs {
			sentences++
			st := suggest.Sentence{Doc: id, Start: r.Start, End: r.End, Text: string(runes[r.Start:r.End])}
			if sg := segmentAt(d.Segments, r.Start); sg != nil && sg.Speaker != "" {
				st.Speaker = speakerEntity(speakers.Name(sg.Speaker))
			}
			for _, m := range mentions[id] {
				if m.Start >= r.Start && m.End <= r.End {
					st.Mentions = append(st.Mentions, suggest.Mention{Entity: m.Entity, Start: m.Start, End: m.End, Text: string(runes[m.Start:m.End])})
				}
			}
			for _, p := range pr.Propose(st) {
				if all || !rejected[p.ID] && !stated(cb, assertions, p) {
					out = append(out, p)
				}
			}
		}
	}
	slices.SortStableFunc(out, func(a, b suggest.Proposal) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), strings.Compare(a.Doc, b.Doc), cmp.Compare(a.Start, b.Start))
	})
	return out, sentences, nil
}

// stated reports whether an assertion of as that is not retracted states
// p, or its inverse, with evidence that overlaps p's sentence.
func stated(cb *coding.Codebook, as []coding.Assertion, p suggest.Proposal) bool {
	inv, hasInv := cb.Inverse(p.Relation)
	sp := p.Span()
	for _, a := range as {
		same := a.Subject == p.Subject && a.Relation == p.Relation && a.Object == p.Object ||
			hasInv && a.Subject == p.Object && a.Relation == inv && a.Object == p.Subject
		if same && !a.Retracted && slices.ContainsFunc(a.Evidence, sp.Overlaps) {
			return true
		}
	}
	return false
}

// segmentAt returns the segment of segs (in order) that holds code point
// n, or nil.
func segmentAt(segs []corpus.Segment, n int) *corpus.Segment {
	i, _ := slices.BinarySearchFunc(segs, n, func(sg corpus.Segment, n int) int {
		if sg.End <= n {
			return -1
		}
		if sg.Start > n {
			return 1
		}
		return 0
	})
	if i < len(segs) && segs[i].Start <= n && n < segs[i].End {
		return &segs[i]
	}
	return nil
}

// speakerEntities returns a function that gives the entity a speaker's
// name stands for: the entity with that name or alias (ignoring case),
// else the one entity whose name in Latin script has it as its first or
// last word ("Chen" for "Chen Hao"); "" for none.
func speakerEntities(es []coding.Entity) func(string) string {
	exact := map[string][]string{}
	word := map[string][]string{}
	for _, e := range es {
		for _, n := range append([]string{e.Name}, e.Aliases...) {
			key := strings.ToLower(strings.TrimSpace(n))
			exact[key] = appendNew(exact[key], e.ID)
			ws := strings.FieldsFunc(key, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
			if len(ws) > 1 {
				word[ws[0]] = appendNew(word[ws[0]], e.ID)
				word[ws[len(ws)-1]] = appendNew(word[ws[len(ws)-1]], e.ID)
			}
		}
	}
	return func(name string) string {
		key := strings.ToLower(strings.TrimSpace(name))
		if ids := exact[key]; len(ids) == 1 {
			return ids[0]
		}
		if ids := word[key]; len(ids) == 1 && len(exact[key]) == 0 {
			return ids[0]
		}
		return ""
	}
}

func appendNew(ids []string, id string) []string {
	if slices.Contains(ids, id) {
		return ids
	}
	return append(ids, id)
}

// pickAssertions returns the current suggested assertions (in o.Docs)
// that ids name, in the order of ids. An id that is no current
// suggestion (accepted or rejected already, or never made) is a
// *coding.UnknownError wrapping ErrUnknownSuggestion.
func (s *Service) pickAssertions(ctx context.Context, o AssertSuggestOptions, ids []string) ([]suggest.Proposal, error) {
	if len(ids) == 0 {
		return nil, &OptionError{Option: "accept", Want: "the ids of suggested assertions"}
	}
	v, err := s.p.View(false)
	if err != nil {
		return nil, err
	}
	all, _, err := s.proposeAssertions(ctx, v, o.Docs, o.Visible, false)
	if err != nil {
		return nil, err
	}
	byID := map[string]suggest.Proposal{}
	for _, p := range all {
		byID[p.ID] = p
	}
	var out []suggest.Proposal
	seen := map[string]bool{}
	for _, id := range ids {
		p, ok := byID[id]
		if !ok {
			return nil, &coding.UnknownError{What: "suggestion", ID: id, Err: ErrUnknownSuggestion}
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, p)
		}
	}
	return out, nil
}

// AcceptAssertionSuggestions records the suggested assertions that ids
// name as coder by's, each as Assert records an assertion (one entry
// each): positive, with confidence 1 (as the assert command's default)
// and the sentence as evidence, marked as suggested
// (coding.Assertion.Suggested: suggest.AssertModel and the score). Every
// id is checked before the first is recorded; see pickAssertions for
// the errors.
func (s *Service) AcceptAssertionSuggestions(ctx context.Context, by string, o AssertSuggestOptions, ids []string) ([]*Asserted, error) {
	ps, err := s.pickAssertions(ctx, o, ids)
	if err != nil {
		return nil, err
	}
	var out []*Asserted
	for _, p := range ps {
		a := coding.Assertion{Subject: p.Subject, Relation: p.Relation, Object: p.Object, Evidence: []coding.Span{p.Span()},
			Polarity: coding.Positive, Confidence: 1, Suggested: &coding.Suggestion{Model: suggest.AssertModel, Score: p.Score}}
		r, err := s.Assert(ctx, by, AssertOptions{Assertion: a})
		if err != nil {
			return out, err
		}
		out = append(out, r)
	}
	return out, nil
}

// RejectAssertionSuggestions records, in one entry, that coder by
// rejected the suggested assertions that ids name: they are never
// suggested again (see project.Project.RejectAssertions). See
// pickAssertions for the errors.
func (s *Service) RejectAssertionSuggestions(ctx context.Context, by string, o AssertSuggestOptions, ids []string) ([]coding.Rejection, error) {
	if len(ids) == 0 {
		return nil, &OptionError{Option: "reject", Want: "the ids of suggested assertions"}
	}
	ps, err := s.pickAssertions(ctx, o, ids)
	if err != nil {
		return nil, err
	}
	rs := make([]coding.Rejection, len(ps))
	for i, p := range ps {
		rs[i] = coding.Rejection{ID: p.ID, Span: p.Span(), Subject: p.Subject, Relation: p.Relation, Object: p.Object,
			Model: suggest.AssertModel, Score: p.Score}
	}
	return s.p.RejectAssertions(ctx, rs, by)
}

// EvaluateAssertionSuggestions measures the suggested assertions against
// the project's recorded assertions that are not retracted (see
// suggest.EvaluateAssertions): every proposal of every sentence counts,
// those recorded or rejected included.
func (s *Service) EvaluateAssertionSuggestions(ctx context.Context) (*suggest.AssertEvaluation, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	v, err := s.p.View(false)
	if err != nil {
		return nil, err
	}
	ps, n, err := s.proposeAssertions(ctx, v, nil, nil, true)
	if err != nil {
		return nil, err
	}
	var rec []suggest.Recorded
	for _, a := range v.Assertions {
		if !a.Retracted {
			rec = append(rec, suggest.Recorded{Subject: a.Subject, Relation: a.Relation, Object: a.Object, Evidence: a.Evidence})
		}
	}
	ev := suggest.EvaluateAssertions(n, ps, rec)
	return &ev, nil
}
