package coding

import (
	"errors"
	"fmt"
	"strings"

	"github.com/qualgraph/qualgraph/ontology"
)

// Errors of validation. The errors returned wrap one of them.
var (
	ErrUnknownCode      = errors.New("unknown code")
	ErrUnknownDoc       = errors.New("unknown document")
	ErrUnknownEntity    = errors.New("unknown entity")
	ErrUnknownRelation  = errors.New("unknown relation")
	ErrUnknownCoding    = errors.New("unknown coding")
	ErrUnknownAssertion = errors.New("unknown assertion")
	ErrUnknownSpeaker   = errors.New("no turn of that speaker")
	ErrDomain           = errors.New("subject not in the relation's domain")
	ErrRange            = errors.New("object not in the relation's range")
	ErrNotPractice      = errors.New("not a practice")
	ErrNotPhase         = errors.New("not a cluster phase")
	ErrNotActor         = errors.New("not an actor class")
	ErrRetracted        = errors.New("assertion already retracted")
	ErrPromoted         = errors.New("already promoted")
	ErrNoEvidence       = errors.New("an assertion needs at least one evidence span")
	ErrConfidence       = errors.New("confidence must be between 0 and 1")
	ErrPolarity         = errors.New("polarity must be positive or negative")
	ErrDuplicate        = errors.New("already exists")
	ErrConflict         = errors.New("changed meanwhile")
	ErrBadID            = errors.New("bad id")
)

// Roots of the ontology branches that assertions refer to.
const (
	RootActor    = "Actor"
	RootPractice = "Practice"
	RootPhase    = "ClusterPhase"
	RootEmergent = "Emergent"
)

// ConflictError refuses a change to a record that another change made
// since the caller read it: two coders recoding one coding at once, say.
type ConflictError struct {
	What, ID string // "coding", its id
	Saw, Now string // what the caller saw, what it is now
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("%s %s: %v: it is now %s, not %s as when you read it; look again and retry", e.What, e.ID, ErrConflict, e.Now, e.Saw)
}

func (e *ConflictError) Unwrap() error { return ErrConflict }

// UnknownError names an unknown id, the nearest known ones and, where
// they are few enough to list, all the known ones.
type UnknownError struct {
	What    string // "code", "relation", ...
	ID      string
	Nearest []string
	Known   []string // every known id, if listed
	Err     error
}

func (e *UnknownError) Error() string {
	s := fmt.Sprintf("unknown %s %q", e.What, e.ID)
	if len(e.Nearest) > 0 {
		s += "; did you mean " + strings.Join(e.Nearest, ", ") + "?"
	}
	if len(e.Known) > 0 {
		s += " (known: " + strings.Join(e.Known, ", ") + ")"
	}
	return s
}

// RelationIDs returns the ids of the codebook's relations, in the
// ontology's order.
func (cb *Codebook) RelationIDs() []string {
	var ids []string
	for _, r := range cb.Relations() {
		ids = append(ids, r.ID)
	}
	return ids
}

func (e *UnknownError) Unwrap() error { return e.Err }

// RuleError says which rule an assertion broke and what would be allowed.
type RuleError struct {
	Msg     string
	Allowed []string
	Err     error
}

func (e *RuleError) Error() string {
	if len(e.Allowed) == 0 {
		return e.Msg
	}
	return e.Msg + " (allowed: " + strings.Join(e.Allowed, ", ") + ")"
}

func (e *RuleError) Unwrap() error { return e.Err }

// Codebook is the ontology with the project's emergent codes added.
type Codebook struct {
	*ontology.Ontology
}

// NewCodebook returns the ontology with the emergent codes that are not
// yet promoted added under their parents (Emergent by default).
func NewCodebook(o *ontology.Ontology, codes []Code) (*Codebook, error) {
	o = o.Clone()
	if _, ok := o.Class(RootEmergent); !ok {
		if err := o.AddClass(ontology.Class{ID: RootEmergent, Labels: ontology.Labels{"en": "Emergent codes"}}); err != nil {
			return nil, err
		}
	}
	pending := codes
	// Parents may be emergent codes added later in the list: add in rounds.
	for len(pending) > 0 {
		var next []Code
		for _, c := range pending {
			if _, ok := o.Class(c.ID); ok {
				continue // promoted: in the ontology file now
			}
			parent := c.Parent
			if parent == "" {
				parent = RootEmergent
			}
			if _, ok := o.Class(parent); !ok {
				next = append(next, c)
				continue
			}
			if err := o.AddClass(ontology.Class{ID: c.ID, Parent: parent, Definition: c.Definition, Colour: c.Color}); err != nil {
				return nil, fmt.Errorf("emergent code %s: %w", c.ID, err)
			}
		}
		if len(next) == len(pending) {
			return nil, fmt.Errorf("emergent code %s: parent %q: %w", next[0].ID, next[0].Parent, ErrUnknownCode)
		}
		pending = next
	}
	return &Codebook{o}, nil
}

