package main

// qgbench -compare: qualgraph against what a researcher would pick instead
// on the same work. See the package documentation and writeMarkdown for
// what is measured and how.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/corpus/synth"
	"github.com/qualgraph/qualgraph/project"
)

// compareOptions size a comparison.
type compareOptions struct {
	Dir     string // working folder (corpora, projects, databases)
	Bin     string // the qualgraph binary
	Sizes   []int  // corpus sizes in documents, e.g. 200 and 2,000
	DocSize int    // mean document size in bytes; 0: synth's default
	Runs    int    // runs of each quick measure (searches, co-occurrence)
	Heavy   int    // runs of each heavy measure (imports, bulk coding)
	// CodingsPerDoc is the number of codings per document of the bulk
	// coding (100: 200,000 codings on 2,000 documents).
	CodingsPerDoc int
	// Out, if not empty, is the markdown file, written again after each
	// corpus size so that a long run keeps what it measured.
	Out string
}

// cmpRow is one line of the comparison: a task done by qualgraph and by a
// competitor, with the same unit. Ratio is qualgraph ÷ competitor.
type cmpRow struct {
	Docs       int
	Task       string
	Competitor string
	Unit       string
	QG, Other  float64
	Note       string
}

// Tasks of the comparison, in the order of the table.
var compareTasks = []string{
	"import (searchable)",
	"index size",
	"search term `cluster`",
	"search phrase `\"industrial upgrading\"`",
	"search Chinese `地方政府`",
	"bulk coding inserts",
	"overlap co-occurrence",
}

// compareMain runs the comparison and writes its markdown to out.
func compareMain(dir, out string, sizes []int, runs, heavy int) error {
	for _, tool := range []string{"sqlite3", "rg"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("compare: %s not found (Debian: apt-get install %s): %w", tool, map[string]string{"sqlite3": "sqlite3", "rg": "ripgrep"}[tool], err)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	bin := filepath.Join(dir, "qualgraph")
	if err := buildBinary(bin); err != nil {
		return err
	}
	_, err := compare(compareOptions{Dir: dir, Bin: bin, Sizes: sizes, Runs: runs, Heavy: heavy, CodingsPerDoc: 100, Out: out})
	return err
}

// buildBinary builds cmd/qualgraph into bin.
func buildBinary(bin string) error {
	build := exec.Command("go", "build", "-o", bin, "github.com/qualgraph/qualgraph/cmd/qualgraph")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("build qualgraph: %w", err)
	}
	return nil
}

// compare measures every task on every corpus size and returns the
// markdown report.
func compare(o compareOptions) ([]byte, error) {
	var rows []cmpRow
	done := o
	done.Sizes = nil
	for _, n := range o.Sizes {
		fmt.Fprintf(os.Stderr, "qgbench: comparing on %d documents…\n", n)
		rs, err := compareSize(o, n)
		if err != nil {
			return nil, fmt.Errorf("compare on %d documents: %w", n, err)
		}
		rows = append(rows, rs...)
		done.Sizes = append(done.Sizes, n)
		if o.Out != "" {
			if err := os.WriteFile(o.Out, writeMarkdown(done, rows), 0o644); err != nil {
				return nil, err
			}
		}
	}
	return writeMarkdown(o, rows), nil
}

// query is one search, written for each tool.
type query struct {
	task   string
	qg     string // qualgraph search's query
	fts    string // FTS5 MATCH expression
	table  string // FTS5 table
	rg     []string
	rgNote string
}

var compareQueries = []query{
	{task: compareTasks[2], qg: "cluster", fts: "cluster", table: "fts", rg: []string{"-i", "-w", "-F", "cluster"}},
	{task: compareTasks[3], qg: `"industrial upgrading"`, fts: `"industrial upgrading"`, table: "fts", rg: []string{"-i", "-w", "-F", "industrial upgrading"}},
	{task: compareTasks[4], qg: "地方政府", fts: `"地方政府"`, table: "fts_zh", rg: []string{"-F", "地方政府"}},
}

