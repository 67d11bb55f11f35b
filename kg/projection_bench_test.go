package kg

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/qualgraph/qualgraph/coding"
)

// writeProjection writes a projection of n codings and m assertions among
// e entities, as the write methods would, without going through cayley.
func writeProjection(b testing.TB, dir string, n, m, e int) {
	var codings, records strings.Builder
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		c := coding.Coding{ID: fmt.Sprintf("c-%08d-0000-0000-0000-000000000000", i),
			Span: coding.Span{Doc: fmt.Sprintf("d%012d", i%2000), Start: i % 5000, End: i%5000 + 80},
			Code: "SpinoffFounder", Coder: "anna", Created: t0.Add(time.Duration(i) * time.Millisecond)}
		codings.WriteString("C\t" + c.ID + "\t" + codingRecord(c) + "\n")
	}
	for i := 0; i < m; i++ {
		a := coding.Assertion{ID: fmt.Sprintf("a-%08d-0000-0000-0000-000000000000", i),
			Subject: fmt.Sprintf("e%04d", i%e), Relation: "supports", Object: fmt.Sprintf("e%04d", (i*7)%e),
			Practice: "Lobbying", Phase: "Restructuring", Polarity: coding.Positive, Confidence: 0.8, Coder: "bo",
			Created:  t0.Add(time.Duration(i) * time.Second),
			Evidence: []coding.Span{{Doc: fmt.Sprintf("d%012d", i%2000), Start: 10, End: 90}}}
		records.WriteString(jsonLine(event{K: "assertion", Assert: &a}) + "\n")
	}
	for i := 0; i < e; i++ {
		en := coding.Entity{ID: fmt.Sprintf("e%04d", i), Type: "LocalGovernment", Name: fmt.Sprintf("Actor %d", i)}
		records.WriteString(jsonLine(event{K: "entity", Entity: &en}) + "\n")
	}
	if err := os.WriteFile(filepath.Join(dir, codingsLog), []byte(codings.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, recordsLog), []byte(records.String()), 0o644); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkLoadView measures replaying the projection of the large
// project: 200,000 codings and 20,000 assertions among 500 entities.
func BenchmarkLoadView(b *testing.B) {
	dir := b.TempDir()
	writeProjection(b, dir, 200000, 20000, 500)
	for _, tc := range []struct {
		name        string
		recordsOnly bool
	}{{"All", false}, {"RecordsOnly", true}} {
		b.Run(tc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				v, err := LoadView(dir, tc.recordsOnly)
				if err != nil {
					b.Fatal(err)
				}
				if len(v.Assertions) != 20000 {
					b.Fatalf("%d assertions", len(v.Assertions))
				}
			}
		})
	}
}
