package fts

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/qualgraph/qualgraph/corpus"
)

// testDoc builds a document from paragraphs separated by blank lines; a
// paragraph "Name: text" is a turn of Name, its segment the text after the
// label.
func testDoc(id, name, kind string, attrs map[string]string, paras ...string) *corpus.Document {
	d := &corpus.Document{ID: id, Name: name, Kind: kind, Attrs: corpus.Attrs{}}
	for k, v := range attrs {
		a, err := corpus.NewAttr("", v)
		if err != nil {
			panic(err)
		}
		d.Attrs[k] = a
	}
	var b strings.Builder
	for i, p := range paras {
		if i > 0 {
			b.WriteString("\n\n")
		}
		start := utf8.RuneCountInString(b.String())
		s := corpus.Segment{Start: start, BeginMS: -1, EndMS: -1}
		if sp, _, ok := strings.Cut(p, ": "); ok && !strings.ContainsAny(sp, " .") {
			s.Speaker = sp
			s.Start += utf8.RuneCountInString(sp) + 2
		}
		b.WriteString(p)
		s.End = utf8.RuneCountInString(b.String())
		d.Segments = append(d.Segments, s)
	}
	d.Text = b.String()
	d.Chars = utf8.RuneCountInString(d.Text)
	return d
}

var testDocs = []*corpus.Document{
	testDoc("d1", "Lin-2015.txt", corpus.KindInterview, map[string]string{"region": "Dongguan", "firm_type": "private", "year": "2015"},
		"Interviewer: How did the workers organise?",
		"Lin: We organised the workers ourselves in 2003. The local government gave us nothing.",
		"Lin: 当时产业集群发展很快，地方政府给了一些补贴。我们的工厂在东莞。",
		"Interviewer: 😀 Thanks! What about the cluster?",
		"Lin: 👍🏭 The ＣＬＵＳＴＥＲ was state of the art; the AI产业 came later.",
	),
	testDoc("d2", "Measures-Wenzhou.txt", corpus.KindPolicy, map[string]string{"region": "Wenzhou", "year": "2012"},
		"1. General provisions",
		"These measures promote the upgrading of the industrial cluster and support entrepreneurs.",
		"第一条 为了促进产业集群转型升级，支持企业家创新，制定本措施。",
		"Local governments shall organise training for migrant workers.",
	),
	testDoc("d3", "Focus-group-3.txt", corpus.KindFocusGroup, map[string]string{"region": "Dongguan", "year": "2016"},
		"Moderator: Who organises the trade association?",
		"Wang: The chamber of commerce does. Entrepreneurs trust it.",
		"P1: 我觉得商会很重要。The cluster needs it.",
		"Wang: Subsidies from the local government helped the entrepreneur.",
	),
}

func newTestIndex(t *testing.T) *Index {
	t.Helper()
	ix, err := NewMemIndex()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if err := ix.Add(testDocs...); err != nil {
		t.Fatal(err)
	}
	return ix
}

// hitText returns "DOC:TEXT" for a hit, TEXT being the code-point range of
// the document's text that the hit covers.
func hitText(t *testing.T, docs []*corpus.Document, h Hit) string {
	t.Helper()
	for _, d := range docs {
		if d.ID == h.Doc {
			r := []rune(d.Text)
			if h.Start < 0 || h.End > len(r) || h.Start > h.End {
				t.Fatalf("hit %+v out of range of %s (%d code points)", h, d.ID, len(r))
			}
			return d.ID + ":" + string(r[h.Start:h.End])
		}
	}
	t.Fatalf("hit %+v: no document %s", h, h.Doc)
	return ""
}

func hitTexts(t *testing.T, docs []*corpus.Document, hits []Hit) []string {
	t.Helper()
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = hitText(t, docs, h)
	}
	slices.Sort(out)
	return out
}

