package export

import (
	"bufio"
	"encoding/json"
	"io"
	"strings"

	"github.com/qualgraph/qualgraph/internal/cellsafe"
)

// CSVOptions control WriteCSV.
type CSVOptions struct {
	// BOM starts the file with a UTF-8 byte order mark, for Excel.
	BOM bool
}

// WriteCSV writes the codings of d as RFC 4180 CSV, one row per coding
// with the columns of CodingColumns(AttrKeys(d.Docs)); see the package
// documentation. It returns the error of Records or of w.
func WriteCSV(w io.Writer, d *Data, opt CSVOptions) error {
	recs, err := Records(d)
	if err != nil {
		return err
	}
	keys := AttrKeys(d.Docs)
	bw := bufio.NewWriter(w)
	if opt.BOM {
		bw.WriteString("\uFEFF")
	}
	writeCSVRow(bw, CodingColumns(keys))
	for i := range recs {
		writeCSVRow(bw, recs[i].row(keys))
	}
	return bw.Flush()
}

// writeCSVRow writes one record ended by CRLF. encoding/csv's UseCRLF
// would also turn line breaks inside fields into CRLF and so change the
// quotes; here they stay as they are.
func writeCSVRow(w *bufio.Writer, fields []string) {
	for i, f := range fields {
		f = cellsafe.Text(f)
		if i > 0 {
			w.WriteByte(',')
		}
		if f == "" || !strings.ContainsAny(f, ",\"\r\n") && f[0] != ' ' && f[0] != '\t' {
			w.WriteString(f)
			continue
		}
		w.WriteByte('"')
		w.WriteString(strings.ReplaceAll(f, `"`, `""`))
		w.WriteByte('"')
	}
	w.WriteString("\r\n")
}

// WriteJSONL writes the codings of d as JSON Lines: one Record per line,
// in the order of Records.
func WriteJSONL(w io.Writer, d *Data) error {
	recs, err := Records(d)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for i := range recs {
		if err := enc.Encode(&recs[i]); err != nil {
			return err
		}
	}
	return bw.Flush()
}
