package main

import (
	"context"
	"fmt"
	"time"

	"github.com/qualgraph/qualgraph/internal/apibench"
)

// apiRows serves the coded project in dir as qualgraph serve does (open
// Shared, a real loopback listener; internal/apibench) and measures the
// median of runs calls of each API target after a warm-up, then the
// memory of this process, which then holds the server: the Go heap in
// use and the resident set.
func apiRows(dir string, runs int) []row {
	ctx := context.Background()
	b, err := apibench.Start(ctx, dir)
	if err != nil {
		return []row{{Name: "API against a running server", Err: err.Error()}}
	}
	defer b.Close()
	var rows []row
	for _, c := range apibench.Calls {
		limit := float64(c.Target.Microseconds()) / 1000
		r := row{Name: c.Name, Target: fmt.Sprintf("< %.0f ms", limit), Unit: "ms", limit: limit, lessIsOK: true}
		res, err := b.Measure(ctx, c, 3, runs)
		ds := res.Durations
		if err != nil {
			r.Err = err.Error()
			rows = append(rows, r)
			continue
		}
		r.Value = float64(apibench.Percentile(ds, 50).Microseconds()) / 1000
		r.Detail = fmt.Sprintf("cpu %v/call, p95 %v, min %v, max %v over %d calls", res.CPU.Round(time.Millisecond/10), apibench.Percentile(ds, 95).Round(time.Millisecond/10),
			apibench.Percentile(ds, 0).Round(time.Millisecond/10), apibench.Percentile(ds, 100).Round(time.Millisecond/10), runs)
		if c.Name == apibench.Document.Name {
			r.Detail += fmt.Sprintf("; %d bytes, %d codings", b.DocBytes, b.DocCodings)
		}
		rows = append(rows, r)
	}
	m, err := apibench.Memory()
	r := row{Name: "server memory after these calls: Go heap in use", Target: "(info)", Unit: "MB", OK: true}
	rss := row{Name: "server memory after these calls: resident set (qgbench's process)", Target: "(info)", Unit: "MB", OK: true}
	if err != nil {
		r.Err, rss.Err = err.Error(), err.Error()
	}
	r.Value, rss.Value = float64(m.HeapInuse)/1e6, float64(m.RSS)/1e6
	return append(rows, r, rss)
}
