package network

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"testing"

	"github.com/qualgraph/qualgraph/coding"
)

const (
	pos = coding.Positive
	neg = coding.Negative
)

// fixture is the running example of the one-mode tests: four actors, three
// concepts, mixed polarities, and one repeated statement (D on x, in two
// documents).
//
//	actor  x     y     z     activity (statements)
//	A      +     +     −     3
//	B      +     −           2
//	C      −     −     −     3
//	D      + +         +     3   (x⁺ twice)
func fixture() []Statement {
	st := func(id, actor, concept string, p coding.Polarity, doc string) Statement {
		return Statement{Actor: actor, Concept: concept, Polarity: p, Doc: doc, Assertion: id}
	}
	return []Statement{
		st("a1", "A", "x", pos, "d1"), st("a2", "A", "y", pos, "d1"), st("a3", "A", "z", neg, "d2"),
		st("b1", "B", "x", pos, "d1"), st("b2", "B", "y", neg, "d2"),
		st("c1", "C", "x", neg, "d1"), st("c2", "C", "y", neg, "d1"), st("c3", "C", "z", neg, "d3"),
		st("d1", "D", "x", pos, "d1"), st("d2", "D", "x", pos, "d2"), st("d3", "D", "z", pos, "d3"),
	}
}

// weights returns the edge weights of n keyed "Source-Target".
func weights(n *Network) map[string]float64 {
	m := make(map[string]float64)
	for _, e := range n.Edges {
		m[e.Source+"-"+e.Target] = e.Weight
	}
	return m
}

func sameWeights(t *testing.T, got, want map[string]float64) {
	t.Helper()
	for k, w := range want {
		g, ok := got[k]
		if !ok {
			t.Errorf("edge %s missing, want weight %v", k, w)
			continue
		}
		if math.Abs(g-w) > 1e-12 {
			t.Errorf("edge %s: weight %v, want %v", k, g, w)
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("unexpected edge %s with weight %v", k, g)
		}
	}
}

