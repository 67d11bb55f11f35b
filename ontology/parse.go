package ontology

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// The keys of an ontology file, in the order Write uses.
var (
	topKeys      = []string{"name", "version", "description", "languages", "classes", "relations"}
	classKeys    = []string{"id", "parent", "labels", "definition", "inclusion", "exclusion", "example", "colour", "cues"}
	relationKeys = []string{"id", "labels", "definition", "example", "domain", "range", "inverse", "symmetric", "cues"}
)

// Parse reads an ontology from data, the contents of the file named
// filename (used in error messages only). It accepts the YAML shape
// described in the package documentation, and also the JSON that WriteJSON
// writes, since JSON is YAML.
//
// Parse checks the whole file and returns every problem it finds as an
// ErrorList of *ParseError, sorted by position, and a nil *Ontology. It
// returns no error for an empty file: an empty ontology.
func Parse(filename string, data []byte) (*Ontology, error) {
	p := &parser{file: filename, data: data}
	o := p.parse()
	if len(p.errs) > 0 {
		slices.SortStableFunc(p.errs, func(a, b *ParseError) int {
			return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col))
		})
		return nil, p.errs
	}
	return o, nil
}

type parser struct {
	file string
	data []byte
	errs ErrorList
}

// field is one key: value pair of a mapping.
type field struct {
	key, val *yaml.Node
}

// classSrc and relationSrc keep the nodes that later checks report on.
type classSrc struct {
	c      *Class
	node   *yaml.Node
	id     *yaml.Node
	parent *yaml.Node
}

type relationSrc struct {
	r       *Relation
	node    *yaml.Node
	id      *yaml.Node
	domain  []*yaml.Node
	rng     []*yaml.Node
	inverse *yaml.Node
}

func (p *parser) errorf(n *yaml.Node, kind error, format string, args ...any) {
	line, col := 1, 1
	if n != nil && n.Line > 0 {
		line, col = n.Line, n.Column
	}
	p.errAt(line, col, kind, fmt.Sprintf(format, args...))
}

func (p *parser) errAt(line, col int, kind error, msg string) {
	p.errs = append(p.errs, &ParseError{File: p.file, Line: line, Col: col, Msg: msg, Err: kind})
}

func (p *parser) parse() *Ontology {
	if !p.checkText() {
		return nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(p.data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if err == io.EOF {
			return &Ontology{} // empty file, or only comments
		}
		p.syntaxError(err)
		return nil
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == io.EOF:
	case err != nil:
		p.syntaxError(err)
		return nil
	default:
		p.errorf(&next, ErrSyntax, `the file holds more than one YAML document; remove the "---" line that starts the second`)
		return nil
	}

	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return &Ontology{}
	}
	if !p.want(root, yaml.MappingNode, "the file", "a mapping with keys "+strings.Join(topKeys, ", ")) {
		return nil
	}

	o := &Ontology{}
	fields := p.fields(root)
	p.checkKeys(fields, topKeys, "at the top level")
	// Languages first: labels and cue words are checked against them.
	for _, f := range fields {
		if f.key.Value == "languages" {
			p.languages(o, f)
		}
	}
	var classes []*classSrc
	var relations []*relationSrc
	for _, f := range fields {
		switch f.key.Value {
		case "name":
			o.Name = p.text(f)
		case "version":
			o.Version = p.text(f)
		case "description":
			o.Description = p.text(f)
		case "classes":
			classes = p.classes(o, f)
		case "relations":
			relations = p.relations(o, f)
		}
	}
	p.checkIDs(o, classes, relations)
	p.checkParents(o, classes)
	p.checkRelations(o, relations)
	if len(p.errs) > 0 {
		return nil
	}
	return o
}

// checkText reports invalid UTF-8 and characters that YAML does not allow,
// at their position (the YAML parser reports them without one).
func (p *parser) checkText() bool {
	data := p.data
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		p.errAt(1, 1, ErrSyntax, "the file is in UTF-16; save it as UTF-8")
		return false
	}
	line, col := 1, 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			p.errAt(line, col, ErrSyntax, "the file is not valid UTF-8 (saved as GBK or Latin-1?); save it as UTF-8")
			return false
		case !yamlPrintable(r):
			p.errAt(line, col, ErrSyntax, fmt.Sprintf("character %U is not allowed in YAML; remove it", r))
			return false
		}
		col++
		if r == '\n' {
			line, col = line+1, 1
		}
		i += size
	}
	return true
}

