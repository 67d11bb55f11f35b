package coding_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/ontology"
)

// The exact answers of the queries over a store's View are checked by the
// conformance suite in package kg (kg/conformance_test.go), which runs them
// against every backend. These tests cover what does not need a store.

func builtinCodebook(t testing.TB) *coding.Codebook {
	cb, err := coding.NewCodebook(ontology.Builtin(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return cb
}

func TestLinkFilterCheck(t *testing.T) {
	cb := builtinCodebook(t)
	tests := []struct {
		name string
		f    coding.LinkFilter
		err  error
	}{
		{"OK", coding.LinkFilter{From: "Entrepreneur", To: "Concept", Relation: "lobbies", Practice: "Lobbying", Phase: "LockIn"}, nil},
		{"OKRoots", coding.LinkFilter{Practice: "Practice", Phase: "ClusterPhase"}, nil},
		{"ErrUnknownCode", coding.LinkFilter{From: "Entrepeneur"}, coding.ErrUnknownCode},
		{"ErrUnknownRelation", coding.LinkFilter{Relation: "lobbis"}, coding.ErrUnknownRelation},
		{"ErrNotPractice", coding.LinkFilter{Practice: "LocalGovernment"}, coding.ErrNotPractice},
		{"ErrNotPhase", coding.LinkFilter{Phase: "Lobbying"}, coding.ErrNotPhase},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.f.Check(cb)
			if !errors.Is(err, tc.err) || (err == nil) != (tc.err == nil) {
				t.Fatalf("err %v, want %v", err, tc.err)
			}
		})
	}
	var ue *coding.UnknownError
	if err := (coding.LinkFilter{Relation: "lobbis"}).Check(cb); !errors.As(err, &ue) || len(ue.Nearest) == 0 || ue.Nearest[0] != "lobbies" {
		t.Errorf("unknown relation: %v, want a suggestion of lobbies", err)
	}
}

func TestFindAssertion(t *testing.T) {
	v := &coding.View{Assertions: []coding.Assertion{
		{ID: "3f2a9c10-0000-4000-8000-000000000001"},
		{ID: "3f2a9c10-0000-4000-8000-000000000002"},
		{ID: "7b00e1aa-0000-4000-8000-000000000003"},
	}}
	tests := []struct {
		name, ref, want string
		err             error
	}{
		{"Exact", "3f2a9c10-0000-4000-8000-000000000002", "3f2a9c10-0000-4000-8000-000000000002", nil},
		{"Prefix", "7b00", "7b00e1aa-0000-4000-8000-000000000003", nil},
		{"ErrUnknownAssertion", "9999", "", coding.ErrUnknownAssertion},
		{"ShortPrefixNotAccepted", "7b0", "", coding.ErrUnknownAssertion},
		{"Ambiguous", "3f2a9c10", "", errors.New("")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := coding.FindAssertion(v, tc.ref)
			if (err == nil) != (tc.err == nil) || tc.err != nil && tc.err.Error() != "" && !errors.Is(err, tc.err) {
				t.Fatalf("err %v, want %v", err, tc.err)
			}
			if a.ID != tc.want {
				t.Errorf("found %q, want %q", a.ID, tc.want)
			}
		})
	}
}

