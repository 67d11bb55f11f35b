package ontology

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// WriteYAML writes o in the file format that Parse reads, with the keys in a
// fixed order, labels and word lists in flow style ({en: .., zh: ..},
// [a, b]), a blank line between classes, and no comments. Parse of the
// output yields an ontology equal to o.
func (o *Ontology) WriteYAML(w io.Writer) error {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(o.node()); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	_, err := w.Write(spaceOut(buf.Bytes()))
	return err
}

// MarshalYAML implements yaml.Marshaler, so that yaml.Marshal(o) writes the
// same shape as WriteYAML (without its blank lines).
func (o *Ontology) MarshalYAML() (any, error) { return o.node(), nil }

// spaceOut puts a blank line before "classes:", "relations:" and each of
// their items but the first. Values are always indented deeper than their key, so these
// lines of two exact forms are never inside a value.
func spaceOut(b []byte) []byte {
	lines := bytes.SplitAfter(b, []byte("\n"))
	var out bytes.Buffer
	isTop := func(l []byte) bool {
		return bytes.Equal(l, []byte("classes:\n")) || bytes.Equal(l, []byte("relations:\n"))
	}
	for i, l := range lines {
		if i > 0 && (isTop(l) || bytes.HasPrefix(l, []byte("  - id: ")) && !isTop(lines[i-1])) {
			out.WriteByte('\n')
		}
		out.Write(l)
	}
	return out.Bytes()
}

func (o *Ontology) node() *yaml.Node {
	m := mapping()
	m.addText("name", o.Name)
	m.addText("version", o.Version)
	m.addText("description", o.Description)
	m.addWords("languages", o.Languages)
	if len(o.classes) > 0 {
		seq := &yaml.Node{Kind: yaml.SequenceNode}
		for _, c := range o.classes {
			seq.Content = append(seq.Content, o.classNode(c))
		}
		m.add("classes", seq)
	}
	if len(o.relations) > 0 {
		seq := &yaml.Node{Kind: yaml.SequenceNode}
		for _, r := range o.relations {
			seq.Content = append(seq.Content, o.relationNode(r))
		}
		m.add("relations", seq)
	}
	return m.n()
}

func (o *Ontology) classNode(c *Class) *yaml.Node {
	m := mapping()
	m.addText("id", c.ID)
	m.addText("parent", c.Parent)
	if c.Labels != nil {
		m.add("labels", o.labelsNode(c.Labels))
	}
	m.addText("definition", c.Definition)
	m.addText("inclusion", c.Inclusion)
	m.addText("exclusion", c.Exclusion)
	m.addText("example", c.Example)
	m.addText("colour", c.Colour)
	if c.Cues != nil {
		m.add("cues", o.cuesNode(c.Cues))
	}
	return m.n()
}

func (o *Ontology) cuesNode(c Cues) *yaml.Node {
	cues := mapping()
	for _, lang := range langOrder(o.Languages, c) {
		cues.add(lang, words(c[lang]))
	}
	return cues.n()
}

