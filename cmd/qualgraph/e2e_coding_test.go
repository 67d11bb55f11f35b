package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/project"
)

// End-to-end tests of the coding commands on the demo project: code by
// hand and by search, speaker and cue words, codings, uncode, recode, the
// codebook and mentions, with the exact JSON shapes of the README's
// contract.

const (
	chenDoc = "interview_chen_en.txt"
	linDoc  = "interview_lin_zh.txt"

	// Chen's turn about the Science Bureau, without its label "Chen: ".
	chenFundingTurn = "Our own savings first, around 600,000 yuan from the three of us. Then the Science Bureau. " +
		"The Science Bureau gave us 300,000 yuan of seed funding in 2020, from its programme for technology start-ups. " +
		"That money mattered less than the signal. When a bank manager sees the bureau's stamp, he stops asking how many kilns you have."
	chenFundingSentence = "The Science Bureau gave us 300,000 yuan of seed funding in 2020, from its programme for technology start-ups."
	linSubsidySentence  = "区政府……不对，镇政府给了我们八十万元人才补贴，分三年发放。"
)

// codingRow is an element of codings --json.
type codingRow struct {
	ID      string `json:"id"`
	Doc     string `json:"doc"`
	Start   int    `json:"start"`
	End     int    `json:"end"`
	Code    string `json:"code"`
	Coder   string `json:"coder"`
	Created string `json:"created"`
	Text    string `json:"text"`
	Memo    string `json:"memo"`
}

var codingKeys = []string{"id", "doc", "start", "end", "code", "coder", "created", "text", "memo"}

// codingsOf runs codings --json with args and checks the shape of each
// element.
func codingsOf(t *testing.T, dir string, args ...string) []codingRow {
	t.Helper()
	out := must(t, dir, append([]string{"codings", "--json"}, args...)...)
	var raw []map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatalf("codings --json: %v\n%s", err, out)
	}
	for _, o := range raw {
		if len(o) != len(codingKeys) {
			t.Fatalf("codings --json: element with keys %v, want %v", slices.Sorted(mapKeys(o)), codingKeys)
		}
		for _, k := range codingKeys {
			if _, ok := o[k]; !ok {
				t.Fatalf("codings --json: element lacks %q: %v", k, o)
			}
		}
	}
	var rows []codingRow
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if _, err := time.Parse(time.RFC3339, r.Created); err != nil {
			t.Errorf("created %q is not RFC 3339: %v", r.Created, err)
		}
	}
	return rows
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func texts(rows []codingRow) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.Text
	}
	return out
}

// codingDoc returns the id and text of demo document name.
func codingDoc(t *testing.T, dir, name string) (id, text string) {
	t.Helper()
	var doc struct {
		ID   string `json:"id"`
		Text string `json:"text"`
	}
	if err := json.Unmarshal([]byte(must(t, dir, "show", name, "--json")), &doc); err != nil {
		t.Fatal(err)
	}
	return doc.ID, doc.Text
}

// phraseSpan returns the code-point range of the first phrase in text.
func phraseSpan(t *testing.T, text, phrase string) (int, int) {
	t.Helper()
	i := strings.Index(text, phrase)
	if i < 0 {
		t.Fatalf("%q is not in the text", phrase)
	}
	start := utf8.RuneCountInString(text[:i])
	return start, start + utf8.RuneCountInString(phrase)
}

