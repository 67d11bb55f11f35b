package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// TestIDPrefixes checks that every command taking an id accepts a unique
// prefix of it, and that an ambiguous prefix lists the candidates.
func TestIDPrefixes(t *testing.T) {
	dir := newDemo(t)
	_, chenText := codingDoc(t, dir, chenDoc)
	start, end := phraseSpan(t, chenText, chenFundingSentence)
	span := fmt.Sprintf("%s:%d-%d", chenDoc, start, end)
	must(t, dir, "entity", "add", "bureau", "--type", "LocalGovernment")
	must(t, dir, "entity", "add", "chen", "--type", "SpinoffFounder")
	must(t, dir, "entity", "add", "chenfirm", "--type", "SpinoffFounder")
	var cd codingRow
	if err := json.Unmarshal([]byte(must(t, dir, "code", span, "Lobbying", "--json")), &cd); err != nil {
		t.Fatal(err)
	}
	out := must(t, dir, "assert", "bureau", "funds", "chen", "--evidence", span)
	aID := strings.Fields(strings.TrimPrefix(strings.SplitN(out, "\n", 2)[0], "Asserted "))[0]
	tests := []struct {
		name string
		args []string
		code int
		want string // in stdout, or in stderr if code is not 0
	}{
		{"MemoOnCodingPrefix", []string{"memo", "add", cd.ID[:8], "a note"}, 0, "on coding:" + cd.ID},
		{"MemoOnEntityPrefix", []string{"memo", "add", "entity:chenf", "firm note"}, 0, "on entity:chenfirm"},
		{"MemoOnAssertionPrefix", []string{"memo", "add", aID[:6], "assertion note"}, 0, "on assertion:" + aID},
		{"MemoAmbiguous", []string{"memo", "add", "entity:che", "x"}, exitInput, "entity:chen, entity:chenfirm"},
		{"MemosTargetPrefix", []string{"memos", "--target", cd.ID[:8]}, 0, "a note"},
		{"EntityShowPrefix", []string{"entity", "show", "chenf"}, 0, "chenfirm"},
		{"EntityShowAmbiguous", []string{"entity", "show", "che"}, exitInput, `entity id prefix "che" is ambiguous: it starts chen, chenfirm`},
		{"RecodePrefix", []string{"recode", cd.ID[:8], "LocalGovernment"}, 0, "Recoded " + cd.ID},
		{"RetractPrefix", []string{"retract", aID[:8]}, 0, aID},
		{"UncodePrefix", []string{"uncode", cd.ID[:8]}, 0, "Uncoded " + cd.ID},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantOutput(t, dir, tc.args, tc.code, false, tc.want)
		})
	}
	// The export counts what the file holds: the retracted assertion is
	// left out.
	out = must(t, dir, "export", "graphml", filepath.Join(t.TempDir(), "g.graphml"))
	if !strings.Contains(out, "the entity graph: 3 entities, 0 assertions (1 retracted left out) (graphml)") {
		t.Errorf("export graphml said %q", out)
	}
	// The memos --target prefix selects only the coding's memo.
	if out := must(t, dir, "memos", "--target", cd.ID[:8]); strings.Contains(out, "firm note") || !strings.Contains(out, "1 memo") {
		t.Errorf("memos --target %s:\n%s", cd.ID[:8], out)
	}
}

// TestCodeByQuote checks coding and evidence by quote, the refusal of an
// ambiguous or missing quote, show --codings, and that coding the same
// span twice writes nothing and says so.
func TestCodeByQuote(t *testing.T) {
	dir := newDemo(t)
	_, chenText := codingDoc(t, dir, chenDoc)
	start, end := phraseSpan(t, chenText, chenFundingSentence)
	bureaus := strings.Count(chenText, "Science Bureau")
	if bureaus < 2 {
		t.Fatalf("%q occurs %d times in %s; the test needs two or more", "Science Bureau", bureaus, chenDoc)
	}
	must(t, dir, "entity", "add", "bureau", "--type", "LocalGovernment")
	must(t, dir, "entity", "add", "chen", "--type", "SpinoffFounder")
	tests := []struct {
		name string
		args []string
		code int
		want []string // in stdout, or in stderr if code is not 0
	}{
		{"Quote", []string{"code", chenDoc, "--quote", chenFundingSentence, "LocalGovernment"}, 0,
			[]string{fmt.Sprintf("Coded %s:%d-%d as LocalGovernment", chenDoc, start, end)}},
		{"QuoteAgain", []string{"code", chenDoc, "--quote", chenFundingSentence, "LocalGovernment"}, 0,
			[]string{fmt.Sprintf("Already coded %s:%d-%d as LocalGovernment by tester", chenDoc, start, end), "nothing written"}},
		{"OffsetsAgain", []string{"code", chenDoc, fmt.Sprint(start), fmt.Sprint(end), "LocalGovernment"}, 0,
			[]string{"Already coded", "nothing written"}},
		{"QuoteAmbiguous", []string{"code", chenDoc, "--quote", "Science Bureau", "Actor"}, exitInput,
			[]string{"quote is ambiguous", fmt.Sprintf("it occurs %d times, at ", bureaus)}},
		{"QuoteNotFound", []string{"code", chenDoc, "--quote", "the science  bureau gave us", "Actor"}, exitInput,
			[]string{"quote not found", `the nearest match is at`, `"The Science Bureau gave us"`}},
		{"EvidenceQuote", []string{"assert", "bureau", "funds", "chen", "--evidence", chenDoc + ":" + chenFundingSentence}, 0,
			[]string{"Asserted ", fmt.Sprintf("%s:%d-%d", chenDoc, start, end)}},
		{"EvidenceQuoteAgain", []string{"assert", "bureau", "funds", "chen", "--evidence", chenDoc + ":" + chenFundingSentence}, 0,
			[]string{"Already asserted by tester", "nothing written"}},
		{"EvidenceQuoteAmbiguous", []string{"assert", "bureau", "funds", "chen", "--evidence", chenDoc + ":Science Bureau"}, exitInput,
			[]string{"quote is ambiguous"}},
		{"ShowCodings", []string{"show", chenDoc, "--codings"}, 0,
			[]string{"LocalGovernment", "tester", fmt.Sprintf("%d-%d", start, end), "1 coding\n"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantOutput(t, dir, tc.args, tc.code, false, tc.want...)
		})
	}
	if rows := codingsOf(t, dir); len(rows) != 1 {
		t.Errorf("%d codings, want 1 (coding again writes nothing)", len(rows))
	}
}

