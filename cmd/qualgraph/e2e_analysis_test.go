package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/internal/benchproj"
	"github.com/qualgraph/qualgraph/project"
)

// End-to-end tests of the analysis and export commands on the demo
// project, with codings, entities and assertions added through the project
// API: exact numbers where they are hand-computed below, and the JSON
// shapes of the README's contract.

// The codings of analysisProject. Overlaps, in Chen's interview: a1 and b1
// (SpinoffFounder) both contain a2 ("The Science Bureau") and b2 ("Science
// Bureau gave"), four LocalGovernment–SpinoffFounder pairs; in Lin's, a3
// (LocalGovernment) contains a4 and b3 (ReturneeEntrepreneur), two pairs.
// b4 and a5 overlap nothing.
const (
	anFunding  = "The Science Bureau gave us 300,000 yuan of seed funding in 2020"
	anBureau   = "The Science Bureau"
	anBureau2  = "Science Bureau gave"
	anPark     = "The park gave us the first two years rent-free"
	anLobby    = "In 2021 I lobbied the industry association to set up a smart-lighting committee"
	anBuys     = "Halvorsen Lighting now buys our controllers for two of its product lines."
	anTown     = "镇政府给了我们八十万元人才补贴"
	anSubsidy  = "我们八十万元人才补贴"
	anSecGen   = "我当秘书长"
	anWuTown   = "The town gave us a technology-upgrading subsidy of 600,000 yuan."
	anChenName = "interview_chen_en.txt"
	anLinName  = "interview_lin_zh.txt"
	anWuName   = "interview_wu_en.srt"
)

type anFixture struct {
	dir   string
	ids   map[string]string // document name → id
	texts map[string]string // document id → text
}

func (f *anFixture) span(t *testing.T, name, phrase string) coding.Span {
	t.Helper()
	id := f.ids[name]
	text := f.texts[id]
	i := strings.Index(text, phrase)
	if i < 0 {
		t.Fatalf("%q is not in %s", phrase, name)
	}
	s := len([]rune(text[:i]))
	return coding.Span{Doc: id, Start: s, End: s + len([]rune(phrase))}
}

// analysisProject builds the demo and codes it.
func analysisProject(t *testing.T) *anFixture {
	t.Helper()
	f := &anFixture{dir: newDemo(t), ids: map[string]string{}, texts: map[string]string{}}
	p, err := project.Open(f.dir, project.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
	}()
	ctx := context.Background()
	g, err := p.Graph()
	if err != nil {
		t.Fatal(err)
	}
	docs, err := g.Documents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		f.ids[d.Name] = d.ID
		if f.texts[d.ID], err = p.Text(d.ID); err != nil {
			t.Fatal(err)
		}
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	code := func(by string, reqs ...project.CodeRequest) {
		t.Helper()
		_, err := p.Code(ctx, reqs, by, "code")
		must(err)
	}
	req := func(name, phrase, c string) project.CodeRequest {
		return project.CodeRequest{Span: f.span(t, name, phrase), Code: c}
	}
	code("ann", req(anChenName, anFunding, "SpinoffFounder"), req(anChenName, anBureau, "LocalGovernment"),
		req(anLinName, anTown, "LocalGovernment"), req(anLinName, anSubsidy, "ReturneeEntrepreneur"),
		req(anWuName, anWuTown, "DiversifyingFirm"))
	code("ben", req(anChenName, anFunding, "SpinoffFounder"), req(anChenName, anBureau2, "LocalGovernment"),
		req(anLinName, anSubsidy, "ReturneeEntrepreneur"), req(anChenName, anPark, "StartupPark"))

	for _, e := range []coding.Entity{
		{ID: "bureau", Type: "LocalGovernment", Name: "Science Bureau"},
		{ID: "lumenkey", Type: "SpinoffFounder", Name: "Lumenkey (Chen Hao)"},
		{ID: "park", Type: "StartupPark", Name: "Jinlan start-up park"},
		{ID: "halvorsen", Type: "GlobalLeadFirm", Name: "Halvorsen Lighting"},
		{ID: "assoc", Type: "IndustryAssociation", Name: "行业协会"},
		{ID: "town", Type: "LocalGovernment", Name: "镇政府"},
		{ID: "linyue", Type: "ReturneeEntrepreneur", Name: "Lin Yue"},
	} {
		must(p.AddEntity(ctx, e, "ann"))
	}
	assert := func(by, s, rel, o string, pol coding.Polarity, phase string, ev coding.Span) string {
		t.Helper()
		a, err := p.Assert(ctx, coding.Assertion{Subject: s, Relation: rel, Object: o, Polarity: pol, Phase: phase,
			Confidence: 0.8, Evidence: []coding.Span{ev}}, by)
		must(err)
		return a.ID
	}
	chen := func(ph string) coding.Span { return f.span(t, anChenName, ph) }
	lin := func(ph string) coding.Span { return f.span(t, anLinName, ph) }
	assert("ann", "bureau", "funds", "lumenkey", coding.Positive, "Restructuring", chen(anFunding))
	assert("ann", "park", "supports", "lumenkey", coding.Positive, "", chen(anPark))
	assert("ann", "halvorsen", "sourcesFrom", "lumenkey", coding.Positive, "", chen(anBuys))
	assert("ann", "lumenkey", "lobbies", "assoc", coding.Positive, "Restructuring", chen(anLobby))
	assert("ben", "town", "funds", "linyue", coding.Positive, "", lin(anTown))
	assert("ben", "linyue", "memberOf", "assoc", coding.Positive, "", lin(anSecGen))
	assert("ann", "lumenkey", "takesPosition", "class:Certification", coding.Positive, "", chen(anLobby))
	assert("ben", "linyue", "takesPosition", "class:Certification", coding.Positive, "", lin(anSecGen))
	assert("ben", "town", "takesPosition", "class:Certification", coding.Negative, "", lin(anTown))
	wrong := assert("ann", "park", "supports", "halvorsen", coding.Positive, "", chen(anPark))
	must(p.Retract(ctx, wrong, "misread", "ann"))
	return f
}

