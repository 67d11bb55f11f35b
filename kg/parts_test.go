package kg_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/kg"
)

// boltFixture writes the conformance fixture to a bolt store and returns
// it with its graph folder and View.
func boltFixture(t *testing.T) (*kg.Store, string, *coding.View) {
	t.Helper()
	dir := t.TempDir()
	s, err := kg.Create(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	writeFixture(t, s)
	v, err := s.View()
	if err != nil {
		t.Fatal(err)
	}
	return s, dir, v
}

// only returns v with the lists that parts does not select emptied.
func only(v *coding.View, parts kg.Part) *coding.View {
	w := *v
	if parts&kg.PartCodings == 0 {
		w.Codings, w.Mentions = nil, nil
	}
	if parts&kg.PartChanges == 0 {
		w.Changes = nil
	}
	if parts&kg.PartEntities == 0 {
		w.Entities = nil
	}
	if parts&kg.PartAssertions == 0 {
		w.Assertions = nil
	}
	if parts&kg.PartMemos == 0 {
		w.Memos = nil
	}
	if parts&kg.PartCodes == 0 {
		w.Codes = nil
	}
	return &w
}

func TestLoadParts(t *testing.T) {
	_, dir, v := boltFixture(t)
	tests := []struct {
		name  string
		parts kg.Part
	}{
		{"All", kg.PartAll},
		{"Records", kg.PartRecords},
		{"Codings", kg.PartCodings},
		{"Changes", kg.PartChanges},
		{"EntitiesAssertions", kg.PartEntities | kg.PartAssertions},
		{"Assertions", kg.PartAssertions},
		{"Memos", kg.PartMemos},
		{"Codes", kg.PartCodes},
		{"CodingsCodes", kg.PartCodings | kg.PartCodes},
		{"None", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := kg.LoadParts(dir, tc.parts)
			if err != nil {
				t.Fatal(err)
			}
			sameView(t, "LoadParts", got, only(v, tc.parts))
		})
	}
	t.Run("ErrNoProjection", func(t *testing.T) {
		// Only the logs a part needs are read, and only they must exist.
		if err := os.Remove(filepath.Join(dir, "codings.log")); err != nil {
			t.Fatal(err)
		}
		if _, err := kg.LoadParts(dir, kg.PartAssertions); err != nil {
			t.Errorf("assertions without codings.log: %v", err)
		}
		if _, err := kg.LoadParts(dir, kg.PartCodings); !errors.Is(err, kg.ErrNoProjection) {
			t.Errorf("codings without codings.log: %v, want ErrNoProjection", err)
		}
	})
}

// TestLoadOlderProjection replays records.log as older versions wrote it:
// assertions as JSON lines, and each write's lines in no particular order.
func TestLoadOlderProjection(t *testing.T) {
	_, dir, v := boltFixture(t)
	name := filepath.Join(dir, "records.log")
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var asserts, rest []string
	for _, l := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		if !strings.HasPrefix(l, "A\t") {
			rest = append(rest, l)
			continue
		}
		id, _, _ := strings.Cut(strings.TrimPrefix(l, "A\t"), "\t")
		i := slices.IndexFunc(v.Assertions, func(a coding.Assertion) bool { return a.ID == id })
		a := v.Assertions[i]
		a.Retracted, a.Reason = false, ""
		js, err := json.Marshal(struct {
			K string            `json:"k"`
			A *coding.Assertion `json:"assertion"`
		}{"assertion", &a})
		if err != nil {
			t.Fatal(err)
		}
		asserts = append(asserts, "J\t"+string(js))
	}
	slices.Reverse(asserts) // out of order; the retraction comes after them all
	lines := append(asserts, rest...)
	// An older projection keeps no position either.
	if err := os.Remove(filepath.Join(dir, "position.json")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, parts := range []kg.Part{kg.PartAll, kg.PartEntities | kg.PartAssertions} {
		got, err := kg.LoadParts(dir, parts)
		if err != nil {
			t.Fatal(err)
		}
		sameView(t, "LoadParts of an older projection", got, only(v, parts))
	}
}

