package mapping_test

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/qualgraph/qualgraph/coding/refiqda"
	"github.com/qualgraph/qualgraph/coding/refiqda/mapping"
	"github.com/qualgraph/qualgraph/project"
)

// fixture is a small REFI-QDA project: a code with a child, one source
// with a variable, a coded selection and a note.
func fixture() (*refiqda.Project, *refiqda.Report) {
	g := func(key string) string { return refiqda.StableGUID("plan-test", key) }
	text := "Interviewer: How was it?\r\nRespondent: I waited for the vaccine.\r\n"
	start := len([]rune("Interviewer: How was it?\r\nRespondent: "))
	rp := &refiqda.Project{
		Name:  "plan",
		Users: []refiqda.User{{GUID: g("user"), Name: "ana"}},
		Codes: []refiqda.Code{{GUID: g("code/parent"), Name: "Vaccine hesitancy", IsCodable: true,
			Children: []refiqda.Code{{GUID: g("code/child"), Name: "Waiting", IsCodable: true}}}},
		Variables: []refiqda.Variable{{GUID: g("var"), Name: "Age", Type: refiqda.VarInteger}},
		Sources: []refiqda.Source{{GUID: g("src"), Name: "int1", Text: text, NoteRefs: []string{g("note")},
			Values: []refiqda.VariableValue{{VariableGUID: g("var"), Type: refiqda.VarInteger, Value: "42"}},
			Selections: []refiqda.Selection{{GUID: g("sel"), Start: start, End: start + len("I waited"),
				Codings: []refiqda.Coding{{GUID: g("coding"), CodeGUID: g("code/child"), CreatingUser: g("user")}}}}}},
		Notes: []refiqda.Source{{GUID: g("note"), Name: "First", Text: "A first talk."}},
	}
	// Through an archive, as an import reads it.
	var b bytes.Buffer
	if err := refiqda.WriteQDPX(&b, rp); err != nil {
		panic(err)
	}
	rp, rep, err := refiqda.ReadQDPX(bytes.NewReader(b.Bytes()), int64(b.Len()), refiqda.ReadOptions{})
	if err != nil {
		panic(err)
	}
	return rp, rep
}