// CheckCode returns nil if id is a class of the codebook, else an
// *UnknownError listing the nearest ids.
func (cb *Codebook) CheckCode(id string) error {
	if _, ok := cb.Class(id); ok {
		return nil
	}
	return &UnknownError{What: "code", ID: id, Nearest: cb.Nearest(id, 3), Err: ErrUnknownCode}
}

// IsA reports whether class id is ancestor or one of its subclasses.
func (cb *Codebook) under(id, root string) bool { return cb.IsA(id, root) }

// CheckEntityType checks that class is an actor class (Actor or a class
// under it), the only types an entity may have. An unknown class is an
// *UnknownError; a class that is not an actor a *RuleError wrapping
// ErrNotActor that lists the actor classes.
func (cb *Codebook) CheckEntityType(class string) error {
	if err := cb.CheckCode(class); err != nil {
		return err
	}
	if !cb.IsA(class, RootActor) {
		return &RuleError{Msg: fmt.Sprintf("type %s: %v; an entity is an actor", class, ErrNotActor),
			Allowed: cb.Descendants(RootActor), Err: ErrNotActor}
	}
	return nil
}

// CheckAssertion checks a against the codebook: the relation exists, the
// subject's class is within its domain and the object's within its range
// (subclasses count), practice and phase come from the Practice and
// ClusterPhase branches, polarity and confidence are valid and there is
// evidence. entityType returns an entity's class. Objects written
// "class:ID" (or an id that is no entity but a class) are concepts.
// Evidence spans are checked by the caller, who knows the documents.
func (cb *Codebook) CheckAssertion(a *Assertion, entityType func(id string) (string, bool)) error {
	rel, ok := cb.Relation(a.Relation)
	if !ok {
		return &UnknownError{What: "relation", ID: a.Relation, Nearest: cb.NearestRelation(a.Relation, 3), Known: cb.RelationIDs(), Err: ErrUnknownRelation}
	}
	st, ok := entityType(a.Subject)
	if !ok {
		return &UnknownError{What: "entity", ID: a.Subject, Err: ErrUnknownEntity}
	}
	if !cb.AllowsSubject(rel.ID, st) {
		return &RuleError{Msg: fmt.Sprintf("%s is a %s, which cannot be the subject of %s", a.Subject, st, rel.ID), Allowed: rel.Domain, Err: ErrDomain}
	}
	objClass, isConcept := "", false
	if c, ok := strings.CutPrefix(a.Object, "class:"); ok {
		objClass, isConcept = c, true
	} else if t, ok := entityType(a.Object); ok {
		objClass = t
	} else if _, ok := cb.Class(a.Object); ok {
		objClass, isConcept = a.Object, true
	} else {
		return &UnknownError{What: "entity or concept", ID: a.Object, Err: ErrUnknownEntity}
	}
	if isConcept {
		if _, ok := cb.Class(objClass); !ok {
			return cb.CheckCode(objClass)
		}
		if cb.IsA(objClass, RootActor) || !cb.AllowsObject(rel.ID, objClass) {
			return &RuleError{Msg: fmt.Sprintf("the concept %s cannot be the object of %s", objClass, rel.ID), Allowed: rel.Range, Err: ErrRange}
		}
		a.Object = "class:" + objClass
	} else if !cb.AllowsObject(rel.ID, objClass) {
		return &RuleError{Msg: fmt.Sprintf("%s is a %s, which cannot be the object of %s", a.Object, objClass, rel.ID), Allowed: rel.Range, Err: ErrRange}
	}
	if a.Practice != "" && !cb.under(a.Practice, RootPractice) {
		if err := cb.CheckCode(a.Practice); err != nil {
			return err
		}
		return &RuleError{Msg: fmt.Sprintf("%s is not a practice", a.Practice), Allowed: cb.Descendants(RootPractice)[1:], Err: ErrNotPractice}
	}
	if a.Phase != "" && !cb.under(a.Phase, RootPhase) {
		if err := cb.CheckCode(a.Phase); err != nil {
			return err
		}
		return &RuleError{Msg: fmt.Sprintf("%s is not a cluster phase", a.Phase), Allowed: cb.Descendants(RootPhase)[1:], Err: ErrNotPhase}
	}
	switch a.Polarity {
	case "":
		a.Polarity = Positive
	case Positive, Negative:
	default:
		return &RuleError{Msg: fmt.Sprintf("polarity %q", a.Polarity), Allowed: []string{"positive", "negative"}, Err: ErrPolarity}
	}
	if a.Confidence < 0 || a.Confidence > 1 || a.Confidence != a.Confidence {
		return &RuleError{Msg: fmt.Sprintf("confidence %v: %v (from 0, none, to 1, certain)", a.Confidence, ErrConfidence), Err: ErrConfidence}
	}
	if len(a.Evidence) == 0 {
		return ErrNoEvidence
	}
	return nil
}
