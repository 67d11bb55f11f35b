package server

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/service"
)

// TestOpenAPIMatchesRoutes checks that every route the mux serves is in
// /api/openapi.json and every operation of the document is served by the
// route of that path and method, and that the document is well formed:
// version, operations with responses, every $ref resolving.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	svc, _ := testProject(t)
	s := newServer(t, svc, Options{})
	c := &client{t: t, h: s.Handler()}
	doc := decode[map[string]any](t, c.do("GET", "/api/openapi.json", nil), 200)
	if doc["openapi"] != "3.0.3" {
		t.Fatalf("openapi %v", doc["openapi"])
	}
	paths, _ := doc["paths"].(map[string]any)
	inDoc := map[string]bool{}
	for p, item := range paths {
		for method, op := range item.(map[string]any) {
			op := op.(map[string]any)
			if _, ok := op["responses"].(map[string]any)["200"]; !ok {
				t.Errorf("%s %s: no 200 response", method, p)
			}
			key := strings.ToUpper(method) + " " + p
			inDoc[key] = true
			// The mux routes a request of that path and method to the
			// route the document describes.
			concrete := regexp.MustCompile(`\{[^}]+\}`).ReplaceAllString(p, "x")
			req := httptest.NewRequest(strings.ToUpper(method), concrete, nil)
			_, pattern := s.mux.Handler(req)
			if pattern == "" {
				t.Errorf("%s: the mux serves no route", key)
			} else if got := strings.ToUpper(method) + " " + openAPIPath(strings.SplitN(pattern, " ", 2)[1]); got != key {
				t.Errorf("%s: the mux routes it to %s", key, pattern)
			}
		}
	}
	n := 0
	for _, rt := range routes() {
		n++
		if key := rt.Method + " " + openAPIPath(rt.Path); !inDoc[key] {
			t.Errorf("route %s %s is not in the document", rt.Method, rt.Path)
		}
	}
	if n != len(inDoc) {
		keys := make([]string, 0, len(inDoc))
		for k := range inDoc {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		t.Errorf("%d routes, %d operations: %v", n, len(inDoc), keys)
	}
	// Every $ref resolves.
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	var walk func(v any)
	refs := 0
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if r, ok := v["$ref"].(string); ok {
				refs++
				name, ok := strings.CutPrefix(r, "#/components/schemas/")
				if _, found := schemas[name]; !ok || !found || schemas[name] == nil {
					t.Errorf("$ref %s does not resolve", r)
				}
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(doc)
	if refs == 0 || schemas["service.DocumentView"] == nil {
		t.Fatalf("%d refs; schemas %v", refs, len(schemas))
	}
	// A schema says what the JSON holds: a coding's span fields are
	// flattened from its embedded Span.
	props := schemas["coding.Coding"].(map[string]any)["properties"].(map[string]any)
	for _, f := range []string{"id", "doc", "start", "end", "code", "coder"} {
		if props[f] == nil {
			t.Errorf("coding.Coding has no property %s: %v", f, props)
		}
	}
}

// TestSecurityHeaders checks the headers of pages and API, the Host
// check and that no path reaches outside the embedded assets.
func TestSecurityHeaders(t *testing.T) {
	svc, _ := testProject(t)
	h := newServer(t, svc, Options{}).Handler()
	c := &client{t: t, h: h}
	for _, path := range []string{"/", "/documents", "/api/overview", "/static/app.js"} {
		w := c.do("GET", path, nil)
		if w.Code != 200 {
			t.Fatalf("%s: %d %s", path, w.Code, w.Body.String())
		}
		csp := w.Header().Get("Content-Security-Policy")
		if !strings.Contains(csp, "default-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: CSP %q", path, csp)
		}
		if w.Header().Get("X-Content-Type-Options") != "nosniff" || w.Header().Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("%s: headers %v", path, w.Header())
		}
	}
	for _, host := range []string{"evil.example:7474", "attacker.test"} {
		req := httptest.NewRequest("GET", "/api/overview", nil)
		req.Host, req.RemoteAddr = host, "127.0.0.1:4000"
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusMisdirectedRequest {
			t.Errorf("Host %s: %d, want 421", host, w.Code)
		}
	}
	for _, path := range []string{"/static/../server.go", "/static/%2e%2e/web.go", "/static/..%2fserver.go", "/static/templates/base.html", "/static/"} {
		w := c.do("GET", path, nil)
		if w.Code == 200 {
			t.Errorf("%s: served %q", path, w.Body.String()[:min(80, w.Body.Len())])
		}
	}
	// A body larger than MaxBody is refused.
	big := CodeRequest{Doc: "north.txt", Code: strings.Repeat("x", MaxBody+10)}
	if w := c.do("POST", "/api/codings", big); w.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("big body: %d %s", w.Code, w.Body.String())
	}
	// A cross-site POST of the local owner is refused.
	req := httptest.NewRequest("POST", "/api/codes", strings.NewReader(`{"id":"Evil"}`))
	req.Host, req.RemoteAddr = "127.0.0.1:7474", "127.0.0.1:4000"
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", "http://evil.example")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != http.StatusForbidden {
		t.Errorf("cross-site POST: %d %s", w.Code, w.Body.String())
	}
}

