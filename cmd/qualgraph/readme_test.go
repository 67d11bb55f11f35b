package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/qualgraph/qualgraph/demo"
)

// The README's examples run on the demo: every qualgraph command line of
// its code blocks (indented or fenced) runs, in the order of the README,
// in a folder where the README's own "./qualgraph demo jinlan && cd
// jinlan" has built the demo, as a reader following it would. A command
// must exit 0 and not panic; where the README says what an example
// shows, readmeChecks holds it to that.
//
// A synopsis runs in its bare form, without its [options] (qualgraph
// autocode [--dry-run] runs as qualgraph autocode); not run are synopses
// with placeholders outside brackets: words in capitals, a|b choices, ...
// (qualgraph import PATH... [--kind K]); and the commands of readmeSkip,
// each with its reason.

// readmeSkip are README command lines that cannot run on the demo (a
// user's own files, a server), by a substring of the line, with the
// reason. Keep it small.
var readmeSkip = map[string]string{
	"serve": "serves until Ctrl-C; TestServeBesideCommands runs demo --serve as its own process",
}

// readmeChecks hold README examples to what the README says about them:
// for the first command whose arguments begin with the key's words, its
// standard output must contain every string listed.
var readmeChecks = map[string][]string{
	`show interview_chen_en.txt`:                          {"Chen Hao", "Lumenkey"},
	`search "Science Bureau"`:                             {"Science Bureau"},
	`search 产业升级`:                                         {"产业升级"},
	`search subsidy --speaker Chen`:                       {"interview_chen_en.txt", "Chen"},
	`search certification --kind policy --attr year=2021`: {"policy_upgrading_plan.md"},
	// "codes the words it describes": Chen leaving Huaxing in 2019.
	`code interview_chen_en.txt --quote`: {"In October 2019 I left"},
	`codings --code FaceAndReputation`:   {"ann", "bo", "betrayal?", "you are failing"},
	`memos`:                              {"doc:", "code:", "coding:", "entity:", "assertion:"},
	`entity list`:                        {"bureau", "town", "chen", "lin", "halvorsen"},
	`links`:                              {"bureau", "funds", "chen", "lobbies", "association"},
	`agreement --coders ann,bo`:          {"ann × bo", "(overall)"},
	// Lin against the town on certification; He against Wu on upgrading.
	`network --qualifier conflict --format csv`: {"lin,town", "he,wu", "conflict"},
	// Chen first.
	`centrality`: {"1     chen"},
	`cooccur`:    {"FaceAndReputation", "LockIn"},
	// The evidence 1849-1912 is the seed-funding sentence.
	`assert bureau funds chen --evidence interview_chen_en.txt:1849-1912`: {"The Science Bureau gave us 300,000 yuan of seed funding in 2020"},
}

// readmeCommand is one command of a README code block.
type readmeCommand struct {
	line int    // in README.md
	text string // the command line as written (continuations joined)
	args []string
	cd   string // for "cd DIR": the folder, and no args
}

// placeholder matches a synopsis's placeholders: a word in capitals
// (DOC, KEY=VALUE, N), [options], a|b choices, an ellipsis.
var placeholder = regexp.MustCompile(`(^|[^A-Za-z])[A-Z]+([^A-Za-z]|$)|[\[\]|]|\.\.\.|…`)

