package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestEntityChanges checks entity rename, alias, merge and remove from the
// command line: what each says, what the listings, links, Gizmo and the
// change log show afterwards, entity show of a merged or removed entity,
// and that check passes.
func TestEntityChanges(t *testing.T) {
	dir := newDemo(t)
	_, chenText := codingDoc(t, dir, chenDoc)
	start, end := phraseSpan(t, chenText, chenFundingSentence)
	span := fmt.Sprintf("%s:%d-%d", chenDoc, start, end)
	must(t, dir, "entity", "add", "bureau", "--type", "LocalGovernment", "--name", "Science Bureau")
	must(t, dir, "entity", "add", "chen", "--type", "SpinoffFounder", "--name", "Chen")
	must(t, dir, "entity", "add", "hao", "--type", "SpinoffFounder", "--name", "Chen Hao")
	must(t, dir, "assert", "bureau", "funds", "hao", "--evidence", span)
	must(t, dir, "mention", fmt.Sprintf("%s:%d-%d", chenDoc, start+4, start+18), "bureau")

	tests := []struct {
		name string
		args []string
		code int
		want string // in stdout, or in stderr if code is not 0
	}{
		{"Rename", []string{"entity", "rename", "bur", "Jinlan Science Bureau"}, 0, `Renamed entity bureau to “Jinlan Science Bureau”`},
		{"RenameAgain", []string{"entity", "rename", "bureau", "Jinlan Science Bureau"}, 0, "already named"},
		{"Alias", []string{"entity", "alias", "bureau", "the Bureau", "Science Bureau"}, 0, "added 2 aliases (Science Bureau, the Bureau)"},
		{"MergeUnknown", []string{"entity", "merge", "chen", "nobody"}, exitInput, "unknown entity"},
		{"Merge", []string{"entity", "merge", "chen", "hao"}, 0, "Merged hao into chen: 1 assertion and 0 mentions moved; new aliases: Chen Hao"},
		{"ShowMerged", []string{"entity", "show", "hao"}, 0, "merged into chen by tester at "},
		{"AddMergedID", []string{"entity", "add", "hao", "--type", "SpinoffFounder"}, exitInput, "it was removed or merged"},
		{"RemoveRefused", []string{"entity", "remove", "bureau"}, exitInput, "has assertions that are not retracted (1: "},
		{"RemoveForced", []string{"entity", "remove", "bureau", "--force", "--coder", "ann"}, 0,
			"Removed entity bureau (LocalGovernment) with its 1 mention; 1 assertion retracted; the change log keeps it"},
		{"ShowRemoved", []string{"entity", "show", "bureau"}, 0, "removed by ann at "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantOutput(t, dir, tc.args, tc.code, false, tc.want)
			if tc.name == "Merge" {
				// Between the merge and the removal: links and Gizmo show
				// the kept entity.
				var links []struct{ Subject, Relation, Object string }
				if err := json.Unmarshal([]byte(must(t, dir, "links", "--json")), &links); err != nil {
					t.Fatal(err)
				}
				if len(links) != 1 || links[0].Subject != "bureau" || links[0].Object != "chen" {
					t.Errorf("links after the merge: %+v", links)
				}
				if out := must(t, dir, "query", `g.V("<qg:entity/bureau>").Out("<qg:rel/funds>").All()`); !strings.Contains(out, "<qg:entity/chen>") {
					t.Errorf("Gizmo after the merge:\n%s", out)
				}
			}
		})
	}

	var list []struct {
		ID      string   `json:"id"`
		Name    string   `json:"name"`
		Aliases []string `json:"aliases"`
	}
	if err := json.Unmarshal([]byte(must(t, dir, "entity", "list", "--json")), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].ID != "chen" || !slices.Equal(list[0].Aliases, []string{"Chen Hao"}) {
		t.Errorf("entity list --json: %+v, want chen alone, with alias Chen Hao", list)
	}
	var shown struct {
		ID      string `json:"id"`
		Removed bool   `json:"removed"`
		By      string `json:"by"`
	}
	if err := json.Unmarshal([]byte(must(t, dir, "entity", "show", "bureau", "--json")), &shown); err != nil {
		t.Fatal(err)
	}
	if shown.ID != "bureau" || !shown.Removed || shown.By != "ann" {
		t.Errorf("entity show bureau --json: %+v", shown)
	}
	log := must(t, dir, "log")
	for _, op := range []string{"entity rename", "entity alias", "entity merge", "entity remove"} {
		if !strings.Contains(log, op) {
			t.Errorf("log lacks %q:\n%s", op, log)
		}
	}
	if r := qg(t, dir, "check"); r.code != 0 {
		t.Errorf("check: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}
