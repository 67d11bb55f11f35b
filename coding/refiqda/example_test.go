package refiqda_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"log"

	"github.com/qualgraph/qualgraph/coding/refiqda"
)

// Write a project with one coded selection and read it back.
func Example() {
	ana := refiqda.StableGUID("user", "ana")
	joy := refiqda.StableGUID("code", "joy")
	p := &refiqda.Project{
		Name:  "Interviews",
		Users: []refiqda.User{{GUID: ana, Name: "Ana"}},
		Codes: []refiqda.Code{{GUID: joy, Name: "Joy", Color: "#FFCC00", IsCodable: true}},
		Sources: []refiqda.Source{{
			GUID: refiqda.StableGUID("source", "interview-1"),
			Name: "Interview 1",
			Text: "Q: How was it?\r\nA: Great 😀, really.\r\n",
			Selections: []refiqda.Selection{{
				GUID:  refiqda.StableGUID("selection", "interview-1/1"),
				Start: 19, End: 26, // code points
				Codings: []refiqda.Coding{{
					GUID:         refiqda.StableGUID("coding", "interview-1/1/joy"),
					CodeGUID:     joy,
					CreatingUser: ana,
				}},
			}},
		}},
	}
	var buf bytes.Buffer
	if err := refiqda.WriteQDPX(&buf, p); err != nil {
		log.Fatal(err)
	}

	q, rep, err := refiqda.ReadQDPX(bytes.NewReader(buf.Bytes()), int64(buf.Len()), refiqda.ReadOptions{})
	if err != nil {
		log.Fatal(err)
	}
	s := &q.Sources[0]
	sel := &s.Selections[0]
	fmt.Println(q.Origin, rep.Positions)
	fmt.Printf("%d-%d %q\n", sel.Start, sel.End, s.Quote(sel))
	fmt.Printf("%d-%d %q (normalised)\n", sel.NormStart, sel.NormEnd, s.NormalizedQuote(sel))
	// Output:
	// qualgraph codepoints
	// 19-26 "Great 😀"
	// 18-25 "Great 😀" (normalised)
}

// NVivo counts UTF-16 code units: the emoji counts two.
func ExampleReadQDPX_nvivo() {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("project.qde")
	fmt.Fprint(w, `<Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="NVivo for Windows 12.6">
<Sources><TextSource guid="6f1c0d1e-4b1e-4c39-9f4e-8d2a4e7c0a01" plainTextPath="internal://t.txt">
<PlainTextSelection guid="6f1c0d1e-4b1e-4c39-9f4e-8d2a4e7c0a02" startPosition="3" endPosition="6"/>
</TextSource></Sources></Project>`)
	w, _ = zw.Create("Sources/t.txt")
	fmt.Fprint(w, "\ufeff😀 joy!")
	zw.Close()

	p, rep, err := refiqda.ReadQDPX(bytes.NewReader(buf.Bytes()), int64(buf.Len()), refiqda.ReadOptions{})
	if err != nil {
		log.Fatal(err)
	}
	s := &p.Sources[0]
	sel := &s.Selections[0]
	fmt.Println(rep.Positions)
	fmt.Printf("%d-%d %q\n", sel.Start, sel.End, s.Quote(sel))
	// Output:
	// utf16
	// 2-5 "joy"
}

func ExampleStableGUID() {
	fmt.Println(refiqda.StableGUID("code", "emotions"))
	// Output:
	// ff41ea98-7684-506b-9cf1-7cc03f1ff032
}
