package project

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gofrs/flock"
)

// TestLockedErrorHolder checks what a refused writer is told about the
// holder: the live process that holds the lock, never a stale holder file
// left by a process that is gone (such as an older reader's "(reading)").
func TestLockedErrorHolder(t *testing.T) {
	dir, _ := recordProject(t)
	old := LockWait
	LockWait = 100 * time.Millisecond
	t.Cleanup(func() { LockWait = old })

	// A pid that is certainly gone: a process that has exited.
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skip("!!! cannot run true to get a dead pid: ", err)
	}
	dead := cmd.Process.Pid
	host, _ := os.Hostname()

	tests := []struct {
		name    string
		holder  *Holder // written to .lock.holder while the lock is held
		want    string
		wantNot string
	}{
		{"Stale", &Holder{PID: dead, Command: "qualgraph docs (reading)", User: "x", Host: host, Since: time.Now()},
			"another qualgraph process is writing", "(reading)"},
		{"Missing", nil, "another qualgraph process is writing", "pid"},
		{"Live", &Holder{PID: os.Getpid(), Command: "qualgraph import big", User: "ana", Host: host, Since: time.Now()},
			`"qualgraph import big" (pid`, "(reading)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fl := flock.New(filepath.Join(dir, lockFile))
			if ok, err := fl.TryLock(); !ok || err != nil {
				t.Fatalf("lock: %v %v", ok, err)
			}
			defer fl.Unlock()
			hf := filepath.Join(dir, holderFile)
			os.Remove(hf)
			if tc.holder != nil {
				b, _ := json.Marshal(tc.holder)
				if err := os.WriteFile(hf, b, 0o644); err != nil {
					t.Fatal(err)
				}
				defer os.Remove(hf)
			}
			p, err := Open(dir, ReadWrite)
			if err == nil {
				p.Close()
				t.Fatal("a second writer opened the project")
			}
			var le *LockedError
			if !errors.As(err, &le) {
				t.Fatalf("err %v is not a *LockedError", err)
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.want) || strings.Contains(msg, tc.wantNot) {
				t.Errorf("message %q: want %q, not %q", msg, tc.want, tc.wantNot)
			}
		})
	}
}