func compareSize(o compareOptions, n int) ([]cmpRow, error) {
	base := filepath.Join(o.Dir, fmt.Sprintf("compare-%d", n))
	if err := os.RemoveAll(base); err != nil {
		return nil, err
	}
	src := filepath.Join(base, "corpus")
	files := synth.Generate(1, n, synth.Options{DocSize: o.DocSize})
	if err := synth.WriteDir(src, files); err != nil {
		return nil, err
	}
	mb := float64(synth.Size(files)) / 1e6
	var rows []cmpRow
	add := func(r cmpRow) { r.Docs = n; rows = append(rows, r) }

	// Import: qualgraph's CLI against the sqlite3 CLI loading the files
	// into QualCoder's source table and two FTS5 indexes.
	qgdir := filepath.Join(base, "qualgraph")
	var qgImport []time.Duration
	for i := 0; i < o.Heavy; i++ {
		os.RemoveAll(qgdir)
		if _, err := qg(o.Bin, "", "init", qgdir); err != nil {
			return nil, err
		}
		d, err := qg(o.Bin, qgdir, "import", "--kind", "interview", src)
		if err != nil {
			return nil, err
		}
		qgImport = append(qgImport, d)
	}
	db := filepath.Join(base, "qualcoder.db")
	script := importScript(src, files)
	var sqlImport []time.Duration
	for i := 0; i < o.Heavy; i++ {
		os.Remove(db)
		d, _, err := sqlite(db, script)
		if err != nil {
			return nil, err
		}
		sqlImport = append(sqlImport, d)
	}
	qm, _, _ := median(qgImport)
	sm, _, _ := median(sqlImport)
	add(cmpRow{Task: compareTasks[0], Competitor: "SQLite FTS5", Unit: "s", QG: qm.Seconds(), Other: sm.Seconds(),
		Note: fmt.Sprintf("%.1f MB; MB/s: qualgraph %.1f, FTS5 %.1f; qualgraph %s; FTS5 %s", mb, mb/qm.Seconds(), mb/sm.Seconds(), spread(qgImport), spread(sqlImport))})

	ixBytes := dirSize(filepath.Join(qgdir, "index"), "")
	textBytes := dirSize(filepath.Join(qgdir, "sources"), ".txt")
	_, out, err := sqlite(db, "SELECT sum(pgsize) FROM dbstat WHERE name GLOB 'fts_*' AND name NOT GLOB 'fts_zh_*';\nSELECT sum(pgsize) FROM dbstat WHERE name GLOB 'fts_zh_*';\n")
	if err != nil {
		return nil, err
	}
	sizes := ints(out)
	if len(sizes) != 2 {
		return nil, fmt.Errorf("sqlite3 dbstat: want two sizes, got %q", out)
	}
	dbInfo, err := os.Stat(db)
	if err != nil {
		return nil, err
	}
	add(cmpRow{Task: compareTasks[1], Competitor: "SQLite FTS5", Unit: "MB", QG: float64(ixBytes) / 1e6, Other: float64(sizes[0]+sizes[1]) / 1e6,
		Note: fmt.Sprintf("text %.1f MB; FTS5 unicode61 %.1f MB + trigram %.1f MB; whole database with the text %.1f MB",
			float64(textBytes)/1e6, float64(sizes[0])/1e6, float64(sizes[1])/1e6, float64(dbInfo.Size())/1e6)})

	// Searches: whole processes of each tool.
	for _, q := range compareQueries {
		rs, err := compareSearch(o, q, qgdir, db, src)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			add(r)
		}
	}

	// Bulk coding and co-occurrence on copies of the imported stores.
	rs, err := compareCoding(o, n, qgdir, db)
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		add(r)
	}
	return rows, nil
}

// importScript loads files from src into QualCoder's source table and
// indexes their text with FTS5 twice: unicode61 (words) and trigram (for
// Chinese, which unicode61 does not split into words).
func importScript(src string, files []synth.File) string {
	var b strings.Builder
	b.WriteString("BEGIN;\n" + qualcoderSchema)
	now := time.Now().UTC().Format("2006-01-02 15:04:05")
	for _, f := range files {
		fmt.Fprintf(&b, "INSERT INTO source(name, fulltext, owner, date) VALUES (%s, CAST(readfile(%s) AS TEXT), 'bench', '%s');\n",
			sqlQuote(f.Name), sqlQuote(filepath.Join(src, f.Name)), now)
	}
	b.WriteString(`CREATE VIRTUAL TABLE fts USING fts5(fulltext, content='source', content_rowid='id', tokenize='unicode61');
INSERT INTO fts(rowid, fulltext) SELECT id, fulltext FROM source;
INSERT INTO fts(fts) VALUES ('optimize');
CREATE VIRTUAL TABLE fts_zh USING fts5(fulltext, content='source', content_rowid='id', tokenize='trigram');
INSERT INTO fts_zh(rowid, fulltext) SELECT id, fulltext FROM source;
INSERT INTO fts_zh(fts_zh) VALUES ('optimize');
COMMIT;
`)
	return b.String()
}

