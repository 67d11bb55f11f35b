package main

import (
	"encoding/json"
	"errors"
	"github.com/qualgraph/qualgraph/internal/testfiles"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// oldWant is the folder of what the qualgraph of commit 611f729 printed
// for the project of project/testdata/oldproj/project.tar.gz (see the
// README there).
const oldWant = "../../project/testdata/oldproj/want"

// unpackOldProject unpacks project/testdata/oldproj/NAME into a new
// temporary folder and returns the project folder it holds.
func unpackOldProject(t *testing.T, name string) string {
	return filepath.Join(testfiles.UnpackTarGz(t, filepath.Join("../../project/testdata/oldproj", name)), "oldproj")
}

// oldListings are the listings the old binary's output was saved for,
// with the file that holds it.
var oldListings = []struct {
	args []string
	want string
}{
	{[]string{"docs", "--json"}, "docs.json"},
	{[]string{"codings", "--json"}, "codings.json"},
	{[]string{"links", "--json"}, "links.json"},
	{[]string{"entity", "list", "--json"}, "entities.json"},
	{[]string{"assertions", "--json"}, "assertions.json"},
	{[]string{"memos", "--json"}, "memos.json"},
	{[]string{"codebook", "list", "--json"}, "codebook.json"},
}

func readOldWant(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(oldWant, name))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// sortedQuads returns the lines of an N-Quads export, sorted.
func sortedQuads(s string) []string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	slices.Sort(lines)
	return lines
}

// runQuiet runs qg and fails the test unless it exits 0; it returns
// standard output and standard error.
func runQuiet(t *testing.T, dir string, args ...string) (string, string) {
	t.Helper()
	r := qg(t, dir, args...)
	if r.code != 0 {
		t.Fatalf("qualgraph %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r.stdout, r.stderr
}

// TestOldProjectConverts runs today's commands on a project made by the
// qualgraph of commit 611f729: the read commands answer as the old binary
// did without converting it; the first write converts it and says so on
// standard error, once; afterwards the listings still answer as before,
// check passes, and the graph keeps every quad the old one exported.
func TestOldProjectConverts(t *testing.T) {
	dir := unpackOldProject(t, "project.tar.gz")
	p := []string{"--project", dir}
	// The old binary wrote short datatype names; exports now write the
	// full XML Schema IRIs (and the store's own time type as dateTime).
	oldQuads := sortedQuads(strings.NewReplacer(
		"^^<xsd:", "^^<http://www.w3.org/2001/XMLSchema#",
		"^^<qg:time>", "^^<http://www.w3.org/2001/XMLSchema#dateTime>",
	).Replace(readOldWant(t, "graph.nq")))

	sameListings := func(when string, skip string) {
		t.Helper()
		for _, l := range oldListings {
			if l.want == skip {
				continue
			}
			out, errOut := runQuiet(t, ".", append(p, l.args...)...)
			if got, want := strings.TrimSpace(out), readOldWant(t, l.want); got != want {
				t.Errorf("%s: qualgraph %s:\n got: %s\nwant: %s", when, strings.Join(l.args, " "), got, want)
			}
			if strings.Contains(errOut, "converted") {
				t.Errorf("%s: qualgraph %s converted the project: %s", when, strings.Join(l.args, " "), errOut)
			}
		}
	}

	sameListings("before conversion", "")
	out, _ := runQuiet(t, ".", append(p, "export", "nquads", "-")...)
	if got := sortedQuads(out); !slices.Equal(got, oldQuads) {
		t.Errorf("before conversion: export nquads has %d quads, the old binary's %d", len(got), len(oldQuads))
	}
	if _, err := os.Stat(filepath.Join(dir, "record.log")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("reading made record.log (%v)", err)
	}

	out, errOut := runQuiet(t, ".", append(p, "code", "--coder", "cai", "officer-wang.txt", "71", "83", "StartupPark")...)
	if !strings.Contains(out, "StartupPark") {
		t.Errorf("code printed %q", out)
	}
	if strings.Count(errOut, "converted") != 1 || !strings.Contains(errOut, "record.log") {
		t.Errorf("first write: stderr %q, want one notice that the project was converted", errOut)
	}
	_, errOut = runQuiet(t, ".", append(p, "code", "--coder", "cai", "officer-wang.txt", "115", "128", "Certification")...)
	if strings.Contains(errOut, "converted") {
		t.Errorf("second write converted again: %q", errOut)
	}

	// The listings the new codings do not touch answer as before; codings
	// keeps every old row and gains the two new ones.
	sameListings("after conversion", "codings.json")
	out, _ = runQuiet(t, ".", append(p, "codings", "--json")...)
	var oldRows, newRows []map[string]any
	if err := json.Unmarshal([]byte(readOldWant(t, "codings.json")), &oldRows); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(out), &newRows); err != nil {
		t.Fatal(err)
	}
	for _, row := range oldRows {
		if !slices.ContainsFunc(newRows, func(r map[string]any) bool { return reflect.DeepEqual(r, row) }) {
			t.Errorf("after conversion: codings lost %v", row)
		}
	}
	var added []string
	for _, r := range newRows {
		if r["coder"] == "cai" {
			added = append(added, r["code"].(string))
		}
	}
	if slices.Sort(added); len(newRows) != len(oldRows)+2 || !slices.Equal(added, []string{"Certification", "StartupPark"}) {
		t.Errorf("after conversion: %d codings, new ones %q; want %d, Certification and StartupPark", len(newRows), added, len(oldRows)+2)
	}

	_, _ = runQuiet(t, ".", append(p, "check")...)
	out, _ = runQuiet(t, ".", append(p, "search", "--json", "traitors")...)
	if !strings.Contains(out, "d63eeb4b1fb51") {
		t.Errorf("search traitors: %s", out)
	}
	out, _ = runQuiet(t, ".", append(p, "export", "nquads", "-")...)
	got := sortedQuads(out)
	for _, q := range oldQuads {
		if _, found := slices.BinarySearch(got, q); !found {
			t.Errorf("after conversion: export nquads lacks %s", q)
		}
	}
	if len(got) <= len(oldQuads) {
		t.Errorf("after two codings: %d quads, the old binary exported %d", len(got), len(oldQuads))
	}
}