// yamlPrintable reports whether YAML allows r in a file.
func yamlPrintable(r rune) bool {
	switch {
	case r == '\t', r == '\n', r == '\r', r == 0x85:
	case r >= 0x20 && r <= 0x7E:
	case r >= 0xA0 && r <= 0xD7FF:
	case r >= 0xE000 && r <= 0xFFFD:
	case r >= 0x10000 && r <= 0x10FFFF:
	default:
		return false
	}
	return true
}

var syntaxRE = regexp.MustCompile(`^yaml: (?:line (\d+): )?(.*)$`)

// syntaxError reports an error of the YAML parser, which knows the line but
// not the column.
func (p *parser) syntaxError(err error) {
	line, msg := 1, err.Error()
	if m := syntaxRE.FindStringSubmatch(msg); m != nil {
		if m[1] != "" {
			line, _ = strconv.Atoi(m[1])
		}
		msg = m[2]
	}
	col := 1
	// The parser may count a tab's line from the line before it.
	for _, l := range []int{line, line + 1} {
		if tab := tabInIndent(p.data, l); tab > 0 && (l == line || strings.Contains(msg, "tab")) {
			line, col = l, tab
			msg += "; indent with spaces, not tabs"
			break
		}
	}
	p.errAt(line, col, ErrSyntax, "syntax error: "+msg)
}

// tabInIndent returns the column of the first tab in the indentation of the
// given line, or 0.
func tabInIndent(data []byte, line int) int {
	lines := bytes.Split(data, []byte("\n"))
	if line < 1 || line > len(lines) {
		return 0
	}
	for i, b := range lines[line-1] {
		switch b {
		case '\t':
			return i + 1
		case ' ':
		default:
			return 0
		}
	}
	return 0
}

// kindName names the kind of n for messages.
func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "nothing"
		}
		return strconv.Quote(n.Value)
	}
	return "a document"
}

// want reports whether n is of the given kind, and an error if it is not.
func (p *parser) want(n *yaml.Node, kind yaml.Kind, what, wanted string) bool {
	if n.Kind == kind {
		return true
	}
	if n.Kind == yaml.AliasNode {
		p.errorf(n, ErrBadValue, "%s: YAML aliases (*%s) are not supported; write the value out", what, n.Value)
		return false
	}
	p.errorf(n, ErrBadValue, "%s: want %s, got %s", what, wanted, kindName(n))
	return false
}

// fields returns the pairs of mapping n, reporting keys that are not text
// and keys given twice.
func (p *parser) fields(n *yaml.Node) []field {
	var fs []field
	seen := make(map[string]*yaml.Node)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			p.errorf(k, ErrBadValue, "a key must be a word, not %s", kindName(k))
			continue
		}
		if first, ok := seen[k.Value]; ok {
			p.errorf(k, ErrDuplicateKey, "duplicate key %q (first at line %d)", k.Value, first.Line)
			continue
		}
		seen[k.Value] = k
		fs = append(fs, field{k, v})
	}
	return fs
}

// checkKeys reports the keys of fs that are not in known.
func (p *parser) checkKeys(fs []field, known []string, where string) {
	for _, f := range fs {
		if slices.Contains(known, f.key.Value) {
			continue
		}
		var cands []candidate
		for _, k := range known {
			cands = append(cands, candidate{k, []string{k}})
		}
		hint := didYouMean(nearest(f.key.Value, 1, cands))
		if hint == "" {
			hint = " (known keys: " + strings.Join(known, ", ") + ")"
		}
		p.errorf(f.key, ErrUnknownKey, "unknown key %q %s%s", f.key.Value, where, hint)
	}
}

// pos returns the node to report a problem with f's value at: the value, or
// the key when the value is empty and so has no position of its own.
func pos(f field) *yaml.Node {
	if f.val.Kind == yaml.ScalarNode && f.val.Tag == "!!null" {
		return f.key
	}
	return f.val
}

// text returns the text of a scalar value; "" for null.
func (p *parser) text(f field) string {
	if !p.want(f.val, yaml.ScalarNode, f.key.Value, "text") {
		return ""
	}
	if f.val.Tag == "!!null" {
		return ""
	}
	return f.val.Value
}