func (o *Ontology) relationNode(r *Relation) *yaml.Node {
	m := mapping()
	m.addText("id", r.ID)
	if r.Labels != nil {
		m.add("labels", o.labelsNode(r.Labels))
	}
	m.addText("definition", r.Definition)
	m.addText("example", r.Example)
	m.addWords("domain", r.Domain)
	m.addWords("range", r.Range)
	m.addText("inverse", r.Inverse)
	if r.Symmetric {
		m.add("symmetric", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true"})
	}
	if r.Cues != nil {
		m.add("cues", o.cuesNode(r.Cues))
	}
	return m.n()
}

func (o *Ontology) labelsNode(l Labels) *yaml.Node {
	m := mapping()
	m.Style = yaml.FlowStyle
	for _, lang := range langOrder(o.Languages, l) {
		v := text(l[lang])
		if v.Style != 0 {
			m.Style = 0 // quoted or multi-line labels read better in block style
		}
		m.add(lang, v)
	}
	return m.n()
}

// langOrder returns the keys of m: those in langs first, in their order,
// then the others sorted.
func langOrder[V any](langs []string, m map[string]V) []string {
	var keys []string
	for _, l := range langs {
		if _, ok := m[l]; ok {
			keys = append(keys, l)
		}
	}
	var rest []string
	for k := range m {
		if !slices.Contains(langs, k) {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	return append(keys, rest...)
}

// node builds a mapping node.
type node yaml.Node

func mapping() *node { return &node{Kind: yaml.MappingNode} }

func (m *node) n() *yaml.Node { return (*yaml.Node)(m) }

func (m *node) add(key string, v *yaml.Node) {
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, v)
}

// addText adds key: s unless s is empty.
func (m *node) addText(key, s string) {
	if s != "" {
		m.add(key, text(s))
	}
}

// addWords adds key: [w, ...] unless ws is empty.
func (m *node) addWords(key string, ws []string) {
	if len(ws) > 0 {
		m.add(key, words(ws))
	}
}

// text returns a string node.
func text(s string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
	if !literalSafe(s) {
		n.Style = yaml.DoubleQuotedStyle
	} else if strings.Contains(s, "\n") {
		n.Style = yaml.LiteralStyle
	}
	return n
}

// literalSafe reports whether the YAML encoder's own choice of style for s
// reads back as s. Strings with characters that YAML folds, escapes or trims
// are written double-quoted instead.
func literalSafe(s string) bool {
	for _, r := range s {
		if r == '\n' || r == ' ' {
			continue
		}
		if !unicode.IsPrint(r) || unicode.IsSpace(r) {
			return false
		}
	}
	if strings.Contains(s, "\n") {
		// Block scalars keep lines as they are, except for trailing
		// spaces, leading blank lines and space-indented first lines.
		for _, l := range strings.Split(s, "\n") {
			if strings.HasSuffix(l, " ") {
				return false
			}
		}
		// Nor blank last lines, which would need "|+", whose value would
		// take in the blank lines that WriteYAML adds between classes.
		if strings.HasPrefix(s, " ") || strings.HasPrefix(s, "\n") || strings.HasSuffix(s, "\n\n") {
			return false
		}
	}
	return true
}

// words returns a flow list of strings.
func words(ws []string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	for _, w := range ws {
		v := text(w)
		if v.Style != 0 {
			n.Style = 0 // quoted or multi-line words read better in block style
		}
		n.Content = append(n.Content, v)
	}
	return n
}

// The JSON shape of an ontology. Every key is always present; empty text is
// "", empty lists are [] and empty mappings {}.
type (
	jsonOntology struct {
		Name        string         `json:"name"`
		Version     string         `json:"version"`
		Description string         `json:"description"`
		Languages   []string       `json:"languages"`
		Classes     []jsonClass    `json:"classes"`
		Relations   []jsonRelation `json:"relations"`
	}
	jsonClass struct {
		ID         string              `json:"id"`
		Parent     string              `json:"parent"`
		Labels     map[string]string   `json:"labels"`
		Definition string              `json:"definition"`
		Inclusion  string              `json:"inclusion"`
		Exclusion  string              `json:"exclusion"`
		Example    string              `json:"example"`
		Colour     string              `json:"colour"`
		Cues       map[string][]string `json:"cues"`
	}
	jsonRelation struct {
		ID         string              `json:"id"`
		Labels     map[string]string   `json:"labels"`
		Definition string              `json:"definition"`
		Example    string              `json:"example"`
		Domain     []string            `json:"domain"`
		Range      []string            `json:"range"`
		Inverse    string              `json:"inverse"`
		Symmetric  bool                `json:"symmetric"`
		Cues       map[string][]string `json:"cues"`
	}
)

// MarshalJSON returns the JSON form that WriteJSON writes, unindented.
func (o *Ontology) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(o.jsonShape()); err != nil {
		return nil, err
	}
	return escapeForYAML(bytes.TrimSuffix(buf.Bytes(), []byte("\n"))), nil
}

// escapeForYAML escapes the characters that encoding/json leaves as they
// are but that YAML does not allow in a file (DEL, C1 controls, U+FFFE,
// U+FFFF) or reads as line breaks (U+0085), so that Parse reads the JSON
// back as written. Outside strings JSON is ASCII, so every such character is
// in a string, where \uXXXX means the same to JSON and YAML.
func escapeForYAML(b []byte) []byte {
	if !bytes.ContainsFunc(b, needsEscape) {
		return b
	}
	var out bytes.Buffer
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if needsEscape(r) {
			fmt.Fprintf(&out, `\u%04x`, r)
		} else {
			out.Write(b[:size])
		}
		b = b[size:]
	}
	return out.Bytes()
}