// readmeCommands returns the qualgraph command lines of the code blocks of
// md, in order, and the synopses it passed over.
func readmeCommands(md string) (cmds []readmeCommand, synopses []string, err error) {
	lines := strings.Split(md, "\n")
	fenced := false
	for i := 0; i < len(lines); i++ {
		raw := lines[i]
		if strings.HasPrefix(strings.TrimSpace(raw), "```") {
			fenced = !fenced
			continue
		}
		if !fenced && !strings.HasPrefix(raw, "    ") && !strings.HasPrefix(raw, "\t") {
			continue
		}
		text, start := strings.TrimSpace(raw), i+1
		for strings.HasSuffix(text, `\`) && i+1 < len(lines) {
			i++
			text = strings.TrimSuffix(text, `\`) + " " + strings.TrimSpace(lines[i])
		}
		words, err := shellWords(text)
		if err != nil {
			return nil, nil, fmt.Errorf("README.md:%d: %v", start, err)
		}
		// A line is one or more commands joined by && or ;.
		for len(words) > 0 {
			n := 0
			for n < len(words) && words[n].text != "&&" && words[n].text != ";" {
				n++
			}
			cmd := words[:n]
			words = words[min(n+1, len(words)):]
			if len(cmd) == 0 {
				continue
			}
			switch {
			case cmd[0].text == "cd" && len(cmd) == 2:
				cmds = append(cmds, readmeCommand{line: start, text: text, cd: cmd[1].text})
			case isQualgraph(cmd[0].text):
				// A synopsis runs in its bare form, without its [options],
				// unless it has placeholders outside them.
				var args []string
				synopsis, depth := false, 0
				for _, w := range cmd[1:] {
					if !w.quoted && (depth > 0 || strings.HasPrefix(w.text, "[")) {
						depth += strings.Count(w.text, "[") - strings.Count(w.text, "]")
						continue
					}
					synopsis = synopsis || !w.quoted && placeholder.MatchString(w.text)
					args = append(args, w.text)
				}
				if synopsis {
					synopses = append(synopses, text)
					continue
				}
				cmds = append(cmds, readmeCommand{line: start, text: text, args: args})
			}
		}
	}
	return cmds, synopses, nil
}

func isQualgraph(w string) bool {
	return w == "qualgraph" || w == "./qualgraph" || w == "../qualgraph"
}

// shellWord is a word of a command line; quoted if any of it was.
type shellWord struct {
	text   string
	quoted bool
}

// shellWords splits a command line as a POSIX shell does for the README's
// needs: single and double quotes, backslash escapes, && and ; as words of
// their own, and # comments.
func shellWords(line string) ([]shellWord, error) {
	var out []shellWord
	var cur strings.Builder
	inWord, quoted := false, false
	flush := func() {
		if inWord {
			out = append(out, shellWord{cur.String(), quoted})
		}
		cur.Reset()
		inWord, quoted = false, false
	}
	rs := []rune(line)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == ' ' || r == '\t':
			flush()
		case r == '#' && !inWord:
			flush()
			return out, nil
		case r == ';':
			flush()
			out = append(out, shellWord{text: ";"})
		case r == '&' && i+1 < len(rs) && rs[i+1] == '&':
			flush()
			out = append(out, shellWord{text: "&&"})
			i++
		case r == '\'':
			j := i + 1
			for j < len(rs) && rs[j] != '\'' {
				j++
			}
			if j == len(rs) {
				return nil, fmt.Errorf("unclosed ' in %q", line)
			}
			cur.WriteString(string(rs[i+1 : j]))
			inWord, quoted, i = true, true, j
		case r == '"':
			j := i + 1
			for ; j < len(rs) && rs[j] != '"'; j++ {
				if rs[j] == '\\' && j+1 < len(rs) && strings.ContainsRune(`"\$`+"`", rs[j+1]) {
					j++
				}
				cur.WriteRune(rs[j])
			}
			if j == len(rs) {
				return nil, fmt.Errorf("unclosed \" in %q", line)
			}
			inWord, quoted, i = true, true, j
		case r == '\\' && i+1 < len(rs):
			i++
			cur.WriteRune(rs[i])
			inWord = true
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	flush()
	return out, nil
}

func TestShellWords(t *testing.T) {
	tests := []struct {
		name, line string
		want       []string
	}{
		{"Plain", `qualgraph docs --json`, []string{"qualgraph", "docs", "--json"}},
		{"SingleQuotes", `qualgraph search '"Science Bureau"'`, []string{"qualgraph", "search", `"Science Bureau"`}},
		{"DoubleQuotes", `qualgraph code D --quote "a \"b\" c" X`, []string{"qualgraph", "code", "D", "--quote", `a "b" c`, "X"}},
		{"QuoteInWord", `--evidence 'f.txt:"数字好看"'`, []string{"--evidence", `f.txt:"数字好看"`}},
		{"AndAndComment", `./qualgraph demo jinlan && cd jinlan # go`, []string{"./qualgraph", "demo", "jinlan", "&&", "cd", "jinlan"}},
		{"Semicolon", `qualgraph uncode ID ; qualgraph recode ID CODE`, []string{"qualgraph", "uncode", "ID", ";", "qualgraph", "recode", "ID", "CODE"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ws, err := shellWords(tc.line)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, w := range ws {
				got = append(got, w.text)
			}
			if strings.Join(got, "\x00") != strings.Join(tc.want, "\x00") {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
	if _, err := shellWords(`qualgraph search 'open`); err == nil {
		t.Fatal("an unclosed quote is accepted")
	}
}

func TestReadmeCommands(t *testing.T) {
	md := "text\n\n    qualgraph init DIR [--name NAME]\n    qualgraph log [--json] [--by X]\n    ./qualgraph demo j && cd j\n" +
		"    ../qualgraph search '\"Science Bureau\"' --kind policy\n\n```\nqualgraph assert a funds b \\\n    --phase Formation\n```\n" +
		"not code: qualgraph docs\n"
	cmds, synopses, err := readmeCommands(md)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range cmds {
		got = append(got, fmt.Sprintf("%d:%s%q", c.line, c.cd, c.args))
	}
	want := []string{`4:["log"]`, `5:["demo" "j"]`, `5:j[]`, `6:["search" "\"Science Bureau\"" "--kind" "policy"]`,
		`9:["assert" "a" "funds" "b" "--phase" "Formation"]`}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("commands:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(synopses) != 1 || !strings.HasPrefix(synopses[0], "qualgraph init DIR") {
		t.Fatalf("synopses %q", synopses)
	}
}

// TestReadmeExamples runs every example of README.md on the demo, then
// the commands of the tour that demo prints.
func TestReadmeExamples(t *testing.T) {
	md, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	cmds, synopses, err := readmeCommands(string(md))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d README command lines to run; %d synopses passed over", len(cmds), len(synopses))
	for _, s := range synopses {
		t.Logf("synopsis, not run: %s", s)
	}
	dir := t.TempDir()
	checked := map[string]bool{}
	ran := 0
	for _, c := range cmds {
		if c.cd != "" {
			dir = filepath.Join(dir, c.cd)
			continue
		}
		if reason := skipReason(c.text); reason != "" {
			t.Logf("README.md:%d: not run (%s): %s", c.line, reason, c.text)
			continue
		}
		r := runRecovered(t, dir, c.args)
		ran++
		if r.code != 0 {
			t.Errorf("README.md:%d: %s: exit %d\nstdout: %s\nstderr: %s", c.line, c.text, r.code, r.stdout, r.stderr)
			continue
		}
		joined := strings.Join(c.args, " ") + " "
		for key, wants := range readmeChecks {
			if checked[key] || !strings.HasPrefix(joined, key+" ") {
				continue
			}
			checked[key] = true
			for _, want := range wants {
				if !strings.Contains(r.stdout, want) {
					t.Errorf("README.md:%d: %s: the output lacks %q, which the README leads one to expect:\n%s", c.line, c.text, want, r.stdout)
				}
			}
		}
	}
	// Then the tour that demo prints, in the same folder.
	tour, err := demo.TourCommands()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range tour {
		ws, err := shellWords(line)
		if err != nil {
			t.Fatal(err)
		}
		var args []string
		for _, w := range ws[1:] {
			args = append(args, w.text)
		}
		if r := runRecovered(t, dir, args); r.code != 0 || r.stdout == "" {
			t.Errorf("tour: %s: exit %d, %d bytes of output\nstderr: %s", line, r.code, len(r.stdout), r.stderr)
		}
	}
	if ran < 20 {
		t.Errorf("ran %d README examples; the README has more", ran)
	}
	for key := range readmeChecks {
		if !checked[key] {
			t.Errorf("no README example runs %q: update readmeChecks", key)
		}
	}
	for key := range readmeSkip {
		if !strings.Contains(string(md), key) {
			t.Errorf("readmeSkip names %q, which the README no longer has", key)
		}
	}
}

// skipReason returns why line is in readmeSkip, or "".
func skipReason(line string) string {
	for key, reason := range readmeSkip {
		if strings.Contains(line, key) {
			return reason
		}
	}
	return ""
}

// runRecovered runs qualgraph in this process, turning a panic into a
// failure that names the command.
func runRecovered(t *testing.T, dir string, args []string) (r result) {
	t.Helper()
	defer func() {
		if p := recover(); p != nil {
			t.Fatalf("qualgraph %s panics: %v", strings.Join(args, " "), p)
		}
	}()
	return qg(t, dir, args...)
}
