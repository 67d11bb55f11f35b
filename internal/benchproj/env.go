package benchproj

import (
	"os"
	"path/filepath"
	"strconv"
)

// TB is what CopyFromEnv needs of a testing.TB.
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
	TempDir() string
}

// CopyFromEnv returns a fresh copy, in a temporary folder of tb, of the
// project the package benchmarks share: 200 documents of 4,000 characters,
// QUALGRAPH_BENCH_CODINGS codings (20,000 if unset), 10 entities and 10
// assertions, built once under QUALGRAPH_SCALE_DIR (a temporary folder if
// unset) and kept there between runs.
func CopyFromEnv(tb TB) string {
	tb.Helper()
	n := 20000
	if s := os.Getenv("QUALGRAPH_BENCH_CODINGS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil || n <= 0 {
			tb.Fatalf("QUALGRAPH_BENCH_CODINGS=%q: want a positive number", s)
		}
	}
	base := os.Getenv("QUALGRAPH_SCALE_DIR")
	if base == "" {
		base = tb.TempDir()
	}
	built, _, err := Ensure(base, Options{Docs: 200, DocSize: 4000, Codings: n, Entities: 10, Assertions: 10})
	if err != nil {
		tb.Fatalf("build the benchmark project: %v", err)
	}
	dir := filepath.Join(tb.TempDir(), "p")
	if err := os.CopyFS(dir, os.DirFS(built)); err != nil {
		tb.Fatalf("copy the benchmark project: %v", err)
	}
	return dir
}
