package server

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/project"
	"github.com/qualgraph/qualgraph/service"
)

// The documents of the test project. east.txt holds Chinese text after an
// emoji, so that code-point offsets differ from byte and UTF-16 offsets.
var testDocs = map[string]string{
	"north.txt": "Chen: The bureau gave us seed funding.\n\nLin: We lobbied the bureau for land.\n",
	"east.txt":  "Wang: 😀 我们的协会制定了标准。\n\nZhao: The bureau funded training.\n\nWang: 是的。\n\nZhao: Thank you.\n",
}

// fakeAuth is an Authenticator with fixed users: tokens are the users'
// names with "-token"; owners may do everything, coders may change only
// their own things, viewers only read. Blind hides other coders'
// codings from coders.
type fakeAuth struct {
	users map[string]string // name -> role
	blind bool
}

func (a *fakeAuth) HasUsers(context.Context) (bool, error) { return len(a.users) > 0, nil }

func (a *fakeAuth) Authenticate(_ context.Context, token string) (Principal, error) {
	name, ok := strings.CutSuffix(token, "-token")
	if role, known := a.users[name]; ok && known {
		return Principal{Name: name, Role: role}, nil
	}
	return Principal{}, fmt.Errorf("token: %w", ErrUnauthenticated)
}

func (a *fakeAuth) Authorize(_ context.Context, p Principal, action, owner string) error {
	switch {
	case p.Role == RoleOwner:
		return nil
	case action == ActRead:
		return nil
	case p.Role == "coder" && action != ActOwner && (owner == "" || owner == p.Name):
		return nil
	}
	return fmt.Errorf("%s (%s) may not %s what %q owns: %w", p.Name, p.Role, action, owner, ErrForbidden)
}

func (a *fakeAuth) Visible(_ context.Context, p Principal) (func(string) bool, error) {
	if !a.blind || p.Role == RoleOwner {
		return func(string) bool { return true }, nil
	}
	return func(c string) bool { return c == p.Name }, nil
}

// testDocFiles writes testDocs into a temporary folder and returns the
// files' paths.
func testDocFiles(t *testing.T) []string {
	t.Helper()
	src := t.TempDir()
	var paths []string
	for name, text := range testDocs {
		f := filepath.Join(src, name)
		if err := os.WriteFile(f, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, f)
	}
	return paths
}

// testProject makes a real project in a temporary folder with testDocs
// imported through the service, open shared.
func testProject(t *testing.T) (*service.Service, map[string]string) {
	t.Helper()
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "proj")
	if err := project.Init(dir, project.InitOptions{Name: "test"}); err != nil {
		t.Fatal(err)
	}
	paths := testDocFiles(t)
	// Shared, as qualgraph serve opens it.
	p, err := project.Open(dir, project.Shared)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	svc := service.New(p)
	if _, err := svc.Import(ctx, "ann", service.ImportOptions{Paths: paths, Kind: "interview"}); err != nil {
		t.Fatal(err)
	}
	docs, err := svc.Documents(ctx, service.DocumentsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	for _, d := range docs {
		ids[d.Name] = d.ID
	}
	return svc, ids
}

// span returns the code-point span of phrase in document name.
func span(t *testing.T, svc *service.Service, id, phrase string) coding.Span {
	t.Helper()
	text, err := svc.Project().Text(id)
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(text, phrase)
	if i < 0 {
		t.Fatalf("%q not in %q", phrase, text)
	}
	start := utf8.RuneCountInString(text[:i])
	return coding.Span{Doc: id, Start: start, End: start + utf8.RuneCountInString(phrase)}
}

// client sends requests to a handler as a browser on loopback would.
type client struct {
	t    *testing.T
	h    http.Handler
	auth string // bearer token, if any
	addr string // RemoteAddr; default 127.0.0.1:40000
}

// do sends method path with body (JSON-encoded unless a string) and
// returns the response.
func (c *client) do(method, path string, body any) *httptest.ResponseRecorder {
	c.t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			c.t.Fatal(err)
		}
		r = strings.NewReader(string(b))
	}
	req := httptest.NewRequest(method, path, r)
	req.Host = "127.0.0.1:7474"
	req.RemoteAddr = "127.0.0.1:40000"
	if c.addr != "" {
		req.RemoteAddr = c.addr
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.auth != "" {
		req.Header.Set("Authorization", "Bearer "+c.auth)
	}
	w := httptest.NewRecorder()
	c.h.ServeHTTP(w, req)
	return w
}

// decode decodes w's JSON body into v, after checking its status.
func decode[T any](t *testing.T, w *httptest.ResponseRecorder, status int) T {
	t.Helper()
	var v T
	if w.Code != status {
		t.Fatalf("status %d, want %d: %s", w.Code, status, w.Body.String())
	}
	if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
		t.Fatalf("%v: %s", err, w.Body.String())
	}
	return v
}

