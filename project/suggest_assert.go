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
// fit its document). A suggestion by has rejected already (same id) is
// skipped; RejectAssertions returns the rejections it recorded, with
// coder and time set. On any error nothing is written.
func (p *Project) RejectAssertions(ctx context.Context, rs []coding.Rejection, by string) ([]coding.Rejection, error) {
	check := func(cb *coding.Codebook, v *coding.View) func(coding.Rejection) error {
		types := entityTypes(v)
		return func(r coding.Rejection) error {
			if r.Code != "" {
				return fmt.Errorf("reject suggestion %s: a suggested assertion has no code (%s)", r.ID, r.Code)
			}
			if _, ok := cb.Relation(r.Relation); !ok {
				return &coding.UnknownError{What: "relation", ID: r.Relation, Nearest: cb.NearestRelation(r.Relation, 3), Known: cb.RelationIDs(), Err: coding.ErrUnknownRelation}
			}
			for _, e := range []string{r.Subject, r.Object} {
				if _, ok := types[e]; !ok {
					return &coding.UnknownError{What: "entity", ID: e, Err: coding.ErrUnknownEntity}
				}
			}
			return nil
		}
	}
	return p.reject(ctx, rs, by, check, "suggest --assertions --reject", "suggested assertions")
}
