package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/qualgraph/qualgraph/corpus/synth"
	"github.com/qualgraph/qualgraph/project"
)

// TestMain runs the tests without $QUALGRAPH_PROJECT, which the --project
// flag reads from the process, and removes the binary that the subprocess
// tests build.
func TestMain(m *testing.M) {
	os.Unsetenv("QUALGRAPH_PROJECT")
	code := m.Run()
	if qgBinDir != "" {
		os.RemoveAll(qgBinDir)
	}
	os.Exit(code)
}

type result struct {
	stdout, stderr string
	code           int
}

// testEnv is the environment of the commands the tests run.
var testEnv = map[string]string{"NO_COLOR": "1", "QUALGRAPH_CODER": "tester"}

// qg runs qualgraph with args in this process as main does, with dir as
// its working directory, the environment testEnv and empty standard input.
func qg(t *testing.T, dir string, args ...string) result {
	t.Helper()
	return qgIn(t, dir, "", args...)
}

// qgIn is qg with stdin as standard input.
func qgIn(t *testing.T, dir, stdin string, args ...string) result {
	t.Helper()
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	app := newApp()
	var out, errb bytes.Buffer
	app.Writer, app.ErrWriter, app.Reader = &out, &errb, strings.NewReader(stdin)
	setProcEnv(app, procEnv{Dir: abs, Env: func(key string) string { return testEnv[key] }})
	code := runMain(context.Background(), app, append([]string{"qualgraph"}, args...))
	return result{out.String(), errb.String(), code}
}

var (
	qgBinOnce sync.Once
	qgBinDir  string // holds qgBin; TestMain removes it
	qgBin     string
	qgBinErr  error
)

// buildQG builds the qualgraph binary once per test run, for the tests
// that need a process of its own (exit statuses, signals), and returns its
// path.
func buildQG(t *testing.T) string {
	t.Helper()
	qgBinOnce.Do(func() {
		if qgBinDir, qgBinErr = os.MkdirTemp("", "qualgraph-e2e"); qgBinErr != nil {
			return
		}
		bin := filepath.Join(qgBinDir, "qualgraph")
		build := exec.Command("go", "build", "-o", bin, ".")
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := build.CombinedOutput(); err != nil {
			qgBinErr = fmt.Errorf("build qualgraph: %v\n%s", err, out)
			return
		}
		qgBin = bin
	})
	if qgBinErr != nil {
		t.Fatal(qgBinErr)
	}
	return qgBin
}

