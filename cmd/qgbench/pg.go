package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/qualgraph/qualgraph/kg"
	"github.com/qualgraph/qualgraph/project"
)

// The PostgreSQL rows (issue 11): with -pg DSN (or $QUALGRAPH_TEST_PG),
// qgbench measures a team project on PostgreSQL beside the embedded store
// in the same run, on copies of the coded project: the migration into the
// database and back, a server's start on the database with an empty
// (cold) and a full (warm) local cache and on the local project, the
// workbench's API against a server of each, and bulk auto-coding on each.
// Each experiment gets a new database on the server DSN names (its user
// must be allowed to create databases), dropped at the end.

// pgEnv names the PostgreSQL server -pg defaults to, as the tests do.
const pgEnv = "QUALGRAPH_TEST_PG"

// pgBench is a PostgreSQL server the PostgreSQL rows make databases on.
type pgBench struct {
	admin string   // DSN of a database on it whose user may create databases
	made  []string // databases made, dropped by close
}

// newDB makes a new, empty database and returns its DSN.
func (b *pgBench) newDB(ctx context.Context) (string, error) {
	u, err := url.Parse(b.admin)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", fmt.Errorf("-pg %q: want a postgres:// URL", project.RedactDSN(b.admin))
	}
	conn, err := pgx.Connect(ctx, b.admin)
	if err != nil {
		return "", fmt.Errorf("-pg: %w", err)
	}
	defer conn.Close(ctx)
	var r [6]byte
	rand.Read(r[:])
	name := "qgbench_" + hex.EncodeToString(r[:])
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", fmt.Errorf("-pg: create database %s: %w", name, err)
	}
	b.made = append(b.made, name)
	u.Path = "/" + name
	return u.String(), nil
}

// close drops the databases the bench made.
func (b *pgBench) close(ctx context.Context) error {
	conn, err := pgx.Connect(ctx, b.admin)
	if err != nil {
		return fmt.Errorf("-pg: drop the benchmark's databases: %w", err)
	}
	defer conn.Close(ctx)
	var errs []error
	for _, name := range b.made {
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			errs = append(errs, fmt.Errorf("drop database %s: %w", name, err))
		}
	}
	return errors.Join(errs...)
}