// Hand computation for ActorNetwork over fixture (a⁺, a⁻ are counts of an
// actor's positive and negative statements on a concept):
//
//	pair  per concept                              cong conf ignore subtract
//	A-B   x: A⁺B⁺ 1         y: A⁺B⁻ 1               1    1    2      0
//	A-C   x: A⁺C⁻ 1  y: A⁺C⁻ 1  z: A⁻C⁻ 1           1    2    3     −1
//	A-D   x: A⁺·D⁺ = 1·2 = 2   z: A⁻D⁺ 1             2    1    3      1
//	B-C   x: B⁺C⁻ 1         y: B⁻C⁻ 1               1    1    2      0
//	B-D   x: B⁺·D⁺ = 1·2 = 2                        2    0    2      2
//	C-D   x: C⁻·D⁺ = 1·2 = 2   z: C⁻D⁺ 1             0    3    3     −3
//
// Average: (activity_i + activity_j)/2 with activities A 3, B 2, C 3, D 3:
//
//	A-B 2.5  A-C 3  A-D 3  B-C 2.5  B-D 2.5  C-D 3
//
// Jaccard over (concept, polarity) cells, m10 + m01 + m11 where m10 sums
// i's counts in cells j leaves empty, m01 the reverse, m11 the products
// of counts in cells both use:
//
//	A-B  m10 = y⁺ 1 + z⁻ 1 = 2, m01 = y⁻ 1,          m11 = x⁺ 1·1 = 1  → 4
//	A-C  m10 = x⁺ + y⁺ = 2,     m01 = x⁻ + y⁻ = 2,   m11 = z⁻ 1       → 5
//	A-D  m10 = y⁺ + z⁻ = 2,     m01 = z⁺ 1,          m11 = x⁺ 1·2 = 2 → 5
//	B-C  m10 = x⁺ 1,            m01 = x⁻ + z⁻ = 2,   m11 = y⁻ 1       → 4
//	B-D  m10 = y⁻ 1,            m01 = z⁺ 1,          m11 = x⁺ 1·2 = 2 → 4
//	C-D  m10 = 3,               m01 = x⁺ 2 + z⁺ 1 = 3, m11 = 0        → 6
//
// Under Ignore the cells are concepts alone (polarity summed): A (1,1,1),
// B (1,1,0), C (1,1,1), D (2,0,1) over (x, y, z):
//
//	A-B  m10 = z 1,  m01 = 0,    m11 = 1 + 1 = 2     → 3
//	A-C  m10 = 0,    m01 = 0,    m11 = 3             → 3
//	A-D  m10 = y 1,  m01 = 0,    m11 = 2 + 1 = 3     → 4
//	B-C  m10 = 0,    m01 = z 1,  m11 = 2             → 3
//	B-D  m10 = y 1,  m01 = z 1,  m11 = x 2           → 4
//	C-D  m10 = y 1,  m01 = 0,    m11 = 2 + 1 = 3     → 4
//
// Cosine: ‖A‖ = √3, ‖B‖ = √2, ‖C‖ = √3, ‖D‖ = √(2² + 1²) = √5 (the same
// with and without polarity here, as no actor is on both sides of a
// concept), so the denominators are
//
//	A-B √6  A-C 3  A-D √15  B-C √6  B-D √10  C-D √15
func TestActorNetwork(t *testing.T) {
	r6, r10, r15 := math.Sqrt(6), math.Sqrt(10), math.Sqrt(15)
	tests := []struct {
		q    Qualifier
		nz   Normalization
		want map[string]float64
	}{
		{Congruence, NoNormalization, map[string]float64{"A-B": 1, "A-C": 1, "A-D": 2, "B-C": 1, "B-D": 2}},
		{Conflict, NoNormalization, map[string]float64{"A-B": 1, "A-C": 2, "A-D": 1, "B-C": 1, "C-D": 3}},
		{Subtract, NoNormalization, map[string]float64{"A-C": -1, "A-D": 1, "B-D": 2, "C-D": -3}},
		{Ignore, NoNormalization, map[string]float64{"A-B": 2, "A-C": 3, "A-D": 3, "B-C": 2, "B-D": 2, "C-D": 3}},

		{Congruence, Average, map[string]float64{"A-B": 1 / 2.5, "A-C": 1.0 / 3, "A-D": 2.0 / 3, "B-C": 1 / 2.5, "B-D": 2 / 2.5}},
		{Conflict, Average, map[string]float64{"A-B": 1 / 2.5, "A-C": 2.0 / 3, "A-D": 1.0 / 3, "B-C": 1 / 2.5, "C-D": 1}},
		{Subtract, Average, map[string]float64{"A-C": -1.0 / 3, "A-D": 1.0 / 3, "B-D": 2 / 2.5, "C-D": -1}},
		{Ignore, Average, map[string]float64{"A-B": 2 / 2.5, "A-C": 1, "A-D": 1, "B-C": 2 / 2.5, "B-D": 2 / 2.5, "C-D": 1}},

		{Congruence, Jaccard, map[string]float64{"A-B": 1.0 / 4, "A-C": 1.0 / 5, "A-D": 2.0 / 5, "B-C": 1.0 / 4, "B-D": 2.0 / 4}},
		{Conflict, Jaccard, map[string]float64{"A-B": 1.0 / 4, "A-C": 2.0 / 5, "A-D": 1.0 / 5, "B-C": 1.0 / 4, "C-D": 3.0 / 6}},
		{Subtract, Jaccard, map[string]float64{"A-C": -1.0 / 5, "A-D": 1.0 / 5, "B-D": 2.0 / 4, "C-D": -3.0 / 6}},
		{Ignore, Jaccard, map[string]float64{"A-B": 2.0 / 3, "A-C": 3.0 / 3, "A-D": 3.0 / 4, "B-C": 2.0 / 3, "B-D": 2.0 / 4, "C-D": 3.0 / 4}},

		{Congruence, Cosine, map[string]float64{"A-B": 1 / r6, "A-C": 1.0 / 3, "A-D": 2 / r15, "B-C": 1 / r6, "B-D": 2 / r10}},
		{Conflict, Cosine, map[string]float64{"A-B": 1 / r6, "A-C": 2.0 / 3, "A-D": 1 / r15, "B-C": 1 / r6, "C-D": 3 / r15}},
		{Subtract, Cosine, map[string]float64{"A-C": -1.0 / 3, "A-D": 1 / r15, "B-D": 2 / r10, "C-D": -3 / r15}},
		{Ignore, Cosine, map[string]float64{"A-B": 2 / r6, "A-C": 3.0 / 3, "A-D": 3 / r15, "B-C": 2 / r6, "B-D": 2 / r10, "C-D": 3 / r15}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%s", tt.q, tt.nz), func(t *testing.T) {
			n, err := ActorNetwork(fixture(), nil, Options{Qualifier: tt.q, Normalization: tt.nz})
			if err != nil {
				t.Fatal(err)
			}
			if n.Kind != ActorKind || n.Directed || len(n.Nodes) != 4 {
				t.Errorf("kind %s, directed %v, %d nodes; want actor, undirected, 4", n.Kind, n.Directed, len(n.Nodes))
			}
			sameWeights(t, weights(n), tt.want)
		})
	}
}

