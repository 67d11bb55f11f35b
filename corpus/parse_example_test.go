package corpus_test

import (
	"fmt"

	"github.com/qualgraph/qualgraph/corpus"
)

func ExampleParse() {
	data := []byte("Interview 3, March 2024\r\n\r\n" +
		"Interviewer: How did the pilot start?\r\n" +
		"受访者林：是社区先提出来的。\r\n" +
		"Interviewer: Thank you.\r\n")
	doc, err := corpus.Parse("interviews/lin.txt", data, corpus.ParseOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(doc.Name, doc.Kind, doc.Chars, doc.Source.Encoding, doc.Source.Changes)
	runes := []rune(doc.Text)
	for _, s := range doc.Segments {
		fmt.Printf("[%d,%d) %q %q\n", s.Start, s.End, s.Speaker, string(runes[s.Start:s.End]))
	}

	_, err = corpus.Parse("notes.txt", []byte("ok\x00"), corpus.ParseOptions{})
	fmt.Println(err)
	// Output:
	// lin.txt interview 102 utf-8 [CRLF→LF: 5 line ends]
	// [0,23) "" "Interview 3, March 2024"
	// [25,62) "Interviewer" "Interviewer: How did the pilot start?"
	// [63,77) "受访者林" "受访者林：是社区先提出来的。"
	// [78,101) "Interviewer" "Interviewer: Thank you."
	// notes.txt: byte 2: NUL byte: this looks like binary data, not text
}
