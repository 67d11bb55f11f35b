package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// End-to-end tests of the speaker commands: speakers, speaker alias and
// unalias, aliases in search --speaker and code --speaker, --skip-speaker,
// and mention --auto leaving speaker labels alone.

// speakerRow is an element of speakers --json.
type speakerRow struct {
	Name    string   `json:"name"`
	Aliases []string `json:"aliases"`
	Turns   int      `json:"turns"`
	Docs    []struct {
		Doc     string `json:"doc"`
		DocName string `json:"doc_name"`
		Label   string `json:"label"`
		Turns   int    `json:"turns"`
	} `json:"docs"`
}

func speakersOf(t *testing.T, dir string) map[string]speakerRow {
	t.Helper()
	var rows []speakerRow
	out := must(t, dir, "speakers", "--json")
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("speakers --json: %v\n%s", err, out)
	}
	m := map[string]speakerRow{}
	for _, r := range rows {
		m[r.Name] = r
	}
	return m
}

func TestSpeakerCommands(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "p")
	must(t, ".", "init", dir)
	src := t.TempDir()
	files := map[string]string{
		"en.txt": "Interviewer: How did the cluster start?\n\nLin: We lobbied the bureau for land.\n\n" +
			"Interviewer: Did the bureau fund you, Lin?\n\nLin: The bureau gave seed funding.\n",
		"zh.txt": "访谈者：政府给了什么支持？\n\n受访者林：政府给了我们土地。\n\n访谈者：林先生，协会呢？\n\n受访者林：协会制定了标准。\n",
	}
	var paths []string
	for name, text := range files {
		p := filepath.Join(src, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	must(t, dir, append([]string{"import", "--kind", "interview"}, paths...)...)

	sp := speakersOf(t, dir)
	if len(sp) != 4 || sp["Lin"].Turns != 2 || sp["受访者林"].Turns != 2 || len(sp["Lin"].Aliases) != 0 {
		t.Fatalf("speakers before alias: %+v", sp)
	}

	// Errors: an unknown speaker lists the speakers; wrong arguments are usage errors.
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"UnknownSpeaker", []string{"speaker", "alias", "Nobody", "Lin"}, exitInput, `unknown speaker "Nobody" (known: Interviewer, Lin, 受访者林, 访谈者)`},
		{"UnknownAlias", []string{"speaker", "unalias", "Lin"}, exitInput, `unknown speaker alias "Lin"`},
		{"AliasArgs", []string{"speaker", "alias", "Lin"}, exitUsage, "usage"},
		{"SkipUnknown", []string{"code", "--search", "bureau", "--skip-speaker", "Nobody", "Lobbying"}, exitInput, `unknown speaker "Nobody" (known: Interviewer, Lin, 受访者林, 访谈者)`},
		{"SkipUnknownAutocode", []string{"autocode", "--skip-speaker", "Nobody"}, exitInput, `unknown speaker "Nobody"`},
		{"SkipWithoutSearch", []string{"code", "en.txt", "0", "3", "Lobbying", "--skip-speaker", "Lin"}, exitUsage, "--skip-speaker"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := qg(t, dir, tc.args...)
			if r.code != tc.code || !strings.Contains(r.stderr, tc.msg) {
				t.Errorf("qualgraph %s: exit %d, stderr %q; want exit %d and %q", strings.Join(tc.args, " "), r.code, r.stderr, tc.code, tc.msg)
			}
		})
	}

	if out := must(t, dir, "speaker", "alias", "受访者林", "Lin"); !strings.Contains(out, "受访者林 is now an alias of Lin") {
		t.Errorf("speaker alias: %q", out)
	}
	if out := must(t, dir, "speaker", "alias", "受访者林", "lin"); !strings.Contains(out, "already (nothing written)") {
		t.Errorf("speaker alias again: %q", out)
	}
	sp = speakersOf(t, dir)
	if _, ok := sp["受访者林"]; ok || sp["Lin"].Turns != 4 || !slices.Equal(sp["Lin"].Aliases, []string{"受访者林"}) || len(sp["Lin"].Docs) != 2 {
		t.Fatalf("speakers after alias: %+v", sp)
	}
	if out := must(t, dir, "speakers"); !strings.Contains(out, "zh.txt 2 (as 受访者林)") {
		t.Errorf("speakers table does not show the alias's turns:\n%s", out)
	}

	// search --speaker Lin finds the turns of 受访者林, named Lin.
	var hits []struct {
		Speaker string `json:"speaker"`
		Label   string `json:"label"`
		Text    string `json:"text"`
	}
	if err := json.Unmarshal([]byte(must(t, dir, "search", "政府", "--speaker", "Lin", "--json")), &hits); err != nil {
		t.Fatal(err)
	}
	if len(hits) != 1 || hits[0].Speaker != "Lin" || hits[0].Label != "受访者林" || hits[0].Text != "政府" {
		t.Errorf("search 政府 --speaker Lin: %+v", hits)
	}
	// So does a speaker: clause of the query.
	hits = nil
	if err := json.Unmarshal([]byte(must(t, dir, "search", "speaker:lin 政府", "--json")), &hits); err != nil {
		t.Fatal(err)
	}
	if len(hits) != 1 || hits[0].Speaker != "Lin" || hits[0].Label != "受访者林" {
		t.Errorf("search \"speaker:lin 政府\": %+v", hits)
	}

	// code --speaker Lin codes the four turns, labels left out.
	var ac struct {
		Hits           int          `json:"hits"`
		Coded          int          `json:"coded"`
		SkippedSpeaker int          `json:"skipped_speaker"`
		Codings        []codingJSON `json:"codings"`
	}
	if err := json.Unmarshal([]byte(must(t, dir, "code", "--speaker", "Lin", "Lobbying", "--dry-run", "--json")), &ac); err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, c := range ac.Codings {
		texts = append(texts, c.Text)
	}
	slices.Sort(texts)
	want := []string{"The bureau gave seed funding.", "We lobbied the bureau for land.", "协会制定了标准。", "政府给了我们土地。"}
	if !slices.Equal(texts, want) {
		t.Errorf("code --speaker Lin codes %q, want %q", texts, want)
	}

	// --skip-speaker leaves the interviewer's questions alone.
	out := must(t, dir, "code", "--search", "bureau", "--skip-speaker", "Interviewer", "Lobbying", "--json")
	if err := json.Unmarshal([]byte(out), &ac); err != nil {
		t.Fatal(err)
	}
	if ac.Hits != 3 || ac.Coded != 2 || ac.SkippedSpeaker != 1 {
		t.Errorf("code --search bureau --skip-speaker Interviewer: %d hits, %d coded, %d skipped; want 3, 2, 1\n%s", ac.Hits, ac.Coded, ac.SkippedSpeaker, out)
	}
	for _, c := range ac.Codings {
		if c.Text != "bureau" {
			t.Errorf("coded %q", c.Text)
		}
	}
	if out := must(t, dir, "code", "--search", "政府", "--skip-speaker", "访谈者", "LandPolicy"); !strings.Contains(out, "1 hits in turns of --skip-speaker speakers") {
		t.Errorf("code --search 政府 --skip-speaker 访谈者: %q", out)
	}

	// mention --auto does not take the labels "Lin:" and "受访者林：" for mentions.
	must(t, dir, "entity", "add", "lin", "--type", "ReturneeEntrepreneur", "--name", "Lin", "--alias", "林")
	var am struct {
		Added    int `json:"added"`
		InLabels int `json:"in_labels"`
		Mentions []struct {
			Text string `json:"text"`
		} `json:"mentions"`
	}
	if err := json.Unmarshal([]byte(must(t, dir, "mention", "--auto", "--json")), &am); err != nil {
		t.Fatal(err)
	}
	if am.Added != 2 || am.InLabels != 4 {
		t.Errorf("mention --auto: %d added, %d in labels; want 2 (\"you, Lin?\", \"林先生\") and 4: %+v", am.Added, am.InLabels, am)
	}

	if out := must(t, dir, "speaker", "unalias", "受访者林"); !strings.Contains(out, "受访者林 is no longer an alias") {
		t.Errorf("speaker unalias: %q", out)
	}
	if sp = speakersOf(t, dir); sp["Lin"].Turns != 2 || sp["受访者林"].Turns != 2 {
		t.Errorf("speakers after unalias: %+v", sp)
	}
	if out := must(t, dir, "log"); !strings.Contains(out, "speaker alias") || !strings.Contains(out, "speaker unalias") {
		t.Errorf("log does not list the speaker changes:\n%s", out)
	}
	must(t, dir, "check")
}