// qgCmd returns the command running the qualgraph binary in dir with args,
// with the environment testEnv.
func qgCmd(t *testing.T, dir string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(buildQG(t), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "QUALGRAPH_PROJECT=")
	for k, v := range testEnv {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	return cmd
}

// qgProc runs the qualgraph binary in a process of its own, in dir with
// args.
func qgProc(t *testing.T, dir string, args ...string) result {
	t.Helper()
	cmd := qgCmd(t, dir, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{out.String(), errb.String(), code}
}

// must runs qg and fails the test unless it exits 0.
func must(t *testing.T, dir string, args ...string) string {
	t.Helper()
	r := qg(t, dir, args...)
	if r.code != 0 {
		t.Fatalf("qualgraph %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r.stdout
}

// newDemo builds the demo's documents, uncoded, for the tests that code
// them themselves (demo_test.go tests the coded demo).
func newDemo(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "demo")
	must(t, ".", "demo", "--uncoded", dir)
	return dir
}

type docRow struct {
	ID    string         `json:"id"`
	Name  string         `json:"name"`
	Kind  string         `json:"kind"`
	Chars int            `json:"chars"`
	Attrs map[string]any `json:"attrs"`
}

func docsJSON(t *testing.T, dir string) []docRow {
	t.Helper()
	var docs []docRow
	if err := json.Unmarshal([]byte(must(t, dir, "docs", "--json")), &docs); err != nil {
		t.Fatal(err)
	}
	return docs
}

func TestDemoDocsShowSearch(t *testing.T) {
	dir := newDemo(t)
	docs := docsJSON(t, dir)
	if len(docs) != 5 {
		t.Fatalf("demo has %d documents, want 5", len(docs))
	}
	byName := map[string]docRow{}
	for _, d := range docs {
		byName[d.Name] = d
	}
	chen, ok := byName["interview_chen_en.txt"]
	if !ok || chen.Kind != "interview" || chen.Attrs["year"] != float64(2023) || chen.Attrs["region"] != "Jinlan" {
		t.Fatalf("interview_chen_en.txt: got %+v", chen)
	}

	var show struct {
		ID       string         `json:"id"`
		Name     string         `json:"name"`
		Text     string         `json:"text"`
		Attrs    map[string]any `json:"attrs"`
		Segments []struct {
			Start   int    `json:"start"`
			End     int    `json:"end"`
			Speaker string `json:"speaker"`
			BeginMS int64  `json:"begin_ms"`
			EndMS   int64  `json:"end_ms"`
		} `json:"segments"`
	}
	// By name and by id give the same document.
	for _, ref := range []string{"interview_chen_en.txt", chen.ID} {
		if err := json.Unmarshal([]byte(must(t, dir, "show", ref, "--json")), &show); err != nil {
			t.Fatal(err)
		}
		if show.ID != chen.ID {
			t.Fatalf("show %s: id %s, want %s", ref, show.ID, chen.ID)
		}
	}
	text := []rune(show.Text)
	if len(text) != chen.Chars {
		t.Fatalf("text has %d code points, docs says %d", len(text), chen.Chars)
	}
	speakers := map[string]bool{}
	for _, s := range show.Segments {
		speakers[s.Speaker] = true
		if s.Start < 0 || s.End > len(text) || s.Start >= s.End {
			t.Fatalf("segment %+v out of range", s)
		}
	}
	if !speakers["Chen"] || !speakers["Interviewer"] {
		t.Fatalf("speakers %v, want Chen and Interviewer", speakers)
	}

	// The VTT focus group keeps its cue times.
	if err := json.Unmarshal([]byte(must(t, dir, "show", "focus_group_park.vtt", "--json")), &show); err != nil {
		t.Fatal(err)
	}
	if len(show.Segments) < 20 || show.Segments[0].BeginMS != 4000 || show.Segments[0].Speaker != "Moderator" {
		t.Fatalf("vtt segments: %d, first %+v", len(show.Segments), show.Segments[0])
	}

	type hit struct {
		Doc     string  `json:"doc"`
		Start   int     `json:"start"`
		End     int     `json:"end"`
		Speaker string  `json:"speaker"`
		Score   float64 `json:"score"`
		Text    string  `json:"text"`
		Left    string  `json:"left"`
		Right   string  `json:"right"`
	}
	texts := map[string][]rune{}
	for _, d := range docs {
		var s struct {
			Text string `json:"text"`
		}
		json.Unmarshal([]byte(must(t, dir, "show", d.ID, "--json")), &s)
		texts[d.ID] = []rune(s.Text)
	}
	tests := []struct {
		name  string
		args  []string
		want  string // every hit's text, compared case-insensitively
		min   int
		check func(h hit) error
	}{
		{"Phrase", []string{"search", `"Science Bureau"`, "--json"}, "science bureau", 3, nil},
		{"Chinese", []string{"search", "产业升级", "--json"}, "产业升级", 2, nil},
		{"ChineseInMixed", []string{"search", "人才补贴", "--json"}, "人才补贴", 2, nil},
		{"KindFilter", []string{"search", "certification", "--kind", "policy", "--json"}, "certification", 1,
			func(h hit) error {
				if h.Doc != byName["policy_upgrading_plan.md"].ID {
					return fmt.Errorf("hit in %s, want the policy", h.Doc)
				}
				return nil
			}},
		{"SpeakerFilter", []string{"search", "subsidy", "--speaker", "Chen", "--json"}, "", 1,
			func(h hit) error {
				if h.Speaker != "Chen" {
					return fmt.Errorf("speaker %q", h.Speaker)
				}
				return nil
			}},
		{"AttrFilter", []string{"search", "kilns", "--attr", "firm_type=diversifying", "--json"}, "", 1,
			func(h hit) error {
				if h.Doc != byName["interview_wu_en.srt"].ID {
					return fmt.Errorf("hit in %s, want Wu's interview", h.Doc)
				}
				// Stemming: "kilns" also finds "kiln".
				if !strings.HasPrefix(strings.ToLower(h.Text), "kiln") {
					return fmt.Errorf("hit %q, want kiln or kilns", h.Text)
				}
				return nil
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var hits []hit
			if err := json.Unmarshal([]byte(must(t, dir, tc.args...)), &hits); err != nil {
				t.Fatal(err)
			}
			if len(hits) < tc.min {
				t.Fatalf("%d hits, want at least %d", len(hits), tc.min)
			}
			for _, h := range hits {
				got := string(texts[h.Doc][h.Start:h.End])
				if got != h.Text {
					t.Errorf("hit %s:%d-%d slices to %q, JSON text is %q", h.Doc, h.Start, h.End, got, h.Text)
				}
				if tc.want != "" && !strings.EqualFold(got, tc.want) {
					t.Errorf("hit text %q, want %q", got, tc.want)
				}
				if tc.check != nil {
					if err := tc.check(h); err != nil {
						t.Error(err)
					}
				}
			}
		})
	}
	// KWIC for people: one line per hit plus a count.
	out := must(t, dir, "search", "lock-in")
	if !strings.Contains(out, "interview_chen_en.txt") || !strings.Contains(out, " hits") {
		t.Fatalf("KWIC output:\n%s", out)
	}
	if strings.Contains(out, "\x1b[") {
		t.Fatal("colour codes with NO_COLOR set")
	}
	must(t, dir, "check")
	// Running the demo again on its folder shows the tour and changes nothing.
	if out := must(t, ".", "demo", "--uncoded", dir); !strings.Contains(out, "already") {
		t.Fatalf("second demo run: %s", out)
	}
	if n := len(docsJSON(t, dir)); n != 5 {
		t.Fatalf("after a second demo run: %d documents", n)
	}
}

func TestImportTwiceAndEncodings(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "p")
	must(t, ".", "init", dir)
	src := t.TempDir()
	text := "访谈者：您什么时候离开华星的？\n受访者林：2019年。我们做智能照明。\nInterviewer: And the subsidy?\n受访者林：镇政府给了人才补贴。\n"
	gb, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(src, "lin.txt"), []byte(text), 0o644)
	os.WriteFile(filepath.Join(src, "lin-gb.txt"), gb, 0o644)
	out := must(t, dir, "import", "--kind", "interview", "--attr", "year=2023", filepath.Join(src, "lin.txt"))
	if !strings.Contains(out, "Imported 1 documents") {
		t.Fatalf("import: %s", out)
	}
	for _, f := range []string{"lin.txt", "lin-gb.txt"} {
		out = must(t, dir, "import", filepath.Join(src, f))
		if !strings.Contains(out, "already imported") {
			t.Fatalf("importing %s again: %s", f, out)
		}
	}
	if docs := docsJSON(t, dir); len(docs) != 1 || docs[0].Attrs["year"] != float64(2023) {
		t.Fatalf("docs after re-import: %+v", docs)
	}
	var hits []struct {
		Speaker string `json:"speaker"`
		Text    string `json:"text"`
	}
	json.Unmarshal([]byte(must(t, dir, "search", "人才补贴", "--json")), &hits)
	if len(hits) != 1 || hits[0].Speaker != "受访者林" || hits[0].Text != "人才补贴" {
		t.Fatalf("hits %+v", hits)
	}
	must(t, dir, "attr", "set", "lin.txt", "region=Jinlan", "year=2024")
	docs := docsJSON(t, dir)
	if docs[0].Attrs["year"] != float64(2024) || docs[0].Attrs["region"] != "Jinlan" {
		t.Fatalf("attrs after set: %v", docs[0].Attrs)
	}
	json.Unmarshal([]byte(must(t, dir, "search", "人才补贴", "--attr", "year=2024", "--json")), &hits)
	if len(hits) != 1 {
		t.Fatalf("attr filter after attr set: %d hits", len(hits))
	}
	must(t, dir, "check")
}

func TestBadImportKeepsNothing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "p")
	must(t, ".", "init", dir)
	src := t.TempDir()
	os.WriteFile(filepath.Join(src, "good.txt"), []byte("Chen: We left Huaxing in 2019.\n"), 0o644)
	os.WriteFile(filepath.Join(src, "empty.txt"), nil, 0o644)
	os.WriteFile(filepath.Join(src, "binary.txt"), []byte{0x7f, 'E', 'L', 'F', 0, 0, 1, 2, 0, 0, 0, 3}, 0o644)
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"Empty", []string{"import", src}, 1, "empty.txt"},
		{"Binary", []string{"import", filepath.Join(src, "binary.txt")}, 1, "binary.txt"},
		{"Missing", []string{"import", filepath.Join(src, "nope.txt")}, 1, "nope.txt"},
		{"UnknownKind", []string{"import", "--kind", "diary", filepath.Join(src, "good.txt")}, 1, "diary"},
		{"Usage", []string{"import"}, 2, "usage"},
		{"BadFlag", []string{"import", "--nope", filepath.Join(src, "good.txt")}, 2, "nope"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := qg(t, dir, tc.args...)
			if r.code != tc.code || !strings.Contains(r.stderr, tc.msg) {
				t.Fatalf("exit %d (want %d), stderr %q (want it to name %q)", r.code, tc.code, r.stderr, tc.msg)
			}
			if docs := docsJSON(t, dir); len(docs) != 0 {
				t.Fatalf("a refused import kept %d documents", len(docs))
			}
			ents, _ := os.ReadDir(filepath.Join(dir, "sources"))
			if len(ents) != 0 {
				t.Fatalf("a refused import left %d files in sources/", len(ents))
			}
			must(t, dir, "check")
		})
	}
}

