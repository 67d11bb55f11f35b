package coding_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/ontology"
)

// The exact answers of the queries over a store's View are checked by the
// conformance suite in package kg (kg/conformance_test.go), which runs them
// against every backend. These tests cover what does not need a store.

func builtinCodebook(t testing.TB) *coding.Codebook {
	cb, err := coding.NewCodebook(ontology.Builtin(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return cb
}

func TestLinkFilterCheck(t *testing.T) {
	cb := builtinCodebook(t)
	tests := []struct {
		name string
		f    coding.LinkFilter
		err  error
	}{
		{"OK", coding.LinkFilter{From: "Entrepreneur", To: "Concept", Relation: "lobbies", Practice: "Lobbying", Phase: "LockIn"}, nil},
		{"OKRoots", coding.LinkFilter{Practice: "Practice", Phase: "ClusterPhase"}, nil},
		{"ErrUnknownCode", coding.LinkFilter{From: "Entrepeneur"}, coding.ErrUnknownCode},
		{"ErrUnknownRelation", coding.LinkFilter{Relation: "lobbis"}, coding.ErrUnknownRelation},
		{"ErrNotPractice", coding.LinkFilter{Practice: "LocalGovernment"}, coding.ErrNotPractice},
		{"ErrNotPhase", coding.LinkFilter{Phase: "Lobbying"}, coding.ErrNotPhase},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.f.Check(cb)
			if !errors.Is(err, tc.err) || (err == nil) != (tc.err == nil) {
				t.Fatalf("err %v, want %v", err, tc.err)
			}
		})
	}
	var ue *coding.UnknownError
	if err := (coding.LinkFilter{Relation: "lobbis"}).Check(cb); !errors.As(err, &ue) || len(ue.Nearest) == 0 || ue.Nearest[0] != "lobbies" {
		t.Errorf("unknown relation: %v, want a suggestion of lobbies", err)
	}
}

func TestFindAssertion(t *testing.T) {
	v := &coding.View{Assertions: []coding.Assertion{
		{ID: "3f2a9c10-0000-4000-8000-000000000001"},
		{ID: "3f2a9c10-0000-4000-8000-000000000002"},
		{ID: "7b00e1aa-0000-4000-8000-000000000003"},
	}}
	tests := []struct {
		name, ref, want string
		err             error
	}{
		{"Exact", "3f2a9c10-0000-4000-8000-000000000002", "3f2a9c10-0000-4000-8000-000000000002", nil},
		{"Prefix", "7b00", "7b00e1aa-0000-4000-8000-000000000003", nil},
		{"ErrUnknownAssertion", "9999", "", coding.ErrUnknownAssertion},
		{"ShortPrefixNotAccepted", "7b0", "", coding.ErrUnknownAssertion},
		{"Ambiguous", "3f2a9c10", "", errors.New("")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := coding.FindAssertion(v, tc.ref)
			if (err == nil) != (tc.err == nil) || tc.err != nil && tc.err.Error() != "" && !errors.Is(err, tc.err) {
				t.Fatalf("err %v, want %v", err, tc.err)
			}
			if a.ID != tc.want {
				t.Errorf("found %q, want %q", a.ID, tc.want)
			}
		})
	}
}

