package kg

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/corpus"
	"github.com/qualgraph/qualgraph/internal/record"
)

// indexWriter applies entries to a projection as a project's writer
// does: each its own process (its own Store), each moving the position.
type indexWriter struct {
	t   *testing.T
	dir string
	seq uint64
	at  time.Time
	n   int
}

func newIndexWriter(t *testing.T) *indexWriter {
	t.Helper()
	dir := t.TempDir()
	for _, name := range projectionLogs {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return &indexWriter{t: t, dir: dir, at: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
}

func (w *indexWriter) apply(ev *coding.Event) {
	w.t.Helper()
	w.seq++
	ev.Change = coding.Change{ID: fmt.Sprintf("ch%d", w.seq), By: "ann", At: w.at, Op: "test"}
	// A fresh store for each entry: another process, as far as the
	// readers can tell.
	if _, err := OpenProjection(w.dir).ApplyProjection(record.Position{Seq: w.seq, Offset: int64(w.seq) * 100}, ev); err != nil {
		w.t.Fatal(err)
	}
}

// code records n codings on each of docs, and returns them.
func (w *indexWriter) code(n int, docs ...string) []coding.Coding {
	w.t.Helper()
	var cs []coding.Coding
	for i := 0; i < n; i++ {
		for _, d := range docs {
			w.n++
			w.at = w.at.Add(time.Second)
			cs = append(cs, coding.Coding{ID: fmt.Sprintf("c%06d", w.n), Span: coding.Span{Doc: d, Start: w.n, End: w.n + 10},
				Code: "SpinoffFounder", Coder: "ann", Created: w.at})
		}
	}
	w.apply(&coding.Event{Codings: cs})
	return cs
}

// mention records a mention of an entity on doc.
func (w *indexWriter) mention(doc string) {
	w.t.Helper()
	w.n++
	w.at = w.at.Add(time.Second)
	w.apply(&coding.Event{Mentions: []coding.Mention{{ID: fmt.Sprintf("m%06d", w.n), Span: coding.Span{Doc: doc, Start: 1, End: 5},
		Entity: "lin", Coder: "ann", Created: w.at}}})
}

// load returns the codings and mentions of docs: through the index, and
// as the whole log's replay (the truth).
func (w *indexWriter) load(docs ...string) (got, want *coding.View) {
	w.t.Helper()
	set := map[string]bool{}
	for _, d := range docs {
		set[d] = true
	}
	opt := LoadOptions{Parts: PartCodings, Docs: set}
	noDocIndex = true
	want, err := Load(w.dir, opt)
	noDocIndex = false
	if err != nil {
		w.t.Fatal(err)
	}
	got, err = Load(w.dir, opt)
	if err != nil {
		w.t.Fatal(err)
	}
	return got, want
}

// check loads docs both ways and compares; builds is how many times the
// index must have been built meanwhile.
func (w *indexWriter) check(step string, builds int, docs ...string) *coding.View {
	w.t.Helper()
	before := docIndexBuilds.Load()
	got, want := w.load(docs...)
	if len(want.Codings) == 0 {
		w.t.Fatalf("%s: the fixture codes nothing on %v", step, docs)
	}
	if !reflect.DeepEqual(got.Codings, want.Codings) || !reflect.DeepEqual(got.Mentions, want.Mentions) {
		w.t.Errorf("%s: through the index %d codings %+v, %d mentions; want %d %+v, %d", step,
			len(got.Codings), got.Codings, len(got.Mentions), len(want.Codings), want.Codings, len(want.Mentions))
	}
	if n := int(docIndexBuilds.Load() - before); n != builds {
		w.t.Errorf("%s: the index was built %d times, want %d", step, n, builds)
	}
	return got
}

func (w *indexWriter) path(name string) string { return filepath.Join(w.dir, name) }

// TestDocIndex checks that Load with LoadOptions.Docs, which reads
// through codings.idx, answers as the replay of the whole log does while
// the log grows, is removed from, recoded, cut back after a killed
// writer, and rewritten under the index; and that the index is built once
// and then followed, not built again on every call.
func TestDocIndex(t *testing.T) {
	w := newIndexWriter(t)
	a := w.code(20, "dA", "dB", "dC")
	w.mention("dA")
	w.check("first read builds the index", 1, "dA")
	if _, err := os.Stat(w.path(codingsIndex)); err != nil {
		t.Fatalf("no index after a read: %v", err)
	}
	w.check("second read", 0, "dA")
	w.check("two documents", 0, "dB", "dC")

	// Another process appends, removes and recodes: codings the index
	// covers, and codings it does not.
	b := w.code(3, "dA", "dB")
	w.apply(&coding.Event{Uncode: []coding.Coding{a[0], b[0]}})
	w.apply(&coding.Event{Recode: &coding.Recoding{Coding: a[3], Code: "Demonstration"}})
	w.apply(&coding.Event{Recode: &coding.Recoding{Coding: b[1], Code: "Demonstration"}})
	w.mention("dB")
	got := w.check("appended by another process", 0, "dA")
	for _, c := range got.Codings {
		if c.ID == a[0].ID || c.ID == b[0].ID {
			t.Errorf("removed coding %s is still there", c.ID)
		}
	}
	got = w.check("appended, dB", 0, "dB")
	if i := indexOf(got.Codings, b[1].ID); i < 0 || got.Codings[i].Code != "Demonstration" {
		t.Errorf("recode of %s not seen: %+v", b[1].ID, got.Codings)
	}
	got = w.check("appended, dA again", 0, "dA")
	if i := indexOf(got.Codings, a[3].ID); i < 0 || got.Codings[i].Code != "Demonstration" {
		t.Errorf("recode of %s not seen: %+v", a[3].ID, got.Codings)
	}

	// A writer killed after appending, before its position: readers do
	// not see the lines, and the next writer cuts them off.
	f, err := os.OpenFile(w.path(codingsLog), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(f, "C\ttorn1\tdA\t1\t9\tSpinoffFounder\tann\t%s\t\nC\ttorn2\tdA\t1\t9\tSpin", w.at.Format(time.RFC3339Nano))
	f.Close()
	got = w.check("torn tail", 0, "dA")
	if indexOf(got.Codings, "torn1") >= 0 {
		t.Errorf("a line beyond the position is read: %+v", got.Codings)
	}
	if _, err := TruncateProjection(w.dir); err != nil {
		t.Fatal(err)
	}
	w.code(1, "dA")
	w.check("after the cut and a new entry", 0, "dA")

	// Enough appended that the reader writes the index afresh; then the
	// removals and recodes are in the part it covers.
	w.code(indexSlack/50, "dC")
	w.check("far behind", 1, "dA")
	w.check("caught up", 0, "dA", "dB")

	// Indexes that are not the log's: each is found out and built again.
	for _, tc := range []struct {
		name  string
		spoil func(t *testing.T)
	}{
		{"LogRewritten", func(t *testing.T) {
			// A rebuild by a qualgraph that does not know the index
			// rewrites the log: lines of equal length change places,
			// so the offsets name other documents' lines.
			swapLines(t, w.path(codingsLog), "\tdA\t", "\tdB\t")
		}},
		{"LogCutShorter", func(t *testing.T) {
			rewriteLog(t, w.dir, func(l string) bool { return !strings.Contains(l, "\tdC\t") })
		}},
		{"IndexTruncated", func(t *testing.T) {
			b, err := os.ReadFile(w.path(codingsIndex))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(w.path(codingsIndex), b[:len(b)/2], 0o644); err != nil {
				t.Fatal(err)
			}
		}},
		{"IndexDirectoryFlipped", func(t *testing.T) { flipIndexByte(t, w.path(codingsIndex), indexPreamble+2) }},
		{"IndexSectionFlipped", func(t *testing.T) {
			// The first section is the first document's: dA's.
			b, err := os.ReadFile(w.path(codingsIndex))
			if err != nil {
				t.Fatal(err)
			}
			flipIndexByte(t, w.path(codingsIndex), indexPreamble+int(binary.LittleEndian.Uint32(b[len(indexMagic)+12:]))+1)
		}},
		{"IndexGarbage", func(t *testing.T) {
			if err := os.WriteFile(w.path(codingsIndex), []byte("not an index"), 0o644); err != nil {
				t.Fatal(err)
			}
		}},
		{"IndexEmpty", func(t *testing.T) {
			if err := os.WriteFile(w.path(codingsIndex), nil, 0o644); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w.t = t
			w.check("before", 0, "dA")
			tc.spoil(t)
			w.check("spoilt", 1, "dA")
			w.check("spoilt, dB", 0, "dB")
			w.check("after", 0, "dA")
		})
	}
}

// TestDocIndexRebuild checks that RebuildProjection, which rewrites the
// log, removes the index, and that the next read builds it again.
func TestDocIndexRebuild(t *testing.T) {
	dir := t.TempDir()
	s, err := Create(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var docs []*corpus.Document
	for _, id := range []string{"dA", "dB"} {
		docs = append(docs, &corpus.Document{ID: id, Name: id + ".txt", Kind: corpus.KindInterview, Chars: 100, Imported: at,
			Source: corpus.Source{Path: id + ".txt", Format: "txt", TextSHA: "sha-" + id}})
	}
	if err := s.AddDocuments(coding.Change{ID: "ch0", By: "ann", At: at, Op: "import"}, docs); err != nil {
		t.Fatal(err)
	}
	var cs []coding.Coding
	for i := range 12 {
		cs = append(cs, coding.Coding{ID: fmt.Sprintf("c%02d", i), Span: coding.Span{Doc: []string{"dA", "dB"}[i%2], Start: i, End: i + 5},
			Code: "SpinoffFounder", Coder: "ann", Created: at.Add(time.Duration(i) * time.Second)})
	}
	if err := s.AddCodings(coding.Change{ID: "ch1", By: "ann", At: at, Op: "code"}, cs); err != nil {
		t.Fatal(err)
	}
	if err := s.Uncode(coding.Change{ID: "ch2", By: "ann", At: at.Add(time.Minute), Op: "uncode"}, cs[:2]); err != nil {
		t.Fatal(err)
	}
	opt := LoadOptions{Parts: PartCodings, Docs: map[string]bool{"dA": true}}
	before, err := Load(dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(before.Codings) != 5 {
		t.Fatalf("dA has %d codings, want 5: %+v", len(before.Codings), before.Codings)
	}
	if _, err := os.Stat(filepath.Join(dir, codingsIndex)); err != nil {
		t.Fatalf("no index after a read: %v", err)
	}
	if err := s.RebuildProjection(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, codingsIndex)); !os.IsNotExist(err) {
		t.Errorf("the index outlives a rebuild of the log (%v)", err)
	}
	after, err := Load(dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(after.Codings, before.Codings) || !reflect.DeepEqual(after.Mentions, before.Mentions) {
		t.Errorf("after a rebuild: %+v, want %+v", after.Codings, before.Codings)
	}
}

// flipIndexByte changes byte i of the index file name.
func flipIndexByte(t *testing.T, name string, i int) {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	b[i] ^= 0x5a
	if err := os.WriteFile(name, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func indexOf(cs []coding.Coding, id string) int {
	for i, c := range cs {
		if c.ID == id {
			return i
		}
	}
	return -1
}

// swapLines rewrites the log with its first line holding a and its first
// line holding b (of equal length) in each other's place.
func swapLines(t *testing.T, name, a, b string) {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.SplitAfter(data, []byte("\n"))
	i, j := -1, -1
	for k, l := range lines {
		switch {
		case i < 0 && bytes.Contains(l, []byte(a)):
			i = k
		case j < 0 && bytes.Contains(l, []byte(b)) && i >= 0 && len(l) == len(lines[i]):
			j = k
		}
	}
	if i < 0 || j < 0 {
		t.Fatalf("no lines of equal length with %q and %q", a, b)
	}
	lines[i], lines[j] = lines[j], lines[i]
	if err := os.WriteFile(name+".new", bytes.Join(lines, nil), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(name+".new", name); err != nil {
		t.Fatal(err)
	}
}

// rewriteLog rewrites codings.log with the lines keep keeps, and the
// position to match, leaving the index alone.
func rewriteLog(t *testing.T, dir string, keep func(string) bool) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, codingsLog))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, l := range strings.SplitAfter(string(data), "\n") {
		if l != "" && keep(l) {
			b.WriteString(l)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, codingsLog), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	p, _, err := ReadPosition(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := OpenProjection(dir).writePosition(p); err != nil {
		t.Fatal(err)
	}
}

// TestLoadNoMentions checks that LoadOptions.NoMentions leaves out the
// mentions and nothing else, and still reports a lost records.log.
func TestLoadNoMentions(t *testing.T) {
	w := newIndexWriter(t)
	a := w.code(5, "dA", "dB")
	w.mention("dA")
	w.apply(&coding.Event{Uncode: a[:1]})
	for _, tc := range []struct {
		name string
		opt  LoadOptions
	}{
		{"Docs", LoadOptions{Parts: PartCodings, Docs: map[string]bool{"dA": true}}},
		{"All", LoadOptions{Parts: PartCodings}},
		{"Codings", LoadOptions{Parts: PartCodings, Codings: map[string]bool{a[1].ID: true, a[2].ID: true}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, err := Load(w.dir, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			opt := tc.opt
			opt.NoMentions = true
			got, err := Load(w.dir, opt)
			if err != nil {
				t.Fatal(err)
			}
			if len(want.Codings) == 0 || !reflect.DeepEqual(got.Codings, want.Codings) {
				t.Errorf("codings %+v, want %+v", got.Codings, want.Codings)
			}
			if len(got.Mentions) != 0 {
				t.Errorf("mentions %+v, want none", got.Mentions)
			}
		})
	}
	if err := os.Remove(w.path(recordsLog)); err != nil {
		t.Fatal(err)
	}
	_, err := Load(w.dir, LoadOptions{Parts: PartCodings, Docs: map[string]bool{"dA": true}, NoMentions: true})
	if !errors.Is(err, ErrNoProjection) {
		t.Errorf("records.log lost: %v, want ErrNoProjection", err)
	}
}
