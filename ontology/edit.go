package ontology

import (
	"bytes"
	"errors"
	"fmt"

	"gopkg.in/yaml.v3"
)

// ErrNotEditable is wrapped by InsertClassYAML's error when it cannot add
// a class to a YAML text without rewriting it.
var ErrNotEditable = errors.New("cannot add to this YAML text in place")

// InsertClassYAML returns src, the YAML text o was parsed from before class
// id was added to it (AddClass), with that class written as a new item at
// the end of the classes list. Everything else in src, the researcher's
// comments, order, blank lines and quoting included, is kept byte for
// byte, which rewriting the file with WriteYAML would not do.
//
// It edits only a block-style classes list; for anything else (a flow-style
// list, tabs in the indentation, a text that does not read back as o) it
// returns an error wrapping ErrNotEditable, and the caller may fall back to
// WriteYAML.
func (o *Ontology) InsertClassYAML(filename string, src []byte, id string) ([]byte, error) {
	c, ok := o.Class(id)
	if !ok {
		return nil, fmt.Errorf("ontology: insert class: no class %q", id)
	}
	notEditable := func(why string) error {
		return fmt.Errorf("ontology: insert class %s into %s: %s: %w", id, filename, why, ErrNotEditable)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, notEditable("not a YAML mapping")
	}
	top := doc.Content[0]
	k := -1
	for i := 0; i+1 < len(top.Content); i += 2 {
		if top.Content[i].Value == "classes" {
			k = i
		}
	}
	if k < 0 {
		return nil, notEditable("no classes list")
	}
	seq := top.Content[k+1]
	if seq.Kind != yaml.SequenceNode || seq.Style&yaml.FlowStyle != 0 || len(seq.Content) == 0 {
		return nil, notEditable("the classes are not a block list")
	}
	lines := bytes.SplitAfter(src, []byte("\n"))
	if len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1]
	}

	// The new item is indented as the first one: the text before its
	// dash, which must be spaces.
	first := seq.Content[0]
	if first.Line < 1 || first.Line > len(lines) {
		return nil, notEditable("bad position")
	}
	line := lines[first.Line-1]
	dash := bytes.LastIndexByte(line[:min(first.Column-1, len(line))], '-')
	if dash < 0 || len(bytes.TrimLeft(line[:dash], " ")) != 0 {
		return nil, notEditable("the first class is not on a line of its own")
	}
	indent := string(line[:dash])

	// It goes after the last item: before the next key of the top
	// mapping and the blank and comment lines at the margin above it, or
	// at the end.
	at := len(lines)
	if k+2 < len(top.Content) {
		at = top.Content[k+2].Line - 1
		for at > 0 && isMarginLine(lines[at-1]) {
			at--
		}
	}

	var item bytes.Buffer
	enc := yaml.NewEncoder(&item)
	enc.SetIndent(2)
	if err := enc.Encode(&yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{o.classNode(c)}}); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	for _, l := range lines[:at] {
		out.Write(l)
	}
	if at > 0 && !bytes.HasSuffix(lines[at-1], []byte("\n")) {
		out.WriteByte('\n')
	}
	// Blank lines between items, if the list has them.
	if last := seq.Content[len(seq.Content)-1]; last.Line >= 2 && len(bytes.TrimSpace(lines[last.Line-2])) == 0 {
		out.WriteByte('\n')
	}
	for _, l := range bytes.SplitAfter(item.Bytes(), []byte("\n")) {
		if len(l) > 0 {
			out.WriteString(indent)
			out.Write(l)
		}
	}
	for _, l := range lines[at:] {
		out.Write(l)
	}

	// The result must read back as o.
	back, err := Parse(filename, out.Bytes())
	if err != nil {
		return nil, notEditable(err.Error())
	}
	var want, got bytes.Buffer
	if o.WriteYAML(&want) != nil || back.WriteYAML(&got) != nil || !bytes.Equal(want.Bytes(), got.Bytes()) {
		return nil, notEditable("the edited text does not read back as the ontology")
	}
	return out.Bytes(), nil
}

// isMarginLine reports whether l is blank or a comment starting at the
// left margin.
func isMarginLine(l []byte) bool {
	return len(bytes.TrimSpace(l)) == 0 || l[0] == '#'
}
