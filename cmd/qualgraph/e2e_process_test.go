package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestProcessExitStatus runs the binary to check the exit statuses a shell
// sees and that errors reach standard error as one line.
func TestProcessExitStatus(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "p")
	src := t.TempDir()
	good := filepath.Join(src, "good.txt")
	if err := os.WriteFile(good, []byte("Chen: We left Huaxing in 2019.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stdout string // a substring of standard output
		stderr string // a substring of standard error; "" for none at all
	}{
		{"OK", []string{"init", dir}, 0, "", ""},
		{"Import", []string{"--project", dir, "import", good}, 0, "Imported 1 documents", ""},
		{"RefusedInput", []string{"--project", dir, "import", filepath.Join(src, "nope.txt")}, 1, "", "nope.txt"},
		{"NoProject", []string{"docs"}, 1, "", "no qualgraph project"},
		{"MissingArgument", []string{"--project", dir, "import"}, 2, "", "usage: qualgraph import"},
		{"UnknownFlag", []string{"--project", dir, "docs", "--nope"}, 2, "", "nope"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := qgProc(t, src, tc.args...)
			if r.code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", r.code, tc.code, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stdout, tc.stdout) {
				t.Errorf("stdout %q, want it to contain %q", r.stdout, tc.stdout)
			}
			if tc.stderr == "" && r.stderr != "" || !strings.Contains(r.stderr, tc.stderr) {
				t.Errorf("stderr %q, want %q", r.stderr, tc.stderr)
			}
			if strings.Contains(r.stderr, "goroutine ") {
				t.Errorf("stderr holds a stack trace:\n%s", r.stderr)
			}
		})
	}
}

// TestCancelledCommand runs commands that watch their context with a
// context already cancelled, as Ctrl-C leaves it: each stops with status
// 130, "interrupted", and writes nothing.
func TestCancelledCommand(t *testing.T) {
	dir := newDemo(t)
	src := filepath.Join(t.TempDir(), "new.txt")
	if err := os.WriteFile(src, []byte("Chen: A new interview about the cluster.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	docs := len(docsJSON(t, dir))
	codings := len(codingsOf(t, dir))
	// Not cancelled, autocode would code something.
	var dry struct {
		Coded int `json:"coded"`
	}
	if err := json.Unmarshal([]byte(must(t, dir, "autocode", "--dry-run", "--json")), &dry); err != nil || dry.Coded == 0 {
		t.Fatalf("autocode --dry-run: %v, %d codings: the test needs a project where autocode codes", err, dry.Coded)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"Import", []string{"import", src}},
		{"Autocode", []string{"autocode"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			app := newApp()
			var out, errb bytes.Buffer
			app.Writer, app.ErrWriter = &out, &errb
			setProcEnv(app, procEnv{Dir: dir, Env: func(key string) string { return testEnv[key] }})
			code := runMain(ctx, app, append([]string{"qualgraph"}, tc.args...))
			if code != exitInterrupt || errb.String() != "qualgraph: interrupted\n" {
				t.Fatalf("exit %d, stderr %q: want %d and \"qualgraph: interrupted\"\nstdout: %s", code, errb.String(), exitInterrupt, out.String())
			}
			if n := len(docsJSON(t, dir)); n != docs {
				t.Errorf("%d documents, want %d", n, docs)
			}
			if n := len(codingsOf(t, dir)); n != codings {
				t.Errorf("%d codings, want %d", n, codings)
			}
			must(t, dir, "check")
		})
	}
}
