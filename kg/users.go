package kg

import (
	"context"

	"github.com/cayleygraph/quad"

	"github.com/qualgraph/qualgraph/coding"
)

// Users and blind coding. A user change is recorded on its change node,
// labelled by it:
//
//	<qg:change/UUID> <qg:user> "NAME"
//	                 <qg:role> "ROLE", <qg:tokenSha> "HEX"   (an addition)
//	                 <qg:userRemoved> true                   (a removal)
//	<qg:change/UUID> <qg:blind> true|false                   (blind coding)
//
// View replays them in the order of their changes. In the projection
// (records.log) they are J lines of kind "user" (the user as added),
// "unuser" (ID the name removed) and "blind" (On), of PartUsers.
var (
	predUser        = quad.IRI("qg:user")
	predRole        = quad.IRI("qg:role")
	predTokenSHA    = quad.IRI("qg:tokenSha")
	predUserRemoved = quad.IRI("qg:userRemoved")
	predBlind       = quad.IRI("qg:blind")
)

// SetUser records user change u.
func (s *Store) SetUser(ch coding.Change, u coding.UserChange) error {
	n := changeIRI(ch.ID)
	qs := []quad.Quad{{Subject: n, Predicate: predUser, Object: quad.String(u.Name), Label: n}}
	if u.Removed {
		qs = append(qs, quad.Quad{Subject: n, Predicate: predUserRemoved, Object: quad.Bool(true), Label: n})
		return s.write(ch, qs, jsonLine(event{K: "unuser", ID: u.Name}))
	}
	qs = append(qs,
		quad.Quad{Subject: n, Predicate: predRole, Object: quad.String(u.Role), Label: n},
		quad.Quad{Subject: n, Predicate: predTokenSHA, Object: quad.String(u.TokenHash), Label: n})
	return s.write(ch, qs, userLine(coding.User{Name: u.Name, Role: u.Role, TokenHash: u.TokenHash, Added: ch.At, AddedBy: ch.By}))
}

// SetBlind records that blind coding is switched on or off.
func (s *Store) SetBlind(ch coding.Change, on bool) error {
	n := changeIRI(ch.ID)
	return s.write(ch, []quad.Quad{{Subject: n, Predicate: predBlind, Object: quad.Bool(on), Label: n}},
		blindLine(on))
}

func userLine(u coding.User) string { return jsonLine(event{K: "user", User: &u}) }
func blindLine(on bool) string      { return jsonLine(event{K: "blind", On: on}) }

// viewUsers replays the user and blind changes of the graph into v, whose
// Changes are read and in order.
func (s *Store) viewUsers(ctx context.Context, v *coding.View) error {
	users := map[string]*coding.UserChange{}
	blind := map[string]bool{}
	err := s.quads(ctx, quad.Predicate, predUser, func(q quad.Quad) error {
		id := idOf(q.Subject, nsChange)
		u := &coding.UserChange{Name: stringOf(q.Object)}
		users[id] = u
		return s.quads(ctx, quad.Subject, q.Subject, func(q quad.Quad) error {
			switch q.Predicate {
			case predRole:
				u.Role = stringOf(q.Object)
			case predTokenSHA:
				u.TokenHash = stringOf(q.Object)
			case predUserRemoved:
				u.Removed = boolOf(q.Object)
			}
			return nil
		})
	})
	if err != nil {
		return err
	}
	err = s.quads(ctx, quad.Predicate, predBlind, func(q quad.Quad) error {
		blind[idOf(q.Subject, nsChange)] = boolOf(q.Object)
		return nil
	})
	if err != nil || len(users) == 0 && len(blind) == 0 {
		return err
	}
	for _, ch := range v.Changes { // in order (Changes)
		if u := users[ch.ID]; u != nil {
			v.ApplyUser(ch, *u)
		}
		if on, ok := blind[ch.ID]; ok {
			v.Blind = on
		}
	}
	return nil
}

func boolOf(v quad.Value) bool {
	b, ok := v.(quad.Bool)
	return ok && bool(b)
}
