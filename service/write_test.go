package service_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/corpus"
	"github.com/qualgraph/qualgraph/kg"
	"github.com/qualgraph/qualgraph/project"
	"github.com/qualgraph/qualgraph/service"
)

// codingLines returns the codings of the project as "doc coder code:
// text" lines, in the order service.Codings gives them.
func codingLines(t *testing.T, svc *service.Service, o service.CodingsOptions) []string {
	t.Helper()
	cs, err := svc.Codings(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range cs {
		out = append(out, c.DocName+" "+c.Coder+" "+c.Code+": "+c.Text)
	}
	return out
}

// wantErr fails t unless err matches want (nil: no error).
func wantErr(t *testing.T, err, want error) {
	t.Helper()
	if want == nil && err != nil {
		t.Fatal(err)
	}
	if want != nil && !errors.Is(err, want) {
		t.Fatalf("error %v, want %v", err, want)
	}
}

func TestCode(t *testing.T) {
	f := newFixture(t)
	funding := f.span(t, "north.txt", "seed funding")
	byName := funding
	byName.Doc = "north.txt"
	tests := []struct {
		name     string
		opt      service.CodeOptions
		wantText string
		wantErr  error
	}{
		{name: "OK", opt: service.CodeOptions{Span: funding, Code: "ResourceMobilisation", Memo: "money"}, wantText: "seed funding"},
		{name: "DocByName", opt: service.CodeOptions{Span: byName, Code: "Lobbying"}, wantText: "seed funding"},
		{name: "ErrUnknownDoc", opt: service.CodeOptions{Span: coding.Span{Doc: "east.txt", Start: 0, End: 4}, Code: "Lobbying"},
			wantErr: coding.ErrUnknownDoc},
		{name: "ErrUnknownCode", opt: service.CodeOptions{Span: funding, Code: "Bribery"}, wantErr: coding.ErrUnknownCode},
		{name: "ErrSpanOutOfRange", opt: service.CodeOptions{Span: coding.Span{Doc: funding.Doc, Start: 70, End: 900}, Code: "Lobbying"},
			wantErr: coding.ErrSpanOutOfRange},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cd, err := f.svc.Code(context.Background(), "cy", tt.opt)
			wantErr(t, err, tt.wantErr)
			if err != nil {
				return
			}
			got := []string{cd.DocName, cd.Doc, cd.Coder, cd.Code, cd.Memo, cd.Text, fmt.Sprint(cd.Start, "-", cd.End)}
			want := []string{"north.txt", funding.Doc, "cy", tt.opt.Code, tt.opt.Memo, tt.wantText, fmt.Sprint(funding.Start, "-", funding.End)}
			if !reflect.DeepEqual(got, want) || cd.ID == "" {
				t.Errorf("coded %q (id %q)\nwant %q", got, cd.ID, want)
			}
		})
	}
	// The two codings were recorded, nothing of the refused ones.
	got := codingLines(t, f.svc, service.CodingsOptions{Coder: "cy"})
	want := []string{"north.txt cy ResourceMobilisation: seed funding", "north.txt cy Lobbying: seed funding"}
	slices.Sort(got)
	slices.Sort(want)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("codings of cy %q\nwant %q", got, want)
	}
}

