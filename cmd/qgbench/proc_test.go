package main

import (
	"fmt"
	"os"
	"testing"
	"time"
)

// The test binary is its own child process: with QGBENCH_CHILD set, it
// prints lines, pausing where asked, instead of running the tests.
func TestMain(m *testing.M) {
	switch os.Getenv("QGBENCH_CHILD") {
	case "":
		os.Exit(m.Run())
	case "line-exit":
		fmt.Println("Importing…")
		time.Sleep(50 * time.Millisecond)
		fmt.Println("Coded 7 spans with X (7 hits)")
		time.Sleep(200 * time.Millisecond)
		os.Exit(0)
	case "line-hang":
		fmt.Println("Coded 3 spans with X (3 hits)")
		time.Sleep(time.Minute)
		os.Exit(0)
	case "no-line":
		fmt.Println("Coded nothing")
		os.Exit(0)
	case "fail":
		fmt.Fprintln(os.Stderr, "qualgraph: project is locked")
		os.Exit(3)
	}
}

func child(t *testing.T, mode string) *proc {
	t.Helper()
	t.Setenv("QGBENCH_CHILD", mode)
	// os.Args[0] may be a bare name that go test ran from the package's
	// folder, which exec would look up in PATH.
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	p, err := start(codedRE, "", exe)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestProcWaitLine(t *testing.T) {
	tests := []struct {
		mode     string
		wantLine string
		wantErr  bool
	}{
		{"line-exit", "Coded 7 spans with X (7 hits)", false},
		{"no-line", "", true},
		{"fail", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			p := child(t, tt.mode)
			line, at, err := p.waitLine()
			if (err != nil) != tt.wantErr || line != tt.wantLine {
				t.Fatalf("waitLine: %q, %v; want %q, error %v", line, err, tt.wantLine, tt.wantErr)
			}
			if err != nil {
				return
			}
			total, err := p.wait()
			if err != nil {
				t.Fatal(err)
			}
			// The child prints the line after 50 ms and ends 200 ms later.
			if at < 50*time.Millisecond || total-at < 150*time.Millisecond {
				t.Errorf("line after %v, end after %v: want the line at 50 ms and the end about 200 ms later", at, total)
			}
		})
	}
}

func TestProcKill(t *testing.T) {
	p := child(t, "line-hang")
	if _, _, err := p.waitLine(); err != nil {
		t.Fatal(err)
	}
	if err := p.kill(); err != nil {
		t.Fatalf("kill: %v", err)
	}
	if d := time.Since(p.start); d > 30*time.Second {
		t.Fatalf("the killed child ran %v", d)
	}
	p = child(t, "line-exit")
	p.wait()
	if err := p.kill(); err == nil {
		t.Fatal("kill of an ended process: no error")
	}
}

func TestMedian(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name        string
		in          []time.Duration
		med, lo, hi time.Duration
	}{
		{"one", []time.Duration{5 * ms}, 5 * ms, 5 * ms, 5 * ms},
		{"odd", []time.Duration{9 * ms, 1 * ms, 4 * ms}, 4 * ms, 1 * ms, 9 * ms},
		{"even takes the upper", []time.Duration{4 * ms, 1 * ms, 3 * ms, 2 * ms}, 3 * ms, 1 * ms, 4 * ms},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := append([]time.Duration(nil), tt.in...)
			med, lo, hi := median(tt.in)
			if med != tt.med || lo != tt.lo || hi != tt.hi {
				t.Errorf("median(%v) = %v, %v, %v; want %v, %v, %v", in, med, lo, hi, tt.med, tt.lo, tt.hi)
			}
			for i := range in {
				if in[i] != tt.in[i] {
					t.Fatalf("median reordered its argument: %v", tt.in)
				}
			}
		})
	}
}
