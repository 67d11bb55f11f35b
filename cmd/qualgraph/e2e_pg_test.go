package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math/rand"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/qualgraph/qualgraph/demo"
	"github.com/qualgraph/qualgraph/internal/pgtest"
	"github.com/qualgraph/qualgraph/project"
)

// Team projects on PostgreSQL (issue 11), through the command line.

// pgTexts are the documents the PostgreSQL tests import: CJK and emoji
// so that offsets in code points are exercised.
var pgTexts = map[string]string{
	"chen.txt": "Chen: The Science Bureau gave us seed funding in 2020. We lobbied the bureau for land.\n\n" +
		"Lin: The association sets standards 🚁 for drones. 陈浩说：协会要成立专委会。\n",
	"wu.txt": "Wu: I spoke for Chen at the association.\n\nHuang: Our lab co-developed the heat sink.\n",
}

// writePGTexts writes pgTexts into a new folder and returns it.
func writePGTexts(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range pgTexts {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// idOf returns the first field of the line of out that contains s.
func idOf(t *testing.T, out, s string) string {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, s) {
			return strings.Fields(line)[0]
		}
	}
	t.Fatalf("no line with %q in:\n%s", s, out)
	return ""
}

// pgCodings returns the codings of the project in dir, from codings
// --json with the flags given.
func pgCodings(t *testing.T, dir string, flags ...string) []map[string]any {
	t.Helper()
	var cs []map[string]any
	if err := json.Unmarshal([]byte(must(t, ".", append([]string{"--project", dir, "codings", "--json"}, flags...)...)), &cs); err != nil {
		t.Fatal(err)
	}
	return cs
}

// everyKindOfChange makes, in the project at dir, a change of every kind
// the record holds: imports, codings, recodes and uncodes, emergent codes
// and a promotion, entities, mentions, assertions and a retraction,
// memos, attributes, users and blind mode.
func everyKindOfChange(t *testing.T, dir, texts string) {
	t.Helper()
	p := []string{"--project", dir}
	run := func(args ...string) string {
		t.Helper()
		return must(t, ".", append(p, args...)...)
	}
	run("import", "--kind", "interview", filepath.Join(texts, "chen.txt"), filepath.Join(texts, "wu.txt"))
	run("code", "--coder", "ann", "chen.txt", "--quote", "We lobbied the bureau for land", "Lobbying")
	run("code", "--coder", "ann", "chen.txt", "--quote", "gave us seed funding", "ResourceMobilisation")
	run("code", "--coder", "bo", "chen.txt", "--quote", "陈浩说：协会要成立专委会", "Certification")
	run("code", "--coder", "bo", "wu.txt", "--quote", "I spoke for Chen", "Lobbying")
	cs := pgCodings(t, dir)
	byQuote := func(q string) string {
		for _, c := range cs {
			if strings.Contains(c["text"].(string), q) {
				return c["id"].(string)
			}
		}
		t.Fatalf("no coding of %q", q)
		return ""
	}
	run("recode", "--coder", "ann", byQuote("seed funding"), "LandPolicy")
	run("uncode", "--coder", "bo", byQuote("I spoke for Chen"))
	run("codebook", "add", "--coder", "ann", "HeatSink")
	run("code", "--coder", "ann", "wu.txt", "--quote", "the heat sink", "HeatSink")
	run("codebook", "promote", "--coder", "ann", "HeatSink", "--parent", "Lobbying")
	run("entity", "add", "--coder", "ann", "pgbureau", "--type", "LocalGovernment", "--name", "Science Bureau")
	run("entity", "add", "--coder", "ann", "pgchen", "--type", "SpinoffFounder", "--alias", "陈浩")
	run("mention", "--coder", "ann", "chen.txt", "10", "24", "pgbureau") // Science Bureau
	run("assert", "--coder", "ann", "pgbureau", "funds", "pgchen", "--evidence", "chen.txt:The Science Bureau gave us seed funding")
	out := run("assert", "--coder", "bo", "pgchen", "lobbies", "pgbureau", "--evidence", "chen.txt:We lobbied the bureau")
	run("retract", "--coder", "bo", idOf(t, out, "lobbies")[:8], "--reason", "Lin speaks, not Chen")
	run("memo", "add", "--coder", "ann", "code:Lobbying", "Lobbying covers land requests 🚁")
	run("attr", "set", "chen.txt", "region=north", "date=2021-03-01")
	run("user", "add", "--coder", "ann", "ann", "--role", "owner")
	run("user", "add", "--coder", "ann", "cai", "--role", "coder")
	run("blind", "on", "--coder", "ann")
}