func TestAutoCode(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	req := project.AutoCodeRequest{Query: "bureau", Code: "LandPolicy"}
	// A dry run plans both hits of "bureau" and writes nothing.
	dry := req
	dry.DryRun = true
	res, err := f.svc.AutoCode(ctx, "cy", service.AutoCodeOptions{AutoCodeRequest: dry,
		Quotes: service.QuoteOptions{Text: true, KWIC: true, Width: 5}})
	if err != nil {
		t.Fatal(err)
	}
	want := []service.SpanText{
		{Text: "bureau", Left: " The ", Hit: "bureau", Right: " gave"},
		{Text: "bureau", Left: " the ", Hit: "bureau", Right: " for "},
	}
	if !res.DryRun || res.Hits != 2 || len(res.Codings) != 2 || !reflect.DeepEqual(res.Texts, want) {
		t.Fatalf("dry run: dry %v, %d hits, %d codings, texts %+v\nwant dry, 2 hits, 2 codings, %+v",
			res.DryRun, res.Hits, len(res.Codings), res.Texts, want)
	}
	if got := codingLines(t, f.svc, service.CodingsOptions{Coder: "cy"}); got != nil {
		t.Fatalf("a dry run wrote codings %q", got)
	}

	tests := []struct {
		name                  string
		coded, existing, hits int
	}{
		{"First", 2, 0, 2},
		{"Again", 0, 2, 2}, // the coder has coded both spans so already
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := f.svc.AutoCode(ctx, "cy", service.AutoCodeOptions{AutoCodeRequest: req})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Codings) != tt.coded || res.Existing != tt.existing || res.Hits != tt.hits || res.Texts != nil {
				t.Errorf("%d coded, %d existing, %d hits, texts %v; want %d, %d, %d, none",
					len(res.Codings), res.Existing, res.Hits, res.Texts, tt.coded, tt.existing, tt.hits)
			}
		})
	}
	got := codingLines(t, f.svc, service.CodingsOptions{Coder: "cy"})
	if want := []string{"north.txt cy LandPolicy: bureau", "north.txt cy LandPolicy: bureau"}; !reflect.DeepEqual(got, want) {
		t.Errorf("codings of cy %q\nwant %q", got, want)
	}
	if _, err := f.svc.AutoCode(ctx, "cy", service.AutoCodeOptions{AutoCodeRequest: project.AutoCodeRequest{Query: "bureau", Code: "Bribery"}}); !errors.Is(err, coding.ErrUnknownCode) {
		t.Errorf("unknown code: error %v, want coding.ErrUnknownCode", err)
	}
}

// codingID returns the id of the coding of coder with code.
func codingID(t *testing.T, f *fixture, coder, code string) string {
	t.Helper()
	v, err := f.p.View(false)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range v.Codings {
		if c.Coder == coder && c.Code == code {
			return c.ID
		}
	}
	t.Fatalf("no coding by %s with %s", coder, code)
	return ""
}

func TestUncode(t *testing.T) {
	f := newFixture(t)
	annLobby, boLobby := codingID(t, f, "ann", "Lobbying"), codingID(t, f, "bo", "Lobbying")
	tests := []struct {
		name    string
		refs    []string
		want    []string // ids removed
		wantErr error
	}{
		{name: "ErrUnknownCoding", refs: []string{annLobby, "zzzzzzzz"}, wantErr: coding.ErrUnknownCoding},
		{name: "PrefixAndRepeat", refs: []string{annLobby[:8], annLobby, boLobby}, want: []string{annLobby, boLobby}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs, err := f.svc.Uncode(context.Background(), "cy", service.UncodeOptions{Refs: tt.refs})
			wantErr(t, err, tt.wantErr)
			var ids []string
			for _, c := range cs {
				ids = append(ids, c.ID)
			}
			if !reflect.DeepEqual(ids, tt.want) {
				t.Errorf("uncoded %q, want %q", ids, tt.want)
			}
		})
	}
	// The refused call removed nothing; the other removed both Lobbying
	// codings.
	if got := codingLines(t, f.svc, service.CodingsOptions{Code: "Lobbying"}); got != nil {
		t.Errorf("Lobbying codings left: %q", got)
	}
	if got := codingLines(t, f.svc, service.CodingsOptions{}); len(got) != 4 {
		t.Errorf("%d codings left, want 4: %q", len(got), got)
	}
}

