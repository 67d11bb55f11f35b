package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/internal/pgtest"
	"github.com/qualgraph/qualgraph/internal/record"
)

// newStore makes a project in a fresh database and opens it.
func newStore(t testing.TB) (string, *Store) {
	t.Helper()
	dsn := pgtest.DSN(t)
	if err := Create(context.Background(), dsn); err != nil {
		t.Fatal(err)
	}
	return dsn, open(t, dsn)
}

// open opens the project at dsn, as another server would.
func open(t testing.TB, dsn string) *Store {
	t.Helper()
	s, err := Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// entries reads the whole record as "seq:payload" strings.
func entries(t *testing.T, s *Store, from record.Position) ([]string, record.Position) {
	t.Helper()
	var got []string
	end, err := s.Scan(context.Background(), from, func(end record.Position, p []byte) error {
		if end.Offset != int64(end.Seq) {
			t.Errorf("position %+v: offset is not the sequence number", end)
		}
		got = append(got, fmt.Sprintf("%d:%s", end.Seq, p))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got, end
}

// sql runs statements on the database directly, as an administrator would.
func sql(t *testing.T, dsn string, stmt string, args ...any) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, stmt, args...); err != nil {
		t.Fatalf("%s: %v", stmt, err)
	}
}

func TestCreateOpen(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	if _, err := Open(ctx, dsn); !errors.Is(err, ErrNotProject) {
		t.Fatalf("open of an empty database: %v, want ErrNotProject", err)
	}
	if err := Create(ctx, dsn); err != nil {
		t.Fatal(err)
	}
	if err := Create(ctx, dsn); !errors.Is(err, ErrExists) {
		t.Fatalf("second create: %v, want ErrExists", err)
	}
	a, b := open(t, dsn), open(t, dsn)
	if a.ID() == "" || a.ID() != b.ID() {
		t.Fatalf("project ids %q and %q", a.ID(), b.ID())
	}
	if h, err := a.Head(ctx); err != nil || h != Start {
		t.Fatalf("head of a new project: %+v, %v", h, err)
	}
	sql(t, dsn, "UPDATE qg_meta SET value = '99' WHERE key = 'schema'")
	if _, err := Open(ctx, dsn); err == nil || !strings.Contains(err.Error(), "schema") {
		t.Fatalf("open of a newer schema: %v", err)
	}
}

func TestAppendScanHead(t *testing.T) {
	ctx := context.Background()
	_, s := newStore(t)
	var ends []record.Position
	for _, batch := range [][]string{{"a", "bb"}, {""}, {"dddd"}, {}} {
		var ps [][]byte
		for _, p := range batch {
			ps = append(ps, []byte(p))
		}
		end, err := s.Append(ctx, ps...)
		if err != nil {
			t.Fatal(err)
		}
		ends = append(ends, end)
	}
	if want := []record.Position{pos(2), pos(3), pos(4), pos(4)}; fmt.Sprint(ends) != fmt.Sprint(want) {
		t.Fatalf("append positions %v, want %v", ends, want)
	}
	tests := []struct {
		name string
		from record.Position
		want []string
	}{
		{"Start", Start, []string{"1:a", "2:bb", "3:", "4:dddd"}},
		{"FileStart", record.Start, []string{"1:a", "2:bb", "3:", "4:dddd"}},
		{"Middle", pos(2), []string{"3:", "4:dddd"}},
		{"Head", pos(4), nil},
		{"Beyond", pos(9), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, end := entries(t, s, tc.from)
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("scan = %q, want %q", got, tc.want)
			}
			if wantEnd := max(tc.from.Seq, 4); end.Seq != wantEnd {
				t.Errorf("scan ends at %+v, want seq %d", end, wantEnd)
			}
		})
	}
	if h, err := s.Head(ctx); err != nil || h != pos(4) {
		t.Fatalf("head = %+v, %v", h, err)
	}
	// fn's error stops the scan at the entry before.
	stop := errors.New("stop")
	end, err := s.Scan(ctx, Start, func(end record.Position, _ []byte) error {
		if end.Seq == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || end != pos(2) {
		t.Fatalf("stopped scan: %+v, %v", end, err)
	}
}

// TestBulkScan writes more entries in one call than Scan reads in one
// query.
func TestBulkScan(t *testing.T) {
	ctx := context.Background()
	_, s := newStore(t)
	n := scanPage*2 + 17
	ps := make([][]byte, n)
	for i := range ps {
		ps[i] = fmt.Appendf(nil, "entry %d", i+1)
	}
	if end, err := s.Append(ctx, ps...); err != nil || end != pos(uint64(n)) {
		t.Fatalf("append: %+v, %v", end, err)
	}
	got, end := entries(t, s, pos(5))
	if len(got) != n-5 || end != pos(uint64(n)) || got[0] != "6:entry 6" || got[len(got)-1] != fmt.Sprintf("%d:entry %d", n, n) {
		t.Fatalf("scan: %d entries to %+v, first %q", len(got), end, got[0])
	}
}

// TestConcurrentAppend appends from 4 goroutines on each of two stores
// (two servers on one database): the numbers run 1..N without a gap or a
// duplicate, and every acknowledged payload is in the record once, at the
// number its Append returned.
func TestConcurrentAppend(t *testing.T) {
	ctx := context.Background()
	dsn, a := newStore(t)
	servers := []*Store{a, open(t, dsn)}
	const goroutines, appends = 4, 25
	var mu sync.Mutex
	acked := map[string]uint64{} // payload -> sequence number
	var wg sync.WaitGroup
	for si, s := range servers {
		for g := range goroutines {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range appends {
					n := 1 + i%3
					var ps [][]byte
					for j := range n {
						ps = append(ps, fmt.Appendf(nil, "s%d-g%d-i%d-j%d", si, g, i, j))
					}
					end, err := s.Append(ctx, ps...)
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					for j, p := range ps {
						acked[string(p)] = end.Seq - uint64(n-1-j)
					}
					mu.Unlock()
				}
			}()
		}
	}
	wg.Wait()
	seen := map[string]uint64{}
	end, err := a.Scan(ctx, Start, func(end record.Position, p []byte) error {
		if _, dup := seen[string(p)]; dup {
			t.Errorf("payload %s twice", p)
		}
		seen[string(p)] = end.Seq
		return nil
	})
	if err != nil {
		t.Fatal(err) // a gap is record.ErrCorrupt
	}
	perGoroutine := 0
	for i := range appends {
		perGoroutine += 1 + i%3
	}
	if want := uint64(len(servers) * goroutines * perGoroutine); end.Seq != want || len(seen) != int(want) {
		t.Fatalf("record has %d entries to %+v, want %d", len(seen), end, want)
	}
	for p, seq := range acked {
		if seen[p] != seq {
			t.Errorf("payload %s acknowledged at %d, in the record at %d", p, seq, seen[p])
		}
	}
	if len(acked) != len(seen) {
		t.Errorf("%d acknowledged, %d in the record", len(acked), len(seen))
	}
}

