package coding

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/qualgraph/qualgraph/corpus"
)

// Event is one command's change to the coding of a project, as the
// project's ordered record keeps it: the Change that says who did what,
// and exactly one kind of record it writes. The stores derived from the
// record (the graph and its projection) apply events in the record's
// order; applying one is deterministic, so a store that lost its last
// entries applies them again and reaches the same state.
type Event struct {
	Change Change `json:"change"`

	// Documents are imported documents: what is known about them, without
	// their text and segments, which the project keeps in its sources
	// (written and synced before the event is recorded).
	Documents []*corpus.Document `json:"documents,omitempty"`
	Attrs     *DocAttrs          `json:"attrs,omitempty"`
	// Steps make one event of several changes that must happen together
	// or not at all (a REFI-QDA import); each has its own Change.
	Steps []*Event `json:"steps,omitempty"`

	Codings    []Coding    `json:"codings,omitempty"`
	Uncode     []Coding    `json:"uncode,omitempty"`
	Recode     *Recoding   `json:"recode,omitempty"`
	Code       *Code       `json:"code,omitempty"`
	Promote    *Promotion  `json:"promote,omitempty"`
	Entities   []Entity    `json:"entities,omitempty"`
	Mentions   []Mention   `json:"mentions,omitempty"`
	Assertions []Assertion `json:"assertions,omitempty"`
	// Quotes are the texts of the assertions' evidence spans, kept with
	// them for the commands that show evidence.
	Quotes []Quote `json:"quotes,omitempty"`
	// Evidence adds spans to an assertion's evidence, which keeps its id;
	// Quotes are their texts. Who added them and when is the Change.
	Evidence *AddedEvidence `json:"evidence,omitempty"`
	Retract  *Retraction    `json:"retract,omitempty"`
	Memo     *Memo          `json:"memo,omitempty"`
	// SpeakerAlias merges a speaker label into another speaker's name,
	// or undoes that.
	SpeakerAlias *SpeakerAlias `json:"speaker_alias,omitempty"`

	// User adds or removes a user of the project; Blind switches blind
	// coding on or off (see User and View.Blind).
	User  *UserChange  `json:"user,omitempty"`
	Blind *BlindChange `json:"blind,omitempty"`
	// EntityChange renames, aliases, merges or removes an entity.
	EntityChange *EntityChange `json:"entity_change,omitempty"`
	// GUIDs are the users and coding GUIDs of a REFI-QDA file an import
	// keeps, so that an export writes them again.
	GUIDs *ExternalIDs `json:"guids,omitempty"`
	// Rejections are machine suggestions that a coder rejected.
	Rejections []Rejection `json:"rejections,omitempty"`
}

// UserChange adds user Name with role Role and the hash of their token,
// or, with Removed, removes user Name. Who added them and when is the
// event's Change.
type UserChange struct {
	Name      string `json:"name"`
	Role      string `json:"role,omitempty"`
	TokenHash string `json:"token_sha256,omitempty"` // hex SHA-256 of the token; never the token
	Removed   bool   `json:"removed,omitempty"`
}

// BlindChange switches blind coding on or off.
type BlindChange struct {
	On bool `json:"on"`
}

// EntityChange is one change to entity ID, which is exactly one of: a new
// Name (rename); Aliases added and nothing else (alias); Merge, the
// entities merged into ID, whose mentions and assertions point to ID
// afterwards and whose names and aliases ID gains as Aliases (merge);
// Remove (remove). Retract lists the assertions that the change retracts:
// those that a merge makes a self-loop or a repeat of another, and those
// of a removed entity. Edges are the direct edges a merge gives ID in the
// graph, one for each moved assertion that stays.
type EntityChange struct {
	ID      string          `json:"id"`
	Name    string          `json:"name,omitempty"`
	Aliases []string        `json:"aliases,omitempty"`
	Merge   []string        `json:"merge,omitempty"`
	Remove  bool            `json:"remove,omitempty"`
	Retract []Retraction    `json:"retract,omitempty"`
	Edges   []AssertionEdge `json:"edges,omitempty"`
}

// Op names what c does: "rename", "alias", "merge" or "remove"; an error
// unless it does exactly one of them.
func (c *EntityChange) Op() (string, error) {
	var ops []string
	if c.Name != "" {
		ops = append(ops, "rename")
	}
	if len(c.Merge) > 0 {
		ops = append(ops, "merge")
	} else if len(c.Aliases) > 0 {
		ops = append(ops, "alias")
	}
	if c.Remove {
		ops = append(ops, "remove")
	}
	if c.ID == "" {
		return "", fmt.Errorf("%w: entity change without an entity", ErrBadEvent)
	}
	if len(ops) != 1 {
		return "", fmt.Errorf("%w: entity change of %s does %v, want one of rename, alias, merge, remove", ErrBadEvent, c.ID, ops)
	}
	if len(c.Edges) > 0 && ops[0] != "merge" || len(c.Retract) > 0 && ops[0] != "merge" && ops[0] != "remove" {
		return "", fmt.Errorf("%w: entity %s: %s with edges or retractions", ErrBadEvent, c.ID, ops[0])
	}
	return ops[0], nil
}

// AssertionEdge is the direct edge Subject -Relation-> Object of
// assertion Assertion.
type AssertionEdge struct {
	Assertion string `json:"assertion"`
	Subject   string `json:"subject"`
	Relation  string `json:"relation"`
	Object    string `json:"object"`
}

