package coding

import (
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Change is one entry of the append-only change log: who did what, when.
// Every write carries one; a store records it with the records it writes.
type Change struct {
	ID     string    `json:"id"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
	Op     string    `json:"op"`     // the command, e.g. "code", "retract"
	Detail string    `json:"detail"` // what it changed, for people
}

// NewChange returns a change with a fresh id, stamped now.
func NewChange(by, op, detail string) Change {
	return Change{ID: uuid.NewString(), By: by, At: time.Now().UTC(), Op: op, Detail: detail}
}

// Code is a code of the codebook that is not (yet) in the ontology: an
// emergent code created during inductive coding, under the Emergent root
// until it is promoted.
type Code struct {
	ID         string    `json:"id"`
	Parent     string    `json:"parent"`
	Definition string    `json:"definition,omitempty"`
	Color      string    `json:"color,omitempty"`
	By         string    `json:"by"`
	Created    time.Time `json:"created"`
	Promoted   bool      `json:"promoted"` // moved into the ontology file
	// Name is the code's name where it is not its id: the name a REFI-QDA
	// import found in the file. Names may repeat under different parents.
	Name string `json:"name,omitempty"`
	// GUID is the code's GUID in the REFI-QDA file it was imported from,
	// which an export writes again.
	GUID string `json:"guid,omitempty"`
}

// Store is what the coding commands need from a graph store. Each write
// method is one transaction: it writes everything or nothing. Writes only
// add records or mark existing ones (uncoded, recoded, retracted); the
// history stays in the store.
type Store interface {
	AddCodings(ch Change, cs []Coding) error
	Uncode(ch Change, cs []Coding) error
	Recode(ch Change, c Coding, code string) error
	AddCode(ch Change, c Code) error
	PromoteCode(ch Change, id, parent string) error
	AddEntity(ch Change, e Entity) error
	AddMentions(ch Change, ms []Mention) error
	AddAssertion(ch Change, a Assertion) error
	Retract(ch Change, id, reason string) error
	AddMemo(ch Change, m Memo) error

	// View returns the current state of every record.
	View() (*View, error)
}

// View is the current state of a project's coding: what the queries read.
// Records are in creation order.
type View struct {
	Codings    []Coding    `json:"codings"` // not uncoded; recodes applied
	Codes      []Code      `json:"codes"`   // emergent codes
	Entities   []Entity    `json:"entities"`
	Mentions   []Mention   `json:"mentions"`
	Assertions []Assertion `json:"assertions"` // retracted ones too, marked
	Memos      []Memo      `json:"memos"`
	Changes    []Change    `json:"changes"`
	// SpeakerAliases are the speaker labels merged into other speakers'
	// names, sorted by alias (see NewSpeakerNames).
	SpeakerAliases []SpeakerAlias `json:"speaker_aliases,omitempty"`
	// Users are the project's users as their changes left them, and
	// Blind whether blind coding is on (see UserChange, BlindChange).
	Users []User `json:"users,omitempty"`
	Blind bool   `json:"blind,omitempty"`
	// Removed are the entities removed or merged into another, as they
	// were; Entities no longer lists them, and their mentions and
	// assertions point to the entity they were merged into (a removed
	// entity's mentions are gone; its retracted assertions stay).
	Removed []RemovedEntity `json:"removed,omitempty"`
	// ExternalUsers and CodingGUIDs are what REFI-QDA imports recorded
	// of the files' users and of the GUIDs of the codings they created
	// (see ExternalIDs), in the order of ExternalIDs.Sort.
	ExternalUsers []ExternalUser `json:"external_users,omitempty"`
	CodingGUIDs   []CodingGUID   `json:"coding_guids,omitempty"`
	// Rejections are the machine suggestions coders rejected.
	Rejections []Rejection `json:"rejections,omitempty"`
}

// User is a user of a project: a name, a role ("owner", "coder" or
// "viewer"; package service gives them their meaning), the hash of their
// token, and who added them when.
type User struct {
	Name      string    `json:"name"`
	Role      string    `json:"role"`
	TokenHash string    `json:"token_sha256"`
	Added     time.Time `json:"added"`
	AddedBy   string    `json:"added_by"`
}

// ApplyUser applies user change u, made by ch, to v: it adds the user (in
// place of one of that name) or removes them.
func (v *View) ApplyUser(ch Change, u UserChange) {
	v.Users = slices.DeleteFunc(v.Users, func(x User) bool { return x.Name == u.Name })
	if !u.Removed {
		v.Users = append(v.Users, User{Name: u.Name, Role: u.Role, TokenHash: u.TokenHash, Added: ch.At, AddedBy: ch.By})
	}
}

// RemovedEntity is an entity removed, or merged into entity Into, by
// change Change.
type RemovedEntity struct {
	Entity Entity    `json:"entity"`
	Into   string    `json:"into,omitempty"`
	Change string    `json:"change"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
}

// User is a person a REFI-QDA file named, who may have coded nothing: an
// export writes every one again with its GUID.
type ExternalUser struct {
	Name string `json:"name"`
	GUID string `json:"guid,omitempty"`
}

// CodingGUID gives the coding Coding the GUID it had in the REFI-QDA file
// it was imported from, and the GUID of the selection that held it, which
// an export writes again.
type CodingGUID struct {
	Coding    string `json:"coding"`
	GUID      string `json:"guid"`
	Selection string `json:"selection,omitempty"`
}

// ExternalIDs is what a REFI-QDA import records of the file's own
// identifiers: its users and the GUIDs of the codings it created.
type ExternalIDs struct {
	Users   []ExternalUser `json:"users,omitempty"`
	Codings []CodingGUID   `json:"codings,omitempty"`
}

// Sort puts x in canonical order (users by name then GUID, codings by
// coding id) and drops exact repeats.
func (x *ExternalIDs) Sort() {
	sort.Slice(x.Users, func(i, j int) bool {
		a, b := x.Users[i], x.Users[j]
		return a.Name < b.Name || a.Name == b.Name && a.GUID < b.GUID
	})
	x.Users = slices.Compact(x.Users)
	sort.Slice(x.Codings, func(i, j int) bool {
		a, b := x.Codings[i], x.Codings[j]
		return a.Coding < b.Coding || a.Coding == b.Coding && (a.GUID < b.GUID || a.GUID == b.GUID && a.Selection < b.Selection)
	})
	x.Codings = slices.Compact(x.Codings)
}

// Sort puts every list of v in a canonical order: by creation time, then id
// (entities and codes by id).
func (v *View) Sort() {
	byTime(v.Codings, func(c Coding) (time.Time, string) { return c.Created, c.ID })
	byTime(v.Mentions, func(m Mention) (time.Time, string) { return m.Created, m.ID })
	byTime(v.Assertions, func(a Assertion) (time.Time, string) { return a.Created, a.ID })
	byTime(v.Memos, func(m Memo) (time.Time, string) { return m.Created, m.ID })
	byTime(v.Changes, func(c Change) (time.Time, string) { return c.At, c.ID })
	byTime(v.Rejections, func(r Rejection) (time.Time, string) { return r.Created, r.ID + "\x00" + r.Coder })
	sort.Slice(v.Entities, func(i, j int) bool { return v.Entities[i].ID < v.Entities[j].ID })
	sort.Slice(v.Codes, func(i, j int) bool { return v.Codes[i].ID < v.Codes[j].ID })
	byTime(v.Users, func(u User) (time.Time, string) { return u.Added, u.Name })
	sort.Slice(v.Removed, func(i, j int) bool { return v.Removed[i].Entity.ID < v.Removed[j].Entity.ID })
	if len(v.ExternalUsers)+len(v.CodingGUIDs) > 0 {
		x := ExternalIDs{Users: v.ExternalUsers, Codings: v.CodingGUIDs}
		x.Sort()
		v.ExternalUsers, v.CodingGUIDs = x.Users, x.Codings
	}
}

func byTime[T any](xs []T, key func(T) (time.Time, string)) {
	less := func(a, b T) int {
		ta, ida := key(a)
		tb, idb := key(b)
		if c := ta.Compare(tb); c != 0 {
			return c
		}
		return strings.Compare(ida, idb)
	}
	// Records usually arrive in order (a projection is replayed in the
	// order it was written): checking is linear, sorting is not.
	if slices.IsSortedFunc(xs, less) {
		return
	}
	slices.SortStableFunc(xs, less)
}
