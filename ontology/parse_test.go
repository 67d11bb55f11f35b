package ontology

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// src joins lines into a file, so that a case's line numbers can be read
// off its position in the list.
func src(lines ...string) string { return strings.Join(lines, "\n") + "\n" }

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		kind error
		want []string // every error, in order
	}{
		// Syntax.
		{"ErrSyntax", src(
			"name: x",
			"classes:",
			"  - id: A",
			"    definition: \"unterminated",
		), ErrSyntax, []string{
			"f.yaml:4:1: syntax error: found unexpected end of stream",
		}},
		{"ErrSyntax/BadIndent", src(
			"classes:",
			"  - id: A",
			"     parent: B",
		), ErrSyntax, []string{
			"f.yaml:3:1: syntax error: mapping values are not allowed in this context",
		}},
		{"ErrSyntax/Tab", src(
			"classes:",
			"  - id: A",
			"\tparent: B",
		), ErrSyntax, []string{
			"f.yaml:3:1: syntax error: found a tab character that violates indentation; indent with spaces, not tabs",
		}},
		{"ErrSyntax/NotUTF8", "name: ok\nclasses:\n  - id: A\n    example: caf\xe9\n",
			ErrSyntax, []string{
				"f.yaml:4:17: the file is not valid UTF-8 (saved as GBK or Latin-1?); save it as UTF-8",
			}},
		{"ErrSyntax/UTF16", "\xff\xfen\x00a\x00", ErrSyntax, []string{
			"f.yaml:1:1: the file is in UTF-16; save it as UTF-8",
		}},
		{"ErrSyntax/ControlCharacter", src(
			"name: 创业\x07",
		), ErrSyntax, []string{
			"f.yaml:1:9: character U+0007 is not allowed in YAML; remove it",
		}},
		{"ErrSyntax/TwoDocuments", src(
			"name: one",
			"---",
			"name: two",
		), ErrSyntax, []string{
			`f.yaml:2:1: the file holds more than one YAML document; remove the "---" line that starts the second`,
		}},

		// Shape.
		{"ErrBadValue/TopList", src(
			"- id: A",
		), ErrBadValue, []string{
			"f.yaml:1:1: the file: want a mapping with keys name, version, description, languages, classes, relations, got a list",
		}},
		{"ErrBadValue/ClassesMapping", src(
			"classes:",
			"  Actor: {}",
		), ErrBadValue, []string{
			"f.yaml:2:3: classes: want a list of classes, each starting with - id:, got a mapping",
		}},
		{"ErrBadValue/ClassNotMapping", src(
			"classes:",
			"  - Actor",
		), ErrBadValue, []string{
			`f.yaml:2:5: classes: want a class, starting with - id:, got "Actor"`,
		}},
		{"ErrBadValue/TextList", src(
			"classes:",
			"  - id: A",
			"    definition: [a, b]",
		), ErrBadValue, []string{
			"f.yaml:3:17: definition: want text, got a list",
		}},
		{"ErrBadValue/LabelsList", src(
			"classes:",
			"  - id: A",
			"    labels: [Actor]",
		), ErrBadValue, []string{
			"f.yaml:3:13: labels: want a mapping from language to label, such as {en: Actor, zh: 行动者}, got a list",
		}},
		{"ErrBadValue/NestedList", src(
			"classes:",
			"  - id: A",
			"    cues: {en: [a, [b]]}",
		), ErrBadValue, []string{
			"f.yaml:3:20: en: want a list of words, got a list",
		}},
		{"ErrBadValue/EmptyItem", src(
			"classes:",
			"  - id: A",
			"    cues: {en: [a, \"\"]}",
		), ErrBadValue, []string{
			"f.yaml:3:20: en: empty item in list",
		}},
		{"ErrBadValue/DomainMapping", src(
			"classes:",
			"  - id: A",
			"relations:",
			"  - id: r",
			"    domain: {A: 1}",
		), ErrBadValue, []string{
			"f.yaml:5:13: domain: want a list such as [a, b], got a mapping",
		}},
		{"ErrBadValue/Symmetric", src(
			"relations:",
			"  - id: r",
			"    symmetric: yes",
		), ErrBadValue, []string{
			`f.yaml:3:16: symmetric: want true or false, got "yes"`,
		}},
		{"ErrBadValue/Alias", src(
			"classes:",
			"  - id: A",
			"    definition: &d Some text.",
			"  - id: B",
			"    definition: *d",
		), ErrBadValue, []string{
			"f.yaml:5:17: definition: YAML aliases (*d) are not supported; write the value out",
		}},

		// Keys.
		{"ErrUnknownKey/Top", src(
			"nmae: x",
		), ErrUnknownKey, []string{
			`f.yaml:1:1: unknown key "nmae" at the top level; did you mean "name"?`,
		}},
		{"ErrUnknownKey/Class", src(
			"classes:",
			"  - id: A",
			`    color: "#123456"`,
		), ErrUnknownKey, []string{
			`f.yaml:3:5: unknown key "color" in class "A"; did you mean "colour"?`,
		}},
		{"ErrUnknownKey/Relation", src(
			"relations:",
			"  - id: r",
			"    subjects: [A]",
		), ErrUnknownKey, []string{
			`f.yaml:3:5: unknown key "subjects" in relation "r" (known keys: id, labels, definition, example, domain, range, inverse, symmetric, cues)`,
		}},
		{"ErrDuplicateKey", src(
			"classes:",
			"  - id: A",
			"    definition: one",
			"    definition: two",
		), ErrDuplicateKey, []string{
			`f.yaml:4:5: duplicate key "definition" (first at line 3)`,
		}},

		// Ids.
		{"ErrMissingID/Class", src(
			"classes:",
			"  - parent: A",
		), ErrMissingID, []string{
			"f.yaml:2:5: class has no id; add a line id: Name",
		}},
		{"ErrMissingID/Relation", src(
			"relations:",
			"  - domain: []",
		), ErrMissingID, []string{
			"f.yaml:2:5: relation has no id; add a line id: Name",
		}},
		{"ErrMissingID/Empty", src(
			"classes:",
			"  - id:",
			"    parent: A",
		), ErrMissingID, []string{
			"f.yaml:2:5: class has an empty id",
		}},
		{"ErrBadID", src(
			"classes:",
			"  - id: Spin off",
			"  - id: 2nd",
		), ErrBadID, []string{
			`f.yaml:2:9: bad id "Spin off": an id starts with a letter and holds only letters, digits, '_' and '-'`,
			`f.yaml:3:9: bad id "2nd": an id starts with a letter and holds only letters, digits, '_' and '-'`,
		}},
		{"ErrDuplicateID/Class", src(
			"classes:",
			"  - id: A",
			"  - id: B",
			"  - id: A",
		), ErrDuplicateID, []string{
			`f.yaml:4:9: duplicate id "A": already a class at line 2`,
		}},
		{"ErrDuplicateID/ClassAndRelation", src(
			"relations:",
			"  - id: funds",
			"classes:",
			"  - id: funds",
		), ErrDuplicateID, []string{
			`f.yaml:4:9: duplicate id "funds": already a relation at line 2`,
		}},

		// Parents.
		{"ErrUnknownParent", src(
			"classes:",
			"  - id: Entrepreneur",
			"  - id: SpinoffFounder",
			"    parent: Entreprenuer",
		), ErrUnknownParent, []string{
			`f.yaml:4:13: unknown parent "Entreprenuer" of class "SpinoffFounder"; did you mean "Entrepreneur"?`,
		}},
		{"ErrUnknownParent/Relation", src(
			"classes:",
			"  - id: A",
			"    parent: r",
			"relations:",
			"  - id: r",
		), ErrUnknownParent, []string{
			`f.yaml:3:13: parent "r" of class "A" is a relation, not a class`,
		}},
		{"ErrCycle", src(
			"classes:",
			"  - id: Root",
			"  - id: B",
			"    parent: C",
			"  - id: C",
			"    parent: D",
			"  - id: D",
			"    parent: B",
			"  - id: E",
			"    parent: D",
		), ErrCycle, []string{
			"f.yaml:4:13: cycle in parents: B -> C -> D -> B",
		}},
		{"ErrCycle/Self", src(
			"classes:",
			"  - id: A",
			"    parent: A",
		), ErrCycle, []string{
			"f.yaml:3:13: cycle in parents: A -> A",
		}},

		// Relations.
		{"ErrUnknownClass/Domain", src(
			"classes:",
			"  - id: Actor",
			"relations:",
			"  - id: funds",
			"    domain: [Actr, Actor]",
		), ErrUnknownClass, []string{
			`f.yaml:5:14: unknown class "Actr" in the domain of relation "funds"; did you mean "Actor"?`,
		}},
		{"ErrUnknownClass/Range", src(
			"classes:",
			"  - id: Actor",
			"relations:",
			"  - id: funds",
			"    domain: Actor",
			"    range: [Actor, Policy]",
		), ErrUnknownClass, []string{
			`f.yaml:6:20: unknown class "Policy" in the range of relation "funds"`,
		}},
		{"ErrUnknownClass/Relation", src(
			"relations:",
			"  - id: funds",
			"  - id: r",
			"    range: [funds]",
		), ErrUnknownClass, []string{
			`f.yaml:4:13: "funds" in the range of relation "r" is a relation, not a class`,
		}},
		{"ErrUnknownRelation/Inverse", src(
			"relations:",
			"  - id: spinsOffFrom",
			"    inverse: hasSpinof",
			"  - id: hasSpinoff",
		), ErrUnknownRelation, []string{
			`f.yaml:3:14: unknown inverse "hasSpinof" of relation "spinsOffFrom"; did you mean "hasSpinoff"?`,
		}},
		{"ErrUnknownRelation/InverseClass", src(
			"classes:",
			"  - id: A",
			"relations:",
			"  - id: r",
			"    inverse: A",
		), ErrUnknownRelation, []string{
			`f.yaml:5:14: inverse "A" of relation "r" is a class, not a relation`,
		}},
		{"ErrBadInverse/Mismatch", src(
			"relations:",
			"  - id: a",
			"    inverse: b",
			"  - id: b",
			"    inverse: c",
			"  - id: c",
		), ErrBadInverse, []string{
			`f.yaml:3:14: relation "a" names "b" as its inverse, but "b" names "c"`,
		}},
		{"ErrBadInverse/Self", src(
			"relations:",
			"  - id: a",
			"    inverse: a",
		), ErrBadInverse, []string{
			`f.yaml:3:14: relation "a" is its own inverse; write symmetric: true instead`,
		}},
		{"ErrBadInverse/Symmetric", src(
			"relations:",
			"  - id: a",
			"    symmetric: true",
			"    inverse: b",
			"  - id: b",
		), ErrBadInverse, []string{
			`f.yaml:4:14: relation "a" is symmetric, so its inverse is itself, not "b"`,
		}},

		// Colours and languages.
		{"ErrBadColour", src(
			"classes:",
			"  - id: A",
			"    colour: red",
			"  - id: B",
			`    colour: "#12345G"`,
		), ErrBadColour, []string{
			`f.yaml:3:13: bad colour "red" for class "A": want "#RRGGBB", six hexadecimal digits such as "#1F77B4"`,
			`f.yaml:5:13: bad colour "#12345G" for class "B": want "#RRGGBB", six hexadecimal digits such as "#1F77B4"`,
		}},
		{"ErrBadColour/Comment", src(
			"classes:",
			"  - id: A",
			"    colour: #1F77B4",
		), ErrBadColour, []string{
			`f.yaml:3:5: colour of class "A" is empty: YAML reads #1F77B4 as a comment; write colour: "#1F77B4"`,
		}},
		{"ErrBadLanguage", src(
			"languages: [en, zh, en, Chinese]",
			"classes:",
			"  - id: A",
			"    labels: {en: A, de: A}",
			"    cues:",
			"      fr: [a]",
		), ErrBadLanguage, []string{
			`f.yaml:1:21: languages: "en" is listed twice`,
			`f.yaml:1:25: languages: "Chinese" is not a language code such as en or zh`,
			`f.yaml:4:21: labels: language "de" is not in languages [en zh]`,
			`f.yaml:6:7: cues: language "fr" is not in languages [en zh]`,
		}},

		// Several kinds at once, sorted by position.
		{"Many", src(
			"classes:",
			"  - id: Actor",
			"    colour: blue",
			"  - id: Firm",
			"    parent: Actr",
			"    note: x",
			"relations:",
			"  - id: owns",
			"    domain: [Firm]",
			"    range: [Asset]",
		), nil, []string{
			`f.yaml:3:13: bad colour "blue" for class "Actor": want "#RRGGBB", six hexadecimal digits such as "#1F77B4"`,
			`f.yaml:5:13: unknown parent "Actr" of class "Firm"; did you mean "Actor"?`,
			`f.yaml:6:5: unknown key "note" in class "Firm" (known keys: id, parent, labels, definition, inclusion, exclusion, example, colour, cues)`,
			`f.yaml:10:13: unknown class "Asset" in the range of relation "owns"`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := Parse("f.yaml", []byte(tt.src))
			if o != nil {
				t.Errorf("Parse returned an ontology along with errors")
			}
			var list ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("Parse error = %v (%T), want an ErrorList", err, err)
			}
			var got []string
			for _, e := range list {
				got = append(got, e.Error())
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("errors:\n got  %q\n want %q", got, tt.want)
			}
			if tt.kind != nil {
				for _, e := range list {
					if !errors.Is(e, tt.kind) {
						t.Errorf("%v: not %v", e, tt.kind)
					}
				}
				if !errors.Is(err, tt.kind) {
					t.Errorf("errors.Is(ErrorList, %v) = false", tt.kind)
				}
			}
		})
	}
}