// pgRows measures the PostgreSQL rows on copies of the coded project pdir
// made in dir, beside the same measures on the embedded store.
func pgRows(bin, dir, pdir, admin string, runs, heavy int) []row {
	ctx := context.Background()
	b := &pgBench{admin: admin}
	defer func() {
		if err := b.close(ctx); err != nil {
			fmt.Fprintln(os.Stderr, "qgbench:", err)
		}
	}()
	emb := filepath.Join(dir, "pg-embedded") // the embedded store's copy
	cache := filepath.Join(dir, "pg-cache")  // the database's warm cache
	back := filepath.Join(dir, "pg-back")    // migrated back to a local project
	cold := filepath.Join(dir, "pg-cold-%d") // empty caches
	defer removeAll(emb, cache, back, fmt.Sprintf(cold, 0), fmt.Sprintf(cold, 1), fmt.Sprintf(cold, 2))
	var rows []row
	fail := func(name string, err error) []row {
		return append(rows, row{Name: name, Err: err.Error()})
	}
	fmt.Fprintln(os.Stderr, "qgbench: PostgreSQL rows: copying the coded project…")
	for _, d := range []string{emb, cache} {
		removeAll(d)
		if err := os.CopyFS(d, os.DirFS(pdir)); err != nil {
			return fail("PostgreSQL: copying the coded project", err)
		}
	}
	dsn, err := b.newDB(ctx)
	if err != nil {
		return fail("PostgreSQL: a database for the project", err)
	}
	// The project's DSN with its password, for this process's servers and
	// the commands it runs (the cache folder keeps it without).
	os.Setenv(project.DBEnv, dsn)

	// Migration: into the database; then a second copy into a second
	// database and back out of it, which leaves that database read-only
	// (migrate --to bbolt marks it moved out).
	fmt.Fprintln(os.Stderr, "qgbench: PostgreSQL rows: migrate…")
	to := row{Name: "PostgreSQL: migrate the coded project into the database (whole process)", Target: "(info)", Unit: "s", OK: true}
	res, err := qgRun(bin, "", "migrate", cache, "--to", dsn)
	if err != nil {
		return fail(to.Name, err)
	}
	to.Value, to.Detail = res.wall.Seconds(), res.detail()+"; copies the record and sources, then rebuilds the cache's graph, index and projection from the database"
	head, _, err := kg.ReadPosition(filepath.Join(cache, project.GraphDir))
	if err != nil {
		return fail(to.Name, err)
	}
	removeAll(back)
	fro := row{Name: "PostgreSQL: migrate it back (--to bbolt, whole process)", Target: "(info)", Unit: "s", OK: true}
	dsn2, err := b.newDB(ctx)
	if err == nil {
		err = os.CopyFS(back, os.DirFS(pdir))
	}
	var res2 ranCmd
	if err == nil {
		res2, err = qgRun(bin, "", "migrate", back, "--to", dsn2)
	}
	if err == nil {
		to.Detail += fmt.Sprintf("; a second run, into another database: %v, %s", res2.wall.Round(10*time.Millisecond), res2.detail())
		res, err = qgRun(bin, "", "migrate", back, "--to", "bbolt")
	}
	rows = append(rows, to)
	if err != nil {
		rows = append(rows, row{Name: fro.Name, Err: err.Error()})
	} else {
		fro.Value, fro.Detail = res.wall.Seconds(), res.detail()+"; writes record.log and sources/, then rebuilds the graph, index and projection"
		rows = append(rows, fro)
	}
	removeAll(back)

	// A server's start: until it answers, and until its graph, index and
	// projection hold the whole record.
	fmt.Fprintln(os.Stderr, "qgbench: PostgreSQL rows: server starts…")
	starts := []struct {
		name  string
		dir   string // QUALGRAPH_PROJECT, "" for --db
		cache func(i int) string
	}{
		{name: "embedded: serve, start", dir: emb, cache: func(int) string { return emb }},
		{name: "PostgreSQL: serve --db, start with a warm cache", cache: func(int) string { return cache }},
		{name: "PostgreSQL: serve --db, start with a cold cache (empty folder)", cache: func(i int) string { return fmt.Sprintf(cold, i%3) }},
	}
	for _, s := range starts {
		r := row{Name: s.name + " until it answers and its cache holds the record", Target: "(info)", Unit: "s", OK: true}
		var ds []time.Duration
		var last startTimes
		for i := 0; i < heavy; i++ {
			c := s.cache(i)
			args := []string{"serve", "--addr", "127.0.0.1:0"}
			if s.dir == "" {
				args = append(args, "--db", dsn, "--cache", c)
			}
			if strings.Contains(s.name, "cold") {
				removeAll(c)
			}
			st, err := serveStart(bin, s.dir, c, head.Seq, args...)
			if err != nil {
				r.Err = err.Error()
				break
			}
			ds, last = append(ds, st.ready), st
		}
		if r.Err == "" {
			med, _, _ := median(ds)
			r.Value = med.Seconds()
			r.Detail = fmt.Sprintf("%s; the last run: serving after %v, first answer (GET /api/overview) after %v, caught up after %v, %v of processor; load %s",
				spread(ds), last.serving.Round(time.Millisecond), last.answer.Round(time.Millisecond), last.caughtUp.Round(time.Millisecond), last.cpu.Round(10*time.Millisecond), loadAvg())
		}
		rows = append(rows, r)
	}

	// The workbench's API, the same calls against a server of each.
	fmt.Fprintln(os.Stderr, "qgbench: PostgreSQL rows: API…")
	for _, s := range []struct{ name, dir string }{{"embedded", emb}, {"PostgreSQL", cache}} {
		for _, r := range apiRows(s.dir, max(runs, 21)) {
			if r.Unit == "MB" {
				continue // the memory of this process, which served both
			}
			r.Name = s.name + ": API " + r.Name
			if r.Err == "" {
				r.Detail += "; load " + loadAvg()
			}
			rows = append(rows, r)
		}
	}

	// Bulk auto-coding on each, acknowledged and whole.
	fmt.Fprintln(os.Stderr, "qgbench: PostgreSQL rows: bulk auto-coding…")
	for _, s := range []struct {
		name, dir string
		limit     float64
	}{{"embedded", emb, 10000}, {"PostgreSQL", cache, 5000}} {
		for _, r := range autocodeRates(bin, s.dir, heavy) {
			r.Name = s.name + ": " + r.Name + " on the coded project"
			if r.limit > 0 {
				r.limit = s.limit
				r.Target = fmt.Sprintf(">= %.0f codings/s", s.limit)
			}
			if r.Err == "" {
				r.Detail += "; load " + loadAvg()
			}
			rows = append(rows, r)
		}
	}
	return rows
}

// ranCmd is how long a finished command ran and the processor time it took.
type ranCmd struct {
	wall, cpu time.Duration
}

func (r ranCmd) detail() string {
	return fmt.Sprintf("%v of processor (qualgraph's, user and system; not the database server's), load %s", r.cpu.Round(10*time.Millisecond), loadAvg())
}