func TestCodeAndCodings(t *testing.T) {
	dir := newDemo(t)
	chenID, chenText := codingDoc(t, dir, chenDoc)
	start, end := phraseSpan(t, chenText, chenFundingSentence)

	// DOC START END CODE, with a memo; the coder comes from $QUALGRAPH_CODER.
	out := must(t, dir, "code", chenDoc, fmt.Sprint(start), fmt.Sprint(end), "LocalGovernment", "--memo", "seed funding")
	rows := codingsOf(t, dir)
	if len(rows) != 1 {
		t.Fatalf("codings: %d, want 1", len(rows))
	}
	want := codingRow{ID: rows[0].ID, Doc: chenID, Start: start, End: end, Code: "LocalGovernment", Coder: "tester",
		Created: rows[0].Created, Text: chenFundingSentence, Memo: "seed funding"}
	if rows[0] != want {
		t.Errorf("codings --json:\n got %+v\nwant %+v", rows[0], want)
	}
	if wantOut := fmt.Sprintf("Coded %s:%d-%d as LocalGovernment: %s\n  “%s”\n", chenDoc, start, end, rows[0].ID, chenFundingSentence); out != wantOut {
		t.Errorf("code printed\n%q\nwant\n%q", out, wantOut)
	}

	// DOC:START-END CODE by document id, with --coder and --json.
	ls, le := phraseSpan(t, chenText, "Science Bureau")
	var one codingRow
	if err := json.Unmarshal([]byte(must(t, dir, "code", fmt.Sprintf("%s:%d-%d", chenID, ls, le), "Actor", "--coder", "ann", "--json")), &one); err != nil {
		t.Fatal(err)
	}
	if one.Text != "Science Bureau" || one.Coder != "ann" || one.Doc != chenID || one.Memo != "" || one.ID == "" {
		t.Errorf("code --json: %+v", one)
	}

	// Filters: a code includes its subclasses; --doc takes a name; --coder.
	if got := codingsOf(t, dir, "--code", "ClusterAgent"); len(got) != 1 || got[0].Code != "LocalGovernment" {
		t.Errorf("codings --code ClusterAgent: %+v", got)
	}
	if got := codingsOf(t, dir, "--coder", "ann"); len(got) != 1 || got[0].ID != one.ID {
		t.Errorf("codings --coder ann: %+v", got)
	}
	if got := codingsOf(t, dir, "--doc", linDoc); len(got) != 0 {
		t.Errorf("codings --doc %s: %+v", linDoc, got)
	}
	if got := codingsOf(t, dir, "--doc", chenDoc); len(got) != 2 || got[0].Start > got[1].Start {
		t.Errorf("codings --doc %s: %+v, want 2 in text order", chenDoc, got)
	}
	table := must(t, dir, "codings")
	for _, s := range []string{"ID", "DOC", "SPAN", "CODE", "CODER", "TEXT", rows[0].ID[:8], chenDoc,
		fmt.Sprintf("%d-%d", start, end), "The Science Bureau gave us", "2 codings"} {
		if !strings.Contains(table, s) {
			t.Errorf("codings table lacks %q:\n%s", s, table)
		}
	}

	// recode and uncode, by a short id.
	if out := must(t, dir, "recode", one.ID[:8], "LocalGovernment"); out != fmt.Sprintf("Recoded %s from Actor to LocalGovernment\n", one.ID) {
		t.Errorf("recode printed %q", out)
	}
	if got := codingsOf(t, dir, "--coder", "ann"); len(got) != 1 || got[0].Code != "LocalGovernment" || got[0].ID != one.ID {
		t.Errorf("after recode: %+v", got)
	}
	must(t, dir, "uncode", one.ID)
	if got := codingsOf(t, dir); len(got) != 1 || got[0].ID != rows[0].ID {
		t.Errorf("after uncode: %+v", got)
	}
	// Bad ids and codes: exit 1, named, nothing changed.
	before := codingsOf(t, dir)
	for _, tt := range []struct {
		name string
		args []string
		msg  string
	}{
		{"UncodeUnknown", []string{"uncode", "nosuchid"}, `unknown coding "nosuchid"`},
		{"UncodeAgain", []string{"uncode", one.ID}, `unknown coding "` + one.ID + `"`},
		{"RecodeUnknownID", []string{"recode", "nosuchid", "Actor"}, `unknown coding "nosuchid"`},
		{"RecodeUnknownCode", []string{"recode", rows[0].ID, "LocalGovermnent"}, `unknown code "LocalGovermnent"; did you mean LocalGovernment`},
		{"CodingsUnknownCode", []string{"codings", "--code", "Actr"}, `unknown code "Actr"; did you mean Actor`},
		{"CodingsUnknownDoc", []string{"codings", "--doc", "nope.txt"}, `unknown document "nope.txt"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := qg(t, dir, tt.args...)
			if r.code != 1 || !strings.Contains(r.stderr, tt.msg) {
				t.Errorf("exit %d, stderr %q; want 1 and %q", r.code, r.stderr, tt.msg)
			}
			if after := codingsOf(t, dir); !slices.Equal(after, before) {
				t.Errorf("codings changed:\n%+v\n%+v", before, after)
			}
		})
	}
	must(t, dir, "check")
}

func TestCodeBadInput(t *testing.T) {
	dir := newDemo(t)
	_, chenText := codingDoc(t, dir, chenDoc)
	n := utf8.RuneCountInString(chenText)
	must(t, dir, "code", chenDoc+":0-9", "Actor")
	before := codingsOf(t, dir)
	tests := []struct {
		name string
		args []string
		exit int
		msg  string
	}{
		{"ErrUnknownCode", []string{chenDoc + ":0-9", "LocalGovernmnt"}, 1, `unknown code "LocalGovernmnt"; did you mean LocalGovernment`},
		{"ErrUnknownDoc", []string{"nope.txt:0-9", "Actor"}, 1, `unknown document "nope.txt"`},
		{"ErrSpanOutOfRange", []string{chenDoc, "10", fmt.Sprint(n + 1), "Actor"}, 1, "span out of range"},
		{"ErrSpanNegative", []string{chenDoc, "-1", "5", "Actor"}, 1, "span out of range"},
		{"ErrEmptySpan", []string{chenDoc + ":5-5", "Actor"}, 1, "empty span"},
		{"StartAfterEnd", []string{chenDoc + ":10-5", "Actor"}, 1, "START is after END"},
		{"StartAfterEndFourArgs", []string{chenDoc, "10", "5", "Actor"}, 1, "START is after END"},
		{"MissingEnd", []string{chenDoc + ":5-", "Actor"}, 1, `want DOC:START-END`},
		{"NotNumbers", []string{chenDoc + ":a-b", "Actor"}, 1, `want DOC:START-END`},
		{"NotNumbersFourArgs", []string{chenDoc, "a", "9", "Actor"}, 1, "must be whole numbers"},
		{"NoDash", []string{chenDoc + ":5", "Actor"}, 1, `want DOC:START-END`},
		{"NoSpan", []string{chenDoc, "Actor"}, 2, "usage: qualgraph code"},
		{"ThreeArgs", []string{chenDoc, "1", "Actor"}, 2, "usage: qualgraph code"},
		{"NoArgs", nil, 2, "usage: qualgraph code"},
		{"UnitWithoutSearch", []string{chenDoc + ":0-9", "Actor", "--unit", "sentence"}, 2, "--unit"},
		{"BadUnit", []string{"--search", "bureau", "Actor", "--unit", "word"}, 2, `unknown unit "word"`},
		{"EmptyQuery", []string{"--search", " ", "Actor"}, 2, "query is empty"},
		{"SearchUnknownCode", []string{"--search", "bureau", "Actr"}, 1, `unknown code "Actr"; did you mean Actor`},
		{"SearchBadQuery", []string{"--search", `"bureau`, "Actor"}, 1, "query"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := qg(t, dir, append([]string{"code"}, tt.args...)...)
			if r.code != tt.exit || !strings.Contains(r.stderr, tt.msg) {
				t.Errorf("code %q: exit %d, stderr %q; want %d and %q", tt.args, r.code, r.stderr, tt.exit, tt.msg)
			}
			if after := codingsOf(t, dir); !slices.Equal(after, before) {
				t.Errorf("codings changed:\n%+v\n%+v", before, after)
			}
		})
	}
	must(t, dir, "check")
}

