package project

import (
	"bytes"
	"context"
	"errors"
	"maps"
	"os"
	"testing"
	"time"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/corpus"
	"github.com/qualgraph/qualgraph/kg"
	"github.com/qualgraph/qualgraph/ontology"
)

// TestViewOfCache checks that the entities-and-assertions view and the
// evidence quotes that a long-running process keeps (ViewOf, the
// EvidenceQuoter) are read again when the project changes, by this
// process or by another, and kept while it does not.
func TestViewOfCache(t *testing.T) {
	ctx := context.Background()
	dir, doc := recordProject(t)
	p, err := Open(dir, Shared)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	other := func(change func(q *Project) error) {
		t.Helper()
		q, err := Open(dir, ReadWrite)
		if err != nil {
			t.Fatal(err)
		}
		if err := change(q); err != nil {
			t.Fatal(err)
		}
		if err := q.Close(); err != nil {
			t.Fatal(err)
		}
	}
	assert := func(q *Project, start, end int) error {
		_, err := q.Assert(ctx, coding.Assertion{Subject: "bureau", Relation: "funds", Object: "chen", Confidence: 0.8,
			Polarity: coding.Positive, Evidence: []coding.Span{{Doc: doc, Start: start, End: end}}}, "ana")
		return err
	}
	var last *coding.View
	for _, tc := range []struct {
		name       string
		change     func()
		entities   int
		assertions int
		same       bool // the view read before is still current
	}{
		{"Empty", func() {}, 0, 0, false},
		{"Unchanged", func() {}, 0, 0, true},
		{"EntitiesByAnotherProcess", func() {
			other(func(q *Project) error {
				return q.AddEntities(ctx, []coding.Entity{{ID: "bureau", Type: "LocalGovernment"}, {ID: "chen", Type: "ExperienceBasedFounder"}}, "ana")
			})
		}, 2, 0, false},
		{"AssertedByAnotherProcess", func() { other(func(q *Project) error { return assert(q, 0, 9) }) }, 2, 1, false},
		{"AssertedHere", func() {
			if err := assert(p, 22, 33); err != nil {
				t.Fatal(err)
			}
		}, 2, 2, false},
		{"CodedHere", func() {
			if _, err := p.Code(ctx, []CodeRequest{{Span: coding.Span{Doc: doc, Start: 1, End: 5}, Code: "LocalGovernment"}}, "ana", "code"); err != nil {
				t.Fatal(err)
			}
		}, 2, 2, false},
		{"UnchangedAgain", func() {}, 2, 2, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.change()
			v, err := p.ViewOf(kg.PartEntities | kg.PartAssertions)
			if err != nil {
				t.Fatal(err)
			}
			if len(v.Assertions) != tc.assertions {
				t.Fatalf("%d assertions, want %d", len(v.Assertions), tc.assertions)
			}
			if len(v.Entities) != tc.entities {
				t.Fatalf("%d entities, want %d", len(v.Entities), tc.entities)
			}
			if got := v == last; got != tc.same {
				t.Fatalf("the view read before was kept: %v, want %v", got, tc.same)
			}
			last = v
			// Every evidence span is quoted from the projection, the
			// ones just added included.
			q := p.EvidenceQuoter()
			for _, a := range v.Assertions {
				for _, s := range a.Evidence {
					want := string([]rune(chenText)[s.Start:s.End])
					if got := q.Quote(s); got != want {
						t.Fatalf("quote of %v = %q, want %q", s, got, want)
					}
					if _, ok := q.quotes[s]; !ok {
						t.Fatalf("%v was quoted from sources/, not from the projection's quotes", s)
					}
				}
			}
		})
	}
}

