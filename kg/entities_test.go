package kg_test

import (
	"slices"
	"testing"
	"time"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/kg"
)

// TestEntityChanges checks that the graph (View) and the projection (Load)
// read entity changes alike, whole and in parts: a rename, aliases, a
// merge whose mentions and assertions move to the entity kept, and a
// removal, and that a projection rebuilt from the graph reads the same.
func TestEntityChanges(t *testing.T) {
	s, dir, _ := boltFixture(t)
	at := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	for i, c := range []coding.EntityChange{
		{ID: "bureau", Name: "Jinlan Science Bureau"},
		{ID: "bureau", Aliases: []string{"the Bureau", "SB"}},
		{ID: "lab", Merge: []string{"lin"}},
		{ID: "chen", Merge: []string{"assoc", "lab"}, Aliases: []string{"Joint Lab"},
			Retract: []coding.Retraction{{ID: "a04", Reason: "a self-loop"}},
			Edges:   []coding.AssertionEdge{{Assertion: "a06", Subject: "town", Relation: "funds", Object: "chen"}}},
		{ID: "fund", Remove: true},
	} {
		ch := coding.Change{ID: "ec" + string(rune('0'+i)), By: "carol", At: at.Add(time.Duration(i) * time.Second), Op: "entity change"}
		if err := s.ChangeEntity(ch, c); err != nil {
			t.Fatal(err)
		}
	}
	graph, err := s.View()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range graph.Entities {
		ids = append(ids, e.ID)
	}
	if want := []string{"bureau", "chen", "halvorsen", "park", "town", "wu"}; !slices.Equal(ids, want) {
		t.Errorf("entities %q, want %q", ids, want)
	}
	var gone []string
	for _, g := range graph.Removed {
		gone = append(gone, g.Entity.ID+">"+g.Into+" by "+g.By)
	}
	if want := []string{"assoc>chen by carol", "fund> by carol", "lab>chen by carol", "lin>lab by carol"}; !slices.Equal(gone, want) {
		t.Errorf("removed %q, want %q", gone, want)
	}
	for _, m := range graph.Mentions {
		if m.Entity != "chen" {
			t.Errorf("mention %s of %s, want chen", m.ID, m.Entity)
		}
	}
	for _, a := range graph.Assertions {
		for _, end := range []string{a.Subject, a.Object} {
			if end == "lin" || end == "lab" || end == "assoc" {
				t.Errorf("assertion %s still names %s", a.ID, end)
			}
		}
		if a.ID == "a04" && (!a.Retracted || a.Subject != "chen" || a.Object != "chen") {
			t.Errorf("a04 %+v, want chen lobbies chen, retracted", a)
		}
	}
	if b, _ := coding.FindEntity(graph, "bureau"); b.Name != "Jinlan Science Bureau" || !slices.Equal(b.Aliases, []string{"SB", "the Bureau"}) {
		t.Errorf("bureau %+v", b)
	}
	if c, _ := coding.FindEntity(graph, "chen"); !slices.Contains(c.Aliases, "Joint Lab") {
		t.Errorf("chen %+v, want alias Joint Lab", c)
	}
	check := func(name string) {
		t.Helper()
		for _, parts := range []kg.Part{kg.PartAll, kg.PartCodings, kg.PartEntities | kg.PartAssertions} {
			got, err := kg.LoadParts(dir, parts)
			if err != nil {
				t.Fatal(err)
			}
			want := only(graph, parts)
			if parts&kg.PartEntities == 0 {
				want.Removed = nil
			}
			sameView(t, name, got, want)
		}
		// Around chen: the assertions of those merged into it too.
		got, err := kg.Load(dir, kg.LoadOptions{Parts: kg.PartEntities | kg.PartAssertions, Touching: map[string]bool{"chen": true}, NearEntities: true})
		if err != nil {
			t.Fatal(err)
		}
		n, want := 0, 0
		for _, a := range graph.Assertions {
			if a.Subject == "chen" || a.Object == "chen" {
				want++
			}
		}
		for _, a := range got.Assertions {
			if a.Subject == "chen" || a.Object == "chen" {
				n++
			}
		}
		if n != want || want < 7 {
			t.Errorf("%s: %d assertions around chen, want %d (7 or more)", name, n, want)
		}
	}
	check("projection")
	if err := s.RebuildProjection(); err != nil {
		t.Fatal(err)
	}
	check("rebuilt projection")
}