func TestCodeSearchUnits(t *testing.T) {
	dir := newDemo(t)
	_, chenText := codingDoc(t, dir, chenDoc)
	tests := []struct {
		unit  string
		texts []string
	}{
		{"hit", []string{"Science Bureau", "Science Bureau"}},
		{"sentence", []string{"Then the Science Bureau.", chenFundingSentence}},
		{"segment", []string{chenFundingTurn}},
	}
	for _, tt := range tests {
		t.Run(tt.unit, func(t *testing.T) {
			coder := "unit-" + tt.unit
			// Dry run: the same spans, nothing written.
			dry := must(t, dir, "code", "--search", `"Science Bureau"`, "LocalGovernment", "--speaker", "chen",
				"--unit", tt.unit, "--coder", coder, "--dry-run")
			if got := codingsOf(t, dir, "--coder", coder); len(got) != 0 {
				t.Fatalf("--dry-run wrote %d codings", len(got))
			}
			if !strings.Contains(dry, fmt.Sprintf("Would code %d spans with LocalGovernment (2 hits", len(tt.texts))) ||
				strings.Count(dry, chenDoc) != len(tt.texts) {
				t.Errorf("--dry-run printed\n%s", dry)
			}
			out := must(t, dir, "code", "--search", `"Science Bureau"`, "LocalGovernment", "--speaker", "chen",
				"--unit", tt.unit, "--coder", coder)
			wantOut := fmt.Sprintf("Coded %d spans with LocalGovernment (2 hits", len(tt.texts))
			if !strings.HasPrefix(out, wantOut) {
				t.Errorf("printed %q, want %q...", out, wantOut)
			}
			rows := codingsOf(t, dir, "--coder", coder)
			if got := texts(rows); !slices.Equal(got, tt.texts) {
				t.Errorf("coded %q\nwant %q", got, tt.texts)
			}
			for _, r := range rows {
				if s, e := phraseSpan(t, chenText, r.Text); r.Code != "LocalGovernment" || s > r.Start || e-s != r.End-r.Start {
					t.Errorf("coding %+v", r)
				}
			}
			// A second run codes nothing.
			again := must(t, dir, "code", "--search", `"Science Bureau"`, "LocalGovernment", "--speaker", "chen",
				"--unit", tt.unit, "--coder", coder)
			wantAgain := fmt.Sprintf("Coded 0 spans with LocalGovernment (2 hits; skipped %d spans already coded so by this coder", len(tt.texts))
			if !strings.HasPrefix(again, wantAgain) {
				t.Errorf("second run printed %q, want %q...", again, wantAgain)
			}
			if got := codingsOf(t, dir, "--coder", coder); len(got) != len(rows) {
				t.Errorf("second run: %d codings, want %d", len(got), len(rows))
			}
		})
	}

	t.Run("Chinese", func(t *testing.T) {
		var res struct {
			DryRun  bool        `json:"dry_run"`
			Hits    int         `json:"hits"`
			Coded   int         `json:"coded"`
			Codings []codingRow `json:"codings"`
		}
		out := must(t, dir, "code", "--search", "人才补贴", "TalentSubsidy", "--unit", "sentence", "--kind", "interview", "--json")
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatal(err)
		}
		if res.DryRun || res.Hits != 1 || res.Coded != 1 || len(res.Codings) != 1 || res.Codings[0].Text != linSubsidySentence {
			t.Errorf("code --search 人才补贴 --unit sentence: %s", out)
		}
		_, linText := codingDoc(t, dir, linDoc)
		if s, e := phraseSpan(t, linText, linSubsidySentence); len(res.Codings) == 1 && (res.Codings[0].Start != s || res.Codings[0].End != e) {
			t.Errorf("span %d-%d, want %d-%d", res.Codings[0].Start, res.Codings[0].End, s, e)
		}
	})
	must(t, dir, "check")
}