// Hand computation for ConceptNetwork over fixture, the dual: concepts
// tied through the actors who spoke on both.
//
//	x: A⁺ B⁺ C⁻ D⁺⁺   y: A⁺ B⁻ C⁻   z: A⁻ C⁻ D⁺       activity x 5, y 3, z 3
//
//	pair  per actor                                    cong conf ignore subtract
//	x-y   A: x⁺y⁺ 1   B: x⁺y⁻ 1   C: x⁻y⁻ 1               2    1    3      1
//	x-z   A: x⁺z⁻ 1   C: x⁻z⁻ 1   D: x⁺·z⁺ = 2·1 = 2      3    1    4      2
//	y-z   A: y⁺z⁻ 1   C: y⁻z⁻ 1                           1    1    2      0
//
// Average: x-y (5+3)/2 = 4, x-z 4, y-z 3.
// Jaccard over (actor, polarity) cells:
//
//	x-y  m10 = B⁺ 1 + D⁺ 2 = 3, m01 = B⁻ 1,        m11 = A⁺ 1 + C⁻ 1 = 2    → 6
//	x-z  m10 = A⁺ 1 + B⁺ 1 = 2, m01 = A⁻ 1,        m11 = C⁻ 1 + D⁺ 2·1 = 3  → 6
//	y-z  m10 = A⁺ 1 + B⁻ 1 = 2, m01 = A⁻ 1 + D⁺ 1 = 2, m11 = C⁻ 1          → 5
//
// Cosine: ‖x‖ = √(1+1+1+4) = √7, ‖y‖ = √3, ‖z‖ = √3: x-y √21, x-z √21, y-z 3.
func TestConceptNetwork(t *testing.T) {
	r21 := math.Sqrt(21)
	tests := []struct {
		q    Qualifier
		nz   Normalization
		want map[string]float64
	}{
		{Congruence, NoNormalization, map[string]float64{"x-y": 2, "x-z": 3, "y-z": 1}},
		{Conflict, NoNormalization, map[string]float64{"x-y": 1, "x-z": 1, "y-z": 1}},
		{Subtract, NoNormalization, map[string]float64{"x-y": 1, "x-z": 2}},
		{Ignore, NoNormalization, map[string]float64{"x-y": 3, "x-z": 4, "y-z": 2}},
		{Congruence, Average, map[string]float64{"x-y": 2.0 / 4, "x-z": 3.0 / 4, "y-z": 1.0 / 3}},
		{Subtract, Average, map[string]float64{"x-y": 1.0 / 4, "x-z": 2.0 / 4}},
		{Congruence, Jaccard, map[string]float64{"x-y": 2.0 / 6, "x-z": 3.0 / 6, "y-z": 1.0 / 5}},
		{Conflict, Jaccard, map[string]float64{"x-y": 1.0 / 6, "x-z": 1.0 / 6, "y-z": 1.0 / 5}},
		{Congruence, Cosine, map[string]float64{"x-y": 2 / r21, "x-z": 3 / r21, "y-z": 1.0 / 3}},
		{Conflict, Cosine, map[string]float64{"x-y": 1 / r21, "x-z": 1 / r21, "y-z": 1.0 / 3}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%s", tt.q, tt.nz), func(t *testing.T) {
			n, err := ConceptNetwork(fixture(), nil, Options{Qualifier: tt.q, Normalization: tt.nz})
			if err != nil {
				t.Fatal(err)
			}
			if n.Kind != ConceptKind || len(n.Nodes) != 3 || n.Nodes[0].Mode != ModeConcept {
				t.Errorf("kind %s, %d nodes; want concept, 3 concept nodes", n.Kind, len(n.Nodes))
			}
			sameWeights(t, weights(n), tt.want)
		})
	}
}

