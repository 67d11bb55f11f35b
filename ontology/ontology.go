package ontology

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"unicode"
	"unicode/utf8"
)

// Ontology is a coding scheme: a forest of classes and the relations that
// may hold between instances of them.
//
// The zero Ontology is empty and ready for AddClass. An Ontology is safe for
// concurrent reads; AddClass must not run concurrently with anything else.
type Ontology struct {
	Name        string
	Version     string
	Description string
	Languages   []string // language codes of labels and cue words, e.g. ["en", "zh"]; empty: any

	classes   []*Class // in file order
	relations []*Relation
	classByID map[string]*Class
	relByID   map[string]*Relation
	children  map[string][]string // parent id → child ids in file order; "" holds the roots
}

// Class is a code of the scheme. Apart from ID, every field may be empty.
type Class struct {
	ID         string
	Parent     string // "" for a root
	Labels     Labels
	Definition string
	Inclusion  string // when to apply the code
	Exclusion  string // when not to, and what to use instead
	Example    string
	Colour     string // "#RRGGBB" or ""
	Cues       Cues   // words that suggest the code, for auto-coding
}

// Relation is a kind of statement "subject relation object" between
// instances of classes.
type Relation struct {
	ID         string
	Labels     Labels
	Definition string
	Example    string
	Domain     []string // classes whose instances may be the subject (with subclasses); empty: any class
	Range      []string // classes whose instances may be the object (with subclasses); empty: any class
	Inverse    string   // the relation that states the same with subject and object swapped, or ""
	Symmetric  bool     // subject and object may be swapped without changing the meaning
	// Cues are words that suggest the relation between two actors named
	// in one sentence, for suggested assertions. A cue may have gaps,
	// written "…" (or "..."): its parts in order, a few words apart
	// ("left … to found").
	Cues Cues
}

// Labels maps a language code to a human-readable name in that language.
type Labels map[string]string

// Cues maps a language code to cue words or phrases in that language.
type Cues map[string][]string

// Label returns c's label in language lang, else its English label, else
// its id.
func (c *Class) Label(lang string) string { return label(c.Labels, lang, c.ID) }

// Label returns r's label in language lang, else its English label, else
// its id.
func (r *Relation) Label(lang string) string { return label(r.Labels, lang, r.ID) }

func label(l Labels, lang, id string) string {
	if s := l[lang]; s != "" {
		return s
	}
	if s := l["en"]; s != "" {
		return s
	}
	return id
}

// Classes returns the classes in the order of the file (classes added with
// AddClass last). The classes are shared with o: callers must not modify
// them.
func (o *Ontology) Classes() []*Class { return slices.Clone(o.classes) }

// Relations returns the relations in the order of the file. The relations
// are shared with o: callers must not modify them.
func (o *Ontology) Relations() []*Relation { return slices.Clone(o.relations) }

// Class returns the class with the given id. The class is shared with o:
// callers must not modify it.
func (o *Ontology) Class(id string) (*Class, bool) {
	c, ok := o.classByID[id]
	return c, ok
}

// Relation returns the relation with the given id. The relation is shared
// with o: callers must not modify it.
func (o *Ontology) Relation(id string) (*Relation, bool) {
	r, ok := o.relByID[id]
	return r, ok
}

// IsA reports whether class id is ancestor or a descendant of it. It is
// reflexive: IsA(x, x) is true for every class x. It is false when either
// class is unknown.
func (o *Ontology) IsA(id, ancestor string) bool {
	if _, ok := o.classByID[ancestor]; !ok {
		return false
	}
	for c, ok := o.classByID[id]; ok; c, ok = o.classByID[c.Parent] {
		if c.ID == ancestor {
			return true
		}
	}
	return false
}

// Ancestors returns the ancestors of class id, its parent first and its root
// last. It returns nil for a root or an unknown class.
func (o *Ontology) Ancestors(id string) []string {
	c, ok := o.classByID[id]
	if !ok {
		return nil
	}
	var ids []string
	for p, ok := o.classByID[c.Parent]; ok; p, ok = o.classByID[p.Parent] {
		ids = append(ids, p.ID)
	}
	return ids
}