// jsonKeys decodes out as a JSON object and checks that it has exactly
// the keys want.
func jsonKeys(t *testing.T, what, out string, want ...string) map[string]json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("%s: %v\n%s", what, err, out)
	}
	got := slices.Sorted(mapKeys(m))
	slices.Sort(want)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s: keys %v, want %v", what, got, want)
	}
	return m
}

func TestAnalysisCommands(t *testing.T) {
	f := analysisProject(t)
	dir := f.dir
	runes := func(s string) int { return len([]rune(s)) }

	t.Run("FrequenciesByCode", func(t *testing.T) {
		out := must(t, dir, "frequencies", "--json")
		jsonKeys(t, "frequencies", out, "by", "attr", "rows", "total", "coders")
		var ft struct {
			By   string `json:"by"`
			Rows []struct {
				Key       string   `json:"key"`
				Path      []string `json:"path"`
				Depth     int      `json:"depth"`
				Codings   int      `json:"codings"`
				Documents int      `json:"documents"`
				Chars     int      `json:"chars"`
				Total     struct {
					Codings, Documents, Chars int
				} `json:"total"`
			} `json:"rows"`
			Total struct{ Codings, Documents, Chars int } `json:"total"`
		}
		json.Unmarshal([]byte(out), &ft)
		var raw struct{ Rows []json.RawMessage }
		json.Unmarshal([]byte(out), &raw)
		for _, r := range raw.Rows {
			jsonKeys(t, "frequencies row", string(r), "key", "label", "path", "depth", "codings", "documents", "chars", "codes", "total")
		}
		got := map[string][6]int{}
		for _, r := range ft.Rows {
			got[r.Key] = [6]int{r.Codings, r.Documents, r.Chars, r.Total.Codings, r.Total.Documents, r.Total.Chars}
		}
		want := map[string][6]int{
			"SpinoffFounder": {2, 1, runes(anFunding), 2, 1, runes(anFunding)},
			// Chen: "The Science Bureau" ∪ "Science Bureau gave"; Lin: anTown.
			"LocalGovernment": {3, 2, runes("The Science Bureau gave") + runes(anTown), 3, 2, runes("The Science Bureau gave") + runes(anTown)},
			// SpinoffFounder + ReturneeEntrepreneur + DiversifyingFirm.
			"Entrepreneur": {0, 0, 0, 5, 3, runes(anFunding) + runes(anSubsidy) + runes(anWuTown)},
		}
		for k, w := range want {
			if got[k] != w {
				t.Errorf("%s: %v, want %v", k, got[k], w)
			}
		}
		if ft.Total.Codings != 9 || ft.Total.Documents != 3 {
			t.Errorf("total %+v, want 9 codings in 3 documents", ft.Total)
		}
		people := must(t, dir, "frequencies")
		if !strings.Contains(people, "    SpinoffFounder") || !strings.Contains(people, "9 codings in 3 documents") {
			t.Errorf("frequencies for people:\n%s", people)
		}
	})

	t.Run("FrequenciesByAttr", func(t *testing.T) {
		for _, tc := range []struct {
			by   string
			keys map[string]int // key → codings
		}{
			{"coder", map[string]int{"ann": 5, "ben": 4}},
			{"firm_type", map[string]int{"spin-off": 5, "returnee": 3, "diversifying": 1, "government": 0, "mixed": 0}},
			{"attr:year", map[string]int{"2021": 0, "2023": 9}},
			{"kind", map[string]int{"interview": 9, "focus-group": 0, "policy": 0}},
		} {
			out := must(t, dir, "frequencies", "--by", tc.by, "--json")
			var ft struct {
				By   string `json:"by"`
				Attr string `json:"attr"`
				Rows []struct {
					Key     string `json:"key"`
					Codings int    `json:"codings"`
					Codes   int    `json:"codes"`
				} `json:"rows"`
			}
			json.Unmarshal([]byte(out), &ft)
			got := map[string]int{}
			for _, r := range ft.Rows {
				got[r.Key] = r.Codings
			}
			if !reflect.DeepEqual(got, tc.keys) {
				t.Errorf("--by %s: %v, want %v", tc.by, got, tc.keys)
			}
		}
		var ft struct {
			Rows []struct {
				Key   string `json:"key"`
				Label string `json:"label"`
			} `json:"rows"`
		}
		json.Unmarshal([]byte(must(t, dir, "frequencies", "--by", "doc", "--json")), &ft)
		if len(ft.Rows) != 5 || ft.Rows[0].Label != "focus_group_park.vtt" {
			t.Errorf("--by doc rows %+v", ft.Rows)
		}
		if r := qg(t, dir, "frequencies", "--by", "sector"); r.code != 1 || !strings.Contains(r.stderr, "firm_type, kind, region") {
			t.Errorf("unknown attribute: exit %d, %s", r.code, r.stderr)
		}
	})

	t.Run("Cooccur", func(t *testing.T) {
		type pair struct {
			A          string   `json:"a"`
			B          string   `json:"b"`
			Count      int      `json:"count"`
			C          *float64 `json:"c"`
			OutOfRange bool     `json:"out_of_range"`
		}
		type result struct {
			Unit  string `json:"unit"`
			Codes []struct {
				Code string `json:"code"`
				N    int    `json:"n"`
			} `json:"codes"`
			Pairs []pair `json:"pairs"`
		}
		c := func(x float64) *float64 { return &x }
		for _, tc := range []struct {
			unit  string
			n     map[string]int
			pairs []pair
		}{
			{"overlap", map[string]int{"DiversifyingFirm": 1, "LocalGovernment": 3, "ReturneeEntrepreneur": 2, "SpinoffFounder": 2, "StartupPark": 1},
				[]pair{{"LocalGovernment", "ReturneeEntrepreneur", 2, c(2.0 / 3), false}, {"LocalGovernment", "SpinoffFounder", 4, c(4), true}}},
			{"document", map[string]int{"DiversifyingFirm": 1, "LocalGovernment": 2, "ReturneeEntrepreneur": 1, "SpinoffFounder": 1, "StartupPark": 1},
				[]pair{{"LocalGovernment", "ReturneeEntrepreneur", 1, c(0.5), false}, {"LocalGovernment", "SpinoffFounder", 1, c(0.5), false},
					{"LocalGovernment", "StartupPark", 1, c(0.5), false}, {"SpinoffFounder", "StartupPark", 1, c(1), false}}},
		} {
			t.Run(tc.unit, func(t *testing.T) {
				out := must(t, dir, "cooccur", "--unit", tc.unit, "--json")
				jsonKeys(t, "cooccur", out, "unit", "codes", "pairs", "coders")
				var r result
				json.Unmarshal([]byte(out), &r)
				n := map[string]int{}
				for _, x := range r.Codes {
					n[x.Code] = x.N
				}
				if r.Unit != tc.unit || !reflect.DeepEqual(n, tc.n) {
					t.Errorf("unit %s codes %v, want %v", r.Unit, n, tc.n)
				}
				if len(r.Pairs) != len(tc.pairs) {
					t.Fatalf("pairs %+v, want %+v", r.Pairs, tc.pairs)
				}
				for i, w := range tc.pairs {
					g := r.Pairs[i]
					if g.A != w.A || g.B != w.B || g.Count != w.Count || g.OutOfRange != w.OutOfRange ||
						(g.C == nil) != (w.C == nil) || g.C != nil && fmt.Sprintf("%.6f", *g.C) != fmt.Sprintf("%.6f", *w.C) {
						t.Errorf("pair %d = %+v, want %+v", i, g, w)
					}
				}
			})
		}
		// 4 pairs over n = 3 and 2: c = 4/(3+2−4) = 4, flagged.
		var r result
		json.Unmarshal([]byte(must(t, dir, "cooccur", "--codes", "SpinoffFounder,LocalGovernment", "--coder", "ann", "--json")), &r)
		if len(r.Pairs) != 1 || r.Pairs[0].Count != 1 || r.Pairs[0].A != "SpinoffFounder" || *r.Pairs[0].C != 0.5 {
			t.Errorf("ann's codings only: %+v", r.Pairs)
		}
		out := must(t, dir, "cooccur", "--unit", "segment", "--json")
		jsonKeys(t, "cooccur segment", out, "unit", "codes", "pairs", "coders")
		people := must(t, dir, "cooccur")
		if !strings.Contains(people, "4.000 !") || !strings.Contains(people, "out of range") {
			t.Errorf("cooccur for people:\n%s", people)
		}
		if r := qg(t, dir, "cooccur", "--unit", "sentence"); r.code != 2 {
			t.Errorf("bad unit: exit %d", r.code)
		}
		if r := qg(t, dir, "cooccur", "--codes", "SpinofFounder"); r.code != 1 || !strings.Contains(r.stderr, "SpinoffFounder") {
			t.Errorf("unknown code: exit %d %s", r.code, r.stderr)
		}
	})

	t.Run("Matrix", func(t *testing.T) {
		type matrix struct {
			Attr   string   `json:"attr"`
			Count  string   `json:"count"`
			Values []string `json:"values"`
			Docs   []int    `json:"docs"`
			Rows   []struct {
				Code  string `json:"code"`
				Cells []int  `json:"cells"`
				Total int    `json:"total"`
			} `json:"rows"`
		}
		values := []string{"diversifying", "government", "mixed", "returnee", "spin-off"}
		for _, tc := range []struct {
			args []string
			rows map[string][]int
		}{
			{[]string{"--by", "firm_type"}, map[string][]int{
				"DiversifyingFirm": {1, 0, 0, 0, 0}, "LocalGovernment": {0, 0, 0, 1, 2}, "ReturneeEntrepreneur": {0, 0, 0, 2, 0},
				"SpinoffFounder": {0, 0, 0, 0, 2}, "StartupPark": {0, 0, 0, 0, 1}}},
			{[]string{"--by", "firm_type", "--count", "documents", "--codes", "LocalGovernment"}, map[string][]int{
				"LocalGovernment": {0, 0, 0, 1, 1}}},
			// Words: "The Science Bureau gave" = 4; 镇政府给了我们八十万元人才补贴 = 15 characters.
			{[]string{"--by", "firm_type", "--count", "words", "--codes", "LocalGovernment"}, map[string][]int{
				"LocalGovernment": {0, 0, 0, 15, 4}}},
			{[]string{"--by", "firm_type", "--codes", "Entrepreneur", "--subcodes"}, map[string][]int{
				"Entrepreneur": {1, 0, 0, 2, 2}}},
		} {
			t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
				out := must(t, dir, append([]string{"matrix", "--json"}, tc.args...)...)
				jsonKeys(t, "matrix", out, "attr", "count", "values", "docs", "rows", "coders")
				var m matrix
				json.Unmarshal([]byte(out), &m)
				if !reflect.DeepEqual(m.Values, values) || !reflect.DeepEqual(m.Docs, []int{1, 1, 1, 1, 1}) {
					t.Errorf("values %v docs %v", m.Values, m.Docs)
				}
				got := map[string][]int{}
				for _, r := range m.Rows {
					got[r.Code] = r.Cells
				}
				if !reflect.DeepEqual(got, tc.rows) {
					t.Errorf("rows %v, want %v", got, tc.rows)
				}
			})
		}
		if r := qg(t, dir, "matrix"); r.code != 2 {
			t.Errorf("matrix without --by: exit %d", r.code)
		}
	})

	t.Run("Centrality", func(t *testing.T) {
		out := must(t, dir, "centrality", "--json")
		jsonKeys(t, "centrality", out, "measure", "direction", "weighted", "relations", "phases", "nodes", "edges", "scores", "coders")
		type cent struct {
			Measure string `json:"measure"`
			Nodes   int    `json:"nodes"`
			Edges   int    `json:"edges"`
			Scores  []struct {
				Node  string  `json:"node"`
				Label string  `json:"label"`
				Type  string  `json:"type"`
				Value float64 `json:"value"`
			} `json:"scores"`
		}
		var r cent
		json.Unmarshal([]byte(out), &r)
		// Six ties between entities; the retracted one and the
		// takesPosition statements are left out.
		if r.Nodes != 7 || r.Edges != 6 || r.Scores[0].Node != "lumenkey" || r.Scores[0].Value != 4 || r.Scores[0].Label != "Lumenkey (Chen Hao)" {
			t.Errorf("degree: %+v", r)
		}
		json.Unmarshal([]byte(must(t, dir, "centrality", "--measure", "betweenness", "--json")), &r)
		if r.Scores[0].Node != "lumenkey" || r.Scores[0].Value != 3 || r.Scores[1].Node != "linyue" || r.Scores[1].Value != 1 {
			t.Errorf("betweenness: %+v", r.Scores[:2])
		}
		json.Unmarshal([]byte(must(t, dir, "centrality", "--measure", "pagerank", "--relation", "funds", "--json")), &r)
		if r.Edges != 2 || r.Nodes != 7 {
			t.Errorf("pagerank over funds: %d edges", r.Edges)
		}
		json.Unmarshal([]byte(must(t, dir, "centrality", "--phase", "Restructuring", "--json")), &r)
		if r.Edges != 2 {
			t.Errorf("phase Restructuring: %d edges, want 2", r.Edges)
		}
		if r := qg(t, dir, "centrality", "--relation", "fundz"); r.code != 1 || !strings.Contains(r.stderr, "funds") {
			t.Errorf("unknown relation: exit %d %s", r.code, r.stderr)
		}
		if r := qg(t, dir, "centrality", "--measure", "closeness"); r.code != 2 {
			t.Errorf("bad measure: exit %d", r.code)
		}
		if out := must(t, dir, "centrality"); !strings.Contains(out, "lumenkey") || !strings.Contains(out, "DEGREE") {
			t.Errorf("people's table:\n%s", out)
		}
	})

	t.Run("Network", func(t *testing.T) {
		type net struct {
			Kind          string `json:"kind"`
			Directed      bool   `json:"directed"`
			Qualifier     string `json:"qualifier"`
			Normalization string `json:"normalization"`
			Nodes         []struct {
				ID   string `json:"id"`
				Mode string `json:"mode"`
			} `json:"nodes"`
			Edges []struct {
				Source     string   `json:"source"`
				Target     string   `json:"target"`
				Weight     float64  `json:"weight"`
				Relation   string   `json:"relation"`
				Assertions []string `json:"assertions"`
			} `json:"edges"`
		}
		var n net
		out := must(t, dir, "network", "--json")
		jsonKeys(t, "network", out, "kind", "directed", "qualifier", "normalization", "nodes", "edges", "coders")
		json.Unmarshal([]byte(out), &n)
		// lumenkey and linyue both support Certification.
		if n.Kind != "actor" || len(n.Edges) != 1 || n.Edges[0].Source != "linyue" || n.Edges[0].Target != "lumenkey" {
			t.Errorf("actor network: %+v", n)
		}
		json.Unmarshal([]byte(must(t, dir, "network", "--qualifier", "conflict", "--format", "json")), &n)
		if len(n.Edges) != 2 {
			t.Errorf("conflict network: %+v", n.Edges)
		}
		json.Unmarshal([]byte(must(t, dir, "network", "--mode", "twomode", "--json")), &n)
		if n.Kind != "two-mode" || len(n.Edges) != 3 || n.Nodes[len(n.Nodes)-1].ID != "class:Certification" {
			t.Errorf("two-mode network: %+v", n)
		}
		json.Unmarshal([]byte(must(t, dir, "network", "--via", "relation", "--json")), &n)
		if n.Kind != "relation" || !n.Directed || len(n.Edges) != 6 {
			t.Errorf("relation network: %+v", n)
		}
		out = must(t, dir, "network", "--window", "months", "--size", "1", "--json")
		jsonKeys(t, "network --window", out, "unit", "size", "step", "windows", "undated", "early", "coders")
		var s struct {
			Windows []struct {
				Index      int       `json:"index"`
				Start      time.Time `json:"start"`
				End        time.Time `json:"end"`
				Statements int       `json:"statements"`
				Network    net       `json:"network"`
			} `json:"windows"`
		}
		json.Unmarshal([]byte(out), &s)
		// Chen's interview is dated 2023-04-12, Lin's 2023-05-18.
		if len(s.Windows) != 2 || s.Windows[0].Statements != 1 || s.Windows[1].Statements != 2 ||
			!s.Windows[0].Start.Equal(time.Date(2023, 4, 1, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("windows %+v", s.Windows)
		}
		for _, format := range []string{"gexf", "graphml"} {
			file := filepath.Join(t.TempDir(), "net."+format)
			must(t, dir, "network", "--via", "relation", "--format", format, "--out", file)
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			nodes, edges := xmlCount(t, b)
			if nodes != 7 || edges != 6 {
				t.Errorf("%s: %d nodes, %d edges, want 7 and 6", format, nodes, edges)
			}
		}
		if out := must(t, dir, "network", "--window", "years", "--size", "1"); !strings.Contains(out, "<gexf") {
			t.Error("dynamic GEXF missing")
		}
		csvOut := must(t, dir, "network", "--via", "relation", "--format", "csv")
		if !strings.HasPrefix(csvOut, "source,target,weight,relation") {
			t.Errorf("edge CSV:\n%s", csvOut)
		}
		for _, args := range [][]string{{"--mode", "three"}, {"--format", "pdf"}, {"--via", "relation", "--window", "years", "--size", "1"}, {"--window", "years"}} {
			if r := qg(t, dir, append([]string{"network"}, args...)...); r.code != 2 {
				t.Errorf("network %v: exit %d, want 2", args, r.code)
			}
		}
		if r := qg(t, dir, "network", "--window", "years", "--size", "1", "--date-attr", "when"); r.code != 1 || !strings.Contains(r.stderr, "date") {
			t.Errorf("unknown --date-attr: exit %d %s", r.code, r.stderr)
		}
	})

	t.Run("Agreement", func(t *testing.T) {
		out := must(t, dir, "agreement", "--coders", "ann,ben", "--json")
		m := jsonKeys(t, "agreement", out, "coders", "docs", "chars", "units", "codes", "overall", "documents", "warnings")
		var r struct {
			Coders []string `json:"coders"`
			Docs   int      `json:"docs"`
			Chars  int      `json:"chars"`
			Units  int      `json:"units"`
			Codes  []struct {
				Code  string `json:"code"`
				Pairs []struct {
					Percent float64 `json:"percent_agreement"`
					Kappa   float64 `json:"kappa"`
				} `json:"pairs"`
				AlphaU        struct{ Value *float64 }  `json:"alpha_u"`
				AlphaSegments *struct{ Value *float64 } `json:"alpha_segments"`
			} `json:"codes"`
		}
		json.Unmarshal([]byte(out), &r)
		// Chen's and Lin's interviews: the documents both coded.
		chars := runes(f.texts[f.ids[anChenName]]) + runes(f.texts[f.ids[anLinName]])
		if r.Docs != 2 || r.Chars != chars || r.Units == 0 || !reflect.DeepEqual(r.Coders, []string{"ann", "ben"}) {
			t.Errorf("report %+v (want 2 documents, %d chars)", r, chars)
		}
		for _, c := range r.Codes {
			if c.Code == "SpinoffFounder" && (c.Pairs[0].Percent != 100 || c.Pairs[0].Kappa != 1 || *c.AlphaU.Value != 1 || c.AlphaSegments == nil) {
				t.Errorf("SpinoffFounder, coded alike: %+v", c)
			}
		}
		var overall map[string]json.RawMessage
		json.Unmarshal(m["overall"], &overall)
		if _, ok := overall["alpha_segments"]; !ok {
			t.Errorf("overall lacks alpha_segments: %s", m["overall"])
		}
		people := must(t, dir, "agreement", "--coders", "ann,ben", "--code", "SpinoffFounder")
		if !strings.Contains(people, "ann × ben") || !strings.Contains(people, "100.0") {
			t.Errorf("agreement for people:\n%s", people)
		}
		if r := qg(t, dir, "agreement", "--coders", "ann"); r.code != 2 {
			t.Errorf("one coder: exit %d", r.code)
		}
		if r := qg(t, dir, "agreement", "--coders", "ann,zoe"); r.code != 1 || !strings.Contains(r.stderr, "zoe") {
			t.Errorf("unknown coder: exit %d %s", r.code, r.stderr)
		}
	})
}