// list returns a list of words, given as a YAML list or as one word, with
// the node of each.
func (p *parser) list(f field) ([]string, []*yaml.Node) {
	switch f.val.Kind {
	case yaml.ScalarNode:
		if f.val.Tag == "!!null" || f.val.Value == "" {
			return nil, nil
		}
		return []string{f.val.Value}, []*yaml.Node{f.val}
	case yaml.SequenceNode:
		var words []string
		var nodes []*yaml.Node
		for _, n := range f.val.Content {
			if !p.want(n, yaml.ScalarNode, f.key.Value, "a list of words") {
				continue
			}
			if n.Tag == "!!null" || n.Value == "" {
				p.errorf(n, ErrBadValue, "%s: empty item in list", f.key.Value)
				continue
			}
			words = append(words, n.Value)
			nodes = append(nodes, n)
		}
		return words, nodes
	}
	p.want(f.val, yaml.SequenceNode, f.key.Value, "a list such as [a, b]")
	return nil, nil
}

func (p *parser) languages(o *Ontology, f field) {
	langs, nodes := p.list(f)
	for i, l := range langs {
		switch {
		case !validLanguage(l):
			p.errorf(nodes[i], ErrBadLanguage, "languages: %q is not a language code such as en or zh", l)
		case slices.Contains(o.Languages, l):
			p.errorf(nodes[i], ErrBadLanguage, "languages: %q is listed twice", l)
		default:
			o.Languages = append(o.Languages, l)
		}
	}
}

// language reports whether key k is a language code that o allows.
func (p *parser) language(o *Ontology, k *yaml.Node, what string) bool {
	if msg := o.checkLanguage(k.Value); msg != "" {
		p.errorf(k, ErrBadLanguage, "%s: %s", what, msg)
		return false
	}
	return true
}

func (p *parser) labels(o *Ontology, f field) Labels {
	if f.val.Kind == yaml.ScalarNode && f.val.Tag == "!!null" {
		return nil
	}
	if !p.want(f.val, yaml.MappingNode, "labels", "a mapping from language to label, such as {en: Actor, zh: 行动者}") {
		return nil
	}
	var l Labels
	for _, g := range p.fields(f.val) {
		if !p.language(o, g.key, "labels") {
			continue
		}
		s := p.text(g)
		if l == nil {
			l = make(Labels)
		}
		l[g.key.Value] = s
	}
	return l
}

func (p *parser) cues(o *Ontology, f field) Cues {
	if f.val.Kind == yaml.ScalarNode && f.val.Tag == "!!null" {
		return nil
	}
	if !p.want(f.val, yaml.MappingNode, "cues", "a mapping from language to words, such as {en: [spin-off], zh: [离职创业]}") {
		return nil
	}
	var c Cues
	for _, g := range p.fields(f.val) {
		if !p.language(o, g.key, "cues") {
			continue
		}
		words, _ := p.list(g)
		if c == nil {
			c = make(Cues)
		}
		c[g.key.Value] = words
	}
	return c
}

// id reads the id of a class or relation from its fields.
func (p *parser) id(n *yaml.Node, fs []field, what string) (string, *yaml.Node) {
	for _, f := range fs {
		if f.key.Value != "id" {
			continue
		}
		id := p.text(f)
		switch {
		case id == "" && f.val.Kind == yaml.ScalarNode:
			p.errorf(pos(f), ErrMissingID, "%s has an empty id", what)
		case id != "" && !validID(id):
			p.errorf(f.val, ErrBadID, "bad id %q: %s", id, idRule)
		}
		return id, f.val
	}
	p.errorf(n, ErrMissingID, "%s has no id; add a line id: Name", what)
	return "", nil
}

func (p *parser) classes(o *Ontology, f field) []*classSrc {
	if f.val.Kind == yaml.ScalarNode && f.val.Tag == "!!null" {
		return nil
	}
	if !p.want(f.val, yaml.SequenceNode, "classes", "a list of classes, each starting with - id:") {
		return nil
	}
	var srcs []*classSrc
	for _, n := range f.val.Content {
		if !p.want(n, yaml.MappingNode, "classes", "a class, starting with - id:") {
			continue
		}
		fs := p.fields(n)
		id, idNode := p.id(n, fs, "class")
		where := "in class"
		if id != "" {
			where = fmt.Sprintf("in class %q", id)
		}
		p.checkKeys(fs, classKeys, where)
		src := &classSrc{c: &Class{ID: id}, node: n, id: idNode}
		c := src.c
		for _, g := range fs {
			switch g.key.Value {
			case "parent":
				c.Parent = p.text(g)
				src.parent = pos(g)
			case "labels":
				c.Labels = p.labels(o, g)
			case "definition":
				c.Definition = p.text(g)
			case "inclusion":
				c.Inclusion = p.text(g)
			case "exclusion":
				c.Exclusion = p.text(g)
			case "example":
				c.Example = p.text(g)
			case "colour":
				c.Colour = p.colour(g, id)
			case "cues":
				c.Cues = p.cues(o, g)
			}
		}
		srcs = append(srcs, src)
	}
	return srcs
}