// timeRE matches a time stamp in JSON or N-Quads.
var timeRE = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?`)

// tokenRE matches the hash of a user's token (random) in N-Quads.
var tokenRE = regexp.MustCompile(`(<qg:tokenSha> )"[0-9a-f]{64}"`)

// answers returns what the project at dir answers to the listing commands
// and its export, the export's lines sorted; with noTimes, time stamps
// and token hashes are blanked (two projects made one after the other
// differ in them).
func answers(t *testing.T, dir string, noTimes bool) map[string]string {
	t.Helper()
	got := map[string]string{}
	for name, args := range map[string][]string{
		"nquads":     {"export", "nquads", "-"},
		"codings":    {"codings", "--json"},
		"assertions": {"assertions", "--json"},
		"memos":      {"memos", "--json"},
		"entities":   {"entity", "list", "--json"},
		"docs":       {"docs", "--json"},
		"users":      {"user", "list", "--json"},
		"log":        {"log", "--json"},
		"codebook":   {"codebook", "list", "--json"},
		"search":     {"search", "--json", "bureau"},
	} {
		out := must(t, ".", append([]string{"--project", dir}, args...)...)
		if name == "nquads" {
			out = strings.Join(sortedQuads(out), "\n")
		}
		if noTimes {
			out = timeRE.ReplaceAllString(out, "TIME")
			out = tokenRE.ReplaceAllString(out, "${1}TOKEN")
		}
		got[name] = out
	}
	return got
}

// sameAnswers fails the test where got and want differ.
func sameAnswers(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	for name, w := range want {
		g := got[name]
		if g == w {
			continue
		}
		gl, wl := strings.Split(g, "\n"), strings.Split(w, "\n")
		for i := 0; i < max(len(gl), len(wl)); i++ {
			if i >= len(gl) || i >= len(wl) || gl[i] != wl[i] {
				t.Errorf("%s: %s differs from line %d on (%d lines, want %d):\n got: %.1000s\nwant: %.1000s",
					what, name, i+1, len(gl), len(wl), strings.Join(gl[i:min(i+3, len(gl))], "\n"), strings.Join(wl[i:min(i+3, len(wl))], "\n"))
				break
			}
		}
	}
}

// seedIDs makes the ids the project draws (uuid) the same sequence in
// every run, so that two projects built by the same steps hold the same
// ids.
func seedIDs(t *testing.T) {
	uuid.SetRand(rand.New(rand.NewSource(11)))
	t.Cleanup(func() { uuid.SetRand(nil) })
}

// TestPGProjectAnswersAsLocal makes a project in PostgreSQL with init
// --db and a local one, makes the same changes of every kind in both
// through the command line, and checks that they give the same answers:
// the same sorted N-Quads export and the same listings (time stamps
// aside), and that check passes on the database's project.
func TestPGProjectAnswersAsLocal(t *testing.T) {
	dsn := pgtest.DSN(t)
	texts := writePGTexts(t)
	local := filepath.Join(t.TempDir(), "local")
	pg := filepath.Join(t.TempDir(), "pg")
	must(t, ".", "init", local)
	if out := must(t, ".", "init", pg, "--db", dsn); !strings.Contains(out, "in database") {
		t.Errorf("init --db said %q", out)
	}
	for _, dir := range []string{local, pg} {
		seedIDs(t)
		everyKindOfChange(t, dir, texts)
	}
	want := answers(t, local, true)
	got := answers(t, pg, true)
	sameAnswers(t, "the project in PostgreSQL", got, want)
	if !strings.Contains(want["codings"], "HeatSink") || !strings.Contains(want["assertions"], "retracted") {
		t.Fatalf("the changes were not all made: %s %s", want["codings"], want["assertions"])
	}
	if out := must(t, ".", "--project", pg, "check"); !strings.Contains(out, "agree") {
		t.Errorf("check on the database's project: %s", out)
	}
	// The folder is a cache: no record, no sources.
	for _, name := range []string{project.RecordFile, project.SourcesDir} {
		if _, err := os.Stat(filepath.Join(pg, name)); !os.IsNotExist(err) {
			t.Errorf("the cache folder holds %s (%v)", name, err)
		}
	}
}

// TestPGCache checks the cache folder of a project in PostgreSQL: a
// second folder made with init --join answers as the first and sees its
// changes; init --db of a database that holds a project is refused; a
// cache whose derived stores are lost is rebuilt from the database; a
// folder pointed at another project's database is refused.
func TestPGCache(t *testing.T) {
	dsn := pgtest.DSN(t)
	texts := writePGTexts(t)
	first := filepath.Join(t.TempDir(), "first")
	must(t, ".", "init", first, "--db", dsn)
	must(t, ".", "--project", first, "import", filepath.Join(texts, "chen.txt"))
	must(t, ".", "--project", first, "code", "--coder", "ann", "chen.txt", "--quote", "seed funding", "ResourceMobilisation")

	second := filepath.Join(t.TempDir(), "second")
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"InitOnProject", []string{"init", second, "--db", dsn}, exitInput, "already holds a qualgraph project"},
		{"JoinWithoutDB", []string{"init", second, "--join"}, exitUsage, "needs --db"},
		{"Join", []string{"init", second, "--db", dsn, "--join"}, 0, "a cache of the project"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := qg(t, ".", c.args...)
			if r.code != c.code || !strings.Contains(r.stdout+r.stderr, c.want) {
				t.Errorf("qualgraph %s: exit %d, %s%s; want exit %d and %q", strings.Join(c.args, " "), r.code, r.stdout, r.stderr, c.code, c.want)
			}
		})
	}
	must(t, ".", "--project", second, "code", "--coder", "bo", "chen.txt", "--quote", "We lobbied the bureau", "Lobbying")
	// A code promoted through one folder is a class of the other's
	// ontology file too, and codes there.
	must(t, ".", "--project", first, "codebook", "add", "--coder", "ann", "LandRequests")
	must(t, ".", "--project", first, "codebook", "promote", "--coder", "ann", "LandRequests", "--parent", "Lobbying")
	must(t, ".", "--project", second, "code", "--coder", "bo", "chen.txt", "--quote", "for land", "LandRequests")
	if ont, err := os.ReadFile(filepath.Join(second, project.OntologyFile)); err != nil || !strings.Contains(string(ont), "LandRequests") {
		t.Errorf("the second folder's ontology lacks the class promoted through the first (%v):\n%s", err, ont)
	}
	want := answers(t, first, false)
	sameAnswers(t, "the joined cache", answers(t, second, false), want)
	if !strings.Contains(want["codings"], "Lobbying") || !strings.Contains(want["codings"], "ResourceMobilisation") {
		t.Errorf("the first cache lacks a coding: %s", want["codings"])
	}

	// Lost derived stores are made afresh from the database.
	if err := os.RemoveAll(filepath.Join(second, project.GraphDir)); err != nil {
		t.Fatal(err)
	}
	r := qg(t, ".", "--project", second, "codings")
	if r.code != 0 || !strings.Contains(r.stderr, "rebuilt the local cache") || !strings.Contains(r.stdout, "Lobbying") {
		t.Errorf("codings on a cache without its graph: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	sameAnswers(t, "the rebuilt cache", answers(t, second, false), want)

	// A cache of another database's project is refused.
	other := pgtest.DSN(t)
	must(t, ".", "init", filepath.Join(t.TempDir(), "other"), "--db", other)
	meta, err := os.ReadFile(filepath.Join(second, project.MetaFile))
	if err != nil {
		t.Fatal(err)
	}
	moved := bytes.ReplaceAll(meta, []byte(project.RedactDSN(dsn)), []byte(project.RedactDSN(other)))
	if bytes.Equal(moved, meta) {
		t.Fatalf("%s does not name %s: %s", project.MetaFile, dsn, meta)
	}
	if err := os.WriteFile(filepath.Join(second, project.MetaFile), moved, 0o644); err != nil {
		t.Fatal(err)
	}
	r = qg(t, ".", "--project", second, "codings")
	if r.code == 0 || !strings.Contains(r.stderr, "is the cache of database project") {
		t.Errorf("codings on the cache of another database: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestMigrateRoundTrip moves a realistic project (the demo, and a change
// of every kind besides) into PostgreSQL and back: each step gives the
// same answers, the same sorted N-Quads export byte for byte, and in the
// end the same record and sources, byte for byte.
func TestMigrateRoundTrip(t *testing.T) {
	dsn := pgtest.DSN(t)
	dir := filepath.Join(t.TempDir(), "demo")
	if _, err := demo.Build(context.Background(), dir, demo.Options{}); err != nil {
		t.Fatal(err)
	}
	everyKindOfChange(t, dir, writePGTexts(t))
	want := answers(t, dir, false)
	wantRecord, err := os.ReadFile(filepath.Join(dir, project.RecordFile))
	if err != nil {
		t.Fatal(err)
	}
	wantSources := folderFiles(t, filepath.Join(dir, project.SourcesDir))

	if out := must(t, ".", "migrate", dir, "--to", dsn); !strings.Contains(out, "into database") {
		t.Errorf("migrate --to postgres said %q", out)
	}
	if _, err := os.Stat(filepath.Join(dir, project.RecordFile)); !os.IsNotExist(err) {
		t.Errorf("after migrate --to postgres, %s is still there (%v)", project.RecordFile, err)
	}
	sameAnswers(t, "in PostgreSQL", answers(t, dir, false), want)
	if out := must(t, ".", "--project", dir, "check"); !strings.Contains(out, "agree") {
		t.Errorf("check in PostgreSQL: %s", out)
	}
	r := qg(t, ".", "migrate", dir, "--to", dsn)
	if r.code != exitInput || !strings.Contains(r.stderr, "kept in database") {
		t.Errorf("migrate --to postgres again: exit %d, %s", r.code, r.stderr)
	}
	r = qg(t, ".", "migrate", dir, "--to", "mysql")
	if r.code != exitUsage {
		t.Errorf("migrate --to mysql: exit %d, %s", r.code, r.stderr)
	}

	if out := must(t, ".", "migrate", dir, "--to", "bbolt"); !strings.Contains(out, "local project again") || !strings.Contains(out, "keeps the project as it was and takes no more changes") {
		t.Errorf("migrate --to bbolt said %q", out)
	}
	sameAnswers(t, "back in the folder", answers(t, dir, false), want)
	gotRecord, err := os.ReadFile(filepath.Join(dir, project.RecordFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(gotRecord, wantRecord) {
		t.Errorf("the record differs after the round trip: %d bytes, was %d", len(gotRecord), len(wantRecord))
	}
	if got := folderFiles(t, filepath.Join(dir, project.SourcesDir)); !maps.Equal(got, wantSources) {
		t.Errorf("the sources differ after the round trip: %d files, were %d", len(got), len(wantSources))
	}
	if out := must(t, ".", "--project", dir, "check"); !strings.Contains(out, "agree") {
		t.Errorf("check after the round trip: %s", out)
	}
	// Into the database it was moved out of, and back with --drop-db:
	// the database is empty again.
	if r := qg(t, ".", "migrate", dir, "--to", dsn, "--drop-db"); r.code != exitUsage {
		t.Errorf("migrate --to postgres --drop-db: exit %d, %s", r.code, r.stderr)
	}
	must(t, ".", "migrate", dir, "--to", dsn)
	if out := must(t, ".", "migrate", dir, "--to", "bbolt", "--drop-db"); !strings.Contains(out, "Dropped the project's tables") {
		t.Errorf("migrate --to bbolt --drop-db said %q", out)
	}
	sameAnswers(t, "back in the folder after --drop-db", answers(t, dir, false), want)
	must(t, ".", "init", filepath.Join(t.TempDir(), "again"), "--db", dsn)
	// A project in one database does not move into another that holds
	// a project.
	other := pgtest.DSN(t)
	must(t, ".", "init", filepath.Join(t.TempDir(), "other"), "--db", other)
	r = qg(t, ".", "migrate", dir, "--to", other)
	if r.code == 0 || !strings.Contains(r.stderr, "already holds a qualgraph project") {
		t.Errorf("migrate into a database with another project: exit %d, %s", r.code, r.stderr)
	}
}

// folderFiles returns the files of dir and their content.
func folderFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = string(b)
	}
	return files
}

// TestDumpRestoreServe backs a project in PostgreSQL up with pg_dump and
// restores it into a fresh database: qualgraph serve --db on the restored
// database makes a fresh cache folder and serves the project, which gives
// the same answers as at the time of the dump; and a cache folder that had
// applied changes made after the dump, pointed at the restored database,
// is rebuilt from it rather than trusted.
func TestDumpRestoreServe(t *testing.T) {
	bin := pgtest.BinDir(t)
	dsn := pgtest.DSN(t)
	dir := filepath.Join(t.TempDir(), "pg")
	must(t, ".", "init", dir, "--db", dsn)
	everyKindOfChange(t, dir, writePGTexts(t))
	token := regexp.MustCompile(`[0-9a-f]{64}`).FindString(must(t, ".", "--project", dir, "user", "add", "--coder", "ann", "dora", "--role", "owner"))
	if token == "" {
		t.Fatal("user add printed no token")
	}
	want := answers(t, dir, false)
	dump := filepath.Join(t.TempDir(), "project.dump")
	if out, err := exec.Command(filepath.Join(bin, "pg_dump"), "-Fc", "-f", dump, "-d", dsn).CombinedOutput(); err != nil {
		t.Fatalf("pg_dump: %v\n%s", err, out)
	}
	// A change after the backup, which the restored project lacks.
	must(t, ".", "--project", dir, "code", "--coder", "ann", "wu.txt", "--quote", "Our lab", "Lobbying")

	restored := pgtest.DSN(t)
	if out, err := exec.Command(filepath.Join(bin, "pg_restore"), "--no-owner", "-d", restored, dump).CombinedOutput(); err != nil {
		t.Fatalf("pg_restore: %v\n%s", err, out)
	}
	cache := filepath.Join(t.TempDir(), "cache")
	cmd, base, stderr := startServe(t, time.Minute, "serve", "--db", restored, "--cache", cache, "--addr", "127.0.0.1:0")
	req, _ := http.NewRequest("GET", base+"api/memos", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), "Lobbying covers land requests 🚁") {
		t.Errorf("GET /api/memos of the restored project: %d %s", resp.StatusCode, b)
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("serve --db after Ctrl-C: %v; stderr: %s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "a cache of the project") {
		t.Errorf("serve --db --cache did not say it made the cache: %s", stderr.String())
	}
	sameAnswers(t, "the restored project", answers(t, cache, false), want)

	// The first cache has applied the change made after the dump: pointed
	// at the restored database, it is ahead of its record, and rebuilt.
	meta, err := os.ReadFile(filepath.Join(dir, project.MetaFile))
	if err != nil {
		t.Fatal(err)
	}
	meta = bytes.ReplaceAll(meta, []byte(project.RedactDSN(dsn)), []byte(project.RedactDSN(restored)))
	if err := os.WriteFile(filepath.Join(dir, project.MetaFile), meta, 0o644); err != nil {
		t.Fatal(err)
	}
	r := qg(t, ".", "--project", dir, "codings")
	if r.code != 0 || !strings.Contains(r.stderr, "rebuilt the local cache") || strings.Contains(r.stdout, "Our lab") {
		t.Errorf("codings on a cache ahead of the restored database: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	sameAnswers(t, "the old cache on the restored project", answers(t, dir, false), want)
}

// startServe starts the qualgraph binary with args (a serve command) and
// returns it with the URL it serves at and its standard error; it fails
// the test if the command has not said where it serves within wait. The
// command is killed when the test ends.
func startServe(t *testing.T, wait time.Duration, args ...string) (*exec.Cmd, string, *strings.Builder) {
	t.Helper()
	cmd := qgCmd(t, ".", args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := &strings.Builder{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	url := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`serving .* at (http://127\.0\.0\.1:\d+/)`)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				url <- m[1]
			}
		}
		close(url)
	}()
	select {
	case u, ok := <-url:
		if !ok {
			cmd.Wait()
			t.Fatalf("qualgraph %s ended without serving: %s", strings.Join(args, " "), stderr.String())
		}
		return cmd, u, stderr
	case <-time.After(wait):
		t.Fatalf("qualgraph %s did not say where it serves; stderr: %s", strings.Join(args, " "), stderr.String())
	}
	return nil, "", nil
}

