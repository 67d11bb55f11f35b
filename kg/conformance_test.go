package kg_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/corpus"
	"github.com/qualgraph/qualgraph/kg"
	"github.com/qualgraph/qualgraph/ontology"
)

// The conformance suite: one fixture of documents, codings, entities,
// mentions, assertions (one retracted), memos and emergent codes, written
// through the store interface to every backend, then every query of
// package coding checked for its exact answer over the View the backend
// returns and, for bolt, over the projection (kg.LoadView), which must
// equal the View. A new backend is held to it by adding it to backends.

// fixtureWriter is what the fixture needs from a backend: the coding store
// and documents.
type fixtureWriter interface {
	coding.Store
	AddDocuments(ch coding.Change, docs []*corpus.Document) error
	Documents(ctx context.Context) ([]*corpus.Document, error)
}

var fixtureTexts = map[string]string{
	"dA": "Chen: The Science Bureau gave us seed funding in 2020. The park gave us two years rent-free. " +
		"In 2021 I lobbied the industry association. Halvorsen now buys our controllers. " +
		"Lin said the high-tech certificate is a waste of money.",
	"dB": "Article 3. The Science Bureau shall fund spin-off founders. The town shall subsidise returnees. " +
		"The association shall certify members.",
	"dC": "Wu: I spoke for Chen at the association. Huang: Our lab co-developed the heat sink with Jianfeng. " +
		"Zhou: Chen came to us about the committee. 陈浩说：协会要成立专委会。",
}

// sp returns the span of the first occurrence of phrase in document doc,
// in code points.
func sp(doc, phrase string) coding.Span {
	text := fixtureTexts[doc]
	i := strings.Index(text, phrase)
	if i < 0 {
		panic(fmt.Sprintf("fixture: %q not in %s", phrase, doc))
	}
	start := len([]rune(text[:i]))
	return coding.Span{Doc: doc, Start: start, End: start + len([]rune(phrase))}
}

func quote(s coding.Span) string {
	r := []rune(fixtureTexts[s.Doc])
	if s.Start < 0 || s.End > len(r) || s.Start > s.End {
		return ""
	}
	return string(r[s.Start:s.End])
}

var base = time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)

type fixture struct {
	n    int // changes written so far
	t    *testing.T
	w    fixtureWriter
	step time.Duration // between changes
}

func (f *fixture) ch(by, op string) coding.Change {
	f.n++
	return coding.Change{ID: fmt.Sprintf("ch%02d", f.n), By: by, At: base.Add(time.Duration(f.n) * f.step), Op: op, Detail: fmt.Sprintf("%s #%d", op, f.n)}
}

func (f *fixture) must(err error) {
	f.t.Helper()
	if err != nil {
		f.t.Fatal(err)
	}
}

var fixtureEntities = []coding.Entity{
	{ID: "chen", Type: "SpinoffFounder", Name: "Chen Hao", Aliases: []string{"Chen", "陈浩"}, Attrs: map[string]string{"firm": "Lumenkey"}},
	{ID: "lin", Type: "ReturneeEntrepreneur", Name: "Lin Yue"},
	{ID: "wu", Type: "DiversifyingFirm", Name: "Wu Jianguo"},
	{ID: "bureau", Type: "LocalGovernment", Name: "Science Bureau"},
	{ID: "town", Type: "LocalGovernment", Name: "Town government"},
	{ID: "park", Type: "StartupPark", Name: "Lightwave Park"},
	{ID: "assoc", Type: "IndustryAssociation", Name: "Industry association"},
	{ID: "halvorsen", Type: "GlobalLeadFirm", Name: "Halvorsen Lighting"},
	{ID: "lab", Type: "ResearchInstitute", Name: "Joint Lab"},
	{ID: "fund", Type: "FinancialInvestor", Name: "Jinlan Fund"}, // in no assertion
}

// fixtureAssertions are written in this order; a09 is retracted later.
var fixtureAssertions = []coding.Assertion{
	{ID: "a01", Subject: "bureau", Relation: "funds", Object: "chen", Practice: "ResourceMobilisation", Phase: "Restructuring",
		Coder: "alice", Evidence: []coding.Span{sp("dA", "The Science Bureau gave us seed funding in 2020")}},
	{ID: "a02", Subject: "bureau", Relation: "funds", Object: "chen", Coder: "bob",
		Evidence: []coding.Span{sp("dB", "The Science Bureau shall fund spin-off founders")}},
	{ID: "a03", Subject: "park", Relation: "supports", Object: "chen", Phase: "Formation", Coder: "alice",
		Evidence: []coding.Span{sp("dA", "The park gave us two years rent-free")}},
	{ID: "a04", Subject: "chen", Relation: "lobbies", Object: "assoc", Practice: "Lobbying", Phase: "Restructuring", Coder: "alice",
		Evidence: []coding.Span{sp("dA", "I lobbied the industry association"), sp("dC", "Chen came to us about the committee")}},
	{ID: "a05", Subject: "wu", Relation: "supports", Object: "chen", Practice: "CoalitionBuilding", Coder: "bob",
		Evidence: []coding.Span{sp("dC", "I spoke for Chen at the association")}},
	{ID: "a06", Subject: "town", Relation: "funds", Object: "lin", Practice: "ResourceMobilisation", Coder: "bob",
		Suggested: &coding.Suggestion{Model: "cues1", Score: 0.85},
		Evidence:  []coding.Span{sp("dB", "The town shall subsidise returnees")}},
	{ID: "a07", Subject: "lin", Relation: "takesPosition", Object: "class:HighTechCertification", Practice: "Framing",
		Polarity: coding.Negative, Confidence: 0.8, Coder: "alice",
		Evidence: []coding.Span{sp("dA", "the high-tech certificate is a waste of money")}},
	{ID: "a08", Subject: "halvorsen", Relation: "sourcesFrom", Object: "chen", Coder: "alice",
		Evidence: []coding.Span{sp("dA", "Halvorsen now buys our controllers")}},
	{ID: "a09", Subject: "lab", Relation: "collaboratesWith", Object: "wu", Coder: "bob",
		Evidence: []coding.Span{sp("dC", "Our lab co-developed the heat sink with Jianfeng")}},
	{ID: "a10", Subject: "assoc", Relation: "certifies", Object: "lin", Practice: "Certification", Coder: "alice",
		Evidence: []coding.Span{sp("dB", "The association shall certify members")}},
	{ID: "a11", Subject: "lab", Relation: "collaboratesWith", Object: "wu", Coder: "alice", Memo: "co-development, confirmed by Wu",
		Evidence: []coding.Span{sp("dC", "Our lab co-developed the heat sink with Jianfeng")}},
}

