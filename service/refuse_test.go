package service_test

import (
	"context"
	"strings"
	"testing"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/kg"
	"github.com/qualgraph/qualgraph/service"
)

// changes returns the number of entries in the project's change log.
func changes(t *testing.T, f *fixture) int {
	t.Helper()
	v, err := f.p.ViewOf(kg.PartChanges)
	if err != nil {
		t.Fatal(err)
	}
	return len(v.Changes)
}

// TestRepeatIsNoOp checks that coding, recoding and asserting again
// what the same coder already recorded writes nothing and says so.
func TestRepeatIsNoOp(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	lobbied := f.span(t, "north.txt", "We lobbied the bureau")
	evidence := f.span(t, "north.txt", "We lobbied the bureau")
	evidence.Doc = "north.txt" // by name: the same span as by id
	tests := []struct {
		name    string
		by      string
		run     func(by string) (existing bool, err error)
		written bool
	}{
		{name: "CodeAgain", by: "ann", run: func(by string) (bool, error) {
			cd, err := f.svc.Code(ctx, by, service.CodeOptions{Span: lobbied, Code: "Lobbying"})
			if err != nil {
				return false, err
			}
			return cd.Existing, nil
		}},
		{name: "CodeOtherCoder", by: "cy", written: true, run: func(by string) (bool, error) {
			cd, err := f.svc.Code(ctx, by, service.CodeOptions{Span: lobbied, Code: "Lobbying"})
			if err != nil {
				return false, err
			}
			return cd.Existing, nil
		}},
		{name: "RecodeSame", by: "ann", run: func(by string) (bool, error) {
			cs, err := f.svc.Codings(ctx, service.CodingsOptions{Coder: "ann", Code: "Lobbying"})
			if err != nil || len(cs) == 0 {
				t.Fatalf("no coding of ann's: %v", err)
			}
			r, err := f.svc.Recode(ctx, by, service.RecodeOptions{Ref: cs[0].ID, Code: "Lobbying"})
			if err != nil {
				return false, err
			}
			return r.Unchanged, nil
		}},
		{name: "AssertAgain", by: "ann", run: func(by string) (bool, error) {
			a, err := f.svc.Assert(ctx, by, service.AssertOptions{Assertion: coding.Assertion{Subject: "lin", Relation: "lobbies",
				Object: "bureau", Confidence: 1, Evidence: []coding.Span{evidence}}})
			if err != nil {
				return false, err
			}
			if a.ID != f.assertions["lobbies"] {
				t.Errorf("assertion %s, want the existing %s", a.ID, f.assertions["lobbies"])
			}
			return a.Existing, nil
		}},
		{name: "AssertOtherConfidence", by: "ann", written: true, run: func(by string) (bool, error) {
			a, err := f.svc.Assert(ctx, by, service.AssertOptions{Assertion: coding.Assertion{Subject: "lin", Relation: "lobbies",
				Object: "bureau", Confidence: 0.5, Evidence: []coding.Span{evidence}}})
			if err != nil {
				return false, err
			}
			return a.Existing, nil
		}},
		{name: "AssertRetracted", by: "ann", written: true, run: func(by string) (bool, error) {
			a, err := f.svc.Assert(ctx, by, service.AssertOptions{Assertion: coding.Assertion{Subject: "bureau", Relation: "funds",
				Object: "lin", Polarity: coding.Positive, Confidence: 1, Evidence: []coding.Span{f.span(t, "north.txt", "seed funding")}}})
			if err != nil {
				return false, err
			}
			return a.Existing, nil
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := changes(t, f)
			existing, err := tc.run(tc.by)
			if err != nil {
				t.Fatal(err)
			}
			after := changes(t, f)
			if existing == tc.written {
				t.Errorf("existing = %v, want %v", existing, !tc.written)
			}
			if wrote := after > before; wrote != tc.written {
				t.Errorf("changes %d -> %d, want written = %v", before, after, tc.written)
			}
		})
	}
}

