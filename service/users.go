package service

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/qualgraph/qualgraph/coding"
)

// Users, roles and blind coding.
//
// A project's users are recorded changes (coding.UserChange), so every
// reader sees them. Each has a role:
//
//	owner   everything: codes, changes anyone's records, manages users,
//	        the ontology, documents and blind mode
//	coder   reads; creates codings, mentions, entities, assertions, memos
//	        and emergent codes; removes, recodes, retracts or changes only
//	        the records they made themselves
//	viewer  reads only
//
// and a token, shown once by AddUser: the project keeps only its SHA-256
// hash. A server authenticates a request's token (Authenticate), then
// asks Authorize whether the user may do what it asks, and hides from
// it, in blind mode, what Visible says it may not see.
//
// A local user acts as owner (LocalUser): the command line, and a server
// on 127.0.0.1 for a project without users, where whoever can reach the
// project can also read and write its files.

// Role is what a user may do: RoleOwner, RoleCoder or RoleViewer.
type Role string

// The roles.
const (
	RoleOwner  Role = "owner"
	RoleCoder  Role = "coder"
	RoleViewer Role = "viewer"
)

// Roles are the roles, from the most to the least allowed.
var Roles = []Role{RoleOwner, RoleCoder, RoleViewer}

func (r Role) valid() bool { return r == RoleOwner || r == RoleCoder || r == RoleViewer }

// User is a user of the project, without their token.
type User struct {
	Name    string    `json:"name"`
	Role    Role      `json:"role"`
	Added   time.Time `json:"added"`
	AddedBy string    `json:"added_by"`
}

// LocalUser returns the user named name acting as owner: the command
// line's user, or a server's on 127.0.0.1 for a project without users.
func LocalUser(name string) User { return User{Name: name, Role: RoleOwner} }

// Errors of the user use cases.
var (
	// ErrBadToken is returned by Authenticate for a token that is no
	// user's.
	ErrBadToken = errors.New("bad token")
	// ErrPermission is wrapped by *PermissionError.
	ErrPermission = errors.New("permission denied")
	// ErrUserExists is returned by AddUser for a name taken.
	ErrUserExists = errors.New("user exists")
	// ErrUnknownUser is returned by RemoveUser for a name that is no
	// user's.
	ErrUnknownUser = errors.New("no such user")
	// ErrLastOwner is returned by RemoveUser for the last owner, and by
	// AddUser for a first user who is not an owner: a project with users
	// always has an owner to manage them.
	ErrLastOwner = errors.New("a project with users needs an owner")
	// ErrBadUserName is returned by AddUser for an empty name, or one
	// with control or formatting characters, or blanks at its ends.
	ErrBadUserName = errors.New("bad user name")
)

// maxUserName bounds the length of a user name, in bytes.
const maxUserName = 100

// checkUserName returns an error wrapping ErrBadUserName unless name is
// a name fit to show: not empty, valid UTF-8, without control or
// formatting characters (tabs, new lines, bidirectional overrides) and
// without blanks at its ends.
func checkUserName(name string) error {
	bad := func(why string) error { return fmt.Errorf("user name %q: %w: %s", name, ErrBadUserName, why) }
	switch {
	case name == "":
		return bad("empty")
	case len(name) > maxUserName:
		return bad(fmt.Sprintf("longer than %d bytes", maxUserName))
	case !utf8.ValidString(name):
		return bad("not UTF-8")
	}
	for _, r := range name {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return bad(fmt.Sprintf("holds the control or formatting character %U", r))
		}
	}
	first, _ := utf8.DecodeRuneInString(name)
	last, _ := utf8.DecodeLastRuneInString(name)
	if unicode.IsSpace(first) || unicode.IsSpace(last) {
		return bad("blank at an end")
	}
	return nil
}

// hashToken returns the hex SHA-256 of token, as the project keeps it.
func hashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

func userOf(u coding.User) User {
	return User{Name: u.Name, Role: Role(u.Role), Added: u.Added, AddedBy: u.AddedBy}
}