// writeFixture writes the fixture through w, one transaction per record
// as the project does, a minute apart.
func writeFixture(t *testing.T, w fixtureWriter) { writeFixtureEvery(t, w, time.Minute) }

// writeFixtureEvery writes the fixture with changes step apart.
func writeFixtureEvery(t *testing.T, w fixtureWriter, step time.Duration) {
	f := &fixture{t: t, w: w, step: step}
	attrs := func(kv ...string) corpus.Attrs {
		as := corpus.Attrs{}
		for _, s := range kv {
			k, a, err := corpus.ParseAttr(s)
			f.must(err)
			as[k] = a
		}
		return as
	}
	doc := func(id, kind string, as corpus.Attrs) *corpus.Document {
		return &corpus.Document{ID: id, Name: id + ".txt", Kind: kind, Chars: len([]rune(fixtureTexts[id])),
			Imported: base, Source: corpus.Source{Path: id + ".txt", Format: "txt", TextSHA: "sha-" + id}, Attrs: as}
	}
	f.must(w.AddDocuments(f.ch("alice", "import"), []*corpus.Document{
		doc("dA", corpus.KindInterview, attrs("region=Jinlan", "year=2023")),
		doc("dB", corpus.KindPolicy, attrs("region=Jinlan", "year=2021")),
		doc("dC", corpus.KindFocusGroup, attrs("region=Foshan", "year=2023")),
	}))
	for _, e := range fixtureEntities {
		f.must(w.AddEntity(f.ch("alice", "entity add"), e))
	}
	ch := f.ch("bob", "codebook add")
	f.must(w.AddCode(ch, coding.Code{ID: "CeramicHeatSink", Parent: coding.RootEmergent, Definition: "ceramic parts for LEDs", By: "bob", Created: ch.At}))
	ch = f.ch("bob", "codebook add")
	f.must(w.AddCode(ch, coding.Code{ID: "FamilyTies", Parent: coding.RootEmergent, Color: "#aa3300", By: "bob", Created: ch.At}))
	f.must(w.PromoteCode(f.ch("alice", "codebook promote"), "FamilyTies", "Mechanism"))

	codings := []coding.Coding{
		{ID: "k1", Span: sp("dA", "Chen"), Code: "SpinoffFounder", Coder: "alice"},
		{ID: "k2", Span: sp("dA", "The Science Bureau"), Code: "LocalGovernment", Coder: "alice", Memo: "the funder\tof record"},
		{ID: "k3", Span: sp("dB", "spin-off founders"), Code: "Entrepreneur", Coder: "bob"},
		{ID: "k4", Span: sp("dB", "returnees"), Code: "ReturneeEntrepreneur", Coder: "bob"},
		{ID: "k5", Span: sp("dC", "Wu"), Code: "DiversifyingFirm", Coder: "bob"},
		{ID: "k6", Span: sp("dC", "heat sink"), Code: "CeramicHeatSink", Coder: "alice"},
		{ID: "k7", Span: sp("dA", "lobbied"), Code: "Lobbying", Coder: "alice"},
	}
	for _, c := range codings {
		ch := f.ch(c.Coder, "code")
		c.Created = ch.At
		f.must(w.AddCodings(ch, []coding.Coding{c}))
	}
	ch = f.ch("bob", "code")
	f.must(w.AddMentions(ch, []coding.Mention{
		{ID: "m1", Span: sp("dA", "Chen"), Entity: "chen", Coder: "bob", Created: ch.At},
		{ID: "m2", Span: sp("dC", "Chen"), Entity: "chen", Coder: "bob", Created: ch.At},
		{ID: "m3", Span: sp("dA", "industry association"), Entity: "assoc", Coder: "bob", Created: ch.At},
	}))
	for _, a := range fixtureAssertions {
		ch := f.ch(a.Coder, "assert")
		a.Created = ch.At
		if a.Polarity == "" {
			a.Polarity = coding.Positive
		}
		if a.Confidence == 0 {
			a.Confidence = 1
		}
		f.must(w.AddAssertion(ch, a))
	}
	f.must(w.Retract(f.ch("alice", "retract"), "a09", "wrong actor: the lab worked with Jianfeng's engineers"))
	ch = f.ch("alice", "memo add")
	f.must(w.AddMemo(ch, coding.Memo{ID: "memo1", Target: "entity:chen", Text: "central broker?", Author: "alice", Created: ch.At}))
	ch = f.ch("bob", "memo add")
	f.must(w.AddMemo(ch, coding.Memo{ID: "memo2", Target: "assertion:a04", Text: "confirmed in\nthe focus group", Author: "bob", Created: ch.At}))
	f.must(w.Uncode(f.ch("bob", "uncode"), []coding.Coding{codings[4]}))
	f.must(w.Recode(f.ch("bob", "recode"), codings[2], "SpinoffFounder"))
}