func TestRecode(t *testing.T) {
	f := newFixture(t)
	boLobby := codingID(t, f, "bo", "Lobbying")
	tests := []struct {
		name    string
		opt     service.RecodeOptions
		wantErr error
	}{
		{name: "ErrUnknownCode", opt: service.RecodeOptions{Ref: boLobby, Code: "Bribery"}, wantErr: coding.ErrUnknownCode},
		{name: "ErrUnknownCoding", opt: service.RecodeOptions{Ref: "zzzzzzzz", Code: "LandPolicy"}, wantErr: coding.ErrUnknownCoding},
		{name: "OK", opt: service.RecodeOptions{Ref: boLobby[:6], Code: "LandPolicy"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := f.svc.Recode(context.Background(), "cy", tt.opt)
			wantErr(t, err, tt.wantErr)
			if err != nil {
				return
			}
			if r.Old.ID != boLobby || r.Old.Code != "Lobbying" || r.New.Code != "LandPolicy" || r.New.Span != r.Old.Span {
				t.Errorf("recoded %+v to %+v", r.Old, r.New)
			}
		})
	}
	got := codingLines(t, f.svc, service.CodingsOptions{Code: "LandPolicy"})
	want := []string{"north.txt ann LandPolicy: the bureau for land", "north.txt bo LandPolicy: lobbied the bureau"}
	slices.Sort(got)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("LandPolicy codings %q\nwant %q", got, want)
	}
}

func TestCodebook(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	tests := []struct {
		name       string
		opt        service.AddCodeOptions
		wantParent string
		wantErr    error
	}{
		{name: "UnderEmergent", opt: service.AddCodeOptions{ID: "MutualAid", Definition: "help among founders", Colour: "#336699"}, wantParent: coding.RootEmergent},
		{name: "UnderParent", opt: service.AddCodeOptions{ID: "SeedMoney", Parent: "ResourceMobilisation"}, wantParent: "ResourceMobilisation"},
		{name: "ErrUnknownParent", opt: service.AddCodeOptions{ID: "Gossip", Parent: "Chatter"}, wantErr: coding.ErrUnknownCode},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := f.svc.AddCode(ctx, "cy", tt.opt)
			wantErr(t, err, tt.wantErr)
			if err != nil {
				return
			}
			want := coding.Code{ID: tt.opt.ID, Parent: tt.wantParent, Definition: tt.opt.Definition, Color: tt.opt.Colour, By: "cy"}
			if !reflect.DeepEqual(c, want) {
				t.Errorf("added %+v\nwant %+v", c, want)
			}
		})
	}
	// The new code codes at once.
	if _, err := f.svc.Code(ctx, "cy", service.CodeOptions{Span: f.span(t, "south.txt", "drones"), Code: "MutualAid"}); err != nil {
		t.Fatal(err)
	}

	promote := []struct {
		name       string
		opt        service.PromoteOptions
		wantParent string
		wantErr    error
	}{
		{name: "ErrUnknownParent", opt: service.PromoteOptions{ID: "MutualAid", Parent: "Chatter"}, wantErr: coding.ErrUnknownCode},
		{name: "KeepsParent", opt: service.PromoteOptions{ID: "SeedMoney"}, wantParent: "ResourceMobilisation"},
		{name: "NewParent", opt: service.PromoteOptions{ID: "MutualAid", Parent: "Practice"}, wantParent: "Practice"},
	}
	for _, tt := range promote {
		t.Run("Promote"+tt.name, func(t *testing.T) {
			r, err := f.svc.PromoteCode(ctx, "cy", tt.opt)
			wantErr(t, err, tt.wantErr)
			if err != nil {
				return
			}
			if want := (service.Promoted{ID: tt.opt.ID, Parent: tt.wantParent, File: project.OntologyFile}); *r != want {
				t.Errorf("promoted %+v, want %+v", *r, want)
			}
		})
	}
	onto, err := os.ReadFile(filepath.Join(f.p.Dir, project.OntologyFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"MutualAid", "SeedMoney"} {
		if !bytes.Contains(onto, []byte(id)) {
			t.Errorf("%s does not hold the promoted code %s", project.OntologyFile, id)
		}
	}
	if got := codingLines(t, f.svc, service.CodingsOptions{Code: "Practice", Coder: "cy"}); !reflect.DeepEqual(got, []string{"south.txt cy MutualAid: drones"}) {
		t.Errorf("after promotion, Practice codings of cy %q", got)
	}
}

