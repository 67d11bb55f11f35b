// Command qgbench is qualgraph's benchmark at scale: it builds the
// qualgraph binary, generates the large synthetic project of the issues'
// targets (2,000 documents of about 20 KB, 200,000 codings, 20,000
// assertions; package internal/benchproj), and times whole qualgraph
// processes against each target, printing a table (or JSON with -json).
//
//	go run ./cmd/qgbench [-dir DIR] [-runs N] [-heavy N] [-small] [-pg DSN [-pg-only]]
//
// Quick commands run -runs times after a warm-up, the heavy measures
// (imports, bulk auto-coding, recovery) -heavy times; the table shows
// medians. A write is timed twice where it matters: until it is
// acknowledged (the command has recorded it and says so: import --no-wait
// returns, code --search prints its result line) and until the whole
// process ends (the full-text index, or the graph, brought up to the
// record). Recovery kills a bulk auto-coding on a copy of the coded
// project with SIGKILL, once after its result line and once as soon as
// its entry reached record.log, then times the next small write and the
// next read.
//
// The API rows serve the coded project in this process, as qualgraph
// serve does, and time calls of the workbench's JSON API through real
// HTTP (internal/apibench); the server's memory follows them.
//
// With -pg DSN (default $QUALGRAPH_TEST_PG), qgbench adds the rows of a
// team project on PostgreSQL (issue 11), each beside the embedded store's
// in the same run, on copies of the coded project and new databases of
// the server DSN names (dropped at the end): the migration into the
// database and back (--to bbolt), a server's start with a cold (empty)
// and a warm local cache, the API calls against a server of each, and
// bulk auto-coding on each. -pg-only measures only those.
//
// The generated project is kept in DIR (default $TMPDIR/qualgraph-bench)
// and reused by later runs. -small uses a tenth of the size, for a quick
// look; its figures do not test the targets.
//
// With -compare, qgbench instead measures qualgraph against the tools a
// researcher would otherwise pick, on generated corpora of 200 and 2,000
// documents (-compare-sizes): import and index size against SQLite FTS5
// (Debian's sqlite3 program); term, phrase and Chinese search against FTS5
// and rg over the text files; bulk coding inserts and overlap
// co-occurrence against SQLite with QualCoder's tables (source, code_name,
// code_text). It writes the machine, the method and a table of ratios to
// -out (default docs/benchmarks.md):
//
//	go run ./cmd/qgbench -compare [-dir DIR] [-runs N] [-heavy N] [-out FILE]
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/qualgraph/qualgraph/corpus/synth"
	"github.com/qualgraph/qualgraph/internal/benchproj"
)

type row struct {
	Name     string  `json:"name"`
	Target   string  `json:"target"`
	Value    float64 `json:"value"`
	Unit     string  `json:"unit"`
	OK       bool    `json:"ok"`
	Err      string  `json:"error,omitempty"`
	Detail   string  `json:"detail,omitempty"`
	limit    float64
	lessIsOK bool
}

func main() {
	dir := flag.String("dir", filepath.Join(os.TempDir(), "qualgraph-bench"), "folder for the binary and generated projects (kept)")
	runs := flag.Int("runs", 7, "runs of each timed command (the median is reported)")
	heavy := flag.Int("heavy", 3, "runs of each heavy measure: imports, bulk auto-coding, recovery (the median is reported)")
	small := flag.Bool("small", false, "a tenth of the size: quick, but does not test the targets")
	asJSON := flag.Bool("json", false, "write JSON")
	cmp := flag.Bool("compare", false, "compare qualgraph with SQLite FTS5, SQLite with QualCoder's tables and rg, and write -out")
	cmpSizes := flag.String("compare-sizes", "200,2000", "corpus sizes of -compare, in documents")
	out := flag.String("out", filepath.Join("docs", "benchmarks.md"), "the markdown file -compare writes")
	pg := flag.String("pg", os.Getenv(pgEnv), "add the rows of a team project on PostgreSQL, on new databases of the server at `DSN` (default $"+pgEnv+")")
	pgOnly := flag.Bool("pg-only", false, "with -pg: only the PostgreSQL rows and the embedded store's beside them")
	flag.Parse()
	if *cmp {
		sizes, err := parseSizes(*cmpSizes)
		if err == nil {
			err = compareMain(*dir, *out, sizes, *runs, *heavy)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "qgbench:", err)
			os.Exit(1)
		}
		return
	}
	if *pgOnly && *pg == "" {
		fmt.Fprintln(os.Stderr, "qgbench: -pg-only needs -pg DSN or $"+pgEnv)
		os.Exit(2)
	}
	if err := run(*dir, *runs, *heavy, *small, *asJSON, *pg, *pgOnly); err != nil {
		fmt.Fprintln(os.Stderr, "qgbench:", err)
		os.Exit(1)
	}
}