// TestWriterLock holds a project for writing: a second writer waits
// briefly, then fails naming the holder; readers go on as if nothing held
// it.
func TestWriterLock(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "p")
	must(t, ".", "init", dir)
	f := filepath.Join(t.TempDir(), "a.txt")
	os.WriteFile(f, []byte("Chen: hello cluster\n"), 0o644)
	must(t, dir, "import", f)
	p, err := project.Open(dir, project.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	for _, args := range [][]string{{"docs"}, {"search", "cluster"}, {"codings"}, {"show", "a.txt"}, {"links"}} {
		if r := qg(t, dir, args...); r.code != 0 {
			t.Errorf("%v while a writer holds the project: exit %d, %s", args, r.code, r.stderr)
		}
	}
	start := time.Now()
	r := qg(t, dir, "attr", "set", "a.txt", "year=2020")
	d := time.Since(start)
	if r.code != 1 || !strings.Contains(r.stderr, "in use") || !strings.Contains(r.stderr, fmt.Sprintf("pid %d", os.Getpid())) {
		t.Fatalf("exit %d, stderr %q: want exit 1 naming pid %d", r.code, r.stderr, os.Getpid())
	}
	if d < project.LockWait || d > project.LockWait+3*time.Second {
		t.Fatalf("the second writer gave up after %v, want about %v", d, project.LockWait)
	}
}

