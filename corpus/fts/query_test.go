package fts

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/qualgraph/qualgraph/corpus"
)

func TestParseQuery(t *testing.T) {
	tests := []struct {
		name  string
		query string
		want  []clause
	}{
		{"Empty", "", nil},
		{"Blank", " \t\n ", nil},
		{"Terms", "cluster  policy", []clause{
			{text: "cluster", off: 0}, {text: "policy", off: 9}}},
		{"Phrase", `"local government"`, []clause{
			{text: "local government", phrase: true}}},
		{"PhraseEscapes", `"say \"no\" \\ ok"`, []clause{
			{text: `say "no" \ ok`, phrase: true}}},
		{"MustMustNot", "+cluster -policy", []clause{
			{occur: must, text: "cluster"}, {occur: mustNot, text: "policy", off: 9}}},
		{"MustPhrase", `+"local government"`, []clause{
			{occur: must, text: "local government", phrase: true}}},
		{"Fuzzy", "organisng~ organisng~2 x~1", []clause{
			{text: "organisng", fuzzy: 1}, {text: "organisng", fuzzy: 2, off: 11}, {text: "x", fuzzy: 1, off: 23}}},
		{"Chinese", "产业集群 +地方政府", []clause{
			{text: "产业集群"}, {occur: must, text: "地方政府", off: 5}}},
		{"Fields", "speaker:lin kind:policy doc:d1 attr.region:dongguan", []clause{
			{field: "speaker", text: "lin"}, {field: "kind", text: "policy", off: 12},
			{field: "doc", text: "d1", off: 24}, {field: "attr.region", text: "dongguan", off: 31}}},
		{"FieldQuoted", `speaker:"Mr Lin" -attr.Firm_Type:"state-owned"`, []clause{
			{field: "speaker", text: "Mr Lin"}, {occur: mustNot, field: "attr.firm_type", text: "state-owned", off: 17}}},
		{"FieldValueColon", "doc:a:b", []clause{{field: "doc", text: "a:b"}}},
		{"NotAField", "10:30 林:说", []clause{{text: "10:30"}, {text: "林:说", off: 6}}},
		{"Hyphenated", "e-mail state-owned", []clause{{text: "e-mail"}, {text: "state-owned", off: 7}}},
		{"Punctuation", "(cluster) policy!", []clause{{text: "(cluster)"}, {text: "policy!", off: 10}}},
		{"Prefix", "dron* +Ü2*", []clause{{text: "dron", prefix: true}, {occur: must, text: "Ü2", prefix: true, off: 6}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseQuery(tt.query)
			if err != nil {
				t.Fatalf("parseQuery(%q): %v", tt.query, err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("parseQuery(%q)\n got %+v\nwant %+v", tt.query, got, tt.want)
			}
		})
	}
}

func TestParseQueryErrors(t *testing.T) {
	tests := []struct {
		name   string
		query  string
		offset int
		msg    string
	}{
		{"UnterminatedQuote", `+cluster -spam "local gov`, 15, "unterminated quote"},
		{"UnterminatedQuoteChinese", `产业 "地方`, 3, "unterminated quote"},
		{"UnterminatedFieldQuote", `speaker:"Lin`, 8, "unterminated quote"},
		{"EmptyQuotes", `cluster ""`, 8, "empty quotes"},
		{"LonePlus", "cluster + policy", 8, "+ must be followed"},
		{"TrailingMinus", "cluster -", 8, "- must be followed"},
		{"DoublePrefix", "+-cluster", 1, "unexpected -"},
		{"UnknownField", "cluster speakr:lin", 8, `unknown field "speakr"`},
		{"EmptyField", "speaker: lin", 8, "speaker: needs a value"},
		{"AttrNoKey", "attr.:x", 0, `unknown field "attr."`},
		{"Fuzziness3", "cluster~3", 8, "fuzziness must be 1 or 2"},
		{"Fuzziness12", "cluster~12", 8, "fuzziness must be 1 or 2"},
		{"FuzzyPhrase", `"local government"~1`, 18, "~ after a phrase"},
		{"LoneTilde", "~cluster", 0, "unexpected ~"},
		{"JunkAfterFuzzy", "cluster~x", 8, "unexpected x"},
		{"QuoteInTerm", `clus"ter"`, 4, `unexpected "`},
		{"JunkAfterPhrase", `"a b"c`, 5, "unexpected c"},
		{"LoneStar", "cluster *", 8, "* must follow a prefix"},
		{"PrefixHyphen", "start-u*", 0, "a prefix must be letters and digits"},
		{"PrefixChinese", "产业*", 0, "a prefix must be letters and digits"},
		{"FuzzyPrefix", "dron*~", 5, "~ after a prefix"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseQuery(tt.query)
			var qe *QueryError
			if !errors.As(err, &qe) {
				t.Fatalf("parseQuery(%q) = %v, want a *QueryError", tt.query, err)
			}
			if qe.Offset != tt.offset || !strings.Contains(qe.Msg, tt.msg) || qe.Query != tt.query {
				t.Errorf("parseQuery(%q) = %v (offset %d), want %q at offset %d", tt.query, err, qe.Offset, tt.msg, tt.offset)
			}
			if !strings.Contains(err.Error(), "offset "+strconv.Itoa(tt.offset)) {
				t.Errorf("Error() = %q does not say where", err)
			}
		})
	}
}

