package export

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/corpus"
	"github.com/qualgraph/qualgraph/internal/clienttest"
)

// hostileData is testData with formulas in a document name, attribute
// values, a memo, a quote and an entity name, and a negative number in a
// numeric attribute column.
func hostileData(t *testing.T) *Data {
	d := testData(t)
	const text = `=cmd|' /C calc'!A0 and +SUM(1,2) then @SUM(A1:A2)`
	doc := &corpus.Document{ID: "d9", Name: `=HYPERLINK("http://example.com","click")`, Kind: "interview",
		Text: text, Chars: len([]rune(text)), Attrs: attrs("region=+SUM(1,2)", "year=2024", "score=-1.5", "code=@SUM(A1:A2)")}
	d.Docs = append(d.Docs, doc)
	d.View.Codings = append(d.View.Codings,
		coding.Coding{ID: "c9", Span: coding.Span{Doc: "d9", Start: 0, End: len(`=cmd|' /C calc'!A0`)}, Code: "KilnNostalgia",
			Coder: "ann", Created: t0, Memo: "@SUM(A1:A2)"},
		coding.Coding{ID: "c10", Span: coding.Span{Doc: "d9", Start: strings.Index(text, "+SUM"), End: strings.Index(text, " then")},
			Code: "KilnNostalgia", Coder: "ann", Created: t0, Memo: "-2+3"})
	d.View.Entities = append(d.View.Entities, coding.Entity{ID: "evil", Type: "Firm", Name: "=1+2", Attrs: map[string]string{"note": "\t=1"}})
	return d
}

// TestSpreadsheetsHoldNoFormula reads the CSV with pandas and the XLSX with
// openpyxl: no cell is a formula or text a spreadsheet would run as one,
// and a negative number in a numeric column stays a number.
func TestSpreadsheetsHoldNoFormula(t *testing.T) {
	dir := t.TempDir()
	d := hostileData(t)
	var csvBuf, xlsxBuf bytes.Buffer
	if err := WriteCSV(&csvBuf, d, CSVOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := WriteXLSX(&xlsxBuf, d); err != nil {
		t.Fatal(err)
	}
	csvPath, xlsxPath := filepath.Join(dir, "codings.csv"), filepath.Join(dir, "codings.xlsx")
	if err := os.WriteFile(csvPath, csvBuf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(xlsxPath, xlsxBuf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	// Each script prints one line per dangerous cell, then "score" and the
	// type and value of the negative score.
	const danger = `def dangerous(v):
    return isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r") and not is_number(v)
def is_number(v):
    try:
        float(v); return v.strip("+-").replace(".", "", 1).replace("e", "", 1).replace("E", "", 1).lstrip("+-").isdigit()
    except ValueError:
        return False
`
	t.Run("pandas", func(t *testing.T) {
		for _, py := range clienttest.Pythons(t, "pandas", "python3-pandas") {
			out := py.Run(t, danger+`
import sys, pandas as pd
df = pd.read_csv(sys.argv[1])
for col in df.columns:
    for v in df[col]:
        if dangerous(v):
            print("formula in", col, repr(v))
neg = df[df["score"] < 0]["score"]
print("score", df["score"].dtype, list(neg))
`, csvPath)
			checkFormulaOutput(t, "pandas "+py.Version, out, "score float64 [-1.5, -1.5]")
		}
	})
	t.Run("openpyxl", func(t *testing.T) {
		for _, py := range clienttest.Pythons(t, "openpyxl", "python3-openpyxl") {
			out := py.Run(t, danger+`
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
scores = []
for ws in wb.worksheets:
    head = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        for c in row:
            if c.data_type == "f" or dangerous(c.value):
                print("formula in", ws.title, c.coordinate, repr(c.value))
            if ws.title == "codings" and head[c.column - 1] == "score" and isinstance(c.value, (int, float)) and c.value < 0:
                scores.append(c.value)
print("score", scores)
`, xlsxPath)
			checkFormulaOutput(t, "openpyxl "+py.Version, out, "score [-1.5, -1.5]")
		}
	})
}

func checkFormulaOutput(t *testing.T, reader, out, wantScore string) {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for _, l := range lines[:len(lines)-1] {
		t.Errorf("%s: %s", reader, l)
	}
	if got := lines[len(lines)-1]; got != wantScore {
		t.Errorf("%s: %q, want %q", reader, got, wantScore)
	}
}

// TestGraphOpensInNetworkX reads export gexf and export graphml with each
// networkx installed: the entities are the nodes, by id, and the
// assertions not retracted the edges.
func TestGraphOpensInNetworkX(t *testing.T) {
	pys := clienttest.Pythons(t, "networkx", "python3-networkx")
	dir := t.TempDir()
	const script = `
import sys, networkx as nx
g = nx.read_gexf(sys.argv[1]) if sys.argv[1].endswith(".gexf") else nx.read_graphml(sys.argv[1])
print(" ".join(sorted(g.nodes())), g.number_of_edges())
`
	for _, f := range []struct {
		file  string
		write func(*bytes.Buffer, *Data) error
	}{{"graph.gexf", func(b *bytes.Buffer, d *Data) error { return WriteGEXF(b, d) }},
		{"graph.graphml", func(b *bytes.Buffer, d *Data) error { return WriteGraphML(b, d) }}} {
		var buf bytes.Buffer
		if err := f.write(&buf, testData(t)); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, f.file)
		if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, py := range pys {
			t.Run(f.file+"/networkx-"+py.Version, func(t *testing.T) {
				const want = "bureau class:Certification lumenkey town 3"
				if got := strings.TrimSpace(py.Run(t, script, p)); got != want {
					t.Errorf("networkx read %q, want %q", got, want)
				}
			})
		}
	}
}
