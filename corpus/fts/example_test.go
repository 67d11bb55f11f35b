package fts_test

import (
	"fmt"

	"github.com/qualgraph/qualgraph/corpus"
	"github.com/qualgraph/qualgraph/corpus/fts"
)

func ExampleIndex_Search() {
	doc, err := corpus.Parse("interviews/lin.txt", []byte(
		"Interviewer: How did the cluster start?\n"+
			"Respondent: The firms organised themselves. 产业集群发展很快。\n"), corpus.ParseOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	ix, err := fts.NewMemIndex()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer ix.Close()
	if err := ix.Add(doc); err != nil {
		fmt.Println(err)
		return
	}
	runes := []rune(doc.Text)
	for _, q := range []string{"organising", "产业集群", "speaker:interviewer cluster", `"cluster`} {
		hits, err := ix.Search(fts.SearchRequest{Query: q})
		if err != nil {
			fmt.Println(err)
			continue
		}
		for _, h := range hits {
			fmt.Printf("%s: %s %q %q\n", q, h.Name, h.Speaker, string(runes[h.Start:h.End]))
		}
	}
	// Output:
	// organising: lin.txt "Respondent" "organised"
	// 产业集群: lin.txt "Respondent" "产业集群"
	// speaker:interviewer cluster: lin.txt "Interviewer" "cluster"
	// query "\"cluster": unterminated quote at offset 0
}