func TestNearestEntities(t *testing.T) {
	v := &coding.View{Entities: []coding.Entity{
		{ID: "chen", Name: "Chen Hao", Aliases: []string{"陈浩"}},
		{ID: "lin", Name: "Lin Yue"},
		{ID: "science-bureau", Name: "Science Bureau"},
	}}
	tests := []struct {
		q    string
		want []string
	}{
		{"chne", []string{"chen"}},
		{"Chen", []string{"chen"}},
		{"陈浩", []string{"chen"}},
		{"bureau", []string{"science-bureau"}},
		{"lni", []string{"lin"}},
		{"zzzzzz", nil},
	}
	for _, tc := range tests {
		t.Run(tc.q, func(t *testing.T) {
			if got := coding.NearestEntities(v, tc.q, 3); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestLinksWithoutCodebook(t *testing.T) {
	v := &coding.View{
		Entities: []coding.Entity{{ID: "a", Type: "LocalGovernment"}, {ID: "b", Type: "SpinoffFounder"}},
		Assertions: []coding.Assertion{
			{ID: "1", Subject: "a", Relation: "funds", Object: "b", Coder: "x", Evidence: []coding.Span{{Doc: "d", Start: 0, End: 1}}},
			{ID: "2", Subject: "b", Relation: "takesPosition", Object: "class:LandPolicy", Coder: "x", Evidence: []coding.Span{{Doc: "d", Start: 1, End: 2}}},
		},
	}
	// Without a codebook classes match exactly, and a nil quote leaves the
	// text empty.
	got := coding.Links(v, nil, coding.LinkFilter{From: "SpinoffFounder"}, nil, nil)
	want := []coding.Link{{Subject: "b", SubjectType: "SpinoffFounder", Relation: "takesPosition", Object: "LandPolicy", ObjectType: coding.ConceptType,
		Assertions: 1, Documents: 1, Coders: 1, Practices: []string{}, Evidence: []coding.LinkEvidence{{Assertion: "2", Doc: "d", Start: 1, End: 2}}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	if got := coding.Links(v, nil, coding.LinkFilter{From: "Actor"}, nil, nil); len(got) != 0 {
		t.Errorf("From: Actor without a codebook matched %d links", len(got))
	}
	// An attribute filter without attributes keeps nothing.
	if got := coding.Links(v, nil, coding.LinkFilter{Attrs: map[string]string{"year": "2023"}}, nil, nil); len(got) != 0 {
		t.Errorf("attribute filter without document attributes kept %d links", len(got))
	}
}

// benchView generates a View of n assertions among m entities, the same
// for every run: Actor-to-Actor relations, a tenth of them positions on
// concepts, a practice on most, one or two evidence spans in 200
// documents, and one in twenty retracted.
func benchView(m, n int) *coding.View {
	r := rand.New(rand.NewPCG(1, 2))
	types := []string{"SpinoffFounder", "ReturneeEntrepreneur", "DiversifyingFirm", "LocalGovernment", "IndustryAssociation", "StartupPark", "GlobalLeadFirm", "ResearchInstitute"}
	rels := []string{"supports", "collaboratesWith", "learnsFrom", "competesWith", "legitimizes", "resists"}
	practices := []string{"", "Framing", "Lobbying", "Certification", "Demonstration", "CoalitionBuilding", "ResourceMobilisation"}
	concepts := []string{"HighTechCertification", "IndustrialUpgrading", "TalentSubsidy", "LandPolicy"}
	v := &coding.View{}
	for i := range m {
		v.Entities = append(v.Entities, coding.Entity{ID: fmt.Sprintf("e%03d", i), Type: types[i%len(types)]})
	}
	at := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		a := coding.Assertion{
			ID:      fmt.Sprintf("a%05d", i),
			Subject: v.Entities[r.IntN(m)].ID, Relation: rels[r.IntN(len(rels))], Object: v.Entities[r.IntN(m)].ID,
			Practice: practices[r.IntN(len(practices))], Polarity: coding.Positive, Confidence: 1,
			Coder: []string{"alice", "bob", "chen"}[r.IntN(3)], Created: at.Add(time.Duration(i) * time.Second),
			Retracted: r.IntN(20) == 0,
		}
		if r.IntN(10) == 0 {
			a.Relation, a.Object = "takesPosition", "class:"+concepts[r.IntN(len(concepts))]
		}
		for range 1 + r.IntN(2) {
			s := r.IntN(10000)
			a.Evidence = append(a.Evidence, coding.Span{Doc: fmt.Sprintf("d%03d", r.IntN(200)), Start: s, End: s + 40 + r.IntN(200)})
		}
		v.Assertions = append(v.Assertions, a)
	}
	return v
}

func BenchmarkLinks(b *testing.B) {
	v := benchView(500, 20000)
	cb := builtinCodebook(b)
	attrs := map[string]map[string]string{}
	for i := range 200 {
		attrs[fmt.Sprintf("d%03d", i)] = map[string]string{"year": fmt.Sprint(2015 + i%10)}
	}
	docAttrs := func(d string) map[string]string { return attrs[d] }
	quote := func(s coding.Span) string { return "quoted text" }
	for _, bc := range []struct {
		name string
		f    coding.LinkFilter
	}{
		{"All", coding.LinkFilter{}},
		{"FromEntrepreneurPractice", coding.LinkFilter{From: "Entrepreneur", Practice: "LegitimationPractice"}},
		{"Attr", coding.LinkFilter{Attrs: map[string]string{"year": "2023"}}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var n int
			for b.Loop() {
				n = len(coding.Links(v, cb, bc.f, docAttrs, quote))
			}
			b.ReportMetric(float64(n), "links")
		})
	}
}

func BenchmarkNeighbors(b *testing.B) {
	v := benchView(500, 20000)
	for _, depth := range []int{1, 2} {
		b.Run(fmt.Sprintf("Depth%d", depth), func(b *testing.B) {
			var n int
			for b.Loop() {
				ns, err := coding.Neighbors(v, "e007", depth)
				if err != nil {
					b.Fatal(err)
				}
				n = len(ns)
			}
			b.ReportMetric(float64(n), "edges")
		})
	}
}

func BenchmarkShortestPath(b *testing.B) {
	v := benchView(500, 20000)
	for b.Loop() {
		if _, err := coding.ShortestPath(v, "e007", "e499"); err != nil {
			b.Fatal(err)
		}
	}
}

// encodingJSON is what encoding/json writes for v as the command line
// sets it up: no HTML escaping, no trailing newline.
func encodingJSON(t testing.TB, v any) string {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// jsonStrings are strings whose encoding has a catch.
var jsonStrings = []string{
	"", "plain", "e0001", "class:X",
	`quote " and backslash \`, "<html> & 'apostrophe'",
	"tab\tnewline\ncarriage\rbackspace\bform\ffeed", "\x00\x01\x1f\x7f",
	"陈浩说：协会要成立专委会。", "mixed 中文 and English, 𝄞 and é",
	"line\u2028and\u2029paragraph separators", "\xe2\x80", "\xe2\x80\xa8\xe2",
	"invalid \xff\xfe bytes", "\xc3", "ok\xc3(", "\xed\xa0\x80 surrogate", "\xf4\x90\x80\x80 too large",
	"dash — “quotes” … ‰ and U+2027\u2027", "\xe1\x80", "\xe1\x80a", "\xef\xbf\xbf\xed\x9f\xbf\xe0\xa0\x80\xe0\x80\x80",
	"\xe2\x80\xa8", "\xe2\x80\xa9\xe2\x80\xaa", "中\xe4\xb8", "\xf0\x9f\x98\x80 emoji",
}

func TestAppendJSON(t *testing.T) {
	for i, s := range jsonStrings {
		t.Run(fmt.Sprintf("String%d", i), func(t *testing.T) {
			l := coding.Link{Subject: s, SubjectType: s + "x", Relation: s, Object: s, ObjectType: s, Assertions: i, Documents: -i, Coders: 1 << 40,
				Practices: []string{s, "b"}, Evidence: []coding.LinkEvidence{{Assertion: s, Doc: s, Start: i, End: -1, Text: s}, {}}}
			if got, want := string(l.AppendJSON(nil)), encodingJSON(t, l); got != want {
				t.Errorf("Link:\ngot  %s\nwant %s", got, want)
			}
			n := coding.Neighbor{Entity: s, Type: s, Distance: i, Via: s, Relation: s, Direction: s, Assertions: []string{s, s}}
			if got, want := string(n.AppendJSON([]byte("prefix"))), "prefix"+encodingJSON(t, n); got != want {
				t.Errorf("Neighbor:\ngot  %s\nwant %s", got, want)
			}
		})
	}
	t.Run("NilAndEmpty", func(t *testing.T) {
		for _, l := range []coding.Link{{}, {Practices: []string{}, Evidence: []coding.LinkEvidence{}}} {
			if got, want := string(l.AppendJSON(nil)), encodingJSON(t, l); got != want {
				t.Errorf("Link:\ngot  %s\nwant %s", got, want)
			}
		}
		for _, n := range []coding.Neighbor{{}, {Assertions: []string{}}} {
			if got, want := string(n.AppendJSON(nil)), encodingJSON(t, n); got != want {
				t.Errorf("Neighbor:\ngot  %s\nwant %s", got, want)
			}
		}
	})
	t.Run("Links", func(t *testing.T) {
		// The links of a whole view, quoted.
		v := benchView(60, 2000)
		links := coding.Links(v, builtinCodebook(t), coding.LinkFilter{}, nil, func(s coding.Span) string { return jsonStrings[s.Start%len(jsonStrings)] })
		for i := range links {
			if got, want := string(links[i].AppendJSON(nil)), encodingJSON(t, links[i]); got != want {
				t.Fatalf("link %d:\ngot  %s\nwant %s", i, got, want)
			}
		}
	})
}

// FuzzAppendJSON checks Link.AppendJSON against encoding/json.
func FuzzAppendJSON(f *testing.F) {
	for _, s := range jsonStrings {
		f.Add(s, 3)
	}
	f.Fuzz(func(t *testing.T, s string, n int) {
		l := coding.Link{Subject: s, Relation: s[:len(s)/2], Assertions: n, Practices: []string{s},
			Evidence: []coding.LinkEvidence{{Text: s, Start: n}}}
		if got, want := string(l.AppendJSON(nil)), encodingJSON(t, l); got != want {
			t.Fatalf("got  %s\nwant %s", got, want)
		}
	})
}

// referenceLinks is Links written as plainly as can be: the reference
// that the fast Links is held to.
func referenceLinks(v *coding.View, cb *coding.Codebook, f coding.LinkFilter, quote func(coding.Span) string) []coding.Link {
	types := map[string]string{}
	for _, e := range v.Entities {
		types[e.ID] = e.Type
	}
	isA := func(c, a string) bool { return cb.IsA(c, a) }
	type key struct{ s, r, o string }
	byKey := map[key]*coding.Link{}
	docs := map[key]map[string]bool{}
	coders := map[key]map[string]bool{}
	var order []key
	for _, a := range v.Assertions {
		object, ot := a.Object, types[a.Object]
		if c, ok := coding.IsConcept(a.Object); ok {
			object, ot = c, coding.ConceptType
		}
		oclass := ot
		if ot == coding.ConceptType {
			oclass = object
		}
		if a.Retracted || f.Relation != "" && a.Relation != f.Relation || f.Coder != "" && a.Coder != f.Coder ||
			f.From != "" && !isA(types[a.Subject], f.From) || f.To != "" && !isA(oclass, f.To) ||
			f.Practice != "" && (a.Practice == "" || !isA(a.Practice, f.Practice)) ||
			f.Phase != "" && (a.Phase == "" || !isA(a.Phase, f.Phase)) {
			continue
		}
		k := key{a.Subject, a.Relation, object}
		l := byKey[k]
		if l == nil {
			l = &coding.Link{Subject: a.Subject, SubjectType: types[a.Subject], Relation: a.Relation, Object: object, ObjectType: ot,
				Practices: []string{}, Evidence: []coding.LinkEvidence{}}
			byKey[k], docs[k], coders[k] = l, map[string]bool{}, map[string]bool{}
			order = append(order, k)
		}
		l.Assertions++
		coders[k][a.Coder] = true
		if a.Practice != "" && !slices.Contains(l.Practices, a.Practice) {
			l.Practices = append(l.Practices, a.Practice)
		}
		for _, e := range a.Evidence {
			docs[k][e.Doc] = true
			l.Evidence = append(l.Evidence, coding.LinkEvidence{Assertion: a.ID, Doc: e.Doc, Start: e.Start, End: e.End, Text: quote(e)})
		}
	}
	out := []coding.Link{}
	for _, k := range order {
		l := byKey[k]
		l.Documents, l.Coders = len(docs[k]), len(coders[k])
		slices.Sort(l.Practices)
		out = append(out, *l)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Assertions != b.Assertions {
			return a.Assertions > b.Assertions
		}
		if a.Subject != b.Subject {
			return a.Subject < b.Subject
		}
		if a.Relation != b.Relation {
			return a.Relation < b.Relation
		}
		return a.Object < b.Object
	})
	return out
}

func TestLinksAgainstReference(t *testing.T) {
	cb := builtinCodebook(t)
	quote := func(s coding.Span) string { return fmt.Sprintf("%s@%d", s.Doc, s.Start) }
	views := map[string]*coding.View{
		"Sparse":     benchView(500, 3000),
		"Dense":      benchView(8, 3000), // many assertions per link
		"Empty":      {},
		"OneConcept": benchView(3, 40),
	}
	// An entity whose id is also a concept's: its links and the concept's
	// are one, as they always were.
	clash := benchView(10, 200)
	clash.Entities = append(clash.Entities, coding.Entity{ID: "LandPolicy", Type: "LocalGovernment"})
	clash.Assertions = append(clash.Assertions,
		coding.Assertion{ID: "z1", Subject: "e001", Relation: "takesPosition", Object: "LandPolicy", Coder: "x", Evidence: []coding.Span{{Doc: "d", End: 1}}},
		coding.Assertion{ID: "z2", Subject: "e001", Relation: "takesPosition", Object: "class:LandPolicy", Coder: "y"})
	views["Clash"] = clash
	filters := map[string]coding.LinkFilter{
		"All":      {},
		"From":     {From: "Entrepreneur"},
		"To":       {To: "Concept"},
		"ToActor":  {To: "LocalGovernment"},
		"Relation": {Relation: "supports"},
		"Practice": {Practice: "LegitimationPractice"},
		"Coder":    {Coder: "bob"},
		"Combined": {From: "Actor", Practice: "Lobbying", Coder: "alice"},
	}
	for vn, v := range views {
		for fn, f := range filters {
			t.Run(vn+"/"+fn, func(t *testing.T) {
				got := coding.Links(v, cb, f, nil, quote)
				want := referenceLinks(v, cb, f, quote)
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("%d links, want %d; first difference:\n%s", len(got), len(want), firstDiff(got, want))
				}
			})
		}
	}
}

func firstDiff(got, want []coding.Link) string {
	for i := range min(len(got), len(want)) {
		if !reflect.DeepEqual(got[i], want[i]) {
			return fmt.Sprintf("link %d:\ngot  %+v\nwant %+v", i, got[i], want[i])
		}
	}
	return "one is a prefix of the other"
}

// BenchmarkLinksJSON encodes the links of the large project, with quotes
// of 80 characters half English, half Chinese, as links --json does.
func BenchmarkLinksJSON(b *testing.B) {
	v := benchView(500, 20000)
	en := "Clustered became prices we y the town said. Interviewer: and the association?"
	zh := "访谈者：您怎么看？受访者林：镇政府给了我们八十万元人才补贴，分三年发放。后来协会发布了团体标准。就县里，说需求检查纺织找的我们的是代工事情价格。"
	mixed := string([]rune(zh)[:40]) + "\n" + en[:39]
	quote := func(s coding.Span) string {
		if s.Start%2 == 0 {
			return en
		}
		return mixed
	}
	links := coding.Links(v, builtinCodebook(b), coding.LinkFilter{}, nil, quote)
	b.Run("AppendJSON", func(b *testing.B) {
		var buf []byte
		for b.Loop() {
			buf = buf[:0]
			for i := range links {
				buf = links[i].AppendJSON(buf)
			}
		}
		b.SetBytes(int64(len(buf)))
	})
	b.Run("LinksSeqAppendJSON", func(b *testing.B) {
		// What links --json does: aggregate and encode a link at a time.
		cb := builtinCodebook(b)
		var buf []byte
		for b.Loop() {
			buf = buf[:0]
			for l := range coding.LinksSeq(v, cb, coding.LinkFilter{}, nil, quote) {
				buf = l.AppendJSON(buf)
			}
		}
		b.SetBytes(int64(len(buf)))
	})
	b.Run("EncodingJSON", func(b *testing.B) {
		var buf bytes.Buffer
		for b.Loop() {
			buf.Reset()
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(links); err != nil {
				b.Fatal(err)
			}
		}
		b.SetBytes(int64(buf.Len()))
	})
}

func TestLinksSeq(t *testing.T) {
	cb := builtinCodebook(t)
	v := benchView(40, 3000)
	quote := func(s coding.Span) string { return fmt.Sprint(s) }
	for _, f := range []coding.LinkFilter{{}, {From: "Entrepreneur"}, {Relation: "takesPosition"}, {Coder: "nobody"}} {
		want := coding.Links(v, cb, f, nil, quote)
		got := []coding.Link{}
		for l := range coding.LinksSeq(v, cb, f, nil, quote) {
			c := *l
			// Valid until the next link only: keep copies.
			c.Practices, c.Evidence = slices.Clone(l.Practices), slices.Clone(l.Evidence)
			got = append(got, c)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%+v: %d links, want %d; first difference:\n%s", f, len(got), len(want), firstDiff(got, want))
		}
	}
	n := 0
	for range coding.LinksSeq(v, cb, coding.LinkFilter{}, nil, nil) {
		if n++; n == 3 {
			break
		}
	}
	if n != 3 {
		t.Errorf("break after 3 links: got %d", n)
	}
}
