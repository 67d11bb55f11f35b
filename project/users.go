package project

import (
	"context"
	"fmt"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/kg"
)

// Users returns the users of the project (see coding.User) and whether
// blind coding is on, from the graph's projection.
func (p *Project) Users() ([]coding.User, bool, error) {
	v, err := p.ViewOf(kg.PartUsers)
	if err != nil {
		return nil, false, err
	}
	return v.Users, v.Blind, nil
}

// ChangeUser records user change u, made by by, if check accepts it:
// check is called under the project's write lock with the users as they
// are then, so that two writers cannot both add the same name or both
// remove one of the last two owners. Its error is returned as it is.
func (p *Project) ChangeUser(ctx context.Context, by string, u coding.UserChange, check func(users []coding.User) error) error {
	defer p.lockWrite()()
	if err := ctx.Err(); err != nil {
		return err
	}
	users, _, err := p.Users()
	if err != nil {
		return err
	}
	if err := check(users); err != nil {
		return err
	}
	op, detail := "user add", fmt.Sprintf("%s (%s)", u.Name, u.Role)
	if u.Removed {
		op, detail = "user remove", u.Name
	}
	return p.commit(&coding.Event{Change: coding.NewChange(by, op, detail), User: &u})
}

// SetBlind switches blind coding on or off; it records nothing and
// reports false if it already was.
func (p *Project) SetBlind(ctx context.Context, by string, on bool) (changed bool, err error) {
	defer p.lockWrite()()
	if err := ctx.Err(); err != nil {
		return false, err
	}
	_, blind, err := p.Users()
	if err != nil || blind == on {
		return false, err
	}
	op := "blind off"
	if on {
		op = "blind on"
	}
	return true, p.commit(&coding.Event{Change: coding.NewChange(by, op, "blind coding "+op[len("blind "):]), Blind: &coding.BlindChange{On: on}})
}