// TestDocumentRecordOne checks the lookup of one document that a command
// makes without reading every document's record: by id and by name, a
// document that another process imports (or that this process's cached
// list does not hold yet), and an unknown one.
func TestDocumentRecordOne(t *testing.T) {
	ctx := context.Background()
	dir, doc := recordProject(t)
	p, err := Open(dir, Shared)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	for _, tc := range []struct {
		name, ref string
		before    func()
		wantName  string // "" for not found
	}{
		{"ByID", doc, func() {}, "chen.txt"},
		{"ByName", "chen.txt", func() {}, "chen.txt"},
		{"Unknown", "later.txt", func() {}, ""},
		{"ImportedByAnotherProcess", "later.txt", func() {
			// The cached list of documents is filled first, so that
			// the import must make it stale.
			if _, err := p.Documents(ctx); err != nil {
				t.Fatal(err)
			}
			q, err := Open(dir, ReadWrite)
			if err != nil {
				t.Fatal(err)
			}
			defer q.Close()
			if _, err := q.ImportData(ctx, []DataFile{{Path: "later.txt", Data: []byte("Later 以后 🙂.\n")}}, ImportOptions{Kind: corpus.KindInterview, By: "test"}); err != nil {
				t.Fatal(err)
			}
		}, "later.txt"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.before()
			d, err := p.DocumentRecord(ctx, tc.ref)
			if tc.wantName == "" {
				if !errors.Is(err, kg.ErrNotFound) {
					t.Fatalf("DocumentRecord(%q) = %v, %v; want kg.ErrNotFound", tc.ref, d, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d.Name != tc.wantName || d.Text != "" || d.Attrs == nil {
				t.Fatalf("DocumentRecord(%q) = %+v, want %s without text", tc.ref, d, tc.wantName)
			}
		})
	}
}

// TestIndexStatusCount checks that the number of documents that every
// search reports, which a long-running process keeps, follows an import
// by another process.
func TestIndexStatusCount(t *testing.T) {
	ctx := context.Background()
	dir, _ := recordProject(t)
	p, err := Open(dir, Shared)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	for _, tc := range []struct {
		name   string
		change func()
		want   int
	}{
		{"One", func() {}, 1},
		{"Again", func() {}, 1},
		{"ImportedByAnotherProcess", func() {
			q, err := Open(dir, ReadWrite)
			if err != nil {
				t.Fatal(err)
			}
			defer q.Close()
			files := []DataFile{{Path: "a.txt", Data: []byte("甲 🙂\n")}, {Path: "b.txt", Data: []byte("B.\n")}}
			if _, err := q.ImportData(ctx, files, ImportOptions{Kind: corpus.KindInterview, By: "test"}); err != nil {
				t.Fatal(err)
			}
		}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.change()
			st, err := p.IndexStatus(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if st.Total != tc.want {
				t.Fatalf("IndexStatus: %d documents, want %d", st.Total, tc.want)
			}
		})
	}
}

// TestCodebookCache checks that the codebook a long-running process keeps
// follows emergent codes added here and by another process, a code
// promoted into the ontology, and the ontology file edited by hand.
func TestCodebookCache(t *testing.T) {
	ctx := context.Background()
	dir, _ := recordProject(t)
	p, err := Open(dir, Shared)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	other := func(change func(q *Project) error) {
		t.Helper()
		q, err := Open(dir, ReadWrite)
		if err != nil {
			t.Fatal(err)
		}
		if err := change(q); err != nil {
			t.Fatal(err)
		}
		if err := q.Close(); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name   string
		change func()
		code   string // a code that must be in the codebook, under parent
		parent string
		absent string // a code that must not be
	}{
		{"Before", func() {}, "LocalGovernment", "ClusterAgent", "SeedMoney"},
		{"AddedByAnotherProcess", func() {
			other(func(q *Project) error { return q.AddCode(ctx, coding.Code{ID: "SeedMoney", By: "ana"}) })
		}, "SeedMoney", coding.RootEmergent, "Loans"},
		{"AddedHere", func() {
			if err := p.AddCode(ctx, coding.Code{ID: "Loans", By: "ana"}); err != nil {
				t.Fatal(err)
			}
		}, "Loans", coding.RootEmergent, "Handwritten"},
		{"PromotedByAnotherProcess", func() {
			other(func(q *Project) error { return q.PromoteCode(ctx, "SeedMoney", "LocalGovernment", "ana") })
		}, "SeedMoney", "LocalGovernment", "Handwritten"},
		{"OntologyEdited", func() {
			f, err := os.OpenFile(p.OntologyPath(), os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			o, err := p.Ontology()
			if err != nil {
				t.Fatal(err)
			}
			o = o.Clone()
			if err := o.AddClass(ontology.Class{ID: "Handwritten", Parent: "LocalGovernment"}); err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if err := o.WriteYAML(&b); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p.OntologyPath(), b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}, "Handwritten", "LocalGovernment", "Nope"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.change()
			cb, err := p.Codebook()
			if err != nil {
				t.Fatal(err)
			}
			c, ok := cb.Class(tc.code)
			if !ok || c.Parent != tc.parent {
				t.Fatalf("code %s: %+v, %v; want it under %q", tc.code, c, ok, tc.parent)
			}
			if err := cb.CheckCode(tc.absent); err == nil {
				t.Fatalf("code %s is in the codebook", tc.absent)
			}
		})
	}
}

// TestTexts checks the texts that a search reads: kept by id without
// looking at the files while the projection's documents stay the same
// (sources are written once), and checked against the files again once
// documents are imported, here by another process.
func TestTexts(t *testing.T) {
	ctx := context.Background()
	dir, doc := recordProject(t)
	p, err := Open(dir, Shared)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	const later = "Later 以后 🙂.\n"
	var laterID string
	changed := chenText + "More.\n"
	for _, tc := range []struct {
		name   string
		change func()
		want   map[string]string // by id; "later" for the document imported
	}{
		{"Read", func() {}, map[string]string{doc: chenText}},
		{"FileChangedBehindTheProject", func() {
			if err := os.WriteFile(p.textPath(doc), []byte(changed), 0o644); err != nil {
				t.Fatal(err)
			}
			future := time.Now().Add(time.Hour)
			if err := os.Chtimes(p.textPath(doc), future, future); err != nil {
				t.Fatal(err)
			}
		}, map[string]string{doc: chenText}}, // not looked at: sources are written once
		{"ImportedByAnotherProcess", func() {
			q, err := Open(dir, ReadWrite)
			if err != nil {
				t.Fatal(err)
			}
			defer q.Close()
			res, err := q.ImportData(ctx, []DataFile{{Path: "later.txt", Data: []byte(later)}}, ImportOptions{Kind: corpus.KindInterview, By: "test"})
			if err != nil {
				t.Fatal(err)
			}
			laterID = res.Imported[0].ID
		}, map[string]string{doc: changed, "later": later}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.change()
			ids := []string{doc}
			if laterID != "" {
				ids = append(ids, laterID)
			}
			got, err := p.Texts(ids)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]string{}
			for id, text := range tc.want {
				if id == "later" {
					id = laterID
				}
				want[id] = text
			}
			if !maps.Equal(got, want) {
				t.Fatalf("Texts %q, want %q", got, want)
			}
		})
	}
}
