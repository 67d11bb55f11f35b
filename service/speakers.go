package service

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/qualgraph/qualgraph/coding"
)

// SpeakerAliasOptions are the options of SpeakerAlias.
type SpeakerAliasOptions struct {
	Alias string // a speaker label of the documents' turns (with Remove: an alias)
	Name  string // the speaker it is merged into, the name kept
	// Remove undoes the alias Alias: its turns are its own speaker's again.
	Remove bool
}

// SpeakerAliased is what SpeakerAlias recorded.
type SpeakerAliased struct {
	coding.SpeakerAlias
	// Existing is set when Alias was an alias of Name already: nothing
	// was written.
	Existing bool
}

// SpeakerAlias merges the speaker label o.Alias into the speaker o.Name
// (or, with o.Remove, undoes that), as project.AliasSpeaker does: every
// filter, listing and analysis that names speakers then uses Name for
// the turns labelled Alias; the documents' text is not changed. A label
// that no turn has is a *coding.UnknownError wrapping ErrUnknownSpeaker
// that lists the speakers.
func (s *Service) SpeakerAlias(ctx context.Context, by string, o SpeakerAliasOptions) (*SpeakerAliased, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	a, existing, err := s.p.AliasSpeaker(ctx, coding.SpeakerAlias{Alias: o.Alias, Name: o.Name, Remove: o.Remove}, by)
	if err != nil {
		return nil, err
	}
	return &SpeakerAliased{SpeakerAlias: a, Existing: existing}, nil
}

// SpeakersOptions are the options of Speakers.
type SpeakersOptions struct {
	Docs []string // only these documents (ids or names); all if empty
}

// Speaker is one speaker of a project: the turns of a label and of the
// labels merged into it.
type Speaker struct {
	Name    string       `json:"name"`
	Aliases []string     `json:"aliases"` // labels merged into Name, sorted
	Turns   int          `json:"turns"`   // in all documents, aliases' turns too
	Docs    []SpeakerDoc `json:"docs"`    // by document name, then label
}

// SpeakerDoc counts a speaker's turns under one label in one document.
type SpeakerDoc struct {
	Doc     string `json:"doc"`      // the document's id
	DocName string `json:"doc_name"` // its name
	Label   string `json:"label"`    // the label as the document writes it
	Turns   int    `json:"turns"`
}

// Speakers lists the speakers of the documents' turns, aliases merged
// into the names they were given, sorted by name ignoring case. A name
// that labels were merged into but that labels no turn itself is listed
// too. An unknown document is a *coding.UnknownError wrapping
// coding.ErrUnknownDoc.
func (s *Service) Speakers(ctx context.Context, o SpeakersOptions) ([]Speaker, error) {
	only, err := s.resolveDocs(ctx, o.Docs)
	if err != nil {
		return nil, err
	}
	names, err := s.p.SpeakerNames()
	if err != nil {
		return nil, err
	}
	turns, err := s.p.SpeakerTurns(ctx)
	if err != nil {
		return nil, err
	}
	docNames, err := s.p.DocNames(ctx)
	if err != nil {
		return nil, err
	}
	byKey := map[string]*Speaker{}
	var out []*Speaker
	speaker := func(name string) *Speaker {
		k := coding.SpeakerKey(name)
		sp, ok := byKey[k]
		if !ok {
			sp = &Speaker{Name: name, Aliases: orEmpty(names.AliasesOf(name)), Docs: []SpeakerDoc{}}
			byKey[k] = sp
			out = append(out, sp)
		}
		return sp
	}
	for _, t := range turns {
		if len(only) > 0 && !slices.Contains(only, t.Doc) {
			continue
		}
		sp := speaker(names.Name(t.Label))
		sp.Turns += t.Turns
		sp.Docs = append(sp.Docs, SpeakerDoc{Doc: t.Doc, DocName: docNames[t.Doc], Label: t.Label, Turns: t.Turns})
	}
	if len(only) == 0 {
		for _, a := range names.List() {
			speaker(a.Name)
		}
	}
	res := make([]Speaker, len(out))
	for i, sp := range out {
		slices.SortFunc(sp.Docs, func(a, b SpeakerDoc) int {
			return cmp.Or(strings.Compare(a.DocName, b.DocName), strings.Compare(a.Doc, b.Doc), strings.Compare(a.Label, b.Label))
		})
		res[i] = *sp
	}
	slices.SortFunc(res, func(a, b Speaker) int {
		return cmp.Or(strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), strings.Compare(a.Name, b.Name))
	})
	return res, nil
}