var commentColourRE = regexp.MustCompile(`^#\s*([0-9A-Fa-f]{6})\b`)

func (p *parser) colour(f field, id string) string {
	s := p.text(f)
	if s == "" && f.val.Kind == yaml.ScalarNode {
		// colour: #1F77B4 is a YAML comment, and the colour is empty.
		for _, c := range []string{f.val.LineComment, f.key.LineComment} {
			if m := commentColourRE.FindStringSubmatch(c); m != nil {
				p.errorf(f.key, ErrBadColour, "colour of class %q is empty: YAML reads #%s as a comment; write colour: \"#%s\"", id, m[1], m[1])
				break
			}
		}
		return ""
	}
	if s != "" && !validColour(s) {
		p.errorf(f.val, ErrBadColour, "bad colour %q for class %q: %s", s, id, colourRule)
	}
	return s
}

func (p *parser) relations(o *Ontology, f field) []*relationSrc {
	if f.val.Kind == yaml.ScalarNode && f.val.Tag == "!!null" {
		return nil
	}
	if !p.want(f.val, yaml.SequenceNode, "relations", "a list of relations, each starting with - id:") {
		return nil
	}
	var srcs []*relationSrc
	for _, n := range f.val.Content {
		if !p.want(n, yaml.MappingNode, "relations", "a relation, starting with - id:") {
			continue
		}
		fs := p.fields(n)
		id, idNode := p.id(n, fs, "relation")
		where := "in relation"
		if id != "" {
			where = fmt.Sprintf("in relation %q", id)
		}
		p.checkKeys(fs, relationKeys, where)
		src := &relationSrc{r: &Relation{ID: id}, node: n, id: idNode}
		r := src.r
		for _, g := range fs {
			switch g.key.Value {
			case "labels":
				r.Labels = p.labels(o, g)
			case "definition":
				r.Definition = p.text(g)
			case "example":
				r.Example = p.text(g)
			case "domain":
				r.Domain, src.domain = p.list(g)
			case "range":
				r.Range, src.rng = p.list(g)
			case "inverse":
				r.Inverse = p.text(g)
				src.inverse = pos(g)
			case "symmetric":
				r.Symmetric = p.bool(g)
			case "cues":
				r.Cues = p.cues(o, g)
			}
		}
		srcs = append(srcs, src)
	}
	return srcs
}

func (p *parser) bool(f field) bool {
	if f.val.Kind == yaml.ScalarNode {
		switch {
		case f.val.Tag == "!!null":
			return false
		case f.val.Tag == "!!bool":
			var b bool
			if f.val.Decode(&b) == nil {
				return b
			}
		}
	}
	p.errorf(f.val, ErrBadValue, "%s: want true or false, got %s", f.key.Value, kindName(f.val))
	return false
}

// checkIDs reports ids used twice, by classes or relations, and adds the
// first class or relation of each id to o.
func (p *parser) checkIDs(o *Ontology, classes []*classSrc, relations []*relationSrc) {
	type def struct {
		id       string
		node     *yaml.Node
		class    *Class
		relation *Relation
	}
	var defs []def
	for _, s := range classes {
		if s.c.ID != "" {
			defs = append(defs, def{s.c.ID, s.id, s.c, nil})
		}
	}
	for _, s := range relations {
		if s.r.ID != "" {
			defs = append(defs, def{s.r.ID, s.id, nil, s.r})
		}
	}
	// Report the later of two definitions, whichever list comes first.
	slices.SortStableFunc(defs, func(a, b def) int {
		return cmp.Or(cmp.Compare(a.node.Line, b.node.Line), cmp.Compare(a.node.Column, b.node.Column))
	})
	first := make(map[string]def)
	for _, d := range defs {
		if f, ok := first[d.id]; ok {
			what := "class"
			if f.relation != nil {
				what = "relation"
			}
			p.errorf(d.node, ErrDuplicateID, "duplicate id %q: already a %s at line %d", d.id, what, f.node.Line)
			continue
		}
		first[d.id] = d
	}
	// Add in file order, so that Classes and Relations keep it.
	for _, s := range classes {
		if d, ok := first[s.c.ID]; ok && d.class == s.c {
			o.addClass(s.c)
		}
	}
	for _, s := range relations {
		if d, ok := first[s.r.ID]; ok && d.relation == s.r {
			o.addRelation(s.r)
		}
	}
}

