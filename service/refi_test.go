package service_test

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/coding/refiqda"
	"github.com/qualgraph/qualgraph/internal/testfiles"
	"github.com/qualgraph/qualgraph/project"
	"github.com/qualgraph/qualgraph/service"
)

// refiState is everything a project holds but its change log, with
// coding ids (which an import gives afresh) replaced by what the coding
// is.
type refiState struct {
	Documents  []string
	Codes      []string
	Codings    []string
	Entities   []coding.Entity
	Mentions   []coding.Mention
	Assertions []coding.Assertion
	Quotes     []string
	Memos      []string
	Users      []string
}

func refiStateOf(t *testing.T, p *project.Project) refiState {
	t.Helper()
	ctx := context.Background()
	v, err := p.View(false)
	if err != nil {
		t.Fatal(err)
	}
	var st refiState
	docs, err := p.Documents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		text, err := p.Text(d.ID)
		if err != nil {
			t.Fatal(err)
		}
		st.Documents = append(st.Documents, fmt.Sprintf("%s %q kind=%s attrs=%v text=%q", d.ID, d.Name, d.Kind, d.Attrs, text))
	}
	for _, c := range v.Codes {
		st.Codes = append(st.Codes, fmt.Sprintf("%s parent=%s def=%q color=%s by=%s created=%s promoted=%v",
			c.ID, c.Parent, c.Definition, c.Color, c.By, c.Created.Format(time.RFC3339Nano), c.Promoted))
	}
	key := map[string]string{}
	users := map[string]bool{}
	for _, c := range v.Codings {
		k := fmt.Sprintf("%s %s %s %s memo=%q", c.Span, c.Code, c.Coder, c.Created.Format(time.RFC3339Nano), c.Memo)
		key[c.ID] = k
		st.Codings = append(st.Codings, k)
		users[c.Coder] = true
	}
	st.Entities, st.Mentions, st.Assertions = v.Entities, v.Mentions, v.Assertions
	for _, m := range v.Mentions {
		users[m.Coder] = true
	}
	q := p.EvidenceQuoter()
	for _, a := range v.Assertions {
		for _, s := range a.Evidence {
			st.Quotes = append(st.Quotes, q.Quote(s))
		}
		users[a.Coder] = true
	}
	if err := q.Err(); err != nil {
		t.Fatal(err)
	}
	for _, m := range v.Memos {
		target := m.Target
		if id, ok := strings.CutPrefix(target, "coding:"); ok {
			target = "coding " + key[id]
		}
		st.Memos = append(st.Memos, fmt.Sprintf("%s %q by %s at %s", target, m.Text, m.Author, m.Created.Format(time.RFC3339Nano)))
		users[m.Author] = true
	}
	for u := range users {
		st.Users = append(st.Users, u)
	}
	for _, l := range [][]string{st.Documents, st.Codes, st.Codings, st.Memos, st.Users} {
		sort.Strings(l)
	}
	return st
}

