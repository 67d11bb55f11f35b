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
	done := map[string]bool{}
	for _, r := range v.Rejections {
		if r.Coder == by {
			done[r.ID] = true
		}
	}
	var out []coding.Rejection
	spans := []*coding.Span{}
	for _, r := range rs {
		if r.ID == "" {
			return nil, fmt.Errorf("reject: suggestion without an id")
		}
		if err := cb.CheckCode(r.Code); err != nil {
			return nil, err
		}
		if done[r.ID] {
			continue
		}
		done[r.ID] = true
		out = append(out, r)
	}
	for i := range out {
		spans = append(spans, &out[i].Span)
	}
	if err := p.resolveSpans(ctx, spans); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, nil
	}
	ch := coding.NewChange(by, "suggest --reject", fmt.Sprintf("rejected %d suggestions", len(out)))
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