// xmlCount parses b as XML and counts node and edge elements.
func xmlCount(t *testing.T, b []byte) (nodes, edges int) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(b))
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			switch se.Name.Local {
			case "node":
				nodes++
			case "edge":
				edges++
			}
		}
	}
}

func TestExportCommand(t *testing.T) {
	f := analysisProject(t)
	dir := f.dir
	out := t.TempDir()
	file := func(name string) string { return filepath.Join(out, name) }
	type exported struct {
		Format     string `json:"format"`
		Out        string `json:"out"`
		Codings    int    `json:"codings"`
		Assertions int    `json:"assertions"`
		Entities   int    `json:"entities"`
		Documents  int    `json:"documents"`
		Quads      int    `json:"quads"`
	}
	export := func(t *testing.T, args ...string) exported {
		t.Helper()
		o := must(t, dir, append([]string{"export", "--json"}, args...)...)
		jsonKeys(t, "export", o, "format", "out", "codings", "assertions", "entities", "documents", "quads")
		var e exported
		json.Unmarshal([]byte(o), &e)
		return e
	}

	t.Run("CSV", func(t *testing.T) {
		e := export(t, "csv", file("codings.csv"))
		if e.Codings != 9 || e.Documents != 5 {
			t.Errorf("export: %+v", e)
		}
		b, err := os.ReadFile(file("codings.csv"))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"id", "doc_id", "doc_name", "date", "firm_type", "region", "year", "code", "code_path", "coder", "start", "end", "created", "memo", "quote"}
		if !reflect.DeepEqual(rows[0], want) {
			t.Fatalf("header %q, want %q", rows[0], want)
		}
		if len(rows) != 10 {
			t.Fatalf("%d rows, want 9 codings", len(rows)-1)
		}
		names := map[string]string{}
		for n, id := range f.ids {
			names[id] = n
		}
		for _, r := range rows[1:] {
			start, _ := strconv.Atoi(r[10])
			end, _ := strconv.Atoi(r[11])
			if got := string([]rune(f.texts[r[1]])[start:end]); got != r[14] {
				t.Errorf("quote %q, the text says %q", r[14], got)
			}
			if names[r[1]] != r[2] || r[3] == "" || r[6] != "2023" {
				t.Errorf("row %q", r)
			}
			if _, err := time.Parse(time.RFC3339, r[12]); err != nil {
				t.Errorf("created %q", r[12])
			}
		}
		export(t, "csv", file("ann.csv"), "--coder", "ann", "--code", "Entrepreneur", "--bom")
		b, _ = os.ReadFile(file("ann.csv"))
		if !bytes.HasPrefix(b, []byte("\uFEFF")) {
			t.Error("--bom: no byte order mark")
		}
		rows, _ = csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\uFEFF")))).ReadAll()
		if len(rows) != 4 { // ann's SpinoffFounder, ReturneeEntrepreneur, DiversifyingFirm
			t.Errorf("filtered rows: %q", rows)
		}
	})

	t.Run("JSONL", func(t *testing.T) {
		export(t, "jsonl", file("codings.jsonl"))
		fh, err := os.Open(file("codings.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		defer fh.Close()
		sc := bufio.NewScanner(fh)
		n := 0
		for sc.Scan() {
			jsonKeys(t, "jsonl line", sc.Text(), "id", "doc_id", "doc_name", "attrs", "code", "code_path", "coder", "start", "end", "created", "memo", "quote")
			n++
		}
		if n != 9 {
			t.Errorf("%d lines, want 9", n)
		}
	})

	t.Run("XLSX", func(t *testing.T) {
		export(t, "xlsx", file("project.xlsx"))
		x, err := excelize.OpenFile(file("project.xlsx"))
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		counts := map[string]int{"codings": 9, "assertions": 10, "entities": 7, "documents": 5}
		for sheet, n := range counts {
			rows, err := x.GetRows(sheet)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows)-1 != n {
				t.Errorf("sheet %s: %d rows, want %d", sheet, len(rows)-1, n)
			}
		}
		csvRows, _ := csv.NewReader(mustOpen(t, file("codings.csv"))).ReadAll()
		rows, _ := x.GetRows("codings")
		for i := range csvRows {
			got := rows[i]
			for len(got) < len(csvRows[i]) {
				got = append(got, "")
			}
			if !reflect.DeepEqual(got, csvRows[i]) {
				t.Errorf("xlsx row %d\n%q, csv\n%q", i, got, csvRows[i])
			}
		}
	})

	t.Run("Graph", func(t *testing.T) {
		for _, format := range []string{"gexf", "graphml"} {
			e := export(t, format, file("graph."+format))
			b, _ := os.ReadFile(file("graph." + format))
			nodes, edges := xmlCount(t, b)
			// 7 entities and the concept Certification; 9 assertions not retracted.
			if nodes != 8 || edges != 9 || e.Entities != 7 {
				t.Errorf("%s: %d nodes, %d edges", format, nodes, edges)
			}
			for _, s := range []string{"行业协会", "takesPosition", "Restructuring", "0.8"} {
				if !bytes.Contains(b, []byte(s)) {
					t.Errorf("%s lacks %q", format, s)
				}
			}
		}
		export(t, "dot", file("graph.dot"))
		b, _ := os.ReadFile(file("graph.dot"))
		if n := bytes.Count(b, []byte(" -> ")); n != 9 || !bytes.HasPrefix(b, []byte("digraph")) {
			t.Errorf("dot: %d edges\n%s", n, b)
		}
	})

	t.Run("RDF", func(t *testing.T) {
		e := export(t, "nquads", file("graph.nq"))
		b, _ := os.ReadFile(file("graph.nq"))
		lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
		if e.Quads < 100 || len(lines) != e.Quads {
			t.Fatalf("%d lines, %d quads reported", len(lines), e.Quads)
		}
		for _, l := range lines {
			// Every quad has its label: four terms and a dot.
			if !strings.HasSuffix(l, "> .") || !strings.HasPrefix(l, "<") {
				t.Fatalf("quad without label: %s", l)
			}
		}
		j := export(t, "jsonld", file("graph.jsonld"))
		var doc any
		if err := json.Unmarshal(mustRead(t, file("graph.jsonld")), &doc); err != nil || j.Quads != e.Quads {
			t.Errorf("jsonld: %v, %d quads vs %d", err, j.Quads, e.Quads)
		}
	})

	t.Run("REFIQDA", func(t *testing.T) {
		export(t, "qdpx", file("project.qdpx"))
		zr, err := zip.OpenReader(file("project.qdpx"))
		if err != nil {
			t.Fatal(err)
		}
		zr.Close()
		export(t, "qdc", file("codebook.qdc"))
		if b := mustRead(t, file("codebook.qdc")); !bytes.Contains(b, []byte("CodeBook")) {
			t.Errorf("qdc:\n%.300s", b)
		}
	})

	t.Run("Stdout", func(t *testing.T) {
		o := must(t, dir, "export", "dot", "-")
		if !strings.HasPrefix(o, "digraph") {
			t.Errorf("export dot -: %.100s", o)
		}
	})

	t.Run("Refused", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			args []string
			code int
			msg  string
		}{
			{"BadFormat", []string{"export", "pdf", file("x.pdf")}, 2, "unknown format"},
			{"Usage", []string{"export", "csv"}, 2, "usage"},
			{"WholeGraphFiltered", []string{"export", "nquads", file("x.nq"), "--coder", "ann"}, 2, "do not apply"},
			{"BOMNotCSV", []string{"export", "jsonl", file("x.jsonl"), "--bom"}, 2, "csv only"},
			{"UnknownCode", []string{"export", "csv", file("x.csv"), "--code", "Entrepeneur"}, 1, "Entrepreneur"},
			{"UnknownDoc", []string{"export", "csv", file("x.csv"), "--doc", "nope.txt"}, 1, "nope.txt"},
			{"NoFolder", []string{"export", "csv", filepath.Join(out, "missing", "x.csv")}, 1, "does not exist"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := qg(t, dir, tc.args...)
				if r.code != tc.code || !strings.Contains(r.stderr, tc.msg) {
					t.Fatalf("exit %d (want %d), stderr %q (want %q)", r.code, tc.code, r.stderr, tc.msg)
				}
			})
		}
		ents, _ := os.ReadDir(out)
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), "x.") || strings.Contains(e.Name(), ".tmp") {
				t.Errorf("a refused export left %s", e.Name())
			}
		}
	})
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustOpen(t *testing.T, name string) io.Reader { return bytes.NewReader(mustRead(t, name)) }