// TestUnknownNamesInFilters checks that a filter naming what no document
// has is an error listing what exists, and that search --limit says how
// many hits there are in all.
func TestUnknownNamesInFilters(t *testing.T) {
	dir := newDemo(t)
	tests := []struct {
		name string
		args []string
		code int
		want []string // in stdout, or in stderr if code is not 0
	}{
		{"CodeSpeaker", []string{"code", "--speaker", "Nobody", "Actor"}, exitInput, []string{`unknown speaker "Nobody"`, "known: ", "Chen"}},
		{"CodeSearchKind", []string{"code", "--search", "bureau", "--kind", "nonsense", "Actor"}, exitInput, []string{`unknown kind "nonsense"`, "interview", "policy"}},
		{"SearchKind", []string{"search", "bureau", "--kind", "nonsense"}, exitInput, []string{`unknown kind "nonsense"`, "focus-group"}},
		{"SearchSpeaker", []string{"search", "bureau", "--speaker", "Nobody"}, exitInput, []string{`unknown speaker "Nobody"`, "Chen"}},
		{"SearchAttr", []string{"search", "bureau", "--attr", "colour=red"}, exitInput, []string{`unknown attribute "colour"`, "firm_type", "region"}},
		{"LinksFromNotActor", []string{"links", "--from", "Lobbying"}, exitInput, []string{"--from Lobbying: not an actor class", "allowed: Actor"}},
		{"SearchKnownSpeakerNoHit", []string{"search", "zzzzqqq", "--speaker", "Chen"}, 0, []string{"0 hits"}},
		{"SearchLimit", []string{"search", "bureau", "--limit", "1"}, 0, []string{"1 hits\n", "hits in all; --limit 1)"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantOutput(t, dir, tc.args, tc.code, false, tc.want...)
		})
	}
}

// TestAttrTypes checks that attribute values are checked against the
// type their key has across the project.
func TestAttrTypes(t *testing.T) {
	dir := newDemo(t)
	tests := []struct {
		name string
		args []string
		code int
		want []string // in stdout, or in stderr if code is not 0
	}{
		{"BadDate", []string{"attr", "set", chenDoc, "date=2018-13-45"}, exitUsage, []string{`"2018-13-45" is not a date YYYY-MM-DD`}},
		{"BadDateNewKey", []string{"attr", "set", chenDoc, "interviewed=2018-02-30"}, exitUsage, []string{"is not a date"}},
		{"TextYear", []string{"attr", "set", chenDoc, "year=twenty"}, exitInput,
			[]string{"attribute year=twenty", "it is text, but year is integer on ", "--force"}},
		{"SameType", []string{"attr", "set", chenDoc, "year=2024"}, 0, []string{"year=2024"}},
		{"TextYearForced", []string{"attr", "set", chenDoc, "year=twenty", "--force"}, 0, []string{"year=twenty"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantOutput(t, dir, tc.args, tc.code, false, tc.want...)
		})
	}
}

// wantOutput runs qualgraph with args in dir and checks its exit status
// and that its output holds every string of want: standard output, or
// standard error when code is not 0 or stderr is set.
func wantOutput(t *testing.T, dir string, args []string, code int, stderr bool, want ...string) {
	t.Helper()
	r := qg(t, dir, args...)
	got := r.stdout
	if code != 0 || stderr {
		got = r.stderr
	}
	if r.code != code {
		t.Errorf("qualgraph %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, code, r.stdout, r.stderr)
	}
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("qualgraph %s: want %q in\n%s", strings.Join(args, " "), w, got)
		}
	}
}
