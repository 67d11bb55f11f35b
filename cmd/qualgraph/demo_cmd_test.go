package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDemoCommand(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(t *testing.T) string // returns the folder
		args   []string
		code   int
		stdout string // contained in standard output
		stderr string // contained in standard error
	}{
		{"ServeRefusesOpenAddress", func(t *testing.T) string { return filepath.Join(t.TempDir(), "d") },
			[]string{"--uncoded", "--serve", "--addr", "0.0.0.0:0"}, 1, "Demo project ready", "refusing to listen on 0.0.0.0:0 without authentication"},
		{"ErrNotDemo", func(t *testing.T) string {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "thesis.txt"), []byte("mine"), 0o644); err != nil {
				t.Fatal(err)
			}
			return dir
		}, nil, 1, "", "holds no demo project"},
		{"TooManyArgs", func(t *testing.T) string { return "a" }, []string{"b"}, 2, "", "usage"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := tc.setup(t)
			r := qg(t, t.TempDir(), append(append([]string{"demo"}, tc.args...), dir)...)
			if r.code != tc.code || !strings.Contains(r.stdout, tc.stdout) || !strings.Contains(r.stderr, tc.stderr) {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s\nwant %q in stdout, %q in stderr", r.code, tc.code, r.stdout, r.stderr, tc.stdout, tc.stderr)
			}
		})
	}
	// The demo that --serve built is there and complete, uncoded.
	dir := filepath.Join(t.TempDir(), "d")
	qg(t, ".", "demo", "--uncoded", "--serve", "--addr", "0.0.0.0:0", dir)
	if out := must(t, ".", "demo", "--uncoded", dir); !strings.Contains(out, "already") {
		t.Fatalf("after demo --serve, demo says: %s", out)
	}
}