// fixtureChanges is the number of changes writeFixture writes.
const fixtureChanges = 1 + 10 + 3 + 7 + 1 + 11 + 1 + 2 + 2

type backend struct {
	name string
	// open returns a new empty store and its graph folder ("" if it has no
	// projection).
	open func(t *testing.T) (*kg.Store, string)
}

var backends = []backend{
	{"memory", func(t *testing.T) (*kg.Store, string) {
		s := kg.OpenMemory()
		t.Cleanup(func() { s.Close() })
		return s, ""
	}},
	{"bolt", func(t *testing.T) (*kg.Store, string) {
		dir := t.TempDir()
		s, err := kg.Create(dir)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s, dir
	}},
}

func TestConformance(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			s, dir := b.open(t)
			writeFixture(t, s)
			v, err := s.View()
			if err != nil {
				t.Fatal(err)
			}
			attrs := docAttrsOf(t, s)
			views := []struct {
				name string
				v    *coding.View
			}{{"View", v}}
			if dir != "" {
				pv, err := kg.LoadView(dir, false)
				if err != nil {
					t.Fatal(err)
				}
				sameView(t, "LoadView", pv, v)
				rv, err := kg.LoadView(dir, true)
				if err != nil {
					t.Fatal(err)
				}
				want := *v
				want.Codings, want.Mentions = nil, nil
				sameView(t, "LoadView(recordsOnly)", rv, &want)
				// A projection rebuilt from the graph replays to the same view.
				if err := s.RebuildProjection(); err != nil {
					t.Fatal(err)
				}
				bv, err := kg.LoadView(dir, false)
				if err != nil {
					t.Fatal(err)
				}
				sameView(t, "LoadView after RebuildProjection", bv, v)
				views = append(views, struct {
					name string
					v    *coding.View
				}{"LoadView", pv})
			}
			for _, vv := range views {
				t.Run(vv.name, func(t *testing.T) { checkQueries(t, vv.v, attrs) })
			}
		})
	}
}

// TestConformanceSubSecond writes the fixture with changes a millisecond
// apart, as a script or a fast researcher does, and checks that every
// backend reads the times back exactly and that the projection equals the
// View.
func TestConformanceSubSecond(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			s, dir := b.open(t)
			writeFixtureEvery(t, s, time.Millisecond)
			v, err := s.View()
			if err != nil {
				t.Fatal(err)
			}
			// cayley's quad.Time hashes its value at whole seconds (RFC
			// 3339 without fraction), so times written within one second
			// would read back as one; kg stores them with nanoseconds. Every
			// change, and every record created with its change, must read
			// back at its own millisecond.
			if len(v.Changes) != fixtureChanges {
				t.Fatalf("%d changes, want %d", len(v.Changes), fixtureChanges)
			}
			var wrong []string
			at := map[int64]bool{} // UnixNano
			for i, ch := range v.Changes {
				if want := base.Add(time.Duration(i+1) * time.Millisecond); !ch.At.Equal(want) {
					wrong = append(wrong, fmt.Sprintf("change %s at %s, want %s", ch.ID, ch.At.Format(time.RFC3339Nano), want.Format(time.RFC3339Nano)))
				}
				at[ch.At.UnixNano()] = true
			}
			created := func(kind, id string, c time.Time) {
				if !at[c.UnixNano()] {
					wrong = append(wrong, fmt.Sprintf("%s %s created %s, the time of no change", kind, id, c.Format(time.RFC3339Nano)))
				}
			}
			for _, c := range v.Codings {
				created("coding", c.ID, c.Created)
			}
			for _, m := range v.Mentions {
				created("mention", m.ID, m.Created)
			}
			for _, a := range v.Assertions {
				created("assertion", a.ID, a.Created)
			}
			for _, m := range v.Memos {
				created("memo", m.ID, m.Created)
			}
			for _, c := range v.Codes {
				created("code", c.ID, c.Created)
			}
			if len(wrong) > 0 {
				t.Errorf("times within a second collapse: %d wrong:\n%s", len(wrong), strings.Join(wrong, "\n"))
			}
			if dir != "" {
				pv, err := kg.LoadView(dir, false)
				if err != nil {
					t.Fatal(err)
				}
				sameView(t, "LoadView", pv, v)
			}
		})
	}
}

// docAttrsOf reads the documents' attributes back from the store.
func docAttrsOf(t *testing.T, s fixtureWriter) func(string) map[string]string {
	docs, err := s.Documents(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]map[string]string{}
	for _, d := range docs {
		m[d.ID] = map[string]string{}
		for k, a := range d.Attrs {
			m[d.ID][k] = a.Value
		}
	}
	if len(m) != 3 || m["dA"]["year"] != "2023" || m["dC"]["region"] != "Foshan" {
		t.Fatalf("document attributes read back: %v", m)
	}
	return func(doc string) map[string]string { return m[doc] }
}

