package network

import (
	"errors"
	"reflect"
	"testing"
)

func relationTies() []Tie {
	return []Tie{
		{From: "firm", To: "gov", Relation: "lobbies", Phase: "p1", Assertion: "t1"},
		{From: "firm", To: "gov", Relation: "lobbies", Phase: "p2", Polarity: pos, Assertion: "t2"},
		{From: "firm", To: "gov", Relation: "legitimizes", Phase: "p2", Assertion: "t3"},
		{From: "gov", To: "firm", Relation: "legitimizes", Phase: "p1", Assertion: "t4"},
		{From: "gov", To: "assoc", Relation: "legitimizes", Phase: "p1", Retracted: true, Assertion: "t5"},
		{From: "assoc", To: "gov", Relation: "lobbies", Phase: "p2", Polarity: neg, Assertion: "t6"},
		{From: "assoc", To: "assoc", Relation: "legitimizes", Phase: "p1", Assertion: "t7"},
	}
}

func TestRelationNetwork(t *testing.T) {
	tests := []struct {
		name string
		opt  RelationOptions
		want []Edge
	}{
		{"All", RelationOptions{}, []Edge{
			{Source: "assoc", Target: "assoc", Weight: 1, Relation: "legitimizes", Assertions: []string{"t7"}},
			{Source: "firm", Target: "gov", Weight: 1, Relation: "legitimizes", Assertions: []string{"t3"}},
			{Source: "firm", Target: "gov", Weight: 2, Relation: "lobbies", Assertions: []string{"t1", "t2"}},
			{Source: "gov", Target: "firm", Weight: 1, Relation: "legitimizes", Assertions: []string{"t4"}},
		}},
		{"Merge", RelationOptions{Merge: true}, []Edge{
			{Source: "assoc", Target: "assoc", Weight: 1, Relation: "legitimizes", Assertions: []string{"t7"}},
			{Source: "firm", Target: "gov", Weight: 3, Relation: "legitimizes|lobbies", Assertions: []string{"t1", "t2", "t3"}},
			{Source: "gov", Target: "firm", Weight: 1, Relation: "legitimizes", Assertions: []string{"t4"}},
		}},
		{"Relation", RelationOptions{Relations: []string{"lobbies"}}, []Edge{
			{Source: "firm", Target: "gov", Weight: 2, Relation: "lobbies", Assertions: []string{"t1", "t2"}},
		}},
		{"Phase", RelationOptions{Phases: []string{"p2"}, Merge: true}, []Edge{
			{Source: "firm", Target: "gov", Weight: 2, Relation: "legitimizes|lobbies", Assertions: []string{"t2", "t3"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := RelationNetwork(relationTies(), nil, tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			if !n.Directed || n.Kind != RelationKind {
				t.Errorf("kind %s directed %v", n.Kind, n.Directed)
			}
			if !reflect.DeepEqual(n.Edges, tt.want) {
				t.Errorf("edges\n%+v\nwant\n%+v", n.Edges, tt.want)
			}
		})
	}
	t.Run("Frequency", func(t *testing.T) {
		n, _ := RelationNetwork(relationTies(), nil, RelationOptions{Nodes: []string{"univ"}})
		got := map[string]int{}
		for _, nd := range n.Nodes {
			got[nd.ID] = nd.Frequency
		}
		// firm: t1 t2 t3 t4; gov: t1 t2 t3 t4; assoc: t7 once; univ: isolate.
		if want := map[string]int{"firm": 4, "gov": 4, "assoc": 1, "univ": 0}; !reflect.DeepEqual(got, want) {
			t.Errorf("frequencies %v, want %v", got, want)
		}
	})
}

func TestRelationNetworkErrors(t *testing.T) {
	for _, tt := range []struct {
		name string
		tie  Tie
		want error
	}{
		{"ErrMissingField", Tie{From: "a", Relation: "r"}, ErrMissingField},
		{"ErrPolarity", Tie{From: "a", To: "b", Relation: "r", Polarity: "yes"}, ErrPolarity},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := RelationNetwork([]Tie{tt.tie}, nil, RelationOptions{})
			var te *TieError
			if !errors.Is(err, tt.want) || !errors.As(err, &te) {
				t.Errorf("error %v, want a *TieError wrapping %v", err, tt.want)
			}
		})
	}
}
