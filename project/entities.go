package project

import (
	"context"

	"github.com/qualgraph/qualgraph/coding"
)

// EntityPlan decides an entity change from the project's records as they
// are under the write lock: the change, and the detail the change log
// gives it. It returns an error to write nothing.
type EntityPlan func(v *coding.View) (c *coding.EntityChange, detail string, err error)

// ChangeEntity records the entity change that plan makes of the records
// (codings and mentions too) as one entry of the record, op ("entity
// rename", "entity merge", …) naming it in the change log. It returns the
// change as recorded; if plan returns no change and no error, nothing is
// written and the change returned is nil.
func (p *Project) ChangeEntity(ctx context.Context, by, op string, plan EntityPlan) (coding.Change, *coding.EntityChange, error) {
	unlock, err := p.lockWrite()
	if err != nil {
		return coding.Change{}, nil, err
	}
	defer unlock()
	if err := ctx.Err(); err != nil {
		return coding.Change{}, nil, err
	}
	v, err := p.View(false)
	if err != nil {
		return coding.Change{}, nil, err
	}
	c, detail, err := plan(v)
	if err != nil || c == nil {
		return coding.Change{}, nil, err
	}
	ch := coding.NewChange(by, op, detail)
	if err := p.commit(&coding.Event{Change: ch, EntityChange: c}); err != nil {
		return coding.Change{}, nil, err
	}
	return ch, c, nil
}