// TestSpeakerReadmeOnDemo runs the README's speaker examples on the demo.
func TestSpeakerReadmeOnDemo(t *testing.T) {
	dir := newDemo(t)
	must(t, dir, "speakers")
	must(t, dir, "speaker", "alias", "受访者林", "Lin")
	sp := speakersOf(t, dir)
	if !slices.Equal(sp["Lin"].Aliases, []string{"受访者林"}) || sp["Lin"].Turns == 0 {
		t.Errorf("demo speakers after alias: %+v", sp["Lin"])
	}
	// 金澜 is in three of the interviewer's questions (访谈者) and in Lin's answers.
	out := must(t, dir, "code", "--search", "金澜", "Region", "--skip-speaker", "Interviewer", "--skip-speaker", "访谈者")
	if !strings.Contains(out, "; skipped 3 hits in turns of --skip-speaker speakers") {
		t.Errorf("code --search 金澜 --skip-speaker: %q", out)
	}
	for _, c := range codingsOf(t, dir, "--code", "Region") {
		if strings.Contains(c.Text, "访谈者") || c.Text != "金澜" {
			t.Errorf("coded %q", c.Text)
		}
	}
	must(t, dir, "autocode", "--dry-run", "--skip-speaker", "Interviewer")
	must(t, dir, "speaker", "unalias", "受访者林")
	if sp := speakersOf(t, dir); len(sp["Lin"].Aliases) != 0 {
		t.Errorf("demo speakers after unalias: %+v", sp["Lin"])
	}
}
