package project_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"unicode/utf8"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/internal/benchproj"
	"github.com/qualgraph/qualgraph/project"
)

var errCrash = errors.New("simulated crash")

// BenchmarkRecoverOpen measures opening a project for writing, which
// applies what the graph lacks of the record, on a project of many
// codings (internal/benchproj: 200 documents, QUALGRAPH_BENCH_CODINGS
// codings, 20,000 by default; the 200,000 of the issue take about two
// minutes to build). QUALGRAPH_SCALE_DIR keeps the built project between
// runs; each run works on a copy of it.
//
// CaughtUp opens a project whose graph has applied the whole record.
// OneBehind opens one whose last entry (one coding) was recorded but not
// applied, as a writer killed between the two leaves it. BulkGraphBehind
// opens one whose last entry, bulk work of 10,000 codings, the projection
// has applied and the graph has not (a writer killed while it applied the
// graph on closing); BulkBehind one where neither has (killed as soon as
// the entry was recorded). Each measures Open and Close of a writer that
// changes nothing, which is what the next command pays.
func BenchmarkRecoverOpen(b *testing.B) {
	dir := benchproj.CopyFromEnv(b)
	ctx := context.Background()
	p, err := project.Open(dir, project.ReadOnly)
	if err != nil {
		b.Fatal(err)
	}
	names, err := p.DocNames(ctx)
	if err != nil {
		b.Fatal(err)
	}
	// The spans below reach code point 3,040: take the longest document
	// (map order would pick a random one, sometimes too short).
	var doc string
	longest := 0
	for id := range names {
		text, err := p.Text(id)
		if err != nil {
			b.Fatal(err)
		}
		if n := utf8.RuneCountInString(text); n > longest || n == longest && id < doc {
			doc, longest = id, n
		}
	}
	p.Close()
	if longest < 3040 {
		b.Fatalf("the longest document has %d code points; the bulk spans need 3,040", longest)
	}
	// crash records one coding and stops before applying it.
	crash := func(i int) {
		p, err := project.Open(dir, project.ReadWrite)
		if err != nil {
			b.Fatal(err)
		}
		project.SetTestHookAfterAppend(func() error { return errCrash })
		_, err = p.Code(ctx, []project.CodeRequest{{Span: coding.Span{Doc: doc, Start: i % 50, End: i%50 + 10}, Code: "LocalGovernment"}}, "crash"+strconv.Itoa(i), "code")
		project.SetTestHookAfterAppend(nil)
		if !errors.Is(err, errCrash) {
			b.Fatalf("code: %v, want the simulated crash", err)
		}
		if err := p.Close(); err != nil {
			b.Fatal(err)
		}
	}
	// bulk records 10,000 codings in one entry and stops after the
	// projection applied it (projection) or before (!projection).
	bulk := func(i int, projection bool) {
		p, err := project.Open(dir, project.ReadWrite)
		if err != nil {
			b.Fatal(err)
		}
		reqs := make([]project.CodeRequest, 10000)
		for j := range reqs {
			at := (i*7 + j) % 3000
			reqs[j] = project.CodeRequest{Span: coding.Span{Doc: doc, Start: at, End: at + 1 + j%40}, Code: "LocalGovernment"}
		}
		hook := project.SetTestHookAfterAppend
		if projection {
			hook = project.SetTestHookAfterProjection
		}
		hook(func() error { return errCrash })
		_, err = p.Code(ctx, reqs, "bulk"+strconv.Itoa(i), "autocode")
		hook(nil)
		if !errors.Is(err, errCrash) {
			b.Fatalf("code: %v, want the simulated crash", err)
		}
		if err := p.Close(); err != nil {
			b.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name  string
		crash func(i int)
	}{
		{"CaughtUp", nil},
		{"OneBehind", crash},
		{"BulkGraphBehind", func(i int) { bulk(i, true) }},
		{"BulkBehind", func(i int) { bulk(i, false) }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				if tc.crash != nil {
					tc.crash(i)
				}
				b.StartTimer()
				p, err := project.Open(dir, project.ReadWrite)
				if err != nil {
					b.Fatal(err)
				}
				head, err := p.RecordHead()
				if err != nil {
					b.Fatal(err)
				}
				if gp, err := p.ProjectionPosition(); err != nil || gp != head {
					b.Fatalf("after opening for writing the projection is at %+v (%v), the record at %+v", gp, err, head)
				}
				b.StartTimer()
				if err := p.Close(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
