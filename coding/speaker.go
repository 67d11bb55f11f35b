package coding

import (
	"sort"
	"strings"
)

// SpeakerAlias merges the turns labelled Alias into the speaker Name, or,
// with Remove, undoes that: an event of the record (Event.SpeakerAlias).
// The documents' text and segments keep the label as written; filters,
// listings and analyses that name speakers use Name.
type SpeakerAlias struct {
	Alias  string `json:"alias"`
	Name   string `json:"name,omitempty"`
	Remove bool   `json:"remove,omitempty"`
}

// SpeakerKey folds a speaker's name for comparison: speakers are compared
// ignoring case and runs of white space, as search compares them.
func SpeakerKey(name string) string {
	return strings.ToLower(strings.Join(strings.Fields(name), " "))
}

// SpeakerNames maps the aliases of a project's speakers to the names they
// are merged into. The zero value has no aliases.
type SpeakerNames struct {
	byAlias map[string]SpeakerAlias // by SpeakerKey(Alias)
}

// NewSpeakerNames returns the names of the aliases as (a View's
// SpeakerAliases); a later alias of the same label replaces an earlier one.
func NewSpeakerNames(as []SpeakerAlias) SpeakerNames {
	n := SpeakerNames{byAlias: make(map[string]SpeakerAlias, len(as))}
	for _, a := range as {
		if a.Remove {
			delete(n.byAlias, SpeakerKey(a.Alias))
		} else {
			n.byAlias[SpeakerKey(a.Alias)] = a
		}
	}
	return n
}

// Name returns the name speaker label is merged into, or label itself if
// it is no alias.
func (n SpeakerNames) Name(label string) string {
	if a, ok := n.byAlias[SpeakerKey(label)]; ok {
		return a.Name
	}
	return label
}

// Alias returns the alias of label, if it is one.
func (n SpeakerNames) Alias(label string) (SpeakerAlias, bool) {
	a, ok := n.byAlias[SpeakerKey(label)]
	return a, ok
}

// Labels returns the labels whose turns are those of speaker: the name
// speaker is merged into, then its aliases, sorted.
func (n SpeakerNames) Labels(speaker string) []string {
	name := n.Name(speaker)
	return append([]string{name}, n.AliasesOf(name)...)
}

// AliasesOf returns the aliases merged into name, sorted.
func (n SpeakerNames) AliasesOf(name string) []string {
	var out []string
	key := SpeakerKey(name)
	for _, a := range n.byAlias {
		if SpeakerKey(a.Name) == key {
			out = append(out, a.Alias)
		}
	}
	sort.Strings(out)
	return out
}

// List returns the aliases, sorted by alias.
func (n SpeakerNames) List() []SpeakerAlias {
	out := make([]SpeakerAlias, 0, len(n.byAlias))
	for _, a := range n.byAlias {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Alias < out[j].Alias })
	return out
}
