package kg

import (
	"github.com/qualgraph/qualgraph/internal/atomicfile"

	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/qualgraph/qualgraph/coding"
)

// The projection. Reading every coding back from cayley costs seconds at
// 200,000 codings, so the commands read a projection instead: logs in the
// graph folder (codings.log, records.log, codes.log) of the same writes,
// one line each, appended after each transaction,
// that replays into a coding.View in a fraction of that time. The graph is
// the record of truth; the projection is rebuilt from it (RebuildProjection)
// whenever a write may not have reached it (the project's journal says so),
// and "qualgraph check" compares the two.
//
// Lines (fields separated by tabs; records as in the graph):
//
//	C ID RECORD        a coding
//	U ID               a coding removed
//	R ID CODE          a coding recoded
//	M ID RECORD        a mention
//	A ID FIELDS...     an assertion (see assertionLine)
//	J {"k":KIND,...}   anything else, as JSON: change, entity, retract,
//	                   memo, code, promote
//
// Codings and mentions (C, U, R, M) go to codings.log, assertions and the
// rest (A, J) to records.log, so that a command that needs only entities, assertions or
// the codebook does not read 200,000 codings.
//
// Emergent codes (J lines of kind code and promote) go to codes.log, so that
// checking a code, which every coding command does, reads only them.
const (
	codingsLog = "codings.log"
	recordsLog = "records.log"
	codesLog   = "codes.log"
)

// logFor returns the log a projection line belongs to.
func logFor(l string) string {
	switch {
	case strings.HasPrefix(l, "A\t"):
		return recordsLog
	case !strings.HasPrefix(l, "J\t"):
		return codingsLog
	case strings.HasPrefix(l, `J	{"k":"code"`), strings.HasPrefix(l, `J	{"k":"promote"`):
		return codesLog
	}
	return recordsLog
}

// ErrNoProjection is returned by LoadView when a graph folder has no
// projection (it was made by an older qualgraph, or lost).
var ErrNoProjection = errors.New("no projection of the graph (qualgraph check --repair rebuilds it)")

type event struct {
	K       string            `json:"k"`
	Change  *coding.Change    `json:"change,omitempty"`
	Entity  *coding.Entity    `json:"entity,omitempty"`
	Assert  *coding.Assertion `json:"assertion,omitempty"`
	Memo    *coding.Memo      `json:"memo,omitempty"`
	Code    *coding.Code      `json:"code,omitempty"`
	ID      string            `json:"id,omitempty"`
	Reason  string            `json:"reason,omitempty"`
	Parent  string            `json:"parent,omitempty"`
	Version int               `json:"v,omitempty"`
}

func jsonLine(e event) string {
	b, _ := json.Marshal(e)
	return "J\t" + string(b)
}

func changeLine(ch coding.Change) string { return jsonLine(event{K: "change", Change: &ch}) }

// appendProjection appends lines to the projection and syncs it.
func (s *Store) appendProjection(lines []string) error {
	if s.dir == "" || len(lines) == 0 {
		return nil
	}
	bufs := map[string]*bytes.Buffer{}
	for _, l := range lines {
		name := logFor(l)
		if bufs[name] == nil {
			bufs[name] = &bytes.Buffer{}
		}
		bufs[name].WriteString(l)
		bufs[name].WriteByte('\n')
	}
	for _, name := range []string{codesLog, recordsLog, codingsLog} {
		if b := bufs[name]; b != nil {
			if err := appendFile(filepath.Join(s.dir, name), b.Bytes()); err != nil {
				return err
			}
		}
	}
	return nil
}

func appendFile(name string, data []byte) error {
	if len(data) == 0 {
		return nil
	}
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	return errors.Join(err, f.Close())
}

// LoadView replays the projection in graphDir into a View, without opening
// the graph. With records only, it leaves out codings and mentions.
func LoadView(graphDir string, recordsOnly bool) (*coding.View, error) {
	r := &replay{asserts: map[string]int{}, codes: map[string]int{}}
	files := []string{codesLog, recordsLog, codingsLog}
	if recordsOnly {
		files = files[:2]
	}
	for _, name := range files {
		if err := r.file(filepath.Join(graphDir, name)); err != nil {
			return nil, err
		}
	}
	return r.view(), nil
}

// LoadCodes replays only the emergent codes of the projection in graphDir.
func LoadCodes(graphDir string) ([]coding.Code, error) {
	r := &replay{asserts: map[string]int{}, codes: map[string]int{}}
	if err := r.file(filepath.Join(graphDir, codesLog)); err != nil {
		return nil, err
	}
	return r.view().Codes, nil
}

func (r *replay) file(name string) error {
	b, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return ErrNoProjection
	} else if err != nil {
		return err
	}
	// One string for the whole file: the records' fields are substrings of
	// it, which saves an allocation per field.
	data := string(b)
	if n := strings.Count(data, "\n"); cap(r.v.Codings) < n && strings.HasSuffix(name, codingsLog) {
		r.v.Codings = make([]coding.Coding, 0, n)
	}
	if n := strings.Count(data, "\nA\t"); cap(r.v.Assertions) < n && strings.HasSuffix(name, recordsLog) {
		r.v.Assertions = make([]coding.Assertion, 0, n+1)
	}
	for line := 1; data != ""; line++ {
		l, rest, _ := strings.Cut(data, "\n")
		data = rest
		if l == "" {
			continue
		}
		if err := r.apply(l); err != nil {
			return fmt.Errorf("%s:%d: %w", name, line, err)
		}
	}
	return nil
}