func TestLoadViewErrors(t *testing.T) {
	_, dir, _ := boltFixture(t)
	name := filepath.Join(dir, "records.log")
	good, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	// Without a position the whole log is read (a line beyond the
	// position is ignored: TestPositionLimitsReaders).
	if err := os.Remove(filepath.Join(dir, "position.json")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, line string
		parts      kg.Part
		want       string // in the error; "" for none
	}{
		{"ShortAssertion", "A\tid\ts\tr", kg.PartAssertions, "records.log:"},
		{"LongAssertion", "A\t1\t2\t3\t4\t5\t6\t7\t0.5\t9\t2024-01-01T00:00:00Z\td:1-2\t12\t13", kg.PartAssertions, "13 fields"},
		{"BadEvidence", "A\tid\ts\tr\to\t\t\tpositive\t1\tc\t2024-01-01T00:00:00Z\td:1-x\t", kg.PartAssertions, `bad evidence "d:1-x"`},
		{"BadTime", "A\tid\ts\tr\to\t\t\tpositive\t1\tc\tyesterday\td:1-2\t", kg.PartAssertions, "yesterday"},
		{"BadJSON", `J	{"k":"entity","entity":{`, kg.PartEntities, "records.log:"},
		// Lines of parts not asked for are not decoded.
		{"BadJSONSkipped", `J	{"k":"change","change":{`, kg.PartEntities | kg.PartAssertions, ""},
		{"BadAssertionSkipped", "A\tid", kg.PartChanges, ""},
		{"UnknownKind", "X\tsomething", kg.PartChanges, `unknown line kind "X"`},
		{"RetractUnknown", `J	{"k":"retract","id":"nope"}`, kg.PartAssertions, "retraction of unknown assertion nope"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.WriteFile(name, append(slices.Clone(good), tc.line+"\n"...), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := kg.LoadParts(dir, tc.parts)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("error %v, want none", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("error %v, want one saying %q", err, tc.want)
			}
		})
	}
}

// quoteFixture returns the text of each evidence span of the fixture.
func quoteFixture(v *coding.View) map[coding.Span]string {
	m := map[coding.Span]string{}
	for _, a := range v.Assertions {
		for _, e := range a.Evidence {
			m[e] = quote(e)
		}
	}
	return m
}

func quoteAll(spans []coding.Span) ([]string, error) {
	out := make([]string, len(spans))
	for i, s := range spans {
		out[i] = quote(s)
	}
	return out, nil
}

func loadQuotes(t *testing.T, dir string) map[coding.Span]string {
	t.Helper()
	q, err := kg.LoadQuotes(dir)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func TestQuotes(t *testing.T) {
	s, dir, v := boltFixture(t)
	quotesLog := filepath.Join(dir, "quotes.log")
	if got := loadQuotes(t, dir); len(got) != 0 {
		t.Fatalf("the fixture, written without quotes, has %d", len(got))
	}

	// Quotes written with an assertion: each text as given, whatever it
	// holds.
	texts := map[coding.Span]string{
		{Doc: "dC", Start: 0, End: 3}:  "Wu:",
		{Doc: "dC", Start: 3, End: 20}: "tab\there,\nnewline, CR\r, back\\slash \\t, 陈浩说：协会",
	}
	at := base.Add(time.Hour)
	a := coding.Assertion{ID: "q1", Subject: "wu", Relation: "supports", Object: "chen", Polarity: coding.Positive, Confidence: 1,
		Coder: "carol", Created: at, Evidence: []coding.Span{{Doc: "dC", Start: 0, End: 3}, {Doc: "dC", Start: 3, End: 20}, {Doc: "dA", Start: 0, End: 4}}}
	if err := s.AddAssertionsQuoted(coding.Change{ID: "chq", By: "carol", At: at, Op: "assert"}, []coding.Assertion{a}, texts); err != nil {
		t.Fatal(err)
	}
	if got := loadQuotes(t, dir); !reflect.DeepEqual(got, texts) {
		t.Fatalf("quotes %q, want %q", got, texts)
	}
	v, err := s.View()
	if err != nil {
		t.Fatal(err)
	}
	if pv, err := kg.LoadView(dir, false); err != nil {
		t.Fatal(err)
	} else {
		sameView(t, "LoadView with quotes", pv, v)
	}

	failing := func([]coding.Span) ([]string, error) { return nil, errors.New("no texts") }
	tests := []struct {
		name    string
		rebuild func() error
		want    map[coding.Span]string
	}{
		{"CarriesOver", s.RebuildProjection, texts},
		{"Quoting", func() error { return s.RebuildProjectionQuoting(quoteAll) }, quoteFixture(v)},
		// A failing QuoteFunc leaves the old quotes, and the rebuild
		// succeeds.
		{"QuotingFails", func() error { return s.RebuildProjectionQuoting(failing) }, quoteFixture(v)},
		{"LostQuotes", func() error {
			if err := os.Remove(quotesLog); err != nil {
				return err
			}
			return s.RebuildProjection()
		}, map[coding.Span]string{}},
		{"DamagedQuotes", func() error {
			if err := os.WriteFile(quotesLog, []byte("Q\tdA\tx\n"), 0o644); err != nil {
				return err
			}
			return s.RebuildProjection()
		}, map[coding.Span]string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.rebuild(); err != nil {
				t.Fatal(err)
			}
			if got := loadQuotes(t, dir); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("quotes %q,\nwant %q", got, tc.want)
			}
			pv, err := kg.LoadView(dir, false)
			if err != nil {
				t.Fatal(err)
			}
			sameView(t, "LoadView after the rebuild", pv, v)
		})
	}

	t.Run("ErrBadQuote", func(t *testing.T) {
		if err := os.Remove(filepath.Join(dir, "position.json")); err != nil {
			t.Fatal(err)
		}
		for _, line := range []string{"Q\tdA\t1\n", "Q\tdA\tx\t2\ttext\n", "Q\tdA\t1\t2\ttab\there\n", "C\tdA\t1\t2\ttext\n"} {
			if err := os.WriteFile(quotesLog, []byte(line), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := kg.LoadQuotes(dir); err == nil || !strings.Contains(err.Error(), "quotes.log:1: bad quote record") {
				t.Errorf("%q: error %v", line, err)
			}
		}
	})
}