// Children returns the ids of the direct subclasses of class id, in file
// order.
func (o *Ontology) Children(id string) []string {
	if id == "" {
		return nil
	}
	return slices.Clone(o.children[id])
}

// Roots returns the ids of the classes without a parent, in file order.
func (o *Ontology) Roots() []string { return slices.Clone(o.children[""]) }

// Descendants returns class id followed by all its subclasses, depth first
// in file order. It returns nil for an unknown class.
func (o *Ontology) Descendants(id string) []string {
	if _, ok := o.classByID[id]; !ok {
		return nil
	}
	ids := []string{id}
	for i := 0; i < len(ids); i++ {
		// Insert the children right after their parent: depth first.
		kids := o.children[ids[i]]
		ids = slices.Insert(ids, i+1, kids...)
	}
	return ids
}

// Inverse returns the relation that states rel with subject and object
// swapped: the relation named by rel's inverse, or a relation that names rel
// as its inverse, or rel itself when rel is symmetric.
func (o *Ontology) Inverse(rel string) (string, bool) {
	r, ok := o.relByID[rel]
	switch {
	case !ok:
		return "", false
	case r.Inverse != "":
		return r.Inverse, true
	case r.Symmetric:
		return r.ID, true
	}
	for _, s := range o.relations {
		if s.Inverse == rel {
			return s.ID, true
		}
	}
	return "", false
}

// AllowsSubject reports whether an instance of class may be the subject of
// relation rel: whether class is one of rel's domain classes or a subclass
// of one. It is false for an unknown relation or class.
func (o *Ontology) AllowsSubject(rel, class string) bool {
	r, ok := o.relByID[rel]
	return ok && o.within(class, r.Domain)
}

// AllowsObject reports whether an instance of class may be the object of
// relation rel: whether class is one of rel's range classes or a subclass of
// one. It is false for an unknown relation or class.
func (o *Ontology) AllowsObject(rel, class string) bool {
	r, ok := o.relByID[rel]
	return ok && o.within(class, r.Range)
}

// within reports whether class is known and is one of classes or below one;
// an empty list allows every class.
func (o *Ontology) within(class string, classes []string) bool {
	if _, ok := o.classByID[class]; !ok {
		return false
	}
	if len(classes) == 0 {
		return true
	}
	for _, a := range classes {
		if o.IsA(class, a) {
			return true
		}
	}
	return false
}

// AddClass adds a class, typically an emergent code under the Emergent root.
// It checks c as Parse would: the id must be well formed and not yet used by
// a class or relation, the parent (if any) must exist, the colour must be
// "#RRGGBB" or empty, and label and cue languages must be listed in
// o.Languages when that is not empty. The error wraps ErrBadID,
// ErrDuplicateID, ErrUnknownParent, ErrBadColour, ErrBadLanguage or
// ErrBadValue. AddClass keeps a copy of c.
func (o *Ontology) AddClass(c Class) error {
	fail := func(kind error, format string, args ...any) error {
		return fmt.Errorf("add class %q: %w: %s", c.ID, kind, fmt.Sprintf(format, args...))
	}
	switch {
	case c.ID == "":
		return fmt.Errorf("add class: %w", ErrMissingID)
	case !validID(c.ID):
		return fail(ErrBadID, "%s", idRule)
	case o.classByID[c.ID] != nil:
		return fail(ErrDuplicateID, "already a class")
	case o.relByID[c.ID] != nil:
		return fail(ErrDuplicateID, "already a relation")
	case c.Parent != "" && o.classByID[c.Parent] == nil:
		return fail(ErrUnknownParent, "%q%s", c.Parent, didYouMean(o.Nearest(c.Parent, 3)))
	case c.Colour != "" && !validColour(c.Colour):
		return fail(ErrBadColour, "%q: %s", c.Colour, colourRule)
	}
	for _, s := range []string{c.Definition, c.Inclusion, c.Exclusion, c.Example} {
		if !utf8.ValidString(s) {
			return fail(ErrBadValue, "text is not valid UTF-8")
		}
	}
	for lang, s := range c.Labels {
		if msg := o.checkLanguage(lang); msg != "" {
			return fail(ErrBadLanguage, "label: %s", msg)
		}
		if !utf8.ValidString(s) {
			return fail(ErrBadValue, "label is not valid UTF-8")
		}
	}
	for lang, words := range c.Cues {
		if msg := o.checkLanguage(lang); msg != "" {
			return fail(ErrBadLanguage, "cues: %s", msg)
		}
		for _, w := range words {
			if !utf8.ValidString(w) {
				return fail(ErrBadValue, "cue word is not valid UTF-8")
			}
		}
	}
	// Normalise as Parse does, so that writing and reading back gives c.
	d := c.clone()
	if len(d.Labels) == 0 {
		d.Labels = nil
	}
	if len(d.Cues) == 0 {
		d.Cues = nil
	}
	for lang, words := range d.Cues {
		if len(words) == 0 {
			d.Cues[lang] = nil
		}
	}
	o.addClass(d)
	return nil
}

