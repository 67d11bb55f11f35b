package network

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/qualgraph/qualgraph/internal/cellsafe"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// trickyMeta gives the fixture's nodes labels that must survive XML, CSV
// and JSON: Chinese, emoji, markup characters, quotes, tab and newline.
func trickyMeta() Meta {
	return Meta{
		"A": {Label: `东莞市科技局 <Science & Technology> "Bureau"`, Type: "LocalGovernment"},
		"B": {Label: "华为 🚀 Huawei", Type: "Firm"},
		"C": {Label: "tab\there\nnew line, comma", Type: "Association"},
		"D": {Label: "Ünïcödé 'single' 👩‍🔬", Type: "University"},
		"x": {Label: "产业升级 industrial upgrading", Type: "Concept"},
		"y": {Label: "🏭 factories & <jobs>", Type: "Concept"},
	}
}

func writerCases(t *testing.T) map[string]*Network {
	t.Helper()
	meta := trickyMeta()
	two, err := TwoMode(twoModeFixture(), meta, Options{Qualifier: Combine})
	if err != nil {
		t.Fatal(err)
	}
	actor, err := ActorNetwork(fixture(), meta, Options{Qualifier: Subtract, Normalization: Jaccard})
	if err != nil {
		t.Fatal(err)
	}
	rel, err := RelationNetwork(relationTies(), Meta{"firm": {Label: "比亚迪 BYD", Type: "Firm"}}, RelationOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return map[string]*Network{"twomode": two, "actor": actor, "relation": rel}
}

// golden compares got with testdata/writers/<dir>/<file>, or rewrites the
// file with -update.
func golden(t *testing.T, dir, file string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "writers", dir, file)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run go test -update after checking the change):\n%s", path, got)
	}
}

func TestWriters(t *testing.T) {
	for name, n := range writerCases(t) {
		t.Run(name, func(t *testing.T) {
			var gexf, graphml, edges, nodes, js bytes.Buffer
			if err := WriteGEXF(&gexf, n); err != nil {
				t.Fatal(err)
			}
			if err := WriteGraphML(&graphml, n); err != nil {
				t.Fatal(err)
			}
			if err := WriteEdgeCSV(&edges, n); err != nil {
				t.Fatal(err)
			}
			if err := WriteNodeCSV(&nodes, n); err != nil {
				t.Fatal(err)
			}
			if err := WriteJSON(&js, n); err != nil {
				t.Fatal(err)
			}
			checkGEXF(t, gexf.Bytes(), n)
			checkGraphML(t, graphml.Bytes(), n)
			checkCSV(t, edges.Bytes(), nodes.Bytes(), n)
			checkJSON(t, js.Bytes(), n)
			golden(t, name, "network.gexf", gexf.Bytes())
			golden(t, name, "network.graphml", graphml.Bytes())
			golden(t, name, "edges.csv", edges.Bytes())
			golden(t, name, "nodes.csv", nodes.Bytes())
			golden(t, name, "network.json", js.Bytes())
		})
	}
}

// Test-side readers: independent of the writer's types.

type tValue struct {
	For   string `xml:"for,attr"`
	Value string `xml:"value,attr"`
	Start string `xml:"start,attr"`
	End   string `xml:"end,attr"`
}