// qualcoderSchema holds QualCoder's tables for sources, codes and text
// codings, with QualCoder's columns and unique constraints.
const qualcoderSchema = `CREATE TABLE source (id INTEGER PRIMARY KEY, name TEXT, fulltext TEXT, mediapath TEXT, memo TEXT, owner TEXT, date TEXT, av_text_id INTEGER, risid INTEGER, UNIQUE(name));
CREATE TABLE code_name (cid INTEGER PRIMARY KEY, name TEXT, memo TEXT, catid INTEGER, owner TEXT, date TEXT, color TEXT, UNIQUE(name));
CREATE TABLE code_text (ctid INTEGER PRIMARY KEY, cid INTEGER, fid INTEGER, seltext TEXT, pos0 INTEGER, pos1 INTEGER, owner TEXT, date TEXT, memo TEXT, avid INTEGER, important INTEGER, UNIQUE(cid, fid, pos0, pos1, owner));
`

// compareSearch times one query with qualgraph, FTS5 and rg, and counts
// what each finds.
func compareSearch(o compareOptions, q query, qgdir, db, src string) ([]cmpRow, error) {
	// What each finds, once, untimed.
	_, out, err := qgOutput(o.Bin, qgdir, "search", q.qg, "--limit", "0", "--json")
	if err != nil {
		return nil, err
	}
	var hits []struct {
		Doc string `json:"doc"`
	}
	if err := json.Unmarshal(out, &hits); err != nil {
		return nil, fmt.Errorf("qualgraph search --json: %w", err)
	}
	qgDocs := map[string]bool{}
	for _, h := range hits {
		qgDocs[h.Doc] = true
	}
	match := fmt.Sprintf("FROM %s JOIN source s ON s.id = %[1]s.rowid WHERE %[1]s MATCH %s", q.table, sqlQuote(q.fts))
	_, out, err = sqlite(db, "SELECT count(*) "+match+";\n")
	if err != nil {
		return nil, err
	}
	ftsDocs := ints(out)
	if len(ftsDocs) != 1 {
		return nil, fmt.Errorf("sqlite3 count: got %q", out)
	}
	rgArgs := append([]string{"--count-matches"}, q.rg...)
	rgArgs = append(rgArgs, src)
	_, out, err = runProg("rg", rgArgs...)
	if err != nil {
		return nil, err
	}
	rgHits, rgFiles := 0, 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if _, c, ok := strings.Cut(line, ":"); ok {
			k, _ := strconv.Atoi(c)
			rgHits += k
			rgFiles++
		}
	}

	// Timed: what a user runs to see the first page of hits.
	qgTimes, err := repeat(o.Runs, func() (time.Duration, error) { return qg(o.Bin, qgdir, "search", q.qg, "--json") })
	if err != nil {
		return nil, err
	}
	sel := "SELECT s.name, snippet(" + q.table + ", 0, '[', ']', '…', 8) " + match + " ORDER BY rank LIMIT 20;\n"
	ftsTimes, err := repeat(o.Runs, func() (time.Duration, error) { d, _, err := sqlite(db, sel); return d, err })
	if err != nil {
		return nil, err
	}
	rgTimes, err := repeat(o.Runs, func() (time.Duration, error) { d, _, err := runProg("rg", rgArgs...); return d, err })
	if err != nil {
		return nil, err
	}
	qm, _, _ := median(qgTimes)
	fm, _, _ := median(ftsTimes)
	rm, _, _ := median(rgTimes)
	qgFound := fmt.Sprintf("qualgraph %d hits in %d docs", len(hits), len(qgDocs))
	return []cmpRow{
		{Task: q.task, Competitor: "SQLite FTS5", Unit: "ms", QG: ms(qm), Other: ms(fm),
			Note: fmt.Sprintf("%s; FTS5 %d docs (MATCH %s on %s)", qgFound, ftsDocs[0], q.fts, q.table)},
		{Task: q.task, Competitor: "rg", Unit: "ms", QG: ms(qm), Other: ms(rm),
			Note: fmt.Sprintf("%s; rg %d hits in %d files (rg %s)", qgFound, rgHits, rgFiles, strings.Join(q.rg, " "))},
	}, nil
}

