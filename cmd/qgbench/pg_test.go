package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/qualgraph/qualgraph/internal/benchproj"
	"github.com/qualgraph/qualgraph/internal/pgtest"
)

// TestPGRows runs the PostgreSQL rows on a small generated project and a
// real PostgreSQL server: every row is measured without error, each
// PostgreSQL measure has the embedded store's beside it, and the
// databases the rows made are dropped.
func TestPGRows(t *testing.T) {
	admin := pgtest.DSN(t)
	if testing.Short() {
		t.Skip("!!! -short: TestPGRows (builds qualgraph and runs it) is SKIPPED")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "qualgraph")
	if err := buildBinary(bin); err != nil {
		t.Fatal(err)
	}
	pdir, _, err := benchproj.Ensure(dir, benchproj.Options{Docs: 20, Codings: 300, Entities: 10, Assertions: 60})
	if err != nil {
		t.Fatal(err)
	}
	before := benchDatabases(t, admin)
	rows := pgRows(bin, dir, pdir, admin, 3, 1)
	want := []string{
		"PostgreSQL: migrate the coded project into the database",
		"PostgreSQL: migrate it back (--to bbolt",
		"embedded: serve, start",
		"PostgreSQL: serve --db, start with a warm cache",
		"PostgreSQL: serve --db, start with a cold cache",
		"embedded: API search", "embedded: API apply a coding", "embedded: API a 20 KB document", "embedded: API links",
		"PostgreSQL: API search", "PostgreSQL: API apply a coding", "PostgreSQL: API a 20 KB document", "PostgreSQL: API links",
		"embedded: code --search (bulk auto-coding, acknowledged)", "embedded: code --search (bulk auto-coding, whole process)",
		"PostgreSQL: code --search (bulk auto-coding, acknowledged)", "PostgreSQL: code --search (bulk auto-coding, whole process)",
	}
	if len(rows) != len(want) {
		t.Errorf("%d rows, want %d", len(rows), len(want))
	}
	for i, r := range rows {
		if i < len(want) && !strings.HasPrefix(r.Name, want[i]) {
			t.Errorf("row %d is %q, want %q", i, r.Name, want[i])
		}
		if r.Err != "" {
			t.Errorf("%s: %s", r.Name, r.Err)
			continue
		}
		if r.Value <= 0 {
			t.Errorf("%s: value %v, want a positive measure", r.Name, r.Value)
		}
		if strings.HasPrefix(r.Name, "PostgreSQL: code --search") && strings.Contains(r.Name, "acknowledged") && (r.limit != 5000 || r.Target != ">= 5000 codings/s") {
			t.Errorf("%s: target %q (limit %v), want >= 5000 codings/s", r.Name, r.Target, r.limit)
		}
		if strings.Contains(r.Name, "start") && !strings.Contains(r.Detail, "caught up after") {
			t.Errorf("%s: detail %q lacks the moment it caught up", r.Name, r.Detail)
		}
	}
	// (Fewer is fine: another qgbench on the same server may end meanwhile.)
	if after := benchDatabases(t, admin); after > before {
		t.Errorf("%d benchmark databases after the rows, %d before: not dropped", after, before)
	}
}

// benchDatabases counts the databases named as the PostgreSQL rows name
// theirs on the server of admin.
func benchDatabases(t *testing.T, admin string) int {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM pg_database WHERE datname LIKE 'qgbench\\_%'").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