// TestREFIRoundTrip builds a project with every kind of record through
// the service, exports it as .qdpx, imports that into a new project, and
// compares everything but the change log. It also checks that the file
// is valid for programs that ignore qualgraph's extension.
func TestREFIRoundTrip(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	svc := f.svc
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err := svc.AddCode(ctx, "ann", service.AddCodeOptions{ID: "SeedMoney", Definition: "Money to start with", Colour: "#112233"})
	must(err)
	coded, err := svc.Code(ctx, "bo", service.CodeOptions{Span: coding.Span{Doc: "north.txt"}, Quote: "seed funding", Code: "SeedMoney", Memo: "the first money"})
	must(err)
	_, err = svc.AddEntity(ctx, "ann", service.AddEntityOptions{Entity: coding.Entity{ID: "wu", Type: "SpinoffFounder", Name: "Wu",
		Aliases: []string{"Mr Wu", "Wu Lei"}, Attrs: map[string]string{"role": "chair"}}})
	must(err)
	for _, m := range []struct{ doc, phrase, entity string }{
		{"north.txt", "Chen", "chen"}, {"north.txt", "Lin", "lin"}, {"north.txt", "The bureau", "bureau"}, {"south.txt", "Wu", "wu"},
	} {
		_, err := svc.Mention(ctx, "ann", service.MentionOptions{Span: f.span(t, m.doc, m.phrase), Entity: m.entity})
		must(err)
	}
	neg, err := svc.Assert(ctx, "bo", service.AssertOptions{Assertion: coding.Assertion{Subject: "wu", Relation: "lobbies", Object: "bureau",
		Practice: "", Polarity: coding.Negative, Confidence: 0.5, Memo: "hedged",
		Evidence: []coding.Span{f.span(t, "south.txt", "Wu"), f.span(t, "north.txt", "We lobbied")}}})
	must(err)
	// Evidence added later, by another coder: the assertion keeps its id,
	// and the round trip keeps who added which span.
	more, err := svc.AddEvidence(ctx, "cy", service.AddEvidenceOptions{Ref: neg.ID, Quotes: []service.QuoteRef{{Doc: "south.txt", Text: "set a standard"}}})
	must(err)
	if more.Assertion.ID != neg.ID || len(more.Assertion.Additions) != 1 {
		t.Fatalf("evidence added: %+v", more.Assertion)
	}
	for _, m := range []service.MemoOptions{
		{Target: "doc:" + f.ids["north.txt"], Text: "Two founders"},
		{Target: "code:Lobbying", Text: "Watch for lobbying by proxies"},
		{Target: "coding:" + coded.ID, Text: "A memo on a coding"},
		{Target: "entity:bureau", Text: "The bureau changed names in 2019"},
		{Target: "assertion:" + f.assertions["funds"], Text: "Confirmed by the bureau's report"},
		{Target: "assertion:" + neg.ID, Text: "Wu denies it"},
		{Target: "assertion:" + f.assertions["retracted"], Text: "Why it was retracted"},
	} {
		_, err := svc.AddMemo(ctx, "ann", m)
		must(err)
	}
	want := refiStateOf(t, f.p)
	if len(want.Mentions) != 4 || len(want.Assertions) != 5 || len(want.Memos) != 7 || len(want.Entities) != 5 {
		t.Fatalf("fixture: %d mentions, %d assertions, %d memos, %d entities", len(want.Mentions), len(want.Assertions), len(want.Memos), len(want.Entities))
	}

	file := filepath.Join(t.TempDir(), "round.qdpx")
	exp, err := svc.Export(ctx, service.ExportOptions{Format: "qdpx"})
	must(err)
	out, err := os.Create(file)
	must(err)
	must(exp.Write(ctx, out))
	must(out.Close())

	dir := filepath.Join(t.TempDir(), "p2")
	must(project.Init(dir, project.InitOptions{Name: "copy"}))
	p2, err := project.Open(dir, project.ReadWrite)
	must(err)
	t.Cleanup(func() { p2.Close() })
	res, err := service.New(p2).ImportREFI(ctx, "importer", service.RefiImportOptions{File: file})
	must(err)
	if res.Entities != 5 || res.Mentions != 4 || res.Assertions != 5 {
		t.Errorf("import: %d entities, %d mentions, %d assertions; want 5, 4, 5", res.Entities, res.Mentions, res.Assertions)
	}
	for _, w := range res.Warnings {
		t.Errorf("import warning: %s", w)
	}
	got := refiStateOf(t, p2)
	gv, wv := reflect.ValueOf(got), reflect.ValueOf(want)
	for i := 0; i < gv.NumField(); i++ {
		name := gv.Type().Field(i).Name
		if !reflect.DeepEqual(gv.Field(i).Interface(), wv.Field(i).Interface()) {
			t.Errorf("%s differ after the round trip:\n got %v\nwant %v", name, gv.Field(i).Interface(), wv.Field(i).Interface())
		}
	}
	r, err := p2.Check(ctx)
	must(err)
	for _, pr := range r.Problems {
		t.Errorf("check: %s", pr)
	}

	t.Run("AgainAddsNothing", func(t *testing.T) {
		res, err := service.New(p2).ImportREFI(ctx, "importer", service.RefiImportOptions{File: file})
		must(err)
		if res.Entities+res.Mentions+res.Assertions+res.Memos+res.Codings != 0 {
			t.Errorf("second import: %d entities, %d mentions, %d assertions, %d memos, %d codings; want none",
				res.Entities, res.Mentions, res.Assertions, res.Memos, res.Codings)
		}
	})
	t.Run("ValidWithoutTheExtension", func(t *testing.T) {
		refiLint(t, file)
	})
}

// refiLint checks the project document of the archive file against the
// REFI-QDA schema with xmllint.
func refiLint(t *testing.T, file string) {
	t.Helper()
	xsd := filepath.Join(testfiles.SharedData(t), "refi-tools", "Project.xsd")
	if _, err := os.Stat(xsd); err != nil {
		t.Skipf("!!! SCHEMA VALIDATION NOT RUN: %v", err)
	}
	lint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skip("!!! SCHEMA VALIDATION NOT RUN: xmllint is not installed (apt-get install libxml2-utils; scripts/test.sh does)")
	}
	zr, err := zip.OpenReader(file)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var doc []byte
	hasExt := false
	for _, e := range zr.File {
		switch e.Name {
		case "project.qde":
			rc, err := e.Open()
			if err != nil {
				t.Fatal(err)
			}
			doc, err = io.ReadAll(rc)
			rc.Close()
			if err != nil {
				t.Fatal(err)
			}
		case refiqda.ExtensionEntry:
			hasExt = true
		}
	}
	if doc == nil || !hasExt {
		t.Fatalf("archive: project.qde %v, %s %v", doc != nil, refiqda.ExtensionEntry, hasExt)
	}
	for _, want := range []string{"<Cases>", "<Links>", "<Link ", "<SelectionRef "} {
		if !strings.Contains(string(doc), want) {
			t.Errorf("project.qde has no %s", want)
		}
	}
	f := filepath.Join(t.TempDir(), "project.qde")
	if err := os.WriteFile(f, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(lint, "--noout", "--schema", xsd, f).CombinedOutput()
	if err != nil {
		t.Errorf("xmllint: %v\n%s", err, out)
	}
}
