package kg

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"time"

	"github.com/cayleygraph/quad"

	"github.com/qualgraph/qualgraph/coding"
)

// Speaker aliases. A speaker label is a node <qg:speaker/KEY> (KEY the
// path-escaped coding.SpeakerKey of the label) of type <qg:Speaker>; each
// alias set or removed adds a <qg:aliasOf> literal "TIME\tJSON", JSON the
// coding.SpeakerAlias, and the latest one holds.
const nsSpeaker = "qg:speaker/"

var (
	classSpeaker = quad.IRI("qg:Speaker")
	predAliasOf  = quad.IRI("qg:aliasOf")
)

func speakerIRI(label string) quad.IRI {
	return quad.IRI(nsSpeaker + url.PathEscape(coding.SpeakerKey(label)))
}

// AliasSpeaker records that the turns of speaker label a.Alias are those
// of a.Name or, with a.Remove, no longer are.
func (s *Store) AliasSpeaker(ch coding.Change, a coding.SpeakerAlias) error {
	n, l := speakerIRI(a.Alias), changeIRI(ch.ID)
	js, err := json.Marshal(a)
	if err != nil {
		return err
	}
	return s.write(ch, []quad.Quad{
		{Subject: n, Predicate: predType, Object: classSpeaker, Label: l},
		{Subject: n, Predicate: predAliasOf, Object: quad.String(stamp(ch.At) + "\t" + string(js)), Label: l},
	}, jsonLine(event{K: "alias", Alias: &a}))
}

// viewSpeakers reads the speaker aliases in force into v.
func (s *Store) viewSpeakers(ctx context.Context, v *coding.View) error {
	nodes, err := s.subjects(ctx, classSpeaker)
	if err != nil {
		return err
	}
	var latest []coding.SpeakerAlias
	for _, n := range nodes {
		var cur coding.SpeakerAlias
		var curAt time.Time
		curJS, seen := "", false
		err := s.quads(ctx, quad.Subject, n, func(q quad.Quad) error {
			if q.Predicate != predAliasOf {
				return nil
			}
			at, js, err := parseStamped(stringOf(q.Object))
			if err != nil {
				return fmt.Errorf("%s: %w", q.Subject, err)
			}
			if seen && !later(at, js, curAt, curJS) {
				return nil
			}
			var a coding.SpeakerAlias
			if err := json.Unmarshal([]byte(js), &a); err != nil {
				return fmt.Errorf("%s: speaker alias %q: %w", q.Subject, js, err)
			}
			cur, curAt, curJS, seen = a, at, js, true
			return nil
		})
		if err != nil {
			return err
		}
		if seen && !cur.Remove {
			latest = append(latest, cur)
		}
	}
	if len(latest) > 0 {
		v.SpeakerAliases = coding.NewSpeakerNames(latest).List()
	}
	return nil
}