func TestFindProject(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "p")
	must(t, ".", "init", dir)
	sub := filepath.Join(dir, "sources")
	if out := must(t, sub, "docs", "--json"); strings.TrimSpace(out) != "[]" {
		t.Fatalf("docs from inside the project: %q", out)
	}
	other := t.TempDir()
	if r := qg(t, other, "docs"); r.code != 1 || !strings.Contains(r.stderr, "no qualgraph project") {
		t.Fatalf("outside a project: exit %d, %q", r.code, r.stderr)
	}
	if out := must(t, other, "--project", dir, "docs", "--json"); strings.TrimSpace(out) != "[]" {
		t.Fatalf("--project: %q", out)
	}
}

// TestKillDuringImport kills an import at several moments and checks that
// the project opens and passes check, with all of the import or none.
func TestKillDuringImport(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	src := t.TempDir()
	files := synth.Generate(7, 300, synth.Options{DocSize: 12000})
	if err := synth.WriteDir(src, files); err != nil {
		t.Fatal(err)
	}
	for _, delay := range []time.Duration{50 * time.Millisecond, 300 * time.Millisecond, 800 * time.Millisecond, 1500 * time.Millisecond} {
		t.Run(delay.String(), func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "p")
			must(t, ".", "init", dir)
			cmd := qgCmd(t, ".", "--project", dir, "import", src)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(delay)
			cmd.Process.Signal(syscall.SIGKILL)
			cmd.Wait()
			r := qg(t, dir, "check")
			if r.code != 0 {
				t.Fatalf("check after kill -9 at %v: exit %d\n%s%s", delay, r.code, r.stdout, r.stderr)
			}
			n := len(docsJSON(t, dir))
			if n != 0 && n != len(files) {
				t.Fatalf("after kill -9 at %v the project holds %d of %d documents", delay, n, len(files))
			}
			t.Logf("killed at %v: %d documents", delay, n)
		})
	}
}
