package main

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/qualgraph/qualgraph/coding/suggest"
)

// TestCodingsJSONSuggested accepts a suggestion on the coded demo and
// checks that codings --json shows it was suggested (model and score) and
// shows nothing of the kind for the codings made by hand.
func TestCodingsJSONSuggested(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	must(t, ".", "demo", dir)
	var gs []struct {
		ID, Doc    string
		Start, End int
		Code       string
		Score      float64
	}
	if err := json.Unmarshal([]byte(must(t, dir, "suggest", "--limit", "1", "--json")), &gs); err != nil {
		t.Fatal(err)
	}
	if len(gs) != 1 {
		t.Fatalf("suggest --limit 1: %d suggestions", len(gs))
	}
	g := gs[0]
	must(t, dir, "suggest", "--accept", g.ID, "--coder", "bo")
	var rows []map[string]json.RawMessage
	if err := json.Unmarshal([]byte(must(t, dir, "codings", "--json")), &rows); err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, r := range rows {
		raw, ok := r["suggested"]
		var coder, code, doc string
		var start, end int
		json.Unmarshal(r["coder"], &coder)
		json.Unmarshal(r["code"], &code)
		json.Unmarshal(r["doc"], &doc)
		json.Unmarshal(r["start"], &start)
		json.Unmarshal(r["end"], &end)
		accepted := coder == "bo" && code == g.Code && doc == g.Doc && start == g.Start && end == g.End
		if !accepted {
			if ok {
				t.Errorf("a coding made by hand has \"suggested\": %s", raw)
			}
			continue
		}
		found++
		var s struct {
			Model string  `json:"model"`
			Score float64 `json:"score"`
		}
		if err := json.Unmarshal(raw, &s); err != nil || s.Model != suggest.Version || s.Score != g.Score {
			t.Errorf("the accepted coding has \"suggested\": %s (%v), want model %s and score %v", raw, err, suggest.Version, g.Score)
		}
	}
	if found != 1 {
		t.Errorf("codings --json holds %d codings accepted from %s, want 1", found, g.ID)
	}
}
