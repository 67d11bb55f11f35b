package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/qualgraph/qualgraph/service"
)

// Options configure a Server.
type Options struct {
	// Addr is the address to listen on, host:port; default
	// 127.0.0.1:7474.
	Addr string
	// Auth knows the users; nil means none: only loopback addresses are
	// served, and everyone there is the local owner.
	Auth Authenticator
	// Logf logs what the server cannot tell a client (internal errors);
	// nil discards it.
	Logf func(string, ...any)
	// Owner is the name of the local owner, recorded as the coder of the
	// changes made on loopback when the project has no users; default
	// $USER, else "owner".
	Owner string
	// Listening, if not nil, is called by ListenAndServe with the
	// address once it listens (and only then: a refusal comes first).
	Listening func(net.Addr)
}

// DefaultAddr is the address Serve listens on by default.
const DefaultAddr = "127.0.0.1:7474"

// MaxBody is the largest request body the API reads.
const MaxBody = 1 << 20

// Server serves the workbench and the JSON API of one project. It is safe
// for concurrent use.
type Server struct {
	svc      *service.Service
	opt      Options
	owner    string
	loopback bool // Addr is a loopback address: Host headers are checked
	sessions sessions
	mux      *http.ServeMux
	handler  http.Handler
	watch    *watcher
}

// New returns a Server over svc. The caller keeps svc's project open
// while the Server runs.
func New(svc *service.Service, opt Options) (*Server, error) {
	if svc == nil {
		return nil, errors.New("server: no service")
	}
	if opt.Addr == "" {
		opt.Addr = DefaultAddr
	}
	host, _, err := net.SplitHostPort(opt.Addr)
	if err != nil {
		return nil, fmt.Errorf("server: address %q: %w", opt.Addr, err)
	}
	s := &Server{svc: svc, opt: opt, owner: opt.Owner, loopback: isLoopbackHost(host)}
	if s.owner == "" {
		s.owner = os.Getenv("USER")
	}
	if s.owner == "" {
		s.owner = "owner"
	}
	s.watch = newWatcher(svc, 300*time.Millisecond)
	if s.handler, err = s.build(); err != nil {
		return nil, err
	}
	return s, nil
}

// isLoopbackHost reports whether host (a name or an address) is a
// loopback host.
func isLoopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Handler returns the server's handler: the routes of the route table
// behind the security checks.
func (s *Server) Handler() http.Handler { return s.handler }

// Serve serves on ln until ctx is done, then shuts down, giving open
// requests a few seconds to end (event streams end at once).
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	stopCatchUp := s.catchUp(ctx)
	defer stopCatchUp()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := hs.Shutdown(sctx)
	<-done
	return err
}

// CatchUpEvery is how often a serving Server brings the project's graph
// and full-text index up to the record (service.CatchUp), which the
// server's own changes and those of other processes move on.
var CatchUpEvery = time.Second

// catchUp runs CatchUp every CatchUpEvery until ctx is done or the
// returned stop is called; a failure (another process holding a store)
// is logged once until CatchUp succeeds again.
func (s *Server) catchUp(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(CatchUpEvery)
		defer t.Stop()
		var last string
		// A project in PostgreSQL also catches up as soon as another
		// server writes (a nil channel, for a local project, never
		// receives).
		changes, err := s.svc.Changes(ctx)
		if err != nil {
			s.logf("qualgraph: not listening for other servers' changes (catching up every %v): %v", CatchUpEvery, err)
		}
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			case _, ok := <-changes:
				if !ok {
					changes = nil
				}
			}
			err := s.svc.CatchUp(ctx)
			switch {
			case err != nil && ctx.Err() == nil && err.Error() != last:
				last = err.Error()
				s.logf("qualgraph: the graph and index will catch up later: %v", err)
			case err == nil:
				last = ""
			}
		}
	}()
	return func() {
		cancel()
		<-stopped
	}
}

// ListenAndServe listens on opt.Addr and serves svc until ctx is done. It
// refuses an address other than a loopback one when opt.Auth has no
// users.
func ListenAndServe(ctx context.Context, svc *service.Service, opt Options) error {
	s, err := New(svc, opt)
	if err != nil {
		return err
	}
	if !s.loopback {
		users, err := s.hasUsers(ctx)
		if err != nil {
			return err
		}
		if !users {
			return fmt.Errorf("refusing to listen on %s without authentication: add a user with `qualgraph user add`", s.opt.Addr)
		}
	}
	ln, err := net.Listen("tcp", s.opt.Addr)
	if err != nil {
		return err
	}
	if s.opt.Listening != nil {
		s.opt.Listening(ln.Addr())
	}
	return s.Serve(ctx, ln)
}

func (s *Server) logf(format string, args ...any) {
	if s.opt.Logf != nil {
		s.opt.Logf(format, args...)
	}
}

// securityHeaders are set on every response.
var securityHeaders = map[string]string{
	"Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
	"X-Content-Type-Options":  "nosniff",
	"Referrer-Policy":         "no-referrer",
	"X-Frame-Options":         "DENY",
	"Cache-Control":           "no-store",
}

// guard wraps h with what every request goes through: security headers,
// the Host check (a loopback server answers only to loopback host names,
// against DNS rebinding) and the body limit.
func (s *Server) guard(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range securityHeaders {
			w.Header().Set(k, v)
		}
		if s.loopback && !loopbackHostHeader(r.Host) {
			writeJSON(w, http.StatusMisdirectedRequest, Error{Error: fmt.Sprintf("host %q: this server answers to 127.0.0.1, [::1] and localhost only", r.Host), Kind: KindForbidden})
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
		h.ServeHTTP(w, r)
	})
}

func loopbackHostHeader(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	return isLoopbackHost(strings.Trim(host, "[]"))
}
