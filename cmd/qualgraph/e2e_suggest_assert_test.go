package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSuggestAssertionsCommand runs suggest --assertions on a small
// project: the list (for people and as JSON), --accept, --reject,
// --evaluate and the usage errors.
func TestSuggestAssertionsCommand(t *testing.T) {
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "proj")
	must(t, ".", "init", dir)
	files := map[string]string{
		"chen.txt": "Interviewer: How did it start?\n\nChen: In 2019 I left Huaxing Lighting to found Lumenkey. The Science Bureau funded us in 2020. I lobbied Huaxing Lighting for years, without result. Then I lobbied the industry association for a committee.\n\nInterviewer: Thank you.\n",
		"lin.txt":  "科技局资助了星联物联。\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(tmp, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		must(t, dir, "import", filepath.Join(tmp, name))
	}
	for _, args := range [][]string{
		{"chen", "--type", "SpinoffFounder", "--name", "Chen Hao", "--alias", "陈浩", "--alias", "Lumenkey"},
		{"huaxing", "--type", "IncumbentFirm", "--name", "Huaxing Lighting"},
		{"bureau", "--type", "LocalGovernment", "--name", "Jinlan Science and Technology Bureau", "--alias", "Science Bureau", "--alias", "科技局"},
		{"assoc", "--type", "IndustryAssociation", "--name", "Jinlan Lighting Association", "--alias", "industry association"},
		{"lin", "--type", "ReturneeEntrepreneur", "--name", "Lin Yue", "--alias", "星联物联"},
	} {
		must(t, dir, append([]string{"entity", "add"}, args...)...)
	}
	must(t, dir, "assert", "chen", "lobbies", "assoc", "--evidence", "chen.txt:Then I lobbied the industry association for a committee.")

	type proposal struct {
		ID       string  `json:"id"`
		Subject  string  `json:"subject"`
		Relation string  `json:"relation"`
		Object   string  `json:"object"`
		Score    float64 `json:"score"`
		Cue      string  `json:"cue"`
		Mentions []struct {
			Entity string `json:"entity"`
			Text   string `json:"text"`
		} `json:"mentions"`
	}
	list := func() []proposal {
		t.Helper()
		out := must(t, dir, "suggest", "--assertions", "--json")
		for _, o := range objects(t, out, "id", "doc", "start", "end", "subject", "relation", "object", "score", "cue", "mentions") {
			objects(t, string(o["mentions"]), "entity", "start", "end", "text") // checks the keys
		}
		var ps []proposal
		if err := json.Unmarshal([]byte(out), &ps); err != nil {
			t.Fatal(err)
		}
		return ps
	}
	lines := func(ps []proposal) string {
		var out []string
		for _, p := range ps {
			out = append(out, fmt.Sprintf("%s %s %s %.3f %s %s=%s %s=%s", p.Subject, p.Relation, p.Object, p.Score, p.Cue,
				p.Mentions[0].Entity, p.Mentions[0].Text, p.Mentions[1].Entity, p.Mentions[1].Text))
		}
		return strings.Join(out, "\n")
	}
	ps := list()
	want := strings.Join([]string{
		"chen spinsOffFrom huaxing 1.000 left … to found chen=I huaxing=Huaxing Lighting",
		"bureau funds chen 1.000 fund bureau=Science Bureau chen=us",
		"bureau funds lin 0.960 资助 bureau=科技局 lin=星联物联",
	}, "\n")
	if got := lines(ps); got != want {
		t.Fatalf("suggest --assertions --json:\n%s\nwant\n%s", got, want)
	}

	people := must(t, dir, "suggest", "--assertions", "--doc", "lin.txt")
	for _, s := range []string{ps[2].ID + "  0.960  bureau funds lin  lin.txt:0-11", "科技局资助了星联物联。", `cue "资助"; mentions "科技局" (bureau), "星联物联" (lin)`} {
		if !strings.Contains(people, s) {
			t.Errorf("suggest --assertions --doc lin.txt: no %q in\n%s", s, people)
		}
	}

	out := must(t, dir, "suggest", "--assertions", "--accept", ps[0].ID, "--coder", "bo", "--json")
	acc := objects(t, out, "id", "subject", "relation", "object", "practice", "phase", "polarity", "confidence", "coder", "created", "evidence", "retracted", "suggested")
	if len(acc) != 1 || compact(acc[0]["suggested"]) != `{"model":"cues1","score":1}` || str(t, acc[0]["coder"]) != "bo" ||
		!strings.Contains(string(acc[0]["evidence"]), "In 2019 I left Huaxing Lighting to found Lumenkey.") {
		t.Errorf("suggest --assertions --accept --json: %s", out)
	}
	var recorded []map[string]json.RawMessage
	if err := json.Unmarshal([]byte(must(t, dir, "assertions", "--json")), &recorded); err != nil {
		t.Fatal(err)
	}
	var marks []string
	for _, a := range recorded {
		marks = append(marks, str(t, a["relation"])+" "+compact(a["suggested"]))
	}
	if got := strings.Join(marks, "; "); got != `lobbies ; spinsOffFrom {"model":"cues1","score":1}` {
		t.Errorf("assertions --json, relation and suggested: %s", got)
	}

	if out := must(t, dir, "suggest", "--assertions", "--reject", ps[2].ID); out != "rejected 1 suggested assertions\n" {
		t.Errorf("suggest --assertions --reject: %q", out)
	}
	if r := qg(t, dir, "suggest", "--assertions", "--reject", ps[2].ID); r.code != 1 || !strings.Contains(r.stderr, "unknown suggestion") {
		t.Errorf("rejecting again: exit %d, %q", r.code, r.stderr)
	}
	if got := lines(list()); got != "bureau funds chen 1.000 fund bureau=Science Bureau chen=us" {
		t.Errorf("after accept and reject: %s", got)
	}

	var ev struct {
		Sentences int `json:"sentences"`
		Overall   struct {
			Proposals, Correct, Assertions, Found int
			Precision, Recall, F1                 float64
		} `json:"overall"`
	}
	if err := json.Unmarshal([]byte(must(t, dir, "suggest", "--assertions", "--evaluate", "--json")), &ev); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprintf("%d %+v", ev.Sentences, ev.Overall); got != "7 {Proposals:4 Correct:2 Assertions:2 Found:2 Precision:0.5 Recall:1 F1:0.667}" {
		t.Errorf("suggest --assertions --evaluate --json: %s", got)
	}
	if out := must(t, dir, "suggest", "--assertions", "--evaluate"); !strings.Contains(out, "7 sentences, 4 suggested assertions, 2 recorded assertions") {
		t.Errorf("suggest --assertions --evaluate:\n%s", out)
	}

	for _, args := range [][]string{
		{"--code", "Lobbying"},
		{"--accept", ps[1].ID, "--evaluate"},
		{"--min-score", "0.5"},
	} {
		if r := qg(t, dir, append([]string{"suggest", "--assertions"}, args...)...); r.code != 2 {
			t.Errorf("suggest --assertions %v: exit %d, want 2 (%s)", args, r.code, r.stderr)
		}
	}
}
