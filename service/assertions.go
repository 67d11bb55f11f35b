package service

import (
	"context"
	"slices"

	"github.com/qualgraph/qualgraph/coding"
)

// AssertionsOptions are the options of Assertions.
type AssertionsOptions struct {
	// Filter selects the assertions as Links selects them (relation,
	// practice, phase, coder, classes, document attributes).
	Filter coding.LinkFilter
	// Visible, if not nil, says whose assertions the reader may see
	// (blind coding); the others are left out.
	Visible func(coder string) bool
}

// AssertionRow is an assertion that is not retracted, with the names of
// its subject and object and the texts of its evidence.
type AssertionRow struct {
	coding.Assertion
	SubjectName string          `json:"subject_name"`
	ObjectName  string          `json:"object_name"` // an entity's name, or a concept's id
	ObjectType  string          `json:"object_type"` // an entity's class, or coding.ConceptType
	Quotes      []EvidenceQuote `json:"quotes"`      // of Evidence, in order
}

// EvidenceQuote is one evidence span with its document's name and text.
type EvidenceQuote struct {
	coding.Span
	DocName string `json:"doc_name"`
	Text    string `json:"text"`
}

// Assertions lists the assertions that are not retracted and pass the
// filter, in the order they were made, with their evidence quoted. The
// filter's errors are those of Links.
func (s *Service) Assertions(ctx context.Context, o AssertionsOptions) ([]AssertionRow, error) {
	links, err := s.Links(ctx, LinksOptions{Filter: o.Filter, Quotes: true})
	if err != nil {
		return nil, err
	}
	quotes := map[string][]coding.LinkEvidence{}
	for _, l := range links {
		for _, e := range l.Evidence {
			quotes[e.Assertion] = append(quotes[e.Assertion], e)
		}
	}
	v, err := s.p.View(true)
	if err != nil {
		return nil, err
	}
	names := make(map[string]coding.Entity, len(v.Entities))
	for _, e := range v.Entities {
		names[e.ID] = e
	}
	docNames := map[string]string{}
	out := []AssertionRow{}
	for _, a := range v.Assertions {
		evs, ok := quotes[a.ID]
		if !ok || a.Retracted || o.Visible != nil && !o.Visible(a.Coder) {
			continue
		}
		r := AssertionRow{Assertion: a, SubjectName: names[a.Subject].Name, Quotes: make([]EvidenceQuote, 0, len(evs))}
		if c, ok := coding.IsConcept(a.Object); ok {
			r.ObjectName, r.ObjectType = c, coding.ConceptType
		} else {
			r.ObjectName, r.ObjectType = names[a.Object].Name, names[a.Object].Type
		}
		for _, e := range evs {
			name, ok := docNames[e.Doc]
			if !ok {
				if name, err = s.docName(ctx, e.Doc); err != nil {
					return nil, err
				}
				docNames[e.Doc] = name
			}
			r.Quotes = append(r.Quotes, EvidenceQuote{Span: coding.Span{Doc: e.Doc, Start: e.Start, End: e.End}, DocName: name, Text: e.Text})
		}
		out = append(out, r)
	}
	return out, nil
}

// AddEvidenceOptions are the options of AddEvidence.
type AddEvidenceOptions struct {
	Ref      string        // an assertion id or unambiguous prefix
	Evidence []coding.Span // Doc is a document's id or name
	// Quotes are more evidence, each the one occurrence of its text in
	// its document (see FindQuote), added after Evidence.
	Quotes []QuoteRef
}

// EvidenceAdded is the assertion that more evidence grounds.
type EvidenceAdded struct {
	// Assertion is the assertion with all its evidence; it keeps its id.
	// Its Additions say who added which spans, and when.
	Assertion coding.Assertion `json:"assertion"`
	// Added is the number of spans added: 0 when every span was in the
	// evidence already, and nothing was written.
	Added  int      `json:"added"`
	Quotes []string `json:"quotes"` // of Assertion.Evidence, in order
}

// AddEvidence grounds an assertion with more evidence (see
// project.Project.AddEvidence). An unknown ref or document is a
// *coding.UnknownError; a retracted assertion wraps coding.ErrRetracted.
func (s *Service) AddEvidence(ctx context.Context, by string, o AddEvidenceOptions) (*EvidenceAdded, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	v, err := s.p.View(true)
	if err != nil {
		return nil, err
	}
	old, err := coding.FindAssertion(v, o.Ref)
	if err != nil {
		return nil, err
	}
	spans := slices.Clone(o.Evidence)
	for _, q := range o.Quotes {
		sp, err := s.FindQuote(ctx, q.Doc, q.Text)
		if err != nil {
			return nil, err
		}
		spans = append(spans, sp)
	}
	if len(spans) == 0 {
		return nil, &OptionError{Option: "evidence", Value: "none", Want: "a span or a quote"}
	}
	a, added, err := s.p.AddEvidence(ctx, old.ID, spans, by)
	if err != nil {
		return nil, err
	}
	res := &EvidenceAdded{Assertion: a}
	if added {
		res.Added = len(a.Evidence) - len(old.Evidence)
	}
	q := s.p.Quoter()
	for _, e := range a.Evidence {
		res.Quotes = append(res.Quotes, q.Quote(e))
	}
	return res, q.Err()
}

// Vocabulary is what an assertion form offers: the ontology's classes of
// actors (for new entities), practices, cluster phases and concepts (the
// objects of takesPosition), each with its root first, and its
// relations.
type Vocabulary struct {
	Actors    []string `json:"actors"`
	Practices []string `json:"practices"`
	Phases    []string `json:"phases"`
	Concepts  []string `json:"concepts"`
	Relations []string `json:"relations"`
}

// RootConcept is the root of the classes that takesPosition statements
// are about.
const RootConcept = "Concept"

// Vocabulary returns the classes and relations an assertion form offers.
func (s *Service) Vocabulary(ctx context.Context) (*Vocabulary, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	cb, err := s.p.Codebook()
	if err != nil {
		return nil, err
	}
	list := func(root string) []string {
		if ids := cb.Descendants(root); ids != nil {
			return ids
		}
		return []string{}
	}
	return &Vocabulary{Actors: list(coding.RootActor), Practices: list(coding.RootPractice), Phases: list(coding.RootPhase),
		Concepts: list(RootConcept), Relations: cb.RelationIDs()}, nil
}
