package service_test

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/service"
)

// consistent checks that the projection and the graph agree after an
// entity change, that a projection rebuilt from the graph reads the same,
// and returns the view.
func consistent(t *testing.T, f *fixture) *coding.View {
	t.Helper()
	before, err := f.p.View(false)
	if err != nil {
		t.Fatal(err)
	}
	r, err := f.p.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Problems) > 0 {
		t.Fatalf("check: %+v", r.Problems)
	}
	if err := f.p.RebuildView(); err != nil {
		t.Fatal(err)
	}
	after, err := f.p.View(false)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(before.Entities, after.Entities) || !reflect.DeepEqual(before.Removed, after.Removed) ||
		!reflect.DeepEqual(before.Mentions, after.Mentions) || !reflect.DeepEqual(before.Assertions, after.Assertions) {
		t.Fatalf("the projection rebuilt from the graph differs:\nentities %+v\nnow %+v\nremoved %+v\nnow %+v",
			before.Entities, after.Entities, before.Removed, after.Removed)
	}
	return after
}

func links(t *testing.T, f *fixture) []string {
	t.Helper()
	ls, err := f.svc.Links(context.Background(), service.LinksOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range ls {
		got = append(got, l.Subject+" "+l.Relation+" "+l.Object)
	}
	return got
}

func entityIDs(v *coding.View) []string {
	var ids []string
	for _, e := range v.Entities {
		ids = append(ids, e.ID)
	}
	return ids
}

func TestMergeEntities(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	if _, err := f.svc.Mention(ctx, "ann", service.MentionOptions{Span: f.span(t, "north.txt", "Lin"), Entity: "lin"}); err != nil {
		t.Fatal(err)
	}
	res, err := f.svc.MergeEntities(ctx, "bo", service.MergeEntitiesOptions{Keep: "ch", Others: []string{"li"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Entity.ID != "chen" || !slices.Equal(res.Merged, []string{"lin"}) || res.Moved != 2 || res.Mentions != 1 ||
		len(res.Retracted) != 0 || !slices.Equal(res.Aliases, []string{"Lin"}) {
		t.Errorf("merge: %+v", res)
	}
	v := consistent(t, f)
	if got, want := entityIDs(v), []string{"assoc", "bureau", "chen"}; !slices.Equal(got, want) {
		t.Errorf("entities %q, want %q", got, want)
	}
	if len(v.Removed) != 1 || v.Removed[0].Entity.ID != "lin" || v.Removed[0].Into != "chen" || v.Removed[0].By != "bo" ||
		v.Removed[0].Change != res.Change.ID {
		t.Errorf("removed %+v", v.Removed)
	}
	if ms := coding.MentionsOf(v, "chen"); len(ms) != 1 {
		t.Errorf("mentions of chen %+v, want the one of lin", ms)
	}
	t.Run("Links", func(t *testing.T) {
		want := []string{"assoc setsStandardsFor chen", "bureau funds chen", "chen lobbies bureau"}
		if got := links(t, f); !slices.Equal(got, want) {
			t.Errorf("links %q, want %q", got, want)
		}
	})
	t.Run("Network", func(t *testing.T) {
		r, err := f.svc.Network(ctx, service.NetworkOptions{Via: "relation"})
		if err != nil {
			t.Fatal(err)
		}
		var edges []string
		for _, e := range r.Network.Edges {
			edges = append(edges, e.Source+" "+e.Relation+" "+e.Target)
		}
		want := []string{"assoc setsStandardsFor chen", "bureau funds chen", "chen lobbies bureau"}
		if len(r.Network.Nodes) != 3 || !slices.Equal(edges, want) {
			t.Errorf("%d nodes, edges %q; want 3, %q", len(r.Network.Nodes), edges, want)
		}
	})
	t.Run("Centrality", func(t *testing.T) {
		c, err := f.svc.Centrality(ctx, service.CentralityOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range c.Scores {
			if s.Node == "lin" {
				t.Errorf("lin scored after the merge: %+v", c.Scores)
			}
		}
		if c.Nodes != 3 {
			t.Errorf("%d nodes, want 3", c.Nodes)
		}
	})
	t.Run("GraphML", func(t *testing.T) {
		e, err := f.svc.Export(ctx, service.ExportOptions{Format: "graphml"})
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := e.Write(ctx, &b); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(b.String(), `"lin"`) || !strings.Contains(b.String(), `"chen"`) {
			t.Errorf("graphml names lin or not chen:\n%s", b.String())
		}
	})
	t.Run("Gizmo", func(t *testing.T) {
		got, err := f.svc.Query(ctx, service.QueryOptions{Script: `g.V("<qg:entity/chen>").Out("<qg:rel/lobbies>").All()`})
		if err != nil {
			t.Fatal(err)
		}
		want := []any{map[string]any{"id": "<qg:entity/bureau>"}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("chen lobbies %#v, want %#v", got, want)
		}
		got, err = f.svc.Query(ctx, service.QueryOptions{Script: `g.V("<qg:entity/lin>").Out("<qg:mergedInto>").All()`})
		if err != nil {
			t.Fatal(err)
		}
		if want := []any{map[string]any{"id": "<qg:entity/chen>"}}; !reflect.DeepEqual(got, want) {
			t.Errorf("lin merged into %#v, want %#v", got, want)
		}
	})
	t.Run("Neighbors", func(t *testing.T) {
		ns, err := f.svc.Neighbors(ctx, service.NeighborsOptions{Entity: "chen", Depth: 1})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, n := range ns {
			got = append(got, n.Entity)
		}
		// bureau twice: it funds chen, and chen lobbies it.
		if want := []string{"assoc", "bureau", "bureau"}; !slices.Equal(slices.Sorted(slices.Values(got)), want) {
			t.Errorf("neighbours of chen %q, want %q", got, want)
		}
	})
	t.Run("ErrIDReused", func(t *testing.T) {
		_, err := f.svc.AddEntity(ctx, "ann", service.AddEntityOptions{Entity: coding.Entity{ID: "lin", Type: "SpinoffFounder"}})
		if !errors.Is(err, coding.ErrDuplicate) {
			t.Errorf("adding lin again: %v, want ErrDuplicate", err)
		}
	})
	t.Run("ErrMergedGone", func(t *testing.T) {
		var ue *coding.UnknownError
		if _, err := f.svc.RenameEntity(ctx, "ann", service.RenameEntityOptions{Ref: "lin", Name: "X"}); !errors.As(err, &ue) {
			t.Errorf("renaming lin after the merge: %v, want an UnknownError", err)
		}
	})
}

func TestMergeRetracts(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name        string
		setup       func(t *testing.T, f *fixture) string // returns the assertion id expected retracted, if any
		keep, other string
		reason      string
		links       []string
	}{
		{"SelfLoop", nil, "bureau", "chen", "a self-loop after merging chen into bureau",
			[]string{"assoc setsStandardsFor lin", "lin lobbies bureau"}},
		{"Repeat", func(t *testing.T, f *fixture) string {
			a, err := f.svc.Assert(ctx, "ann", service.AssertOptions{Assertion: coding.Assertion{Subject: "chen", Relation: "lobbies", Object: "bureau",
				Polarity: coding.Positive, Confidence: 1, Evidence: []coding.Span{f.span(t, "north.txt", "We lobbied the bureau")}}})
			if err != nil {
				t.Fatal(err)
			}
			return a.ID
		}, "chen", "lin", "repeats assertion ",
			[]string{"assoc setsStandardsFor chen", "bureau funds chen", "chen lobbies bureau"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			stays := ""
			if tt.setup != nil {
				stays = tt.setup(t, f)
			}
			res, err := f.svc.MergeEntities(ctx, "bo", service.MergeEntitiesOptions{Keep: tt.keep, Others: []string{tt.other}})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Retracted) != 1 || !strings.HasPrefix(res.Retracted[0].Reason, tt.reason) {
				t.Fatalf("retracted %+v, want one: %s", res.Retracted, tt.reason)
			}
			if stays != "" && !strings.Contains(res.Retracted[0].Reason, stays) {
				t.Errorf("retracted %+v, want the one that repeats %s", res.Retracted, stays)
			}
			v := consistent(t, f)
			a, err := coding.FindAssertion(v, res.Retracted[0].ID)
			if err != nil || !a.Retracted || a.Reason != res.Retracted[0].Reason {
				t.Errorf("assertion %+v (%v), want retracted: %s", a, err, res.Retracted[0].Reason)
			}
			if got := links(t, f); !slices.Equal(got, tt.links) {
				t.Errorf("links %q, want %q", got, tt.links)
			}
		})
	}
}

func TestMergeRefused(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	tests := []struct {
		name        string
		keep, other string
		want        error
	}{
		{"Itself", "chen", "chen", nil},
		{"Unknown", "chen", "nobody", coding.ErrUnknownEntity},
		// lin lobbies bureau would become lin lobbies chen, and lobbies
		// takes governments and associations as objects.
		{"Range", "chen", "bureau", coding.ErrRange},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.svc.MergeEntities(ctx, "bo", service.MergeEntitiesOptions{Keep: tt.keep, Others: []string{tt.other}})
			if err == nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("merge %s into %s: %v, want %v", tt.other, tt.keep, err, tt.want)
			}
		})
	}
	if got, want := links(t, f), []string{"assoc setsStandardsFor lin", "bureau funds chen", "lin lobbies bureau"}; !slices.Equal(got, want) {
		t.Errorf("links after refusals %q, want %q", got, want)
	}
}

