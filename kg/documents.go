package kg

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cayleygraph/quad"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/corpus"
)

// AddDocuments records documents in one transaction labelled with ch: their
// name, kind, length, text digest, source and attributes. Text and segments
// are not stored in the graph; the project keeps them in sources/.
func (s *Store) AddDocuments(ch coding.Change, docs []*corpus.Document) error {
	var qs []quad.Quad
	lines := make([]string, len(docs))
	for i, d := range docs {
		qs = append(qs, docQuads(ch, d)...)
		lines[i] = docLine(d.ID, d.Name)
	}
	for _, d := range docs {
		lines = append(lines, metaLine(d))
	}
	return s.write(ch, qs, lines...)
}

func docQuads(ch coding.Change, d *corpus.Document) []quad.Quad {
	n, l := docIRI(d.ID), changeIRI(ch.ID)
	src, _ := json.Marshal(d.Source)
	qs := []quad.Quad{
		{Subject: n, Predicate: predType, Object: classDocument, Label: l},
		{Subject: n, Predicate: predName, Object: quad.String(d.Name), Label: l},
		{Subject: n, Predicate: predKind, Object: quad.String(d.Kind), Label: l},
		{Subject: n, Predicate: predChars, Object: quad.Int(d.Chars), Label: l},
		{Subject: n, Predicate: predTextSHA, Object: quad.String(d.Source.TextSHA), Label: l},
		{Subject: n, Predicate: predSource, Object: quad.String(src), Label: l},
		{Subject: n, Predicate: predImported, Object: timeValue(d.Imported.UTC()), Label: l},
	}
	return append(qs, attrQuads(ch, d.ID, d.Attrs)...)
}

// attrQuads writes one quad per attribute, labelled with the change. A later
// change of the same key wins; the graph keeps the history.
func attrQuads(ch coding.Change, docID string, attrs corpus.Attrs) []quad.Quad {
	var qs []quad.Quad
	for _, k := range attrs.Keys() {
		qs = append(qs, quad.Quad{
			Subject:   docIRI(docID),
			Predicate: quad.IRI(predAttrNS + k),
			Object:    attrValue(attrs[k]),
			Label:     changeIRI(ch.ID),
		})
	}
	return qs
}

const xsdDate = quad.IRI("xsd:date")

func attrValue(a corpus.Attr) quad.Value {
	switch a.Type {
	case corpus.AttrInteger:
		n, _ := strconv.ParseInt(a.Value, 10, 64)
		return quad.Int(n)
	case corpus.AttrFloat:
		f, _ := strconv.ParseFloat(a.Value, 64)
		return quad.Float(f)
	case corpus.AttrBoolean:
		return quad.Bool(a.Value == "true")
	case corpus.AttrDate:
		return quad.TypedString{Value: quad.String(a.Value), Type: xsdDate}
	}
	return quad.String(a.Value)
}

func attrOf(v quad.Value) corpus.Attr {
	switch v := v.(type) {
	case quad.Int:
		return corpus.Attr{Type: corpus.AttrInteger, Value: strconv.FormatInt(int64(v), 10)}
	case quad.Float:
		return corpus.Attr{Type: corpus.AttrFloat, Value: strconv.FormatFloat(float64(v), 'g', -1, 64)}
	case quad.Bool:
		return corpus.Attr{Type: corpus.AttrBoolean, Value: strconv.FormatBool(bool(v))}
	case quad.TypedString:
		if v.Type == xsdDate {
			return corpus.Attr{Type: corpus.AttrDate, Value: string(v.Value)}
		}
	}
	return corpus.Attr{Type: corpus.AttrText, Value: stringOf(v)}
}

// SetAttrs records new values of document attributes in one transaction
// that only adds quads (see apply). It returns ErrNotFound for an unknown
// document.
func (s *Store) SetAttrs(ctx context.Context, ch coding.Change, docID string, attrs corpus.Attrs) error {
	if s.col != nil {
		// An entry of the record, checked before it was recorded; the
		// graph may not have applied the import yet.
		return s.write(ch, attrQuads(ch, docID, attrs), attrsLine(docID, attrs))
	}
	ok, err := s.HasDocument(ctx, docID)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("document %s: %w", docID, ErrNotFound)
	}
	return s.write(ch, attrQuads(ch, docID, attrs), attrsLine(docID, attrs))
}

// HasDocument reports whether the graph holds document id.
func (s *Store) HasDocument(ctx context.Context, id string) (bool, error) {
	found := false
	err := s.quads(ctx, quad.Subject, docIRI(id), func(q quad.Quad) error {
		if q.Predicate == predType && q.Object == classDocument {
			found = true
		}
		return nil
	})
	return found, err
}

// DocumentIDs returns the ids of all documents, sorted.
func (s *Store) DocumentIDs(ctx context.Context) ([]string, error) {
	var ids []string
	err := s.quads(ctx, quad.Object, classDocument, func(q quad.Quad) error {
		if q.Predicate == predType {
			if id := idOf(q.Subject, nsDoc); id != "" {
				ids = append(ids, id)
			}
		}
		return nil
	})
	sort.Strings(ids)
	return dedupSorted(ids), err
}

func dedupSorted(ids []string) []string {
	out := ids[:0]
	for i, id := range ids {
		if i == 0 || id != ids[i-1] {
			out = append(out, id)
		}
	}
	return out
}