type replay struct {
	v       coding.View
	codings map[string]int // id -> index in v.Codings; nil until needed
	removed int
	asserts map[string]int
	codes   map[string]int
}

func (r *replay) apply(line string) error {
	kind, rest, _ := strings.Cut(line, "\t")
	switch kind {
	case "C", "M":
		id, rec, _ := strings.Cut(rest, "\t")
		d, st, en, what, coder, created, memo, err := parseRecord(rec)
		if err != nil {
			return err
		}
		span := coding.Span{Doc: d, Start: st, End: en}
		if kind == "C" {
			if r.codings != nil {
				r.codings[id] = len(r.v.Codings)
			}
			r.v.Codings = append(r.v.Codings, coding.Coding{ID: id, Span: span, Code: what, Coder: coder, Created: created, Memo: memo})
		} else {
			r.v.Mentions = append(r.v.Mentions, coding.Mention{ID: id, Span: span, Entity: what, Coder: coder, Created: created})
		}
	case "A":
		a, err := parseAssertionLine(rest)
		if err != nil {
			return err
		}
		r.asserts[a.ID] = len(r.v.Assertions)
		r.v.Assertions = append(r.v.Assertions, a)
	case "U":
		i, ok := r.index()[rest]
		if !ok {
			return fmt.Errorf("uncode of unknown coding %s", rest)
		}
		r.v.Codings[i].ID = "" // dropped in view()
		delete(r.codings, rest)
		r.removed++
	case "R":
		id, code, _ := strings.Cut(rest, "\t")
		i, ok := r.index()[id]
		if !ok {
			return fmt.Errorf("recode of unknown coding %s", id)
		}
		r.v.Codings[i].Code = code
	case "J":
		var e event
		if err := json.Unmarshal([]byte(rest), &e); err != nil {
			return err
		}
		return r.applyJSON(e)
	default:
		return fmt.Errorf("unknown line kind %q", kind)
	}
	return nil
}

// index returns the map from coding id to position, built on first use:
// only removals and recodes need it.
func (r *replay) index() map[string]int {
	if r.codings == nil {
		r.codings = make(map[string]int, len(r.v.Codings))
		for i, c := range r.v.Codings {
			if c.ID != "" {
				r.codings[c.ID] = i
			}
		}
	}
	return r.codings
}

func (r *replay) applyJSON(e event) error {
	switch {
	case e.K == "change" && e.Change != nil:
		r.v.Changes = append(r.v.Changes, *e.Change)
	case e.K == "entity" && e.Entity != nil:
		r.v.Entities = append(r.v.Entities, *e.Entity)
	case e.K == "assertion" && e.Assert != nil:
		r.asserts[e.Assert.ID] = len(r.v.Assertions)
		r.v.Assertions = append(r.v.Assertions, *e.Assert)
	case e.K == "retract":
		i, ok := r.asserts[e.ID]
		if !ok {
			return fmt.Errorf("retraction of unknown assertion %s", e.ID)
		}
		r.v.Assertions[i].Retracted, r.v.Assertions[i].Reason = true, e.Reason
	case e.K == "memo" && e.Memo != nil:
		r.v.Memos = append(r.v.Memos, *e.Memo)
	case e.K == "code" && e.Code != nil:
		r.codes[e.Code.ID] = len(r.v.Codes)
		r.v.Codes = append(r.v.Codes, *e.Code)
	case e.K == "promote":
		i, ok := r.codes[e.ID]
		if !ok {
			return fmt.Errorf("promotion of unknown code %s", e.ID)
		}
		r.v.Codes[i].Promoted, r.v.Codes[i].Parent = true, e.Parent
	default:
		return fmt.Errorf("unknown record %q", e.K)
	}
	return nil
}

func (r *replay) view() *coding.View {
	if r.removed > 0 {
		kept := r.v.Codings[:0]
		for _, c := range r.v.Codings {
			if c.ID != "" {
				kept = append(kept, c)
			}
		}
		r.v.Codings = kept
	}
	r.v.Sort()
	return &r.v
}

// RebuildProjection writes the projection afresh from the graph.
func (s *Store) RebuildProjection() error {
	if s.dir == "" {
		return nil
	}
	v, err := s.View()
	if err != nil {
		return err
	}
	files := map[string]*strings.Builder{codingsLog: {}, recordsLog: {}, codesLog: {}}
	line := func(l string) {
		b := files[logFor(l)]
		b.WriteString(l)
		b.WriteByte('\n')
	}
	for _, ch := range v.Changes {
		line(changeLine(ch))
	}
	for _, c := range v.Codings {
		line("C\t" + c.ID + "\t" + codingRecord(c))
	}
	for _, m := range v.Mentions {
		line("M\t" + m.ID + "\t" + codingRecord(coding.Coding{Span: m.Span, Code: m.Entity, Coder: m.Coder, Created: m.Created}))
	}
	for i := range v.Entities {
		line(jsonLine(event{K: "entity", Entity: &v.Entities[i]}))
	}
	for i := range v.Assertions {
		line(assertionLine(v.Assertions[i]))
		if a := v.Assertions[i]; a.Retracted {
			line(jsonLine(event{K: "retract", ID: a.ID, Reason: a.Reason}))
		}
	}
	for i := range v.Memos {
		line(jsonLine(event{K: "memo", Memo: &v.Memos[i]}))
	}
	for i := range v.Codes {
		line(jsonLine(event{K: "code", Code: &v.Codes[i]}))
	}
	for _, name := range []string{codingsLog, recordsLog, codesLog} {
		if err := atomicfile.WriteFile(filepath.Join(s.dir, name), []byte(files[name].String())); err != nil {
			return err
		}
	}
	return nil
}
