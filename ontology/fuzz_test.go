package ontology

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse checks that Parse never panics, that every error it returns is
// an ErrorList of positioned errors, and that whatever parses survives a
// round trip through WriteYAML and through WriteJSON unchanged.
func FuzzParse(f *testing.F) {
	f.Add(BuiltinYAML())
	var j bytes.Buffer
	Builtin().WriteJSON(&j)
	f.Add(j.Bytes())
	files, _ := filepath.Glob("testdata/write/*.yaml")
	for _, file := range files {
		if b, err := os.ReadFile(file); err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{
		"",
		"name: x\nclasses:\n  - id: A\n  - id: B\n    parent: A\n",
		"classes: [{id: A, parent: B}, {id: B, parent: A}]",
		"relations: [{id: a, inverse: b}, {id: b, symmetric: true}]",
		"classes:\n  - id: A\n    colour: #123456\n",
		"classes:\n  - id: A\n    definition: &x t\n  - id: B\n    definition: *x\n",
		"classes:\n  - id: A\n    labels: {en: \"a\\u0085b\\r\"}\n",
		"description: |2-\n   indented\n  text\n",
		"languages: zh-Hant\nclasses: [{id: 关系, labels: {zh-Hant: 關係}}]",
		"a: 1\n---\nb: 2\n",
		"name: \"\\x7f\\u0085\"\nclasses: [{id: A, definition: \"a\\n\\n\\n\"}]\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		o, err := Parse("fuzz.yaml", data)
		if err != nil {
			var list ErrorList
			if !errors.As(err, &list) || len(list) == 0 || o != nil {
				t.Fatalf("Parse = %v, %v; want nil and a non-empty ErrorList", o, err)
			}
			for _, e := range list {
				if e.Line < 1 || e.Col < 1 || e.Err == nil || e.Msg == "" {
					t.Fatalf("bad error %#v", e)
				}
			}
			return
		}
		roundTripYAML(t, o)
		roundTripJSON(t, o)
	})
}