func TestSearch(t *testing.T) {
	ix := newTestIndex(t)
	tests := []struct {
		name string
		req  SearchRequest
		want []string // sorted
	}{
		{"Stemming", SearchRequest{Query: "organising"}, []string{
			"d1:organise", "d1:organised", "d2:organise", "d3:organises"}},
		{"StemmingPlural", SearchRequest{Query: "entrepreneur"}, []string{
			"d2:entrepreneurs", "d3:Entrepreneurs", "d3:entrepreneur"}},
		{"Case", SearchRequest{Query: "LOCAL"}, []string{
			"d1:local", "d2:Local", "d3:local"}},
		{"Phrase", SearchRequest{Query: `"local government"`}, []string{
			"d1:local government", "d2:Local governments", "d3:local government"}},
		{"PhraseStopWords", SearchRequest{Query: `"state of the art"`}, []string{
			"d1:state of the art"}},
		{"PhraseNoMatch", SearchRequest{Query: `"government local"`}, nil},
		{"Should", SearchRequest{Query: "subsidies nothing"}, []string{
			"d1:nothing", "d3:Subsidies"}},
		{"Must", SearchRequest{Query: "+government +nothing"}, []string{
			"d1:government", "d1:nothing"}},
		{"MustShould", SearchRequest{Query: "+government subsidies"}, []string{
			"d3:Subsidies", "d3:government"}},
		{"MustNot", SearchRequest{Query: "government -nothing"}, []string{
			"d2:governments", "d3:government"}},
		{"OnlyMustNot", SearchRequest{Query: "-cluster", Kind: corpus.KindPolicy}, []string{
			"d2:1. General provisions", "d2:Local governments shall organise training for migrant workers.",
			"d2:第一条 为了促进产业集群转型升级，支持企业家创新，制定本措施。"}},
		{"Fuzzy", SearchRequest{Query: "subsidees~"}, []string{"d3:Subsidies"}},
		{"Fuzzy2", SearchRequest{Query: "entreprenur~2"}, []string{
			"d2:entrepreneurs", "d3:Entrepreneurs", "d3:entrepreneur"}},
		{"FuzzyTooFar", SearchRequest{Query: "subsdees~1"}, nil},
		{"StopWord", SearchRequest{Query: "ourselves"}, []string{"d1:ourselves"}},
		{"KindField", SearchRequest{Query: "kind:policy cluster"}, []string{"d2:cluster"}},
		{"KindFilter", SearchRequest{Query: "cluster", Kind: "Focus-Group"}, []string{"d3:cluster"}},
		{"DocFieldByName", SearchRequest{Query: "doc:focus-group-3.txt cluster"}, []string{"d3:cluster"}},
		{"DocFieldByID", SearchRequest{Query: "doc:d2 cluster"}, []string{"d2:cluster"}},
		{"DocFieldAlternatives", SearchRequest{Query: "doc:d2 doc:d3 cluster"}, []string{"d2:cluster", "d3:cluster"}},
		{"NotDoc", SearchRequest{Query: "cluster -doc:d1 -doc:d2"}, []string{"d3:cluster"}},
		{"SpeakerField", SearchRequest{Query: "speaker:wang entrepreneur"}, []string{
			"d3:Entrepreneurs", "d3:entrepreneur"}},
		{"SpeakerFieldQuoted", SearchRequest{Query: `speaker:"WANG" trust`}, []string{"d3:trust"}},
		{"SpeakerFilter", SearchRequest{Query: "cluster", Speaker: "interviewer"}, []string{"d1:cluster"}},
		{"SpeakerOnly", SearchRequest{Query: "speaker:p1"}, []string{"d3:我觉得商会很重要。The cluster needs it."}},
		{"AttrField", SearchRequest{Query: "attr.region:dongguan entrepreneur"}, []string{
			"d3:Entrepreneurs", "d3:entrepreneur"}},
		{"AttrFieldKeyCase", SearchRequest{Query: "attr.Region:WENZHOU entrepreneur"}, []string{"d2:entrepreneurs"}},
		{"AttrFilter", SearchRequest{Query: "cluster", Attrs: map[string]string{"region": "Dongguan", "year": "2015"}}, []string{"d1:cluster", "d1:ＣＬＵＳＴＥＲ"}},
		{"AttrFilterNone", SearchRequest{Query: "cluster", Attrs: map[string]string{"region": "Dongguan", "year": "2012"}}, nil},
		{"Chinese2", SearchRequest{Query: "商会"}, []string{"d3:商会"}},
		{"Chinese4", SearchRequest{Query: "产业集群"}, []string{"d1:产业集群", "d2:产业集群"}},
		{"Chinese6", SearchRequest{Query: "地方政府给了"}, []string{"d1:地方政府给了"}},
		{"ChineseInsideWord", SearchRequest{Query: "集群转型"}, []string{"d2:集群转型"}},
		{"ChineseQuoted", SearchRequest{Query: `"转型升级"`}, []string{"d2:转型升级"}},
		{"ChineseNoMatch", SearchRequest{Query: "集群产业"}, nil},
		{"ChineseSingleCharInRun", SearchRequest{Query: "群"}, nil},
		{"MixedQuery", SearchRequest{Query: "+cluster 商会"}, []string{"d3:cluster", "d3:商会"}},
		{"MixedTerm", SearchRequest{Query: "AI产业"}, []string{"d1:AI产业"}},
		{"Fullwidth", SearchRequest{Query: "cluster", Speaker: "Lin"}, []string{"d1:ＣＬＵＳＴＥＲ"}},
		{"FullwidthQuery", SearchRequest{Query: "ＣＬＵＳＴＥＲ", Speaker: "Lin"}, []string{"d1:ＣＬＵＳＴＥＲ"}},
		{"AfterEmoji", SearchRequest{Query: "thanks"}, []string{"d1:Thanks"}},
		{"Numbers", SearchRequest{Query: "2003"}, []string{"d1:2003"}},
		{"Empty", SearchRequest{Query: "", Speaker: "moderator"}, []string{"d3:Who organises the trade association?"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits, err := ix.Search(tt.req)
			if err != nil {
				t.Fatal(err)
			}
			got := hitTexts(t, testDocs, hits)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Search(%+v)\n got %q\nwant %q", tt.req, got, tt.want)
			}
		})
	}
}

