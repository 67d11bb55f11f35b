package server

import (
	"context"
	"errors"
	"fmt"

	"github.com/qualgraph/qualgraph/service"
)

// ProjectUsers is the Authenticator of the project's own users (qualgraph
// user add), for qualgraph serve.
func ProjectUsers(svc *service.Service) Authenticator { return projectUsers{svc} }

type projectUsers struct{ svc *service.Service }

func (a projectUsers) HasUsers(ctx context.Context) (bool, error) {
	us, err := a.svc.Users(ctx)
	return len(us) > 0, err
}

func (a projectUsers) Authenticate(ctx context.Context, token string) (Principal, error) {
	u, err := a.svc.Authenticate(ctx, token)
	if errors.Is(err, service.ErrBadToken) {
		return Principal{}, fmt.Errorf("%w: %v", ErrUnauthenticated, err)
	} else if err != nil {
		return Principal{}, err
	}
	return Principal{Name: u.Name, Role: string(u.Role)}, nil
}

// Authorize maps the route table's actions to the service's: creating is
// ActCode, changing what someone owns is ActChange (which a coder may do
// to their own only), the ontology is ActManage.
func (a projectUsers) Authorize(ctx context.Context, p Principal, action, owner string) error {
	var act service.Action
	switch action {
	case ActRead:
		act = service.ActRead
	case ActCode, ActAssert, ActMemo:
		act = service.ActCode
		if owner != "" {
			act = service.ActChange
		}
	case ActOwner:
		act = service.ActManage
	default:
		return fmt.Errorf("unknown action %q: %w", action, ErrForbidden)
	}
	err := a.svc.Authorize(ctx, user(p), act, owner)
	if errors.Is(err, service.ErrPermission) {
		return fmt.Errorf("%w: %v", ErrForbidden, err)
	}
	return err
}

func (a projectUsers) Visible(ctx context.Context, p Principal) (func(coder string) bool, error) {
	return a.svc.Visible(ctx, user(p)), nil
}

func user(p Principal) service.User {
	return service.User{Name: p.Name, Role: service.Role(p.Role)}
}