// TestPermissions runs the permission table: owner, coder, viewer,
// anonymous on a non-loopback address, and blind mode.
func TestPermissions(t *testing.T) {
	users := map[string]string{"olga": "owner", "cai": "coder", "dan": "coder", "vic": "viewer"}
	t.Run("Fake", func(t *testing.T) {
		svc, ids := testProject(t)
		auth := &fakeAuth{users: users}
		tokens := map[string]string{"mallory": "mallory-token"}
		for u := range users {
			tokens[u] = u + "-token"
		}
		testPermissions(t, svc, ids, auth, tokens, func(on bool) { auth.blind = on })
	})
	// The project's own users, as qualgraph serve has them.
	t.Run("ProjectUsers", func(t *testing.T) {
		svc, ids := testProject(t)
		ctx := context.Background()
		tokens := map[string]string{"mallory": strings.Repeat("ab", 32)}
		for _, u := range []string{"olga", "cai", "dan", "vic"} { // an owner first
			tok, err := svc.AddUser(ctx, "olga", u, service.Role(users[u]))
			if err != nil {
				t.Fatal(err)
			}
			tokens[u] = tok
		}
		testPermissions(t, svc, ids, ProjectUsers(svc), tokens, func(on bool) {
			if err := svc.SetBlind(ctx, "olga", on); err != nil {
				t.Fatal(err)
			}
		})
	})
}

func testPermissions(t *testing.T, svc *service.Service, ids map[string]string, auth Authenticator, tokens map[string]string, blind func(bool)) {
	h := newServer(t, svc, Options{Auth: auth, Addr: "0.0.0.0:7474"}).Handler()
	as := func(user string) *client { return &client{t: t, h: h, auth: tokens[user], addr: "192.0.2.7:5000"} }
	sp := span(t, svc, ids["north.txt"], "seed funding")
	codeReq := CodeRequest{Doc: "north.txt", Start: sp.Start, End: sp.End, Code: "Lobbying"}
	caiCoding := decode[CodingResult](t, as("cai").do("POST", "/api/codings", codeReq), 200).Coding
	if caiCoding.Coder != "cai" {
		t.Fatalf("coder %q, want cai (the acting user)", caiCoding.Coder)
	}
	tests := []struct {
		name, user, method, path string
		body                     any
		status                   int
	}{
		{"AnonymousRead", "", "GET", "/api/overview", nil, 401},
		{"AnonymousPageRedirects", "", "GET", "/", nil, 303},
		{"BadToken", "mallory", "GET", "/api/overview", nil, 401},
		{"ViewerReads", "vic", "GET", "/api/overview", nil, 200},
		{"ViewerCannotCode", "vic", "POST", "/api/codings", codeReq, 403},
		{"CoderCannotRemoveOthers", "dan", "DELETE", "/api/codings/" + caiCoding.ID, nil, 403},
		{"CoderCannotRecodeOthers", "dan", "POST", "/api/codings/" + caiCoding.ID + "/recode", RecodeRequest{Code: "Practice"}, 403},
		{"CoderCannotPromote", "dan", "POST", "/api/codes/Trust/promote", PromoteRequest{}, 403},
		{"CoderRecodesOwn", "cai", "POST", "/api/codings/" + caiCoding.ID + "/recode", RecodeRequest{Code: "Practice"}, 200},
		{"OwnerRemovesAny", "olga", "DELETE", "/api/codings/" + caiCoding.ID, nil, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := as(tt.user)
			if tt.user == "" {
				c.auth = ""
			}
			if w := c.do(tt.method, tt.path, tt.body); w.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", w.Code, tt.status, w.Body.String())
			}
		})
	}

	t.Run("Blind", func(t *testing.T) {
		decode[CodingResult](t, as("cai").do("POST", "/api/codings", codeReq), 200)
		decode[CodingResult](t, as("dan").do("POST", "/api/codings", codeReq), 200)
		blind(true)
		defer blind(false)
		for user, want := range map[string][]string{"cai": {"cai"}, "dan": {"dan"}, "olga": {"cai", "dan"}} {
			doc := decode[service.DocumentView](t, as(user).do("GET", "/api/documents/north.txt", nil), 200)
			var got []string
			for _, cd := range doc.Codings {
				got = append(got, cd.Coder)
			}
			sort.Strings(got)
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("%s sees codings of %v, want %v", user, got, want)
			}
			ov := decode[service.Overview](t, as(user).do("GET", "/api/overview", nil), 200)
			if ov.Codings != len(want) {
				t.Errorf("%s: overview counts %d codings, want %d", user, ov.Codings, len(want))
			}
		}
	})
}