// compareCoding times bulk coding inserts (qualgraph's library in-process
// against sqlite3 inserting into QualCoder's code_text) and overlap
// co-occurrence (qualgraph's CLI against a self-join in sqlite3).
func compareCoding(o compareOptions, n int, qgdir, db string) ([]cmpRow, error) {
	ctx := context.Background()
	p, err := project.Open(qgdir, project.ReadOnly)
	if err != nil {
		return nil, err
	}
	docs, err := p.Documents(ctx)
	if err != nil {
		p.Close()
		return nil, err
	}
	ont, err := p.Ontology()
	if err != nil {
		p.Close()
		return nil, err
	}
	texts := make([][]rune, len(docs))
	for i, d := range docs {
		t, err := p.Text(d.ID)
		if err != nil {
			p.Close()
			return nil, err
		}
		texts[i] = []rune(t)
	}
	if err := p.Close(); err != nil {
		return nil, err
	}
	var codes []string
	for _, root := range []string{"Entrepreneur", "ClusterAgent", "LegitimationPractice", "ClusterPhase", "Mechanism"} {
		codes = append(codes, ont.Descendants(root)...)
	}
	codes = sortedUnique(codes)
	cid := map[string]int{}
	for i, c := range codes {
		cid[c] = i + 1
	}

	// The same codings for both: random spans of 20 to 320 characters.
	total := n * o.CodingsPerDoc
	rng := rand.New(rand.NewPCG(1, 7))
	coders := []string{"anna", "bo", "chen"}
	reqs := make([][]project.CodeRequest, len(coders))
	var sql strings.Builder
	now := time.Now().UTC().Format("2006-01-02 15:04:05")
	sql.WriteString("BEGIN;\n")
	for _, c := range codes {
		fmt.Fprintf(&sql, "INSERT INTO code_name(cid, name, owner, date) VALUES (%d, %s, 'bench', '%s');\n", cid[c], sqlQuote(c), now)
	}
	fid := map[string]int{}
	_, out, err := sqlite(db, "SELECT id || char(9) || name FROM source;\n")
	if err != nil {
		return nil, err
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		id, name, _ := strings.Cut(line, "\t")
		fid[name], _ = strconv.Atoi(id)
	}
	for i := 0; i < total; i++ {
		di := rng.IntN(len(docs))
		d, text := docs[di], texts[di]
		length := 20 + rng.IntN(300)
		s := rng.IntN(max(1, len(text)-length))
		e := min(len(text), s+length)
		code := codes[rng.IntN(len(codes))]
		ci := i % len(coders)
		reqs[ci] = append(reqs[ci], project.CodeRequest{Span: coding.Span{Doc: d.ID, Start: s, End: e}, Code: code})
		f, ok := fid[d.Name]
		if !ok {
			return nil, fmt.Errorf("document %s: not in the SQLite source table", d.Name)
		}
		fmt.Fprintf(&sql, "INSERT OR IGNORE INTO code_text(cid, fid, seltext, pos0, pos1, owner, date, memo, important) VALUES (%d, %d, %s, %d, %d, '%s', '%s', '', 0);\n",
			cid[code], f, sqlQuote(string(text[s:e])), s, e, coders[ci], now)
	}
	sql.WriteString("COMMIT;\n")
	script := sql.String()

	base := filepath.Dir(qgdir)
	qgCoded, dbCoded := filepath.Join(base, "qualgraph-coded"), filepath.Join(base, "qualcoder-coded.db")
	// qualgraph's figure is the time until the last batch is
	// acknowledged (recorded, synced and in the projection every command
	// reads); the cayley graph, which only Gizmo queries and RDF exports
	// read, takes the batches afterwards, as the writer closes: its time
	// is in the note.
	var qgTimes, graphTimes, sqlTimes []time.Duration
	for i := 0; i < o.Heavy; i++ {
		os.RemoveAll(qgCoded)
		if _, _, err := runProg("cp", "-a", qgdir, qgCoded); err != nil {
			return nil, err
		}
		start := time.Now()
		p, err := project.Open(qgCoded, project.ReadWrite)
		if err != nil {
			return nil, err
		}
		for ci, c := range coders {
			for b := 0; b < len(reqs[ci]); b += 20000 {
				if _, err := p.Code(ctx, reqs[ci][b:min(b+20000, len(reqs[ci]))], c, "code"); err != nil {
					p.Close()
					return nil, err
				}
			}
		}
		acked := time.Now()
		qgTimes = append(qgTimes, acked.Sub(start))
		if err := p.Close(); err != nil {
			return nil, err
		}
		graphTimes = append(graphTimes, time.Since(acked))

		os.Remove(dbCoded)
		if _, _, err := runProg("cp", db, dbCoded); err != nil {
			return nil, err
		}
		d, _, err := sqlite(dbCoded, script)
		if err != nil {
			return nil, err
		}
		sqlTimes = append(sqlTimes, d)
	}
	qm, _, _ := median(qgTimes)
	gm, _, _ := median(graphTimes)
	sm, _, _ := median(sqlTimes)
	_, out, err = sqlite(dbCoded, "SELECT count(*) FROM code_text;\n")
	if err != nil {
		return nil, err
	}
	stored := ints(out)
	rows := []cmpRow{{Task: compareTasks[5], Competitor: "SQLite (QualCoder's tables)", Unit: "s", QG: qm.Seconds(), Other: sm.Seconds(),
		Note: fmt.Sprintf("%d codings (%d distinct in code_text); codings/s acknowledged: qualgraph %.0f, SQLite %.0f; qualgraph %s; SQLite %s; qualgraph's graph (Gizmo, RDF) then took the batches in %.1f s more",
			total, first(stored), float64(total)/qm.Seconds(), float64(total)/sm.Seconds(), spread(qgTimes), spread(sqlTimes), gm.Seconds())}}

	// Overlap co-occurrence: pairs of codings of two different codes
	// whose spans overlap in a document, counted per pair of codes.
	_, out, err = qgOutput(o.Bin, qgCoded, "cooccur", "--unit", "overlap", "--json")
	if err != nil {
		return nil, err
	}
	var co struct {
		Pairs []struct {
			Count int `json:"count"`
		} `json:"pairs"`
	}
	if err := json.Unmarshal(out, &co); err != nil {
		return nil, fmt.Errorf("qualgraph cooccur --json: %w", err)
	}
	qgSum := 0
	for _, pr := range co.Pairs {
		qgSum += pr.Count
	}
	const overlapSQL = "SELECT a.cid, b.cid, count(*) FROM code_text a JOIN code_text b ON b.fid = a.fid AND a.cid < b.cid AND a.pos0 < b.pos1 AND b.pos0 < a.pos1 GROUP BY a.cid, b.cid;\n"
	_, out, err = sqlite(dbCoded, overlapSQL)
	if err != nil {
		return nil, err
	}
	sqlPairs, sqlSum := 0, 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Split(line, "|")
		if len(f) == 3 {
			k, _ := strconv.Atoi(f[2])
			sqlPairs++
			sqlSum += k
		}
	}
	same := "yes"
	if sqlPairs != len(co.Pairs) || sqlSum != qgSum {
		same = "NO"
	}
	qgTimes, err = repeat(o.Runs, func() (time.Duration, error) {
		return qg(o.Bin, qgCoded, "cooccur", "--unit", "overlap", "--json")
	})
	if err != nil {
		return nil, err
	}
	sqlTimes, err = repeat(o.Runs, func() (time.Duration, error) { d, _, err := sqlite(dbCoded, overlapSQL); return d, err })
	if err != nil {
		return nil, err
	}
	qm, _, _ = median(qgTimes)
	sm, _, _ = median(sqlTimes)
	rows = append(rows, cmpRow{Task: compareTasks[6], Competitor: "SQLite (QualCoder's tables)", Unit: "ms", QG: ms(qm), Other: ms(sm),
		Note: fmt.Sprintf("same result: %s (qualgraph %d code pairs, %d overlaps; SQLite %d code pairs, %d overlaps)", same, len(co.Pairs), qgSum, sqlPairs, sqlSum)})
	return rows, nil
}

