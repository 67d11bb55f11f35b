package project

import (
	"context"
	"fmt"

	"github.com/qualgraph/qualgraph/coding"
)

// Reject records that coder by rejected machine suggestions, in one
// entry: each suggestion's span must fit its document and its code be in
// the codebook. A suggestion that by has rejected already (same id) is
// skipped; Reject returns the rejections it recorded, with coder and
// time set. On any error nothing is written.
func (p *Project) Reject(ctx context.Context, rs []coding.Rejection, by string) ([]coding.Rejection, error) {
	check := func(cb *coding.Codebook, _ *coding.View) func(coding.Rejection) error {
		return func(r coding.Rejection) error { return cb.CheckCode(r.Code) }
	}
	return p.reject(ctx, rs, by, check, "suggest --reject", "suggestions")
}

// reject records rs as coder by's rejections in one entry, each checked
// by what check returns for the codebook and the latest view, and their
// spans resolved. A suggestion by has rejected already (same id) is
// skipped: a rejection by someone else does not count, since in blind
// coding mode by may not see it and is offered the suggestion again.
func (p *Project) reject(ctx context.Context, rs []coding.Rejection, by string, check func(*coding.Codebook, *coding.View) func(coding.Rejection) error, command, what string) ([]coding.Rejection, error) {
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
	ok := check(cb, v)
	done := map[string]bool{}
	for _, r := range v.Rejections {
		if r.Coder == by {
			done[r.ID] = true
		}
	}
	var out []coding.Rejection
	for _, r := range rs {
		if r.ID == "" {
			return nil, fmt.Errorf("reject: suggestion without an id")
		}
		if err := ok(r); err != nil {
			return nil, err
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
	ch := coding.NewChange(by, command, fmt.Sprintf("rejected %d %s", len(out), what))
	for i := range out {
		out[i].Coder, out[i].Created = by, ch.At
	}
	return out, p.commit(&coding.Event{Change: ch, Rejections: out})
}

// DocUnits returns the units of kind k (UnitSentence or UnitSegment) of
// document id, in text order, with the document's text: the sentences of
// its segments, or the segments' bodies (a turn without its speaker
// label), as auto-coding finds them. A unit that is only white space is
// left out.
func (p *Project) DocUnits(id string, k Unit) ([]coding.Range, string, error) {
	if k != UnitSentence && k != UnitSegment {
		return nil, "", fmt.Errorf("units of document %s: unit %q is not sentence or segment", id, k)
	}
	u, err := p.loadUnits(id)
	if err != nil {
		return nil, "", err
	}
	var out []coding.Range
	for i, sg := range u.segs {
		seg := u.text[u.bytes[2*i]:u.bytes[2*i+1]]
		if k == UnitSegment {
			if b := coding.Body(seg, sg.Start, sg.Speaker); b.End > b.Start {
				out = append(out, b)
			}
			continue
		}
		for _, r := range coding.Sentences(seg, sg.Start, sg.Speaker) {
			if r.End > r.Start {
				out = append(out, r)
			}
		}
	}
	return out, u.text, nil
}