type tGEXF struct {
	XMLName xml.Name `xml:"http://www.gexf.net/1.2draft gexf"`
	Version string   `xml:"version,attr"`
	Graph   struct {
		DefaultEdgeType string `xml:"defaultedgetype,attr"`
		Mode            string `xml:"mode,attr"`
		TimeFormat      string `xml:"timeformat,attr"`
		Attributes      []struct {
			Class     string `xml:"class,attr"`
			Attribute []struct {
				ID    string `xml:"id,attr"`
				Title string `xml:"title,attr"`
				Type  string `xml:"type,attr"`
			} `xml:"attribute"`
		} `xml:"http://www.gexf.net/1.2draft attributes"`
		Nodes []struct {
			ID     string   `xml:"id,attr"`
			Label  string   `xml:"label,attr"`
			Values []tValue `xml:"attvalues>attvalue"`
			Spells []struct {
				Start string `xml:"start,attr"`
				End   string `xml:"end,attr"`
			} `xml:"spells>spell"`
		} `xml:"nodes>node"`
		Edges []struct {
			ID     string   `xml:"id,attr"`
			Source string   `xml:"source,attr"`
			Target string   `xml:"target,attr"`
			Weight string   `xml:"weight,attr"`
			Kind   string   `xml:"kind,attr"`
			Values []tValue `xml:"attvalues>attvalue"`
			Spells []struct {
				Start string `xml:"start,attr"`
				End   string `xml:"end,attr"`
			} `xml:"spells>spell"`
		} `xml:"edges>edge"`
	} `xml:"graph"`
}

func valueMap(vs []tValue) map[string]string {
	m := make(map[string]string)
	for _, v := range vs {
		m[v.For] = v.Value
	}
	return m
}

func wantNodeValues(nd Node) map[string]string {
	return map[string]string{"type": nd.Type, "mode": nd.Mode, "frequency": strconv.Itoa(nd.Frequency)}
}

func wantEdgeValues(k Kind, e Edge) map[string]string {
	m := make(map[string]string)
	for _, a := range edgeAttrs(k) {
		m[a.id] = a.edge(e)
	}
	return m
}

func parseWeight(t *testing.T, s string) float64 {
	t.Helper()
	w, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("weight %q: %v", s, err)
	}
	return w
}

func checkGEXF(t *testing.T, data []byte, n *Network) {
	t.Helper()
	var doc tGEXF
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("GEXF does not parse: %v", err)
	}
	g := doc.Graph
	if doc.Version != "1.2" || g.DefaultEdgeType != edgeType(n) || g.Mode != "static" {
		t.Errorf("version %q edge type %q mode %q", doc.Version, g.DefaultEdgeType, g.Mode)
	}
	declared := map[string]bool{}
	for _, as := range g.Attributes {
		for _, a := range as.Attribute {
			declared[as.Class+"/"+a.ID] = true
		}
	}
	if len(g.Nodes) != len(n.Nodes) || len(g.Edges) != len(n.Edges) {
		t.Fatalf("GEXF has %d nodes and %d edges, want %d and %d", len(g.Nodes), len(g.Edges), len(n.Nodes), len(n.Edges))
	}
	for i, nd := range n.Nodes {
		gn := g.Nodes[i]
		if gn.ID != nd.ID || gn.Label != nd.Label {
			t.Errorf("node %d: id %q label %q, want %q %q", i, gn.ID, gn.Label, nd.ID, nd.Label)
		}
		if got := valueMap(gn.Values); !reflect.DeepEqual(got, wantNodeValues(nd)) {
			t.Errorf("node %s: values %v, want %v", nd.ID, got, wantNodeValues(nd))
		}
		for _, v := range gn.Values {
			if !declared["node/"+v.For] {
				t.Errorf("node value for undeclared attribute %q", v.For)
			}
		}
	}
	for i, e := range n.Edges {
		ge := g.Edges[i]
		if ge.Source != e.Source || ge.Target != e.Target || parseWeight(t, ge.Weight) != e.Weight {
			t.Errorf("edge %d: %s→%s weight %s, want %s→%s %v", i, ge.Source, ge.Target, ge.Weight, e.Source, e.Target, e.Weight)
		}
		if got, want := valueMap(ge.Values), wantEdgeValues(n.Kind, e); !reflect.DeepEqual(got, want) {
			t.Errorf("edge %d: values %v, want %v", i, got, want)
		}
		for _, v := range ge.Values {
			if !declared["edge/"+v.For] {
				t.Errorf("edge value for undeclared attribute %q", v.For)
			}
		}
		if n.Kind == RelationKind && ge.Kind != e.Relation {
			t.Errorf("edge %d: kind %q, want %q", i, ge.Kind, e.Relation)
		}
	}
}