// checkLanguage returns why lang may not be used as a language key in o, or
// "".
func (o *Ontology) checkLanguage(lang string) string {
	if !validLanguage(lang) {
		return fmt.Sprintf("%q is not a language code such as en or zh", lang)
	}
	if len(o.Languages) > 0 && !slices.Contains(o.Languages, lang) {
		return fmt.Sprintf("language %q is not in languages %v", lang, o.Languages)
	}
	return ""
}

// addClass adds c and indexes it; c must be valid.
func (o *Ontology) addClass(c *Class) {
	if o.classByID == nil {
		o.classByID = make(map[string]*Class)
		o.children = make(map[string][]string)
	}
	o.classes = append(o.classes, c)
	o.classByID[c.ID] = c
	o.children[c.Parent] = append(o.children[c.Parent], c.ID)
}

// addRelation adds r and indexes it; r must be valid.
func (o *Ontology) addRelation(r *Relation) {
	if o.relByID == nil {
		o.relByID = make(map[string]*Relation)
	}
	o.relations = append(o.relations, r)
	o.relByID[r.ID] = r
}

// Clone returns a deep copy of o, which can be changed with AddClass without
// changing o.
func (o *Ontology) Clone() *Ontology {
	p := &Ontology{
		Name:        o.Name,
		Version:     o.Version,
		Description: o.Description,
		Languages:   slices.Clone(o.Languages),
	}
	for _, c := range o.classes {
		p.addClass(c.clone())
	}
	for _, r := range o.relations {
		p.addRelation(r.clone())
	}
	return p
}

func (c Class) clone() *Class {
	c.Labels = maps.Clone(c.Labels)
	c.Cues = c.Cues.clone()
	return &c
}

func (r Relation) clone() *Relation {
	r.Labels = maps.Clone(r.Labels)
	r.Cues = r.Cues.clone()
	r.Domain = slices.Clone(r.Domain)
	r.Range = slices.Clone(r.Range)
	return &r
}

func (c Cues) clone() Cues {
	if c == nil {
		return nil
	}
	d := make(Cues, len(c))
	for k, v := range c {
		d[k] = slices.Clone(v)
	}
	return d
}

// idRule says what a valid id looks like.
const idRule = "an id starts with a letter and holds only letters, digits, '_' and '-'"

// validID reports whether id follows idRule. Letters may be of any script,
// so that emergent codes can have Chinese names.
func validID(id string) bool {
	for i, r := range id {
		switch {
		case unicode.IsLetter(r):
		case i > 0 && (unicode.IsDigit(r) || r == '_' || r == '-'):
		default:
			return false
		}
	}
	return id != ""
}

const colourRule = `want "#RRGGBB", six hexadecimal digits such as "#1F77B4"`

var colourRE = regexp.MustCompile(`^#[0-9A-Fa-f]{6}$`)

func validColour(s string) bool { return colourRE.MatchString(s) }

var languageRE = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$`)

// validLanguage reports whether s looks like a BCP 47 language tag such as
// "en", "zh" or "zh-Hant".
func validLanguage(s string) bool { return languageRE.MatchString(s) }
