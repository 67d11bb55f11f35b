package server

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Principal is who makes a request: a user's name and role (owner, coder
// or viewer).
type Principal struct {
	Name, Role string
}

// Authenticator knows the users of a project. The server asks it who a
// token belongs to and what a user may do; it keeps no users of its own.
type Authenticator interface {
	// HasUsers reports whether the project has any user. Without users,
	// the server serves loopback addresses only, and everyone there is
	// the local owner.
	HasUsers(ctx context.Context) (bool, error)
	// Authenticate returns the user whose token this is, or an error
	// wrapping ErrUnauthenticated.
	Authenticate(ctx context.Context, token string) (Principal, error)
	// Authorize returns nil if p may do action (one of the route table's
	// permission actions) on something owned by owner ("" for something
	// new or nobody's), else an error wrapping ErrForbidden.
	Authorize(ctx context.Context, p Principal, action string, owner string) error
	// Visible returns which coders' codings, assertions and memos p may
	// see (blind coding hides the others').
	Visible(ctx context.Context, p Principal) (func(coder string) bool, error)
}

// Permission actions of the route table.
const (
	ActRead   = "read"   // every read endpoint
	ActCode   = "code"   // codings, mentions, entities, emergent codes
	ActAssert = "assert" // assertions
	ActMemo   = "memo"   // memos
	ActOwner  = "owner"  // the codebook's ontology (promote)
)

// RoleOwner is the role of the local owner.
const RoleOwner = "owner"

// sessionCookie is the name of the session cookie.
const sessionCookie = "qualgraph_session"

// session is a signed-in browser: who, and the CSRF token its unsafe
// requests must carry.
type session struct {
	p       Principal
	csrf    string
	expires time.Time
}

// sessions holds the browser sessions in memory: a restart signs
// everyone out.
type sessions struct {
	mu sync.Mutex
	m  map[string]*session
}

const sessionTTL = 12 * time.Hour

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (ss *sessions) add(p Principal) (id string, s *session) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.m == nil {
		ss.m = map[string]*session{}
	}
	now := time.Now()
	for k, s := range ss.m {
		if now.After(s.expires) {
			delete(ss.m, k)
		}
	}
	id = randomToken()
	s = &session{p: p, csrf: randomToken(), expires: now.Add(sessionTTL)}
	ss.m[id] = s
	return id, s
}

func (ss *sessions) get(id string) *session {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	s := ss.m[id]
	if s == nil || time.Now().After(s.expires) {
		delete(ss.m, id)
		return nil
	}
	return s
}

func (ss *sessions) remove(id string) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	delete(ss.m, id)
}

// caller is who a request comes from and how it proved it.
type caller struct {
	p       Principal
	session *session // signed in by cookie: unsafe methods need its CSRF token
	bearer  bool
	local   bool // the local owner: loopback, no users
	visible func(string) bool
}

// identify finds who r comes from. It returns ErrUnauthenticated (wrapped)
// if nobody can be found and the request is not the local owner's.
func (s *Server) identify(r *http.Request) (*caller, error) {
	ctx := r.Context()
	if h := r.Header.Get("Authorization"); h != "" {
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || s.opt.Auth == nil {
			return nil, ErrUnauthenticated
		}
		p, err := s.opt.Auth.Authenticate(ctx, strings.TrimSpace(tok))
		if err != nil {
			return nil, err
		}
		return s.withVisible(ctx, &caller{p: p, bearer: true})
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		if ss := s.sessions.get(c.Value); ss != nil {
			return s.withVisible(ctx, &caller{p: ss.p, session: ss})
		}
	}
	users, err := s.hasUsers(ctx)
	if err != nil {
		return nil, err
	}
	if !users && loopbackRemote(r) {
		return s.withVisible(ctx, &caller{p: Principal{Name: s.owner, Role: RoleOwner}, local: true})
	}
	return nil, ErrUnauthenticated
}

func (s *Server) withVisible(ctx context.Context, c *caller) (*caller, error) {
	if s.opt.Auth == nil {
		return c, nil
	}
	v, err := s.opt.Auth.Visible(ctx, c.p)
	if err != nil {
		return nil, err
	}
	c.visible = v
	return c, nil
}

func (s *Server) hasUsers(ctx context.Context) (bool, error) {
	if s.opt.Auth == nil {
		return false, nil
	}
	return s.opt.Auth.HasUsers(ctx)
}

// authorize asks the Authenticator whether c may do action on what owner
// owns. Without an Authenticator only the local owner exists and may do
// everything.
func (s *Server) authorize(ctx context.Context, c *caller, action, owner string) error {
	if s.opt.Auth == nil {
		return nil
	}
	return s.opt.Auth.Authorize(ctx, c.p, action, owner)
}

// loopbackRemote reports whether r comes from a loopback address.
func loopbackRemote(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// checkCSRF checks an unsafe request of a cookie session: it must carry
// the session's CSRF token in the X-CSRF-Token header or the csrf form
// field. Requests with a bearer token carry no ambient credential and
// need none. The local owner's unsafe requests, which carry no
// credential either, must come from the same origin (browsers send
// Origin or Sec-Fetch-Site on cross-site requests).
func checkCSRF(r *http.Request, c *caller) error {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return nil
	}
	if c.bearer {
		return nil
	}
	if !sameOrigin(r) {
		return ErrCSRF
	}
	if c.session == nil {
		return nil
	}
	tok := r.Header.Get("X-CSRF-Token")
	if tok == "" {
		tok = r.PostFormValue("csrf")
	}
	if subtle.ConstantTimeCompare([]byte(tok), []byte(c.session.csrf)) != 1 {
		return ErrCSRF
	}
	return nil
}

// sameOrigin reports whether r does not come from another site, as far as
// the browser says.
func sameOrigin(r *http.Request) bool {
	sf := r.Header.Get("Sec-Fetch-Site")
	if sf != "" && sf != "same-origin" && sf != "none" {
		return false
	}
	switch o := r.Header.Get("Origin"); o {
	case "":
		return true
	case "null":
		// A form posted from a page under the Referrer-Policy
		// no-referrer the server sets has Origin null; the browser's
		// Sec-Fetch-Site, which no page can forge, says whose page it
		// was.
		return sf == "same-origin"
	default:
		h, ok := strings.CutPrefix(o, "http://")
		if !ok {
			h, _ = strings.CutPrefix(o, "https://")
		}
		return h == r.Host
	}
}
