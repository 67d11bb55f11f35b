package coding_test

import (
	"fmt"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/ontology"
)

// exampleView is a small coded project: who funds, lobbies and certifies
// whom, with one assertion retracted.
func exampleView() *coding.View {
	ev := func(doc string, start, end int) []coding.Span {
		return []coding.Span{{Doc: doc, Start: start, End: end}}
	}
	return &coding.View{
		Entities: []coding.Entity{
			{ID: "bureau", Type: "LocalGovernment"},
			{ID: "chen", Type: "SpinoffFounder"},
			{ID: "assoc", Type: "IndustryAssociation"},
			{ID: "lin", Type: "ReturneeEntrepreneur"},
		},
		Assertions: []coding.Assertion{
			{ID: "a1", Subject: "bureau", Relation: "funds", Object: "chen", Practice: "ResourceMobilisation", Coder: "alice", Evidence: ev("d1", 10, 60)},
			{ID: "a2", Subject: "bureau", Relation: "funds", Object: "chen", Coder: "bob", Evidence: ev("d2", 0, 40)},
			{ID: "a3", Subject: "chen", Relation: "lobbies", Object: "assoc", Practice: "Lobbying", Coder: "alice", Evidence: ev("d1", 80, 120)},
			{ID: "a4", Subject: "assoc", Relation: "certifies", Object: "lin", Coder: "alice", Evidence: ev("d3", 5, 30)},
			{ID: "a5", Subject: "lin", Relation: "takesPosition", Object: "class:TalentSubsidy", Polarity: coding.Negative, Coder: "bob", Evidence: ev("d3", 40, 70)},
			{ID: "a6", Subject: "lin", Relation: "supports", Object: "bureau", Coder: "bob", Evidence: ev("d3", 90, 99), Retracted: true},
		},
	}
}

func ExampleLinks() {
	cb, _ := coding.NewCodebook(ontology.Builtin(), nil)
	// Relations from any government (LocalGovernment is a ClusterAgent).
	for _, l := range coding.Links(exampleView(), cb, coding.LinkFilter{From: "ClusterAgent"}, nil, nil) {
		fmt.Printf("%s %s %s: %d assertions in %d documents by %d coders, practices %v\n",
			l.Subject, l.Relation, l.Object, l.Assertions, l.Documents, l.Coders, l.Practices)
	}
	// Output:
	// bureau funds chen: 2 assertions in 2 documents by 2 coders, practices [ResourceMobilisation]
	// assoc certifies lin: 1 assertions in 1 documents by 1 coders, practices []
}

func ExampleShortestPath() {
	// The retracted "lin supports bureau" is no shortcut.
	steps, _ := coding.ShortestPath(exampleView(), "bureau", "lin")
	for _, s := range steps {
		fmt.Println(s.From, s.Direction, s.Relation, s.To, s.Assertions)
	}
	// Output:
	// bureau out funds chen [a1 a2]
	// chen out lobbies assoc [a3]
	// assoc out certifies lin [a4]
}

func ExampleNeighbors() {
	ns, _ := coding.Neighbors(exampleView(), "lin", 1)
	for _, n := range ns {
		fmt.Println(n.Distance, n.Entity, n.Type, n.Direction, n.Relation)
	}
	// Output:
	// 1 TalentSubsidy concept out takesPosition
	// 1 assoc IndustryAssociation in certifies
}
