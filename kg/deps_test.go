package kg_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestNoBleve checks with the go tool that the graph store and the coding
// packages link no full-text index: bleve belongs to corpus/fts alone. The
// control case checks that the same listing does find bleve where it is, so
// the test cannot pass because the listing came out empty.
func TestNoBleve(t *testing.T) {
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goTool); err != nil {
		p, lerr := exec.LookPath("go")
		if lerr != nil {
			t.Skipf("!!! SKIPPING the dependency check: no go tool at %s (%v) nor on PATH (%v); "+
				"kg and coding may link bleve unnoticed", goTool, err, lerr)
		}
		goTool = p
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root %s: %v", root, err)
	}

	const bleve = "github.com/blevesearch/"
	tests := []struct {
		name      string
		patterns  []string
		mustList  string // a package the listing must contain
		wantBleve bool
	}{
		{"KgAndCoding", []string{"./kg/...", "./coding/..."}, "github.com/qualgraph/qualgraph/kg", false},
		{"ControlFTS", []string{"./corpus/fts"}, "github.com/qualgraph/qualgraph/corpus/fts", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(goTool, append([]string{"list", "-deps"}, tt.patterns...)...)
			cmd.Dir = root
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("go list -deps %s: %v\n%s", strings.Join(tt.patterns, " "), err, stderr.String())
			}
			pkgs := strings.Fields(string(out))
			var listed []string
			found := false
			for _, p := range pkgs {
				if strings.HasPrefix(p, bleve) {
					listed = append(listed, p)
				}
				if p == tt.mustList {
					found = true
				}
			}
			if !found {
				t.Fatalf("go list -deps %s does not list %s; got %d packages",
					strings.Join(tt.patterns, " "), tt.mustList, len(pkgs))
			}
			if tt.wantBleve && len(listed) == 0 {
				t.Errorf("go list -deps %s lists no %s package", strings.Join(tt.patterns, " "), bleve)
			}
			if !tt.wantBleve && len(listed) > 0 {
				t.Errorf("go list -deps %s lists %d %s packages, want none (keep bleve in corpus/fts); first: %s",
					strings.Join(tt.patterns, " "), len(listed), bleve, listed[0])
			}
		})
	}
}