// formatQuery writes clauses back in query syntax.
func formatQuery(cs []clause) string {
	var b strings.Builder
	for i, c := range cs {
		if i > 0 {
			b.WriteByte(' ')
		}
		switch c.occur {
		case must:
			b.WriteByte('+')
		case mustNot:
			b.WriteByte('-')
		}
		if c.field != "" {
			b.WriteString(c.field)
			b.WriteByte(':')
		}
		if c.phrase || c.field != "" {
			b.WriteByte('"')
			b.WriteString(strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(c.text))
			b.WriteByte('"')
		} else {
			b.WriteString(c.text)
		}
		if c.fuzzy > 0 {
			b.WriteString("~" + strconv.Itoa(c.fuzzy))
		}
	}
	return b.String()
}

// FuzzParseQuery checks that parseQuery never panics, that errors say
// where within the query, and that what it parses survives formatting and
// parsing again.
func FuzzParseQuery(f *testing.F) {
	for _, q := range []string{
		"", "cluster", `"local government"`, "+cluster -policy", "organisng~ organisng~2",
		"产业集群 +地方政府", "speaker:lin attr.region:dongguan", `speaker:"Mr Lin" doc:"a\"b"`,
		`+cluster -spam "local gov`, "cluster~3", "attr.:x", "10:30 林:说", "+-x", "~", `"\`, "-\xff", "attr.A:\x84", "\"\x84\"",
	} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, q string) {
		cs, err := parseQuery(q)
		if err != nil {
			var qe *QueryError
			if !errors.As(err, &qe) {
				t.Fatalf("parseQuery(%q): error %T %v, want *QueryError", q, err, err)
			}
			if n := utf8.RuneCountInString(q); qe.Offset < 0 || qe.Offset > n {
				t.Fatalf("parseQuery(%q): offset %d outside [0, %d]", q, qe.Offset, n)
			}
			return
		}
		n := utf8.RuneCountInString(q)
		for _, c := range cs {
			if c.off < 0 || c.off >= n {
				t.Fatalf("parseQuery(%q): clause %+v offset outside the query", q, c)
			}
			if c.text == "" {
				t.Fatalf("parseQuery(%q): empty clause %+v", q, c)
			}
		}
		q2 := formatQuery(cs)
		cs2, err := parseQuery(q2)
		if err != nil {
			t.Fatalf("parseQuery(%q) = %+v, formatted %q: %v", q, cs, q2, err)
		}
		if len(cs2) != len(cs) {
			t.Fatalf("parseQuery(%q) = %+v; formatted %q parses to %+v", q, cs, q2, cs2)
		}
		for i := range cs {
			a, b := cs[i], cs2[i]
			a.off, b.off = 0, 0
			if a.field != "" {
				a.phrase = false
			}
			if a != b {
				t.Fatalf("parseQuery(%q) = %+v; formatted %q parses to %+v", q, cs, q2, cs2)
			}
		}
	})
}

func TestSearchFilters(t *testing.T) {
	// A query only of filters, or of nothing, gives whole segments.
	ix := newTestIndex(t)
	tests := []struct {
		name string
		req  SearchRequest
		want int
	}{
		{"All", SearchRequest{}, 13},
		{"Kind", SearchRequest{Kind: corpus.KindPolicy}, 4},
		{"KindField", SearchRequest{Query: "kind:policy kind:interview"}, 9},
		{"Attr", SearchRequest{Attrs: map[string]string{"region": "dongguan"}}, 9},
		{"AttrAndSpeaker", SearchRequest{Query: "attr.region:dongguan", Speaker: "Lin"}, 3},
		{"SpeakerAlternatives", SearchRequest{Query: "speaker:lin speaker:wang"}, 5},
		{"NotSpeaker", SearchRequest{Query: "-speaker:lin", Kind: corpus.KindInterview}, 2},
		{"MustField", SearchRequest{Query: "+speaker:lin +kind:interview"}, 3},
		{"Limit", SearchRequest{Limit: 2}, 2},
		{"UnknownAttr", SearchRequest{Attrs: map[string]string{"nope": "x"}}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits, err := ix.Search(tt.req)
			if err != nil {
				t.Fatal(err)
			}
			if len(hits) != tt.want {
				t.Errorf("Search(%+v): %d hits, want %d", tt.req, len(hits), tt.want)
			}
			for _, h := range hits {
				for _, d := range testDocs {
					if d.ID != h.Doc {
						continue
					}
					if !slices.ContainsFunc(d.Segments, func(s corpus.Segment) bool { return s.Start == h.Start && s.End == h.End }) {
						t.Errorf("hit %+v is not a segment", h)
					}
				}
			}
		})
	}
}

// TestPhraseCheck checks that searching a phrase as the conjunction of its
// terms and checking the best units finds what bleve's phrase search
// finds, with the same scores, and the same whether the check reuses the
// internal ids of bleve's hits or finds the units again by id.
func TestPhraseCheck(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes the benchmark corpus")
	}
	ix, err := NewMemIndex()
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := ix.Add(benchCorpus()[:30]...); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`"local government"`, `"chamber of commerce"`, "产业集群", "地方政府", "企业家", "东莞", `"supply chain"`, `"the cluster"`, `"nothing like this"`} {
		for _, req := range []SearchRequest{
			{Query: q, Limit: 20},
			{Query: q, Limit: 3},
			{Query: q},
			{Query: q, Kind: corpus.KindInterview, Limit: 10},
			{Query: q + " -speaker:interviewer", Limit: 10},
		} {
			t.Run(fmt.Sprintf("%s/%+v", q, req), func(t *testing.T) {
				ix.noPhraseCheck = false
				got, err := ix.Search(req)
				if err != nil {
					t.Fatal(err)
				}
				// The hits of bleve's search found again by id, as when
				// the index changes during the search.
				ix.noSnapshotReuse = true
				byID, err := ix.Search(req)
				ix.noSnapshotReuse = false
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(got, byID) {
					t.Fatalf("hits found again by id: %+v, want %+v", byID, got)
				}
				ix.noPhraseCheck = true
				want, err := ix.Search(req)
				ix.noPhraseCheck = false
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != len(want) {
					t.Fatalf("%d hits, want %d", len(got), len(want))
				}
				if len(got) == 0 && req.Limit == 20 && !strings.Contains(q, "nothing") {
					t.Fatalf("no hits: a useless test")
				}
				for i := range got {
					g, w := got[i], want[i]
					if g.Doc != w.Doc || g.Start != w.Start || g.End != w.End || math.Abs(g.Score-w.Score) > 1e-9*w.Score {
						t.Fatalf("hit %d = %+v, want %+v", i, g, w)
					}
				}
			})
		}
	}
}