func TestRenameAlias(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	res, err := f.svc.RenameEntity(ctx, "ann", service.RenameEntityOptions{Ref: "bur", Name: "Jinlan Science Bureau"})
	if err != nil || res.Unchanged || res.Entity.Name != "Jinlan Science Bureau" {
		t.Fatalf("rename: %+v, %v", res, err)
	}
	if res, err := f.svc.RenameEntity(ctx, "ann", service.RenameEntityOptions{Ref: "bureau", Name: "Jinlan Science Bureau"}); err != nil || !res.Unchanged {
		t.Errorf("renaming again: %+v, %v; want unchanged", res, err)
	}
	found := func() int {
		r, err := f.svc.AutoMention(ctx, "ann", service.AutoMentionOptions{Entities: []string{"assoc"}, DryRun: true})
		if err != nil {
			t.Fatal(err)
		}
		return len(r.Mentions)
	}
	if n := found(); n != 0 {
		t.Fatalf("auto-mention of assoc before the alias: %d", n)
	}
	res, err = f.svc.AliasEntity(ctx, "ann", service.AliasEntityOptions{Ref: "assoc", Aliases: []string{"association", "Drone Association", "association"}})
	if err != nil || !slices.Equal(res.Aliases, []string{"association"}) {
		t.Fatalf("alias: %+v, %v", res, err)
	}
	if n := found(); n != 1 {
		t.Errorf("auto-mention of assoc after the alias: %d, want 1", n)
	}
	v := consistent(t, f)
	want := map[string]coding.Entity{
		"bureau": {ID: "bureau", Type: "LocalGovernment", Name: "Jinlan Science Bureau"},
		"assoc":  {ID: "assoc", Type: "IndustryAssociation", Name: "Drone Association", Aliases: []string{"association"}},
	}
	for _, e := range v.Entities {
		if w, ok := want[e.ID]; ok && !reflect.DeepEqual(e, w) {
			t.Errorf("entity %+v, want %+v", e, w)
		}
	}
	var ops []string
	for _, ch := range v.Changes {
		ops = append(ops, ch.Op)
	}
	if !slices.Contains(ops, "entity rename") || !slices.Contains(ops, "entity alias") {
		t.Errorf("change log %q lacks the rename or the alias", ops)
	}
}