// DocAttrs sets attributes of document Doc.
type DocAttrs struct {
	Doc   string       `json:"doc"`
	Attrs corpus.Attrs `json:"attrs"`
}

// Recoding gives Coding the code Code.
type Recoding struct {
	Coding Coding `json:"coding"`
	Code   string `json:"code"`
}

// Promotion moves emergent code ID into the ontology under Parent.
type Promotion struct {
	ID     string `json:"id"`
	Parent string `json:"parent"`
}

// Quote is the text of an evidence span.
type Quote struct {
	Span Span   `json:"span"`
	Text string `json:"text"`
}

// AddedEvidence adds Spans to the evidence of assertion Assertion, as its
// spans From, From+1, …: From is the number of spans its evidence held
// before.
type AddedEvidence struct {
	Assertion string `json:"assertion"`
	From      int    `json:"from"`
	Spans     []Span `json:"spans"`
}

// Retraction retracts assertion ID.
type Retraction struct {
	ID     string `json:"id"`
	Reason string `json:"reason,omitempty"`
}

// ErrBadEvent is wrapped by the errors of events that are not one change.
var ErrBadEvent = errors.New("bad event")

// Kind names what e writes: "codings", "uncode", …; an error unless it
// writes exactly one kind of record.
func (e *Event) Kind() (string, error) {
	var kinds []string
	add := func(set bool, k string) {
		if set {
			kinds = append(kinds, k)
		}
	}
	add(len(e.Documents) > 0, "documents")
	add(e.Attrs != nil, "attrs")
	add(len(e.Steps) > 0, "steps")
	add(len(e.Codings) > 0, "codings")
	add(len(e.Uncode) > 0, "uncode")
	add(e.Recode != nil, "recode")
	add(e.Code != nil, "code")
	add(e.Promote != nil, "promote")
	add(len(e.Entities) > 0, "entities")
	add(len(e.Mentions) > 0, "mentions")
	add(len(e.Assertions) > 0, "assertions")
	add(e.Evidence != nil, "evidence")
	add(e.Retract != nil, "retract")
	add(e.Memo != nil, "memo")
	add(e.User != nil, "user")
	add(e.Blind != nil, "blind")
	add(e.SpeakerAlias != nil, "speaker-alias")
	add(e.EntityChange != nil, "entity_change")
	add(e.GUIDs != nil, "guids")
	add(len(e.Rejections) > 0, "rejections")
	if len(e.Quotes) > 0 && len(e.Assertions) == 0 && e.Evidence == nil {
		return "", fmt.Errorf("%w %s: quotes without assertions or evidence", ErrBadEvent, e.Change.ID)
	}
	if ev := e.Evidence; ev != nil && (ev.Assertion == "" || ev.From < 0 || len(ev.Spans) == 0) {
		return "", fmt.Errorf("%w %s: evidence without assertion or spans", ErrBadEvent, e.Change.ID)
	}
	if len(kinds) != 1 {
		return "", fmt.Errorf("%w %s: writes %d kinds of record %v, want one", ErrBadEvent, e.Change.ID, len(kinds), kinds)
	}
	if a := e.SpeakerAlias; a != nil && (strings.TrimSpace(a.Alias) == "" || !a.Remove && strings.TrimSpace(a.Name) == "") {
		return "", fmt.Errorf("%w %s: speaker alias %q of %q: empty name", ErrBadEvent, e.Change.ID, a.Alias, a.Name)
	}
	if e.Change.ID == "" {
		return "", fmt.Errorf("%w: no change id", ErrBadEvent)
	}
	if e.User != nil && (e.User.Name == "" || !e.User.Removed && (e.User.Role == "" || e.User.TokenHash == "")) {
		return "", fmt.Errorf("%w %s: user change without name, role or token hash", ErrBadEvent, e.Change.ID)
	}
	if e.EntityChange != nil {
		if _, err := e.EntityChange.Op(); err != nil {
			return "", err
		}
	}
	for _, s := range e.Steps {
		if _, err := s.Kind(); err != nil {
			return "", err
		}
		if len(s.Steps) > 0 {
			return "", fmt.Errorf("%w %s: steps within steps", ErrBadEvent, e.Change.ID)
		}
	}
	return kinds[0], nil
}

// ChangesDocuments reports whether e imports documents or sets their
// attributes, which the full-text index holds.
func (e *Event) ChangesDocuments() bool {
	if len(e.Documents) > 0 || e.Attrs != nil {
		return true
	}
	for _, s := range e.Steps {
		if s.ChangesDocuments() {
			return true
		}
	}
	return false
}

// DocumentIDs returns the ids of the documents e imports or changes.
func (e *Event) DocumentIDs() []string {
	var ids []string
	for _, d := range e.Documents {
		ids = append(ids, d.ID)
	}
	if e.Attrs != nil {
		ids = append(ids, e.Attrs.Doc)
	}
	for _, s := range e.Steps {
		ids = append(ids, s.DocumentIDs()...)
	}
	return ids
}

// MarshalEvent encodes e for the record.
func MarshalEvent(e *Event) ([]byte, error) {
	if _, err := e.Kind(); err != nil {
		return nil, err
	}
	return json.Marshal(e)
}

// UnmarshalEvent decodes an event of the record.
func UnmarshalEvent(b []byte) (*Event, error) {
	var e Event
	if err := json.Unmarshal(b, &e); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadEvent, err)
	}
	if _, err := e.Kind(); err != nil {
		return nil, err
	}
	return &e, nil
}
