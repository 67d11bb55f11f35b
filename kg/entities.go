package kg

import (
	"slices"
	"strings"

	"github.com/cayleygraph/quad"

	"github.com/qualgraph/qualgraph/coding"
)

// Entity changes (coding.EntityChange): a rename, aliases, a merge or a
// removal. The graph only grows, so each adds quads to the entities'
// nodes, labelled with the change:
//
//	<qg:entity/ID> <qg:renamed> "TIME\tNAME"      a rename; the latest wins
//	<qg:entity/ID> <qg:alias> "ALIAS"             an alias (as at creation)
//	<qg:entity/OTHER> <qg:mergedInto> <qg:entity/ID>
//	<qg:entity/OTHER> <qg:removed> "TIME\tBY"     merged into ID, or removed
//	<qg:entity/ID> <qg:rel/R> <OBJECT> <qg:assertion/UUID>
//	                                              the direct edge of each
//	                                              assertion a merge moves to ID
//	<qg:assertion/UUID> <qg:retracted> ...        as a retraction writes it
//
// The assertion, mention and memo nodes keep the entity they were
// recorded with; readers (View, and the projection's replay) follow <qg:mergedInto>
// to the entity kept (settle). The projection keeps the change as one J
// line of kind "entity_change", after the lines of its retractions.
var (
	predRenamed    = quad.IRI("qg:renamed")
	predRemoved    = quad.IRI("qg:removed")
	predMergedInto = quad.IRI("qg:mergedInto")
)

// ChangeEntity records an entity change (see coding.EntityChange).
func (s *Store) ChangeEntity(ch coding.Change, c coding.EntityChange) error {
	l := changeIRI(ch.ID)
	n := entityIRI(c.ID)
	var qs []quad.Quad
	var lines []string
	if c.Name != "" {
		qs = append(qs, quad.Quad{Subject: n, Predicate: predRenamed, Object: quad.String(stamp(ch.At) + "\t" + escapeField(c.Name)), Label: l})
	}
	for _, a := range c.Aliases {
		qs = append(qs, quad.Quad{Subject: n, Predicate: predAlias, Object: quad.String(a), Label: l})
	}
	removed := quad.String(stamp(ch.At) + "\t" + escapeField(ch.By))
	for _, o := range c.Merge {
		qs = append(qs,
			quad.Quad{Subject: entityIRI(o), Predicate: predMergedInto, Object: n, Label: l},
			quad.Quad{Subject: entityIRI(o), Predicate: predRemoved, Object: removed, Label: l})
	}
	if c.Remove {
		qs = append(qs, quad.Quad{Subject: n, Predicate: predRemoved, Object: removed, Label: l})
	}
	for _, e := range c.Edges {
		qs = append(qs, quad.Quad{Subject: entityIRI(e.Subject), Predicate: relIRI(e.Relation), Object: objectIRI(e.Object), Label: assertionIRI(e.Assertion)})
	}
	for _, r := range c.Retract {
		qs = append(qs, retractQuad(ch, r.ID, r.Reason))
		lines = append(lines, jsonLine(event{K: "retract", ID: r.ID, Reason: r.Reason}))
	}
	lines = append(lines, jsonLine(event{K: "entity_change", Change: &ch, EntityChange: &c}))
	return s.write(ch, qs, lines...)
}

// entityChanges gathers the entity changes a reader meets, to apply them
// once every record is read (settle): mentions are read after the changes
// in the projection, and in any order from the graph.
type entityChanges struct {
	names   map[string]string   // entity -> its latest name
	aliases map[string][]string // entity -> aliases added
	into    map[string]string   // entity merged -> the entity it went into
	gone    map[string]coding.RemovedEntity
}

func (ec *entityChanges) init() {
	if ec.gone == nil {
		ec.names, ec.aliases, ec.into, ec.gone = map[string]string{}, map[string][]string{}, map[string]string{}, map[string]coding.RemovedEntity{}
	}
}

// add gathers change c, made by ch, in the record's order.
func (ec *entityChanges) add(ch coding.Change, c *coding.EntityChange) {
	ec.init()
	if c.Name != "" {
		ec.names[c.ID] = c.Name
	}
	ec.aliases[c.ID] = append(ec.aliases[c.ID], c.Aliases...)
	for _, o := range c.Merge {
		ec.into[o] = c.ID
		ec.gone[o] = coding.RemovedEntity{Into: c.ID, Change: ch.ID, By: ch.By, At: ch.At.UTC()}
	}
	if c.Remove {
		ec.gone[c.ID] = coding.RemovedEntity{Change: ch.ID, By: ch.By, At: ch.At.UTC()}
	}
}

// kept returns the entity that id was merged into, following merges of
// merges; id itself if it was not merged.
func (ec *entityChanges) kept(id string) string {
	for i := 0; i < len(ec.into); i++ { // a cycle cannot be recorded; bound it anyway
		next, ok := ec.into[id]
		if !ok {
			break
		}
		id = next
	}
	return id
}

// settle applies the gathered changes to v: names and aliases, mentions,
// assertions and memos moved to the entities kept, the mentions of removed
// entities dropped, and removed and merged entities moved from Entities
// to Removed.
func (ec *entityChanges) settle(v *coding.View) {
	if ec.gone == nil && len(ec.names) == 0 {
		return
	}
	ec.init()
	kept := v.Entities[:0]
	for _, e := range v.Entities {
		if n, ok := ec.names[e.ID]; ok {
			e.Name = n
		}
		if as := ec.aliases[e.ID]; len(as) > 0 {
			e.Aliases = slices.Compact(slices.Sorted(slices.Values(append(slices.Clip(e.Aliases), as...))))
		}
		if g, ok := ec.gone[e.ID]; ok {
			g.Entity = e
			v.Removed = append(v.Removed, g)
			continue
		}
		kept = append(kept, e)
	}
	v.Entities = kept
	if len(ec.gone) == 0 {
		return
	}
	ms := v.Mentions[:0]
	for _, m := range v.Mentions {
		m.Entity = ec.kept(m.Entity)
		if _, removed := ec.gone[m.Entity]; removed {
			continue
		}
		ms = append(ms, m)
	}
	v.Mentions = ms
	for i := range v.Assertions {
		a := &v.Assertions[i]
		a.Subject = ec.kept(a.Subject)
		a.Object = ec.kept(a.Object)
	}
	// Memos on a merged entity are the kept entity's.
	for i := range v.Memos {
		m := &v.Memos[i]
		if id, ok := strings.CutPrefix(m.Target, "entity:"); ok && ec.into[id] != "" {
			m.Target = "entity:" + ec.kept(id)
		}
	}
}

// touching returns the ids of the entities merged with one of ids (into
// it, or it into them, or both into a third), with ids: the ends that a
// replay keeping the assertions around ids must keep, since settle moves
// them to ids.
func (ec *entityChanges) touching(ids map[string]bool) map[string]bool {
	if len(ec.into) == 0 {
		return ids
	}
	out := make(map[string]bool, len(ids))
	keep := map[string]bool{}
	for id := range ids {
		out[id] = true
		keep[ec.kept(id)] = true
	}
	for o := range ec.into {
		if keep[ec.kept(o)] {
			out[o] = true
		}
	}
	for k := range keep {
		out[k] = true
	}
	return out
}

// retractQuad is the quad that retracts assertion id.
func retractQuad(ch coding.Change, id, reason string) quad.Quad {
	return quad.Quad{Subject: assertionIRI(id), Predicate: predRetracted,
		Object: quad.String(stamp(ch.At) + "\t" + escapeField(ch.By) + "\t" + escapeField(reason)), Label: changeIRI(ch.ID)}
}