// sameView fails unless got equals want, naming the first list that differs.
func sameView(t *testing.T, name string, got, want *coding.View) {
	t.Helper()
	if reflect.DeepEqual(got, want) {
		return
	}
	g, w := reflect.ValueOf(*got), reflect.ValueOf(*want)
	for i := 0; i < g.NumField(); i++ {
		if !reflect.DeepEqual(g.Field(i).Interface(), w.Field(i).Interface()) {
			gj, _ := json.MarshalIndent(g.Field(i).Interface(), "", " ")
			wj, _ := json.MarshalIndent(w.Field(i).Interface(), "", " ")
			t.Errorf("%s: %s differ from View():\n got %s\nwant %s", name, g.Type().Field(i).Name, gj, wj)
		}
	}
}

// ev is the expected evidence of an assertion: phrase found in doc.
func ev(assertion, doc, phrase string) coding.LinkEvidence {
	s := sp(doc, phrase)
	return coding.LinkEvidence{Assertion: assertion, Doc: doc, Start: s.Start, End: s.End, Text: phrase}
}

// The expected links, by name.
var (
	linkBureauChen = coding.Link{Subject: "bureau", SubjectType: "LocalGovernment", Relation: "funds", Object: "chen", ObjectType: "SpinoffFounder",
		Assertions: 2, Documents: 2, Coders: 2, Practices: []string{"ResourceMobilisation"},
		Evidence: []coding.LinkEvidence{ev("a01", "dA", "The Science Bureau gave us seed funding in 2020"), ev("a02", "dB", "The Science Bureau shall fund spin-off founders")}}
	linkAssocLin = coding.Link{Subject: "assoc", SubjectType: "IndustryAssociation", Relation: "certifies", Object: "lin", ObjectType: "ReturneeEntrepreneur",
		Assertions: 1, Documents: 1, Coders: 1, Practices: []string{"Certification"},
		Evidence: []coding.LinkEvidence{ev("a10", "dB", "The association shall certify members")}}
	linkChenAssoc = coding.Link{Subject: "chen", SubjectType: "SpinoffFounder", Relation: "lobbies", Object: "assoc", ObjectType: "IndustryAssociation",
		Assertions: 1, Documents: 2, Coders: 1, Practices: []string{"Lobbying"},
		Evidence: []coding.LinkEvidence{ev("a04", "dA", "I lobbied the industry association"), ev("a04", "dC", "Chen came to us about the committee")}}
	linkHalvorsenChen = coding.Link{Subject: "halvorsen", SubjectType: "GlobalLeadFirm", Relation: "sourcesFrom", Object: "chen", ObjectType: "SpinoffFounder",
		Assertions: 1, Documents: 1, Coders: 1, Practices: []string{},
		Evidence: []coding.LinkEvidence{ev("a08", "dA", "Halvorsen now buys our controllers")}}
	linkLabWu = coding.Link{Subject: "lab", SubjectType: "ResearchInstitute", Relation: "collaboratesWith", Object: "wu", ObjectType: "DiversifyingFirm",
		Assertions: 1, Documents: 1, Coders: 1, Practices: []string{},
		Evidence: []coding.LinkEvidence{ev("a11", "dC", "Our lab co-developed the heat sink with Jianfeng")}}
	linkLinHTC = coding.Link{Subject: "lin", SubjectType: "ReturneeEntrepreneur", Relation: "takesPosition", Object: "HighTechCertification", ObjectType: coding.ConceptType,
		Assertions: 1, Documents: 1, Coders: 1, Practices: []string{"Framing"},
		Evidence: []coding.LinkEvidence{ev("a07", "dA", "the high-tech certificate is a waste of money")}}
	linkParkChen = coding.Link{Subject: "park", SubjectType: "StartupPark", Relation: "supports", Object: "chen", ObjectType: "SpinoffFounder",
		Assertions: 1, Documents: 1, Coders: 1, Practices: []string{},
		Evidence: []coding.LinkEvidence{ev("a03", "dA", "The park gave us two years rent-free")}}
	linkTownLin = coding.Link{Subject: "town", SubjectType: "LocalGovernment", Relation: "funds", Object: "lin", ObjectType: "ReturneeEntrepreneur",
		Assertions: 1, Documents: 1, Coders: 1, Practices: []string{"ResourceMobilisation"},
		Evidence: []coding.LinkEvidence{ev("a06", "dB", "The town shall subsidise returnees")}}
	linkWuChen = coding.Link{Subject: "wu", SubjectType: "DiversifyingFirm", Relation: "supports", Object: "chen", ObjectType: "SpinoffFounder",
		Assertions: 1, Documents: 1, Coders: 1, Practices: []string{"CoalitionBuilding"},
		Evidence: []coding.LinkEvidence{ev("a05", "dC", "I spoke for Chen at the association")}}
)

// bureau funds chen as a filter that keeps one of its two assertions sees it.
var (
	linkBureauChenA01 = coding.Link{Subject: "bureau", SubjectType: "LocalGovernment", Relation: "funds", Object: "chen", ObjectType: "SpinoffFounder",
		Assertions: 1, Documents: 1, Coders: 1, Practices: []string{"ResourceMobilisation"},
		Evidence: []coding.LinkEvidence{ev("a01", "dA", "The Science Bureau gave us seed funding in 2020")}}
	linkBureauChenA02 = coding.Link{Subject: "bureau", SubjectType: "LocalGovernment", Relation: "funds", Object: "chen", ObjectType: "SpinoffFounder",
		Assertions: 1, Documents: 1, Coders: 1, Practices: []string{},
		Evidence: []coding.LinkEvidence{ev("a02", "dB", "The Science Bureau shall fund spin-off founders")}}
)

