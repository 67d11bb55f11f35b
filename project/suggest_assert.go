package project

import (
	"context"
	"fmt"

	"github.com/qualgraph/qualgraph/coding"
)

// RejectAssertions records that coder by rejected suggested assertions,
// in one entry, as Reject does for suggested codings: each rejection
// names its statement (Subject, Relation, Object: known entities and a
// relation of the codebook; no Code) and its evidence (Span, which must
// fit its document). A suggestion rejected already, by anyone (same
// id), is skipped; RejectAssertions returns the rejections it recorded,
// with coder and time set. On any error nothing is written.
func (p *Project) RejectAssertions(ctx context.Context, rs []coding.Rejection, by string) ([]coding.Rejection, error) {
	unlock, err := p.lockWrite()
	if err != nil {
		return nil, err
	}
	defer unlock()
	cb, err := p.Codebook()
	if err != nil {
		return nil, err
	}
	v, err := p.View(true)
	if err != nil {
		return nil, err
	}
	types := entityTypes(v)
	done := map[string]bool{}
	for _, r := range v.Rejections {
		done[r.ID] = true
	}
	var out []coding.Rejection
	for _, r := range rs {
		switch {
		case r.ID == "":
			return nil, fmt.Errorf("reject: suggestion without an id")
		case r.Code != "":
			return nil, fmt.Errorf("reject suggestion %s: a suggested assertion has no code (%s)", r.ID, r.Code)
		}
		if _, ok := cb.Relation(r.Relation); !ok {
			return nil, &coding.UnknownError{What: "relation", ID: r.Relation, Nearest: cb.NearestRelation(r.Relation, 3), Known: cb.RelationIDs(), Err: coding.ErrUnknownRelation}
		}
		for _, e := range []string{r.Subject, r.Object} {
			if _, ok := types[e]; !ok {
				return nil, &coding.UnknownError{What: "entity", ID: e, Err: coding.ErrUnknownEntity}
			}
		}
		if done[r.ID] {
			continue
		}
		done[r.ID] = true
		out = append(out, r)
	}
	spans := make([]*coding.Span, len(out))
	for i := range out {
		spans[i] = &out[i].Span
	}
	if err := p.resolveSpans(ctx, spans); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, nil
	}
	ch := coding.NewChange(by, "suggest --assertions --reject", fmt.Sprintf("rejected %d suggested assertions", len(out)))
	for i := range out {
		out[i].Coder, out[i].Created = by, ch.At
	}
	return out, p.commit(&coding.Event{Change: ch, Rejections: out})
}
