package main

import (
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestCompare runs the comparison on a tiny corpus with the real tools and
// checks that the report has every row with sane numbers, and that SQLite
// and qualgraph found the same overlaps.
func TestCompare(t *testing.T) {
	for _, tool := range []string{"sqlite3", "rg"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("!!! %s not found: TestCompare is SKIPPED (scripts/test.sh installs sqlite3 and ripgrep)", tool)
		}
	}
	if testing.Short() {
		t.Skip("!!! -short: TestCompare (builds qualgraph and runs it) is SKIPPED")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "qualgraph")
	if err := buildBinary(bin); err != nil {
		t.Fatal(err)
	}
	const docs = 12
	md, err := compare(compareOptions{Dir: dir, Bin: bin, Sizes: []int{docs}, DocSize: 4000, Runs: 2, Heavy: 1, CodingsPerDoc: 40})
	if err != nil {
		t.Fatal(err)
	}
	text := string(md)
	for _, want := range []string{"## Machine", "- CPU: ", "- Cores: ", "- Memory: ", "- Go: go", "- sqlite3: 3.", "- ripgrep: ripgrep",
		"## 12 documents", "| task | qualgraph | competitor | ratio | notes |", "trigram", "code_text"} {
		if !strings.Contains(text, want) {
			t.Errorf("report lacks %q:\n%s", want, text)
		}
	}
	// Every task has its rows: one per competitor.
	wantRows := map[string]int{}
	for i, task := range compareTasks {
		wantRows[task] = 1
		if i >= 2 && i <= 4 {
			wantRows[task] = 2 // FTS5 and rg
		}
	}
	got := map[string]int{}
	for _, line := range strings.Split(text, "\n") {
		cells := strings.Split(line, " | ")
		if len(cells) != 5 || !strings.HasPrefix(line, "| ") || strings.HasPrefix(line, "| task") {
			continue
		}
		task := strings.TrimPrefix(cells[0], "| ")
		got[task]++
		t.Run(task, func(t *testing.T) {
			qg := leadingNumber(cells[1])
			_, other, _ := strings.Cut(cells[2], ": ")
			comp := leadingNumber(other)
			ratio, err := strconv.ParseFloat(cells[3], 64)
			if qg <= 0 || comp <= 0 || err != nil || ratio <= 0 {
				t.Errorf("row %q: want positive qualgraph, competitor and ratio", line)
			}
			if r := qg / comp; err == nil && (ratio < r*0.9-0.01 || ratio > r*1.1+0.01) {
				t.Errorf("row %q: ratio %v, want qualgraph ÷ competitor %v", line, ratio, r)
			}
			if strings.Contains(cells[1], " ms") && qg > 60000 || strings.Contains(cells[1], " s") && qg > 120 {
				t.Errorf("row %q: implausibly slow for %d documents", line, docs)
			}
		})
	}
	for task, n := range wantRows {
		if got[task] != n {
			t.Errorf("task %q: %d rows, want %d", task, got[task], n)
		}
	}
	if !strings.Contains(text, "same result: yes") {
		t.Errorf("qualgraph and SQLite disagree on the overlaps:\n%s", text)
	}
	// Both engines find Chinese text in the generated corpus.
	for _, line := range strings.Split(text, "\n") {
		if strings.Contains(line, "地方政府") && strings.Contains(line, "FTS5 0 docs") {
			t.Errorf("FTS5's trigram table found no Chinese: %s", line)
		}
		if strings.Contains(line, "地方政府") && strings.Contains(line, "qualgraph 0 hits") {
			t.Errorf("qualgraph found no Chinese: %s", line)
		}
	}
}

// leadingNumber parses the number at the start of s, or returns -1.
func leadingNumber(s string) float64 {
	f, _, _ := strings.Cut(strings.TrimSpace(s), " ")
	v, err := strconv.ParseFloat(f, 64)
	if err != nil {
		return -1
	}
	return v
}