func checkQueries(t *testing.T, v *coding.View, docAttrs func(string) map[string]string) {
	cb, err := coding.NewCodebook(ontology.Builtin(), v.Codes)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("Records", func(t *testing.T) {
		if len(v.Changes) != fixtureChanges || len(v.Entities) != len(fixtureEntities) || len(v.Assertions) != len(fixtureAssertions) ||
			len(v.Codings) != 6 || len(v.Mentions) != 3 || len(v.Memos) != 2 || len(v.Codes) != 2 {
			t.Fatalf("view holds %d changes, %d entities, %d assertions, %d codings, %d mentions, %d memos, %d codes",
				len(v.Changes), len(v.Entities), len(v.Assertions), len(v.Codings), len(v.Mentions), len(v.Memos), len(v.Codes))
		}
		for i, ch := range v.Changes {
			if want := fmt.Sprintf("ch%02d", i+1); ch.ID != want || !ch.At.Equal(base.Add(time.Duration(i+1)*time.Minute)) {
				t.Errorf("change %d: %s at %v, want %s, oldest first", i, ch.ID, ch.At, want)
			}
		}
		a09, _ := coding.FindAssertion(v, "a09")
		if !a09.Retracted || a09.Reason != "wrong actor: the lab worked with Jianfeng's engineers" {
			t.Errorf("a09: retracted %v, reason %q", a09.Retracted, a09.Reason)
		}
		a07, _ := coding.FindAssertion(v, "a07")
		if a07.Polarity != coding.Negative || a07.Confidence != 0.8 || a07.Object != "class:HighTechCertification" {
			t.Errorf("a07 read back as %+v", a07)
		}
		if a06, _ := coding.FindAssertion(v, "a06"); a06.Suggested == nil || *a06.Suggested != (coding.Suggestion{Model: "cues1", Score: 0.85}) {
			t.Errorf("a06: suggested %+v, want cues1 0.85", a06.Suggested)
		}
		if a05, _ := coding.FindAssertion(v, "a05"); a05.Suggested != nil {
			t.Errorf("a05: suggested %+v, want nil (made by hand)", a05.Suggested)
		}
		if a11, _ := coding.FindAssertion(v, "a11"); a11.Memo != "co-development, confirmed by Wu" {
			t.Errorf("a11 memo %q", a11.Memo)
		}
		chen, err := coding.FindEntity(v, "chen")
		if err != nil || !reflect.DeepEqual(chen, fixtureEntities[0]) {
			t.Errorf("chen read back as %+v (%v)", chen, err)
		}
		for _, c := range v.Codes {
			if c.ID == "FamilyTies" && (!c.Promoted || c.Parent != "Mechanism") {
				t.Errorf("promoted code read back as %+v", c)
			}
		}
		if v.Memos[1].Text != "confirmed in\nthe focus group" || v.Memos[1].Target != "assertion:a04" {
			t.Errorf("memo read back as %+v", v.Memos[1])
		}
	})

	all := []coding.Link{linkBureauChen, linkAssocLin, linkChenAssoc, linkHalvorsenChen, linkLabWu, linkLinHTC, linkParkChen, linkTownLin, linkWuChen}
	linkTests := []struct {
		name string
		f    coding.LinkFilter
		want []coding.Link
	}{
		{"All", coding.LinkFilter{}, all},
		{"FromEntrepreneur", coding.LinkFilter{From: "Entrepreneur"}, []coding.Link{linkChenAssoc, linkLinHTC, linkWuChen}},
		{"FromLeaf", coding.LinkFilter{From: "LocalGovernment"}, []coding.Link{linkBureauChen, linkTownLin}},
		{"ToConcept", coding.LinkFilter{To: "Concept"}, []coding.Link{linkLinHTC}},
		{"ToConceptItself", coding.LinkFilter{To: "HighTechCertification"}, []coding.Link{linkLinHTC}},
		{"ToEntrepreneur", coding.LinkFilter{To: "Entrepreneur"},
			[]coding.Link{linkBureauChen, linkAssocLin, linkHalvorsenChen, linkLabWu, linkParkChen, linkTownLin, linkWuChen}},
		{"Relation", coding.LinkFilter{Relation: "funds"}, []coding.Link{linkBureauChen, linkTownLin}},
		{"RetractedNotCounted", coding.LinkFilter{Relation: "collaboratesWith"}, []coding.Link{linkLabWu}},
		{"PracticeWithSubclasses", coding.LinkFilter{Practice: "LegitimationPractice"},
			[]coding.Link{linkAssocLin, linkBureauChenA01, linkChenAssoc, linkLinHTC, linkTownLin, linkWuChen}},
		{"PracticeLeaf", coding.LinkFilter{Practice: "Lobbying"}, []coding.Link{linkChenAssoc}},
		{"Phase", coding.LinkFilter{Phase: "Restructuring"}, []coding.Link{linkBureauChenA01, linkChenAssoc}},
		{"AttrAnyEvidenceDoc", coding.LinkFilter{Attrs: map[string]string{"region": "Foshan"}}, []coding.Link{linkChenAssoc, linkLabWu, linkWuChen}},
		{"AttrYear", coding.LinkFilter{Attrs: map[string]string{"year": "2021"}}, []coding.Link{linkAssocLin, linkBureauChenA02, linkTownLin}},
		{"AttrsAllInOneDoc", coding.LinkFilter{Attrs: map[string]string{"region": "Jinlan", "year": "2023"}},
			[]coding.Link{linkBureauChenA01, linkChenAssoc, linkHalvorsenChen, linkLinHTC, linkParkChen}},
		{"AttrNoDoc", coding.LinkFilter{Attrs: map[string]string{"region": "Nowhere"}}, []coding.Link{}},
		{"Coder", coding.LinkFilter{Coder: "bob"}, []coding.Link{linkBureauChenA02, linkTownLin, linkWuChen}},
		{"Combined", coding.LinkFilter{Relation: "funds", Coder: "alice"}, []coding.Link{linkBureauChenA01}},
	}
	for _, tc := range linkTests {
		t.Run("Links/"+tc.name, func(t *testing.T) {
			got := coding.Links(v, cb, tc.f, docAttrs, quote)
			if !reflect.DeepEqual(got, tc.want) {
				gj, _ := json.MarshalIndent(got, "", " ")
				wj, _ := json.MarshalIndent(tc.want, "", " ")
				t.Errorf("got %s\nwant %s", gj, wj)
			}
		})
	}

	n := func(entity, typ string, d int, via, rel, dir string, ids ...string) coding.Neighbor {
		return coding.Neighbor{Entity: entity, Type: typ, Distance: d, Via: via, Relation: rel, Direction: dir, Assertions: ids}
	}
	chen1 := []coding.Neighbor{
		n("assoc", "IndustryAssociation", 1, "chen", "lobbies", coding.DirOut, "a04"),
		n("bureau", "LocalGovernment", 1, "chen", "funds", coding.DirIn, "a01", "a02"),
		n("halvorsen", "GlobalLeadFirm", 1, "chen", "sourcesFrom", coding.DirIn, "a08"),
		n("park", "StartupPark", 1, "chen", "supports", coding.DirIn, "a03"),
		n("wu", "DiversifyingFirm", 1, "chen", "supports", coding.DirIn, "a05"),
	}
	chen2 := append(chen1[:len(chen1):len(chen1)],
		n("lab", "ResearchInstitute", 2, "wu", "collaboratesWith", coding.DirIn, "a11"),
		n("lin", "ReturneeEntrepreneur", 2, "assoc", "certifies", coding.DirOut, "a10"),
	)
	chen3 := append(chen2[:len(chen2):len(chen2)],
		n("HighTechCertification", coding.ConceptType, 3, "lin", "takesPosition", coding.DirOut, "a07"),
		n("town", "LocalGovernment", 3, "lin", "funds", coding.DirIn, "a06"),
	)
	neighborTests := []struct {
		name   string
		entity string
		depth  int
		want   []coding.Neighbor
	}{
		{"Depth1", "chen", 1, chen1},
		{"Depth2", "chen", 2, chen2},
		{"Depth3ReachesConcept", "chen", 3, chen3},
		{"Depth9", "chen", 9, chen3}, // a concept is not walked through
		{"Concept", "lin", 1, []coding.Neighbor{
			n("HighTechCertification", coding.ConceptType, 1, "lin", "takesPosition", coding.DirOut, "a07"),
			n("assoc", "IndustryAssociation", 1, "lin", "certifies", coding.DirIn, "a10"),
			n("town", "LocalGovernment", 1, "lin", "funds", coding.DirIn, "a06"),
		}},
		{"RetractedNotAnEdge", "lab", 1, []coding.Neighbor{n("wu", "DiversifyingFirm", 1, "lab", "collaboratesWith", coding.DirOut, "a11")}},
		{"Isolated", "fund", 2, []coding.Neighbor{}},
	}
	for _, tc := range neighborTests {
		t.Run("Neighbors/"+tc.name, func(t *testing.T) {
			got, err := coding.Neighbors(v, tc.entity, tc.depth)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
	t.Run("Neighbors/ErrUnknownEntity", func(t *testing.T) {
		_, err := coding.Neighbors(v, "chne", 1)
		var ue *coding.UnknownError
		if !errors.Is(err, coding.ErrUnknownEntity) || !errors.As(err, &ue) || len(ue.Nearest) == 0 || ue.Nearest[0] != "chen" {
			t.Fatalf("err %v, want ErrUnknownEntity suggesting chen", err)
		}
	})

	step := func(from, to, rel, dir string, ids ...string) coding.Step {
		return coding.Step{From: from, To: to, Relation: rel, Direction: dir, Assertions: ids}
	}
	pathTests := []struct {
		name     string
		from, to string
		want     []coding.Step
		err      error
	}{
		{"TwoSteps", "chen", "lin", []coding.Step{step("chen", "assoc", "lobbies", coding.DirOut, "a04"), step("assoc", "lin", "certifies", coding.DirOut, "a10")}, nil},
		{"Backwards", "lin", "chen", []coding.Step{step("lin", "assoc", "certifies", coding.DirIn, "a10"), step("assoc", "chen", "lobbies", coding.DirIn, "a04")}, nil},
		{"ThreeSteps", "lab", "bureau", []coding.Step{
			step("lab", "wu", "collaboratesWith", coding.DirOut, "a11"),
			step("wu", "chen", "supports", coding.DirOut, "a05"),
			step("chen", "bureau", "funds", coding.DirIn, "a01", "a02")}, nil},
		{"Itself", "chen", "chen", []coding.Step{}, nil},
		{"ErrNoPath", "chen", "fund", nil, coding.ErrNoPath},
		{"ErrUnknownEntity", "chen", "nobody", nil, coding.ErrUnknownEntity},
	}
	for _, tc := range pathTests {
		t.Run("Path/"+tc.name, func(t *testing.T) {
			got, err := coding.ShortestPath(v, tc.from, tc.to)
			if !errors.Is(err, tc.err) || (tc.err == nil) != (err == nil) {
				t.Fatalf("err %v, want %v", err, tc.err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}

	assertionTests := []struct {
		name string
		f    coding.AssertionFilter
		want []string // ids; retracted ones marked "-"
	}{
		{"All", coding.AssertionFilter{}, []string{"a01", "a02", "a03", "a04", "a05", "a06", "a07", "a08", "-a09", "a10", "a11"}},
		{"EntitySubjectOrObject", coding.AssertionFilter{Entity: "wu"}, []string{"a05", "-a09", "a11"}},
		{"Entity", coding.AssertionFilter{Entity: "lin"}, []string{"a06", "a07", "a10"}},
		{"Relation", coding.AssertionFilter{Relation: "collaboratesWith"}, []string{"-a09", "a11"}},
		{"Both", coding.AssertionFilter{Entity: "chen", Relation: "funds"}, []string{"a01", "a02"}},
		{"Concept", coding.AssertionFilter{Entity: "class:HighTechCertification"}, []string{"a07"}},
		{"None", coding.AssertionFilter{Entity: "fund"}, []string{}},
	}
	for _, tc := range assertionTests {
		t.Run("Assertions/"+tc.name, func(t *testing.T) {
			got := []string{}
			for _, a := range coding.FilterAssertions(v, tc.f) {
				id := a.ID
				if a.Retracted {
					id = "-" + id
				}
				got = append(got, id)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}

	codingTests := []struct {
		code string
		want []string
	}{
		{"Entrepreneur", []string{"k1", "k3", "k4"}}, // k3 recoded to SpinoffFounder
		{"SpinoffFounder", []string{"k1", "k3"}},
		{"Actor", []string{"k1", "k2", "k3", "k4"}},
		{"DiversifyingFirm", []string{}}, // k5 uncoded
		{"Emergent", []string{"k6"}},
		{"Practice", []string{"k7"}},
	}
	for _, tc := range codingTests {
		t.Run("CodingsUnder/"+tc.code, func(t *testing.T) {
			got := []string{}
			for _, c := range coding.CodingsUnder(v, cb, tc.code) {
				got = append(got, c.ID)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	t.Run("CodingRecords", func(t *testing.T) {
		for _, c := range v.Codings {
			if c.ID == "k2" && (c.Memo != "the funder\tof record" || quote(c.Span) != "The Science Bureau") {
				t.Errorf("k2 read back as %+v", c)
			}
		}
	})

	t.Run("Entities", func(t *testing.T) {
		got := []string{}
		for _, e := range coding.EntitiesOf(v, cb, "Entrepreneur") {
			got = append(got, e.ID)
		}
		if want := []string{"chen", "lin", "wu"}; !reflect.DeepEqual(got, want) {
			t.Errorf("EntitiesOf(Entrepreneur) = %v, want %v", got, want)
		}
		got = got[:0]
		for _, m := range coding.MentionsOf(v, "chen") {
			got = append(got, m.ID+"="+quote(m.Span))
		}
		if want := []string{"m1=Chen", "m2=Chen"}; !reflect.DeepEqual(got, want) {
			t.Errorf("MentionsOf(chen) = %v, want %v", got, want)
		}
	})
}

// TestConformanceGizmo runs Gizmo queries over the fixture's codings on
// every backend and checks their exact answers. The graph keeps history:
// k5 is uncoded and k3 recoded, yet both stay Coding nodes with their first
// code; the uncode and the recode are nodes and properties of their own.
func TestConformanceGizmo(t *testing.T) {
	starts := func(doc string, phrases ...string) string {
		var s []string
		for _, p := range phrases {
			s = append(s, fmt.Sprint(sp(doc, p).Start))
		}
		return "[" + strings.Join(s, ",") + "]"
	}
	tests := []struct {
		name, script string
		want         []string // each result as JSON, in any order
	}{
		{"Codings", `g.V().Has("<rdf:type>", "<qg:Coding>").Count()`, []string{`7`}},
		{"CodingsOfCode", `g.V().Has("<rdf:type>", "<qg:Coding>").Has("<qg:code>", "<qg:class/SpinoffFounder>").Count()`, []string{`1`}},
		{"CodingsOfCodeIDs", `g.V().Has("<qg:code>", "<qg:class/ReturneeEntrepreneur>").All()`, []string{`{"id":"<qg:coding/k4>"}`}},
		{"CodingsOfDocument", `g.V("<qg:doc/dA>").In("<qg:document>").Has("<rdf:type>", "<qg:Coding>").Count()`, []string{`3`}},
		{"CodingsByCoder", `g.V().Has("<rdf:type>", "<qg:Coding>").Has("<qg:coder>", "alice").Count()`, []string{`4`}},
		{"CodingsByOtherCoder", `g.V().Has("<rdf:type>", "<qg:Coding>").Has("<qg:coder>", "bob").Count()`, []string{`3`}},
		{"StartsOfDocument", `g.Emit(g.V("<qg:doc/dA>").In("<qg:document>").Has("<rdf:type>", "<qg:Coding>").Out("<qg:start>").ToArray().sort(function(a, b) { return a - b }))`,
			[]string{starts("dA", "Chen", "The Science Bureau", "lobbied")}},
		{"Span", `g.V("<qg:coding/k7>").Out(["<qg:start>", "<qg:end>"], "p").All()`,
			[]string{fmt.Sprintf(`{"id":%d,"p":"<qg:start>"}`, sp("dA", "lobbied").Start), fmt.Sprintf(`{"id":%d,"p":"<qg:end>"}`, sp("dA", "lobbied").End)}},
		{"Memo", `g.V("<qg:coding/k2>").Out("<qg:memo>").ToValue()`, []string{`"the funder\tof record"`}},
		{"Current", `g.V().Has("<rdf:type>", "<qg:Coding>").Except(g.V().Has("<qg:uncoded>")).Count()`, []string{`6`}},
		{"Uncoded", `g.V().Has("<qg:uncoded>").All()`, []string{`{"id":"<qg:coding/k5>"}`}},
		{"UncodedBy", `g.V("<qg:coding/k5>").Out("<qg:uncoded>").Out("<qg:by>").ToValue()`, []string{`"bob"`}},
		{"Recode", `g.V().Has("<rdf:type>", "<qg:Recode>").Has("<qg:coding>", "<qg:coding/k3>").Out("<qg:code>").All()`,
			[]string{`{"id":"<qg:class/SpinoffFounder>"}`}},
		{"MentionsOfEntity", `g.V("<qg:entity/chen>").In("<qg:entity>").Has("<rdf:type>", "<qg:Mention>").Count()`, []string{`2`}},
		{"MentionDocuments", `g.V("<qg:entity/assoc>").In("<qg:entity>").Out("<qg:document>").All()`, []string{`{"id":"<qg:doc/dA>"}`}},
		{"EvidenceOfAssertion", `g.V("<qg:assertion/a04>").In("<qg:assertion>").Has("<qg:index>", 1).Out("<qg:document>").All()`,
			[]string{`{"id":"<qg:doc/dC>"}`}},
		{"AssertionsWithEvidenceIn", `g.V("<qg:doc/dB>").In("<qg:document>").Has("<rdf:type>", "<qg:Evidence>").Out("<qg:assertion>").Count()`,
			[]string{`3`}},
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			s, _ := b.open(t)
			writeFixture(t, s)
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					res, err := s.Query(context.Background(), tc.script, 0)
					if err != nil {
						t.Fatal(err)
					}
					got := make([]string, len(res))
					for i, r := range res {
						var sb strings.Builder
						enc := json.NewEncoder(&sb)
						enc.SetEscapeHTML(false)
						if err := enc.Encode(r); err != nil {
							t.Fatal(err)
						}
						got[i] = strings.TrimSpace(sb.String())
					}
					want := append([]string(nil), tc.want...)
					sort.Strings(got)
					sort.Strings(want)
					if !reflect.DeepEqual(got, want) {
						t.Errorf("got  %q\nwant %q", got, want)
					}
				})
			}
		})
	}
}

// TestConformanceLegacy writes the fixture in the vocabulary of older
// versions (one record literal per coding, evidence as literals) and checks
// that View reads it as it reads the fixture written now, that the
// projection rebuilt from it replays to the same view, and that every
// query gives its answer over it.
func TestConformanceLegacy(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			s, dir := b.open(t)
			writeFixture(t, s)
			want, err := s.View()
			if err != nil {
				t.Fatal(err)
			}
			old, oldDir := b.open(t)
			writeFixture(t, kg.LegacyWriter{Store: old})
			// The graph is in the old vocabulary: no coding, mention or
			// evidence node, but record and evidence literals.
			for script, n := range map[string]string{
				`g.V().Has("<rdf:type>", "<qg:Coding>").Count()`:   `0`,
				`g.V().Has("<rdf:type>", "<qg:Mention>").Count()`:  `0`,
				`g.V().Has("<rdf:type>", "<qg:Evidence>").Count()`: `0`,
				`g.V().Out("<qg:record>").Count()`:                 `10`,
				`g.V().Out("<qg:evidence>").Count()`:               `12`,
			} {
				res, err := old.Query(context.Background(), script, 0)
				if err != nil {
					t.Fatal(err)
				}
				if got := fmt.Sprint(res...); len(res) != 1 || got != n {
					t.Errorf("%s: %v, want %s", script, res, n)
				}
			}
			got, err := old.View()
			if err != nil {
				t.Fatal(err)
			}
			sameView(t, "View of the old vocabulary", got, want)
			if oldDir != "" && dir != "" {
				if err := old.RebuildProjection(); err != nil {
					t.Fatal(err)
				}
				pv, err := kg.LoadView(oldDir, false)
				if err != nil {
					t.Fatal(err)
				}
				sameView(t, "LoadView after RebuildProjection of the old vocabulary", pv, want)
			}
			checkQueries(t, got, docAttrsOf(t, old))

			// Writes of this version on top of the old vocabulary: k3 was
			// recoded the old way, now again; k1 is uncoded.
			k1, k3 := got.Codings[0], got.Codings[2]
			if k1.ID != "k1" || k3.ID != "k3" {
				t.Fatalf("codings in order %s, %s", k1.ID, k3.ID)
			}
			later := base.Add(time.Hour)
			if err := old.Recode(coding.Change{ID: "ch-mixed1", By: "carol", At: later, Op: "recode"}, k3, "Actor"); err != nil {
				t.Fatal(err)
			}
			if err := old.Uncode(coding.Change{ID: "ch-mixed2", By: "carol", At: later, Op: "uncode"}, []coding.Coding{k1}); err != nil {
				t.Fatal(err)
			}
			mixed, err := old.View()
			if err != nil {
				t.Fatal(err)
			}
			codes := map[string]string{}
			for _, c := range mixed.Codings {
				codes[c.ID] = c.Code
			}
			if _, ok := codes["k1"]; ok || codes["k3"] != "Actor" || len(codes) != len(want.Codings)-1 {
				t.Errorf("after new writes on the old vocabulary: codes %v", codes)
			}
		})
	}
}