// parseSizes parses a comma-separated list of positive numbers.
func parseSizes(s string) ([]int, error) {
	var sizes []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("-compare-sizes %q: want positive numbers separated by commas", s)
		}
		sizes = append(sizes, n)
	}
	return sizes, nil
}

func run(dir string, runs, heavy int, small, asJSON bool, pg string, pgOnly bool) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	bin := filepath.Join(dir, "qualgraph")
	build := exec.Command("go", "build", "-o", bin, "./cmd/qualgraph")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("build: %w", err)
	}
	opt := benchproj.Options{}
	if small {
		opt = benchproj.Options{Docs: 200, Codings: 20000, Entities: 100, Assertions: 2000}
	}
	var rows []row
	if pgOnly {
		fmt.Fprintln(os.Stderr, "qgbench: building or reusing the coded project (slow the first time)…")
		pdir, _, err := benchproj.Ensure(dir, opt)
		if err != nil {
			return err
		}
		return report(pgRows(bin, dir, pdir, pg, runs, heavy), asJSON)
	}

	// Import: the real command on generated files, whole process.
	n := 2000
	if small {
		n = 200
	}
	src := filepath.Join(dir, fmt.Sprintf("corpus-%d", n))
	files := synth.Generate(1, n, synth.Options{})
	if _, err := os.Stat(src); err != nil {
		if err := synth.WriteDir(src, files); err != nil {
			return err
		}
	}
	mb := float64(synth.Size(files)) / 1e6
	ipdir := filepath.Join(dir, fmt.Sprintf("import-%d", n))
	rows = append(rows, importRate(bin, filepath.Join(dir, fmt.Sprintf("import-nowait-%d", n)), src, mb, heavy,
		row{Name: "import --no-wait (acknowledged, whole process)", Target: ">= 15 MB/s", Unit: "MB/s", limit: 15}, "--no-wait"))
	rows = append(rows, importRate(bin, ipdir, src, mb, heavy,
		row{Name: "import (searchable, whole process)", Target: ">= 6 MB/s", Unit: "MB/s", limit: 6}))
	textBytes := dirSize(filepath.Join(ipdir, "sources"), ".txt")
	indexBytes := dirSize(filepath.Join(ipdir, "index"), "")
	rows = append(rows, row{Name: "index size / text size", Target: "<= 1.5", Unit: "x",
		Value: float64(indexBytes) / float64(max(textBytes, 1)), limit: 1.5, lessIsOK: true,
		Detail: fmt.Sprintf("%d / %d bytes", indexBytes, textBytes)})
	for _, q := range []string{"cluster", `"industrial upgrading"`, "地方政府"} {
		rows = append(rows, timed(bin, ipdir, runs, "search "+q+" (warm, whole process)", 60, "search", q))
	}

	// The large coded project.
	fmt.Fprintln(os.Stderr, "qgbench: building or reusing the coded project (slow the first time)…")
	pdir, tm, err := benchproj.Ensure(dir, opt)
	if err != nil {
		return err
	}
	rows = append(rows, row{Name: "build: bulk coding through the library", Target: "(info)", Unit: "codings/s",
		Value: float64(tm.Options.Codings) / tm.Codings.Seconds(), OK: true})
	doc := firstDoc(bin, pdir)
	rows = append(rows, timedEach(bin, pdir, runs, "code, a new coding each run (whole process)", 100, codeArgs(doc)))
	rows = append(rows, timed(bin, pdir, runs, "links --json (whole process)", 300, "links", "--json"))
	rows = append(rows, timed(bin, pdir, runs, "neighbors (whole process)", 50, "neighbors", "e0001"))
	rows = append(rows, timed(bin, pdir, runs, "cooccur --unit overlap (whole process)", 1000, "cooccur", "--unit", "overlap", "--json"))
	// The workbench's API against a running server (issue 10).
	rows = append(rows, apiRows(pdir, max(runs, 21))...)
	// Bulk auto-coding writes; it runs on the imported project (made
	// afresh above), so that the coded project stays as generated.
	rows = append(rows, autocodeRates(bin, ipdir, heavy)...)
	// Recovery works on a copy of the coded project.
	rows = append(rows, recovery(bin, pdir, filepath.Join(dir, "recovery"), doc, heavy)...)
	// A team project on PostgreSQL beside the embedded store (issue 11).
	if pg != "" {
		rows = append(rows, pgRows(bin, dir, pdir, pg, runs, heavy)...)
	}
	return report(rows, asJSON)
}