func TestCodeSpeaker(t *testing.T) {
	dir := newDemo(t)
	var show struct {
		Text     string `json:"text"`
		Segments []struct {
			Start   int    `json:"start"`
			End     int    `json:"end"`
			Speaker string `json:"speaker"`
		} `json:"segments"`
	}
	if err := json.Unmarshal([]byte(must(t, dir, "show", chenDoc, "--json")), &show); err != nil {
		t.Fatal(err)
	}
	text := []rune(show.Text)
	var want []string
	for _, s := range show.Segments {
		if s.Speaker == "Chen" {
			want = append(want, strings.TrimPrefix(string(text[s.Start:s.End]), "Chen: "))
		}
	}
	out := must(t, dir, "code", "--speaker", "CHEN", "SpinoffFounder")
	if wantOut := fmt.Sprintf("Coded %d spans with SpinoffFounder (%d hits)\n", len(want), len(want)); out != wantOut {
		t.Errorf("printed %q, want %q", out, wantOut)
	}
	got := texts(codingsOf(t, dir, "--code", "SpinoffFounder"))
	if !slices.Equal(got, want) {
		t.Errorf("coded\n%q\nwant\n%q", got, want)
	}
	if !slices.Contains(got, chenFundingTurn) {
		t.Errorf("the funding turn is not coded whole")
	}
	if out := must(t, dir, "code", "--speaker", "chen", "SpinoffFounder"); !strings.HasPrefix(out, "Coded 0 spans") {
		t.Errorf("second run printed %q", out)
	}
	must(t, dir, "check")
}