// TestKillServePG kills qualgraph serve --db with SIGKILL at random
// moments while a coder codes through its API, and serves again from the
// same cache folder each time: every coding the API acknowledged is there
// afterwards, once, and check passes; then it kills bulk auto-coding
// (qualgraph autocode) part way, and check passes after each kill.
func TestKillServePG(t *testing.T) {
	dsn := pgtest.DSN(t)
	cache := filepath.Join(t.TempDir(), "cache")
	must(t, ".", "init", cache, "--db", dsn)
	must(t, ".", "--project", cache, "import", filepath.Join(writePGTexts(t), "chen.txt"))
	rng := rand.New(rand.NewSource(int64(os.Getpid())))
	acked := map[string]bool{}
	const kills = 20
	for round := range kills {
		cmd, base, _ := startServe(t, time.Minute, "serve", "--db", dsn, "--cache", cache, "--addr", "127.0.0.1:0")
		deadline := time.Now().Add(time.Duration(50+rng.Intn(400)) * time.Millisecond)
		stop := make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				body := fmt.Sprintf(`{"doc":"chen.txt","start":%d,"end":%d,"code":"Lobbying"}`, i%100, i%100+3+round)
				resp, err := http.Post(base+"api/codings", "application/json", strings.NewReader(body))
				if err != nil {
					return // killed
				}
				var res struct {
					Coding struct {
						ID string `json:"id"`
					} `json:"coding"`
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode == 200 && json.Unmarshal(b, &res) == nil && res.Coding.ID != "" {
					acked[res.Coding.ID] = true
				}
			}
		}()
		time.Sleep(time.Until(deadline))
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		cmd.Wait()
		close(stop)
		<-done
	}
	if len(acked) == 0 {
		t.Fatal("no coding was acknowledged before the kills")
	}
	seen := map[string]int{}
	for _, c := range pgCodings(t, cache) {
		seen[c["id"].(string)]++
	}
	for id := range acked {
		if seen[id] != 1 {
			t.Errorf("acknowledged coding %s is there %d times", id, seen[id])
		}
	}
	if out := must(t, ".", "--project", cache, "check"); !strings.Contains(out, "agree") {
		t.Errorf("check after %d kills: %s", kills, out)
	}
	t.Logf("%d codings acknowledged across %d kills", len(acked), kills)

	// Bulk auto-coding killed part way records all of its entry or none
	// of it: check passes after each kill, and a run to the end codes.
	for range 5 {
		cmd := qgCmd(t, ".", "--project", cache, "autocode", "--coder", "auto")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(20+rng.Intn(300)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		if out := must(t, ".", "--project", cache, "check"); !strings.Contains(out, "agree") {
			t.Fatalf("check after autocode was killed: %s", out)
		}
	}
	must(t, ".", "--project", cache, "autocode", "--coder", "auto")
	// Seven cue sentences in chen.txt, each coded once however many
	// killed runs coded them before.
	if auto := pgCodings(t, cache, "--coder", "auto"); len(auto) != 7 {
		t.Errorf("autocode after the kills: %d codings by auto, want 7", len(auto))
	}
	for id := range acked {
		seen[id] = 0
	}
	for _, c := range pgCodings(t, cache) {
		seen[c["id"].(string)]++
	}
	for id := range acked {
		if seen[id] != 1 {
			t.Errorf("after autocode: acknowledged coding %s is there %d times", id, seen[id])
		}
	}
}