// writeMarkdown writes the report: the machine, the method, and per
// corpus size the table of task, qualgraph, competitor and ratio.
func writeMarkdown(o compareOptions, rows []cmpRow) []byte {
	var b bytes.Buffer
	b.WriteString("# Benchmarks against what users would pick instead\n\n")
	b.WriteString("Written by `go run ./cmd/qgbench -compare` (issue 9); a new run replaces it.\n")
	fmt.Fprintf(&b, "Each timing is the median of %d runs (imports and bulk coding: %d runs) of whole processes, ", o.Runs, o.Heavy)
	b.WriteString("on the generated corpora of `corpus/synth` (seed 1: interviews, focus groups and policy documents, English with about 15% Chinese).\n")
	b.WriteString("**Ratio is qualgraph ÷ competitor**: below 1, qualgraph is faster or smaller; above 1, the competitor is.\n\n")
	b.WriteString("## Machine\n\n")
	var b2 bytes.Buffer
	for _, kv := range machine() {
		fmt.Fprintf(&b, "- %s: %s\n", kv[0], kv[1])
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		f := strings.Fields(string(b))
		if len(f) >= 3 {
			fmt.Fprintf(&b2, "- Load average at the end (1, 5, 15 minutes): %s, %s, %s\n", f[0], f[1], f[2])
		}
	}
	b.Write(b2.Bytes())
	b.WriteString("- The machine is a shared virtual machine: other work ran beside the benchmark, which ran under `nice -n 19`; when it is quiet, figures vary by about ±15 % from run to run, under load by much more.\n\n")
	b.WriteString(`## How each tool is run

- **qualgraph**: the CLI binary for import (` + "`qualgraph import --kind interview DIR`" + ` into a fresh project, until the process ends with the text searchable), search (` + "`qualgraph search QUERY --json`" + `, the first 20 hits with their context) and co-occurrence (` + "`qualgraph cooccur --unit overlap --json`" + `); bulk coding through the library in-process (` + "`project.Open`" + `, ` + "`(*project.Project).Code`" + ` in batches of 20,000 per coder, timed until the last batch is acknowledged: recorded, synced and in the projection that every command reads; the cayley graph takes them as the project closes, and the note gives that time), since the CLI codes one span per process.
- **SQLite**: Debian's ` + "`sqlite3`" + ` command-line program, one process per task, fed SQL on its standard input (no Go driver). The database has QualCoder's tables ` + "`source`" + `, ` + "`code_name`" + ` and ` + "`code_text`" + ` with QualCoder's columns and unique constraints. Import reads each file with ` + "`readfile()`" + ` into ` + "`source.fulltext`" + ` and builds two external-content FTS5 indexes on it in one transaction, then optimises them: ` + "`fts`" + ` with the unicode61 tokenizer (words; no stemming) and ` + "`fts_zh`" + ` with the trigram tokenizer for Chinese, since unicode61 keeps a run of Chinese characters as one token and would find ` + "`地方政府`" + ` only where it stands alone. Index size is the pages of the FTS5 tables (` + "`dbstat`" + `), without the text; qualgraph's is its ` + "`index/`" + ` folder. A search selects the names and ` + "`snippet()`" + ` of the 20 best documents (` + "`ORDER BY rank LIMIT 20`" + `). Bulk coding is one transaction of ` + "`INSERT OR IGNORE INTO code_text`" + ` with the coded text in ` + "`seltext`" + ` (as QualCoder stores it), the same spans, codes and coders as qualgraph's; the time of writing the SQL is not counted. Co-occurrence is the self-join ` + "`SELECT a.cid, b.cid, count(*) FROM code_text a JOIN code_text b ON b.fid = a.fid AND a.cid < b.cid AND a.pos0 < b.pos1 AND b.pos0 < a.pos1 GROUP BY a.cid, b.cid`" + `, which counts what qualgraph's overlap unit counts (the table says whether both found the same pairs).
- **rg** (ripgrep) over the text files, ` + "`rg --count-matches`" + ` with ` + "`-i -w -F`" + ` for English (case-insensitive whole words, as a search engine matches) and ` + "`-F`" + ` for Chinese.

Hits differ by design, and the table's notes give each tool's count: qualgraph counts occurrences and stems English (` + "`cluster`" + ` finds "clusters"), FTS5 counts documents and does not stem, rg counts occurrences of the exact words. qualgraph's Chinese search and FTS5's trigram both find the four characters anywhere.

`)
	for _, n := range o.Sizes {
		fmt.Fprintf(&b, "## %d documents\n\n", n)
		b.WriteString("| task | qualgraph | competitor | ratio | notes |\n|---|---|---|---|---|\n")
		for _, r := range rows {
			if r.Docs != n {
				continue
			}
			ratio := "n/a"
			if r.Other > 0 {
				ratio = fmt.Sprintf("%.2f", r.QG/r.Other)
			}
			fmt.Fprintf(&b, "| %s | %s %s | %s: %s %s | %s | %s |\n", r.Task, num(r.QG), r.Unit, r.Competitor, num(r.Other), r.Unit, ratio, r.Note)
		}
		b.WriteString("\n")
	}
	return b.Bytes()
}

