package project

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/kg"
)

// SpeakerNames returns the project's speaker aliases in force, as the
// record holds them (see coding.SpeakerNames).
func (p *Project) SpeakerNames() (coding.SpeakerNames, error) {
	v, err := p.ViewOf(kg.PartSpeakers)
	if err != nil {
		return coding.SpeakerNames{}, err
	}
	return coding.NewSpeakerNames(v.SpeakerAliases), nil
}

// SpeakerTurns counts the turns labelled Label in document Doc.
type SpeakerTurns struct {
	Label string
	Doc   string // the document's id
	Turns int
}

// SpeakerTurns returns the turns of each speaker label in each document,
// in the order of the documents and of each label's first turn. Labels
// that differ only in case or spacing count as one, spelled as first seen.
func (p *Project) SpeakerTurns(ctx context.Context) ([]SpeakerTurns, error) {
	docs, err := p.Documents(ctx)
	if err != nil {
		return nil, err
	}
	spelled := map[string]string{}
	var out []SpeakerTurns
	for _, d := range docs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		full, err := p.Document(ctx, d.ID)
		if err != nil {
			return nil, err
		}
		at := map[string]int{}
		for _, sg := range full.Segments {
			if sg.Speaker == "" {
				continue
			}
			key := coding.SpeakerKey(sg.Speaker)
			if _, ok := spelled[key]; !ok {
				spelled[key] = sg.Speaker
			}
			i, ok := at[key]
			if !ok {
				i = len(out)
				at[key] = i
				out = append(out, SpeakerTurns{Label: spelled[key], Doc: d.ID})
			}
			out[i].Turns++
		}
	}
	return out, nil
}

// speakerLabels returns the distinct speaker labels of the documents'
// turns, by coding.SpeakerKey.
func (p *Project) speakerLabels(ctx context.Context) (map[string]string, error) {
	turns, err := p.SpeakerTurns(ctx)
	if err != nil {
		return nil, err
	}
	labels := map[string]string{}
	for _, t := range turns {
		labels[coding.SpeakerKey(t.Label)] = t.Label
	}
	return labels, nil
}

// AliasSpeaker records, as user by, that the turns labelled a.Alias are
// those of speaker a.Name or, with a.Remove, that they no longer are.
// Labels and names are compared ignoring case and spacing; the alias is
// recorded as the documents spell it. It returns the alias as recorded
// and whether it was so already (then nothing is written). A label that
// no turn has, or with Remove an alias that is not one, is a
// *coding.UnknownError wrapping coding.ErrUnknownSpeaker that lists the
// speakers (the aliases); a name that is itself an alias, an alias that
// other labels are merged into, or an alias of itself is an error.
func (p *Project) AliasSpeaker(ctx context.Context, a coding.SpeakerAlias, by string) (coding.SpeakerAlias, bool, error) {
	unlock, err := p.lockWrite()
	if err != nil {
		return a, false, err
	}
	defer unlock()
	a.Alias, a.Name = strings.TrimSpace(a.Alias), strings.TrimSpace(a.Name)
	if a.Alias == "" {
		return a, false, fmt.Errorf("speaker alias: no speaker given")
	}
	names, err := p.SpeakerNames()
	if err != nil {
		return a, false, err
	}
	if a.Remove {
		cur, ok := names.Alias(a.Alias)
		if !ok {
			var known []string
			for _, x := range names.List() {
				known = append(known, x.Alias)
			}
			return a, false, &coding.UnknownError{What: "speaker alias", ID: a.Alias, Known: known, Err: coding.ErrUnknownSpeaker}
		}
		a = coding.SpeakerAlias{Alias: cur.Alias, Remove: true}
		ch := coding.NewChange(by, "speaker unalias", fmt.Sprintf("%s is no longer %s", cur.Alias, cur.Name))
		return a, false, p.commit(&coding.Event{Change: ch, SpeakerAlias: &a})
	}
	if a.Name == "" {
		return a, false, fmt.Errorf("speaker alias %q: the name to merge it into is empty", a.Alias)
	}
	labels, err := p.speakerLabels(ctx)
	if err != nil {
		return a, false, err
	}
	label, ok := labels[coding.SpeakerKey(a.Alias)]
	if !ok {
		known := make([]string, 0, len(labels))
		for _, l := range labels {
			known = append(known, l)
		}
		slices.Sort(known)
		return a, false, &coding.UnknownError{What: "speaker", ID: a.Alias, Known: known, Err: coding.ErrUnknownSpeaker}
	}
	a.Alias = label
	if l, ok := labels[coding.SpeakerKey(a.Name)]; ok {
		a.Name = l
	}
	switch {
	case coding.SpeakerKey(a.Alias) == coding.SpeakerKey(a.Name):
		return a, false, fmt.Errorf("speaker alias %q: a speaker cannot be an alias of itself", a.Alias)
	case len(names.AliasesOf(a.Alias)) > 0:
		return a, false, fmt.Errorf("speaker alias %q: %s are aliases of it; alias them to %q first (qualgraph speaker alias)",
			a.Alias, strings.Join(names.AliasesOf(a.Alias), ", "), a.Name)
	}
	if cur, ok := names.Alias(a.Name); ok {
		return a, false, fmt.Errorf("speaker alias %q: %q is itself an alias of %q; alias %q to %q instead", a.Alias, cur.Alias, cur.Name, a.Alias, cur.Name)
	}
	if cur, ok := names.Alias(a.Alias); ok && coding.SpeakerKey(cur.Name) == coding.SpeakerKey(a.Name) {
		return cur, true, nil
	}
	ch := coding.NewChange(by, "speaker alias", fmt.Sprintf("%s is %s", a.Alias, a.Name))
	return a, false, p.commit(&coding.Event{Change: ch, SpeakerAlias: &a})
}
