package kg_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/corpus"
	"github.com/qualgraph/qualgraph/kg"
)

// TestFindDocuments checks that the one-document lookup finds what
// LoadDocuments finds, by id and by name, after attributes change and
// after an import is undone and made again.
func TestFindDocuments(t *testing.T) {
	dir := t.TempDir()
	s, err := kg.Create(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	ch := func(op string) coding.Change { return coding.NewChange("tester", op, op) }
	doc := func(id, name string) *corpus.Document {
		return &corpus.Document{ID: id, Name: name, Kind: corpus.KindInterview, Imported: time.Now().UTC().Truncate(time.Second), Attrs: corpus.Attrs{}}
	}
	// d1's id is also d9's name; d2 and d3 share a name; d4 is removed
	// and imported again under another name; an id with JSON-escaped
	// characters.
	if err := s.AddDocuments(ch("import"), []*corpus.Document{
		doc("d1", "林-2015.txt"), doc("d2", "same.txt"), doc("d3", "same.txt"),
		doc("d4", "old.txt"), doc("d9", "d1"), doc("d<&>", "odd id.txt"),
	}); err != nil {
		t.Fatal(err)
	}
	attrs, err := corpus.NewAttr(corpus.AttrText, "north")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetAttrs(ctx, ch("attrs"), "d2", corpus.Attrs{"region": attrs}); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveDocuments(ctx, []string{"d4"}); err != nil {
		t.Fatal(err)
	}
	if err := s.AddDocuments(ch("import"), []*corpus.Document{doc("d4", "new.txt")}); err != nil {
		t.Fatal(err)
	}
	all, err := kg.LoadDocuments(dir)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]*corpus.Document{}
	for _, d := range all {
		byID[d.ID] = d
	}
	for _, tc := range []struct {
		name, ref string
		want      []string // ids
	}{
		{"ByID", "d2", []string{"d2"}},
		{"ByName", "林-2015.txt", []string{"d1"}},
		{"IDBeforeName", "d1", []string{"d1"}},
		{"AmbiguousName", "same.txt", []string{"d2", "d3"}},
		{"ImportedAgain", "new.txt", []string{"d4"}},
		{"RemovedName", "old.txt", nil},
		{"EscapedID", "d<&>", []string{"d<&>"}},
		{"Unknown", "nope", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := kg.FindDocuments(dir, tc.ref)
			if err != nil {
				t.Fatal(err)
			}
			var want []*corpus.Document
			for _, id := range tc.want {
				want = append(want, byID[id])
			}
			if len(got) != len(want) || len(got) > 0 && !reflect.DeepEqual(got, want) {
				t.Fatalf("FindDocuments(%q) = %+v, want %+v", tc.ref, got, want)
			}
		})
	}
	if got := byID["d2"].Attrs["region"]; got != attrs {
		t.Fatalf("d2's region = %v, want %v (the attributes were not changed)", got, attrs)
	}
}