// checkParents reports unknown parents and cycles.
func (p *parser) checkParents(o *Ontology, classes []*classSrc) {
	for _, s := range classes {
		c := s.c
		if c.Parent == "" || o.classByID[c.ID] != c {
			continue
		}
		if _, ok := o.classByID[c.Parent]; ok {
			continue
		}
		if _, ok := o.relByID[c.Parent]; ok {
			p.errorf(s.parent, ErrUnknownParent, "parent %q of class %q is a relation, not a class", c.Parent, c.ID)
			continue
		}
		p.errorf(s.parent, ErrUnknownParent, "unknown parent %q of class %q%s", c.Parent, c.ID, didYouMean(o.Nearest(c.Parent, 3)))
	}

	const (
		unseen = iota
		onPath
		done
	)
	state := make(map[string]int)
	srcOf := make(map[string]*classSrc)
	for _, s := range classes {
		if o.classByID[s.c.ID] == s.c {
			srcOf[s.c.ID] = s
		}
	}
	for _, s := range classes {
		if srcOf[s.c.ID] != s {
			continue
		}
		var path []string
		for id := s.c.ID; ; {
			c, ok := o.classByID[id]
			if !ok || state[id] == done {
				break
			}
			if state[id] == onPath {
				p.cycle(path[slices.Index(path, id):], srcOf)
				break
			}
			state[id] = onPath
			path = append(path, id)
			id = c.Parent
		}
		for _, id := range path {
			state[id] = done
		}
	}
}

// cycle reports a cycle of classes once, at the parent of its first class in
// the file.
func (p *parser) cycle(ids []string, srcOf map[string]*classSrc) {
	start := 0
	for i, id := range ids {
		if srcOf[id].node.Line < srcOf[ids[start]].node.Line {
			start = i
		}
	}
	// On the path up, each class is followed by its parent.
	names := append(slices.Concat(ids[start:], ids[:start]), ids[start])
	p.errorf(srcOf[ids[start]].parent, ErrCycle, "cycle in parents: %s", strings.Join(names, " -> "))
}

// checkRelations reports unknown classes in domains and ranges, and bad
// inverses.
func (p *parser) checkRelations(o *Ontology, relations []*relationSrc) {
	for _, s := range relations {
		r := s.r
		if o.relByID[r.ID] != r {
			continue
		}
		for i, id := range r.Domain {
			p.checkClassRef(o, s.domain[i], id, "domain", r.ID)
		}
		for i, id := range r.Range {
			p.checkClassRef(o, s.rng[i], id, "range", r.ID)
		}
		if r.Inverse == "" {
			continue
		}
		inv, ok := o.relByID[r.Inverse]
		switch {
		case !ok && o.classByID[r.Inverse] != nil:
			p.errorf(s.inverse, ErrUnknownRelation, "inverse %q of relation %q is a class, not a relation", r.Inverse, r.ID)
		case !ok:
			p.errorf(s.inverse, ErrUnknownRelation, "unknown inverse %q of relation %q%s", r.Inverse, r.ID, didYouMean(o.NearestRelation(r.Inverse, 3)))
		case r.Symmetric && inv != r:
			p.errorf(s.inverse, ErrBadInverse, "relation %q is symmetric, so its inverse is itself, not %q", r.ID, r.Inverse)
		case inv == r && !r.Symmetric:
			p.errorf(s.inverse, ErrBadInverse, "relation %q is its own inverse; write symmetric: true instead", r.ID)
		case inv.Inverse != "" && inv.Inverse != r.ID:
			p.errorf(s.inverse, ErrBadInverse, "relation %q names %q as its inverse, but %q names %q", r.ID, inv.ID, inv.ID, inv.Inverse)
		}
	}
}

func (p *parser) checkClassRef(o *Ontology, n *yaml.Node, id, list, rel string) {
	if _, ok := o.classByID[id]; ok {
		return
	}
	if _, ok := o.relByID[id]; ok {
		p.errorf(n, ErrUnknownClass, "%q in the %s of relation %q is a relation, not a class", id, list, rel)
		return
	}
	p.errorf(n, ErrUnknownClass, "unknown class %q in the %s of relation %q%s", id, list, rel, didYouMean(o.Nearest(id, 3)))
}