// qgRun runs the binary in the project dir ("" for none) and returns how
// long it ran and its processor time.
func qgRun(bin, dir string, args ...string) (ranCmd, error) {
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	if dir != "" {
		cmd.Env = append(cmd.Env, "QUALGRAPH_PROJECT="+dir)
	}
	start := time.Now()
	out, err := cmd.CombinedOutput()
	d := time.Since(start)
	if err != nil {
		return ranCmd{}, fmt.Errorf("qualgraph %s: %v: %.300s", strings.Join(args, " "), err, out)
	}
	ps := cmd.ProcessState
	return ranCmd{wall: d, cpu: ps.UserTime() + ps.SystemTime()}, nil
}

// servingRE matches serve's line with its address.
var servingRE = regexp.MustCompile(`^qualgraph: serving .* at (http://\S+)/ `)

// startTimes are the moments of a server's start, since the process began.
type startTimes struct {
	serving  time.Duration // it printed its address
	answer   time.Duration // it answered GET /api/overview
	caughtUp time.Duration // its graph, index and projection hold the record
	ready    time.Duration // the later of answer and caughtUp
	cpu      time.Duration // the server's processor time until ready
}

// serveStart starts qualgraph serve with args, whose cache (or project)
// folder is folder, and times it until it answers and its derived stores
// hold the record up to entry head; then it stops the server.
func serveStart(bin, dir, folder string, head uint64, args ...string) (startTimes, error) {
	var st startTimes
	p, err := start(servingRE, dir, bin, args...)
	if err != nil {
		return st, err
	}
	defer func() {
		p.cmd.Process.Signal(os.Interrupt)
		select {
		case <-p.done:
		case <-time.After(30 * time.Second):
			p.cmd.Process.Kill()
		}
		p.wait()
	}()
	line, at, err := p.waitLine()
	if err != nil {
		return st, err
	}
	st.serving = at
	base := servingRE.FindStringSubmatch(line)[1]
	client := &http.Client{Timeout: 10 * time.Minute}
	deadline := time.Now().Add(30 * time.Minute)
	for st.answer == 0 || st.caughtUp == 0 {
		if time.Now().After(deadline) {
			return st, fmt.Errorf("%s: not caught up after 30 minutes", strings.Join(args, " "))
		}
		if st.answer == 0 {
			resp, err := client.Get(base + "/api/overview")
			if err != nil {
				return st, fmt.Errorf("GET /api/overview: %w", err)
			}
			var ov struct {
				Codings int `json:"codings"`
			}
			err = json.NewDecoder(resp.Body).Decode(&ov)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || err != nil {
				return st, fmt.Errorf("GET /api/overview: %s %v", resp.Status, err)
			}
			st.answer = time.Since(p.start)
		}
		if st.caughtUp == 0 {
			ok, err := holdsRecord(folder, head)
			if err != nil {
				return st, err
			}
			if ok {
				st.caughtUp = time.Since(p.start)
				break
			}
		}
		select {
		case <-p.done:
			return st, p.fail(errors.New("the server ended"))
		case <-time.After(20 * time.Millisecond):
		}
	}
	st.ready = max(st.answer, st.caughtUp)
	st.cpu = procCPU(p.cmd.Process.Pid)
	return st, nil
}

// holdsRecord says whether the graph, the index and the projection of the
// folder have applied the record up to entry head (the index, up to the
// last entry that changes documents).
func holdsRecord(folder string, head uint64) (bool, error) {
	gdir := filepath.Join(folder, project.GraphDir)
	pp, _, err := kg.ReadPosition(gdir)
	if err != nil {
		return false, nil // being made
	}
	gp, err := kg.ReadGraphPosition(gdir)
	if err != nil {
		return false, nil
	}
	ip, _, err := (&project.Project{Dir: folder}).ReadIndexPosition()
	if err != nil {
		return false, nil
	}
	// The index follows the entries that change documents: it holds the
	// record once it is at the last of them.
	return pp.Seq >= head && gp.Seq >= head && pp.LastDocs > 0 && ip.Seq >= pp.LastDocs, nil
}

// procCPU returns the processor time (user and system) of the running
// process pid so far, 0 where /proc does not say.
func procCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')') // the command's name may hold spaces
	if i < 0 {
		return 0
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0
	}
	// Fields 14 and 15 of the file (utime, stime), in clock ticks of 1/100 s
	// on Linux.
	ut, _ := strconv.ParseUint(f[11], 10, 64)
	stime, _ := strconv.ParseUint(f[12], 10, 64)
	return time.Duration(ut+stime) * 10 * time.Millisecond
}

// loadAvg returns the one-minute load average, or "?".
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) > 0 {
		return f[0]
	}
	return "?"
}

func removeAll(dirs ...string) {
	for _, d := range dirs {
		os.RemoveAll(d)
	}
}
