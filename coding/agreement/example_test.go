package agreement_test

import (
	"fmt"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/coding/agreement"
)

// Two coders coded one interview of 100 code points with the code "trust".
// Ann coded [10,40) and [60,80), Ben [15,40) and [60,85): 45 code points are
// coded by both, 45 by neither, 10 by only one, so agreement is 90%;
// Po = 0.9, Pe = 0.5·0.5 + 0.5·0.5 = 0.5, κ = 0.4/0.5 = 0.8.
//
// Alpha_U by hand, L = 100, m = 2, N = 4 units of lengths 30, 20, 25, 25:
//
//	uDo = 2·(5² + 5²)/(2·1·100²) = 0.005 (the begins of the first units and
//	      the ends of the second differ by 5)
//	gaps: 10, 20, 20 (Ann) and 15, 20, 15 (Ben)
//	l = 30: (N−1)/3·(2·30³ − 3·30² + 30) = 51330, no gap ≥ 30
//	l = 20: 14820, plus 20²·3 for three gaps of 20 = 16020
//	l = 25: 29400 each, no gap ≥ 25
//	uDe = (2/100)·126150 / (200·199 − (870 + 380 + 600 + 600)) = 2523/37350
//	α_U = 1 − 0.005·37350/2523 = 0.926
func ExampleCompare() {
	span := func(start, end int) coding.Span { return coding.Span{Doc: "interview-1", Start: start, End: end} }
	codings := []coding.Coding{
		{ID: "c1", Span: span(10, 40), Code: "trust", Coder: "ann"},
		{ID: "c2", Span: span(60, 80), Code: "trust", Coder: "ann"},
		{ID: "c3", Span: span(15, 40), Code: "trust", Coder: "ben"},
		{ID: "c4", Span: span(60, 85), Code: "trust", Coder: "ben"},
	}
	r, err := agreement.Compare(codings, map[string]int{"interview-1": 100}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range r.Codes {
		p := c.Pairs[0]
		fmt.Printf("%s, %s vs %s over %d code points: agreement %.1f%%, kappa %.3f, alpha_U %.3f\n",
			c.Code, p.CoderA, p.CoderB, p.Chars, p.Percent, p.Kappa, c.AlphaU.Float())
	}
	// Output:
	// trust, ann vs ben over 100 code points: agreement 90.0%, kappa 0.800, alpha_U 0.926
}

// Krippendorff's (2011) example of four observers who coded twelve units,
// some of them not at all (nil).
func ExampleNominalAlpha() {
	v := func(x int) *int { return &x }
	data := [][]*int{
		{v(1), v(2), v(3), v(3), v(2), v(1), v(4), v(1), v(2), nil, nil, nil},
		{v(1), v(2), v(3), v(3), v(2), v(2), v(4), v(1), v(2), v(5), nil, v(3)},
		{nil, v(3), v(3), v(3), v(2), v(3), v(4), v(2), v(2), v(5), v(1), nil},
		{v(1), v(2), v(3), v(3), v(2), v(4), v(4), v(1), v(2), v(5), v(1), nil},
	}
	alpha, err := agreement.NominalAlpha(data)
	fmt.Printf("alpha = %.3f, %v\n", alpha, err)
	// Output:
	// alpha = 0.743, <nil>
}

// Cohen's kappa of two readers who judged 50 proposals: both said yes to 20,
// both no to 15.
func ExampleCohenKappa() {
	kappa, err := agreement.CohenKappa([][]int{
		{20, 5},
		{10, 15},
	})
	fmt.Printf("kappa = %.2f, %v\n", kappa, err)
	// Output:
	// kappa = 0.40, <nil>
}

// Krippendorff's (2004, p. 254) unitizing example for category c, on a
// continuum of 300 code points.
func ExampleUnitizedAlpha() {
	alpha, err := agreement.UnitizedAlpha(300, [][]agreement.Interval{
		{{Start: 75, End: 145}, {Start: 220, End: 250}},
		{{Start: 70, End: 150}, {Start: 205, End: 225}, {Start: 250, End: 270}},
	})
	fmt.Printf("alpha_U = %.4f, %v\n", alpha, err)
	// Output:
	// alpha_U = 0.7286, <nil>
}
