//go:build unix

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/qualgraph/qualgraph/corpus/synth"
)

// The crash tests run real qualgraph processes and kill them (SIGKILL) at
// random moments. The moments come from a seed that each test prints;
// QUALGRAPH_CRASH_SEED=N runs them again with seed N.

// crashRand returns the random source of a crash test and logs its seed.
func crashRand(t *testing.T) *rand.Rand {
	t.Helper()
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("QUALGRAPH_CRASH_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("QUALGRAPH_CRASH_SEED=%q: %v", s, err)
		}
		seed = n
	}
	t.Logf("seed %d (QUALGRAPH_CRASH_SEED=%d repeats this run)", seed, seed)
	return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
}

// crashKills is how many processes each path kills.
func crashKills() int {
	if testing.Short() {
		return 5
	}
	return 20
}

// killed is a process run by runKilled.
type killed struct {
	killed bool // SIGKILL ended it; false: it ended on its own first
	code   int  // its exit status when it ended on its own
	stdout string
	stderr string
	took   time.Duration
}

// runKilled starts cmd and kills it with SIGKILL after d, unless it ended
// before.
func runKilled(t *testing.T, cmd *exec.Cmd, d time.Duration) killed {
	t.Helper()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	timer := time.AfterFunc(d, func() { cmd.Process.Signal(syscall.SIGKILL) })
	err := cmd.Wait()
	timer.Stop()
	k := killed{stdout: out.String(), stderr: errb.String(), took: time.Since(start)}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
			k.killed = true
		} else {
			k.code = ee.ExitCode()
		}
	case err != nil:
		t.Fatal(err)
	}
	return k
}

// copyTree copies the folder src to dst, which must not exist.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		to := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		in, err := os.Open(path)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.Create(to)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
	if err != nil {
		t.Fatal(err)
	}
}

// crashCorpus writes n generated documents of about size bytes to a new
// folder and returns it.
func crashCorpus(t *testing.T, seed int64, n, size int) string {
	t.Helper()
	src := filepath.Join(t.TempDir(), "src")
	if err := synth.WriteDir(src, synth.Generate(seed, n, synth.Options{DocSize: size})); err != nil {
		t.Fatal(err)
	}
	return src
}

// codedProject returns a closed project holding the documents of a
// generated corpus, its index caught up, and the name of one document.
func codedProject(t *testing.T) (dir, doc string) {
	t.Helper()
	dir = filepath.Join(t.TempDir(), "tmpl")
	must(t, ".", "init", dir)
	must(t, dir, "import", crashCorpus(t, 11, 30, 6000))
	must(t, dir, "check")
	docs := docsJSON(t, dir)
	if len(docs) != 30 {
		t.Fatalf("the template holds %d documents, want 30", len(docs))
	}
	return dir, docs[0].Name
}

// countBy returns the number of codings by coder in the project in dir,
// as a reader sees them.
func countBy(t *testing.T, dir, coder string) int {
	t.Helper()
	var cs []json.RawMessage
	if err := json.Unmarshal([]byte(must(t, dir, "codings", "--coder", coder, "--json")), &cs); err != nil {
		t.Fatal(err)
	}
	return len(cs)
}

// lagMsg is how check names the one problem a kill may leave: a store
// that has not applied all of the record yet, which the next writer
// applies.
const lagMsg = "the next command that writes"

