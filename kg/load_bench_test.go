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

// writeRecords writes records.log, codes.log and quotes.log as this
// version writes them for the large project: m assertions (one
// evidence span each, quoted with 80 characters of mixed English and
// Chinese) among e entities, and a change for each write of 5,000
// assertions and for each entity. It returns the assertions' evidence.
func writeRecords(b testing.TB, dir string, m, e int) []coding.Span {
	var records, quotes strings.Builder
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	text := []rune(strings.Repeat("The Science Bureau gave us seed funding.\n受访者林：镇政府给了我们八十万元人才补贴，分三年发放。后来协会发布了团体标准。", 3))
	for i := range e {
		records.WriteString(changeLine(coding.Change{ID: fmt.Sprintf("ch-e%04d", i), By: "bench", At: t0, Op: "entity add", Detail: "added an entity"}) + "\n")
		en := coding.Entity{ID: fmt.Sprintf("e%04d", i), Type: "LocalGovernment", Name: fmt.Sprintf("Actor %d", i)}
		records.WriteString(jsonLine(event{K: "entity", Entity: &en}) + "\n")
	}
	var spans []coding.Span
	for i := range m {
		at := t0.Add(time.Duration(i/5000) * time.Minute)
		if i%5000 == 0 {
			records.WriteString(changeLine(coding.Change{ID: fmt.Sprintf("ch-a%04d", i), By: "bench", At: at, Op: "assert", Detail: "5000 assertions"}) + "\n")
		}
		sp := coding.Span{Doc: fmt.Sprintf("d%012d", i%2000), Start: 10 * i % 5000, End: 10*i%5000 + 80}
		a := coding.Assertion{ID: fmt.Sprintf("a%07d-0000-0000-0000-000000000000", i),
			Subject: fmt.Sprintf("e%04d", i%e), Relation: "supports", Object: fmt.Sprintf("e%04d", (i*7)%e),
			Practice: "Lobbying", Phase: "Restructuring", Polarity: coding.Positive, Confidence: 0.8, Coder: "bo",
			Created: at, Evidence: []coding.Span{sp}}
		records.WriteString(assertionLine(a) + "\n")
		k := i % (len(text) - 80)
		quotes.WriteString(quoteLine(sp, string(text[k:k+80])) + "\n")
		spans = append(spans, sp)
	}
	for name, data := range map[string]string{recordsLog: records.String(), codesLog: "", quotesLog: quotes.String()} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return spans
}

// BenchmarkLoad measures replaying what the graph queries read of the
// issue's large project (20,000 assertions among 500 entities): links
// reads entities and assertions, neighbors those around one entity, and
// the listings that used LoadView(dir, true) read every record. It runs
// in one process, whose memory is warm after the first round; a command
// also pays for touching fresh memory (see the kg package doc).
func BenchmarkLoad(b *testing.B) {
	dir := b.TempDir()
	writeRecords(b, dir, 20000, 500)
	for _, bc := range []struct {
		name string
		opt  LoadOptions
		want int // assertions
	}{
		{"Records", LoadOptions{Parts: PartRecords}, 20000},
		{"EntitiesAssertions", LoadOptions{Parts: PartEntities | PartAssertions}, 20000},
		{"TouchingOne", LoadOptions{Parts: PartEntities | PartAssertions, Touching: map[string]bool{"e0001": true}}, 80},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				v, err := Load(dir, bc.opt)
				if err != nil {
					b.Fatal(err)
				}
				if len(v.Assertions) != bc.want {
					b.Fatalf("%d assertions, want %d", len(v.Assertions), bc.want)
				}
			}
		})
	}
}

// BenchmarkQuotes measures reading the quotes of 20,000 evidence spans,
// in step (in the order of the assertions, as links asks for them) and
// through the index (out of order).
func BenchmarkQuotes(b *testing.B) {
	dir := b.TempDir()
	spans := writeRecords(b, dir, 20000, 500)
	for _, bc := range []struct {
		name  string
		order func(i int) int
	}{
		{"InStep", func(i int) int { return i }},
		{"Index", func(i int) int { return (i * 7919) % len(spans) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				q, err := OpenQuotes(dir)
				if err != nil {
					b.Fatal(err)
				}
				for i := range spans {
					if _, ok, err := q.Text(spans[bc.order(i)]); !ok || err != nil {
						b.Fatal(i, ok, err)
					}
				}
			}
		})
	}
}