// Documents returns every document's record (no text or segments), sorted
// by name.
func (s *Store) Documents(ctx context.Context) ([]*corpus.Document, error) {
	ids, err := s.DocumentIDs(ctx)
	if err != nil {
		return nil, err
	}
	times := map[quad.Value]time.Time{}
	docs := make([]*corpus.Document, 0, len(ids))
	for _, id := range ids {
		d, err := s.document(ctx, id, times)
		if err != nil {
			return nil, err
		}
		docs = append(docs, d)
	}
	sort.Slice(docs, func(i, j int) bool { return docs[i].Name < docs[j].Name })
	return docs, nil
}

// Document returns the record of the document whose id or name is ref.
// It returns an error wrapping ErrNotFound when there is none.
func (s *Store) Document(ctx context.Context, ref string) (*corpus.Document, error) {
	id := ref
	ok, err := s.HasDocument(ctx, ref)
	if err != nil {
		return nil, err
	}
	if !ok {
		var ids []string
		err := s.quads(ctx, quad.Object, quad.String(ref), func(q quad.Quad) error {
			if q.Predicate == predName {
				if id := idOf(q.Subject, nsDoc); id != "" {
					ids = append(ids, id)
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		sort.Strings(ids)
		ids = dedupSorted(ids)
		switch len(ids) {
		case 0:
			return nil, fmt.Errorf("document %q: %w", ref, ErrNotFound)
		case 1:
			id = ids[0]
		default:
			return nil, fmt.Errorf("document name %q is ambiguous: it names %s; use an id", ref, strings.Join(ids, ", "))
		}
	}
	return s.document(ctx, id, map[quad.Value]time.Time{})
}

// document reads one document node. times caches the time of each change,
// which orders attribute values.
func (s *Store) document(ctx context.Context, id string, times map[quad.Value]time.Time) (*corpus.Document, error) {
	d := &corpus.Document{ID: id, Attrs: corpus.Attrs{}}
	type stamped struct {
		at     time.Time
		change string // the change's IRI, the tie-break of one instant
		val    quad.Value
	}
	latest := map[string]stamped{}
	err := s.quads(ctx, quad.Subject, docIRI(id), func(q quad.Quad) error {
		switch q.Predicate {
		case predName:
			d.Name = stringOf(q.Object)
		case predKind:
			d.Kind = stringOf(q.Object)
		case predChars:
			if n, ok := q.Object.(quad.Int); ok {
				d.Chars = int(n)
			}
		case predSource:
			if err := json.Unmarshal([]byte(stringOf(q.Object)), &d.Source); err != nil {
				return fmt.Errorf("document %s: bad source record: %w", id, err)
			}
		case predImported:
			if t, ok := timeOf(q.Object); ok {
				d.Imported = t
			}
		default:
			p, ok := q.Predicate.(quad.IRI)
			if !ok || !strings.HasPrefix(string(p), predAttrNS) {
				return nil
			}
			key := string(p)[len(predAttrNS):]
			at, err := s.changeTime(ctx, q.Label, times)
			if err != nil {
				return err
			}
			change := quad.StringOf(q.Label)
			if cur, ok := latest[key]; !ok || later(at, change, cur.at, cur.change) {
				latest[key] = stamped{at, change, q.Object}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if d.Name == "" {
		return nil, fmt.Errorf("document %s: %w", id, ErrNotFound)
	}
	for k, v := range latest {
		d.Attrs[k] = attrOf(v.val)
	}
	return d, nil
}

func (s *Store) changeTime(ctx context.Context, label quad.Value, cache map[quad.Value]time.Time) (time.Time, error) {
	if t, ok := cache[label]; ok {
		return t, nil
	}
	var at time.Time
	err := s.quads(ctx, quad.Subject, label, func(q quad.Quad) error {
		if q.Predicate == predAt {
			if t, ok := timeOf(q.Object); ok {
				at = t
			}
		}
		return nil
	})
	cache[label] = at
	return at, err
}

// RemoveDocuments deletes the documents' quads (used to undo an import whose
// index could not be written). It adds nothing in the same transaction.
func (s *Store) RemoveDocuments(ctx context.Context, ids []string) error {
	var qs []quad.Quad
	for _, id := range ids {
		err := s.quads(ctx, quad.Subject, docIRI(id), func(q quad.Quad) error {
			qs = append(qs, q)
			return nil
		})
		if err != nil {
			return err
		}
	}
	if err := s.remove(qs); err != nil {
		return err
	}
	lines := make([]string, len(ids))
	for i, id := range ids {
		lines[i] = "X\t" + escapeField(id)
	}
	return s.appendProjection(lines)
}

// Changes returns the change log, oldest first, and the changes of one
// instant by id, as coding.View lists them.
func (s *Store) Changes(ctx context.Context) ([]coding.Change, error) {
	var out []coding.Change
	err := s.quads(ctx, quad.Object, classChange, func(q quad.Quad) error {
		if q.Predicate != predType {
			return nil
		}
		c := coding.Change{ID: idOf(q.Subject, nsChange)}
		err := s.quads(ctx, quad.Subject, q.Subject, func(q quad.Quad) error {
			switch q.Predicate {
			case predBy:
				c.By = stringOf(q.Object)
			case predAt:
				if t, ok := timeOf(q.Object); ok {
					c.At = t
				}
			case predOp:
				c.Op = stringOf(q.Object)
			case predDetail:
				c.Detail = stringOf(q.Object)
			}
			return nil
		})
		out = append(out, c)
		return err
	})
	sort.Slice(out, func(i, j int) bool {
		return cmp.Or(out[i].At.Compare(out[j].At), strings.Compare(out[i].ID, out[j].ID)) < 0
	})
	return out, err
}