// TestAnalysisAtScale times the analysis commands on the benchmark
// project (internal/benchproj: 2,000 documents, 200,000 codings by three
// coders). It is slow to build, so it runs only with QUALGRAPH_SCALE=1;
// QUALGRAPH_SCALE_DIR keeps the project between runs.
func TestAnalysisAtScale(t *testing.T) {
	if os.Getenv("QUALGRAPH_SCALE") == "" {
		t.Skip("set QUALGRAPH_SCALE=1 to build the 200,000-coding project and time the commands")
	}
	base := os.Getenv("QUALGRAPH_SCALE_DIR")
	if base == "" {
		base = t.TempDir()
	}
	start := time.Now()
	dir, _, err := benchproj.Ensure(base, benchproj.Options{DocSize: 4000})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("project ready in %v: %s", time.Since(start).Round(time.Millisecond), dir)
	for _, tc := range []struct {
		args  []string
		limit time.Duration // 0: no limit, only logged
	}{
		{[]string{"cooccur", "--json"}, time.Second},
		{[]string{"cooccur", "--unit", "document", "--json"}, 0},
		{[]string{"cooccur", "--unit", "segment", "--json"}, 0},
		{[]string{"frequencies", "--json"}, 0},
		{[]string{"frequencies", "--by", "doc", "--json"}, 0},
		{[]string{"matrix", "--by", "kind", "--json"}, 0},
		{[]string{"matrix", "--by", "year", "--count", "words", "--json"}, 0},
		{[]string{"centrality", "--measure", "betweenness", "--json"}, 0},
		{[]string{"agreement", "--coders", "anna,bo", "--json"}, 0},
	} {
		best := time.Duration(1 << 62)
		for i := 0; i < 3; i++ {
			s := time.Now()
			must(t, dir, tc.args...)
			best = min(best, time.Since(s))
		}
		t.Logf("qualgraph %-45s %v (best of 3, whole process)", strings.Join(tc.args, " "), best.Round(time.Millisecond))
		if tc.limit > 0 && best > tc.limit {
			t.Errorf("qualgraph %s took %v, want under %v", strings.Join(tc.args, " "), best, tc.limit)
		}
	}
	for _, format := range []string{"csv", "xlsx", "nquads"} {
		s := time.Now()
		must(t, dir, "export", format, filepath.Join(t.TempDir(), "out."+format))
		t.Logf("qualgraph export %-7s %v", format, time.Since(s).Round(time.Millisecond))
	}
}
