package demo

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// TestEvaluateSuggestedAssertions measures the suggested assertions on
// the demo against its recorded assertions: the figures the README
// reports. Of the 34 assertions, 10 take positions on concepts, which a
// proposal between two entities never finds.
func TestEvaluateSuggestedAssertions(t *testing.T) {
	dir, _ := built(t)
	svc, _ := open(t, dir)
	ev, err := svc.EvaluateAssertionSuggestions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprintf("%d %+v", ev.Sentences, ev.Overall),
		"273 {Proposals:12 Correct:7 Assertions:34 Found:7 Precision:0.583 Recall:0.206 F1:0.304}"; got != want {
		t.Errorf("overall\n got %s\nwant %s", got, want)
	}
	var rels []string
	for _, r := range ev.Relations {
		if r.Proposals > 0 || r.Relation == "takesPosition" {
			rels = append(rels, fmt.Sprintf("%s %d/%d %d/%d", r.Relation, r.Correct, r.Proposals, r.Found, r.Assertions))
		}
	}
	want := []string{"funds 2/2 3/5", "lobbies 2/2 1/2", "locatedIn 0/1 0/0", "sourcesFrom 1/1 1/1", "supports 2/6 2/5", "takesPosition 0/0 0/10"}
	if strings.Join(rels, "; ") != strings.Join(want, "; ") {
		t.Errorf("per relation (correct/suggested found/recorded)\n got %s\nwant %s", strings.Join(rels, "; "), strings.Join(want, "; "))
	}
}
