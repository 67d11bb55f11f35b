package record

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

func newLog(t testing.TB) (string, *Log) {
	t.Helper()
	name := filepath.Join(t.TempDir(), "record.log")
	if err := Create(name); err != nil {
		t.Fatal(err)
	}
	l, err := Open(name, Start)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return name, l
}

func entries(t testing.TB, name string, from Position) ([]string, Position) {
	t.Helper()
	var got []string
	pos, err := Scan(name, from, func(end Position, p []byte) error {
		got = append(got, fmt.Sprintf("%d:%s", end.Seq, p))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got, pos
}

func TestAppendScan(t *testing.T) {
	name, l := newLog(t)
	if h := l.Head(); h != Start {
		t.Fatalf("empty head = %+v, want %+v", h, Start)
	}
	p1, err := l.Append([]byte("a"), []byte("bb"))
	if err != nil {
		t.Fatal(err)
	}
	p2, err := l.Append([]byte(""), []byte("dddd"))
	if err != nil {
		t.Fatal(err)
	}
	if p1.Seq != 2 || p2.Seq != 4 {
		t.Fatalf("seqs %d, %d; want 2, 4", p1.Seq, p2.Seq)
	}
	got, end := entries(t, name, Start)
	want := []string{"1:a", "2:bb", "3:", "4:dddd"}
	if fmt.Sprint(got) != fmt.Sprint(want) || end != p2 {
		t.Fatalf("scan = %q to %+v, want %q to %+v", got, end, want, p2)
	}
	// From a position, only what follows.
	got, _ = entries(t, name, p1)
	if fmt.Sprint(got) != fmt.Sprint(want[2:]) {
		t.Fatalf("scan from %+v = %q", p1, got)
	}
	// Reopening finds the same head, from the start or from a position.
	for _, from := range []Position{Start, p1, p2} {
		l2, err := Open(name, from)
		if err != nil {
			t.Fatal(err)
		}
		if l2.Head() != p2 || l2.Repaired != 0 {
			t.Errorf("reopen from %+v: head %+v repaired %d", from, l2.Head(), l2.Repaired)
		}
		l2.Close()
	}
}

// TestTornTail cuts the file at every byte of its last frame, and flips
// every byte of it: the writer's Open cuts the torn frame, readers stop
// before it, and the entries before it are intact.
func TestTornTail(t *testing.T) {
	name, l := newLog(t)
	before, err := l.Append([]byte("first"), []byte("second"))
	if err != nil {
		t.Fatal(err)
	}
	after, err := l.Append([]byte("third entry"))
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	whole, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	check := func(t *testing.T, data []byte) {
		if err := os.WriteFile(name, data, 0o644); err != nil {
			t.Fatal(err)
		}
		got, end := entries(t, name, Start)
		if fmt.Sprint(got) != "[1:first 2:second]" || end != before {
			t.Fatalf("scan = %q to %+v", got, end)
		}
		l, err := Open(name, Start)
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		if l.Head() != before || l.Repaired != int64(len(data))-before.Offset {
			t.Fatalf("open: head %+v repaired %d", l.Head(), l.Repaired)
		}
		if st, _ := os.Stat(name); st.Size() != before.Offset {
			t.Fatalf("file not cut: %d bytes", st.Size())
		}
		// And the next append takes the torn frame's number.
		if p, err := l.Append([]byte("again")); err != nil || p.Seq != 3 {
			t.Fatalf("append after repair: %+v, %v", p, err)
		}
	}
	for cut := before.Offset; cut < after.Offset; cut++ {
		t.Run(fmt.Sprintf("cut%d", cut), func(t *testing.T) { check(t, whole[:cut]) })
	}
	for i := before.Offset; i < after.Offset; i++ {
		if i >= before.Offset+8 && i < before.Offset+16 {
			continue // the sequence number: a corrupt log, tested below
		}
		data := bytes.Clone(whole)
		data[i] ^= 0x40
		t.Run(fmt.Sprintf("flip%d", i), func(t *testing.T) { check(t, data) })
	}
}

func TestCorrupt(t *testing.T) {
	name, l := newLog(t)
	if _, err := l.Append([]byte("a")); err != nil {
		t.Fatal(err)
	}
	// A whole frame with the wrong number: not a torn write.
	if _, err := l.f.WriteAt(appendFrame(nil, 5, []byte("b")), l.head.Offset); err != nil {
		t.Fatal(err)
	}
	if _, err := Scan(name, Start, nil); !errors.Is(err, ErrCorrupt) {
		t.Errorf("scan: %v, want ErrCorrupt", err)
	}
	if _, err := Open(name, Start); !errors.Is(err, ErrCorrupt) {
		t.Errorf("open: %v, want ErrCorrupt", err)
	}
	other := filepath.Join(t.TempDir(), "x")
	os.WriteFile(other, []byte("not a record at all"), 0o644)
	if _, err := Open(other, Start); !errors.Is(err, ErrCorrupt) {
		t.Errorf("open non-record: %v", err)
	}
}

// TestConcurrentReaders reads while one writer appends: every reader sees
// a prefix of the entries, in order, without a lock.
func TestConcurrentReaders(t *testing.T) {
	name, l := newLog(t)
	const n = 300
	var wg sync.WaitGroup
	done := make(chan struct{})
	errs := make(chan error, 4)
	for r := 0; r < 4; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				var i uint64
				_, err := Scan(name, Start, func(end Position, p []byte) error {
					seq := end.Seq
					i++
					if seq != i || string(p) != fmt.Sprintf("entry %d", seq) {
						return fmt.Errorf("entry %d reads %d:%q", i, seq, p)
					}
					return nil
				})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for i := 1; i <= n; i++ {
		if _, err := l.Append([]byte(fmt.Sprintf("entry %d", i))); err != nil {
			t.Fatal(err)
		}
	}
	close(done)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got, _ := entries(t, name, Start); len(got) != n {
		t.Errorf("%d entries, want %d", len(got), n)
	}
}

func FuzzScan(f *testing.F) {
	f.Add(append(magic[:], appendFrame(nil, 1, []byte("x"))...))
	f.Add(append(magic[:], appendFrame(appendFrame(nil, 1, []byte("x")), 2, nil)...))
	f.Add(magic[:])
	f.Fuzz(func(t *testing.T, data []byte) {
		name := filepath.Join(t.TempDir(), "r")
		if err := os.WriteFile(name, data, 0o644); err != nil {
			t.Fatal(err)
		}
		var last uint64
		pos, err := Scan(name, Start, func(end Position, p []byte) error {
			seq := end.Seq
			if seq != last+1 {
				t.Fatalf("seq %d after %d", seq, last)
			}
			last = seq
			return nil
		})
		if err == nil && (pos.Seq != last || pos.Offset > int64(len(data))) {
			t.Fatalf("scan ended at %+v after %d entries of %d bytes", pos, last, len(data))
		}
		if err != nil {
			return
		}
		// The writer's open agrees with the reader and leaves a log
		// that takes appends.
		l, err := Open(name, Start)
		if err != nil {
			t.Fatalf("open after clean scan: %v", err)
		}
		defer l.Close()
		if l.Head() != pos {
			t.Fatalf("open head %+v, scan %+v", l.Head(), pos)
		}
		if p, err := l.Append([]byte("y")); err != nil || p.Seq != pos.Seq+1 {
			t.Fatalf("append: %+v %v", p, err)
		}
	})
}

func BenchmarkAppend(b *testing.B) {
	_, l := newLog(b)
	p := bytes.Repeat([]byte("x"), 200)
	b.SetBytes(int64(len(p)))
	for b.Loop() {
		if _, err := l.Append(p); err != nil {
			b.Fatal(err)
		}
	}
}
