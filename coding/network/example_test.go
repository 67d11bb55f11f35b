package network_test

import (
	"fmt"
	"os"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/coding/network"
)

// Three actors take positions on two concepts; the congruence network ties
// those who take the same side, and betweenness shows who brokers.
func Example() {
	st := func(actor, concept string, p coding.Polarity) network.Statement {
		return network.Statement{Actor: actor, Concept: concept, Polarity: p}
	}
	stmts := []network.Statement{
		st("bureau", "upgrading", coding.Positive),
		st("huawei", "upgrading", coding.Positive),
		st("huawei", "relocation", coding.Negative),
		st("assoc", "relocation", coding.Negative),
		st("assoc", "upgrading", coding.Negative),
	}
	meta := network.Meta{"bureau": {Label: "东莞市科技局", Type: "LocalGovernment"}}

	n, err := network.ActorNetwork(stmts, meta, network.Options{Qualifier: network.Congruence})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range n.Edges {
		fmt.Printf("%s — %s: %g via %v\n", e.Source, e.Target, e.Weight, e.Via)
	}
	for _, s := range network.Betweenness(n) {
		fmt.Printf("%s (%s) %g\n", s.Node, s.Label, s.Value)
	}
	// Output:
	// assoc — huawei: 1 via [relocation]
	// bureau — huawei: 1 via [upgrading]
	// huawei (huawei) 1
	// assoc (assoc) 0
	// bureau (东莞市科技局) 0
}

// The two-mode network keeps both sides of an ambivalent actor under
// qualifier combine: 1 positive, 2 negative, 3 both.
func ExampleTwoMode() {
	stmts := []network.Statement{
		{Actor: "huawei", Concept: "upgrading", Polarity: coding.Positive},
		{Actor: "huawei", Concept: "upgrading", Polarity: coding.Negative},
		{Actor: "assoc", Concept: "upgrading", Polarity: coding.Negative},
	}
	n, _ := network.TwoMode(stmts, nil, network.Options{Qualifier: network.Combine})
	for _, e := range n.Edges {
		fmt.Printf("%s → %s: %g (%s)\n", e.Source, e.Target, e.Weight, e.Qualifier)
	}
	// Output:
	// assoc → upgrading: 2 (negative)
	// huawei → upgrading: 3 (both)
}

func ExampleWriteEdgeCSV() {
	ties := []network.Tie{
		{From: "firm", To: "gov", Relation: "lobbies", Assertion: "as1"},
		{From: "firm", To: "gov", Relation: "lobbies", Assertion: "as2"},
		{From: "gov", To: "firm", Relation: "legitimizes", Assertion: "as3"},
	}
	n, _ := network.RelationNetwork(ties, nil, network.RelationOptions{})
	network.WriteEdgeCSV(os.Stdout, n)
	// Output:
	// source,target,weight,relation,qualifier,positive,negative,via,assertions
	// firm,gov,2,lobbies,,0,0,,as1|as2
	// gov,firm,1,legitimizes,,0,0,,as3
}
