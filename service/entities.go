package service

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/qualgraph/qualgraph/coding"
)

// ErrLiveAssertions is wrapped by the error of RemoveEntity for an entity
// that is the subject or object of assertions not retracted.
var ErrLiveAssertions = errors.New("has assertions that are not retracted")

// EntityChanged is what an entity change did: the change recorded (zero
// if Unchanged), the entity as it is afterwards (as it was, for a
// removal), and for a merge the entities merged, the assertions and
// mentions moved and the aliases the kept entity gained. Retracted are
// the assertions the change retracted, with the reason.
type EntityChanged struct {
	Change    coding.Change
	Entity    coding.Entity
	Merged    []string
	Moved     int // assertions moved to the kept entity and not retracted
	Mentions  int // mentions moved to the kept entity, or removed with it
	Aliases   []string
	Retracted []coding.Retraction
	// Unchanged says that the change would change nothing (a rename to
	// the name the entity has, aliases it has): nothing was written.
	Unchanged bool
}

// RenameEntityOptions are the options of RenameEntity.
type RenameEntityOptions struct {
	Ref  string // an entity id or unique prefix
	Name string
}

// RenameEntity gives an entity a new name, as one recorded change; the
// id stays. An unknown ref is a *coding.UnknownError, an ambiguous one a
// *coding.AmbiguousError.
func (s *Service) RenameEntity(ctx context.Context, by string, o RenameEntityOptions) (*EntityChanged, error) {
	name := strings.TrimSpace(o.Name)
	if name == "" {
		return nil, fmt.Errorf("entity rename %s: the new name is empty", o.Ref)
	}
	res := &EntityChanged{}
	return s.changeEntity(ctx, by, "entity rename", res, func(v *coding.View) (*coding.EntityChange, string, error) {
		e, err := coding.FindEntityRef(v, o.Ref)
		if err != nil {
			return nil, "", err
		}
		res.Entity = e
		if e.Name == name {
			return nil, "", nil
		}
		res.Entity.Name = name
		return &coding.EntityChange{ID: e.ID, Name: name}, fmt.Sprintf("renamed entity %s from %q to %q", e.ID, e.Name, name), nil
	})
}

// AliasEntityOptions are the options of AliasEntity.
type AliasEntityOptions struct {
	Ref     string // an entity id or unique prefix
	Aliases []string
}

// AliasEntity gives an entity more names (which mention --auto finds), as
// one recorded change. Aliases it has, or its name, are left out; if none
// is left, nothing is written and the result is Unchanged.
func (s *Service) AliasEntity(ctx context.Context, by string, o AliasEntityOptions) (*EntityChanged, error) {
	res := &EntityChanged{}
	return s.changeEntity(ctx, by, "entity alias", res, func(v *coding.View) (*coding.EntityChange, string, error) {
		e, err := coding.FindEntityRef(v, o.Ref)
		if err != nil {
			return nil, "", err
		}
		res.Entity = e
		add := newNames(e, o.Aliases)
		if len(add) == 0 {
			return nil, "", nil
		}
		res.Aliases = add
		res.Entity.Aliases = slices.Compact(slices.Sorted(slices.Values(append(slices.Clip(e.Aliases), add...))))
		return &coding.EntityChange{ID: e.ID, Aliases: add}, fmt.Sprintf("entity %s: aliases %s", e.ID, strings.Join(add, ", ")), nil
	})
}

// newNames returns the names of names that e has neither as name nor as
// alias, trimmed, sorted and without repeats.
func newNames(e coding.Entity, names []string) []string {
	var out []string
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n != "" && n != e.Name && !slices.Contains(e.Aliases, n) {
			out = append(out, n)
		}
	}
	return slices.Compact(slices.Sorted(slices.Values(out)))
}

// MergeEntitiesOptions are the options of MergeEntities.
type MergeEntitiesOptions struct {
	Keep   string   // the entity kept: an id or unique prefix
	Others []string // the entities merged into it
}

