package export

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/corpus"
)

// Data is what the writers export.
type Data struct {
	View *coding.View
	// Docs are the documents, with Text where quotes are wanted (a
	// document without text gives empty quotes).
	Docs []*corpus.Document
	// Codebook gives code paths and the codebook sheet; nil leaves paths
	// as the bare code and the sheet empty.
	Codebook *coding.Codebook
}

// Filter narrows Data. Empty fields select everything.
type Filter struct {
	Codes  []string // codings with one of these codes or a subcode of one
	Docs   []string // document ids: codings in them, assertions with evidence in them
	Coders []string // codings and assertions by these coders
}

// ErrSpan is wrapped by the error of a coding that does not fit its
// document's text.
var ErrSpan = errors.New("coding outside its document's text")

// Select returns the part of d that f selects: codings with the codes (and
// subcodes), in the documents and by the coders; assertions in the
// documents (an evidence span in one of them) and by the coders; and only
// the documents f names. Entities, codes, memos and changes are kept. It
// returns an error wrapping coding.ErrUnknownCode for a code the codebook
// does not know.
func (d *Data) Select(f Filter) (*Data, error) {
	codes := map[string]bool{}
	for _, c := range f.Codes {
		if d.Codebook != nil {
			if err := d.Codebook.CheckCode(c); err != nil {
				return nil, err
			}
			for _, x := range d.Codebook.Descendants(c) {
				codes[x] = true
			}
		} else {
			codes[c] = true
		}
	}
	docs, coders := set(f.Docs), set(f.Coders)
	v := *d.View
	v.Codings = nil
	for _, c := range d.View.Codings {
		if (len(codes) == 0 || codes[c.Code]) && (len(docs) == 0 || docs[c.Doc]) && (len(coders) == 0 || coders[c.Coder]) {
			v.Codings = append(v.Codings, c)
		}
	}
	v.Assertions = nil
	for _, a := range d.View.Assertions {
		if len(coders) > 0 && !coders[a.Coder] {
			continue
		}
		if len(docs) > 0 && !slices.ContainsFunc(a.Evidence, func(s coding.Span) bool { return docs[s.Doc] }) {
			continue
		}
		v.Assertions = append(v.Assertions, a)
	}
	out := &Data{View: &v, Codebook: d.Codebook, Docs: d.Docs}
	if len(docs) > 0 {
		out.Docs = nil
		for _, doc := range d.Docs {
			if docs[doc.ID] {
				out.Docs = append(out.Docs, doc)
			}
		}
	}
	return out, nil
}

func set(xs []string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}

// Record is one coding as the tables write it.
type Record struct {
	ID       string       `json:"id"`
	DocID    string       `json:"doc_id"`
	DocName  string       `json:"doc_name"`
	Attrs    corpus.Attrs `json:"attrs"`
	Code     string       `json:"code"`
	CodePath string       `json:"code_path"`
	Coder    string       `json:"coder"`
	Start    int          `json:"start"`
	End      int          `json:"end"`
	Created  string       `json:"created"` // RFC 3339, UTC, seconds
	Memo     string       `json:"memo"`
	Quote    string       `json:"quote"`
}

// Records returns the codings of d as records, sorted by document name,
// start, end, code and id. It returns an error wrapping ErrSpan for a
// coding beyond its document's text (when the text is given).
func Records(d *Data) ([]Record, error) {
	docs := make(map[string]*corpus.Document, len(d.Docs))
	for _, doc := range d.Docs {
		docs[doc.ID] = doc
	}
	paths := map[string]string{}
	recs := make([]Record, len(d.View.Codings))
	for i, c := range d.View.Codings {
		p, ok := paths[c.Code]
		if !ok {
			p = codePath(d.Codebook, c.Code)
			paths[c.Code] = p
		}
		r := Record{ID: c.ID, DocID: c.Doc, Code: c.Code, CodePath: p, Coder: c.Coder,
			Start: c.Start, End: c.End, Created: stamp(c.Created), Memo: c.Memo, Attrs: corpus.Attrs{}}
		if doc := docs[c.Doc]; doc != nil {
			r.DocName = doc.Name
			if doc.Attrs != nil {
				r.Attrs = doc.Attrs
			}
		}
		recs[i] = r
	}
	sort.Slice(recs, func(i, j int) bool {
		a, b := &recs[i], &recs[j]
		switch {
		case a.DocName != b.DocName:
			return a.DocName < b.DocName
		case a.DocID != b.DocID:
			return a.DocID < b.DocID
		case a.Start != b.Start:
			return a.Start < b.Start
		case a.End != b.End:
			return a.End < b.End
		case a.Code != b.Code:
			return a.Code < b.Code
		}
		return a.ID < b.ID
	})
	// Quotes, one document's text in runes at a time.
	var cur string
	var text []rune
	for i := range recs {
		r := &recs[i]
		if r.DocID != cur {
			cur, text = r.DocID, nil
			if doc := docs[r.DocID]; doc != nil {
				text = []rune(doc.Text)
			}
		}
		if len(text) == 0 {
			continue
		}
		if r.Start < 0 || r.End > len(text) || r.Start > r.End {
			return nil, fmt.Errorf("coding %s [%d,%d) in document %s of %d code points: %w", r.ID, r.Start, r.End, r.DocID, len(text), ErrSpan)
		}
		r.Quote = string(text[r.Start:r.End])
	}
	return recs, nil
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func codePath(cb *coding.Codebook, code string) string {
	if cb == nil {
		return code
	}
	p := slices.Clone(cb.Ancestors(code))
	slices.Reverse(p)
	return strings.Join(append(p, code), "/")
}

// fixedColumns are the columns of a coding row around the attributes.
var (
	headColumns = []string{"id", "doc_id", "doc_name"}
	tailColumns = []string{"code", "code_path", "coder", "start", "end", "created", "memo", "quote"}
)

// AttrKeys returns the attribute keys of docs, sorted.
func AttrKeys(docs []*corpus.Document) []string {
	seen := map[string]bool{}
	for _, d := range docs {
		for k := range d.Attrs {
			seen[k] = true
		}
	}
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// CodingColumns returns the header of the coding tables for documents with
// the attribute keys keys (see AttrKeys): the fixed columns around one
// column per key.
func CodingColumns(keys []string) []string {
	cols := slices.Clone(headColumns)
	for _, k := range keys {
		cols = append(cols, attrColumn(k))
	}
	return append(cols, tailColumns...)
}

func attrColumn(k string) string {
	if slices.Contains(headColumns, k) || slices.Contains(tailColumns, k) || strings.HasPrefix(k, "attr_") {
		return "attr_" + k
	}
	return k
}

// row returns r's cells for the header of CodingColumns(keys), as text.
func (r *Record) row(keys []string) []string {
	out := make([]string, 0, len(headColumns)+len(keys)+len(tailColumns))
	out = append(out, r.ID, r.DocID, r.DocName)
	for _, k := range keys {
		out = append(out, r.Attrs[k].Value)
	}
	return append(out, r.Code, r.CodePath, r.Coder, strconv.Itoa(r.Start), strconv.Itoa(r.End), r.Created, r.Memo, r.Quote)
}