// TestSearchOffsets checks that hits are exact code-point ranges of the
// stored text, whatever precedes them.
func TestSearchOffsets(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		query string
		want  string // the one hit's text
	}{
		{"EnglishWord", "We organised the workers.", "organising", "organised"},
		{"Phrase", "Ask the local   government, please.", `"local government"`, "local   government"},
		{"PhrasePunctuation", "the local, government", `"local government"`, "local, government"},
		{"Chinese2", "当时产业集群发展很快", "集群", "集群"},
		{"Chinese3", "当时产业集群发展很快", "集群发", "集群发"},
		{"Chinese4", "当时产业集群发展很快", "产业集群", "产业集群"},
		{"Chinese5", "当时产业集群发展很快", "产业集群发", "产业集群发"},
		{"Chinese6", "当时产业集群发展很快", "时产业集群发", "时产业集群发"},
		{"ChineseInEnglish", "In Dongguan the 产业集群 grew fast.", "产业集群", "产业集群"},
		{"EnglishAfterChinese", "当时产业集群发展很快 and the cluster grew.", "cluster", "cluster"},
		{"AstralBefore", "😀👍🏭 𠀋𠀌 then the cluster grew", "cluster", "cluster"},
		{"AstralBeforeChinese", "😀👍 𠀋 当时产业集群发展", "产业集群", "产业集群"},
		{"AstralBeforePhrase", "🏭🏭🏭 the local government said", `"local government"`, "local government"},
		{"FullwidthWord", "ａｎｄ ｔｈｅ ＣＬＵＳＴＥＲ ｇｒｅｗ", "cluster", "ＣＬＵＳＴＥＲ"},
		{"FullwidthPhrase", "ａｎｄ ｌｏｃａｌ ｇｏｖｅｒｎｍｅｎｔ", `"local government"`, "ｌｏｃａｌ ｇｏｖｅｒｎｍｅｎｔ"},
		{"Accents", "Café owners and naïve entrepreneurs", "entrepreneur", "entrepreneurs"},
		{"Possessive", "Lin's factory", "lin", "Lin's"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ix, err := NewMemIndex()
			if err != nil {
				t.Fatal(err)
			}
			defer ix.Close()
			// Put the text in the second segment, after a prefix with
			// multi-byte characters, so that segment offsets matter.
			d := testDoc("x", "x.txt", corpus.KindDocument, nil, "前言 😀 intro", "Lin: "+tt.text)
			if err := ix.Add(d); err != nil {
				t.Fatal(err)
			}
			hits, err := ix.Search(SearchRequest{Query: tt.query})
			if err != nil {
				t.Fatal(err)
			}
			got := hitTexts(t, []*corpus.Document{d}, hits)
			if want := []string{"x:" + tt.want}; !slices.Equal(got, want) {
				t.Errorf("Search(%q) in %q\n got %q\nwant %q", tt.query, tt.text, got, want)
			}
			for _, h := range hits {
				if h.Speaker != "Lin" || h.Name != "x.txt" {
					t.Errorf("hit %+v: want speaker Lin, name x.txt", h)
				}
			}
		})
	}
}

