package server_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/qualgraph/qualgraph/internal/apibench"
	"github.com/qualgraph/qualgraph/internal/benchproj"
)

// BenchmarkAPI measures issue 10's latency targets against a running
// server: the large generated project (internal/benchproj: 2,000
// documents, 200,000 codings, 20,000 assertions) opened Shared and served
// on a loopback listener, each call through real HTTP
// (internal/apibench). Each sub-benchmark reports the median (p50_ms), the
// 95th percentile (p95_ms) and the processor time per call (cpu_ms/op:
// server and client, which a busy machine does not inflate as it does the
// durations) of its calls, and fails if the median misses the target; memory reports the server's Go heap in use and the
// process's resident set after the others.
//
// Building the project takes many minutes: QUALGRAPH_SCALE_DIR keeps it
// between runs (each run serves a copy, since coding writes).
// QUALGRAPH_BENCH_SMALL=1 uses a tenth of the size, for CI; its figures
// do not test the targets, which it then only reports.
//
//	QUALGRAPH_SCALE_DIR=/tmp/scale go test -run '^$' -bench API -benchtime 50x ./server
func BenchmarkAPI(b *testing.B) {
	opt, small := benchproj.Options{}, os.Getenv("QUALGRAPH_BENCH_SMALL") != ""
	if small {
		opt = benchproj.Options{Docs: 200, Codings: 20000, Entities: 100, Assertions: 2000}
	}
	base := os.Getenv("QUALGRAPH_SCALE_DIR")
	if base == "" {
		base = b.TempDir()
	}
	built, _, err := benchproj.Ensure(base, opt)
	if err != nil {
		b.Fatal(err)
	}
	dir := filepath.Join(b.TempDir(), "p")
	if err := os.CopyFS(dir, os.DirFS(built)); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	bench, err := apibench.Start(ctx, dir)
	if err != nil {
		b.Fatal(err)
	}
	defer func() {
		if err := bench.Close(); err != nil {
			b.Error(err)
		}
	}()
	for _, tc := range []struct {
		name string
		call apibench.Call
	}{
		{"search", apibench.Search},
		{"code", apibench.Code},
		{"document", apibench.Document},
		{"links", apibench.Links},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ResetTimer()
			res, err := bench.Measure(ctx, tc.call, 3, b.N)
			if err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			ds := res.Durations
			p50 := apibench.Percentile(ds, 50)
			b.ReportMetric(ms(p50), "p50_ms")
			b.ReportMetric(ms(apibench.Percentile(ds, 95)), "p95_ms")
			b.ReportMetric(ms(res.CPU), "cpu_ms/op")
			if p50 >= tc.call.Target {
				// A failed benchmark prints no metrics: say them here.
				msg := "median %v misses the target of %v (%s; p95 %v, %.2f ms of processor per call)"
				args := []any{p50, tc.call.Target, tc.call.Name, apibench.Percentile(ds, 95), ms(res.CPU)}
				if small || b.N < 5 {
					b.Logf(msg, args...)
				} else {
					b.Errorf(msg, args...)
				}
			}
		})
	}
	b.Run("memory", func(b *testing.B) {
		m, err := apibench.Memory()
		if err != nil {
			b.Fatal(err)
		}
		if m.HeapInuse == 0 {
			b.Fatal("no heap in use: the measure is broken")
		}
		b.ReportMetric(float64(m.HeapInuse)/1e6, "heap_MB")
		b.ReportMetric(float64(m.RSS)/1e6, "rss_MB")
	})
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
