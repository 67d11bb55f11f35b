package export

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/corpus"
	"github.com/qualgraph/qualgraph/internal/cellsafe"
	"github.com/qualgraph/qualgraph/internal/xlsx"
)

// The sheets of WriteXLSX, in order.
var Sheets = []string{"codings", "assertions", "entities", "codebook", "documents"}

// The columns of the sheets other than codings (whose columns are
// CodingColumns). Entity and document sheets add one column per attribute
// key after these.
var (
	AssertionColumns = []string{"id", "subject", "subject_name", "relation", "object", "object_name",
		"practice", "phase", "polarity", "confidence", "coder", "created", "retracted", "reason", "memo", "evidence", "quote"}
	EntityColumns   = []string{"id", "type", "type_path", "name", "aliases", "mentions", "assertions"}
	CodebookColumns = []string{"id", "parent", "path", "depth", "label", "definition", "color", "emergent", "codings"}
	DocumentColumns = []string{"id", "name", "kind", "chars", "segments", "imported", "codings"}
)

// WriteXLSX writes d as an Excel workbook with the sheets of Sheets, each
// one header row and one row per record: codings (as WriteCSV, numbers as
// numbers and attribute values typed), assertions (retracted ones too,
// marked; evidence as DOC:START-END joined by "; ", the quotes joined by
// " … "), entities, the codebook (every class of the ontology and every
// emergent code, with the number of codings of each) and documents. Each
// sheet's header row is frozen. A cell holds at most 32,767 characters, as
// in Excel, and longer text (a long quote or memo) is cut there; the CSV and
// JSONL exports keep it whole.
func WriteXLSX(w io.Writer, d *Data) error {
	recs, err := Records(d)
	if err != nil {
		return err
	}
	xw := xlsx.NewWriter(w)
	x := &xlsxData{d: d, recs: recs, docs: map[string]*corpus.Document{}}
	for _, doc := range d.Docs {
		x.docs[doc.ID] = doc
	}
	fills := map[string]func(*sheet) error{
		"codings": x.codings, "assertions": x.assertions, "entities": x.entities,
		"codebook": x.codebook, "documents": x.documents,
	}
	for _, name := range Sheets {
		if err := fills[name](&sheet{xw: xw, name: name}); err != nil {
			return fmt.Errorf("sheet %s: %w", name, err)
		}
	}
	return xw.Close()
}

// sheet writes a header row, then rows.
type sheet struct {
	xw   *xlsx.Writer
	name string
}

// add adds a row; text cells go through cellsafe.Text, so that no
// spreadsheet takes them for formulas.
func (s *sheet) add(cells ...any) error {
	for i, c := range cells {
		if t, ok := c.(string); ok {
			cells[i] = cellsafe.Text(t)
		}
	}
	return s.xw.Row(cells...)
}

// header starts the sheet with its header row frozen.
func (s *sheet) header(cols []string) error {
	if err := s.xw.Sheet(s.name, true); err != nil {
		return err
	}
	cells := make([]any, len(cols))
	for i, c := range cols {
		cells[i] = c
	}
	return s.add(cells...)
}

type xlsxData struct {
	d    *Data
	recs []Record
	docs map[string]*corpus.Document
}

// typed returns an attribute value as the cell type Excel should see.
func typed(a corpus.Attr, ok bool) any {
	if !ok {
		return nil
	}
	switch a.Type {
	case corpus.AttrInteger:
		if n, err := strconv.ParseInt(a.Value, 10, 64); err == nil {
			return n
		}
	case corpus.AttrFloat:
		if x, err := strconv.ParseFloat(a.Value, 64); err == nil {
			return x
		}
	case corpus.AttrBoolean:
		return a.Value == "true"
	}
	return a.Value
}

func (x *xlsxData) codings(s *sheet) error {
	keys := AttrKeys(x.d.Docs)
	if err := s.header(CodingColumns(keys)); err != nil {
		return err
	}
	for i := range x.recs {
		r := &x.recs[i]
		cells := []any{r.ID, r.DocID, r.DocName}
		for _, k := range keys {
			a, ok := r.Attrs[k]
			cells = append(cells, typed(a, ok))
		}
		cells = append(cells, r.Code, r.CodePath, r.Coder, r.Start, r.End, r.Created, r.Memo, r.Quote)
		if err := s.add(cells...); err != nil {
			return err
		}
	}
	return nil
}

// evidenceQuotes returns the quoted text of every evidence span of as,
// indexed like as and their Evidence, converting each document's text
// once.
func (x *xlsxData) evidenceQuotes(as []coding.Assertion) [][]string {
	type ref struct{ a, e int }
	byDoc := map[string][]ref{}
	out := make([][]string, len(as))
	for i, a := range as {
		out[i] = make([]string, len(a.Evidence))
		for j, e := range a.Evidence {
			byDoc[e.Doc] = append(byDoc[e.Doc], ref{i, j})
		}
	}
	for doc, refs := range byDoc {
		d := x.docs[doc]
		if d == nil || d.Text == "" {
			continue
		}
		text := []rune(d.Text)
		for _, r := range refs {
			sp := as[r.a].Evidence[r.e]
			if sp.Start >= 0 && sp.End <= len(text) && sp.Start <= sp.End {
				out[r.a][r.e] = string(text[sp.Start:sp.End])
			}
		}
	}
	return out
}

