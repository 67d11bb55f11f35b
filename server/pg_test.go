package server

import (
	"context"
	"fmt"
	"net"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/qualgraph/qualgraph/internal/pgtest"
	"github.com/qualgraph/qualgraph/project"
	"github.com/qualgraph/qualgraph/service"
)

// pgServer is a workbench server on a cache folder of a project kept in
// PostgreSQL, serving in the background as qualgraph serve --db does.
type pgServer struct {
	svc    *service.Service
	c      *client
	stop   context.CancelFunc
	served chan error
}

// startPGServer opens the cache folder dir shared, as serve does, and
// serves it on a loopback port with owner as the local owner; stop ends
// it and closes the project.
func startPGServer(t *testing.T, dir, owner string) *pgServer {
	t.Helper()
	p, err := project.Open(dir, project.Shared)
	if err != nil {
		t.Fatal(err)
	}
	svc := service.New(p)
	s := newServer(t, svc, Options{Owner: owner})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ps := &pgServer{svc: svc, c: &client{t: t, h: s.Handler()}, stop: cancel, served: make(chan error, 1)}
	go func() { ps.served <- s.Serve(ctx, ln) }()
	t.Cleanup(func() { ps.close(t) })
	return ps
}

func (ps *pgServer) close(t *testing.T) {
	if ps.stop == nil {
		return
	}
	ps.stop()
	ps.stop = nil
	if err := <-ps.served; err != nil {
		t.Errorf("serve: %v", err)
	}
	if err := ps.svc.Project().Close(); err != nil {
		t.Errorf("close: %v", err)
	}
}

// TestTwoServersOneDatabase runs two workbench servers, each on its own
// cache folder, on one project in PostgreSQL, and two coders coding
// through each at once: every acknowledged coding is there, once, on both
// servers; each server applies the other's writes within a second of
// them (through LISTEN/NOTIFY: the servers' periodic catch-up is off);
// and closing one server leaves the other serving.
func TestTwoServersOneDatabase(t *testing.T) {
	old := CatchUpEvery
	CatchUpEvery = time.Hour // only the listener brings the caches up
	t.Cleanup(func() { CatchUpEvery = old })
	dsn := pgtest.DSN(t)
	ctx := context.Background()
	dirA, dirB := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	if err := project.Init(dirA, project.InitOptions{Name: "team", DB: dsn}); err != nil {
		t.Fatal(err)
	}
	paths := testDocFiles(t)
	a := startPGServer(t, dirA, "ann")
	if _, err := a.svc.Import(ctx, "ann", service.ImportOptions{Paths: paths, Kind: "interview"}); err != nil {
		t.Fatal(err)
	}
	if err := project.Init(dirB, project.InitOptions{DB: dsn, Join: true}); err != nil {
		t.Fatal(err)
	}
	b := startPGServer(t, dirB, "bo")
	doc := "east.txt"
	text, err := b.svc.Project().Text(mustDocID(t, b, doc))
	if err != nil {
		t.Fatal(err)
	}
	n := len([]rune(text)) - 1
	const each = 25
	// Two coders, one on each server, code at once.
	acked := map[string]string{} // coding id -> coder
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, s := range []struct {
		srv   *pgServer
		coder string
		code  string
	}{{a, "ann", "Lobbying"}, {b, "bo", "Framing"}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				w := s.srv.c.do("POST", "/api/codings", CodeRequest{Doc: doc, Start: i % n, End: i%n + 1, Code: s.code})
				if w.Code != 200 {
					t.Errorf("%s's coding %d: %d %s", s.coder, i, w.Code, w.Body.String())
					continue
				}
				got := decode[CodingResult](t, w, 200)
				mu.Lock()
				acked[got.Coding.ID] = s.coder
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(acked) != 2*each {
		t.Fatalf("%d codings acknowledged, want %d", len(acked), 2*each)
	}
	for _, s := range []*pgServer{a, b} {
		view := decode[service.DocumentView](t, s.c.do("GET", "/api/documents/"+doc, nil), 200)
		seen := map[string]int{}
		for _, c := range view.Codings {
			seen[c.ID]++
		}
		for id, coder := range acked {
			if seen[id] != 1 {
				t.Errorf("server of %s: %s's coding %s is there %d times", s.svc.Project().Dir, coder, id, seen[id])
			}
		}
		if len(view.Codings) != 2*each {
			t.Errorf("server of %s shows %d codings, want %d", s.svc.Project().Dir, len(view.Codings), 2*each)
		}
	}

	// Each server's cache applies the other's write within a second.
	for _, dir := range []struct{ from, to *pgServer }{{a, b}, {b, a}} {
		start := time.Now()
		got := decode[CodingResult](t, dir.from.c.do("POST", "/api/codings", CodeRequest{Doc: doc, Start: 0, End: 3, Code: "Certification"}), 200)
		head, err := dir.from.svc.Project().RecordHead()
		if err != nil {
			t.Fatal(err)
		}
		for {
			pos, err := dir.to.svc.Project().ProjectionPosition()
			if err != nil {
				t.Fatal(err)
			}
			if pos.Seq >= head.Seq {
				break
			}
			if time.Since(start) > time.Second {
				t.Fatalf("the other server's cache is at entry %d a second after coding %s was recorded as entry %d", pos.Seq, got.Coding.ID, head.Seq)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}

	// One server goes; the other serves on.
	a.close(t)
	got := decode[CodingResult](t, b.c.do("POST", "/api/codings", CodeRequest{Doc: doc, Start: 1, End: 4, Code: "Lobbying"}), 200)
	view := decode[service.DocumentView](t, b.c.do("GET", "/api/documents/"+doc, nil), 200)
	found := false
	for _, c := range view.Codings {
		found = found || c.ID == got.Coding.ID
	}
	if !found || len(view.Codings) != 2*each+3 {
		t.Fatalf("after the other server closed: %d codings (the new one there: %v), want %d", len(view.Codings), found, 2*each+3)
	}
}

// mustDocID returns the id of the document named name on server s.
func mustDocID(t *testing.T, s *pgServer, name string) string {
	t.Helper()
	d, err := s.svc.Project().DocumentRecord(context.Background(), name)
	if err != nil {
		t.Fatal(fmt.Errorf("document %s: %w", name, err))
	}
	return d.ID
}