func TestMention(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	chen := f.span(t, "north.txt", "Chen")
	tests := []struct {
		name    string
		opt     service.MentionOptions
		wantErr error
	}{
		{name: "OK", opt: service.MentionOptions{Span: chen, Entity: "chen"}},
		{name: "ErrUnknownEntity", opt: service.MentionOptions{Span: chen, Entity: "zhou"}, wantErr: coding.ErrUnknownEntity},
		{name: "ErrUnknownDoc", opt: service.MentionOptions{Span: coding.Span{Doc: "east.txt", Start: 0, End: 4}, Entity: "chen"}, wantErr: coding.ErrUnknownDoc},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := f.svc.Mention(ctx, "cy", tt.opt)
			wantErr(t, err, tt.wantErr)
			if err != nil {
				return
			}
			if m.DocName != "north.txt" || m.Text != "Chen" || m.Entity != "chen" || m.Coder != "cy" || m.Span != chen || m.ID == "" {
				t.Errorf("mention %+v", m)
			}
		})
	}
}

func TestAutoMention(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	e, err := f.svc.AddEntity(ctx, "cy", service.AddEntityOptions{Entity: coding.Entity{
		ID: "wu", Type: "SpinoffFounder", Name: "Wu", Aliases: []string{"the association", "Mr Wu", "the association"}}})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"Mr Wu", "the association"}; !reflect.DeepEqual(e.Aliases, want) {
		t.Errorf("aliases %q, want %q (sorted, without repeats)", e.Aliases, want)
	}
	if _, err := f.svc.AddEntity(ctx, "cy", service.AddEntityOptions{Entity: coding.Entity{ID: "wu", Type: "SpinoffFounder"}}); !errors.Is(err, coding.ErrDuplicate) {
		t.Errorf("the same id again: error %v, want coding.ErrDuplicate", err)
	}
	tests := []struct {
		name          string
		opt           service.AutoMentionOptions
		want          []service.SpanText
		wantExisting  int
		wantMentioned bool
	}{
		{name: "DryRun", opt: service.AutoMentionOptions{Entities: []string{"wu"}, DryRun: true,
			Quotes: service.QuoteOptions{Text: true, KWIC: true, Width: 4}},
			want: []service.SpanText{{Text: "Wu", Hit: "Wu", Right: ": Th"}, {Text: "The association", Left: "Wu: ", Hit: "The association", Right: " set"}}},
		{name: "Record", opt: service.AutoMentionOptions{Entities: []string{"wu"}, Quotes: service.QuoteOptions{Text: true}},
			want: []service.SpanText{{Text: "Wu"}, {Text: "The association"}}, wantMentioned: true},
		{name: "Again", opt: service.AutoMentionOptions{Entities: []string{"wu"}}, wantExisting: 2, wantMentioned: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := f.svc.AutoMention(ctx, "cy", tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(res.Texts, tt.want) || res.Existing != tt.wantExisting || res.DryRun != tt.opt.DryRun {
				t.Errorf("texts %+v, %d existing, dry %v\nwant %+v, %d, %v", res.Texts, res.Existing, res.DryRun, tt.want, tt.wantExisting, tt.opt.DryRun)
			}
			v, err := f.p.View(false)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, m := range v.Mentions {
				if m.Entity == "wu" {
					n++
				}
			}
			if want := map[bool]int{false: 0, true: 2}[tt.wantMentioned]; n != want {
				t.Errorf("%d mentions of wu recorded, want %d", n, want)
			}
		})
	}
	if _, err := f.svc.AutoMention(ctx, "cy", service.AutoMentionOptions{Entities: []string{"zhou"}}); !errors.Is(err, coding.ErrUnknownEntity) {
		t.Errorf("unknown entity: error %v, want coding.ErrUnknownEntity", err)
	}
}

