package server

import (
	"fmt"
	"strconv"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/coding/suggest"
	"github.com/qualgraph/qualgraph/service"
)

// The machine-assisted coding of one document: its suggested codings and
// suggested assertions (package service's Suggest and SuggestAssertions),
// as `qualgraph suggest --doc D --json` and `suggest --assertions --doc D
// --json` list them, and their accepting and rejecting. Accepting writes
// ordinary codings and assertions as the caller, marked as suggested, so
// it needs the permission to code (ActCode) or to assert (ActAssert), as
// POST /api/codings and /api/assertions do; so does rejecting, which is
// recorded as the caller's. In blind coding mode the model learns from
// the codings the caller may see, and only from those
// (service.SuggestOptions.Visible).

// SuggestionIDs names suggestions of a document to accept or reject.
// Unit is the unit the coding suggestions were made on (sentence, the
// default, or segment); it is ignored for assertions, which are always
// suggested on sentences.
type SuggestionIDs struct {
	IDs  []string `json:"ids"`
	Unit string   `json:"unit,omitempty"`
}

func (s *Server) suggestions(c *call) (any, error) {
	o := service.SuggestOptions{Codes: c.qs("code"), Docs: []string{c.r.PathValue("doc")}, Unit: c.q("unit"), Visible: c.c.visible}
	if v := c.q("min_score"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 || f > 1 {
			return nil, fmt.Errorf("min_score %q: want a number from 0 to 1: %w", v, ErrBadRequest)
		}
		o.MinScore = f
		if f == 0 {
			o.MinScore = -1 // the service's "no threshold"
		}
	}
	gs, err := s.svc.Suggest(c.ctx(), o)
	if err != nil {
		return nil, err
	}
	if gs == nil {
		gs = []service.Suggestion{}
	}
	return gs, nil
}

func (s *Server) suggestionIDs(c *call, what string) (*SuggestionIDs, error) {
	b := c.body.(*SuggestionIDs)
	if len(b.IDs) == 0 {
		return nil, fmt.Errorf("%s: name the suggestions (ids): %w", what, ErrBadRequest)
	}
	return b, nil
}

func (s *Server) acceptSuggestions(c *call) (any, error) {
	b, err := s.suggestionIDs(c, "accept")
	if err != nil {
		return nil, err
	}
	refs := service.SuggestionRefs{SuggestOptions: service.SuggestOptions{Docs: []string{c.r.PathValue("doc")}, Unit: b.Unit, Visible: c.c.visible}, IDs: b.IDs}
	cs, err := s.svc.AcceptSuggestions(c.ctx(), c.by(), refs)
	if err != nil {
		return nil, err
	}
	if cs == nil {
		cs = []coding.Coding{}
	}
	return cs, nil
}

func (s *Server) rejectSuggestions(c *call) (any, error) {
	b, err := s.suggestionIDs(c, "reject")
	if err != nil {
		return nil, err
	}
	refs := service.SuggestionRefs{SuggestOptions: service.SuggestOptions{Docs: []string{c.r.PathValue("doc")}, Unit: b.Unit, Visible: c.c.visible}, IDs: b.IDs}
	rs, err := s.svc.RejectSuggestions(c.ctx(), c.by(), refs)
	if err != nil {
		return nil, err
	}
	if rs == nil {
		rs = []coding.Rejection{}
	}
	return rs, nil
}

func (s *Server) assertionSuggestions(c *call) (any, error) {
	ps, err := s.svc.SuggestAssertions(c.ctx(), service.AssertSuggestOptions{Docs: []string{c.r.PathValue("doc")}, Visible: c.c.visible})
	if err != nil {
		return nil, err
	}
	if ps == nil {
		ps = []suggest.Proposal{}
	}
	return ps, nil
}

func (s *Server) acceptAssertionSuggestions(c *call) (any, error) {
	b, err := s.suggestionIDs(c, "accept")
	if err != nil {
		return nil, err
	}
	as, err := s.svc.AcceptAssertionSuggestions(c.ctx(), c.by(), service.AssertSuggestOptions{Docs: []string{c.r.PathValue("doc")}, Visible: c.c.visible}, b.IDs)
	if err != nil {
		return nil, err
	}
	out := make([]AssertResult, len(as))
	for i, a := range as {
		out[i] = AssertResult{a.Assertion, a.Existing}
	}
	return out, nil
}

func (s *Server) rejectAssertionSuggestions(c *call) (any, error) {
	b, err := s.suggestionIDs(c, "reject")
	if err != nil {
		return nil, err
	}
	rs, err := s.svc.RejectAssertionSuggestions(c.ctx(), c.by(), service.AssertSuggestOptions{Docs: []string{c.r.PathValue("doc")}, Visible: c.c.visible}, b.IDs)
	if err != nil {
		return nil, err
	}
	if rs == nil {
		rs = []coding.Rejection{}
	}
	return rs, nil
}
