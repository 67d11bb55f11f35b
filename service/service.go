package service

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/coding/analysis"
	"github.com/qualgraph/qualgraph/coding/network"
	"github.com/qualgraph/qualgraph/corpus"
	"github.com/qualgraph/qualgraph/internal/record"
	"github.com/qualgraph/qualgraph/project"
)

// Service runs the use cases on one open project. Create it with New.
type Service struct {
	p      *project.Project
	models suggestModels // the resident suggestion models (suggest.go)
	links  linksCache    // the last links found (graph.go)
}

// New returns a Service over p. The caller keeps p open while the Service
// is in use and closes it afterwards.
func New(p *project.Project) *Service { return &Service{p: p} }

// OptionError reports an option with a value the use case does not take.
type OptionError struct {
	Option string // the option, as the command line spells it: "unit"
	Value  string
	Want   string // what it takes: "overlap, segment or document"
}

func (e *OptionError) Error() string {
	return fmt.Sprintf("--%s %q: want %s", e.Option, e.Value, e.Want)
}

// analysisData is what the analyses read.
type analysisData struct {
	view *coding.View
	cb   *coding.Codebook
	docs []*corpus.Document // records from the graph: no text, no segments
}

// loadAnalysis reads the full view and the codebook and, with docs, the
// documents' records from the graph.
func (s *Service) loadAnalysis(ctx context.Context, docs bool) (*analysisData, error) {
	v, err := s.p.View(false)
	if err != nil {
		return nil, err
	}
	cb, err := s.p.Codebook()
	if err != nil {
		return nil, err
	}
	a := &analysisData{view: v, cb: cb}
	if docs {
		var err error
		if a.docs, err = s.p.Documents(ctx); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// resolveDocs turns document ids or names into ids. An unknown one is a
// *coding.UnknownError wrapping coding.ErrUnknownDoc.
func (s *Service) resolveDocs(ctx context.Context, refs []string) ([]string, error) {
	if len(refs) == 0 {
		return nil, nil
	}
	ids := make([]string, len(refs))
	for i, r := range refs {
		d, err := s.p.DocumentRecord(ctx, r)
		if err != nil {
			return nil, &coding.UnknownError{What: "document", ID: r, Err: coding.ErrUnknownDoc}
		}
		ids[i] = d.ID
	}
	return ids, nil
}

// filterCodings keeps the codings in the documents docs and by the coders
// (all where a list is empty).
func filterCodings(cs []coding.Coding, docs, coders []string) []coding.Coding {
	if len(docs) == 0 && len(coders) == 0 {
		return cs
	}
	var out []coding.Coding
	for _, c := range cs {
		if (len(docs) == 0 || slices.Contains(docs, c.Doc)) && (len(coders) == 0 || slices.Contains(coders, c.Coder)) {
			out = append(out, c)
		}
	}
	return out
}

// Selection narrows the codings an analysis reads: only those in the
// documents Docs (ids or names) and by the Coders; empty selects all.
// NoSuggested leaves out the codings accepted from machine suggestions
// (coding.Coding.Suggested).
type Selection struct {
	Docs        []string
	Coders      []string
	NoSuggested bool
}

// selected returns the codings of a that sel selects.
func (s *Service) selected(ctx context.Context, a *analysisData, sel Selection) ([]coding.Coding, error) {
	docs, err := s.resolveDocs(ctx, sel.Docs)
	if err != nil {
		return nil, err
	}
	cs := filterCodings(a.view.Codings, docs, sel.Coders)
	if sel.NoSuggested {
		cs = bySuggested(cs)
	}
	return cs, nil
}

// bySuggested returns the codings of cs made by hand, in a new slice
// if any were suggested.
func bySuggested(cs []coding.Coding) []coding.Coding {
	if !slices.ContainsFunc(cs, func(c coding.Coding) bool { return c.Suggested != nil }) {
		return cs
	}
	out := make([]coding.Coding, 0, len(cs))
	for _, c := range cs {
		if c.Suggested == nil {
			out = append(out, c)
		}
	}
	return out
}

// loadSelection loads the analysis data (with the document records if
// docs) and returns the codings that sel selects, after checking codes
// against the codebook.
func (s *Service) loadSelection(ctx context.Context, codes []string, sel Selection, docs bool) (*analysisData, []coding.Coding, error) {
	a, err := s.loadAnalysis(ctx, docs)
	if err != nil {
		return nil, nil, err
	}
	if err := checkCodes(a.cb, codes); err != nil {
		return nil, nil, err
	}
	cs, err := s.selected(ctx, a, sel)
	if err != nil {
		return nil, nil, err
	}
	return a, cs, nil
}

// checkCodes checks codes against the codebook.
func checkCodes(cb *coding.Codebook, codes []string) error {
	for _, code := range codes {
		if err := cb.CheckCode(code); err != nil {
			return err
		}
	}
	return nil
}

// checkRelations checks relation ids against the codebook.
func checkRelations(cb *coding.Codebook, rels []string) error {
	for _, r := range rels {
		if _, ok := cb.Relation(r); !ok {
			return &coding.UnknownError{What: "relation", ID: r, Nearest: cb.NearestRelation(r, 3), Known: cb.RelationIDs(), Err: coding.ErrUnknownRelation}
		}
	}
	return nil
}

// analysisDocs converts document records for package analysis. The
// document kind (interview, focus-group, policy, document) serves as the
// attribute "kind" unless the documents have an attribute of that name.
func analysisDocs(docs []*corpus.Document) analysis.Docs {
	kindAttr := true
	for _, d := range docs {
		if _, ok := d.Attrs["kind"]; ok {
			kindAttr = false
		}
	}
	out := make(analysis.Docs, len(docs))
	for _, d := range docs {
		attrs := make(map[string]string, len(d.Attrs)+1)
		for k, v := range d.Attrs {
			attrs[k] = v.Value
		}
		if kindAttr {
			attrs["kind"] = d.Kind
		}
		out[d.ID] = analysis.Doc{ID: d.ID, Name: d.Name, Attrs: attrs}
	}
	return out
}

// segmentDocs reads the segments of the documents of cs.
func (s *Service) segmentDocs(ctx context.Context, cs []coding.Coding) (analysis.Docs, error) {
	docs := analysis.Docs{}
	for _, c := range cs {
		if _, ok := docs[c.Doc]; ok {
			continue
		}
		d, err := s.p.Document(ctx, c.Doc)
		if err != nil {
			return nil, err
		}
		segs := make([]analysis.Segment, len(d.Segments))
		for i, sg := range d.Segments {
			segs[i] = analysis.Segment{Start: sg.Start, End: sg.End}
		}
		docs[d.ID] = analysis.Doc{ID: d.ID, Name: d.Name, Segments: segs}
	}
	return docs, nil
}

// entityTies returns the ties between entities of the non-retracted
// assertions (statements on concepts left out).
func entityTies(v *coding.View) []network.Tie {
	var out []network.Tie
	for _, t := range network.TiesFromAssertions(v.Assertions) {
		if !strings.HasPrefix(t.To, "class:") {
			out = append(out, t)
		}
	}
	return out
}

// FindCoding returns the coding of v whose id is ref or, failing that,
// the one coding whose id starts with ref (4 characters or more), as
// tables show ids shortened. An unknown ref is a *coding.UnknownError
// wrapping coding.ErrUnknownCoding; an ambiguous one a
// *coding.AmbiguousError naming the candidates.
func FindCoding(v *coding.View, ref string) (coding.Coding, error) {
	ids := make([]string, len(v.Codings))
	for i, cd := range v.Codings {
		ids[i] = cd.ID
	}
	id, err := coding.MatchID("coding", ids, ref, 4)
	if err != nil {
		return coding.Coding{}, err
	}
	for _, cd := range v.Codings {
		if id != "" && cd.ID == id {
			return cd, nil
		}
	}
	return coding.Coding{}, &coding.UnknownError{What: "coding", ID: ref, Err: coding.ErrUnknownCoding}
}

func itoa(n int) string { return strconv.Itoa(n) }

// CatchUp brings the project's graph and full-text index up to its record
// (project.Project.CatchUp), for a long-running process whose project is
// open shared.
func (s *Service) CatchUp(ctx context.Context) error { return s.p.CatchUp(ctx) }

// Changes returns a channel that receives the record's head when another
// server writes to the database of a project kept in PostgreSQL
// (project.Project.Changes), so that a long-running process catches up
// at once; nil for a local project.
func (s *Service) Changes(ctx context.Context) (<-chan record.Position, error) {
	return s.p.Changes(ctx)
}

// viewAndCodebook returns the projection's view (records only, or with the
// codings and mentions too) and the codebook, once ctx is not done: what
// most reads start from.
func (s *Service) viewAndCodebook(ctx context.Context, recordsOnly bool) (*coding.View, *coding.Codebook, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	v, err := s.p.View(recordsOnly)
	if err != nil {
		return nil, nil, err
	}
	cb, err := s.p.Codebook()
	if err != nil {
		return nil, nil, err
	}
	return v, cb, nil
}