func TestAssertRetract(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	ev := f.span(t, "north.txt", "The bureau gave us")
	assert := []struct {
		name    string
		a       coding.Assertion
		wantErr error
	}{
		{name: "OK", a: coding.Assertion{Subject: "chen", Relation: "lobbies", Object: "bureau", Polarity: coding.Positive, Confidence: 0.5,
			Evidence: []coding.Span{ev, f.span(t, "south.txt", "set a standard")}}},
		{name: "ErrUnknownRelation", a: coding.Assertion{Subject: "chen", Relation: "bribes", Object: "bureau", Polarity: coding.Positive, Confidence: 1,
			Evidence: []coding.Span{ev}}, wantErr: coding.ErrUnknownRelation},
		{name: "ErrNoEvidence", a: coding.Assertion{Subject: "chen", Relation: "lobbies", Object: "bureau", Polarity: coding.Positive, Confidence: 1},
			wantErr: coding.ErrNoEvidence},
	}
	var id string
	for _, tt := range assert {
		t.Run(tt.name, func(t *testing.T) {
			a, err := f.svc.Assert(ctx, "cy", service.AssertOptions{Assertion: tt.a})
			wantErr(t, err, tt.wantErr)
			if err != nil {
				return
			}
			id = a.ID
			if want := []string{"The bureau gave us", "set a standard"}; !reflect.DeepEqual(a.Quotes, want) || a.Coder != "cy" || a.Subject != "chen" {
				t.Errorf("asserted %+v, quotes %q; want by cy, quotes %q", a.Assertion, a.Quotes, want)
			}
		})
	}
	if id == "" {
		t.Fatal("nothing asserted")
	}
	retract := []struct {
		name    string
		ref     string
		wantErr error
	}{
		{name: "ErrUnknownAssertion", ref: "zzzzzzzz", wantErr: coding.ErrUnknownAssertion},
		{name: "Prefix", ref: id[:8]},
		{name: "ErrRetracted", ref: id, wantErr: coding.ErrRetracted},
	}
	for _, tt := range retract {
		t.Run("Retract"+tt.name, func(t *testing.T) {
			a, err := f.svc.Retract(ctx, "bo", service.RetractOptions{Ref: tt.ref, Reason: "wrong speaker"})
			wantErr(t, err, tt.wantErr)
			if err == nil && (a.ID != id || a.Relation != "lobbies") {
				t.Errorf("retracted %+v, want %s", a, id)
			}
		})
	}
	v, err := f.p.View(true)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range v.Assertions {
		if a.ID == id && (!a.Retracted || a.Reason != "wrong speaker") {
			t.Errorf("assertion after retraction: %+v", a)
		}
	}
}

func TestAddMemo(t *testing.T) {
	f := newFixture(t)
	lobbies := f.assertions["lobbies"]
	tests := []struct {
		name       string
		target     string
		wantTarget string
		wantErr    bool
	}{
		{name: "AssertionPrefix", target: "assertion:" + lobbies[:8], wantTarget: "assertion:" + lobbies},
		{name: "BarePrefix", target: lobbies[:8], wantTarget: "assertion:" + lobbies},
		{name: "Doc", target: "south.txt", wantTarget: "doc:" + f.ids["south.txt"]},
		{name: "Entity", target: "chen", wantTarget: "entity:chen"},
		{name: "Unknown", target: "nothing-here", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := f.svc.AddMemo(context.Background(), "cy", service.MemoOptions{Target: tt.target, Text: "note " + tt.name})
			if tt.wantErr != (err != nil) {
				t.Fatalf("error %v, want error %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if m.Target != tt.wantTarget || m.Author != "cy" || m.Text != "note "+tt.name || m.ID == "" {
				t.Errorf("memo %+v, want target %s by cy", m, tt.wantTarget)
			}
		})
	}
	v, err := f.p.View(false)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Memos) != 4 {
		t.Errorf("%d memos recorded, want 4", len(v.Memos))
	}
}