func TestRemoveEntity(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	_, err := f.svc.RemoveEntity(ctx, "bo", service.RemoveEntityOptions{Ref: "assoc"})
	if !errors.Is(err, service.ErrLiveAssertions) || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("removing assoc: %v, want ErrLiveAssertions naming --force", err)
	}
	res, err := f.svc.RemoveEntity(ctx, "bo", service.RemoveEntityOptions{Ref: "assoc", Force: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Retracted) != 1 || res.Retracted[0].ID != f.assertions["standard"] {
		t.Errorf("retracted %+v, want the standard assertion", res.Retracted)
	}
	v := consistent(t, f)
	if got, want := entityIDs(v), []string{"bureau", "chen", "lin"}; !slices.Equal(got, want) {
		t.Errorf("entities %q, want %q", got, want)
	}
	if len(v.Removed) != 1 || v.Removed[0].Entity.ID != "assoc" || v.Removed[0].Into != "" || v.Removed[0].By != "bo" {
		t.Errorf("removed %+v", v.Removed)
	}
	if got, want := links(t, f), []string{"bureau funds chen", "lin lobbies bureau"}; !slices.Equal(got, want) {
		t.Errorf("links %q, want %q", got, want)
	}
	// chen has only the one assertion; without it, no --force is needed.
	if _, err := f.svc.Retract(ctx, "bo", service.RetractOptions{Ref: f.assertions["funds"]}); err != nil {
		t.Fatal(err)
	}
	if res, err := f.svc.RemoveEntity(ctx, "bo", service.RemoveEntityOptions{Ref: "chen"}); err != nil || len(res.Retracted) != 0 {
		t.Errorf("removing chen: %+v, %v", res, err)
	}
	consistent(t, f)
}