// report checks the rows against their limits and writes them as a table
// or JSON.
func report(rows []row, asJSON bool) error {
	for i := range rows {
		r := &rows[i]
		if r.Err == "" && r.limit > 0 {
			r.OK = r.Value >= r.limit
			if r.lessIsOK {
				r.OK = r.Value <= r.limit
			}
		}
	}
	if asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "BENCHMARK\tTARGET\tMEASURED\tOK\tDETAIL")
	for _, r := range rows {
		ok := "yes"
		if !r.OK {
			ok = "NO"
		}
		v := fmt.Sprintf("%.1f %s", r.Value, r.Unit)
		if r.Err != "" {
			v, ok = "error", "NO"
			r.Detail = r.Err
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Name, r.Target, v, ok, r.Detail)
	}
	return tw.Flush()
}

// qg runs the binary in dir and returns how long it took.
func qg(bin, dir string, args ...string) (time.Duration, error) {
	d, _, err := qgOutput(bin, dir, args...)
	return d, err
}

// qgOutput runs the binary in dir and returns how long it took and its
// standard output.
func qgOutput(bin, dir string, args ...string) (time.Duration, []byte, error) {
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	if dir != "" {
		cmd.Env = append(cmd.Env, "QUALGRAPH_PROJECT="+dir)
	}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	err := cmd.Run()
	d := time.Since(start)
	if err != nil {
		msg := out.String() + errOut.String()
		if len(msg) > 300 {
			msg = msg[:300]
		}
		return d, nil, fmt.Errorf("qualgraph %s: %v: %s", strings.Join(args, " "), err, msg)
	}
	return d, out.Bytes(), nil
}

// timed runs a command runs times after one warm-up run and reports the
// median in milliseconds against a limit.
func timed(bin, dir string, runs int, name string, limitMS float64, args ...string) row {
	return timedEach(bin, dir, runs, name, limitMS, func(int) []string { return args })
}

// timedEach is timed with the arguments of each run from argsOf (run -1
// is the warm-up).
func timedEach(bin, dir string, runs int, name string, limitMS float64, argsOf func(run int) []string) row {
	r := row{Name: name, Target: fmt.Sprintf("< %.0f ms", limitMS), Unit: "ms", limit: limitMS, lessIsOK: true}
	if _, err := qg(bin, dir, argsOf(-1)...); err != nil {
		r.Err = err.Error()
		return r
	}
	var ds []time.Duration
	for i := 0; i < runs; i++ {
		d, err := qg(bin, dir, argsOf(i)...)
		if err != nil {
			r.Err = err.Error()
			return r
		}
		ds = append(ds, d)
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	r.Value = float64(ds[len(ds)/2].Microseconds()) / 1000
	r.Detail = fmt.Sprintf("min %v, max %v over %d runs", ds[0].Round(time.Millisecond/10), ds[len(ds)-1].Round(time.Millisecond/10), runs)
	return r
}

// codeArgs are the arguments of a `code` run that records a new coding:
// each run codes a span of its own (from a base that differs between
// qgbench runs), since coding a span coded already writes nothing.
func codeArgs(doc string) func(run int) []string {
	base := 100 + rand.IntN(10000)
	return func(run int) []string {
		s := base + (run+1)*60
		return []string{"code", doc, strconv.Itoa(s), strconv.Itoa(s + 50), "SpinoffFounder", "--coder", "qgbench"}
	}
}

func firstDoc(bin, dir string) string {
	cmd := exec.Command(bin, "docs", "--json")
	cmd.Env = append(os.Environ(), "QUALGRAPH_PROJECT="+dir)
	out, err := cmd.Output()
	if err != nil {
		return "unknown"
	}
	var docs []struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(out, &docs) != nil || len(docs) == 0 {
		return "unknown"
	}
	return docs[0].ID
}

func dirSize(dir, suffix string) int64 {
	var n int64
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, suffix) {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}