func TestSetAttrs(t *testing.T) {
	f := newFixture(t)
	attrs := corpus.Attrs{}
	k, a, err := corpus.ParseAttr("region=east")
	if err != nil {
		t.Fatal(err)
	}
	attrs[k] = a
	d, err := f.svc.SetAttrs(context.Background(), "cy", service.SetAttrsOptions{Doc: "south.txt", Attrs: attrs})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for k, a := range d.Attrs {
		got[k] = a.Value
	}
	if want := map[string]string{"region": "east", "date": "2022-06-15"}; d.Name != "south.txt" || !reflect.DeepEqual(got, want) {
		t.Errorf("%s: attrs %v, want south.txt: %v", d.Name, got, want)
	}
	// The analyses see the new value.
	fr, err := f.svc.Frequencies(context.Background(), service.FrequenciesOptions{By: "region"})
	if err != nil {
		t.Fatal(err)
	}
	if rows := freqRows(fr); len(rows) != 2 || rows[0].Key != "east" || rows[1].Key != "north" {
		t.Errorf("frequencies by region after attr set: %+v", rows)
	}
	// project.SetAttrs reports an unknown document as the graph does.
	if _, err := f.svc.SetAttrs(context.Background(), "cy", service.SetAttrsOptions{Doc: "east.txt", Attrs: attrs}); !errors.Is(err, kg.ErrNotFound) {
		t.Errorf("unknown document: error %v, want kg.ErrNotFound", err)
	}
}

func TestImport(t *testing.T) {
	f := newFixture(t)
	dir := t.TempDir()
	files := map[string]string{
		"east.txt": "Zhou: The park offered us a lab.\n",
		"copy.txt": fixtureDocs[1].text, // the text of south.txt
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err := f.svc.Import(context.Background(), "cy", service.ImportOptions{Paths: []string{dir}, Kind: corpus.KindInterview})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Imported) != 1 || res.Imported[0].Name != "east.txt" || res.Imported[0].Kind != corpus.KindInterview {
		t.Fatalf("imported %+v, want east.txt (interview)", res.Imported)
	}
	if len(res.Skipped) != 1 || filepath.Base(res.Skipped[0].Path) != "copy.txt" || res.Skipped[0].DocID != f.ids["south.txt"] {
		t.Errorf("skipped %+v, want copy.txt as south.txt", res.Skipped)
	}
	// The new document is searchable and codable at once.
	sp := coding.Span{Doc: "east.txt", Start: 6, End: 32}
	cd, err := f.svc.Code(context.Background(), "cy", service.CodeOptions{Span: sp, Code: "ResourceMobilisation"})
	if err != nil {
		t.Fatal(err)
	}
	if cd.Text != "The park offered us a lab." {
		t.Errorf("coded %q", cd.Text)
	}
	ac, err := f.svc.AutoCode(context.Background(), "cy", service.AutoCodeOptions{AutoCodeRequest: project.AutoCodeRequest{Query: "park", Code: "LandPolicy", DryRun: true}})
	if err != nil {
		t.Fatal(err)
	}
	if ac.Hits != 1 {
		t.Errorf("search after import: %d hits of park, want 1", ac.Hits)
	}
	if _, err := f.svc.Import(context.Background(), "cy", service.ImportOptions{Paths: []string{filepath.Join(dir, "none.txt")}}); err == nil {
		t.Error("importing a missing file: no error")
	}
}

// newEmptyProject creates and opens a project with no documents.
func newEmptyProject(t *testing.T) *project.Project {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "empty")
	if err := project.Init(dir, project.InitOptions{Name: "empty"}); err != nil {
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
	return p
}