// TestAddEntityType checks that an entity's type must be an actor class.
func TestAddEntityType(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name, id, typ string
		wantErr       error
		wantMsg       string // in the error
	}{
		{name: "OK", id: "park", typ: "LocalGovernment"},
		{name: "ErrNotActor", id: "lobby", typ: "Lobbying", wantErr: coding.ErrNotActor, wantMsg: "allowed: Actor, "},
		{name: "ErrUnknownCode", id: "x", typ: "Nonsense", wantErr: coding.ErrUnknownCode, wantMsg: `unknown code "Nonsense"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.svc.AddEntity(context.Background(), "ann", service.AddEntityOptions{Entity: coding.Entity{ID: tc.id, Type: tc.typ}})
			wantErr(t, err, tc.wantErr)
			if err != nil && !strings.Contains(err.Error(), tc.wantMsg) {
				t.Errorf("error %q, want %q in it", err, tc.wantMsg)
			}
		})
	}
}

// TestMessagesNameWhatIsAllowed checks that refusals say what would be
// accepted, in the same words whichever command gives them.
func TestMessagesNameWhatIsAllowed(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	ev := f.span(t, "north.txt", "We lobbied the bureau")
	reversed := coding.Span{Doc: ev.Doc, Start: ev.End, End: ev.Start}
	assert := func(rel string, conf float64, sp coding.Span) error {
		_, err := f.svc.Assert(ctx, "ann", service.AssertOptions{Assertion: coding.Assertion{Subject: "lin", Relation: rel,
			Object: "bureau", Confidence: conf, Evidence: []coding.Span{sp}}})
		return err
	}
	if _, err := f.svc.AddCode(ctx, "ann", service.AddCodeOptions{ID: "Trust"}); err != nil {
		t.Fatal(err)
	}
	promote := func() error {
		_, err := f.svc.PromoteCode(ctx, "ann", service.PromoteOptions{ID: "Trust", Parent: "Practice"})
		return err
	}
	tests := []struct {
		name    string
		run     func() error
		wantErr error
		wantMsg []string
	}{
		{"UnknownRelation", func() error { return assert("lobbys", 1, ev) }, coding.ErrUnknownRelation,
			[]string{`unknown relation "lobbys"`, "known: ", "funds", "setsStandardsFor"}},
		{"UnknownRelationInLinks", func() error {
			_, err := f.svc.Links(ctx, service.LinksOptions{Filter: coding.LinkFilter{Relation: "lobbys"}})
			return err
		}, coding.ErrUnknownRelation, []string{"known: ", "funds"}},
		{"Confidence", func() error { return assert("lobbies", 1.5, ev) }, coding.ErrConfidence,
			[]string{"confidence 1.5", "between 0 and 1"}},
		{"PromoteOnce", promote, nil, nil},
		{"PromoteTwice", promote, coding.ErrPromoted, []string{"promote Trust: already promoted"}},
		{"ReversedCode", func() error {
			_, err := f.svc.Code(ctx, "ann", service.CodeOptions{Span: reversed, Code: "Lobbying"})
			return err
		}, coding.ErrReversedSpan, []string{"START is after END"}},
		{"ReversedMention", func() error {
			_, err := f.svc.Mention(ctx, "ann", service.MentionOptions{Span: reversed, Entity: "lin"})
			return err
		}, coding.ErrReversedSpan, []string{"START is after END"}},
		{"ReversedEvidence", func() error { return assert("lobbies", 1, reversed) }, coding.ErrReversedSpan,
			[]string{"START is after END"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.run()
			wantErr(t, err, tc.wantErr)
			for _, m := range tc.wantMsg {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error %q, want %q in it", err, m)
				}
			}
		})
	}
}

// TestExportCounts checks that what an export says it wrote is what the
// file holds: the graph formats leave retracted assertions out.
func TestExportCounts(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	tests := []struct {
		format   string
		edge     string // how the file writes an edge
		wantRetr int
	}{
		{"graphml", "<edge ", 1},
		{"gexf", "<edge ", 1},
		{"dot", " -> ", 1},
	}
	for _, tc := range tests {
		t.Run(tc.format, func(t *testing.T) {
			e, err := f.svc.Export(ctx, service.ExportOptions{Format: tc.format})
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			if err := e.Write(ctx, &b); err != nil {
				t.Fatal(err)
			}
			if edges := strings.Count(b.String(), tc.edge); e.Assertions != edges {
				t.Errorf("Assertions = %d, the file holds %d edges", e.Assertions, edges)
			}
			if e.Assertions != len(f.assertions)-1 || e.Retracted != tc.wantRetr {
				t.Errorf("Assertions, Retracted = %d, %d; want %d, %d", e.Assertions, e.Retracted, len(f.assertions)-1, tc.wantRetr)
			}
			if e.Entities != 4 || e.Concepts != 0 {
				t.Errorf("Entities, Concepts = %d, %d; want 4, 0", e.Entities, e.Concepts)
			}
		})
	}
}
