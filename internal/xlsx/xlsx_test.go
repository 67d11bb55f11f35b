package xlsx

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestRoundTrip writes a workbook and reads it back with excelize, an
// independent reader: every value, type and sheet as written.
func TestRoundTrip(t *testing.T) {
	long := strings.Repeat("x", MaxCellChars-1) + "😀" + "tail" // the emoji would straddle the limit
	texts := []string{
		"plain", "地方政府给了一些补贴。", "<b>&amp;</b> \"quoted\"", " leading and trailing ",
		"line one\nline two", "crlf\r\nline", "tab\tin", "bell\a and nul\x00", "_x0041_ is literal",
		"_x00zz_ is not an escape", "", "bad \xff byte", long,
	}
	wantTexts := append([]string(nil), texts...)
	wantTexts[11] = "bad \uFFFD byte"
	wantTexts[12] = strings.Repeat("x", MaxCellChars-1) // the emoji and the rest are cut

	var buf bytes.Buffer
	w := NewWriter(&buf)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(w.Sheet("texts", true))
	for _, s := range texts {
		must(w.Row(s))
	}
	must(w.Sheet("values", false))
	type polarity string
	type count int
	must(w.Row("int", "int64", "uint8", "float", "small", "bool", "nan", "gap", "", "last", "named", "named"))
	must(w.Row(42, int64(-7), uint8(255), 0.125, 1e-7, true, math.NaN(), nil, nil, false, polarity("negative"), count(3)))
	wide := make([]any, 30)
	for i := range wide {
		wide[i] = i
	}
	must(w.Row(wide...))
	must(w.Close())

	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); strings.Join(got, ",") != "texts,values" {
		t.Fatalf("sheets %q", got)
	}
	rows, err := f.GetRows("texts", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range wantTexts {
		got := ""
		if i < len(rows) && len(rows[i]) > 0 {
			got = rows[i][0]
		}
		if got != want {
			t.Errorf("text %d: got %.60q (%d bytes), want %.60q (%d bytes)", i, got, len(got), want, len(want))
		}
	}
	panes, err := f.GetPanes("texts")
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("texts: header not frozen: %+v %v", panes, err)
	}
	if panes, _ := f.GetPanes("values"); panes.Freeze {
		t.Errorf("values: frozen, want not")
	}

	cells := []struct {
		ref, value string
		typ        excelize.CellType
	}{
		{"A2", "42", excelize.CellTypeUnset},
		{"B2", "-7", excelize.CellTypeUnset},
		{"C2", "255", excelize.CellTypeUnset},
		{"D2", "0.125", excelize.CellTypeUnset},
		{"E2", "1e-07", excelize.CellTypeUnset},
		{"F2", "1", excelize.CellTypeBool},
		{"G2", "NaN", excelize.CellTypeSharedString},
		{"H2", "", excelize.CellTypeUnset},
		{"J2", "0", excelize.CellTypeBool},
		{"K2", "negative", excelize.CellTypeSharedString},
		{"L2", "3", excelize.CellTypeUnset},
		{"AD3", "29", excelize.CellTypeUnset},
		{"I1", "", excelize.CellTypeSharedString},
	}
	for _, c := range cells {
		v, err := f.GetCellValue("values", c.ref, excelize.Options{RawCellValue: true})
		if err != nil || v != c.value {
			t.Errorf("%s = %q (%v), want %q", c.ref, v, err, c.value)
		}
		if typ, _ := f.GetCellType("values", c.ref); typ != c.typ {
			t.Errorf("%s: type %v, want %v", c.ref, typ, c.typ)
		}
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name string
		do   func(w *Writer) error
		want error
	}{
		{"empty sheet name", func(w *Writer) error { return w.Sheet("", false) }, ErrSheetName},
		{"long sheet name", func(w *Writer) error { return w.Sheet(strings.Repeat("s", 32), false) }, ErrSheetName},
		{"bad character", func(w *Writer) error { return w.Sheet("a/b", false) }, ErrSheetName},
		{"same name twice", func(w *Writer) error {
			if err := w.Sheet("Codings", false); err != nil {
				return err
			}
			return w.Sheet("codings", false)
		}, ErrSheetName},
		{"row before sheet", func(w *Writer) error { return w.Row(1) }, nil},
		{"unsupported value", func(w *Writer) error {
			if err := w.Sheet("s", false); err != nil {
				return err
			}
			return w.Row(struct{}{})
		}, nil},
		{"no sheet", func(w *Writer) error { return w.Close() }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.do(NewWriter(&bytes.Buffer{}))
			if err == nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("got %v, want an error (%v)", err, tt.want)
			}
		})
	}
}

func TestCellRef(t *testing.T) {
	for col, want := range map[int]string{0: "A1", 25: "Z1", 26: "AA1", 51: "AZ1", 52: "BA1", 701: "ZZ1", 702: "AAA1", 16383: "XFD1"} {
		if got := cellRef(col, 1); got != want {
			t.Errorf("cellRef(%d) = %s, want %s", col, got, want)
		}
	}
}

// FuzzText checks that any text comes back from a cell as written (made
// valid UTF-8), through the escapes.
func FuzzText(f *testing.F) {
	for _, s := range []string{"", "a", "_x0041_", "_x005F_x0041_", "\x00\x01\r\n", " x ", "<&>\"'", "地方\uFFFE", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var buf bytes.Buffer
		w := NewWriter(&buf)
		if err := w.Sheet("s", false); err != nil {
			t.Fatal(err)
		}
		if err := w.Row(s); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		got, err := x.GetCellValue("s", "A1", excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		if want := strings.ToValidUTF8(s, "\uFFFD"); got != want {
			t.Fatalf("got %q, want %q", got, want)
		}
	})
}