// TestImportREFI exports the fixture project as REFI-QDA and imports it
// into an empty project.
func TestImportREFI(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.svc.AddCode(ctx, "cy", service.AddCodeOptions{ID: "MutualAid"}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, format := range []string{"qdpx", "qdc"} {
		e, err := f.svc.Export(ctx, service.ExportOptions{Format: format})
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := e.Write(ctx, &b); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "test."+format), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		file                             string
		docs, codings, created, newCodes int
	}{
		// The codebook adds the one emergent code; the project then
		// brings the documents and codings and finds the code there.
		{"test.qdc", 0, 0, 1, 1},
		{"test.qdpx", 2, 6, 0, 2},
	}
	p := newEmptyProject(t)
	svc := service.New(p)
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			res, err := svc.ImportREFI(ctx, "cy", service.RefiImportOptions{File: filepath.Join(dir, tt.file)})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Documents) != tt.docs || res.Codings != tt.codings || res.CodesCreated != tt.created {
				t.Errorf("%d documents, %d codings, %d codes created; want %d, %d, %d",
					len(res.Documents), res.Codings, res.CodesCreated, tt.docs, tt.codings, tt.created)
			}
		})
	}
	want := codingLines(t, f.svc, service.CodingsOptions{})
	got := codingLines(t, svc, service.CodingsOptions{})
	slices.Sort(want)
	slices.Sort(got)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("codings after the round trip %q\nwant %q", got, want)
	}
	if _, err := svc.ImportREFI(ctx, "cy", service.RefiImportOptions{File: filepath.Join(dir, "none.qdpx")}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: error %v, want os.ErrNotExist", err)
	}
}

func TestReindex(t *testing.T) {
	f := newFixture(t)
	var calls int
	n, err := f.svc.Reindex(context.Background(), "cy", service.ReindexOptions{Progress: func(done, total int64) { calls++ }})
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 || calls == 0 {
		t.Errorf("reindexed %d documents with %d progress calls, want 2 and some", n, calls)
	}
	res, err := f.svc.AutoCode(context.Background(), "cy", service.AutoCodeOptions{AutoCodeRequest: project.AutoCodeRequest{Query: "bureau", Code: "LandPolicy", DryRun: true}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Hits != 2 {
		t.Errorf("after reindex: %d hits of bureau, want 2", res.Hits)
	}
}

// TestConcurrentWrites codes from several goroutines while others read:
// every coding is recorded once, and every read sees a whole state.
func TestConcurrentWrites(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	phrases := []string{"Chen", "bureau gave", "seed", "funding", "Lin", "We lobbied", "for land"}
	var wg sync.WaitGroup
	errs := make(chan error, 2*len(phrases))
	for i, ph := range phrases {
		sp := f.span(t, "north.txt", ph)
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, err := f.svc.Code(ctx, fmt.Sprintf("c%d", i), service.CodeOptions{Span: sp, Code: "Lobbying"})
			errs <- err
		}()
		go func() {
			defer wg.Done()
			cs, err := f.svc.Codings(ctx, service.CodingsOptions{})
			if err == nil && (len(cs) < 6 || len(cs) > 6+len(phrases)) {
				err = fmt.Errorf("read %d codings, want 6 to %d", len(cs), 6+len(phrases))
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	got := codingLines(t, f.svc, service.CodingsOptions{Code: "Lobbying"})
	if len(got) != 2+len(phrases) {
		t.Errorf("%d Lobbying codings, want %d: %q", len(got), 2+len(phrases), got)
	}
	for i, ph := range phrases {
		want := fmt.Sprintf("north.txt c%d Lobbying: %s", i, ph)
		if !slices.Contains(got, want) {
			t.Errorf("missing %q", want)
		}
	}
}

func TestWriteCancelled(t *testing.T) {
	f := newFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := f.svc.Code(ctx, "cy", service.CodeOptions{Span: f.span(t, "north.txt", "seed"), Code: "Lobbying"}); !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
	if got := codingLines(t, f.svc, service.CodingsOptions{Coder: "cy"}); got != nil {
		t.Errorf("a cancelled call wrote %q", got)
	}
}
