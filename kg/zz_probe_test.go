package kg_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/cayleygraph/quad"
	"github.com/qualgraph/qualgraph/kg"
)

func TestRate(t *testing.T) {
	dir := t.TempDir()
	s, err := kg.Create(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for round := 0; round < 1; round++ {
		var qs []quad.Quad
		for i := 0; i < 20000; i++ {
			id := fmt.Sprintf("%d-%d-aaaaaaaa-bbbb-cccc-dddd", round, i)
			qs = append(qs, quad.Quad{Subject: quad.IRI("qg:coding/" + id), Predicate: quad.IRI("qg:rec"), Object: quad.String(fmt.Sprintf("d%012d\t%d\t%d\tSpinoffFounder\tcoder1\t1700000000000000000", i%2000, i, i+40)), Label: quad.IRI(fmt.Sprintf("qg:doc/d%012d", i%2000))})
		}
		start := time.Now()
		if err := kg.ApplyForTest(s, qs); err != nil {
			t.Fatal(err)
		}
		t.Logf("20000 quads in %v", time.Since(start))
	}
}
