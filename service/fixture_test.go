package service_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/corpus"
	"github.com/qualgraph/qualgraph/project"
	"github.com/qualgraph/qualgraph/service"
)

// The documents of the test project: two short interviews, one per
// region.
var fixtureDocs = []struct {
	name, text, region, date string
}{
	{"north.txt", "Chen: The bureau gave us seed funding.\n\nLin: We lobbied the bureau for land.\n", "north", "2021-03-01"},
	{"south.txt", "Wu: The association set a standard for drones.\n", "south", "2022-06-15"},
}

// fixture is the test project, open for writing, with what the tests
// need to know about it.
type fixture struct {
	p   *project.Project
	svc *service.Service
	ids map[string]string // document name -> id
	// assertions by a short name: funds, lobbies, standard, retracted.
	assertions map[string]string
}

// span returns the span of phrase in the stored text of document name.
func (f *fixture) span(t *testing.T, name, phrase string) coding.Span {
	t.Helper()
	id := f.ids[name]
	text, err := f.p.Text(id)
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(text, phrase)
	if i < 0 {
		t.Fatalf("%q is not in the stored text of %s: %q", phrase, name, text)
	}
	start := utf8.RuneCountInString(text[:i])
	return coding.Span{Doc: id, Start: start, End: start + utf8.RuneCountInString(phrase)}
}

// newFixture builds the test project in a temporary folder: it imports
// fixtureDocs, codes them (coders ann and bo), adds four entities and
// four assertions, one of them retracted.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "proj")
	if err := project.Init(dir, newProjectOptions(t, "test")); err != nil {
		t.Fatal(err)
	}
	p, err := project.Open(dir, project.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := p.Close(); err != nil {
			t.Error(err)
		}
	})
	var files []project.DataFile
	for _, d := range fixtureDocs {
		attrs := corpus.Attrs{}
		for _, kv := range []string{"region=" + d.region, "date=" + d.date} {
			k, a, err := corpus.ParseAttr(kv)
			if err != nil {
				t.Fatal(err)
			}
			attrs[k] = a
		}
		files = append(files, project.DataFile{Path: d.name, Data: []byte(d.text), Attrs: attrs})
	}
	res, err := p.ImportData(ctx, files, project.ImportOptions{Kind: corpus.KindInterview, By: "test"})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{p: p, svc: service.New(p), ids: map[string]string{}, assertions: map[string]string{}}
	for _, d := range res.Imported {
		f.ids[d.Name] = d.ID
	}
	codings := []struct {
		coder, doc, phrase, code string
	}{
		{"ann", "north.txt", "We lobbied the bureau", "Lobbying"},
		{"ann", "north.txt", "the bureau for land", "LandPolicy"},
		{"ann", "north.txt", "gave us seed funding", "ResourceMobilisation"},
		{"ann", "south.txt", "set a standard", "Certification"},
		{"bo", "north.txt", "lobbied the bureau", "Lobbying"},
		{"bo", "south.txt", "set a standard", "Certification"},
	}
	for _, c := range codings {
		req := project.CodeRequest{Span: f.span(t, c.doc, c.phrase), Code: c.code}
		if _, err := p.Code(ctx, []project.CodeRequest{req}, c.coder, "code"); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.AddEntities(ctx, []coding.Entity{
		{ID: "bureau", Type: "LocalGovernment", Name: "Science Bureau"},
		{ID: "chen", Type: "SpinoffFounder", Name: "Chen"},
		{ID: "lin", Type: "SpinoffFounder", Name: "Lin"},
		{ID: "assoc", Type: "IndustryAssociation", Name: "Drone Association"},
	}, "ann"); err != nil {
		t.Fatal(err)
	}
	for _, a := range []struct {
		name, subject, relation, object, doc, phrase string
	}{
		{"funds", "bureau", "funds", "chen", "north.txt", "The bureau gave us seed funding"},
		{"lobbies", "lin", "lobbies", "bureau", "north.txt", "We lobbied the bureau"},
		{"standard", "assoc", "setsStandardsFor", "lin", "south.txt", "The association set a standard"},
		{"retracted", "bureau", "funds", "lin", "north.txt", "seed funding"},
	} {
		got, err := p.Assert(ctx, coding.Assertion{Subject: a.subject, Relation: a.relation, Object: a.object,
			Polarity: coding.Positive, Confidence: 1, Evidence: []coding.Span{f.span(t, a.doc, a.phrase)}}, "ann")
		if err != nil {
			t.Fatal(err)
		}
		f.assertions[a.name] = got.ID
	}
	if err := p.Retract(ctx, f.assertions["retracted"], "a misreading", "bo"); err != nil {
		t.Fatal(err)
	}
	return f
}