// machine describes the machine and the tools' versions.
func machine() [][2]string {
	cpu := "unknown"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	mem := "unknown"
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				if kb, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB")); err == nil {
					mem = fmt.Sprintf("%.1f GB", float64(kb)/1024/1024)
				}
			}
		}
	}
	osName := runtime.GOOS
	if b, err := os.ReadFile("/etc/os-release"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "PRETTY_NAME="); ok {
				osName = strings.Trim(v, `"`)
			}
		}
	}
	if _, out, err := runProg("uname", "-r"); err == nil {
		osName += ", Linux " + strings.TrimSpace(string(out))
	}
	version := func(name string, args ...string) string {
		_, out, err := runProg(name, args...)
		if err != nil {
			return "unknown"
		}
		line, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
		return line
	}
	commit := version("git", "rev-parse", "--short", "HEAD")
	return [][2]string{
		{"Date", time.Now().UTC().Format("2006-01-02 15:04 UTC")},
		{"CPU", cpu},
		{"Cores", strconv.Itoa(runtime.NumCPU())},
		{"Memory", mem},
		{"OS", osName},
		{"Go", runtime.Version()},
		{"qualgraph", "commit " + commit},
		{"sqlite3", version("sqlite3", "--version")},
		{"ripgrep", version("rg", "--version")},
	}
}