// MergeEntities merges entities into the one kept, as one recorded
// change: afterwards their mentions, assertions and memos are the kept entity's
// in every reader, the kept entity has their names and aliases as
// aliases, and they are gone from the listings (Removed keeps them). An
// assertion that the merge makes a self-loop (kept -R-> kept), or a repeat
// of one the same coder asserts (same relation, ends, practice, phase,
// polarity, confidence and evidence), is retracted: an assertion the merge
// does not move stays, and of two it moves the older.
// A moved assertion that the kept entity's class does not allow (the
// relation's domain or range) refuses the merge.
func (s *Service) MergeEntities(ctx context.Context, by string, o MergeEntitiesOptions) (*EntityChanged, error) {
	if len(o.Others) == 0 {
		return nil, fmt.Errorf("entity merge %s: no entity to merge into it", o.Keep)
	}
	cb, err := s.p.Codebook()
	if err != nil {
		return nil, err
	}
	res := &EntityChanged{}
	ch, err := s.changeEntity(ctx, by, "entity merge", res, func(v *coding.View) (*coding.EntityChange, string, error) {
		keep, err := coding.FindEntityRef(v, o.Keep)
		if err != nil {
			return nil, "", err
		}
		into := map[string]bool{}
		var others []coding.Entity
		for _, ref := range o.Others {
			e, err := coding.FindEntityRef(v, ref)
			if err != nil {
				return nil, "", err
			}
			if e.ID == keep.ID {
				return nil, "", fmt.Errorf("entity merge: %s cannot be merged into itself", e.ID)
			}
			if !into[e.ID] {
				into[e.ID] = true
				others = append(others, e)
				res.Merged = append(res.Merged, e.ID)
			}
		}
		var names []string
		for _, e := range others {
			names = append(append(names, e.Name), e.Aliases...)
		}
		c := &coding.EntityChange{ID: keep.ID, Merge: res.Merged, Aliases: newNames(keep, names)}
		res.Aliases = c.Aliases
		res.Entity = keep
		res.Entity.Aliases = slices.Compact(slices.Sorted(slices.Values(append(slices.Clip(keep.Aliases), c.Aliases...))))
		moved := func(id string) string {
			if into[id] {
				return keep.ID
			}
			return id
		}
		types := map[string]string{}
		for _, e := range v.Entities {
			types[e.ID] = e.Type
		}
		// The assertions not retracted that the merge leaves alone,
		// then those it moves, in the order they were made.
		var live, touched []coding.Assertion
		for _, a := range v.Assertions {
			switch {
			case a.Retracted:
			case into[a.Subject] || into[a.Object]:
				a.Subject, a.Object = moved(a.Subject), moved(a.Object)
				touched = append(touched, a)
			default:
				live = append(live, a)
			}
		}
		what := fmt.Sprintf("merging %s into %s", strings.Join(res.Merged, ", "), keep.ID)
		for _, a := range touched {
			if a.Subject == a.Object {
				c.Retract = append(c.Retract, coding.Retraction{ID: a.ID, Reason: "a self-loop after " + what})
				continue
			}
			if i := slices.IndexFunc(live, func(b coding.Assertion) bool { return repeats(a, b) }); i >= 0 {
				c.Retract = append(c.Retract, coding.Retraction{ID: a.ID, Reason: "repeats assertion " + live[i].ID + " after " + what})
				continue
			}
			if err := cb.CheckAssertion(&a, func(id string) (string, bool) { t, ok := types[id]; return t, ok }); err != nil {
				return nil, "", fmt.Errorf("entity merge: assertion %s would become %s %s %s: %w", a.ID, a.Subject, a.Relation, a.Object, err)
			}
			live = append(live, a)
			c.Edges = append(c.Edges, coding.AssertionEdge{Assertion: a.ID, Subject: a.Subject, Relation: a.Relation, Object: a.Object})
		}
		for _, m := range v.Mentions {
			if into[m.Entity] {
				res.Mentions++
			}
		}
		res.Moved, res.Retracted = len(c.Edges), c.Retract
		detail := fmt.Sprintf("merged %s into entity %s (assertions moved: %d, retracted: %d; mentions moved: %d)",
			strings.Join(res.Merged, ", "), keep.ID, len(c.Edges), len(c.Retract), res.Mentions)
		return c, detail, nil
	})
	return ch, err
}

// repeats reports whether a states what b states, by the same coder with
// the same evidence (what Assert would refuse to write again).
func repeats(a, b coding.Assertion) bool {
	return a.Coder == b.Coder && a.Subject == b.Subject && a.Relation == b.Relation && a.Object == b.Object &&
		a.Practice == b.Practice && a.Phase == b.Phase && a.Polarity == b.Polarity &&
		a.Confidence == b.Confidence && slices.Equal(a.Evidence, b.Evidence)
}

// RemoveEntityOptions are the options of RemoveEntity.
type RemoveEntityOptions struct {
	Ref string // an entity id or unique prefix
	// Force retracts the entity's assertions that are not retracted;
	// without it, such assertions refuse the removal.
	Force bool
}

// RemoveEntity removes an entity, as one recorded change: it leaves the
// listings and analyses, its mentions go with it, and the change log and
// Removed keep it. An entity with assertions not retracted is refused
// with an error wrapping ErrLiveAssertions, unless Force, which retracts
// them in the same change.
func (s *Service) RemoveEntity(ctx context.Context, by string, o RemoveEntityOptions) (*EntityChanged, error) {
	res := &EntityChanged{}
	return s.changeEntity(ctx, by, "entity remove", res, func(v *coding.View) (*coding.EntityChange, string, error) {
		e, err := coding.FindEntityRef(v, o.Ref)
		if err != nil {
			return nil, "", err
		}
		res.Entity = e
		c := &coding.EntityChange{ID: e.ID, Remove: true}
		var ids []string
		for _, a := range v.Assertions {
			if !a.Retracted && (a.Subject == e.ID || a.Object == e.ID) {
				ids = append(ids, a.ID)
				c.Retract = append(c.Retract, coding.Retraction{ID: a.ID, Reason: "entity " + e.ID + " removed"})
			}
		}
		if len(ids) > 0 && !o.Force {
			short := make([]string, len(ids))
			for i, id := range ids {
				short[i] = id[:min(8, len(id))]
			}
			return nil, "", fmt.Errorf("entity remove %s: %w (%d: %s); retract them first, or remove with --force, which retracts them",
				e.ID, ErrLiveAssertions, len(ids), strings.Join(short, ", "))
		}
		res.Retracted = c.Retract
		res.Mentions = len(coding.MentionsOf(v, e.ID))
		return c, fmt.Sprintf("removed entity %s (%s; assertions retracted: %d, mentions removed: %d)", e.ID, e.Type, len(c.Retract), res.Mentions), nil
	})
}

// changeEntity records the change plan makes, filling res; a plan that
// returns no change makes res Unchanged.
func (s *Service) changeEntity(ctx context.Context, by, op string, res *EntityChanged, plan func(v *coding.View) (*coding.EntityChange, string, error)) (*EntityChanged, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ch, c, err := s.p.ChangeEntity(ctx, by, op, plan)
	if err != nil {
		return nil, err
	}
	if c == nil {
		res.Unchanged = true
		return res, nil
	}
	res.Change = ch
	return res, nil
}