// With DuplicatesOnce every count is 0 or 1, so the formulas reduce to set
// forms over each actor's set of (concept, polarity) pairs: D's set is
// {x⁺, z⁺} (activity 2).
//
//	congruence A-D = |{x⁺,y⁺,z⁻} ∩ {x⁺,z⁺}| = 1
//	jaccard    A-D = 1 / |{x⁺,y⁺,z⁻,z⁺}| = 1/4
//	cosine     A-D = 1 / √(3·2) = 1/√6
//	average    B-D = 1 / ((2+2)/2) = 1/2
func TestActorNetworkDuplicatesOnce(t *testing.T) {
	for _, tt := range []struct {
		nz   Normalization
		pair string
		want float64
	}{
		{NoNormalization, "A-D", 1},
		{Jaccard, "A-D", 1.0 / 4},
		{Cosine, "A-D", 1 / math.Sqrt(6)},
		{Average, "B-D", 1.0 / 2},
	} {
		t.Run(string(tt.nz), func(t *testing.T) {
			n, err := ActorNetwork(fixture(), nil, Options{Normalization: tt.nz, Duplicates: DuplicatesOnce})
			if err != nil {
				t.Fatal(err)
			}
			if got := weights(n)[tt.pair]; math.Abs(got-tt.want) > 1e-12 {
				t.Errorf("%s = %v, want %v", tt.pair, got, tt.want)
			}
		})
	}
}

// An actor on both sides of a concept: under Ignore the vectors are
// per concept, so Jaccard and Cosine stay within [0, 1].
//
//	P: x⁺ x⁻   Q: x⁺ x⁻
//	ignore = (1+1)·(1+1) = 4; per concept P = Q = (2): jaccard m11 = 2·2 = 4 → 1;
//	cosine 4 / (2·2) = 1.
//	congruence = x⁺x⁺ + x⁻x⁻ = 2, conflict = x⁺x⁻ + x⁻x⁺ = 2 (DNA counts both).
func TestAmbivalentActors(t *testing.T) {
	stmts := []Statement{
		{Actor: "P", Concept: "x", Polarity: pos}, {Actor: "P", Concept: "x", Polarity: neg},
		{Actor: "Q", Concept: "x", Polarity: pos}, {Actor: "Q", Concept: "x", Polarity: neg},
	}
	for _, tt := range []struct {
		q    Qualifier
		nz   Normalization
		want float64
	}{
		{Ignore, NoNormalization, 4}, {Ignore, Jaccard, 1}, {Ignore, Cosine, 1},
		{Congruence, NoNormalization, 2}, {Conflict, NoNormalization, 2},
		{Congruence, Jaccard, 2.0 / 2}, // cells x⁺, x⁻ both shared: m11 = 1 + 1
	} {
		n, err := ActorNetwork(stmts, nil, Options{Qualifier: tt.q, Normalization: tt.nz})
		if err != nil {
			t.Fatal(err)
		}
		if got := weights(n)["P-Q"]; got != tt.want {
			t.Errorf("%s/%s: P-Q = %v, want %v", tt.q, tt.nz, got, tt.want)
		}
	}
}

func TestEdgeProvenance(t *testing.T) {
	n, err := ActorNetwork(fixture(), nil, Options{Qualifier: Congruence})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range n.Edges {
		if e.Source == "A" && e.Target == "D" {
			// Only x⁺ is shared with the same polarity; z (A⁻, D⁺) is not.
			if !reflect.DeepEqual(e.Via, []string{"x"}) || !reflect.DeepEqual(e.Assertions, []string{"a1", "d1", "d2"}) {
				t.Errorf("A-D via %v assertions %v; want [x] [a1 d1 d2]", e.Via, e.Assertions)
			}
			return
		}
	}
	t.Fatal("no A-D edge")
}

// twoModeFixture adds to fixture an actor B on both sides of z.
func twoModeFixture() []Statement {
	return append(fixture(),
		Statement{Actor: "B", Concept: "z", Polarity: pos, Assertion: "b3"},
		Statement{Actor: "B", Concept: "z", Polarity: neg, Assertion: "b4"})
}