func TestParseOK(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want *Ontology
	}{
		{"Empty", "", &Ontology{}},
		{"OnlyComments", "# nothing yet\n", &Ontology{}},
		{"Null", "~\n", &Ontology{}},
		{"EmptyLists", "classes:\nrelations: []\n", &Ontology{}},
		{"Full", src(
			"name: Test",
			`version: "2"`,
			"description: |",
			"  Two lines",
			"  of text.",
			"languages: [en, zh]",
			"classes:",
			"  - id: Firm",
			"    parent: Actor # a parent may come later",
			"    labels: {en: Firm, zh: 企业}",
			"    definition: >-",
			"      A firm",
			"      in the cluster.",
			"    inclusion: in",
			"    exclusion: out",
			"    example: An example.",
			`    colour: "#a0B1c2"`,
			"    cues:",
			"      en: [firm, company]",
			"      zh: 企业",
			"  - id: Actor",
			"    cues: {en: []}",
			"relations:",
			"  - id: owns",
			"    labels: {en: owns}",
			"    domain: Actor",
			"    range: [Actor, Firm]",
			"    inverse: ownedBy",
			"    cues:",
			"      en: [owns, bought … outright]",
			"      zh: [拥有]",
			"  - id: ownedBy",
			"    cues: {en: []}",
			"  - id: knows",
			"    symmetric: true",
			"    inverse: knows",
		), func() *Ontology {
			o := &Ontology{Name: "Test", Version: "2", Description: "Two lines\nof text.\n", Languages: []string{"en", "zh"}}
			o.addClass(&Class{ID: "Firm", Parent: "Actor", Labels: Labels{"en": "Firm", "zh": "企业"},
				Definition: "A firm in the cluster.", Inclusion: "in", Exclusion: "out", Example: "An example.",
				Colour: "#a0B1c2", Cues: Cues{"en": {"firm", "company"}, "zh": {"企业"}}})
			o.addClass(&Class{ID: "Actor", Cues: Cues{"en": nil}})
			o.addRelation(&Relation{ID: "owns", Labels: Labels{"en": "owns"}, Domain: []string{"Actor"},
				Range: []string{"Actor", "Firm"}, Inverse: "ownedBy", Cues: Cues{"en": {"owns", "bought … outright"}, "zh": {"拥有"}}})
			o.addRelation(&Relation{ID: "ownedBy", Cues: Cues{"en": nil}})
			o.addRelation(&Relation{ID: "knows", Symmetric: true, Inverse: "knows"})
			return o
		}()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := Parse("f.yaml", []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			if diff := compare(o, tt.want); diff != "" {
				t.Error(diff)
			}
		})
	}
}
