package project

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"github.com/qualgraph/qualgraph/internal/testfiles"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/corpus"
	"github.com/qualgraph/qualgraph/corpus/fts"
)

// The fixtures of these tests are project folders written by the last
// release before the record (commit 611f729), with what its binary printed
// for them; testdata/oldproj/README.md says how they were made.

// oldFixture is the folder of the fixtures.
const oldFixture = "testdata/oldproj"

// unpackOld unpacks the fixture archive name of testdata/oldproj into a
// new temporary folder and returns the project folder it holds.
func unpackOld(t *testing.T, name string) string {
	return filepath.Join(testfiles.UnpackTarGz(t, filepath.Join(oldFixture, name)), "oldproj")
}

// treeDigest returns the SHA-256 of every file under dir, by path.
func treeDigest(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		rel, _ := filepath.Rel(dir, path)
		out[rel] = hex.EncodeToString(sum[:])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// oldState is what the listings show, in a form that the old binary's
// JSON and today's View both give.
type oldState struct {
	Docs       []any // docs --json, decoded
	Codings    []coding.Coding
	Codes      []oldCode
	Entities   []coding.Entity
	Assertions []coding.Assertion
	Memos      []coding.Memo
}

// oldCode is a row of codebook list --json.
type oldCode struct {
	ID         string    `json:"id"`
	Parent     string    `json:"parent"`
	Definition string    `json:"definition"`
	Colour     string    `json:"colour"`
	Promoted   bool      `json:"promoted"`
	By         string    `json:"by"`
	Created    time.Time `json:"created"`
}

func readWant(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(oldFixture, "want", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// wantOld returns what the old binary listed for project.tar.gz.
func wantOld(t *testing.T) oldState {
	t.Helper()
	var s oldState
	readWant(t, "docs.json", &s.Docs)
	readWant(t, "codings.json", &s.Codings)
	readWant(t, "codebook.json", &s.Codes)
	readWant(t, "entities.json", &s.Entities)
	readWant(t, "assertions.json", &s.Assertions)
	readWant(t, "memos.json", &s.Memos)
	// assertions --json of 611f729 printed neither an assertion's memo
	// nor why it was retracted: they are as the commands gave them.
	for i, a := range s.Assertions {
		switch a.ID {
		case "27362bd5-76be-4286-afc7-1ba6f6944a4a":
			s.Assertions[i].Memo = "subsidy conditional on certificate"
		case "d65b7af7-72da-49c5-bbbe-e4e15fe10301":
			s.Assertions[i].Reason = "the association is not a competitor"
		}
	}
	return s.normal()
}

// stateOf returns what p's listings show.
func stateOf(t *testing.T, p *Project) oldState {
	t.Helper()
	ctx := context.Background()
	docs, err := p.Documents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	type docRow struct {
		ID    string       `json:"id"`
		Name  string       `json:"name"`
		Kind  string       `json:"kind"`
		Chars int          `json:"chars"`
		Attrs corpus.Attrs `json:"attrs"`
	}
	rows := make([]docRow, len(docs))
	for i, d := range docs {
		rows[i] = docRow{d.ID, d.Name, d.Kind, d.Chars, d.Attrs}
	}
	b, err := json.Marshal(rows)
	if err != nil {
		t.Fatal(err)
	}
	var s oldState
	if err := json.Unmarshal(b, &s.Docs); err != nil {
		t.Fatal(err)
	}
	v, err := p.View(false)
	if err != nil {
		t.Fatal(err)
	}
	s.Codings = slices.Clone(v.Codings)
	s.Entities = slices.Clone(v.Entities)
	s.Assertions = slices.Clone(v.Assertions)
	s.Memos = slices.Clone(v.Memos)
	for _, c := range v.Codes {
		s.Codes = append(s.Codes, oldCode{c.ID, c.Parent, c.Definition, c.Color, c.Promoted, c.By, c.Created})
	}
	return s.normal()
}

// normal puts s in one order and form: lists by id, times in UTC, empty
// maps and lists nil, aliases sorted.
func (s oldState) normal() oldState {
	byID := func(a, b string) int { return strings.Compare(a, b) }
	slices.SortFunc(s.Codings, func(a, b coding.Coding) int { return byID(a.ID, b.ID) })
	slices.SortFunc(s.Codes, func(a, b oldCode) int { return byID(a.ID, b.ID) })
	slices.SortFunc(s.Entities, func(a, b coding.Entity) int { return byID(a.ID, b.ID) })
	slices.SortFunc(s.Assertions, func(a, b coding.Assertion) int { return byID(a.ID, b.ID) })
	slices.SortFunc(s.Memos, func(a, b coding.Memo) int { return byID(a.ID, b.ID) })
	for i := range s.Codings {
		s.Codings[i].Created = s.Codings[i].Created.UTC()
	}
	for i := range s.Codes {
		s.Codes[i].Created = s.Codes[i].Created.UTC()
	}
	for i := range s.Entities {
		e := &s.Entities[i]
		e.Aliases = slices.Sorted(slices.Values(e.Aliases))
		if len(e.Aliases) == 0 {
			e.Aliases = nil
		}
		if len(e.Attrs) == 0 {
			e.Attrs = nil
		}
	}
	for i := range s.Assertions {
		s.Assertions[i].Created = s.Assertions[i].Created.UTC()
		s.Assertions[i].Evidence = slices.Clone(s.Assertions[i].Evidence)
	}
	for i := range s.Memos {
		s.Memos[i].Created = s.Memos[i].Created.UTC()
	}
	return s
}

// sameState reports every list of got that differs from want.
func sameState(t *testing.T, what string, got, want oldState) {
	t.Helper()
	gv, wv := reflect.ValueOf(got), reflect.ValueOf(want)
	for i := range gv.NumField() {
		name := gv.Type().Field(i).Name
		if g, w := gv.Field(i).Interface(), wv.Field(i).Interface(); !reflect.DeepEqual(g, w) {
			t.Errorf("%s: %s differ\n got: %+v\nwant: %+v", what, name, g, w)
		}
	}
}

// graphQuads returns the N-Quads export of p's graph, one quad a line,
// sorted.
func graphQuads(t *testing.T, p *Project) []string {
	t.Helper()
	g, err := p.Graph()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := g.WriteNQuads(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	return sortedLines(buf.String())
}

func sortedLines(s string) []string {
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	slices.Sort(lines)
	return lines
}

func wantQuads(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(oldFixture, "want", "graph.nq"))
	if err != nil {
		t.Fatal(err)
	}
	// The old binary wrote short datatype names; exports now write the
	// full XML Schema IRIs (and the store's own time type as dateTime).
	text := strings.NewReplacer(
		"^^<xsd:", "^^<http://www.w3.org/2001/XMLSchema#",
		"^^<qg:time>", "^^<http://www.w3.org/2001/XMLSchema#dateTime>",
	).Replace(string(b))
	return sortedLines(text)
}

// missingQuads returns the quads of want that got lacks.
func missingQuads(got, want []string) []string {
	have := map[string]bool{}
	for _, q := range got {
		have[q] = true
	}
	var out []string
	for _, q := range want {
		if !have[q] {
			out = append(out, q)
		}
	}
	return out
}

func openOld(t *testing.T, dir string, mode Mode) *Project {
	t.Helper()
	p, err := Open(dir, mode)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func closeOld(t *testing.T, p *Project) {
	t.Helper()
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
}

func checkOld(t *testing.T, p *Project) *CheckReport {
	t.Helper()
	r, err := p.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() {
		t.Errorf("check: %q", problems(r))
	}
	return r
}

// searchOld returns the names of the documents where query has hits.
func searchOld(t *testing.T, p *Project, query string) []string {
	t.Helper()
	ix, err := p.Index()
	if err != nil {
		t.Fatal(err)
	}
	hits, err := ix.Search(fts.SearchRequest{Query: query})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, h := range hits {
		if !slices.Contains(names, h.Name) {
			names = append(names, h.Name)
		}
	}
	slices.Sort(names)
	return names
}

// isConvertNotice says whether n is the notice of converting a project.
func isConvertNotice(n string) bool {
	return strings.Contains(n, "converted") && strings.Contains(n, RecordFile)
}

// TestOldProjectReadOnly reads a project made before the record without
// converting it: every listing answers as the old binary did, and no file
// changes.
func TestOldProjectReadOnly(t *testing.T) {
	dir := unpackOld(t, "project.tar.gz")
	before := treeDigest(t, dir)
	p := openOld(t, dir, ReadOnly)
	sameState(t, "read-only", stateOf(t, p), wantOld(t))
	if got, want := graphQuads(t, p), wantQuads(t); !slices.Equal(got, want) {
		t.Errorf("N-Quads: %d quads, the old binary exported %d; missing %q", len(got), len(want), missingQuads(got, want))
	}
	// The index format changed since (stop words are indexed): a reader
	// is told how it is rebuilt; the first write rebuilds it.
	if _, err := p.Index(); err == nil || !strings.Contains(err.Error(), "the next command that writes") {
		t.Errorf("opening an old index read-only: %v, want the message naming the rebuild", err)
	}
	r, err := p.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// The one problem: the index, in the earlier format, until a write.
	if pr := problems(r); len(pr) != 1 || !strings.Contains(pr[0], "made by an earlier qualgraph") {
		t.Errorf("check of the old project, read-only: %q, want only the index's format", pr)
	}
	if r.Documents != 3 {
		t.Errorf("check counted %d documents, want 3", r.Documents)
	}
	if len(p.Notices) != 0 {
		t.Errorf("read-only open: notices %q", p.Notices)
	}
	closeOld(t, p)
	if after := treeDigest(t, dir); !reflect.DeepEqual(after, before) {
		t.Errorf("reading changed the folder:\nbefore %v\nafter  %v", before, after)
	}
	if exists(filepath.Join(dir, RecordFile)) {
		t.Errorf("reading made %s", RecordFile)
	}
}

// TestOldProjectConverts opens a project made before the record for
// writing: it is converted once, with a notice; every listing still
// answers as the old binary did; new codings, imports and searches work;
// the graph keeps every quad the old one had.
func TestOldProjectConverts(t *testing.T) {
	ctx := context.Background()
	dir := unpackOld(t, "project.tar.gz")
	want := wantOld(t)

	p := openOld(t, dir, ReadWrite)
	// Converted, and its index (made with another index format) rebuilt.
	if len(p.Notices) != 2 || !isConvertNotice(p.Notices[0]) || !strings.Contains(p.Notices[1], "rebuilt the full-text index") {
		t.Errorf("first open for writing: notices %q, want one saying it converted the project and one that it rebuilt the index", p.Notices)
	}
	if !exists(filepath.Join(dir, RecordFile)) {
		t.Errorf("no %s after converting", RecordFile)
	}
	sameState(t, "converted", stateOf(t, p), want)
	closeOld(t, p)

	p = openOld(t, dir, ReadWrite)
	if len(p.Notices) != 0 {
		t.Errorf("second open for writing: notices %q, want none", p.Notices)
	}
	sameState(t, "reopened", stateOf(t, p), want)
	checkOld(t, p)

	// A new coding, by a third coder, on the official's interview.
	wang := "db013859e3c2f"
	cs, err := p.Code(ctx, []CodeRequest{{Span: coding.Span{Doc: wang, Start: 71, End: 83}, Code: "StartupPark"}}, "cai", "code")
	if err != nil {
		t.Fatal(err)
	}
	// A new import, searched at once with the old documents.
	res, err := p.ImportData(ctx, []DataFile{{
		Path: "founder-sun.txt",
		Data: []byte("Interviewer: What changed after 2020?\nSun: Orders from abroad fell, so we turned to smart lighting.\n"),
		Kind: corpus.KindInterview,
	}}, ImportOptions{By: "cai"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Imported) != 1 {
		t.Fatalf("import: %d documents, want 1", len(res.Imported))
	}
	closeOld(t, p)

	p = openOld(t, dir, ReadOnly)
	defer p.Close()
	if len(p.Notices) != 0 {
		t.Errorf("reader after conversion: notices %q", p.Notices)
	}
	r := checkOld(t, p)
	if r.Documents != 4 {
		t.Errorf("check counted %d documents, want 4", r.Documents)
	}
	for _, c := range []struct{ query, want string }{
		{"traitors", "founder-chen.txt"},
		{"协会", "访谈-李.txt"},
		{"abroad", "founder-sun.txt"},
	} {
		if got := searchOld(t, p, c.query); !slices.Equal(got, []string{c.want}) {
			t.Errorf("search %s: %q, want [%s]", c.query, got, c.want)
		}
	}
	got := stateOf(t, p)
	// The old listings with the new document and coding.
	grown := want
	grown.Codings = append(slices.Clone(want.Codings), cs[0])
	grown.Docs = slices.Clone(want.Docs)
	var sun any
	for _, d := range got.Docs {
		if d.(map[string]any)["name"] == "founder-sun.txt" {
			sun = d
		}
	}
	if sun == nil {
		t.Fatal("founder-sun.txt not listed after import")
	}
	grown.Docs = append(grown.Docs, sun)
	slices.SortFunc(grown.Docs, func(a, b any) int {
		return strings.Compare(a.(map[string]any)["name"].(string), b.(map[string]any)["name"].(string))
	})
	sameState(t, "after new writes", got, grown.normal())

	quads := graphQuads(t, p)
	if miss := missingQuads(quads, wantQuads(t)); len(miss) > 0 {
		t.Errorf("the graph lost %d of the old binary's quads: %q", len(miss), miss)
	}
	if !slices.ContainsFunc(quads, func(q string) bool { return strings.Contains(q, cs[0].ID) }) {
		t.Errorf("no quad names the new coding %s", cs[0].ID)
	}
}

// TestOldProjectInterruptedImport opens, with today's code, copies of the
// project that an old writer left in the middle of an import: what the
// graph holds stays, what it lacks goes, and check is clean.
func TestOldProjectInterruptedImport(t *testing.T) {
	for _, c := range []struct {
		name    string
		fixture string
		newDoc  string // imported document the graph holds, or ""
		search  string // a word of newDoc
	}{
		{"KilledBeforeGraph", "killed-import.tar.gz", "", ""},
		{"KilledBeforeIndex", "half-import.tar.gz", "founder-zhao.txt", "moulding"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := unpackOld(t, c.fixture)
			if !exists(filepath.Join(dir, journalFile)) {
				t.Fatalf("fixture has no %s", journalFile)
			}
			want := wantOld(t)
			p := openOld(t, dir, ReadWrite)
			notices := p.Notices
			got := stateOf(t, p)
			closeOld(t, p)
			if exists(filepath.Join(dir, journalFile)) {
				t.Errorf("%s left after recovery", journalFile)
			}
			if !exists(filepath.Join(dir, RecordFile)) {
				t.Errorf("no %s after recovery", RecordFile)
			}
			// recoverDir converts the project on a Project of its own:
			// Open passes its notices on.
			if !slices.ContainsFunc(notices, isConvertNotice) {
				t.Errorf("notices %q, want one saying it converted the project", notices)
			}
			var names []string
			for _, d := range got.Docs {
				names = append(names, d.(map[string]any)["name"].(string))
			}
			wantNames := []string{"founder-chen.txt", "officer-wang.txt", "访谈-李.txt"}
			if c.newDoc != "" {
				wantNames = append(wantNames, c.newDoc)
			}
			slices.Sort(names)
			slices.Sort(wantNames)
			if !slices.Equal(names, wantNames) {
				t.Errorf("documents %q, want %q", names, wantNames)
			}
			got.Docs, want.Docs = nil, nil
			sameState(t, "recovered", got, want)

			p = openOld(t, dir, ReadOnly)
			defer p.Close()
			r := checkOld(t, p)
			if r.Documents != len(wantNames) {
				t.Errorf("check counted %d documents, want %d", r.Documents, len(wantNames))
			}
			src, err := p.sourceIDs()
			if err != nil {
				t.Fatal(err)
			}
			if len(src) != len(wantNames) {
				t.Errorf("sources/ holds %d documents, want %d", len(src), len(wantNames))
			}
			if c.search != "" {
				if got := searchOld(t, p, c.search); !slices.Equal(got, []string{c.newDoc}) {
					t.Errorf("search %s: %q, want [%s]", c.search, got, c.newDoc)
				}
			}
			if got := searchOld(t, p, "Founder003"); len(got) != 0 {
				t.Errorf("search Founder003, a document of the killed import: %q", got)
			}
		})
	}
}
