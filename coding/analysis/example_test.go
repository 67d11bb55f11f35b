package analysis_test

import (
	"fmt"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/coding/analysis"
)

// Two codes in one interview: "funding" [10,40) holds "government"
// [12,30) and touches "government" [40,50), which therefore does not
// overlap it. One pair overlaps: c = 1/(1 + 2 − 1) = 0.5.
func ExampleCooccur() {
	span := func(start, end int) coding.Span { return coding.Span{Doc: "chen", Start: start, End: end} }
	codings := []coding.Coding{
		{Span: span(10, 40), Code: "funding"},
		{Span: span(12, 30), Code: "government"},
		{Span: span(40, 50), Code: "government"},
	}
	r, err := analysis.Cooccur(codings, nil, analysis.CooccurOptions{Unit: analysis.UnitOverlap})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range r.Pairs {
		fmt.Printf("%s × %s: %d overlapping pairs, c = %.2f\n", p.A, p.B, p.Count, *p.C)
	}
	// Output:
	// funding × government: 1 overlapping pairs, c = 0.50
}

// Text coded twice counts once: the two codings cover [0,15), 15
// characters.
func ExampleFrequencies() {
	codings := []coding.Coding{
		{Span: coding.Span{Doc: "chen", Start: 0, End: 10}, Code: "funding", Coder: "ann"},
		{Span: coding.Span{Doc: "chen", Start: 5, End: 15}, Code: "funding", Coder: "ben"},
	}
	t, _ := analysis.Frequencies(codings, nil, analysis.FreqOptions{By: analysis.ByCode})
	for _, r := range t.Rows {
		fmt.Printf("%s: %d codings, %d documents, %d characters\n", r.Key, r.Codings, r.Documents, r.Chars)
	}
	// Output:
	// funding: 2 codings, 1 documents, 15 characters
}

// An English word and a Chinese character count one each: 6 + 7.
func ExampleWords() {
	fmt.Println(analysis.Words("The park gave us rent-free space. 镇政府给了补贴。"))
	// Output:
	// 13
}