// checkAfterKill runs check on a project a writer was killed in. It
// passes, or its only problems are stores behind the record; it reports
// whether they were.
func checkAfterKill(t *testing.T, dir string) (behind bool) {
	t.Helper()
	r := qg(t, dir, "check", "--json")
	var rep struct {
		Problems []struct {
			Msg string `json:"message"`
		} `json:"problems"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("check --json: exit %d, %v\nstdout: %s\nstderr: %s", r.code, err, r.stdout, r.stderr)
	}
	for _, p := range rep.Problems {
		if !strings.Contains(p.Msg, lagMsg) {
			t.Fatalf("check after kill -9: exit %d, problem %q", r.code, p.Msg)
		}
	}
	if (r.code == 0) != (len(rep.Problems) == 0) {
		t.Fatalf("check: exit %d with %d problems", r.code, len(rep.Problems))
	}
	return len(rep.Problems) > 0
}

var codedRE = regexp.MustCompile(`(?m)^Coded (\d+) spans`)

// TestKillDuringAutocode kills a bulk auto-coding at random moments. A
// kill after it printed its result leaves all its codings; one before
// leaves all or none, never part; check passes (or names only what the
// next writer applies) and the next write works and leaves check clean.
func TestKillDuringAutocode(t *testing.T) {
	rng := crashRand(t)
	tmpl, doc := codedProject(t)

	// An uncut run says what the auto-coding codes and how long it takes.
	cal := filepath.Join(t.TempDir(), "cal")
	copyTree(t, tmpl, cal)
	full := runKilled(t, qgCmd(t, cal, "autocode", "--coder", "bot"), time.Hour)
	m := codedRE.FindStringSubmatch(full.stdout)
	if full.code != 0 || m == nil {
		t.Fatalf("autocode: exit %d\nstdout: %s\nstderr: %s", full.code, full.stdout, full.stderr)
	}
	want, _ := strconv.Atoi(m[1])
	if n := countBy(t, cal, "bot"); want == 0 || n != want {
		t.Fatalf("autocode printed %d codings, codings lists %d", want, n)
	}
	t.Logf("autocode codes %d spans in %v", want, full.took)

	kills, printed, all, behind := 0, 0, 0, 0
	for try := 0; kills < crashKills() && try < 4*crashKills(); try++ {
		dir := filepath.Join(t.TempDir(), "p")
		copyTree(t, tmpl, dir)
		at := time.Duration(rng.Int64N(int64(full.took)))
		k := runKilled(t, qgCmd(t, dir, "autocode", "--coder", "bot"), at)
		if !k.killed {
			if k.code != 0 || countBy(t, dir, "bot") != want {
				t.Fatalf("autocode ended before the kill at %v: exit %d, %d codings, want %d\n%s", at, k.code, countBy(t, dir, "bot"), want, k.stderr)
			}
			continue
		}
		kills++
		acked := codedRE.MatchString(k.stdout)
		n := countBy(t, dir, "bot")
		switch {
		case acked && n != want:
			t.Fatalf("kill at %v after autocode printed %q: a reader sees %d of its %d codings", at, strings.TrimSpace(k.stdout), n, want)
		case n != 0 && n != want:
			t.Fatalf("kill at %v: a reader sees %d of the autocode's %d codings", at, n, want)
		}
		if checkAfterKill(t, dir) {
			behind++
		}
		must(t, dir, "code", doc, "0", "5", "LocalGovernment")
		must(t, dir, "check")
		after := countBy(t, dir, "bot")
		switch {
		case after != 0 && after != want:
			t.Fatalf("kill at %v: after the next write %d of the autocode's %d codings", at, after, want)
		case after < n:
			t.Fatalf("kill at %v: %d codings before the next write, %d after", at, n, after)
		}
		if n := countBy(t, dir, "tester"); n != 1 {
			t.Fatalf("kill at %v: the write after it left %d codings, want 1", at, n)
		}
		if acked {
			printed++
		}
		if after == want {
			all++
		}
	}
	if kills < crashKills() {
		t.Fatalf("%d kills landed, want %d", kills, crashKills())
	}
	t.Logf("%d kills: %d after the result was printed, %d left all codings (%d only after the next write caught up), the rest none", kills, printed, all, behind)
}

var importedRE = regexp.MustCompile(`(?m)^Imported (\d+) documents`)

// TestKillDuringBulkImport kills an import of a folder of many documents
// at random moments: the project holds all of them or none, all if the
// import said so; check passes (or names only what the next writer
// applies); the next import works and leaves check clean.
func TestKillDuringBulkImport(t *testing.T) {
	rng := crashRand(t)
	const n = 80
	src := crashCorpus(t, 13, n, 4000)
	extra := filepath.Join(t.TempDir(), "extra.txt")
	if err := os.WriteFile(extra, []byte("Chen: We left Huaxing in 2019 and joined the cluster.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(t.TempDir(), "empty")
	must(t, ".", "init", empty)

	cal := filepath.Join(t.TempDir(), "cal")
	copyTree(t, empty, cal)
	full := runKilled(t, qgCmd(t, cal, "import", src), time.Hour)
	if full.code != 0 || !importedRE.MatchString(full.stdout) {
		t.Fatalf("import: exit %d\nstdout: %s\nstderr: %s", full.code, full.stdout, full.stderr)
	}
	t.Logf("import of %d documents takes %v", n, full.took)

	kills, none, reimported := 0, 0, false
	for try := 0; kills < crashKills() && try < 4*crashKills(); try++ {
		dir := filepath.Join(t.TempDir(), "p")
		copyTree(t, empty, dir)
		at := time.Duration(rng.Int64N(int64(full.took)))
		k := runKilled(t, qgCmd(t, dir, "import", src), at)
		if !k.killed {
			if k.code != 0 || len(docsJSON(t, dir)) != n {
				t.Fatalf("import ended before the kill at %v: exit %d, %d documents\n%s", at, k.code, len(docsJSON(t, dir)), k.stderr)
			}
			continue
		}
		kills++
		acked := importedRE.MatchString(k.stdout)
		got := len(docsJSON(t, dir))
		switch {
		case acked && got != n:
			t.Fatalf("kill at %v after the import printed %q: %d documents", at, strings.TrimSpace(k.stdout), got)
		case got != 0 && got != n:
			t.Fatalf("kill at %v: %d of the import's %d documents", at, got, n)
		}
		checkAfterKill(t, dir)
		if got == 0 && !reimported {
			// The import that was killed before it recorded runs
			// again in full.
			reimported = true
			if out := must(t, dir, "import", src); !strings.Contains(out, fmt.Sprintf("Imported %d documents", n)) {
				t.Fatalf("the import again after a kill at %v: %s", at, out)
			}
			got = n
		}
		must(t, dir, "import", extra)
		must(t, dir, "check")
		if docs := len(docsJSON(t, dir)); docs != got+1 {
			t.Fatalf("kill at %v: %d documents after one more import, want %d", at, docs, got+1)
		}
		if got == 0 {
			none++
		}
	}
	if kills < crashKills() {
		t.Fatalf("%d kills landed, want %d", kills, crashKills())
	}
	t.Logf("%d kills: %d left no document, %d all", kills, none, kills-none)
}

// TestKillCodeLoop runs small code commands one after another and kills
// each at a random moment: every command that exited 0 has its coding in
// the final state, once, and the project passes check.
func TestKillCodeLoop(t *testing.T) {
	rng := crashRand(t)
	tmpl, doc := codedProject(t)
	dir := filepath.Join(t.TempDir(), "p")
	copyTree(t, tmpl, dir)
	args := func(i int) []string {
		return []string{"code", "--json", doc, strconv.Itoa(10 * i), strconv.Itoa(10*i + 5), "LocalGovernment"}
	}
	full := runKilled(t, qgCmd(t, dir, args(0)...), time.Hour)
	if full.code != 0 {
		t.Fatalf("code: exit %d\n%s", full.code, full.stderr)
	}
	acked := map[string]int{} // coding id → command
	var c struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal([]byte(full.stdout), &c); err != nil || c.ID == "" {
		t.Fatalf("code --json: %v\n%s", err, full.stdout)
	}
	acked[c.ID] = 0
	kills := 0
	cmds := 3 * crashKills() / 2
	for i := 1; i <= cmds; i++ {
		at := time.Duration(rng.Int64N(int64(full.took)))
		k := runKilled(t, qgCmd(t, dir, args(i)...), at)
		if k.killed {
			kills++
			continue
		}
		if k.code != 0 {
			t.Fatalf("command %d after a kill: exit %d\n%s", i, k.code, k.stderr)
		}
		if err := json.Unmarshal([]byte(k.stdout), &c); err != nil || c.ID == "" {
			t.Fatalf("code --json: %v\n%s", err, k.stdout)
		}
		acked[c.ID] = i
	}
	checkAfterKill(t, dir)
	must(t, dir, args(cmds+1)...)
	must(t, dir, "check")
	spans := map[int]int{}
	for _, cd := range codingsOf(t, dir, "--coder", "tester") {
		delete(acked, cd.ID)
		spans[cd.Start]++
	}
	if len(acked) != 0 {
		t.Fatalf("%d acknowledged codings are lost: %v", len(acked), acked)
	}
	for start, n := range spans {
		if n != 1 {
			t.Errorf("%d codings of the span at %d, want 1", n, start)
		}
	}
	if kills < crashKills()/2 {
		t.Errorf("%d of %d commands killed, want at least %d", kills, cmds, crashKills()/2)
	}
	t.Logf("%d code commands: %d killed, %d acknowledged, %d codings in the end", cmds, kills, cmds-kills, len(spans))
}

// TestReadWhileAutocoding runs a long auto-coding in one process while a
// second reads and a third tries to write. Every read succeeds and sees
// the codings before the auto-coding or after it, never a part; each
// write succeeds after waiting or fails naming the auto-coding's process.
func TestReadWhileAutocoding(t *testing.T) {
	tmpl, doc := codedProject(t)
	dir := filepath.Join(t.TempDir(), "p")
	copyTree(t, tmpl, dir)
	before := countBy(t, dir, "bot")

	auto := qgCmd(t, dir, "autocode", "--coder", "bot")
	var aout, aerr bytes.Buffer
	auto.Stdout, auto.Stderr = &aout, &aerr
	if err := auto.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var autoErr error
	go func() { autoErr = auto.Wait(); close(done) }()
	running := func() bool {
		select {
		case <-done:
			return false
		default:
			return true
		}
	}

	var (
		mu     sync.Mutex
		seen   []int // codings by bot that each read saw
		reads  int
		fails  []string
		writes = map[string]int{}
	)
	fail := func(format string, args ...any) {
		mu.Lock()
		fails = append(fails, fmt.Sprintf(format, args...))
		mu.Unlock()
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { // the reader
		defer wg.Done()
		codings := []string{"codings", "--coder", "bot", "--json"}
		reqs := [][]string{codings, {"docs", "--json"}, codings, {"links"}, codings, {"search", "cluster", "--json"}, codings, {"show", doc, "--json"}}
		for i := 0; running(); i++ {
			args := reqs[i%len(reqs)]
			r := qgProc(t, dir, args...)
			if r.code != 0 {
				fail("reader: %v: exit %d: %s", args, r.code, r.stderr)
				continue
			}
			var v []json.RawMessage
			switch args[0] {
			case "codings":
				if err := json.Unmarshal([]byte(r.stdout), &v); err != nil {
					fail("reader: codings --json: %v", err)
				}
				mu.Lock()
				seen = append(seen, len(v))
				mu.Unlock()
			case "docs":
				if err := json.Unmarshal([]byte(r.stdout), &v); err != nil || len(v) != 30 {
					fail("reader: docs --json: %d documents, %v", len(v), err)
				}
			}
			mu.Lock()
			reads++
			mu.Unlock()
		}
	}()
	go func() { // the writer
		defer wg.Done()
		time.Sleep(200 * time.Millisecond) // the auto-coding takes the lock first
		pid := fmt.Sprintf("pid %d", auto.Process.Pid)
		for i := 0; running(); i++ {
			r := qgProc(t, dir, "code", doc, strconv.Itoa(10*i), strconv.Itoa(10*i+5), "Lobbying")
			switch {
			case r.code == 0:
				writes["ok"]++
			case r.code == 1 && strings.Contains(r.stderr, "in use") && strings.Contains(r.stderr, pid):
				writes["locked"]++
			default:
				fail("writer: exit %d: %s", r.code, r.stderr)
				return
			}
		}
	}()
	wg.Wait()
	if autoErr != nil {
		t.Fatalf("autocode: %v\n%s", autoErr, aerr.String())
	}
	m := codedRE.FindStringSubmatch(aout.String())
	if m == nil {
		t.Fatalf("autocode printed %q", aout.String())
	}
	coded, _ := strconv.Atoi(m[1])
	after := countBy(t, dir, "bot")
	if after != before+coded {
		t.Fatalf("%d codings by the auto-coder, want %d + %d", after, before, coded)
	}
	for _, f := range fails {
		t.Error(f)
	}
	for _, n := range seen {
		if n != before && n != after {
			t.Errorf("a reader saw %d codings by the auto-coder, want %d (before) or %d (after)", n, before, after)
		}
	}
	if len(seen) == 0 || writes["ok"]+writes["locked"] == 0 {
		t.Errorf("the auto-coding ended before the reader and the writer ran: %d reads, writes %v", reads, writes)
	}
	must(t, dir, "check")
	t.Logf("during the auto-coding: %d reads (codings seen: %v), writes %v", reads, seen, writes)
}