func newProject(t *testing.T) *project.Project {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "p")
	if err := project.Init(dir, project.InitOptions{}); err != nil {
		t.Fatal(err)
	}
	p, err := project.Open(dir, project.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// TestPlanProject plans the fixture's import into a real project, before
// and after the import itself: the plan holds what the project lacks, and
// planning writes nothing.
func TestPlanProject(t *testing.T) {
	ctx := context.Background()
	p := newProject(t)
	opt := mapping.Options{File: "plan.qdpx", By: "t", MaxBytes: project.MaxFileBytes}
	for _, tc := range []struct {
		name                         string
		imported                     bool
		codes, docs, codings, memos  int
		codingsPresent, memosPresent int
	}{
		{name: "Empty", codes: 2, docs: 1, codings: 1, memos: 1},
		{name: "Imported", imported: true, codingsPresent: 1, memosPresent: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.imported {
				var b bytes.Buffer
				rp, _ := fixture()
				if err := refiqda.WriteQDPX(&b, rp); err != nil {
					t.Fatal(err)
				}
				if _, err := p.ImportQDPX(ctx, bytes.NewReader(b.Bytes()), int64(b.Len()), project.RefiOptions{File: "plan.qdpx", By: "t"}); err != nil {
					t.Fatal(err)
				}
			}
			docsBefore, err := p.Documents(ctx)
			if err != nil {
				t.Fatal(err)
			}
			rp, rep := fixture()
			pl, err := mapping.PlanProject(ctx, p, rp, rep, opt)
			if err != nil {
				t.Fatal(err)
			}
			if len(pl.Errors) > 0 {
				t.Fatalf("errors: %v", pl.Errors)
			}
			if len(pl.Codes) != tc.codes || len(pl.Documents) != tc.docs || len(pl.Codings) != tc.codings || len(pl.Memos) != tc.memos {
				t.Errorf("plan: %d codes, %d documents, %d codings, %d memos; want %d, %d, %d, %d",
					len(pl.Codes), len(pl.Documents), len(pl.Codings), len(pl.Memos), tc.codes, tc.docs, tc.codings, tc.memos)
			}
			res := pl.Result
			if res.CodingsPresent != tc.codingsPresent || res.MemosPresent != tc.memosPresent {
				t.Errorf("present: %d codings, %d memos; want %d, %d", res.CodingsPresent, res.MemosPresent, tc.codingsPresent, tc.memosPresent)
			}
			if len(res.Codes) != 2 || res.Codes[1].ID != "Waiting" || res.Codes[1].Path != "Vaccine hesitancy/Waiting" {
				t.Errorf("codes: %+v", res.Codes)
			}
			if len(res.Documents) != 1 || res.Documents[0].New == tc.imported {
				t.Errorf("documents: %+v", res.Documents)
			}
			for _, c := range pl.Codings {
				if c.Coder != "ana" || c.Code != "Waiting" {
					t.Errorf("coding %+v: want ana's coding with Waiting", c)
				}
				if q := []rune(pl.Documents[0].Text)[c.Start:c.End]; string(q) != "I waited" {
					t.Errorf("coding %+v quotes %q, want %q", c, string(q), "I waited")
				}
			}
			for _, d := range pl.Documents {
				if a := d.Attrs["Age"]; a.Value != "42" {
					t.Errorf("document %s: Age=%q, want 42", d.Name, a.Value)
				}
			}
			docsAfter, err := p.Documents(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(docsAfter) != len(docsBefore) {
				t.Errorf("planning wrote documents: %d before, %d after", len(docsBefore), len(docsAfter))
			}
		})
	}
}

// TestExportProject maps a real project, with the fixture imported, onto
// a REFI-QDA model whose GUIDs are the project's own.
func TestExportProject(t *testing.T) {
	ctx := context.Background()
	p := newProject(t)
	rp, _ := fixture()
	var b bytes.Buffer
	if err := refiqda.WriteQDPX(&b, rp); err != nil {
		t.Fatal(err)
	}
	if _, err := p.ImportQDPX(ctx, bytes.NewReader(b.Bytes()), int64(b.Len()), project.RefiOptions{File: "plan.qdpx", By: "t"}); err != nil {
		t.Fatal(err)
	}
	info := mapping.ProjectInfo{ID: p.Meta.ID, Name: p.Meta.Name, Created: p.Meta.Created}
	for _, tc := range []struct {
		name       string
		f          mapping.ExportFilter
		sources    int
		selections int
	}{
		{"All", mapping.ExportFilter{}, 1, 1},
		{"OtherCoder", mapping.ExportFilter{Coders: []string{"bob"}}, 1, 0},
		{"OtherKind", mapping.ExportFilter{Kind: "policy"}, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := mapping.ExportProject(ctx, p, info, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			if len(out.Sources) != tc.sources {
				t.Fatalf("%d sources, want %d", len(out.Sources), tc.sources)
			}
			if tc.sources == 0 {
				return
			}
			s := out.Sources[0]
			if len(s.Selections) != tc.selections {
				t.Fatalf("%d selections, want %d", len(s.Selections), tc.selections)
			}
			if tc.selections > 0 {
				c := s.Selections[0].Codings[0]
				// An imported code keeps the GUID it had in the file.
				if want := refiqda.StableGUID("plan-test", "code/child"); c.CodeGUID != want {
					t.Errorf("coding's code %s, want the file's GUID of Waiting %s", c.CodeGUID, want)
				}
				if got := string([]rune(s.Text)[s.Selections[0].Start:s.Selections[0].End]); got != "I waited" {
					t.Errorf("selection quotes %q, want %q", got, "I waited")
				}
			}
			if len(s.NoteRefs) != 1 || len(s.Values) != 1 || s.Values[0].Value != "42" {
				t.Errorf("source: notes %v, values %+v; want one note and Age 42", s.NoteRefs, s.Values)
			}
		})
	}
	if _, err := mapping.ExportProject(ctx, p, info, mapping.ExportFilter{Docs: []string{"nosuch"}}); err == nil {
		t.Error("ExportProject of an unknown document: no error")
	}
	cb, err := mapping.ExportCodebook(p, info)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	var walk func([]refiqda.Code)
	walk = func(cs []refiqda.Code) {
		for _, c := range cs {
			found = found || c.GUID == refiqda.StableGUID("plan-test", "code/parent") && c.Name == "Vaccine hesitancy"
			walk(c.Children)
		}
	}
	walk(cb.Codes)
	if !found {
		t.Error("codebook: no code with the file's GUID named \"Vaccine hesitancy\"")
	}
}
