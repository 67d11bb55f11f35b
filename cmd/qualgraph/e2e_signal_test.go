//go:build unix

package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestInterruptImport presses Ctrl-C (sends SIGINT) while an import reads
// its files. The first file is a named pipe, so the import waits on it
// until the test writes to it: the signal surely comes while the import
// reads, before it writes.
//
// Watch: the import notices the cancelled context once the pipe gives its
// text and stops at once, before it writes. Hang: the pipe never gives
// its text, so the import cannot notice, and the process ends
// interruptGrace after the signal. Either way it ends with status 130 and
// one line on standard error, and leaves the project as it was and usable.
func TestInterruptImport(t *testing.T) {
	for _, tc := range []struct {
		name     string
		feed     bool          // write the pipe after the signal
		min, max time.Duration // from the signal to the end of the process
	}{
		{"Watch", true, 0, interruptGrace / 2},
		{"Hang", false, interruptGrace, interruptGrace + 3*time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "p")
			must(t, ".", "init", dir)
			src := t.TempDir()
			pipe := filepath.Join(src, "a.txt")
			if err := syscall.Mkfifo(pipe, 0o644); err != nil {
				t.Skipf("no named pipes here: %v", err)
			}
			other := filepath.Join(src, "b.txt")
			if err := os.WriteFile(other, []byte("Lin: We came back in 2018.\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			cmd := qgCmd(t, ".", "--project", dir, "import", pipe, other)
			var out, errb bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errb
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Opening the pipe to write waits until the import opens it
			// to read.
			w, err := os.OpenFile(pipe, os.O_WRONLY, 0)
			if err != nil {
				cmd.Process.Kill()
				t.Fatal(err)
			}
			defer w.Close()
			if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
				t.Fatal(err)
			}
			sent := time.Now()
			if tc.feed {
				// Give the process time to take the signal before the
				// import can go on.
				time.Sleep(200 * time.Millisecond)
				w.WriteString("Chen: We left Huaxing in 2019.\n")
				w.Close()
			}
			err = cmd.Wait()
			took := time.Since(sent)
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != exitInterrupt || errb.String() != "qualgraph: interrupted\n" {
				t.Fatalf("ended with %v, stderr %q: want exit status %d and \"qualgraph: interrupted\"\nstdout: %s", err, errb.String(), exitInterrupt, out.String())
			}
			if took < tc.min || took > tc.max {
				t.Errorf("the process ended %v after SIGINT, want between %v and %v", took, tc.min, tc.max)
			}
			if n := len(docsJSON(t, dir)); n != 0 {
				t.Errorf("the interrupted import kept %d documents", n)
			}
			must(t, dir, "check")
			must(t, dir, "import", other)
			if n := len(docsJSON(t, dir)); n != 1 {
				t.Errorf("an import after the interrupted one: %d documents, want 1", n)
			}
		})
	}
}