type tGraphML struct {
	XMLName xml.Name `xml:"http://graphml.graphdrawing.org/xmlns graphml"`
	Keys    []struct {
		ID       string `xml:"id,attr"`
		For      string `xml:"for,attr"`
		AttrName string `xml:"attr.name,attr"`
		AttrType string `xml:"attr.type,attr"`
	} `xml:"key"`
	Graph struct {
		EdgeDefault string `xml:"edgedefault,attr"`
		Nodes       []struct {
			ID   string  `xml:"id,attr"`
			Data []tData `xml:"data"`
		} `xml:"node"`
		Edges []struct {
			Source string  `xml:"source,attr"`
			Target string  `xml:"target,attr"`
			Data   []tData `xml:"data"`
		} `xml:"edge"`
	} `xml:"graph"`
}

type tData struct {
	Key   string `xml:"key,attr"`
	Value string `xml:",chardata"`
}

func dataMap(ds []tData) map[string]string {
	m := make(map[string]string)
	for _, d := range ds {
		m[d.Key] = d.Value
	}
	return m
}

func checkGraphML(t *testing.T, data []byte, n *Network) {
	t.Helper()
	var doc tGraphML
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("GraphML does not parse: %v", err)
	}
	keys := map[string]string{}
	for _, k := range doc.Keys {
		keys[k.For+"/"+k.ID] = k.AttrType
	}
	g := doc.Graph
	if g.EdgeDefault != edgeType(n) || len(g.Nodes) != len(n.Nodes) || len(g.Edges) != len(n.Edges) {
		t.Fatalf("GraphML: edgedefault %q, %d nodes, %d edges; want %q, %d, %d",
			g.EdgeDefault, len(g.Nodes), len(g.Edges), edgeType(n), len(n.Nodes), len(n.Edges))
	}
	qid := map[string]string{} // GraphML id → qualgraph id
	for i, nd := range n.Nodes {
		gn := g.Nodes[i]
		got := dataMap(gn.Data)
		qid[gn.ID] = got["id"]
		if gn.ID != nd.ID {
			t.Errorf("node %d: GraphML id %q, want the qualgraph id %q", i, gn.ID, nd.ID)
		}
		want := wantNodeValues(nd)
		want["id"], want["label"] = nd.ID, nd.Label
		if !reflect.DeepEqual(got, want) {
			t.Errorf("node %d: data %q, want %q", i, got, want)
		}
		for k := range got {
			if keys["node/"+k] == "" {
				t.Errorf("node data for undeclared key %q", k)
			}
		}
	}
	for i, e := range n.Edges {
		ge := g.Edges[i]
		got := dataMap(ge.Data)
		if qid[ge.Source] != e.Source || qid[ge.Target] != e.Target || parseWeight(t, got["weight"]) != e.Weight {
			t.Errorf("edge %d: %s→%s weight %s, want %s→%s %v", i, qid[ge.Source], qid[ge.Target], got["weight"], e.Source, e.Target, e.Weight)
		}
		want := wantEdgeValues(n.Kind, e)
		want["weight"] = got["weight"]
		if !reflect.DeepEqual(got, want) {
			t.Errorf("edge %d: data %q, want %q", i, got, want)
		}
		for k := range got {
			if keys["edge/"+k] == "" {
				t.Errorf("edge data for undeclared key %q", k)
			}
		}
	}
	if keys["edge/weight"] != "double" || keys["node/label"] != "string" || keys["node/type"] != "string" {
		t.Errorf("keys %v: want weight double, label and type string", keys)
	}
}