// TestListen: a server listening sees another server's write within a
// second, and again after its connection is cut.
func TestListen(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dsn, a := newStore(t)
	b := open(t, dsn)
	if _, err := b.Append(ctx, []byte("before")); err != nil {
		t.Fatal(err)
	}
	heads, err := a.Listen(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wait := func(want record.Position, within time.Duration) {
		t.Helper()
		timeout := time.After(within)
		for {
			select {
			case h := <-heads:
				if h.Seq >= want.Seq {
					return
				}
			case <-timeout:
				t.Fatalf("no head %+v within %v", want, within)
			}
		}
	}
	wait(pos(1), time.Second) // the head at the start
	for i := range 3 {
		end, err := b.Append(ctx, fmt.Appendf(nil, "write %d", i))
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		wait(end, time.Second)
		t.Logf("write %d seen after %v", i, time.Since(start))
	}
	// Cut the listener's connection: it reconnects and sends the head,
	// which a write made meanwhile has moved on.
	sql(t, dsn, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1", listenApp)
	end, err := b.Append(ctx, []byte("while cut"))
	if err != nil {
		t.Fatal(err)
	}
	wait(end, 5*time.Second)
	cancel()
	for range heads {
	}
}

// TestDuplicate: a unique key or document id that another write took
// refuses the whole write, from this server or another, and leaves
// nothing of it.
func TestDuplicate(t *testing.T) {
	ctx := context.Background()
	dsn, a := newStore(t)
	b := open(t, dsn)
	seg := json.RawMessage(`[{"start":0,"end":5}]`)
	first, err := a.Write(ctx,
		Entry{Payload: []byte("entity minister"), Claim: []Key{{"entity", "minister"}}},
		Entry{Payload: []byte("import d1"), Claim: []Key{{"doc-sha256", "abc"}}, Sources: []Source{{Doc: "d1", Text: "hello", Segments: seg}}},
		Entry{Payload: []byte("code Lobbying"), Claim: []Key{{"code", "Lobbying"}}},
	)
	if err != nil || first != pos(3) {
		t.Fatalf("first write: %+v, %v", first, err)
	}
	tests := []struct {
		name    string
		entries []Entry
		want    DuplicateError
	}{
		{"Entity", []Entry{{Payload: []byte("x"), Claim: []Key{{"entity", "new"}, {"entity", "minister"}}}}, DuplicateError{"entity", "minister"}},
		{"DocHash", []Entry{{Payload: []byte("x"), Claim: []Key{{"doc-sha256", "abc"}}, Sources: []Source{{Doc: "d2", Text: "hello", Segments: seg}}}}, DuplicateError{"doc-sha256", "abc"}},
		{"Source", []Entry{{Payload: []byte("x"), Sources: []Source{{Doc: "d9", Text: "a", Segments: seg}, {Doc: "d1", Text: "other", Segments: seg}}}}, DuplicateError{"source", "d1"}},
		{"LaterEntry", []Entry{{Payload: []byte("ok"), Claim: []Key{{"code", "New"}}}, {Payload: []byte("x"), Claim: []Key{{"code", "Lobbying"}}}}, DuplicateError{"code", "Lobbying"}},
		{"SameWrite", []Entry{{Payload: []byte("x"), Claim: []Key{{"code", "Twice"}}}, {Payload: []byte("y"), Claim: []Key{{"code", "Twice"}}}}, DuplicateError{"code", "Twice"}},
		{"SameEntry", []Entry{{Payload: []byte("x"), Claim: []Key{{"code", "Twice"}, {"code", "Twice"}}}}, DuplicateError{"code", "Twice"}},
	}
	for _, tc := range tests {
		for name, s := range map[string]*Store{"SameServer": a, "OtherServer": b} {
			t.Run(tc.name+"/"+name, func(t *testing.T) {
				_, err := s.Write(ctx, tc.entries...)
				var dup *DuplicateError
				if !errors.As(err, &dup) || *dup != tc.want || !errors.Is(err, coding.ErrDuplicate) {
					t.Fatalf("write: %v, want %v", err, &tc.want)
				}
				if h, err := s.Head(ctx); err != nil || h != first {
					t.Fatalf("head after a refused write: %+v, %v", h, err)
				}
				for _, k := range []Key{{"entity", "new"}, {"code", "New"}, {"code", "Twice"}} {
					if seq, err := s.Claimed(ctx, k); err != nil || seq != 0 {
						t.Errorf("key %v claimed by %d after a refused write (%v)", k, seq, err)
					}
				}
				if docs, err := s.Sources(ctx); err != nil || fmt.Sprint(docs) != "[d1]" {
					t.Errorf("sources after a refused write: %v, %v", docs, err)
				}
			})
		}
	}
	if got, _ := entries(t, a, Start); len(got) != 3 {
		t.Fatalf("record after refused writes: %q", got)
	}
	// A freed key can be claimed again, in the same entry.
	end, err := b.Write(ctx, Entry{Payload: []byte("rename"), Free: []Key{{"code", "Lobbying"}}, Claim: []Key{{"code", "Lobbying"}, {"code", "Advocacy"}}})
	if err != nil {
		t.Fatal(err)
	}
	if seq, _ := a.Claimed(ctx, Key{"code", "Lobbying"}); seq != end.Seq {
		t.Fatalf("freed and claimed key held by %d, want %d", seq, end.Seq)
	}
	if _, err := a.Write(ctx, Entry{Payload: []byte("free"), Free: []Key{{"entity", "minister"}, {"entity", "never"}}}); err != nil {
		t.Fatal(err)
	}
	if seq, _ := a.Claimed(ctx, Key{"entity", "minister"}); seq != 0 {
		t.Fatalf("freed key held by %d", seq)
	}
}

// TestConcurrentDuplicate: two servers claim the same keys at once; each
// key goes to exactly one write.
func TestConcurrentDuplicate(t *testing.T) {
	ctx := context.Background()
	dsn, a := newStore(t)
	servers := []*Store{a, open(t, dsn)}
	const keys = 40
	wins := make([]int, len(servers))
	var wg sync.WaitGroup
	for si, s := range servers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range keys {
				_, err := s.Write(ctx, Entry{Payload: fmt.Appendf(nil, "s%d k%d", si, k), Claim: []Key{{"entity", fmt.Sprint(k)}}})
				switch {
				case err == nil:
					wins[si]++
				case !errors.Is(err, coding.ErrDuplicate):
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	got, _ := entries(t, a, Start)
	if wins[0]+wins[1] != keys || len(got) != keys {
		t.Fatalf("wins %v, %d entries; want %d in all", wins, len(got), keys)
	}
}

func TestSource(t *testing.T) {
	ctx := context.Background()
	dsn, s := newStore(t)
	srcs := []Source{
		{Doc: "interview-1", Text: "Die Ministerin sagte: «Nein.»\n高兴\r\n", Segments: json.RawMessage(`[{"start":0,"end":30,"speaker":"I"}, {"start":31,"end":34}]`)},
		{Doc: "empty", Text: "", Segments: json.RawMessage(`[]`)},
		{Doc: "nul", Text: "a\x00b", Segments: json.RawMessage(`null`)},
	}
	if _, err := s.Write(ctx, Entry{Payload: []byte("import"), Sources: srcs}); err != nil {
		t.Fatal(err)
	}
	for _, want := range srcs {
		t.Run(want.Doc, func(t *testing.T) {
			got, err := s.Source(ctx, want.Doc)
			if err != nil {
				t.Fatal(err)
			}
			if got.Text != want.Text || string(got.Segments) != string(want.Segments) {
				t.Fatalf("source = %q %s, want %q %s", got.Text, got.Segments, want.Text, want.Segments)
			}
		})
	}
	if _, err := s.Source(ctx, "nope"); !errors.Is(err, coding.ErrUnknownDoc) {
		t.Fatalf("unknown source: %v", err)
	}
	if _, err := s.Write(ctx, Entry{Payload: []byte("x"), Sources: []Source{{Doc: "bad", Segments: json.RawMessage(`{`)}}}); err == nil {
		t.Fatal("segments that are not JSON accepted")
	}
	sql(t, dsn, "UPDATE qg_source SET text = 'changed' WHERE doc = 'interview-1'")
	if _, err := s.Source(ctx, "interview-1"); !errors.Is(err, record.ErrCorrupt) {
		t.Fatalf("changed source: %v, want ErrCorrupt", err)
	}
}

// TestScanGap: an entry removed behind the store's back is corruption,
// not the end of the record.
func TestScanGap(t *testing.T) {
	ctx := context.Background()
	dsn, s := newStore(t)
	if _, err := s.Append(ctx, []byte("a"), []byte("b"), []byte("c")); err != nil {
		t.Fatal(err)
	}
	sql(t, dsn, "DELETE FROM qg_record WHERE seq = 2")
	if _, err := s.Scan(ctx, Start, func(record.Position, []byte) error { return nil }); !errors.Is(err, record.ErrCorrupt) {
		t.Fatalf("scan over a gap: %v, want ErrCorrupt", err)
	}
}

// TestDumpRestore: pg_dump of a project restored into a fresh database
// is the same project: the same record, sources, keys and id, and it goes
// on from the same head.
func TestDumpRestore(t *testing.T) {
	ctx := context.Background()
	bin := pgtest.BinDir(t)
	dsn, s := newStore(t)
	if _, err := s.Write(ctx,
		Entry{Payload: []byte{0, 1, 2, 0xff}, Claim: []Key{{"entity", "minister"}}},
		Entry{Payload: []byte(`{"op":"import"}`), Claim: []Key{{"doc-sha256", "abc"}}, Sources: []Source{{Doc: "d1", Text: "Grüße 高兴", Segments: json.RawMessage(`[{"start":0,"end":5}]`)}}},
	); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Append(ctx, []byte("third")); err != nil {
		t.Fatal(err)
	}
	dump := filepath.Join(t.TempDir(), "project.sql")
	run(t, filepath.Join(bin, "pg_dump"), "--dbname="+dsn, "--file="+dump, "--no-owner")
	restored := pgtest.DSN(t)
	run(t, filepath.Join(bin, "psql"), "--dbname="+restored, "--quiet", "--set=ON_ERROR_STOP=1", "--file="+dump)
	r := open(t, restored)

	want, wantEnd := entries(t, s, Start)
	got, gotEnd := entries(t, r, Start)
	if fmt.Sprint(got) != fmt.Sprint(want) || gotEnd != wantEnd {
		t.Fatalf("restored record %q to %+v, want %q to %+v", got, gotEnd, want, wantEnd)
	}
	if r.ID() != s.ID() {
		t.Errorf("restored id %q, want %q", r.ID(), s.ID())
	}
	src, err := r.Source(ctx, "d1")
	if err != nil || src.Text != "Grüße 高兴" || string(src.Segments) != `[{"start":0,"end":5}]` {
		t.Fatalf("restored source: %+v, %v", src, err)
	}
	if _, err := r.Write(ctx, Entry{Payload: []byte("x"), Claim: []Key{{"entity", "minister"}}}); !errors.Is(err, coding.ErrDuplicate) {
		t.Fatalf("restored keys: %v, want ErrDuplicate", err)
	}
	if end, err := r.Append(ctx, []byte("after restore")); err != nil || end != pos(wantEnd.Seq+1) {
		t.Fatalf("append after restore: %+v, %v", end, err)
	}
}

func run(t *testing.T, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "PGCONNECT_TIMEOUT=30")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, out)
	}
}

// TestWriteAfter: a write conditional on the head it validated against
// is refused, writing nothing, once another server has appended.
func TestWriteAfter(t *testing.T) {
	ctx := context.Background()
	dsn, a := newStore(t)
	b := open(t, dsn)
	seen, err := a.Append(ctx, []byte("one"))
	if err != nil {
		t.Fatal(err)
	}
	moved, err := b.Append(ctx, []byte("two"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		entries []Entry
	}{
		{"One", []Entry{{Payload: []byte("late")}}},
		{"WithKey", []Entry{{Payload: []byte("late"), Claim: []Key{{"code", "Late"}}}}},
		{"None", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := a.WriteAfter(ctx, seen, tc.entries...)
			var me *MovedError
			if !errors.As(err, &me) || !errors.Is(err, ErrMoved) || me.Head != moved || me.Expected != seen {
				t.Fatalf("write after %+v: %v, want a MovedError to %+v", seen, err, moved)
			}
			if h, _ := a.Head(ctx); h != moved {
				t.Fatalf("head %+v after a refused write", h)
			}
			if seq, _ := a.Claimed(ctx, Key{"code", "Late"}); seq != 0 {
				t.Fatalf("refused write claimed a key")
			}
		})
	}
	end, err := a.WriteAfter(ctx, moved, Entry{Payload: []byte("three")})
	if err != nil || end != pos(3) {
		t.Fatalf("write after the head: %+v, %v", end, err)
	}
	if got, _ := entries(t, a, Start); fmt.Sprint(got) != "[1:one 2:two 3:three]" {
		t.Fatalf("record %q", got)
	}
}

// TestConcurrentWriteAfter: writers on two servers each validate against
// the head they read and retry when it moved: every entry is written
// knowing all the entries before it (its payload names its own number).
func TestConcurrentWriteAfter(t *testing.T) {
	ctx := context.Background()
	dsn, a := newStore(t)
	servers := []*Store{a, open(t, dsn)}
	const goroutines, writes = 4, 10
	var wg sync.WaitGroup
	for _, s := range servers {
		for range goroutines {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range writes {
					for {
						head, err := s.Head(ctx)
						if err != nil {
							t.Error(err)
							return
						}
						_, err = s.WriteAfter(ctx, head, Entry{Payload: fmt.Append(nil, head.Seq+1)})
						if errors.Is(err, ErrMoved) {
							continue
						}
						if err != nil {
							t.Error(err)
							return
						}
						break
					}
				}
			}()
		}
	}
	wg.Wait()
	n := 0
	if _, err := a.Scan(ctx, Start, func(end record.Position, p []byte) error {
		n++
		if string(p) != fmt.Sprint(end.Seq) {
			t.Errorf("entry %d was written as number %s", end.Seq, p)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if n != len(servers)*goroutines*writes {
		t.Fatalf("%d entries, want %d", n, len(servers)*goroutines*writes)
	}
}

// BenchmarkWrite measures acknowledged entries per second (each of about
// 300 bytes, as a coding's event is, and claiming one key) by the number of
// entries per write: a coder's single coding, and bulk auto-coding.
func BenchmarkWrite(b *testing.B) {
	ctx := context.Background()
	payload := []byte(strings.Repeat("x", 300))
	for _, n := range []int{1, 100, 1000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			_, s := newStore(b)
			entries := make([]Entry, n)
			key := 0
			b.ResetTimer()
			for range b.N {
				for i := range entries {
					key++
					entries[i] = Entry{Payload: payload, Claim: []Key{{"coding", fmt.Sprint(key)}}}
				}
				if _, err := s.Write(ctx, entries...); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "entries/s")
		})
	}
}

// TestFreeOrder: within one write, a key an entry frees is free for that
// entry and those after it, not for those before it.
func TestFreeOrder(t *testing.T) {
	ctx := context.Background()
	_, s := newStore(t)
	if _, err := s.Write(ctx, Entry{Payload: []byte("setup"), Claim: []Key{{"code", "A"}, {"code", "B"}}}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		entries []Entry
		dup     string // the duplicate key, or "" for a write that succeeds
		holder  Key    // then: held by the write's last entry
	}{
		{"FreeThenClaim", []Entry{{Payload: []byte("free A"), Free: []Key{{"code", "A"}}}, {Payload: []byte("claim A"), Claim: []Key{{"code", "A"}}}}, "", Key{"code", "A"}},
		{"ClaimThenFree", []Entry{{Payload: []byte("claim B"), Claim: []Key{{"code", "B"}}}, {Payload: []byte("free B"), Free: []Key{{"code", "B"}}}}, "B", Key{}},
		{"ClaimFreeClaim", []Entry{{Payload: []byte("c1"), Claim: []Key{{"code", "C"}}}, {Payload: []byte("f"), Free: []Key{{"code", "C"}}}, {Payload: []byte("c2"), Claim: []Key{{"code", "C"}}}}, "", Key{"code", "C"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before, _ := s.Head(ctx)
			end, err := s.Write(ctx, tc.entries...)
			if tc.dup != "" {
				var dup *DuplicateError
				if !errors.As(err, &dup) || dup.Key != tc.dup {
					t.Fatalf("write: %v, want a duplicate %s", err, tc.dup)
				}
				if h, _ := s.Head(ctx); h != before {
					t.Fatalf("head moved to %+v", h)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if seq, _ := s.Claimed(ctx, tc.holder); seq != end.Seq {
				t.Fatalf("%v held by %d, want %d", tc.holder, seq, end.Seq)
			}
		})
	}
}

// TestDrop checks that Drop removes the project, which Create can then
// make again, and refuses a database without one.
func TestDrop(t *testing.T) {
	ctx := context.Background()
	dsn, s := newStore(t)
	if _, err := s.Append(ctx, []byte("one")); err != nil {
		t.Fatal(err)
	}
	if err := s.Drop(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(ctx, dsn); !errors.Is(err, ErrNotProject) {
		t.Fatalf("Open after Drop: %v, want %v", err, ErrNotProject)
	}
	if err := s.Drop(ctx); !errors.Is(err, ErrNotProject) {
		t.Fatalf("Drop again: %v, want %v", err, ErrNotProject)
	}
	if err := Create(ctx, dsn); err != nil {
		t.Fatalf("Create after Drop: %v", err)
	}
	if got, _ := entries(t, open(t, dsn), Start); len(got) != 0 {
		t.Fatalf("the project made again holds %v", got)
	}
}