func (x *xlsxData) assertions(s *sheet) error {
	if err := s.header(AssertionColumns); err != nil {
		return err
	}
	names := entityNames(x.d.View.Entities)
	quotes := x.evidenceQuotes(x.d.View.Assertions)
	for i, a := range x.d.View.Assertions {
		var ev, qs []string
		for j, e := range a.Evidence {
			ev = append(ev, e.String())
			if q := quotes[i][j]; q != "" {
				qs = append(qs, q)
			}
		}
		if err := s.add(a.ID, a.Subject, names[a.Subject], a.Relation, a.Object, names[a.Object],
			a.Practice, a.Phase, string(a.Polarity), a.Confidence, a.Coder, stamp(a.Created),
			a.Retracted, a.Reason, a.Memo, strings.Join(ev, "; "), strings.Join(qs, " … ")); err != nil {
			return err
		}
	}
	return nil
}

func entityNames(es []coding.Entity) map[string]string {
	m := make(map[string]string, len(es))
	for _, e := range es {
		m[e.ID] = e.Name
	}
	return m
}

func (x *xlsxData) entities(s *sheet) error {
	seen := map[string]bool{}
	for _, e := range x.d.View.Entities {
		for k := range e.Attrs {
			seen[k] = true
		}
	}
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	cols := append([]string(nil), EntityColumns...)
	for _, k := range keys {
		cols = append(cols, prefixed(k, EntityColumns))
	}
	if err := s.header(cols); err != nil {
		return err
	}
	mentions, asserts := map[string]int{}, map[string]int{}
	for _, m := range x.d.View.Mentions {
		mentions[m.Entity]++
	}
	for _, a := range x.d.View.Assertions {
		if !a.Retracted {
			asserts[a.Subject]++
			if a.Object != a.Subject {
				asserts[a.Object]++
			}
		}
	}
	for _, e := range x.d.View.Entities {
		cells := []any{e.ID, e.Type, codePath(x.d.Codebook, e.Type), e.Name, strings.Join(e.Aliases, "; "), mentions[e.ID], asserts[e.ID]}
		for _, k := range keys {
			if v, ok := e.Attrs[k]; ok {
				cells = append(cells, v)
			} else {
				cells = append(cells, nil)
			}
		}
		if err := s.add(cells...); err != nil {
			return err
		}
	}
	return nil
}

// prefixed returns the column of attribute key k in a sheet whose other
// columns are taken.
func prefixed(k string, taken []string) string {
	if slices.Contains(taken, k) || strings.HasPrefix(k, "attr_") {
		return "attr_" + k
	}
	return k
}

func (x *xlsxData) codebook(s *sheet) error {
	if err := s.header(CodebookColumns); err != nil {
		return err
	}
	cb := x.d.Codebook
	if cb == nil {
		return nil
	}
	n := map[string]int{}
	for _, c := range x.d.View.Codings {
		n[c.Code]++
	}
	emergent := map[string]bool{}
	for _, c := range x.d.View.Codes {
		if !c.Promoted {
			emergent[c.ID] = true
		}
	}
	for _, root := range cb.Roots() {
		for _, id := range cb.Descendants(root) {
			c, _ := cb.Class(id)
			depth := len(cb.Ancestors(id))
			if err := s.add(id, c.Parent, codePath(cb, id), depth, c.Label("en"), c.Definition, c.Colour, emergent[id], n[id]); err != nil {
				return err
			}
		}
	}
	return nil
}

func (x *xlsxData) documents(s *sheet) error {
	keys := AttrKeys(x.d.Docs)
	cols := append([]string(nil), DocumentColumns...)
	for _, k := range keys {
		cols = append(cols, prefixed(k, DocumentColumns))
	}
	if err := s.header(cols); err != nil {
		return err
	}
	n := map[string]int{}
	for _, c := range x.d.View.Codings {
		n[c.Doc]++
	}
	docs := append([]*corpus.Document(nil), x.d.Docs...)
	sort.SliceStable(docs, func(i, j int) bool { return docs[i].Name < docs[j].Name })
	for _, d := range docs {
		cells := []any{d.ID, d.Name, d.Kind, d.Chars, len(d.Segments), stamp(d.Imported), n[d.ID]}
		for _, k := range keys {
			a, ok := d.Attrs[k]
			cells = append(cells, typed(a, ok))
		}
		if err := s.add(cells...); err != nil {
			return err
		}
	}
	return nil
}