// Hand computation for TwoMode over twoModeFixture:
//
//	     x          y        z
//	A    (1,0)      (1,0)    (0,1)       (a⁺, a⁻)
//	B    (1,0)      (0,1)    (1,1)
//	C    (0,1)      (0,1)    (0,1)
//	D    (2,0)               (1,0)
//
// Ignore a⁺+a⁻; Subtract a⁺−a⁻ (B-z is 0: no edge); Combine 1 positive,
// 2 negative, 3 both. Activity: A 3, B 4, C 3, D 3 statements;
// prominence: x 5, y 3, z 5.
func TestTwoMode(t *testing.T) {
	tests := []struct {
		name string
		opt  Options
		want map[string]float64
	}{
		{"ignore", Options{}, map[string]float64{
			"A-x": 1, "A-y": 1, "A-z": 1, "B-x": 1, "B-y": 1, "B-z": 2, "C-x": 1, "C-y": 1, "C-z": 1, "D-x": 2, "D-z": 1}},
		{"subtract", Options{Qualifier: Subtract}, map[string]float64{
			"A-x": 1, "A-y": 1, "A-z": -1, "B-x": 1, "B-y": -1, "C-x": -1, "C-y": -1, "C-z": -1, "D-x": 2, "D-z": 1}},
		{"combine", Options{Qualifier: Combine}, map[string]float64{
			"A-x": 1, "A-y": 1, "A-z": 2, "B-x": 1, "B-y": 2, "B-z": 3, "C-x": 2, "C-y": 2, "C-z": 2, "D-x": 1, "D-z": 1}},
		{"ignore/activity", Options{Normalization: Activity}, map[string]float64{
			"A-x": 1.0 / 3, "A-y": 1.0 / 3, "A-z": 1.0 / 3, "B-x": 1.0 / 4, "B-y": 1.0 / 4, "B-z": 2.0 / 4,
			"C-x": 1.0 / 3, "C-y": 1.0 / 3, "C-z": 1.0 / 3, "D-x": 2.0 / 3, "D-z": 1.0 / 3}},
		{"subtract/prominence", Options{Qualifier: Subtract, Normalization: Prominence}, map[string]float64{
			"A-x": 1.0 / 5, "A-y": 1.0 / 3, "A-z": -1.0 / 5, "B-x": 1.0 / 5, "B-y": -1.0 / 3,
			"C-x": -1.0 / 5, "C-y": -1.0 / 3, "C-z": -1.0 / 5, "D-x": 2.0 / 5, "D-z": 1.0 / 5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := TwoMode(twoModeFixture(), nil, tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			sameWeights(t, weights(n), tt.want)
			if len(n.Nodes) != 7 || n.Nodes[0].ID != "A" || n.Nodes[4].ID != "x" || n.Nodes[4].Mode != ModeConcept {
				t.Errorf("nodes %v; want actors A-D then concepts x-z", n.Nodes)
			}
		})
	}
	t.Run("CombineQualifierNames", func(t *testing.T) {
		n, _ := TwoMode(twoModeFixture(), nil, Options{Qualifier: Combine})
		for _, e := range n.Edges {
			if e.Source == "B" && e.Target == "z" && (e.Qualifier != "both" || e.Positive != 1 || e.Negative != 1) {
				t.Errorf("B-z %+v; want qualifier both, 1 positive, 1 negative", e)
			}
		}
	})
}

func TestDuplicates(t *testing.T) {
	stmts := []Statement{
		{Actor: "A", Concept: "x", Polarity: pos, Doc: "d1", Assertion: "1"},
		{Actor: "A", Concept: "x", Polarity: pos, Doc: "d1", Assertion: "2"},
		{Actor: "A", Concept: "x", Polarity: pos, Doc: "d2", Assertion: "3"},
	}
	for _, tt := range []struct {
		dup  Duplicates
		want float64
	}{{"", 3}, {DuplicatesInclude, 3}, {DuplicatesDocument, 2}, {DuplicatesOnce, 1}} {
		n, err := TwoMode(stmts, nil, Options{Duplicates: tt.dup})
		if err != nil {
			t.Fatal(err)
		}
		if n.Edges[0].Weight != tt.want || len(n.Edges[0].Assertions) != 3 {
			t.Errorf("duplicates %q: weight %v (%d assertions), want %v (3)", tt.dup, n.Edges[0].Weight, len(n.Edges[0].Assertions), tt.want)
		}
	}
}

func TestIsolatesAndMeta(t *testing.T) {
	meta := Meta{"A": {Label: "Dongguan science bureau 东莞市科技局", Type: "LocalGovernment"}}
	n, err := ActorNetwork(fixture()[:2], meta, Options{Actors: []string{"A", "Z"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []Node{
		{ID: "A", Label: "Dongguan science bureau 东莞市科技局", Type: "LocalGovernment", Mode: ModeActor, Frequency: 2},
		{ID: "Z", Label: "Z", Mode: ModeActor},
	}
	if !reflect.DeepEqual(n.Nodes, want) {
		t.Errorf("nodes\n%+v\nwant\n%+v", n.Nodes, want)
	}
}

func TestErrors(t *testing.T) {
	good := fixture()
	tests := []struct {
		name  string
		build func() error
		want  error
	}{
		{"ErrPolarity", func() error {
			_, err := ActorNetwork([]Statement{{Actor: "A", Concept: "x", Polarity: "maybe"}}, nil, Options{})
			return err
		}, ErrPolarity},
		{"ErrMissingField", func() error {
			_, err := TwoMode([]Statement{{Concept: "x", Polarity: pos}}, nil, Options{})
			return err
		}, ErrMissingField},
		{"ErrModeClash", func() error {
			_, err := TwoMode([]Statement{{Actor: "A", Concept: "x", Polarity: pos}, {Actor: "x", Concept: "y", Polarity: pos}}, nil, Options{})
			return err
		}, ErrModeClash},
		{"OneModeQualifierCombine", func() error {
			_, err := ActorNetwork(good, nil, Options{Qualifier: Combine})
			return err
		}, ErrOption},
		{"TwoModeQualifierCongruence", func() error {
			_, err := TwoMode(good, nil, Options{Qualifier: Congruence})
			return err
		}, ErrOption},
		{"CombineWithNormalization", func() error {
			_, err := TwoMode(good, nil, Options{Qualifier: Combine, Normalization: Activity})
			return err
		}, ErrOption},
		{"OneModeNormalizationActivity", func() error {
			_, err := ConceptNetwork(good, nil, Options{Normalization: Activity})
			return err
		}, ErrOption},
		{"BadDuplicates", func() error {
			_, err := ActorNetwork(good, nil, Options{Duplicates: "week"})
			return err
		}, ErrOption},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.build()
			if !errors.Is(err, tt.want) {
				t.Fatalf("error %v, want %v", err, tt.want)
			}
			t.Log(err)
		})
	}
	var se *StatementError
	_, err := TwoMode([]Statement{good[0], {Actor: "B", Concept: "x", Polarity: "", Assertion: "as9"}}, nil, Options{})
	if !errors.As(err, &se) || se.Index != 1 || se.Assertion != "as9" {
		t.Errorf("error %v, want a *StatementError for statement 1, assertion as9", err)
	}
}

func TestStatementsFromAssertions(t *testing.T) {
	as := []coding.Assertion{
		{ID: "1", Subject: "A", Relation: TakesPosition, Object: "x", Polarity: pos, Evidence: []coding.Span{{Doc: "d1"}}},
		{ID: "2", Subject: "A", Relation: TakesPosition, Object: "y", Polarity: neg, Retracted: true},
		{ID: "3", Subject: "A", Relation: "lobbies", Object: "B", Polarity: pos, Phase: "p1"},
	}
	stmts := StatementsFromAssertions(as, "", nil)
	if len(stmts) != 1 || stmts[0].Doc != "d1" || stmts[0].Assertion != "1" || !stmts[0].Time.IsZero() {
		t.Errorf("statements %+v", stmts)
	}
	ties := TiesFromAssertions(as)
	if len(ties) != 1 || ties[0] != (Tie{From: "A", To: "B", Relation: "lobbies", Phase: "p1", Polarity: pos, Assertion: "3"}) {
		t.Errorf("ties %+v", ties)
	}
	m := MetaFromEntities([]coding.Entity{{ID: "A", Type: "Firm", Name: "华为"}})
	if m["A"] != (NodeInfo{Label: "华为", Type: "Firm"}) {
		t.Errorf("meta %+v", m)
	}
}
