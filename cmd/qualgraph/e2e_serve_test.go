//go:build unix

package main

import (
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestServeBesideCommands runs `qualgraph demo --serve` as its own process
// and, while it serves, commands in other processes: a reader, and a
// writer that codes. Nothing is refused; the workbench's API shows the
// command's coding on its next request, and a coding made through the API
// is seen by the next command. Ctrl-C stops the server cleanly (status 0).
func TestServeBesideCommands(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	cmd, base, stderr := startServe(t, 3*time.Minute, "demo", "--serve", "--addr", "127.0.0.1:0", dir)
	overview := func() (codings int) {
		t.Helper()
		resp, err := http.Get(base + "api/overview")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var ov struct {
			Codings int `json:"codings"`
		}
		if b, _ := io.ReadAll(resp.Body); resp.StatusCode != 200 || json.Unmarshal(b, &ov) != nil {
			t.Fatalf("GET /api/overview: %d %s", resp.StatusCode, b)
		}
		return ov.Codings
	}
	before := overview()
	if before == 0 {
		t.Fatal("the served demo has no codings")
	}
	// Commands in other processes while the workbench runs.
	if out := qgCmdOut(t, dir, "codings", "--json"); !strings.HasPrefix(strings.TrimSpace(out), "[") {
		t.Fatalf("codings --json beside the workbench: %s", out)
	}
	qgCmdOut(t, dir, "code", "interview_chen_en.txt", "--quote", "In October 2019 I left", "SpinoffDynamics", "--coder", "cy")
	if n := overview(); n != before+1 {
		t.Fatalf("the workbench shows %d codings after the command coded, want %d", n, before+1)
	}
	resp, err := http.Post(base+"api/codings", "application/json", strings.NewReader(
		`{"doc":"interview_chen_en.txt","quote":"In October 2019 I left","code":"ExperienceBasedFounder"}`))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("POST /api/codings beside the commands: %d %s", resp.StatusCode, b)
	}
	if out := qgCmdOut(t, dir, "codings", "--code", "ExperienceBasedFounder", "--json"); !strings.Contains(out, "In October 2019 I left") {
		t.Fatalf("the command does not see the workbench's coding: %s", out)
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	// Ctrl-C is how a server is stopped: a clean stop, status 0.
	if err := cmd.Wait(); err != nil {
		t.Fatalf("after Ctrl-C: %v, want a clean stop; stderr: %s", err, stderr.String())
	}
}

// qgCmdOut runs the qualgraph binary in dir and returns its standard
// output, failing the test on a non-zero exit.
func qgCmdOut(t *testing.T, dir string, args ...string) string {
	t.Helper()
	c := qgCmd(t, dir, args...)
	var out, errb strings.Builder
	c.Stdout, c.Stderr = &out, &errb
	if err := c.Run(); err != nil {
		t.Fatalf("qualgraph %s: %v\nstderr: %s", strings.Join(args, " "), err, errb.String())
	}
	return out.String()
}
