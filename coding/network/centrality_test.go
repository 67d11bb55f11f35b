package network

import (
	"errors"
	"math"
	"testing"
)

// graphOf builds a network by hand from "a b weight" edges.
func graphOf(directed bool, nodes []string, edges ...Edge) *Network {
	n := &Network{Kind: RelationKind, Directed: directed, Edges: edges}
	for _, id := range nodes {
		n.Nodes = append(n.Nodes, Node{ID: id, Label: id, Mode: ModeActor})
	}
	n.sort()
	return n
}

func e(s, t string, w float64) Edge { return Edge{Source: s, Target: t, Weight: w} }

func values(ss []Score) map[string]float64 {
	m := make(map[string]float64)
	for _, s := range ss {
		m[s.Node] = s.Value
	}
	return m
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-8 }

func checkScores(t *testing.T, name string, got []Score, want map[string]float64) {
	t.Helper()
	v := values(got)
	if len(v) != len(want) {
		t.Errorf("%s: %d rows, want %d", name, len(v), len(want))
	}
	for k, w := range want {
		if !near(v[k], w) {
			t.Errorf("%s: %s = %v, want %v", name, k, v[k], w)
		}
	}
	for i := 1; i < len(got); i++ {
		if got[i-1].Value < got[i].Value || got[i-1].Value == got[i].Value && got[i-1].Node > got[i].Node {
			t.Errorf("%s: rows not sorted by value then node: %v", name, got)
			break
		}
	}
}

// star is an undirected star: centre c, leaves l1..l4.
func star() *Network {
	return graphOf(false, []string{"c", "l1", "l2", "l3", "l4"},
		e("c", "l1", 1), e("c", "l2", 1), e("c", "l3", 1), e("c", "l4", 1))
}

func TestBetweenness(t *testing.T) {
	tests := []struct {
		name string
		n    *Network
		want map[string]float64
	}{
		// The 4·3/2 = 6 pairs of leaves all pass through the centre.
		{"Star", star(), map[string]float64{"c": 6, "l1": 0, "l2": 0, "l3": 0, "l4": 0}},
		// Undirected a–b–c: one unordered pair {a, c}, through b: 1.
		{"PathUndirected", graphOf(false, []string{"a", "b", "c"}, e("a", "b", 1), e("b", "c", 1)),
			map[string]float64{"a": 0, "b": 1, "c": 0}},
		// Directed a→b→c: only the ordered pair (a, c) has a path, through b: 1.
		{"PathDirected", graphOf(true, []string{"a", "b", "c"}, e("a", "b", 1), e("b", "c", 1)),
			map[string]float64{"a": 0, "b": 1, "c": 0}},
		// Directed both ways a⇄b⇄c: pairs (a, c) and (c, a): 2.
		{"PathMutual", graphOf(true, []string{"a", "b", "c"}, e("a", "b", 1), e("b", "a", 1), e("b", "c", 1), e("c", "b", 1)),
			map[string]float64{"a": 0, "b": 2, "c": 0}},
		// Square a–b–d–c–a: each opposite pair has two shortest paths, one
		// through each of the other two nodes: 0.5 each.
		{"Square", square(), map[string]float64{"a": 0.5, "b": 0.5, "c": 0.5, "d": 0.5}},
		// Self-loops and isolates change nothing.
		{"LoopAndIsolate", graphOf(false, []string{"a", "b", "c", "z"}, e("a", "b", 1), e("b", "b", 4), e("b", "c", 1)),
			map[string]float64{"a": 0, "b": 1, "c": 0, "z": 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkScores(t, tt.name, Betweenness(tt.n), tt.want) })
	}
}

// square has strong ties a–b–d (3) and weak ties a–c–d (1).
func square() *Network {
	return graphOf(false, []string{"a", "b", "c", "d"}, e("a", "b", 3), e("b", "d", 3), e("a", "c", 1), e("c", "d", 1))
}

// With lengths 1/weight, a–b–d has length 2/3 and a–c–d length 2, so b
// alone brokers {a, d}: 1. The pair {b, c} still has two equal paths
// b–a–c and b–d–c (1/3 + 1 each): a and d get 0.5.
func TestWeightedBetweenness(t *testing.T) {
	got, err := WeightedBetweenness(square())
	if err != nil {
		t.Fatal(err)
	}
	checkScores(t, "Square", got, map[string]float64{"a": 0.5, "b": 1, "c": 0, "d": 0.5})

	neg := graphOf(false, []string{"a", "b"}, e("a", "b", -1))
	if _, err := WeightedBetweenness(neg); !errors.Is(err, ErrNegative) {
		t.Errorf("negative weight: error %v, want ErrNegative", err)
	}
}

