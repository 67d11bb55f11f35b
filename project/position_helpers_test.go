package project

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// stampPosition makes the graph folder's position measure its logs as they
// are now, as if a test's damage to a log had been written by a write:
// readers read a log only up to its position (see kg's position.go).
func stampPosition(t *testing.T, graphDir string) {
	t.Helper()
	name := filepath.Join(graphDir, "position.json")
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var pos map[string]any
	if err := json.Unmarshal(b, &pos); err != nil {
		t.Fatal(err)
	}
	sizes := map[string]int64{}
	for _, log := range []string{"codings.log", "records.log", "codes.log", "quotes.log", "docs.log"} {
		if fi, err := os.Stat(filepath.Join(graphDir, log)); err == nil {
			sizes[log] = fi.Size()
		}
	}
	pos["sizes"] = sizes
	b, _ = json.Marshal(pos)
	if err := os.WriteFile(name, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