func TestAutocode(t *testing.T) {
	dir := newDemo(t)
	type result struct {
		DryRun bool `json:"dry_run"`
		Hits   int  `json:"hits"`
		Coded  int  `json:"coded"`
		Counts []struct {
			Code     string `json:"code"`
			Cues     int    `json:"cues"`
			Hits     int    `json:"hits"`
			Coded    int    `json:"coded"`
			Existing int    `json:"existing"`
		} `json:"counts"`
		SkippedCues []struct {
			Code, Cue, Reason string
		} `json:"skipped_cues"`
		Codings []codingRow `json:"codings"`
	}
	run := func(args ...string) result {
		t.Helper()
		var r result
		out := must(t, dir, append([]string{"autocode", "--json"}, args...)...)
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	dry := run("--dry-run")
	if got := codingsOf(t, dir); len(got) != 0 {
		t.Fatalf("autocode --dry-run wrote %d codings", len(got))
	}
	res := run()
	if !dry.DryRun || res.DryRun || dry.Coded != res.Coded || res.Coded == 0 || res.Coded != len(res.Codings) {
		t.Fatalf("dry run coded %d, run %d (%d codings)", dry.Coded, res.Coded, len(res.Codings))
	}
	coded := map[string]int{}
	sum := 0
	for _, c := range res.Counts {
		coded[c.Code] = c.Coded
		sum += c.Coded
	}
	if sum != res.Coded {
		t.Errorf("counts add up to %d, coded %d", sum, res.Coded)
	}
	for _, code := range []string{"LocalGovernment", "IndustryAssociation", "GlobalLeadFirm", "StartupPark"} {
		if coded[code] == 0 {
			t.Errorf("autocode coded nothing with %s", code)
		}
	}
	// A Chinese cue (协会, 行业协会) codes Lin's sentence about the association.
	linID, _ := codingDoc(t, dir, linDoc)
	if !slices.ContainsFunc(res.Codings, func(c codingRow) bool {
		return c.Doc == linID && c.Code == "IndustryAssociation" && c.Text == "协会在2022年11月正式发布了这个团体标准。"
	}) {
		t.Errorf("no Chinese sentence coded IndustryAssociation")
	}
	for _, c := range res.Codings {
		if strings.HasPrefix(c.Text, "Chen:") || strings.HasPrefix(c.Text, "受访者林") {
			t.Errorf("sentence keeps the speaker label: %q", c.Text)
		}
	}
	if !slices.ContainsFunc(res.SkippedCues, func(s struct{ Code, Cue, Reason string }) bool {
		return utf8.RuneCountInString(s.Cue) == 1 && strings.Contains(s.Reason, "single Chinese character")
	}) {
		t.Errorf("no one-character cue reported skipped: %+v", res.SkippedCues)
	}
	if again := run(); again.Coded != 0 || len(codingsOf(t, dir)) != res.Coded {
		t.Errorf("second run coded %d", again.Coded)
	}
	// --code limits to a branch; the table for people.
	out := must(t, dir, "autocode", "--code", "ClusterAgent", "--coder", "bob")
	if !strings.Contains(out, "LocalGovernment") || strings.Contains(out, "SpinoffFounder") ||
		!strings.Contains(out, "CODE") || !strings.Contains(out, "Coded ") {
		t.Errorf("autocode --code ClusterAgent printed\n%s", out)
	}
	if r := qg(t, dir, "autocode", "--code", "Agent"); r.code != 1 || !strings.Contains(r.stderr, `unknown code "Agent"`) {
		t.Errorf("autocode --code Agent: exit %d, %q", r.code, r.stderr)
	}
	must(t, dir, "check")
}

func TestMention(t *testing.T) {
	dir := newDemo(t)
	p, err := project.Open(dir, project.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []coding.Entity{
		{ID: "halvorsen", Type: "GlobalLeadFirm", Name: "Halvorsen Lighting", Aliases: []string{"Halvorsen"}},
		{ID: "bureau", Type: "LocalGovernment", Name: "Science Bureau", Aliases: []string{"科技局"}},
		{ID: "chen", Type: "SpinoffFounder", Name: "Chen Hao", Aliases: []string{"陈浩"}},
	} {
		if err := p.AddEntity(context.Background(), e, "tester"); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	type mention struct {
		ID, Doc, Entity, Coder, Created, Text string
		Start, End                            int
	}
	type result struct {
		DryRun   bool `json:"dry_run"`
		Added    int  `json:"added"`
		Existing int  `json:"existing"`
		Counts   []struct {
			Entity   string   `json:"entity"`
			Names    []string `json:"names"`
			Found    int      `json:"found"`
			Added    int      `json:"added"`
			Existing int      `json:"existing"`
		} `json:"counts"`
		Mentions []mention `json:"mentions"`
	}
	run := func(args ...string) result {
		t.Helper()
		var r result
		if err := json.Unmarshal([]byte(must(t, dir, append([]string{"mention", "--auto", "--json"}, args...)...)), &r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	entityMentions := func() int {
		var es []struct {
			Mentions int `json:"mentions"`
		}
		if err := json.Unmarshal([]byte(must(t, dir, "entity", "list", "--json")), &es); err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range es {
			n += e.Mentions
		}
		return n
	}
	dry := run("--dry-run")
	if entityMentions() != 0 {
		t.Fatalf("mention --auto --dry-run wrote mentions")
	}
	res := run()
	if !dry.DryRun || dry.Added != res.Added || res.Added != len(res.Mentions) || res.Added == 0 {
		t.Fatalf("dry run added %d, run %d", dry.Added, res.Added)
	}
	counts := map[string]int{}
	for _, c := range res.Counts {
		counts[c.Entity] = c.Added
	}
	if counts["halvorsen"] == 0 || counts["bureau"] == 0 || counts["chen"] == 0 {
		t.Errorf("counts %+v", res.Counts)
	}
	seen := map[string]bool{}
	for _, m := range res.Mentions {
		seen[m.Entity+"="+m.Text] = true
		if m.Coder != "tester" || m.ID == "" {
			t.Errorf("mention %+v", m)
		}
	}
	for _, want := range []string{"halvorsen=Halvorsen Lighting", "halvorsen=Halvorsen", "bureau=Science Bureau", "bureau=科技局", "chen=Chen Hao", "chen=陈浩"} {
		if !seen[want] {
			t.Errorf("no mention %s in %v", want, seen)
		}
	}
	if entityMentions() != res.Added {
		t.Errorf("entity list counts %d mentions, want %d", entityMentions(), res.Added)
	}
	if again := run(); again.Added != 0 || again.Existing != res.Added {
		t.Errorf("second run added %d, existing %d", again.Added, again.Existing)
	}

	// By hand, both forms.
	_, chenText := codingDoc(t, dir, chenDoc)
	s, e := phraseSpan(t, chenText, "Ms. Zhou")
	out := must(t, dir, "mention", chenDoc, fmt.Sprint(s), fmt.Sprint(e), "chen")
	if !strings.HasPrefix(out, fmt.Sprintf("Mention of chen at %s:%d-%d: ", chenDoc, s, e)) || !strings.HasSuffix(out, "“Ms. Zhou”\n") {
		t.Errorf("mention printed %q", out)
	}
	var m mention
	if err := json.Unmarshal([]byte(must(t, dir, "mention", fmt.Sprintf("%s:%d-%d", chenDoc, s, e-4), "chen", "--json")), &m); err != nil {
		t.Fatal(err)
	}
	if m.Text != "Ms. " || m.Entity != "chen" {
		t.Errorf("mention --json: %+v", m)
	}
	n := entityMentions()
	for _, tt := range []struct {
		name string
		args []string
		exit int
		msg  string
	}{
		{"UnknownEntity", []string{chenDoc + ":0-5", "chne"}, 1, `unknown entity "chne"; did you mean chen`},
		{"UnknownDoc", []string{"nope.txt:0-5", "chen"}, 1, `unknown document "nope.txt"`},
		{"OutOfRange", []string{chenDoc + ":0-99999", "chen"}, 1, "span out of range"},
		{"Malformed", []string{chenDoc + ":0-", "chen"}, 1, "want DOC:START-END"},
		{"NoSpan", []string{"chen"}, 2, "usage"},
		{"AutoUnknownEntity", []string{"--auto", "--entity", "nobody"}, 1, `unknown entity "nobody"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := qg(t, dir, append([]string{"mention"}, tt.args...)...)
			if r.code != tt.exit || !strings.Contains(r.stderr, tt.msg) {
				t.Errorf("exit %d, stderr %q; want %d and %q", r.code, r.stderr, tt.exit, tt.msg)
			}
			if entityMentions() != n {
				t.Errorf("mentions changed")
			}
		})
	}
	must(t, dir, "check")
}

func TestCodebook(t *testing.T) {
	dir := newDemo(t)
	if out := must(t, dir, "codebook", "add", "LocalEmbeddedness", "--definition", "Ties to the place", "--colour", "#aabbcc"); out != "Added emergent code LocalEmbeddedness under Emergent\n" {
		t.Errorf("codebook add printed %q", out)
	}
	must(t, dir, "codebook", "add", "KinTies", "--parent", "LocalEmbeddedness")
	must(t, dir, "code", chenDoc+":0-9", "KinTies")
	type code struct {
		ID         string `json:"id"`
		Parent     string `json:"parent"`
		Definition string `json:"definition"`
		Colour     string `json:"colour"`
		Promoted   bool   `json:"promoted"`
		By         string `json:"by"`
		Created    string `json:"created"`
		Codings    int    `json:"codings"`
	}
	list := func() []code {
		var cs []code
		if err := json.Unmarshal([]byte(must(t, dir, "codebook", "list", "--json")), &cs); err != nil {
			t.Fatal(err)
		}
		return cs
	}
	cs := list()
	if len(cs) != 2 || cs[0].ID != "KinTies" || cs[0].Parent != "LocalEmbeddedness" || cs[0].Codings != 1 ||
		cs[1].ID != "LocalEmbeddedness" || cs[1].Parent != "Emergent" || cs[1].Definition != "Ties to the place" ||
		cs[1].Colour != "#aabbcc" || cs[1].Promoted || cs[1].By != "tester" {
		t.Errorf("codebook list --json: %+v", cs)
	}
	// A code includes its descendants.
	if got := codingsOf(t, dir, "--code", "LocalEmbeddedness"); len(got) != 1 || got[0].Code != "KinTies" {
		t.Errorf("codings --code LocalEmbeddedness: %+v", got)
	}
	for _, tt := range []struct {
		name string
		args []string
		msg  string
	}{
		{"Duplicate", []string{"add", "KinTies"}, "already exists"},
		{"UnknownParent", []string{"add", "X", "--parent", "Nope"}, `unknown code "Nope"`},
		{"BadColour", []string{"add", "Y", "--colour", "red"}, "colour"},
		{"BadID", []string{"add", "a b"}, "bad id"},
		{"PromoteUnknown", []string{"promote", "Nope", "--parent", "Actor"}, `unknown emergent code "Nope"`},
		{"PromoteUnknownParent", []string{"promote", "LocalEmbeddedness", "--parent", "Sociocultural"}, `unknown code "Sociocultural"`},
		{"PromoteNoParent", []string{"promote", "LocalEmbeddedness"}, "--parent"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := qg(t, dir, append([]string{"codebook"}, tt.args...)...)
			if r.code != 1 || !strings.Contains(r.stderr, tt.msg) {
				t.Errorf("exit %d, stderr %q; want 1 and %q", r.code, r.stderr, tt.msg)
			}
		})
	}
	if got := list(); !slices.Equal(got, cs) {
		t.Errorf("codebook changed: %+v", got)
	}
	// The researcher's comments in ontology.yaml survive the promotion.
	ontFile := filepath.Join(dir, "ontology.yaml")
	before, err := os.ReadFile(ontFile)
	if err != nil {
		t.Fatal(err)
	}
	const note = "# Our team's codebook: see the memo of 3 May.\n"
	if err := os.WriteFile(ontFile, append([]byte(note), before...), 0o644); err != nil {
		t.Fatal(err)
	}
	if out := must(t, dir, "codebook", "promote", "LocalEmbeddedness", "--parent", "SocioCulturalEnvironment"); out != "Promoted LocalEmbeddedness under SocioCulturalEnvironment into ontology.yaml\n" {
		t.Errorf("promote printed %q", out)
	}
	cs = list()
	if len(cs) != 2 || !cs[1].Promoted || cs[1].Parent != "SocioCulturalEnvironment" {
		t.Errorf("after promote: %+v", cs)
	}
	if out := must(t, dir, "ontology", "show"); !strings.Contains(out, "LocalEmbeddedness") {
		t.Errorf("ontology show lacks the promoted code")
	}
	after, err := os.ReadFile(ontFile)
	if err != nil {
		t.Fatal(err)
	}
	// Every line of the file is still there, in order, with the class.
	kept := strings.SplitAfter(note+string(before), "\n")
	for _, l := range strings.SplitAfter(string(after), "\n") {
		if len(kept) > 0 && l == kept[0] {
			kept = kept[1:]
		}
	}
	if len(kept) > 0 {
		t.Errorf("promote lost %d lines of ontology.yaml, the first %q", len(kept), kept[0])
	}
	if !strings.Contains(string(after), "- id: LocalEmbeddedness\n") {
		t.Errorf("promote did not add the class to ontology.yaml")
	}
	if got := codingsOf(t, dir, "--code", "SocioCulturalEnvironment"); len(got) != 1 {
		t.Errorf("codings --code SocioCulturalEnvironment: %+v", got)
	}
	must(t, dir, "check")
}