func TestNearestEntities(t *testing.T) {
	v := &coding.View{Entities: []coding.Entity{
		{ID: "chen", Name: "Chen Hao", Aliases: []string{"陈浩"}},
		{ID: "lin", Name: "Lin Yue"},
		{ID: "science-bureau", Name: "Science Bureau"},
	}}
	tests := []struct {
		q    string
		want []string
	}{
		{"chne", []string{"chen"}},
		{"Chen", []string{"chen"}},
		{"陈浩", []string{"chen"}},
		{"bureau", []string{"science-bureau"}},
		{"lni", []string{"lin"}},
		{"zzzzzz", nil},
	}
	for _, tc := range tests {
		t.Run(tc.q, func(t *testing.T) {
			if got := coding.NearestEntities(v, tc.q, 3); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestLinksWithoutCodebook(t *testing.T) {
	v := &coding.View{
		Entities: []coding.Entity{{ID: "a", Type: "LocalGovernment"}, {ID: "b", Type: "SpinoffFounder"}},
		Assertions: []coding.Assertion{
			{ID: "1", Subject: "a", Relation: "funds", Object: "b", Coder: "x", Evidence: []coding.Span{{Doc: "d", Start: 0, End: 1}}},
			{ID: "2", Subject: "b", Relation: "takesPosition", Object: "class:LandPolicy", Coder: "x", Evidence: []coding.Span{{Doc: "d", Start: 1, End: 2}}},
		},
	}
	// Without a codebook classes match exactly, and a nil quote leaves the
	// text empty.
	got := coding.Links(v, nil, coding.LinkFilter{From: "SpinoffFounder"}, nil, nil)
	want := []coding.Link{{Subject: "b", SubjectType: "SpinoffFounder", Relation: "takesPosition", Object: "LandPolicy", ObjectType: coding.ConceptType,
		Assertions: 1, Documents: 1, Coders: 1, Practices: []string{}, Evidence: []coding.LinkEvidence{{Assertion: "2", Doc: "d", Start: 1, End: 2}}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	if got := coding.Links(v, nil, coding.LinkFilter{From: "Actor"}, nil, nil); len(got) != 0 {
		t.Errorf("From: Actor without a codebook matched %d links", len(got))
	}
	// An attribute filter without attributes keeps nothing.
	if got := coding.Links(v, nil, coding.LinkFilter{Attrs: map[string]string{"year": "2023"}}, nil, nil); len(got) != 0 {
		t.Errorf("attribute filter without document attributes kept %d links", len(got))
	}
}

// benchView generates a View of n assertions among m entities, the same
// for every run: Actor-to-Actor relations, a tenth of them positions on
// concepts, a practice on most, one or two evidence spans in 200
// documents, and one in twenty retracted.
func benchView(m, n int) *coding.View {
	r := rand.New(rand.NewPCG(1, 2))
	types := []string{"SpinoffFounder", "ReturneeEntrepreneur", "DiversifyingFirm", "LocalGovernment", "IndustryAssociation", "StartupPark", "GlobalLeadFirm", "ResearchInstitute"}
	rels := []string{"supports", "collaboratesWith", "learnsFrom", "competesWith", "legitimizes", "resists"}
	practices := []string{"", "Framing", "Lobbying", "Certification", "Demonstration", "CoalitionBuilding", "ResourceMobilisation"}
	concepts := []string{"HighTechCertification", "IndustrialUpgrading", "TalentSubsidy", "LandPolicy"}
	v := &coding.View{}
	for i := range m {
		v.Entities = append(v.Entities, coding.Entity{ID: fmt.Sprintf("e%03d", i), Type: types[i%len(types)]})
	}
	at := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		a := coding.Assertion{
			ID:      fmt.Sprintf("a%05d", i),
			Subject: v.Entities[r.IntN(m)].ID, Relation: rels[r.IntN(len(rels))], Object: v.Entities[r.IntN(m)].ID,
			Practice: practices[r.IntN(len(practices))], Polarity: coding.Positive, Confidence: 1,
			Coder: []string{"alice", "bob", "chen"}[r.IntN(3)], Created: at.Add(time.Duration(i) * time.Second),
			Retracted: r.IntN(20) == 0,
		}
		if r.IntN(10) == 0 {
			a.Relation, a.Object = "takesPosition", "class:"+concepts[r.IntN(len(concepts))]
		}
		for range 1 + r.IntN(2) {
			s := r.IntN(10000)
			a.Evidence = append(a.Evidence, coding.Span{Doc: fmt.Sprintf("d%03d", r.IntN(200)), Start: s, End: s + 40 + r.IntN(200)})
		}
		v.Assertions = append(v.Assertions, a)
	}
	return v
}

func BenchmarkLinks(b *testing.B) {
	v := benchView(500, 20000)
	cb := builtinCodebook(b)
	attrs := map[string]map[string]string{}
	for i := range 200 {
		attrs[fmt.Sprintf("d%03d", i)] = map[string]string{"year": fmt.Sprint(2015 + i%10)}
	}
	docAttrs := func(d string) map[string]string { return attrs[d] }
	quote := func(s coding.Span) string { return "quoted text" }
	for _, bc := range []struct {
		name string
		f    coding.LinkFilter
	}{
		{"All", coding.LinkFilter{}},
		{"FromEntrepreneurPractice", coding.LinkFilter{From: "Entrepreneur", Practice: "LegitimationPractice"}},
		{"Attr", coding.LinkFilter{Attrs: map[string]string{"year": "2023"}}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var n int
			for b.Loop() {
				n = len(coding.Links(v, cb, bc.f, docAttrs, quote))
			}
			b.ReportMetric(float64(n), "links")
		})
	}
}

func BenchmarkNeighbors(b *testing.B) {
	v := benchView(500, 20000)
	for _, depth := range []int{1, 2} {
		b.Run(fmt.Sprintf("Depth%d", depth), func(b *testing.B) {
			var n int
			for b.Loop() {
				ns, err := coding.Neighbors(v, "e007", depth)
				if err != nil {
					b.Fatal(err)
				}
				n = len(ns)
			}
			b.ReportMetric(float64(n), "edges")
		})
	}
}

func BenchmarkShortestPath(b *testing.B) {
	v := benchView(500, 20000)
	for b.Loop() {
		if _, err := coding.ShortestPath(v, "e007", "e499"); err != nil {
			b.Fatal(err)
		}
	}
}