func checkCSV(t *testing.T, edges, nodes []byte, n *Network) {
	t.Helper()
	er, err := csv.NewReader(bytes.NewReader(edges)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(er) != len(n.Edges)+1 || !reflect.DeepEqual(er[0], EdgeCSVHeader) {
		t.Fatalf("edge CSV: %d rows, header %v", len(er), er[0])
	}
	for i, e := range n.Edges {
		row := er[i+1]
		if row[0] != e.Source || row[1] != e.Target || parseWeight(t, row[2]) != e.Weight || row[3] != e.Relation ||
			row[4] != e.Qualifier || row[8] != strings.Join(e.Assertions, "|") {
			t.Errorf("edge row %d: %q for %+v", i, row, e)
		}
	}
	nr, err := csv.NewReader(bytes.NewReader(nodes)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(nr) != len(n.Nodes)+1 || !reflect.DeepEqual(nr[0], NodeCSVHeader) {
		t.Fatalf("node CSV: %d rows, header %v", len(nr), nr[0])
	}
	for i, nd := range n.Nodes {
		if want := []string{nd.ID, nd.Label, nd.Type, nd.Mode, strconv.Itoa(nd.Frequency)}; !reflect.DeepEqual(nr[i+1], want) {
			t.Errorf("node row %d: %q, want %q", i, nr[i+1], want)
		}
	}
}

func checkJSON(t *testing.T, data []byte, n *Network) {
	t.Helper()
	var got Network
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	want := *n
	want.Edges = append([]Edge(nil), n.Edges...)
	for i := range want.Edges {
		if want.Edges[i].Via == nil {
			want.Edges[i].Via = []string{}
		}
		if want.Edges[i].Assertions == nil {
			want.Edges[i].Assertions = []string{}
		}
	}
	if !reflect.DeepEqual(&got, &want) {
		t.Errorf("JSON round trip:\n%+v\nwant\n%+v", got, want)
	}
	// The shape is stable: every key present.
	var raw struct {
		Nodes []map[string]any `json:"nodes"`
		Edges []map[string]any `json:"edges"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	for _, e := range raw.Edges {
		for _, k := range []string{"source", "target", "weight", "relation", "qualifier", "positive", "negative", "via", "assertions"} {
			if _, ok := e[k]; !ok {
				t.Errorf("edge %v lacks key %q", e, k)
			}
		}
	}
	for _, nd := range raw.Nodes {
		for _, k := range []string{"id", "label", "type", "mode", "frequency"} {
			if _, ok := nd[k]; !ok {
				t.Errorf("node %v lacks key %q", nd, k)
			}
		}
	}
}

func TestWriteGEXFSeries(t *testing.T) {
	stmts := fixture()
	for i := range stmts {
		stmts[i].Time = day(2021, time.Month(1+i%3), 15)
	}
	opt := Options{Actors: Actors(stmts)}
	s, err := Windows(stmts, WindowOptions{Unit: Months, Size: 2}, func(st []Statement) (*Network, error) {
		return ActorNetwork(st, trickyMeta(), opt)
	})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteGEXFSeries(&buf, s); err != nil {
		t.Fatal(err)
	}
	var doc tGEXF
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("GEXF does not parse: %v", err)
	}
	if doc.Graph.Mode != "dynamic" || doc.Graph.TimeFormat != "date" {
		t.Errorf("mode %q time format %q", doc.Graph.Mode, doc.Graph.TimeFormat)
	}
	// Every edge of every window appears with its weight at the window's
	// timestamp.
	type key struct{ s, t, ts string }
	weightAt := map[key]string{}
	for _, e := range doc.Graph.Edges {
		for _, v := range e.Values {
			if v.For == "weight" {
				if v.Start != v.End {
					t.Errorf("edge %s-%s: weight from %q to %q, want a moment", e.Source, e.Target, v.Start, v.End)
				}
				weightAt[key{e.Source, e.Target, v.Start}] = v.Value
			}
		}
	}
	count := 0
	for _, w := range s.Windows {
		ts := w.Start.Format(time.DateOnly)
		for _, e := range w.Network.Edges {
			count++
			if got := weightAt[key{e.Source, e.Target, ts}]; got == "" || parseWeight(t, got) != e.Weight {
				t.Errorf("window %d edge %s-%s: weight %q, want %v", w.Index, e.Source, e.Target, got, e.Weight)
			}
		}
	}
	if count != len(weightAt) {
		t.Errorf("%d dynamic weights, want %d", len(weightAt), count)
	}
	golden(t, "series", "network.gexf", buf.Bytes())

	s.Windows[0].Network = nil
	if err := WriteGEXFSeries(&buf, s); err == nil {
		t.Error("a window without a network: want an error")
	}
}

// xmlSafe is what encoding/xml makes of s: invalid UTF-8 bytes and
// characters outside XML 1.0's range become U+FFFD.
func xmlSafe(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		i += w
		ok := r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
		if r == utf8.RuneError && w == 1 || !ok {
			r = '\uFFFD'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// FuzzWriters writes a network with fuzzed ids, labels and types, reads it
// back from every format and compares.
func FuzzWriters(f *testing.F) {
	f.Add("A", "东莞市科技局", "x", "🏭 <&> \"'", "Firm")
	f.Add("a b", "tab\tnl\ncr\r\nend", "", "\x00\x01\uFFFE", "\xff")
	f.Fuzz(func(t *testing.T, id1, label1, id2, label2, typ string) {
		if id1 == id2 {
			return
		}
		n := &Network{Kind: ActorKind, Qualifier: Congruence, Normalization: NoNormalization,
			Nodes: []Node{{ID: id1, Label: label1, Type: typ, Mode: ModeActor}, {ID: id2, Label: label2, Mode: ModeActor}},
			Edges: []Edge{{Source: id1, Target: id2, Weight: 0.1, Qualifier: "congruence", Via: []string{label2}, Assertions: []string{id1}}},
		}
		want := &Network{Kind: n.Kind, Qualifier: n.Qualifier, Normalization: n.Normalization}
		for _, nd := range n.Nodes {
			want.Nodes = append(want.Nodes, Node{ID: xmlSafe(nd.ID), Label: xmlSafe(nd.Label), Type: xmlSafe(nd.Type), Mode: nd.Mode})
		}
		want.Edges = []Edge{{Source: xmlSafe(id1), Target: xmlSafe(id2), Weight: 0.1, Qualifier: "congruence",
			Via: []string{xmlSafe(label2)}, Assertions: []string{xmlSafe(id1)}}}
		if xmlSafe(id1) == xmlSafe(id2) {
			return
		}
		var gexf, graphml, edges, nodes bytes.Buffer
		if err := WriteGEXF(&gexf, n); err != nil {
			t.Fatal(err)
		}
		checkGEXF(t, gexf.Bytes(), want)
		if err := WriteGraphML(&graphml, n); err != nil {
			t.Fatal(err)
		}
		checkGraphML(t, graphml.Bytes(), want)
		if err := WriteEdgeCSV(&edges, n); err != nil {
			t.Fatal(err)
		}
		if err := WriteNodeCSV(&nodes, n); err != nil {
			t.Fatal(err)
		}
		// encoding/csv reads a quoted \r\n back as \n; formulas get a quote.
		crlf := func(s string) string { return strings.ReplaceAll(cellsafe.Text(s), "\r\n", "\n") }
		csvWant := &Network{Kind: n.Kind, Edges: []Edge{{Source: crlf(id1), Target: crlf(id2), Weight: 0.1,
			Qualifier: "congruence", Assertions: []string{crlf(id1)}}}}
		for _, nd := range n.Nodes {
			csvWant.Nodes = append(csvWant.Nodes, Node{ID: crlf(nd.ID), Label: crlf(nd.Label), Type: crlf(nd.Type), Mode: nd.Mode})
		}
		if !strings.Contains(id1, "|") && !strings.Contains(id1, "\r") && utf8.ValidString(id1+id2+label1+label2+typ) {
			checkCSV(t, edges.Bytes(), nodes.Bytes(), csvWant)
		}
	})
}
