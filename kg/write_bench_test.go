package kg

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/qualgraph/qualgraph/coding"
)

// BenchmarkAddCodings measures bulk coding on bbolt: one transaction of
// 20,000 codings over 200 documents, as auto-coding writes them, into a
// fresh store. It reports codings and quads written per second.
func BenchmarkAddCodings(b *testing.B) {
	const n = 20000
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	cs := make([]coding.Coding, n)
	for i := range cs {
		cs[i] = coding.Coding{ID: fmt.Sprintf("c-%08d-0000-0000-0000-000000000000", i),
			Span: coding.Span{Doc: fmt.Sprintf("d%012d", i%200), Start: 10 * (i / 200), End: 10*(i/200) + 7},
			Code: "Actor", Coder: "bench", Created: t0}
	}
	ch := coding.Change{ID: "ch-bench", By: "bench", At: t0, Op: "autocode", Detail: "bench"}
	var elapsed time.Duration
	quads := 0
	for range b.N {
		b.StopTimer()
		s, err := Create(b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		before, err := s.QuadCount(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		if err := s.AddCodings(ch, cs); err != nil {
			b.Fatal(err)
		}
		elapsed += time.Since(start)
		b.StopTimer()
		after, err := s.QuadCount(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		quads += after - before
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(n*b.N)/elapsed.Seconds(), "codings/s")
	b.ReportMetric(float64(quads)/elapsed.Seconds(), "quads/s")
	b.ReportMetric(float64(quads)/float64(n*b.N), "quads/coding")
}