func TestLoadTouching(t *testing.T) {
	_, dir, v := boltFixture(t)
	tests := []struct {
		name     string
		touching []string
		n        int // assertions wanted
	}{
		{"Chen", []string{"chen"}, 6},
		{"RetractedOne", []string{"lab"}, 2}, // a09, retracted, and a11
		{"Concept", []string{"class:HighTechCertification"}, 1},
		{"Two", []string{"town", "halvorsen"}, 2},
		{"Unknown", []string{"nobody"}, 0},
		{"Empty", []string{}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			touching := map[string]bool{}
			for _, id := range tc.touching {
				touching[id] = true
			}
			got, err := kg.Load(dir, kg.LoadOptions{Parts: kg.PartEntities | kg.PartAssertions | kg.PartChanges, Touching: touching})
			if err != nil {
				t.Fatal(err)
			}
			want := only(v, kg.PartEntities|kg.PartAssertions|kg.PartChanges)
			want.Assertions = nil
			for _, a := range v.Assertions {
				if touching[a.Subject] || touching[a.Object] {
					want.Assertions = append(want.Assertions, a)
				}
			}
			if len(want.Assertions) != tc.n {
				t.Fatalf("the fixture has %d such assertions, the test says %d", len(want.Assertions), tc.n)
			}
			sameView(t, "Load touching "+strings.Join(tc.touching, ","), got, want)

			// With NearEntities, only the entities touched or at an end
			// of an assertion kept, in the same order.
			got, err = kg.Load(dir, kg.LoadOptions{Parts: kg.PartEntities | kg.PartAssertions | kg.PartChanges, Touching: touching, NearEntities: true})
			if err != nil {
				t.Fatal(err)
			}
			near := map[string]bool{}
			for id := range touching {
				near[id] = true
			}
			for _, a := range want.Assertions {
				near[a.Subject], near[a.Object] = true, true
			}
			all := want.Entities
			want.Entities = nil
			for _, e := range all {
				if near[e.ID] {
					want.Entities = append(want.Entities, e)
				}
			}
			if tc.n > 0 && (len(want.Entities) == 0 || len(want.Entities) == len(all)) {
				t.Fatalf("a test of nothing: %d of %d entities near", len(want.Entities), len(all))
			}
			sameView(t, "Load touching "+strings.Join(tc.touching, ",")+" with near entities", got, want)
		})
	}
}

// TestLoadSomeCodings checks LoadOptions.Docs and LoadOptions.Codings
// against the whole view: the same codings (recoded and removed as the
// fixture did) and mentions, in the same order, and nothing else.
func TestLoadSomeCodings(t *testing.T) {
	_, dir, v := boltFixture(t)
	docs := map[string]bool{}
	for _, c := range v.Codings {
		docs[c.Doc] = true
	}
	if len(docs) < 2 {
		t.Fatalf("the fixture codes %d documents, want several", len(docs))
	}
	for doc := range docs {
		got, err := kg.Load(dir, kg.LoadOptions{Parts: kg.PartCodings, Docs: map[string]bool{doc: true}})
		if err != nil {
			t.Fatal(err)
		}
		var want []coding.Coding
		for _, c := range v.Codings {
			if c.Doc == doc {
				want = append(want, c)
			}
		}
		var wantM []coding.Mention
		for _, m := range v.Mentions {
			if m.Doc == doc {
				wantM = append(wantM, m)
			}
		}
		if !reflect.DeepEqual(got.Codings, want) || !reflect.DeepEqual(got.Mentions, wantM) {
			t.Errorf("Docs %s: codings %+v, mentions %+v; want %+v, %+v", doc, got.Codings, got.Mentions, want, wantM)
		}
	}
	for _, c := range v.Codings {
		got, err := kg.Load(dir, kg.LoadOptions{Parts: kg.PartCodings, Codings: map[string]bool{c.ID: true}})
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Codings) != 1 || !reflect.DeepEqual(got.Codings[0], c) || len(got.Mentions) != 0 {
			t.Errorf("Codings %s: %+v, mentions %+v; want %+v", c.ID, got.Codings, got.Mentions, c)
		}
	}
	got, err := kg.Load(dir, kg.LoadOptions{Parts: kg.PartCodings, Codings: map[string]bool{"no-such-coding": true}})
	if err != nil || len(got.Codings) != 0 {
		t.Errorf("an unknown id: %+v, %v; want nothing", got.Codings, err)
	}
}