// AddUser adds user name with role, recorded as added by by, and returns
// their token: 32 random bytes in hex, which the project does not keep
// (only its hash), so the caller shows it once. A role other than the
// three is an *OptionError; a name taken an error wrapping ErrUserExists;
// a bad name one wrapping ErrBadUserName; a first user who is not an
// owner one wrapping ErrLastOwner.
func (s *Service) AddUser(ctx context.Context, by string, name string, role Role) (token string, err error) {
	if !role.valid() {
		return "", &OptionError{Option: "role", Value: string(role), Want: "owner, coder or viewer"}
	}
	if err := checkUserName(name); err != nil {
		return "", err
	}
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("add user %s: %w", name, err)
	}
	token = hex.EncodeToString(b[:])
	u := coding.UserChange{Name: name, Role: string(role), TokenHash: hashToken(token)}
	err = s.p.ChangeUser(ctx, by, u, func(users []coding.User) error {
		if len(users) == 0 && role != RoleOwner {
			return fmt.Errorf("add user %s as %s: %w: the first user must be an owner (add one with role owner first)", name, role, ErrLastOwner)
		}
		for _, x := range users {
			if x.Name == name {
				return fmt.Errorf("add user %s: %w (a %s since %s; remove them first to change their role or token)", name, ErrUserExists, x.Role, x.Added.Format(time.DateOnly))
			}
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// Users returns the project's users, in the order they were added.
func (s *Service) Users(ctx context.Context) ([]User, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	us, _, err := s.p.Users()
	if err != nil {
		return nil, err
	}
	out := make([]User, len(us))
	for i, u := range us {
		out[i] = userOf(u)
	}
	return out, nil
}

// RemoveUser removes user name, recorded as removed by by; their token
// stops working. An unknown name is an error wrapping ErrUnknownUser;
// the last owner one wrapping ErrLastOwner.
func (s *Service) RemoveUser(ctx context.Context, by, name string) error {
	return s.p.ChangeUser(ctx, by, coding.UserChange{Name: name, Removed: true}, func(users []coding.User) error {
		owners, found := 0, false // owners but name
		for _, u := range users {
			if u.Role == string(RoleOwner) && u.Name != name {
				owners++
			}
			found = found || u.Name == name
		}
		switch {
		case !found:
			return fmt.Errorf("remove user %q: %w", name, ErrUnknownUser)
		case owners == 0:
			return fmt.Errorf("remove user %s: %w: they are its last owner (add another owner first)", name, ErrLastOwner)
		}
		return nil
	})
}

// Authenticate returns the user whose token is token, or ErrBadToken. It
// compares the token's hash with every user's in constant time, and
// compares them all whichever matches, so that its time says nothing of
// which user, or how much of a hash, matched.
func (s *Service) Authenticate(ctx context.Context, token string) (User, error) {
	if err := ctx.Err(); err != nil {
		return User{}, err
	}
	us, _, err := s.p.Users()
	if err != nil {
		return User{}, err
	}
	h := []byte(hashToken(token))
	found := -1
	for i, u := range us {
		if subtle.ConstantTimeCompare(h, []byte(u.TokenHash)) == 1 {
			found = i
		}
	}
	if found < 0 || token == "" {
		return User{}, ErrBadToken
	}
	return userOf(us[found]), nil
}

// SetBlind switches blind coding on or off (see Visible), recorded as
// done by by; switching it to what it is records nothing.
func (s *Service) SetBlind(ctx context.Context, by string, on bool) error {
	_, err := s.p.SetBlind(ctx, by, on)
	return err
}

// Blind reports whether blind coding is on.
func (s *Service) Blind(ctx context.Context) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	_, on, err := s.p.Users()
	return on, err
}

// Action is what a user asks to do, for Authorize.
type Action string

// The actions.
const (
	// ActRead reads: documents, codings, assertions, analyses, exports.
	ActRead Action = "read"
	// ActCode creates records: codings, mentions, entities, assertions,
	// memos and emergent codes.
	ActCode Action = "code"
	// ActChange removes, recodes, retracts or otherwise changes a record
	// (a coding, mention, assertion or memo) made by the user that
	// Authorize's owner argument names.
	ActChange Action = "change"
	// ActManage manages the project: users, blind mode, the ontology
	// (and promoting codes into it), importing documents and setting
	// their attributes.
	ActManage Action = "manage"
)

// Actions are the actions, for tables and tests.
var Actions = []Action{ActRead, ActCode, ActChange, ActManage}

// PermissionError reports that User, with Role, may not do Action (to a
// record of Owner, for ActChange).
type PermissionError struct {
	User   string
	Role   Role
	Action Action
	Owner  string
}

func (e *PermissionError) Error() string {
	switch {
	case e.Action == ActChange && e.Role == RoleCoder:
		return fmt.Sprintf("permission denied: %s is a coder and may change only their own records, not %s's", e.User, e.Owner)
	case !e.Role.valid():
		return fmt.Sprintf("permission denied: %s has no role (%q)", e.User, e.Role)
	}
	return fmt.Sprintf("permission denied: %s is a %s and may not %s", e.User, e.Role, e.Action)
}

// Unwrap returns ErrPermission.
func (e *PermissionError) Unwrap() error { return ErrPermission }

// Authorize returns nil if u may do act, or a *PermissionError: viewers
// read only; coders read, create records (ActCode) and change those whose
// coder or author, owner, is themselves; owners do everything. owner
// matters only for ActChange.
func (s *Service) Authorize(ctx context.Context, u User, act Action, owner string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	ok := false
	switch u.Role {
	case RoleOwner:
		ok = act == ActRead || act == ActCode || act == ActChange || act == ActManage
	case RoleCoder:
		ok = act == ActRead || act == ActCode || act == ActChange && owner == u.Name && owner != ""
	case RoleViewer:
		ok = act == ActRead
	}
	if !ok {
		return &PermissionError{User: u.Name, Role: u.Role, Action: act, Owner: owner}
	}
	return nil
}

// Visible returns whether u may see the codings, mentions, assertions and
// memos of a coder (or author): in blind mode, a coder or viewer sees
// only their own, an owner everyone's; otherwise everyone sees
// everyone's. If it cannot tell whether blind mode is on, it shows u only
// their own.
func (s *Service) Visible(ctx context.Context, u User) func(coder string) bool {
	blind, err := s.Blind(ctx)
	if err == nil && (!blind || u.Role == RoleOwner) {
		return func(string) bool { return true }
	}
	name := u.Name
	return func(coder string) bool { return coder == name && name != "" }
}
