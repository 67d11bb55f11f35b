package service_test

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/internal/record"
	"github.com/qualgraph/qualgraph/kg"
	"github.com/qualgraph/qualgraph/project"
	"github.com/qualgraph/qualgraph/service"
)

// TestAddEvidenceKeepsIdentity adds evidence to an assertion that has a
// memo: the assertion keeps its id and its memo, is not retracted, lists
// its new quote, the graph agrees with the projection (check), and a graph
// derived from the record alone gives the same assertions.
func TestAddEvidenceKeepsIdentity(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	id := f.assertions["lobbies"]
	memo, err := f.svc.AddMemo(ctx, "ann", service.MemoOptions{Target: "assertion:" + id, Text: "ask about the land"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, by, quote string
		added           int
		evidence        int
	}{
		{"OtherCoder", "bo", "for land", 1, 2},
		{"Again", "bo", "for land", 0, 2},
		{"Owner", "ann", "seed funding", 1, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := f.svc.AddEvidence(ctx, tc.by, service.AddEvidenceOptions{Ref: id[:8], Quotes: []service.QuoteRef{{Doc: "north.txt", Text: tc.quote}}})
			if err != nil {
				t.Fatal(err)
			}
			if res.Assertion.ID != id || res.Added != tc.added || len(res.Assertion.Evidence) != tc.evidence || res.Quotes[len(res.Quotes)-1] != tc.quote {
				t.Fatalf("evidence added: %+v, want id %s, %d added, %d spans", res, id, tc.added, tc.evidence)
			}
		})
	}
	rows, err := f.svc.Assertions(ctx, service.AssertionsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var row *service.AssertionRow
	for i := range rows {
		if rows[i].ID == id {
			row = &rows[i]
		}
	}
	if row == nil || len(rows) != 3 {
		t.Fatalf("assertions %+v: want 3, with %s", rows, id)
	}
	if len(row.Quotes) != 3 || row.Quotes[1].Text != "for land" || row.Quotes[2].Text != "seed funding" {
		t.Errorf("quotes %+v", row.Quotes)
	}
	for i, want := range []string{"ann", "bo", "ann"} {
		if by, _ := row.EvidenceBy(i); by != want {
			t.Errorf("evidence %d added by %s, want %s", i, by, want)
		}
	}
	memos, err := f.svc.Memos(ctx, "assertion:"+id, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(memos) != 1 || memos[0].ID != memo.ID {
		t.Errorf("memos on the assertion: %+v", memos)
	}
	r, err := f.p.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, pr := range r.Problems {
		t.Errorf("check: %s", pr)
	}

	want, err := f.p.View(false)
	if err != nil {
		t.Fatal(err)
	}
	g := kg.OpenMemory()
	defer g.Close()
	if _, err := record.Scan(filepath.Join(f.p.Dir, project.RecordFile), record.Start, func(end record.Position, b []byte) error {
		ev, err := coding.UnmarshalEvent(b)
		if err != nil {
			return err
		}
		return g.Apply(end, ev)
	}); err != nil {
		t.Fatal(err)
	}
	got, err := g.View()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Assertions, want.Assertions) {
		t.Errorf("replayed from the record:\n got %+v\nwant %+v", got.Assertions, want.Assertions)
	}
}

// TestMergeMovesMemos merges an entity that has a memo into another: the
// memo is the kept entity's, in the projection and the graph alike.
func TestMergeMovesMemos(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	memo, err := f.svc.AddMemo(ctx, "ann", service.MemoOptions{Target: "entity:lin", Text: "Lin and Chen are one founder"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.MergeEntities(ctx, "ann", service.MergeEntitiesOptions{Keep: "chen", Others: []string{"lin"}}); err != nil {
		t.Fatal(err)
	}
	memos, err := f.svc.Memos(ctx, "entity:chen", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(memos) != 1 || memos[0].ID != memo.ID || memos[0].Target != "entity:chen" {
		t.Errorf("memos of the kept entity: %+v", memos)
	}
	r, err := f.p.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, pr := range r.Problems {
		t.Errorf("check: %s", pr)
	}
}