func needsEscape(r rune) bool { return r == 0x85 || !yamlPrintable(r) }

// WriteJSON writes o as indented JSON for programs, in this stable shape
// (every key always present; "" , [] and {} for empty values; label and cue
// languages sorted):
//
//	{
//	  "name": "…", "version": "…", "description": "…",
//	  "languages": ["en", "zh"],
//	  "classes": [
//	    {"id": "SpinoffFounder", "parent": "Entrepreneur",
//	     "labels": {"en": "…", "zh": "…"},
//	     "definition": "…", "inclusion": "…", "exclusion": "…", "example": "…",
//	     "colour": "#4A90D9",
//	     "cues": {"en": ["spin-off", …], "zh": ["离职创业", …]}}
//	  ],
//	  "relations": [
//	    {"id": "spinsOffFrom", "labels": {…}, "definition": "…", "example": "…",
//	     "domain": ["Entrepreneur"], "range": ["Entrepreneur", …],
//	     "inverse": "hasSpinoff", "symmetric": false,
//	     "cues": {"en": ["spun off", "left … to found", …], "zh": […]}}
//	  ]
//	}
//
// Classes and relations keep their order. The keys are those of the YAML
// file, so Parse reads the output back.
func (o *Ontology) WriteJSON(w io.Writer) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(o.jsonShape()); err != nil {
		return err
	}
	_, err := w.Write(escapeForYAML(buf.Bytes()))
	return err
}

func (o *Ontology) jsonShape() jsonOntology {
	j := jsonOntology{
		Name:        o.Name,
		Version:     o.Version,
		Description: o.Description,
		Languages:   nonNil(o.Languages),
		Classes:     []jsonClass{},
		Relations:   []jsonRelation{},
	}
	for _, c := range o.classes {
		j.Classes = append(j.Classes, jsonClass{
			ID:         c.ID,
			Parent:     c.Parent,
			Labels:     nonNilMap(c.Labels),
			Definition: c.Definition,
			Inclusion:  c.Inclusion,
			Exclusion:  c.Exclusion,
			Example:    c.Example,
			Colour:     c.Colour,
			Cues:       jsonCues(c.Cues),
		})
	}
	for _, r := range o.relations {
		j.Relations = append(j.Relations, jsonRelation{
			ID:         r.ID,
			Labels:     nonNilMap(r.Labels),
			Definition: r.Definition,
			Example:    r.Example,
			Domain:     nonNil(r.Domain),
			Range:      nonNil(r.Range),
			Inverse:    r.Inverse,
			Symmetric:  r.Symmetric,
			Cues:       jsonCues(r.Cues),
		})
	}
	return j
}

// jsonCues returns c with [] for an empty list, and {} for none.
func jsonCues(c Cues) map[string][]string {
	cues := make(map[string][]string, len(c))
	for k, v := range c {
		cues[k] = nonNil(v)
	}
	return cues
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}