// sqlite runs the sqlite3 program on db with script on its standard input
// and returns how long it took and its output.
func sqlite(db, script string) (time.Duration, []byte, error) {
	cmd := exec.Command("sqlite3", "-batch", db)
	cmd.Stdin = strings.NewReader(script)
	return runCmd(cmd)
}

// runProg runs a program and returns how long it took and its output. For rg,
// exit status 1 (nothing found) is not an error.
func runProg(name string, args ...string) (time.Duration, []byte, error) {
	return runCmd(exec.Command(name, args...))
}

func runCmd(cmd *exec.Cmd) (time.Duration, []byte, error) {
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	err := cmd.Run()
	d := time.Since(start)
	var exit *exec.ExitError
	if err != nil && filepath.Base(cmd.Path) == "rg" && errors.As(err, &exit) && exit.ExitCode() == 1 {
		err = nil
	}
	if err == nil && errOut.Len() > 0 && filepath.Base(cmd.Path) == "sqlite3" {
		// sqlite3 -batch goes on after a failed statement.
		err = errors.New("error")
	}
	if err != nil {
		msg := errOut.String()
		if len(msg) > 300 {
			msg = msg[:300]
		}
		return d, nil, fmt.Errorf("%s: %v: %s", filepath.Base(cmd.Path), err, strings.TrimSpace(msg))
	}
	return d, out.Bytes(), nil
}

// repeat runs f once to warm up, then n times, and returns the times.
func repeat(n int, f func() (time.Duration, error)) ([]time.Duration, error) {
	if _, err := f(); err != nil {
		return nil, err
	}
	ds := make([]time.Duration, 0, n)
	for i := 0; i < n; i++ {
		d, err := f()
		if err != nil {
			return nil, err
		}
		ds = append(ds, d)
	}
	return ds, nil
}

// sqlQuote quotes s as an SQL string literal.
func sqlQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// ints parses one integer per line of out.
func ints(out []byte) []int {
	var r []int
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if k, err := strconv.Atoi(strings.TrimSpace(line)); err == nil {
			r = append(r, k)
		}
	}
	return r
}

func first(xs []int) int {
	if len(xs) == 0 {
		return -1
	}
	return xs[0]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// num formats a measure with three significant digits or more.
func num(v float64) string {
	switch {
	case v >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case v >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	case v >= 1:
		return strconv.FormatFloat(v, 'f', 2, 64)
	default:
		return strconv.FormatFloat(v, 'g', 3, 64)
	}
}

func sortedUnique(xs []string) []string {
	seen := map[string]bool{}
	var r []string
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			r = append(r, x)
		}
	}
	slices.Sort(r)
	return r
}
