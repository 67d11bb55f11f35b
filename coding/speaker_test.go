package coding

import (
	"errors"
	"slices"
	"testing"
)

func TestSpeakerNames(t *testing.T) {
	n := NewSpeakerNames([]SpeakerAlias{
		{Alias: "受访者林", Name: "Lin"},
		{Alias: "Respondent  1", Name: "Wang"},
		{Alias: "Interviewer", Name: "Chen"},
		{Alias: "interviewer", Remove: true}, // removal ignores case
		{Alias: "Mr Lin", Name: "lin"},
	})
	tests := []struct {
		name          string
		label, merged string
		labels        []string
	}{
		{"Alias", "受访者林", "Lin", []string{"Lin", "Mr Lin", "受访者林"}},
		{"AliasCaseAndSpace", "respondent 1", "Wang", []string{"Wang", "Respondent  1"}},
		{"Removed", "Interviewer", "Interviewer", []string{"Interviewer"}},
		{"Name", "LIN", "LIN", []string{"LIN", "Mr Lin", "受访者林"}},
		{"Unknown", "Zhao", "Zhao", []string{"Zhao"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := n.Name(tt.label); got != tt.merged {
				t.Errorf("Name(%q) = %q, want %q", tt.label, got, tt.merged)
			}
			if got := n.Labels(tt.label); !slices.Equal(got, tt.labels) {
				t.Errorf("Labels(%q) = %q, want %q", tt.label, got, tt.labels)
			}
		})
	}
	var aliases []string
	for _, a := range n.List() {
		aliases = append(aliases, a.Alias)
	}
	if want := []string{"Mr Lin", "Respondent  1", "受访者林"}; !slices.Equal(aliases, want) {
		t.Errorf("List: %q, want %q", aliases, want)
	}
}

func TestSpeakerAliasEvent(t *testing.T) {
	tests := []struct {
		name string
		a    SpeakerAlias
		ok   bool
	}{
		{"OK", SpeakerAlias{Alias: "受访者林", Name: "Lin"}, true},
		{"OKRemove", SpeakerAlias{Alias: "受访者林", Remove: true}, true},
		{"ErrNoName", SpeakerAlias{Alias: "受访者林"}, false},
		{"ErrNoAlias", SpeakerAlias{Name: "Lin"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := tt.a
			e := &Event{Change: NewChange("ann", "speaker alias", ""), SpeakerAlias: &a}
			b, err := MarshalEvent(e)
			if !tt.ok {
				if !errors.Is(err, ErrBadEvent) {
					t.Fatalf("MarshalEvent: %v, want ErrBadEvent", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			back, err := UnmarshalEvent(b)
			if err != nil {
				t.Fatal(err)
			}
			if k, _ := back.Kind(); k != "speaker-alias" || *back.SpeakerAlias != a {
				t.Errorf("read back %s %+v, want speaker-alias %+v", k, back.SpeakerAlias, a)
			}
		})
	}
}