func TestDegree(t *testing.T) {
	// Directed multigraph: two parallel a→b edges (relations), b→a, a→c,
	// and a self-loop on c.
	n := graphOf(true, []string{"a", "b", "c"},
		Edge{Source: "a", Target: "b", Weight: 2, Relation: "lobbies"},
		Edge{Source: "a", Target: "b", Weight: 1, Relation: "legitimizes"},
		e("b", "a", 4), e("a", "c", 1), e("c", "c", 5))
	tests := []struct {
		dir      Direction
		weighted bool
		want     map[string]float64
	}{
		{In, false, map[string]float64{"a": 1, "b": 1, "c": 1}},
		{Out, false, map[string]float64{"a": 2, "b": 1, "c": 0}},
		{Total, false, map[string]float64{"a": 3, "b": 2, "c": 1}},
		{In, true, map[string]float64{"a": 4, "b": 3, "c": 1}},
		{Out, true, map[string]float64{"a": 4, "b": 4, "c": 0}},
		{Total, true, map[string]float64{"a": 8, "b": 7, "c": 1}},
	}
	for _, tt := range tests {
		name := string(tt.dir)
		if tt.weighted {
			name += "/weighted"
		}
		t.Run(name, func(t *testing.T) { checkScores(t, name, Degree(n, tt.dir, tt.weighted), tt.want) })
	}
	t.Run("Undirected", func(t *testing.T) {
		for _, dir := range []Direction{In, Out, Total} {
			checkScores(t, string(dir), Degree(star(), dir, false), map[string]float64{"c": 4, "l1": 1, "l2": 1, "l3": 1, "l4": 1})
		}
	})
}

// PageRank of the undirected star with n = 5, d = 0.85: by symmetry every
// leaf has rank L and the centre C, with
//
//	L = (1−d)/5 + d·C/4   and   C = (1−d)/5 + d·4L
//
// so L = 0.03 + 0.2125·(0.03 + 3.4L), 0.2775·L = 0.036375,
// L = 0.131081081…, C = 1 − 4L = 0.475675675…
func TestPageRank(t *testing.T) {
	for _, weighted := range []bool{false, true} {
		got, err := PageRank(star(), weighted)
		if err != nil {
			t.Fatal(err)
		}
		L := 0.036375 / 0.2775
		checkScores(t, "Star", got, map[string]float64{"c": 1 - 4*L, "l1": L, "l2": L, "l3": L, "l4": L})
		if got[0].Node != "c" {
			t.Errorf("first row %v, want the centre", got[0])
		}
	}

	// Directed a→b, a→c with weights 3 and 1; b and c are dangling and
	// pass their rank to all. Weighted, b outranks c; unweighted they tie.
	n := graphOf(true, []string{"a", "b", "c"}, e("a", "b", 3), e("a", "c", 1))
	w, _ := PageRank(n, true)
	u, _ := PageRank(n, false)
	if v := values(w); !(v["b"] > v["c"]) {
		t.Errorf("weighted %v: want b > c", w)
	}
	if v := values(u); v["b"] != v["c"] {
		t.Errorf("unweighted %v: want b = c", u)
	}
	var sum float64
	for _, s := range w {
		sum += s.Value
	}
	if !near(sum, 1) {
		t.Errorf("ranks sum to %v, want 1", sum)
	}

	if _, err := PageRank(graphOf(false, []string{"a", "b"}, e("a", "b", -2)), true); !errors.Is(err, ErrNegative) {
		t.Errorf("negative weight: error %v, want ErrNegative", err)
	}
	if got, err := PageRank(&Network{}, true); err != nil || got != nil {
		t.Errorf("empty network: %v, %v", got, err)
	}
}

func TestCentralityOnActorNetwork(t *testing.T) {
	n, err := ActorNetwork(fixture(), nil, Options{Qualifier: Congruence})
	if err != nil {
		t.Fatal(err)
	}
	// Congruence edges: A-B 1, A-C 1, A-D 2, B-C 1, B-D 2 (see
	// TestActorNetwork). C and D are not tied: A and B broker them, 0.5 each.
	checkScores(t, "betweenness", Betweenness(n), map[string]float64{"A": 0.5, "B": 0.5, "C": 0, "D": 0})
	checkScores(t, "strength", Degree(n, Total, true), map[string]float64{"A": 4, "B": 4, "C": 2, "D": 4})
}
