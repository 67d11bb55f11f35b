// Package clienttest runs the files qualgraph exports through the programs
// people open them with (Python's networkx, rdflib, pandas and openpyxl;
// graphology on Node.js), for the exporters' tests.
//
// A test asks for the interpreters that can import a module (Pythons) or
// for a Node.js directory with npm packages installed (NodeModules); when
// none is there it is skipped with a message starting with "!!!", so that
// a skipped check is seen. scripts/test.sh installs the Debian packages
// (python3-networkx, python3-rdflib, python3-pandas, python3-openpyxl,
// nodejs, npm) when they are missing. npm packages are installed into a
// cache directory outside the repository (QUALGRAPH_NPM_CACHE, or
// qualgraph-test/npm under the user's cache directory) on first use.
package clienttest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
)

// Python is one Python interpreter that can import a module.
type Python struct {
	Path    string // the interpreter
	Version string // the module's __version__
}

// Pythons returns every distinct Python 3 interpreter found (python3 on
// PATH, /usr/bin/python3, which is Debian's) that imports module, with the
// module's version, so that a check runs against each version installed.
// If none does, it skips t with a loud message naming the Debian package.
func Pythons(t testing.TB, module, debianPackage string) []Python {
	t.Helper()
	seen := map[string]bool{}
	var out []Python
	var cands []string
	if p, err := exec.LookPath("python3"); err == nil {
		cands = append(cands, p)
	}
	cands = append(cands, "/usr/bin/python3")
	versions := map[string]bool{}
	for _, c := range cands {
		if seen[c] {
			continue
		}
		seen[c] = true
		if _, err := os.Stat(c); err != nil {
			continue
		}
		cmd := exec.Command(c, "-c", "import "+module+"; print("+module+".__version__)")
		b, err := cmd.Output()
		if err != nil {
			continue
		}
		v := strings.TrimSpace(string(b))
		if versions[v] { // one run per version is enough
			continue
		}
		versions[v] = true
		out = append(out, Python{Path: c, Version: v})
	}
	if len(out) == 0 {
		t.Skipf("!!! SKIPPED: no Python 3 with %s (Debian: apt-get install %s; scripts/test.sh installs it)", module, debianPackage)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out
}

// Run runs script with the interpreter p, the args after it, and returns
// its standard output; a failure fails t with the script's standard error.
func (p Python) Run(t testing.TB, script string, args ...string) string {
	t.Helper()
	cmd := exec.Command(p.Path, append([]string{"-c", script}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\n%s", p.Path, err, stderr.String())
	}
	return stdout.String()
}

var npmMu sync.Mutex

// NodeModules returns a directory whose node_modules holds the npm
// packages pkgs (installed there on first use), for running node with
// that directory as its working directory. Without node or npm, or when
// the install fails (no network), it skips t with a loud message.
func NodeModules(t testing.TB, pkgs ...string) string {
	t.Helper()
	for _, prog := range []string{"node", "npm"} {
		if _, err := exec.LookPath(prog); err != nil {
			t.Skipf("!!! SKIPPED: no %s (Debian: apt-get install nodejs npm; scripts/test.sh installs them)", prog)
		}
	}
	dir := os.Getenv("QUALGRAPH_NPM_CACHE")
	if dir == "" {
		c, err := os.UserCacheDir()
		if err != nil {
			c = os.TempDir()
		}
		dir = filepath.Join(c, "qualgraph-test", "npm")
	}
	dir = filepath.Join(dir, strings.Join(pkgs, "+"))
	npmMu.Lock()
	defer npmMu.Unlock()
	missing := false
	for _, p := range pkgs {
		if _, err := os.Stat(filepath.Join(dir, "node_modules", p, "package.json")); err != nil {
			missing = true
		}
	}
	if !missing {
		return dir
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "package.json")); err != nil {
		if err := os.WriteFile(filepath.Join(dir, "package.json"), []byte(`{"private": true}`+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("npm", append([]string{"install", "--no-audit", "--no-fund", "--silent"}, pkgs...)...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("!!! SKIPPED: npm install %s failed: %v\n%s", strings.Join(pkgs, " "), err, out)
	}
	return dir
}

// Node runs script with node in dir (from NodeModules), with args, and
// returns its standard output; a failure fails t with standard error.
func Node(t testing.TB, dir, script string, args ...string) string {
	t.Helper()
	cmd := exec.Command("node", append([]string{"-e", script, "--"}, args...)...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("node: %v\n%s", err, stderr.String())
	}
	return stdout.String()
}
