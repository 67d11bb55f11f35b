package coding

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Event is one command's change to the coding of a project, as the
// project's ordered record keeps it: the Change that says who did what,
// and exactly one kind of record it writes. The stores derived from the
// record (the graph and its projection) apply events in the record's
// order; applying one is deterministic, so a store that lost its last
// entries applies them again and reaches the same state.
type Event struct {
	Change Change `json:"change"`

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
	Quotes  []Quote     `json:"quotes,omitempty"`
	Retract *Retraction `json:"retract,omitempty"`
	Memo    *Memo       `json:"memo,omitempty"`
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
	add(len(e.Codings) > 0, "codings")
	add(len(e.Uncode) > 0, "uncode")
	add(e.Recode != nil, "recode")
	add(e.Code != nil, "code")
	add(e.Promote != nil, "promote")
	add(len(e.Entities) > 0, "entities")
	add(len(e.Mentions) > 0, "mentions")
	add(len(e.Assertions) > 0, "assertions")
	add(e.Retract != nil, "retract")
	add(e.Memo != nil, "memo")
	if len(e.Quotes) > 0 && len(e.Assertions) == 0 {
		return "", fmt.Errorf("%w %s: quotes without assertions", ErrBadEvent, e.Change.ID)
	}
	if len(kinds) != 1 {
		return "", fmt.Errorf("%w %s: writes %d kinds of record %v, want one", ErrBadEvent, e.Change.ID, len(kinds), kinds)
	}
	if e.Change.ID == "" {
		return "", fmt.Errorf("%w: no change id", ErrBadEvent)
	}
	return kinds[0], nil
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
