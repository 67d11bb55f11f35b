package ontology

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestInsertClassYAML(t *testing.T) {
	const head = `# My codebook, edited by hand.
name: Test
languages: [en, zh]
`
	tests := []struct {
		name string
		src  string
		want string // the text the new class goes after ("" = not editable)
	}{
		{
			name: "before relations, comments kept",
			src: head + `classes:
  # Actors first.
  - id: Actor
    labels: {en: Actor, zh: 行动者}   # a trailing comment
    definition: Someone who acts.

  - id: Concept
    definition: 'An idea (quoted on purpose).'

# The relations.
relations:
  - id: supports
    domain: [Actor]
    range: [Actor]
`,
			want: `    definition: 'An idea (quoted on purpose).'
`,
		},
		{
			name: "at the end, dash at the margin",
			src: head + `relations: []
classes:
- id: Actor
  definition: Someone who acts.
- id: Concept
  definition: An idea.`,
			want: `  definition: An idea.`,
		},
		{
			name: "flow list",
			src:  head + "classes: [{id: Actor}, {id: Concept}]\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := Parse("test.yaml", []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			o = o.Clone()
			c := Class{ID: "LocalEmbeddedness", Parent: "Concept", Definition: "Ties to place:\nfamily, 乡情.", Colour: "#aabbcc"}
			if err := o.AddClass(c); err != nil {
				t.Fatal(err)
			}
			out, err := o.InsertClassYAML("test.yaml", []byte(tt.src), c.ID)
			if tt.want == "" {
				if !errors.Is(err, ErrNotEditable) {
					t.Fatalf("got %v, want ErrNotEditable", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			// Every line of the original is still there, in order, and
			// the new class follows the last one.
			i := strings.Index(string(out), tt.want)
			if i < 0 || !strings.HasPrefix(tt.src, string(out[:i])) {
				t.Fatalf("the text before the new class changed:\n%s", out)
			}
			rest := string(out[i+len(tt.want):])
			if !strings.Contains(rest, "- id: LocalEmbeddedness\n") {
				t.Fatalf("no new class after the last one:\n%s", out)
			}
			tail := tt.src[i+len(tt.want):]
			if !strings.HasSuffix(rest, tail) {
				t.Fatalf("the text after the new class changed:\n%s", out)
			}
			back, err := Parse("test.yaml", out)
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			got, ok := back.Class(c.ID)
			if !ok || got.Parent != c.Parent || got.Definition != c.Definition || got.Colour != c.Colour {
				t.Fatalf("read back %+v, want %+v", got, c)
			}
			var a, b bytes.Buffer
			o.WriteYAML(&a)
			back.WriteYAML(&b)
			if a.String() != b.String() {
				t.Errorf("read back as another ontology:\n%s\nwant\n%s", b.String(), a.String())
			}
		})
	}
}

// TestInsertClassYAMLBuiltin adds a class to the built-in ontology's text,
// as promoting an emergent code in a new project does: the text grows by
// the new class and nothing else.
func TestInsertClassYAMLBuiltin(t *testing.T) {
	src := BuiltinYAML()
	o, err := Parse("ontology.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	o = o.Clone()
	if err := o.AddClass(Class{ID: "GuanxiBrokerage", Parent: "Mechanism", Definition: "Favours traded through personal ties."}); err != nil {
		t.Fatal(err)
	}
	out, err := o.InsertClassYAML("ontology.yaml", src, "GuanxiBrokerage")
	if err != nil {
		t.Fatal(err)
	}
	added := "  - id: GuanxiBrokerage\n    parent: Mechanism\n    definition: Favours traded through personal ties.\n"
	i := bytes.Index(out, []byte(added))
	if i < 0 {
		t.Fatalf("no new class in:\n%s", out)
	}
	// The new class may come with a blank line before it.
	rest := string(out[:i]) + string(out[i+len(added):])
	noBlank := string(out[:i-1]) + string(out[i+len(added):])
	if rest != string(src) && noBlank != string(src) {
		t.Errorf("the rest of the text changed")
	}
}

// FuzzInsertClassYAML checks that adding a class to any ontology text
// either fails cleanly or gives a text that reads back with the class.
func FuzzInsertClassYAML(f *testing.F) {
	f.Add([]byte("name: T\nclasses:\n  - id: A\n\n# c\nrelations:\n  - id: r\n    domain: [A]\n    range: [A]\n"))
	f.Add([]byte("classes:\n- id: A\n- id: B\n  parent: A"))
	f.Add([]byte("classes: [{id: A}]\n"))
	f.Add([]byte("classes:\n\t- id: A\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		o, err := Parse("f.yaml", src)
		if err != nil || len(o.Classes()) == 0 {
			return
		}
		o = o.Clone()
		if err := o.AddClass(Class{ID: "Zfuzz", Parent: o.Classes()[0].ID}); err != nil {
			return
		}
		out, err := o.InsertClassYAML("f.yaml", src, "Zfuzz")
		if err != nil {
			return
		}
		back, err := Parse("f.yaml", out)
		if err != nil {
			t.Fatalf("edited text does not parse: %v\n%s", err, out)
		}
		if _, ok := back.Class("Zfuzz"); !ok {
			t.Fatalf("edited text lacks the class:\n%s", out)
		}
	})
}