func TestSearchHitsPerOccurrence(t *testing.T) {
	ix, err := NewMemIndex()
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	d := testDoc("x", "x.txt", corpus.KindDocument, nil,
		"cluster policy, cluster. 产业集群产业集群 and 产业 集群 clusters",
	)
	if err := ix.Add(d); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		query string
		want  []string // in text order
	}{
		{"cluster", []string{"cluster", "cluster", "clusters"}},
		{"cluster policy", []string{"cluster", "policy", "cluster", "clusters"}},
		{`"cluster policy"`, []string{"cluster policy"}},
		{"产业集群", []string{"产业集群", "产业集群"}},
		{"产业", []string{"产业", "产业", "产业"}},
		{`"产业 集群"`, []string{"产业 集群"}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			hits, err := ix.Search(SearchRequest{Query: tt.query})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, h := range hits {
				got = append(got, strings.TrimPrefix(hitText(t, []*corpus.Document{d}, h), "x:"))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Search(%q)\n got %q\nwant %q", tt.query, got, tt.want)
			}
		})
	}
}

func TestSearchOrderAndLimit(t *testing.T) {
	ix, err := NewMemIndex()
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	// Equal segments in several documents score the same; the segment
	// with the term twice scores higher.
	var docs []*corpus.Document
	for _, id := range []string{"dc", "da", "db"} {
		docs = append(docs, testDoc(id, id, corpus.KindDocument, nil, "the cluster grew", "nothing here", "the cluster grew"))
	}
	docs = append(docs, testDoc("dz", "dz", corpus.KindDocument, nil, "cluster cluster"))
	if err := ix.Add(docs...); err != nil {
		t.Fatal(err)
	}
	all, err := ix.Search(SearchRequest{Query: "cluster"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range all {
		got = append(got, fmt.Sprintf("%s@%d", h.Doc, h.Start))
	}
	want := []string{"dz@0", "dz@8", "da@4", "da@36", "db@4", "db@36", "dc@4", "dc@36"}
	if !slices.Equal(got, want) {
		t.Fatalf("order\n got %v\nwant %v", got, want)
	}
	for i := 1; i < len(all); i++ {
		if all[i].Score > all[i-1].Score {
			t.Errorf("hit %d scores %v > hit %d's %v", i, all[i].Score, i-1, all[i-1].Score)
		}
	}
	for _, limit := range []int{1, 2, 3, 5, 8, 20, 1 << 40, math.MaxInt32, math.MaxInt / 2, math.MaxInt} {
		t.Run(fmt.Sprint("Limit", limit), func(t *testing.T) {
			hits, err := ix.Search(SearchRequest{Query: "cluster", Limit: limit})
			if err != nil {
				t.Fatal(err)
			}
			if n := min(limit, len(all)); !slices.Equal(hits, all[:n]) {
				t.Errorf("Limit %d: got %v, want %v", limit, hits, all[:n])
			}
			// A phrase asks bleve for more units than the limit.
			phrase, err := ix.Search(SearchRequest{Query: `"cluster grew"`, Limit: limit})
			if err != nil {
				t.Fatal(err)
			}
			if want := min(limit, 6); len(phrase) != want {
				t.Errorf("phrase, Limit %d: %d hits, want %d", limit, len(phrase), want)
			}
		})
	}
}

func TestIndexUpdate(t *testing.T) {
	t.Run("Delete", func(t *testing.T) {
		ix := newTestIndex(t)
		if err := ix.Delete("d1", "nonexistent"); err != nil {
			t.Fatal(err)
		}
		hits, err := ix.Search(SearchRequest{Query: "cluster"})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := hitTexts(t, testDocs, hits), []string{"d2:cluster", "d3:cluster"}; !slices.Equal(got, want) {
			t.Errorf("after Delete got %q, want %q", got, want)
		}
		docs, err := ix.Docs()
		if err != nil {
			t.Fatal(err)
		}
		if want := map[string]int{"d2": 4, "d3": 4}; !mapsEqual(docs, want) {
			t.Errorf("Docs() = %v, want %v", docs, want)
		}
	})
	t.Run("ReAddAttrs", func(t *testing.T) {
		ix := newTestIndex(t)
		d := *testDocs[0]
		d.Attrs = corpus.Attrs{"region": {Type: corpus.AttrText, Value: "Shenzhen"}}
		if err := ix.Add(&d); err != nil {
			t.Fatal(err)
		}
		for region, want := range map[string][]string{
			"dongguan": {"d3:cluster"},
			"shenzhen": {"d1:cluster", "d1:ＣＬＵＳＴＥＲ"},
		} {
			hits, err := ix.Search(SearchRequest{Query: "cluster", Attrs: map[string]string{"region": region}})
			if err != nil {
				t.Fatal(err)
			}
			if got := hitTexts(t, testDocs, hits); !slices.Equal(got, want) {
				t.Errorf("region %s: got %q, want %q", region, got, want)
			}
		}
		if docs, err := ix.Docs(); err != nil || docs["d1"] != 5 {
			t.Errorf("Docs() = %v, %v; want d1: 5", docs, err)
		}
	})
	t.Run("ReAddSegments", func(t *testing.T) {
		ix := newTestIndex(t)
		// The same text in one segment instead of five.
		d := *testDocs[0]
		d.Segments = []corpus.Segment{{Start: 0, End: d.Chars, Speaker: "Everyone"}}
		d.Name = "renamed.txt"
		if err := ix.Add(&d); err != nil {
			t.Fatal(err)
		}
		docs, err := ix.Docs()
		if err != nil {
			t.Fatal(err)
		}
		if want := map[string]int{"d1": 1, "d2": 4, "d3": 4}; !mapsEqual(docs, want) {
			t.Errorf("Docs() = %v, want %v", docs, want)
		}
		hits, err := ix.Search(SearchRequest{Query: "cluster", Speaker: "everyone"})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := hitTexts(t, testDocs, hits), []string{"d1:cluster", "d1:ＣＬＵＳＴＥＲ"}; !slices.Equal(got, want) {
			t.Errorf("got %q, want %q", got, want)
		}
		for _, h := range hits {
			if h.Name != "renamed.txt" {
				t.Errorf("hit %+v: want name renamed.txt", h)
			}
		}
		hits, _ = ix.Search(SearchRequest{Query: "cluster", Speaker: "lin"})
		if len(hits) != 0 {
			t.Errorf("old units still found: %v", hits)
		}
	})
	t.Run("AddTwiceInOneCall", func(t *testing.T) {
		ix, err := NewMemIndex()
		if err != nil {
			t.Fatal(err)
		}
		defer ix.Close()
		d := *testDocs[1]
		d.Kind = corpus.KindDocument
		if err := ix.Add(testDocs[1], &d); err != nil {
			t.Fatal(err)
		}
		hits, err := ix.Search(SearchRequest{Query: "cluster", Kind: corpus.KindDocument})
		if err != nil || len(hits) != 1 {
			t.Errorf("got %v, %v; want the last version only", hits, err)
		}
		if docs, _ := ix.Docs(); docs["d2"] != 4 {
			t.Errorf("Docs() = %v, want d2: 4", docs)
		}
	})
	t.Run("Docs", func(t *testing.T) {
		ix := newTestIndex(t)
		docs, err := ix.Docs()
		if err != nil {
			t.Fatal(err)
		}
		if want := map[string]int{"d1": 5, "d2": 4, "d3": 4}; !mapsEqual(docs, want) {
			t.Errorf("Docs() = %v, want %v", docs, want)
		}
	})
	t.Run("NoSegments", func(t *testing.T) {
		ix, err := NewMemIndex()
		if err != nil {
			t.Fatal(err)
		}
		defer ix.Close()
		d := &corpus.Document{ID: "n", Name: "n.txt", Text: "一 the cluster", Chars: 13}
		empty := &corpus.Document{ID: "e", Name: "e.txt"}
		if err := ix.Add(d, empty); err != nil {
			t.Fatal(err)
		}
		hits, err := ix.Search(SearchRequest{Query: "cluster"})
		if err != nil {
			t.Fatal(err)
		}
		if got := hitTexts(t, []*corpus.Document{d}, hits); !slices.Equal(got, []string{"n:cluster"}) {
			t.Errorf("got %q", got)
		}
		if docs, _ := ix.Docs(); !mapsEqual(docs, map[string]int{"n": 1}) {
			t.Errorf("Docs() = %v", docs)
		}
	})
	t.Run("ErrSegment", func(t *testing.T) {
		ix, err := NewMemIndex()
		if err != nil {
			t.Fatal(err)
		}
		defer ix.Close()
		d := &corpus.Document{ID: "bad", Text: "short", Segments: []corpus.Segment{{Start: 0, End: 6}}}
		if err := ix.Add(testDocs[0], d); !errors.Is(err, ErrSegment) {
			t.Errorf("Add: got %v, want ErrSegment", err)
		}
		if docs, _ := ix.Docs(); len(docs) != 0 {
			t.Errorf("Add indexed %v despite the error", docs)
		}
	})
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func TestIndexOnDisk(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	ix, err := CreateIndex(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Add(testDocs...); err != nil {
		t.Fatal(err)
	}
	if err := ix.Delete("d3"); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}

	t.Run("CreateExisting", func(t *testing.T) {
		if _, err := CreateIndex(dir); !errors.Is(err, fs.ErrExist) {
			t.Errorf("CreateIndex on an index: got %v, want fs.ErrExist", err)
		}
	})
	t.Run("ReadOnly", func(t *testing.T) {
		ix, err := OpenIndex(dir, true)
		if err != nil {
			t.Fatal(err)
		}
		defer ix.Close()
		hits, err := ix.Search(SearchRequest{Query: "产业集群 cluster"})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"d1:cluster", "d1:产业集群", "d1:ＣＬＵＳＴＥＲ", "d2:cluster", "d2:产业集群"}
		if got := hitTexts(t, testDocs, hits); !slices.Equal(got, want) {
			t.Errorf("got %q, want %q", got, want)
		}
		if docs, err := ix.Docs(); err != nil || !mapsEqual(docs, map[string]int{"d1": 5, "d2": 4}) {
			t.Errorf("Docs() = %v, %v", docs, err)
		}
		if err := ix.Add(testDocs[2]); !errors.Is(err, ErrReadOnly) {
			t.Errorf("Add: got %v, want ErrReadOnly", err)
		}
		if err := ix.Delete("d1"); !errors.Is(err, ErrReadOnly) {
			t.Errorf("Delete: got %v, want ErrReadOnly", err)
		}
	})
	t.Run("ReadWrite", func(t *testing.T) {
		ix, err := OpenIndex(dir, false)
		if err != nil {
			t.Fatal(err)
		}
		if err := ix.Add(testDocs[2]); err != nil {
			t.Fatal(err)
		}
		if err := ix.Close(); err != nil {
			t.Fatal(err)
		}
		ix, err = OpenIndex(dir, true)
		if err != nil {
			t.Fatal(err)
		}
		defer ix.Close()
		if docs, err := ix.Docs(); err != nil || !mapsEqual(docs, map[string]int{"d1": 5, "d2": 4, "d3": 4}) {
			t.Errorf("Docs() = %v, %v", docs, err)
		}
	})
	t.Run("ErrNotExist", func(t *testing.T) {
		if _, err := OpenIndex(filepath.Join(t.TempDir(), "nothing"), true); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("got %v, want fs.ErrNotExist", err)
		}
	})
	t.Run("ErrIndexFormat", func(t *testing.T) {
		other := t.TempDir()
		if err := os.WriteFile(filepath.Join(other, "notes.txt"), []byte("hello"), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := OpenIndex(other, true); !errors.Is(err, ErrIndexFormat) {
			t.Errorf("got %v, want ErrIndexFormat", err)
		}
	})
}

func TestSearchQueryError(t *testing.T) {
	ix := newTestIndex(t)
	_, err := ix.Search(SearchRequest{Query: `cluster "local`})
	var qe *QueryError
	if !errors.As(err, &qe) || qe.Offset != 8 {
		t.Errorf("got %v, want a *QueryError at offset 8", err)
	}
}

func TestUnitID(t *testing.T) {
	tests := []struct {
		key string
		ord int
	}{
		{"1", 0},
		{"zz", 35},
		{"a1b2", 123456},
	}
	for _, tt := range tests {
		id := unitID(tt.key, tt.ord)
		key, ord, ok := parseUnitID(id)
		if !ok || key != tt.key || ord != tt.ord {
			t.Errorf("parseUnitID(%q) = %q, %d, %v; want %+v", id, key, ord, ok, tt)
		}
	}
	for _, bad := range []string{"nothing", "k/", "/1", "k/1/2", "k/x!", "k/-1"} {
		if _, _, ok := parseUnitID(bad); ok {
			t.Errorf("parseUnitID(%q) ok", bad)
		}
	}
}

func TestDocInfo(t *testing.T) {
	tests := []docInfo{
		{doc: "d1", name: "a.txt", segs: []unitSeg{}},
		{doc: "d2", name: "林.txt", speakers: []string{"Lin", "受访者林"},
			segs: []unitSeg{{5, 30, 0}, {37, 48, 1}, {2, 3, -1}, {100, 100, 0}}},
	}
	for _, want := range tests {
		got, ok := decodeDocInfo(want.encode())
		if !ok || got.doc != want.doc || got.name != want.name ||
			!slices.Equal(got.speakers, want.speakers) || !slices.Equal(got.segs, want.segs) {
			t.Errorf("decodeDocInfo(encode(%+v)) = %+v, %v", want, got, ok)
		}
		enc := want.encode()
		for i := range enc {
			decodeDocInfo(enc[:i]) // must not panic
		}
	}
	if _, ok := decodeDocInfo([]byte("garbage")); ok {
		t.Error("decodeDocInfo(garbage) ok")
	}
}

func ExampleIndex_Search() {
	ix, err := NewMemIndex()
	if err != nil {
		panic(err)
	}
	defer ix.Close()
	text := "Lin: We organised the workers.\n\nLin: 当时产业集群发展很快。"
	doc := &corpus.Document{
		ID: "d1", Name: "lin.txt", Kind: corpus.KindInterview, Text: text,
		Segments: []corpus.Segment{{Start: 5, End: 30, Speaker: "Lin"}, {Start: 37, End: 48, Speaker: "Lin"}},
	}
	if err := ix.Add(doc); err != nil {
		panic(err)
	}
	hits, err := ix.Search(SearchRequest{Query: "organising 产业集群", Speaker: "lin", Limit: 20})
	if err != nil {
		panic(err)
	}
	for _, h := range hits {
		left, hit, right := corpus.KWIC(doc.Text, h.Start, h.End, 8)
		fmt.Printf("%s %d-%d %s [%s] %s\n", h.Name, h.Start, h.End, left, hit, right)
	}
	// Output:
	// lin.txt 39-43  Lin: 当时 [产业集群] 发展很快。
	// lin.txt 8-17 Lin: We  [organised]  the wor
}

// TestIndexMerge checks that Add leaves a tidy index: many small adds are
// merged by the tiered plan once there are more than maxSegments segments,
// a bulk add into one segment, and searches find everything either way.
func TestIndexMerge(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	ix, err := CreateIndex(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	small := 3 * maxSegments
	for i := range small {
		d := testDoc(fmt.Sprintf("s%02d", i), fmt.Sprintf("small-%02d.txt", i), corpus.KindInterview, nil,
			fmt.Sprintf("Lin: word%02d and the cluster", i))
		if err := ix.Add(d); err != nil {
			t.Fatal(err)
		}
		n, err := ix.segments()
		if err != nil {
			t.Fatal(err)
		}
		if n > maxSegments {
			t.Fatalf("after add %d: %d segments, want at most %d", i, n, maxSegments)
		}
	}
	hits, err := ix.Search(SearchRequest{Query: "cluster"})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != small {
		t.Fatalf("cluster: %d hits after %d adds, want %d", len(hits), small, small)
	}

	// A bulk add: more than compactUnits units in one call.
	var bulk []*corpus.Document
	var paras []string
	for j := range 100 {
		paras = append(paras, fmt.Sprintf("Wang: turn %d about the cluster", j))
	}
	for i := 0; i*100 < compactUnits+100; i++ {
		bulk = append(bulk, testDoc(fmt.Sprintf("b%03d", i), fmt.Sprintf("bulk-%03d.txt", i), corpus.KindInterview, nil, paras...))
	}
	var calls []int
	err = ix.AddProgress(bulk, func(n int) { calls = append(calls, n) })
	if err != nil {
		t.Fatal(err)
	}
	if n, err := ix.segments(); err != nil || n != 1 {
		t.Fatalf("after a bulk add: %d segments (%v), want 1", n, err)
	}
	if len(calls) == 0 || calls[len(calls)-1] != len(bulk) || !slices.IsSorted(calls) {
		t.Errorf("progress calls %v, want increasing to %d", calls, len(bulk))
	}
	docs, err := ix.Docs()
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != small+len(bulk) || docs["b000"] != 100 || docs["s00"] != 1 {
		t.Errorf("Docs: %d documents, b000 %d units, s00 %d units; want %d, 100, 1", len(docs), docs["b000"], docs["s00"], small+len(bulk))
	}
}