// TestCookieSessionCSRF signs in by the login form and checks that an
// unsafe request of the session needs its CSRF token.
func TestCookieSessionCSRF(t *testing.T) {
	svc, _ := testProject(t)
	auth := &fakeAuth{users: map[string]string{"cai": "coder"}}
	h := newServer(t, svc, Options{Auth: auth}).Handler()
	send := func(method, path, ctype, body string, hdr map[string]string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Host, req.RemoteAddr = "127.0.0.1:7474", "127.0.0.1:4000"
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w
	}
	// With users, loopback is no longer enough.
	if w := send("GET", "/api/overview", "", "", nil); w.Code != 401 {
		t.Fatalf("no session: %d", w.Code)
	}
	if w := send("POST", "/login", "application/x-www-form-urlencoded", url.Values{"token": {"wrong"}}.Encode(), nil); w.Code != 401 {
		t.Fatalf("wrong token: %d", w.Code)
	}
	w := send("POST", "/login", "application/x-www-form-urlencoded", url.Values{"token": {"cai-token"}}.Encode(), nil)
	var cookie *http.Cookie
	for _, ck := range w.Result().Cookies() {
		if ck.Name == sessionCookie {
			cookie = ck
		}
	}
	if w.Code != 303 || cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode {
		t.Fatalf("login: %d, cookie %+v", w.Code, cookie)
	}
	ck := map[string]string{"Cookie": cookie.Name + "=" + cookie.Value}
	me := decode[Me](t, send("GET", "/api/me", "", "", ck), 200)
	if me.Name != "cai" || me.CSRF == "" {
		t.Fatalf("me %+v", me)
	}
	body := `{"id":"Trust"}`
	if w := send("POST", "/api/codes", "application/json", body, ck); w.Code != 403 {
		t.Fatalf("without CSRF token: %d %s", w.Code, w.Body.String())
	}
	if w := send("POST", "/api/codes", "application/json", body, map[string]string{"Cookie": ck["Cookie"], "X-CSRF-Token": "forged"}); w.Code != 403 {
		t.Fatalf("wrong CSRF token: %d", w.Code)
	}
	got := decode[coding.Code](t, send("POST", "/api/codes", "application/json", body, map[string]string{"Cookie": ck["Cookie"], "X-CSRF-Token": me.CSRF}), 200)
	if got.ID != "Trust" || got.By != "cai" {
		t.Fatalf("code %+v", got)
	}
	var e Error
	json.Unmarshal(send("GET", "/api/codes", "", "", nil).Body.Bytes(), &e)
	if e.Kind != KindUnauthenticated {
		t.Fatalf("no cookie: %+v", e)
	}
}
