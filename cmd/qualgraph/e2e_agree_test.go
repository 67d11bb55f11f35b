package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestAgreementCoverage checks, on the analysis project, where ann coded
// Wu's interview and ben did not, that agreement lists the documents it
// compared and the one it left out, with why, and warns that ben's
// coverage shrank the base, in its human output and its --json.
func TestAgreementCoverage(t *testing.T) {
	f := analysisProject(t)
	dir := f.dir
	out := must(t, dir, "agreement", "--coders", "ann,ben", "--json")
	var r struct {
		Docs      int               `json:"docs"`
		Chars     int               `json:"chars"`
		Documents []json.RawMessage `json:"documents"`
		Warnings  []string          `json:"warnings"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	type docRow struct {
		Doc      string         `json:"doc"`
		Name     string         `json:"name"`
		Unit     string         `json:"unit"`
		Units    int            `json:"units"`
		Chars    int            `json:"chars"`
		Included bool           `json:"included"`
		Reason   string         `json:"reason"`
		Codings  map[string]int `json:"codings"`
	}
	byName := map[string]docRow{}
	for _, raw := range r.Documents {
		var keys []string
		var m map[string]json.RawMessage
		json.Unmarshal(raw, &m)
		for k := range m {
			keys = append(keys, k)
		}
		for _, k := range []string{"doc", "units", "included", "unit", "chars", "codings", "name"} {
			if !slices.Contains(keys, k) {
				t.Errorf("document %s lacks %q", raw, k)
			}
		}
		var d docRow
		if err := json.Unmarshal(raw, &d); err != nil {
			t.Fatal(err)
		}
		byName[d.Name] = d
	}
	tests := []struct {
		name     string
		included bool
		reason   string
		ann, ben int
	}{
		{anChenName, true, "", 2, 3},
		{anLinName, true, "", 2, 1},
		{anWuName, false, "ben coded nothing in it", 1, 0},
	}
	units := 0
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, ok := byName[tc.name]
			if !ok {
				t.Fatalf("agreement --json does not list %s: %s", tc.name, out)
			}
			if d.Doc != f.ids[tc.name] || d.Included != tc.included || d.Reason != tc.reason ||
				d.Codings["ann"] != tc.ann || d.Codings["ben"] != tc.ben || d.Chars != len([]rune(f.texts[d.Doc])) ||
				d.Unit != "turn" || d.Units == 0 {
				t.Errorf("%s: %+v; want included %v, reason %q, ann %d, ben %d codings, its turns and %d chars",
					tc.name, d, tc.included, tc.reason, tc.ann, tc.ben, len([]rune(f.texts[d.Doc])))
			}
		})
		if d := byName[tc.name]; d.Included {
			units += d.Units
		}
	}
	if len(r.Documents) != len(tests) {
		t.Errorf("%d documents listed, want %d (the ones ann or ben coded)", len(r.Documents), len(tests))
	}
	warning := fmt.Sprintf("ben coded 2 of the 3 documents the coders coded; agreement is computed on the 2 that all of them coded (%d turns, %d characters), not 3",
		units, r.Chars)
	t.Logf("warning: %s", warning)
	if !slices.Equal(r.Warnings, []string{warning}) {
		t.Errorf("warnings %q, want %q", r.Warnings, warning)
	}

	people := must(t, dir, "agreement", "--coders", "ann,ben")
	for _, want := range []string{
		"warning: " + warning,
		"coders: ann, ben",
		"no: ben coded nothing in it",
		f.ids[anWuName],
	} {
		if !strings.Contains(people, want) {
			t.Errorf("agreement for people lacks %q:\n%s", want, people)
		}
	}
	for _, line := range strings.Split(people, "\n") {
		if strings.HasPrefix(line, anChenName) && !strings.Contains(line, "ann 2, ben 3") {
			t.Errorf("Chen's row does not count the codings: %q", line)
		}
	}

	// Naming the documents compares them all, and says that ben coded
	// nothing in Wu's.
	named := must(t, dir, "agreement", "--coders", "ann,ben", "--doc", anWuName, "--doc", anChenName)
	if want := "warning: ben coded nothing in document " + anWuName + " (" + f.ids[anWuName] + ")"; !strings.Contains(named, want) ||
		strings.Contains(named, "no: ") {
		t.Errorf("agreement --doc: want %q and no document left out:\n%s", want, named)
	}
}

// TestAnalysesSayCoders checks that every analysis command names the
// coders it includes: a "coders:" line for people, "coders" in --json.
func TestAnalysesSayCoders(t *testing.T) {
	f := analysisProject(t)
	dir := f.dir
	tests := []struct {
		name string
		args []string
		want []string
		json bool // has --json with a coders field
	}{
		{"Frequencies", []string{"frequencies"}, []string{"ann", "ben"}, true},
		{"FrequenciesCoderBen", []string{"frequencies", "--coder", "ben"}, []string{"ben"}, true},
		{"Cooccur", []string{"cooccur"}, []string{"ann", "ben"}, true},
		{"CooccurStartupPark", []string{"cooccur", "--codes", "StartupPark,SpinoffFounder", "--coder", "ben"}, []string{"ben"}, true},
		{"Matrix", []string{"matrix", "--by", "firm_type", "--coder", "ann"}, []string{"ann"}, true},
		{"Centrality", []string{"centrality"}, []string{"ann", "ben"}, true},
		{"CentralityMemberOf", []string{"centrality", "--relation", "memberOf"}, []string{"ben"}, true},
		{"Network", []string{"network"}, []string{"ann", "ben"}, true},
		{"NetworkRelationFunds", []string{"network", "--via", "relation", "--relation", "lobbies"}, []string{"ann"}, true},
		{"NetworkWindows", []string{"network", "--window", "years", "--size", "1"}, []string{"ann", "ben"}, true},
		{"Agreement", []string{"agreement", "--coders", "ben,ann"}, []string{"ben", "ann"}, true},
		{"LinksCoder", []string{"links", "--coder", "ben"}, []string{"ben"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			line := "coders: " + strings.Join(tc.want, ", ")
			var people string
			if tc.args[0] == "network" {
				// A network goes to a file; the line goes to standard error.
				r := qg(t, dir, append(tc.args, "--out", t.TempDir()+"/n.gexf")...)
				if r.code != 0 {
					t.Fatalf("exit %d: %s", r.code, r.stderr)
				}
				people = r.stderr
			} else {
				people = must(t, dir, tc.args...)
			}
			if !strings.Contains(people+"\n", line+"\n") {
				t.Errorf("qualgraph %s: no line %q in\n%s", strings.Join(tc.args, " "), line, people)
			}
			if !tc.json {
				return
			}
			var got struct {
				Coders *[]string `json:"coders"`
			}
			out := must(t, dir, append(tc.args, "--json")...)
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			if got.Coders == nil || !slices.Equal(*got.Coders, tc.want) {
				t.Errorf("qualgraph %s --json: coders %v, want %q", strings.Join(tc.args, " "), got.Coders, tc.want)
			}
		})
	}
}

// TestRefusalWords checks that the coding commands refuse what is wrong
// in words that say what is right, the same words wherever the mistake
// is made, and that search --limit says how many hits there are in all.
func TestRefusalWords(t *testing.T) {
	dir := newDemo(t)
	_, chenText := codingDoc(t, dir, chenDoc)
	start, end := phraseSpan(t, chenText, chenFundingSentence)
	span := fmt.Sprintf("%s:%d-%d", chenDoc, start, end)
	reversed := fmt.Sprintf("%s:%d-%d", chenDoc, end, start)
	must(t, dir, "entity", "add", "bureau", "--type", "LocalGovernment")
	must(t, dir, "entity", "add", "chen", "--type", "SpinoffFounder")
	must(t, dir, "codebook", "add", "Trust")
	must(t, dir, "codebook", "promote", "Trust", "--parent", "Practice")
	must(t, dir, "assert", "bureau", "funds", "chen", "--evidence", span)
	var hits []json.RawMessage
	if err := json.Unmarshal([]byte(must(t, dir, "search", "Bureau", "--limit", "1000", "--json")), &hits); err != nil {
		t.Fatal(err)
	}
	if len(hits) < 2 {
		t.Fatalf("search Bureau: %d hits; the test needs two or more", len(hits))
	}
	const reversedWords = "START is after END (spans are half-open [start,end))"
	const relations = "(known: legitimizes, lobbies, funds,"
	tests := []struct {
		name   string
		args   []string
		code   int
		want   string // in stdout, or in stderr if code is not 0
		stderr bool   // want is in stderr although code is 0
	}{
		{"PromoteTwice", []string{"codebook", "promote", "Trust", "--parent", "Practice"}, exitInput, "promote Trust: already promoted", false},
		{"PromoteTwiceNoParent", []string{"codebook", "promote", "Trust"}, exitInput, "already promoted", false},
		{"ReversedCode", []string{"code", chenDoc, fmt.Sprint(end), fmt.Sprint(start), "Lobbying"}, exitInput, reversedWords, false},
		{"ReversedCodeColon", []string{"code", reversed, "Lobbying"}, exitInput, reversedWords, false},
		{"ReversedMention", []string{"mention", reversed, "chen"}, exitInput, reversedWords, false},
		{"ReversedEvidence", []string{"assert", "bureau", "supports", "chen", "--evidence", reversed}, exitInput, reversedWords, false},
		{"ConfidenceAbove", []string{"assert", "bureau", "supports", "chen", "--evidence", span, "--confidence", "1.5"}, exitInput, "confidence 1.5: confidence must be between 0 and 1", false},
		{"ConfidenceBelow", []string{"assert", "bureau", "supports", "chen", "--evidence", span, "--confidence", "-0.2"}, exitInput, "confidence -0.2: confidence must be between 0 and 1", false},
		{"UnknownRelationAssert", []string{"assert", "bureau", "fundz", "chen", "--evidence", span}, exitInput, relations, false},
		{"UnknownRelationLinks", []string{"links", "--relation", "fundz"}, exitInput, relations, false},
		{"UnknownRelationCentrality", []string{"centrality", "--relation", "fundz"}, exitInput, relations, false},
		{"UnknownRelationNetwork", []string{"network", "--via", "relation", "--relation", "fundz"}, exitInput, relations, false},
		{"SearchLimit", []string{"search", "Bureau", "--limit", "1"}, 0, fmt.Sprintf("(of %d hits in all; --limit 1)", len(hits)), false},
		{"SearchLimitJSON", []string{"search", "Bureau", "--limit", "1", "--json"}, 0, fmt.Sprintf("1 of %d hits (--limit 1)", len(hits)), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantOutput(t, dir, tc.args, tc.code, tc.stderr, tc.want)
		})
	}
}
