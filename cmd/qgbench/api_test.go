package main

import (
	"os"
	"strings"
	"testing"

	"github.com/qualgraph/qualgraph/internal/apibench"
	"github.com/qualgraph/qualgraph/internal/benchproj"
)

// TestAPIRows runs the API rows on a small generated project: every call
// of the targets answers through the server, and the memory is measured.
func TestAPIRows(t *testing.T) {
	dir, _, err := benchproj.Ensure(t.TempDir(), benchproj.Options{Docs: 20, Codings: 300, Entities: 10, Assertions: 60})
	if err != nil {
		t.Fatal(err)
	}
	rows := apiRows(dir, 3)
	if len(rows) != len(apibench.Calls)+2 {
		t.Fatalf("%d rows, want %d: %+v", len(rows), len(apibench.Calls)+2, rows)
	}
	for i, r := range rows {
		if r.Err != "" {
			t.Errorf("%s: %s", r.Name, r.Err)
		}
		if _, err := os.Stat("/proc/self/status"); err != nil && strings.Contains(r.Name, "resident") {
			continue // no /proc: no resident set to read
		}
		if r.Value <= 0 {
			t.Errorf("%s: value %v, want a positive measure", r.Name, r.Value)
		}
		if i < len(apibench.Calls) && (r.Name != apibench.Calls[i].Name || r.limit <= 0 || !r.lessIsOK || !strings.HasPrefix(r.Target, "< ")) {
			t.Errorf("row %d: %+v, want the target of %s", i, r, apibench.Calls[i].Name)
		}
	}
}
