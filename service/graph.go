package service

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/kg"
)

// LinksOptions are the options of Links.
type LinksOptions struct {
	// Filter selects the assertions; its Attrs hold canonical values
	// (corpus.ParseAttr gives them).
	Filter coding.LinkFilter
	// Quotes asks for the text of each evidence span; without it the
	// evidence's Text is empty.
	Quotes bool
}

// linksCache keeps the last links that Links found without a filter by
// document attributes: a long-running process (the workbench) asks for
// the same links again and again while the project does not change, and
// finding them in 20,000 assertions costs tens of milliseconds. The view
// and the codebook that the project hands out are new whenever the
// project changes, so they key the links.
type linksCache struct {
	mu    sync.Mutex
	key   linksKey
	links []coding.Link
}

type linksKey struct {
	v      *coding.View
	cb     *coding.Codebook
	filter [6]string // LinkFilter but for Attrs
	quotes bool
}

// Links aggregates the assertions that are not retracted and pass the
// filter by (subject, relation, object), most assertions first. The
// result may be the one an earlier call returned (while the project has
// not changed): callers must not change it.
func (s *Service) Links(ctx context.Context, o LinksOptions) ([]coding.Link, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	cb, err := s.p.Codebook()
	if err != nil {
		return nil, err
	}
	if err := o.Filter.Check(cb); err != nil {
		return nil, err
	}
	v, err := s.p.ViewOf(kg.PartEntities | kg.PartAssertions)
	if err != nil {
		return nil, err
	}
	f := o.Filter
	key := linksKey{v, cb, [6]string{f.From, f.To, f.Relation, f.Practice, f.Phase, f.Coder}, o.Quotes}
	if len(f.Attrs) == 0 {
		s.links.mu.Lock()
		links, at := s.links.links, s.links.key
		s.links.mu.Unlock()
		if links != nil && at == key {
			return links, nil
		}
	}
	var docAttrs func(string) map[string]string
	if len(o.Filter.Attrs) > 0 {
		all, err := s.p.DocAttrs(ctx)
		if err != nil {
			return nil, err
		}
		docAttrs = func(doc string) map[string]string { return all[doc] }
	}
	q := s.p.EvidenceQuoter()
	var quote func(coding.Span) string
	if o.Quotes {
		quote = q.Quote
	}
	links := coding.Links(v, cb, o.Filter, docAttrs, quote)
	if err := q.Err(); err != nil {
		return nil, err
	}
	if len(f.Attrs) == 0 {
		s.links.mu.Lock()
		s.links.links, s.links.key = links, key
		s.links.mu.Unlock()
	}
	return links, nil
}

// NeighborsOptions are the options of Neighbors.
type NeighborsOptions struct {
	Entity string
	Depth  int // at most this many steps, 1 or more
}

// Neighbors returns the entities within Depth steps of Entity, over
// assertions in either direction.
func (s *Service) Neighbors(ctx context.Context, o NeighborsOptions) ([]coding.Neighbor, error) {
	if o.Depth < 1 {
		return nil, &OptionError{Option: "depth", Value: itoa(o.Depth), Want: "1 or more"}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	v, err := s.p.NeighborhoodView(o.Entity, o.Depth)
	if err != nil {
		return nil, err
	}
	return coding.Neighbors(v, o.Entity, o.Depth)
}

// PathOptions are the options of Path.
type PathOptions struct {
	From, To string // entities
}

// Path returns a shortest chain of assertions from one entity to another.
func (s *Service) Path(ctx context.Context, o PathOptions) ([]coding.Step, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	v, err := s.p.ViewOf(kg.PartEntities | kg.PartAssertions)
	if err != nil {
		return nil, err
	}
	return coding.ShortestPath(v, o.From, o.To)
}

// QueryOptions are the options of Query.
type QueryOptions struct {
	Script string // a read-only Gizmo query
	Limit  int    // at most this many results; 0: all
}

// Query runs a read-only Gizmo query on the graph. It stops when ctx is
// done: give it a deadline.
func (s *Service) Query(ctx context.Context, o QueryOptions) ([]any, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []any
	err := s.p.ReadGraph(func(g *kg.Store) error {
		var err error
		out, err = g.Query(ctx, o.Script, o.Limit)
		return err
	})
	return out, err
}

// CodingsOptions are the options of Codings.
type CodingsOptions struct {
	Doc   string // only codings of this document (id or name)
	Code  string // only codings with this code or one of its subclasses
	Coder string // only codings by this coder
}

// QuotedCoding is a coding with its document's name and its text.
type QuotedCoding struct {
	coding.Coding
	DocName string
	Text    string // the exact text of [Start, End)
}

// Codings lists the codings that o selects, with their text, sorted by
// document name, span and code. An unknown document is a
// *coding.UnknownError wrapping coding.ErrUnknownDoc.
func (s *Service) Codings(ctx context.Context, o CodingsOptions) ([]QuotedCoding, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	v, err := s.p.View(false)
	if err != nil {
		return nil, err
	}
	cs := v.Codings
	if o.Code != "" {
		cb, err := s.p.Codebook()
		if err != nil {
			return nil, err
		}
		if err := cb.CheckCode(o.Code); err != nil {
			return nil, err
		}
		cs = coding.CodingsUnder(v, cb, o.Code)
	}
	names, err := s.p.DocNames(ctx)
	if err != nil {
		return nil, err
	}
	docID := ""
	if o.Doc != "" {
		ids, err := s.resolveDocs(ctx, []string{o.Doc})
		if err != nil {
			return nil, err
		}
		docID = ids[0]
	}
	var sel []coding.Coding
	for _, cd := range cs {
		if (docID == "" || cd.Doc == docID) && (o.Coder == "" || cd.Coder == o.Coder) {
			sel = append(sel, cd)
		}
	}
	slices.SortStableFunc(sel, func(a, b coding.Coding) int {
		return cmp.Or(strings.Compare(names[a.Doc], names[b.Doc]), strings.Compare(a.Doc, b.Doc),
			cmp.Compare(a.Start, b.Start), cmp.Compare(a.End, b.End), strings.Compare(a.Code, b.Code))
	})
	texts := s.p.Quoter()
	out := make([]QuotedCoding, len(sel))
	for i, cd := range sel {
		text, err := texts.Span(cd.Span)
		if err != nil {
			return nil, err
		}
		out[i] = QuotedCoding{Coding: cd, DocName: names[cd.Doc], Text: text}
	}
	return out, nil
}
