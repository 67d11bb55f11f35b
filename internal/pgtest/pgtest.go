// Package pgtest gives tests a fresh PostgreSQL database of their own.
//
// The server is the one named by the environment variable QUALGRAPH_TEST_PG,
// a URL such as
//
//	postgres://qualgraph@127.0.0.1:5432/qualgraph_test?sslmode=disable
//
// whose user may create databases. scripts/test.sh starts such a server in
// a temporary directory and sets the variable (scripts/testpg.sh does it
// for one command). Without it, or when the server cannot be reached, the
// tests that need PostgreSQL skip with a loud "!!!" message.
//
// Example:
//
//	func TestSomething(t *testing.T) {
//		dsn := pgtest.DSN(t) // a new, empty database, dropped after the test
//		...
//	}
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Env is the environment variable that names the test server.
const Env = "QUALGRAPH_TEST_PG"

// DSN creates a new, empty database on the test server and returns its
// URL; the database is dropped when the test ends. It skips the test,
// loudly, when Env is not set or the server does not answer.
func DSN(t testing.TB) string {
	t.Helper()
	admin := os.Getenv(Env)
	if admin == "" {
		t.Skipf("!!! %s is not set: this test needs PostgreSQL and is SKIPPED (scripts/test.sh or scripts/testpg.sh start one)", Env)
	}
	u, err := url.Parse(admin)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		t.Fatalf("%s=%q: not a postgres:// URL", Env, admin)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Skipf("!!! PostgreSQL at %s does not answer: this test is SKIPPED: %v", Env, err)
	}
	defer conn.Close(ctx)
	var b [6]byte
	rand.Read(b[:])
	name := "qgt_" + hex.EncodeToString(b[:])
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() { Drop(t, admin, name) })
	u.Path = "/" + name
	return u.String()
}

// Drop removes database name from the server at admin, closing the
// connections still open to it.
func Drop(t testing.TB, admin, name string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Errorf("drop test database %s: %v", name, err)
		return
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
		t.Errorf("drop test database %s: %v", name, err)
	}
}

// BinDir returns the directory of the newest installed PostgreSQL's
// programs (pg_dump, psql), /usr/lib/postgresql/VERSION/bin. It skips the
// test, loudly, when there is none.
func BinDir(t testing.TB) string {
	t.Helper()
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) < version(dirs[j]) })
	for i := len(dirs) - 1; i >= 0; i-- {
		if _, err := os.Stat(filepath.Join(dirs[i], "pg_dump")); err == nil {
			return dirs[i]
		}
	}
	t.Skip("!!! no PostgreSQL programs under /usr/lib/postgresql/*/bin: this test is SKIPPED")
	return ""
}

// version reads the major version out of /usr/lib/postgresql/VERSION/bin.
func version(dir string) int {
	n, _ := strconv.Atoi(strings.Split(filepath.Base(filepath.Dir(dir)), ".")[0])
	return n
}