func newServer(t *testing.T, svc *service.Service, opt Options) *Server {
	t.Helper()
	if opt.Owner == "" {
		opt.Owner = "ann"
	}
	s, err := New(svc, opt)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestCodingRoundTrip codes a span of Chinese text after an emoji through
// the API and reads it back from the document, the segments and the
// overview, with the code-point offsets the service reports.
func TestCodingRoundTrip(t *testing.T) {
	svc, ids := testProject(t)
	c := &client{t: t, h: newServer(t, svc, Options{}).Handler()}
	sp := span(t, svc, ids["east.txt"], "协会制定了标准")
	got := decode[CodingResult](t, c.do("POST", "/api/codings", CodeRequest{Doc: "east.txt", Start: sp.Start, End: sp.End, Code: "Lobbying"}), 200)
	if got.Text != "协会制定了标准" || got.Coding.Coder != "ann" || got.Coding.Start != sp.Start {
		t.Fatalf("coded %+v, want 协会制定了标准 by ann at %d", got, sp.Start)
	}
	doc := decode[service.DocumentView](t, c.do("GET", "/api/documents/east.txt", nil), 200)
	if len(doc.Codings) != 1 || doc.Codings[0].Start != sp.Start || doc.Codings[0].End != sp.End ||
		doc.Codings[0].Text != "协会制定了标准" || doc.Codings[0].Speaker != "Wang" {
		t.Fatalf("document codings %+v (speaker %q), want one at %d-%d by speaker Wang; segments %+v", doc.Codings, doc.Codings[0].Speaker, sp.Start, sp.End, doc.Segments)
	}
	if string([]rune(doc.Text)[sp.Start:sp.End]) != "协会制定了标准" {
		t.Fatalf("offsets are not code points of the text")
	}
	segs := decode[[]service.CodedSpan](t, c.do("GET", "/api/segments?code=Practice", nil), 200)
	if len(segs) != 1 || segs[0].DocName != "east.txt" {
		t.Fatalf("segments of Practice (parent of Lobbying): %+v", segs)
	}
	ov := decode[service.Overview](t, c.do("GET", "/api/overview", nil), 200)
	if ov.Documents != 2 || ov.Codings != 1 || len(ov.Coders) != 1 || ov.Coders[0].Coder != "ann" || len(ov.Recent) == 0 {
		t.Fatalf("overview %+v", ov)
	}
	// Delete it; the document has no codings then.
	decode[[]coding.Coding](t, c.do("DELETE", "/api/codings/"+got.Coding.ID, nil), 200)
	doc = decode[service.DocumentView](t, c.do("GET", "/api/documents/"+ids["east.txt"], nil), 200)
	if len(doc.Codings) != 0 {
		t.Fatalf("after delete: %+v", doc.Codings)
	}
}

// TestErrorStatuses checks the statuses the error kinds map to.
func TestErrorStatuses(t *testing.T) {
	svc, _ := testProject(t)
	c := &client{t: t, h: newServer(t, svc, Options{}).Handler()}
	tests := []struct {
		name, method, path string
		body               any
		status             int
		kind               string
	}{
		{"UnknownDoc", "GET", "/api/documents/nope.txt", nil, 404, KindNotFound},
		{"UnknownCode", "POST", "/api/codings", CodeRequest{Doc: "north.txt", Start: 0, End: 4, Code: "NoSuchCode"}, 404, KindNotFound},
		{"SpanOutOfRange", "POST", "/api/codings", CodeRequest{Doc: "north.txt", Start: 0, End: 9999, Code: "Lobbying"}, 422, KindInvalid},
		{"UnknownField", "POST", "/api/codings", map[string]any{"doc": "north.txt", "bogus": 1}, 422, KindInvalid},
		{"BadQuery", "GET", "/api/search?q=%22unclosed", nil, 422, KindInvalid},
		{"UnknownCoding", "DELETE", "/api/codings/ffffffff", nil, 404, KindNotFound},
		{"NoRoute", "GET", "/api/nothing", nil, 404, ""},
		{"UnknownExport", "GET", "/api/exports/pdf", nil, 422, KindInvalid},
		{"AgreementOneCoder", "GET", "/api/agreement?coder=ann", nil, 422, KindInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := c.do(tt.method, tt.path, tt.body)
			if w.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", w.Code, tt.status, w.Body.String())
			}
			if tt.kind != "" {
				e := decode[Error](t, w, tt.status)
				if e.Kind != tt.kind || e.Error == "" {
					t.Fatalf("error %+v, want kind %s", e, tt.kind)
				}
			}
		})
	}
}

// TestLockedIs503 checks that a project locked by another writer is a 503
// with Retry-After.
func TestLockedIs503(t *testing.T) {
	s := &Server{}
	w := httptest.NewRecorder()
	s.writeError(w, fmt.Errorf("code: %w", &project.LockedError{Dir: "/p"}))
	if w.Code != 503 || w.Header().Get("Retry-After") == "" {
		t.Fatalf("status %d, Retry-After %q", w.Code, w.Header().Get("Retry-After"))
	}
}

