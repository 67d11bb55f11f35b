package project

import (
	"context"
	"fmt"
	"sync"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/internal/record"
	"github.com/qualgraph/qualgraph/kg"
)

// usersCache keeps the users as last read, with the positions of the
// projection and the record then: a server authenticates every request,
// and reading the users replays the projection's records.log.
type usersCache struct {
	mu        sync.Mutex
	read      bool
	proj, rec record.Position
	users     []coding.User
	blind     bool
}

// Users returns the users of the project (see coding.User) and whether
// blind coding is on, from the graph's projection and the record's tail,
// read again only when either has moved on. Callers must not change the
// slice.
func (p *Project) Users() ([]coding.User, bool, error) {
	proj, err := p.ProjectionPosition()
	if err != nil {
		return nil, false, err
	}
	head, err := p.RecordHead()
	if err != nil {
		return nil, false, err
	}
	c := &p.users
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.read && c.proj == proj && c.rec == head {
		return c.users, c.blind, nil
	}
	v, err := p.ViewOf(kg.PartUsers)
	if err != nil {
		return nil, false, err
	}
	c.read, c.proj, c.rec, c.users, c.blind = true, proj, head, v.Users, v.Blind
	return v.Users, v.Blind, nil
}

// ChangeUser records user change u, made by by, if check accepts it:
// check is called under the project's write lock with the users as they
// are then, so that two writers cannot both add the same name or both
// remove one of the last two owners. Its error is returned as it is.
func (p *Project) ChangeUser(ctx context.Context, by string, u coding.UserChange, check func(users []coding.User) error) error {
	unlock, err := p.lockWrite()
	if err != nil {
		return err
	}
	defer unlock()
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
	unlock, err := p.lockWrite()
	if err != nil {
		return false, err
	}
	defer unlock()
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