// TestEvents checks that the event stream says where the record stands,
// then sends a change when a write advances it.
func TestEvents(t *testing.T) {
	svc, _ := testProject(t)
	s := newServer(t, svc, Options{})
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL+"/api/events", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("status %d, type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	sc := bufio.NewScanner(resp.Body)
	next := func() (event string, pos Position) {
		for sc.Scan() {
			line := sc.Text()
			if e, ok := strings.CutPrefix(line, "event: "); ok {
				event = e
			} else if d, ok := strings.CutPrefix(line, "data: "); ok {
				if err := json.Unmarshal([]byte(d), &pos); err != nil {
					t.Fatal(err)
				}
				return event, pos
			}
		}
		t.Fatalf("stream ended: %v", sc.Err())
		return
	}
	ev, first := next()
	if ev != "position" {
		t.Fatalf("first event %q", ev)
	}
	time.Sleep(400 * time.Millisecond) // the poller has seen the record's size
	if _, err := svc.AddCode(ctx, "bo", service.AddCodeOptions{ID: "Trust"}); err != nil {
		t.Fatal(err)
	}
	ev, pos := next()
	if ev != "change" || pos.Seq <= first.Seq || pos.Offset <= first.Offset {
		t.Fatalf("event %q at %+v after %+v", ev, pos, first)
	}
}

// TestListenAndServeRefusesWithoutUsers checks that a non-loopback address
// without users is refused, and that Serve stops when its context ends.
func TestListenAndServeRefusesWithoutUsers(t *testing.T) {
	svc, _ := testProject(t)
	err := ListenAndServe(context.Background(), svc, Options{Addr: "0.0.0.0:7474"})
	want := "refusing to listen on 0.0.0.0:7474 without authentication: add a user with `qualgraph user add`"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want %s", err, want)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ListenAndServe(ctx, svc, Options{Addr: "127.0.0.1:0"}) }()
	time.Sleep(100 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if err != nil && !errors.Is(err, http.ErrServerClosed) {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("ListenAndServe did not stop")
	}
}

// TestBesideOtherWriters serves a project open shared, as qualgraph serve
// opens it, while another writer (a ReadWrite project, as a CLI command in
// another process opens it; the lock is a file lock, so two opens in one
// process exclude each other as two processes do) writes: the writer is
// not refused, the workbench shows its coding on the next request, a
// workbench write while the writer holds the project is a 503 with
// Retry-After that writes nothing, and goes through once it is done.
func TestBesideOtherWriters(t *testing.T) {
	ctx := context.Background()
	old := project.LockWait
	project.LockWait = 200 * time.Millisecond
	t.Cleanup(func() { project.LockWait = old })
	svc, ids := testProject(t)
	c := &client{t: t, h: newServer(t, svc, Options{}).Handler()}
	sp := span(t, svc, ids["east.txt"], "协会制定了标准")
	decode[CodingResult](t, c.do("POST", "/api/codings", CodeRequest{Doc: "east.txt", Start: sp.Start, End: sp.End, Code: "Lobbying"}), 200)

	cli, err := project.Open(svc.Project().Dir, project.ReadWrite)
	if err != nil {
		t.Fatalf("a command that writes while the workbench runs: %v", err)
	}
	if _, err := service.New(cli).Code(ctx, "bo", service.CodeOptions{Span: sp, Code: "ResourceMobilisation"}); err != nil {
		t.Fatalf("coding from the command line while the workbench runs: %v", err)
	}
	doc := decode[service.DocumentView](t, c.do("GET", "/api/documents/east.txt", nil), 200)
	if len(doc.Codings) != 2 {
		t.Fatalf("the workbench shows %d codings after the command's, want 2", len(doc.Codings))
	}
	w := c.do("POST", "/api/codings", CodeRequest{Doc: "east.txt", Start: sp.Start, End: sp.End, Code: "Framing"})
	if w.Code != 503 || w.Header().Get("Retry-After") == "" || !strings.Contains(w.Body.String(), "locked") {
		t.Fatalf("workbench write while a command holds the project: %d %q, want 503 naming the lock", w.Code, w.Body.String())
	}
	if err := cli.Close(); err != nil {
		t.Fatal(err)
	}
	decode[CodingResult](t, c.do("POST", "/api/codings", CodeRequest{Doc: "east.txt", Start: sp.Start, End: sp.End, Code: "Framing"}), 200)
	doc = decode[service.DocumentView](t, c.do("GET", "/api/documents/east.txt", nil), 200)
	if len(doc.Codings) != 3 {
		t.Fatalf("after the command ended: %d codings, want 3", len(doc.Codings))
	}
	// The graph catches up in the background (CatchUp), and Gizmo then
	// counts the three codings.
	if err := svc.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := svc.Query(ctx, service.QueryOptions{Script: `g.V().Has("<rdf:type>", "<qg:Coding>").Count()`})
	if err != nil || len(res) != 1 || fmt.Sprint(res[0]) != "3" {
		t.Fatalf("Gizmo count after CatchUp: %v (%v), want 3", res, err)
	}
}
