package network

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/qualgraph/qualgraph/internal/clienttest"
)

// gexfFile is one GEXF file the writers produce, with what a reader must
// find in it.
type gexfFile struct {
	name         string
	path         string
	nodes, edges int
	moments      []string // of a dynamic graph: the window moments, sorted
}

// clientGEXFFiles writes every kind of GEXF file (static networks of each
// kind, dynamic series in calendar and statement windows) to dir.
func clientGEXFFiles(t *testing.T, dir string) []gexfFile {
	t.Helper()
	var files []gexfFile
	add := func(name string, nodes, edges int, moments []string, write func(*bytes.Buffer) error) {
		var buf bytes.Buffer
		if err := write(&buf); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		p := filepath.Join(dir, name+".gexf")
		if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, gexfFile{name: name, path: p, nodes: nodes, edges: edges, moments: moments})
	}
	for _, name := range []string{"twomode", "actor", "relation"} {
		n := writerCases(t)[name]
		add(name, len(n.Nodes), len(n.Edges), nil, func(b *bytes.Buffer) error { return WriteGEXF(b, n) })
	}
	stmts := fixture()
	for i := range stmts {
		stmts[i].Time = day(2021, time.Month(1+i%3), 15).Add(time.Duration(i) * time.Hour)
	}
	opt := Options{Actors: Actors(stmts)}
	build := func(st []Statement) (*Network, error) { return ActorNetwork(st, trickyMeta(), opt) }
	for _, wo := range []WindowOptions{{Unit: Months, Size: 2}, {Unit: Days, Size: 20, Step: 10}, {Unit: Statements, Size: 3, Step: 1}} {
		s, err := Windows(stmts, wo, build)
		if err != nil {
			t.Fatal(err)
		}
		nodes, edges := map[string]bool{}, map[string]bool{}
		for _, w := range s.Windows {
			for _, nd := range w.Network.Nodes {
				nodes[nd.ID] = true
			}
			for _, e := range w.Network.Edges {
				edges[e.Source+"\x00"+e.Target+"\x00"+e.Relation] = true
			}
		}
		moments, _ := windowMoments(s.Windows)
		sort.Strings(moments)
		add("series-"+string(wo.Unit), len(nodes), len(edges), moments, func(b *bytes.Buffer) error { return WriteGEXFSeries(b, s) })
	}
	return files
}

// TestGEXFOpensInNetworkX reads every kind of GEXF file with each networkx
// installed (Debian's 2.8.8, which knows only the 1.1draft and 1.2draft
// namespaces, and 3.x, which knows no timeformat "dateTime").
func TestGEXFOpensInNetworkX(t *testing.T) {
	pys := clienttest.Pythons(t, "networkx", "python3-networkx")
	files := clientGEXFFiles(t, t.TempDir())
	const script = `
import sys, networkx as nx
g = nx.read_gexf(sys.argv[1])
print(g.number_of_nodes(), g.number_of_edges())
moments = set()
for _, d in g.nodes(data=True):
    for start, end in d.get("spells", []):
        if start != end:
            sys.exit("spell from %s to %s is not a moment" % (start, end))
        moments.add(str(start))
print(" ".join(sorted(moments)))
`
	for _, py := range pys {
		t.Run("networkx-"+py.Version, func(t *testing.T) {
			for _, f := range files {
				t.Run(f.name, func(t *testing.T) {
					lines := strings.SplitN(py.Run(t, script, f.path), "\n", 2)
					out := strings.Fields(lines[0])
					if len(out) != 2 || out[0] != strconv.Itoa(f.nodes) || out[1] != strconv.Itoa(f.edges) {
						t.Errorf("networkx %s read %v nodes and edges, want %d %d", py.Version, out, f.nodes, f.edges)
					}
					// networkx sorts integers as strings too; compare as sets.
					got := strings.Fields(lines[len(lines)-1])
					sort.Strings(got)
					if strings.Join(got, " ") != strings.Join(f.moments, " ") {
						t.Errorf("networkx %s read the moments %v, want %v", py.Version, got, f.moments)
					}
				})
			}
		})
	}
}

// TestGEXFOpensInGraphology reads every kind of GEXF file with
// graphology-gexf, the parser of Gephi Lite.
func TestGEXFOpensInGraphology(t *testing.T) {
	dir := clienttest.NodeModules(t, "graphology", "graphology-gexf")
	files := clientGEXFFiles(t, t.TempDir())
	const script = `
const fs = require('fs');
const Graph = require('graphology');
const gexf = require('graphology-gexf');
const g = gexf.parse(Graph, fs.readFileSync(process.argv[1], 'utf8'), {allowUndeclaredAttributes: true});
console.log(g.order, g.size);
`
	for _, f := range files {
		t.Run(f.name, func(t *testing.T) {
			out := strings.Fields(clienttest.Node(t, dir, script, f.path))
			if len(out) != 2 || out[0] != strconv.Itoa(f.nodes) || out[1] != strconv.Itoa(f.edges) {
				t.Errorf("graphology read %v nodes and edges, want %d %d", out, f.nodes, f.edges)
			}
		})
	}
}

// TestGraphMLOpensInNetworkX reads the GraphML of every kind of network
// with networkx: the node ids are the qualgraph ids (entity ids, concept
// names), as in export graphml, and every edge joins them.
func TestGraphMLOpensInNetworkX(t *testing.T) {
	pys := clienttest.Pythons(t, "networkx", "python3-networkx")
	dir := t.TempDir()
	const script = `
import sys, json, networkx as nx
g = nx.read_graphml(sys.argv[1])
print(json.dumps({"nodes": sorted(g.nodes()), "edges": sorted([u, v] for u, v in g.edges())}, ensure_ascii=False))
`
	for name, n := range writerCases(t) {
		var buf bytes.Buffer
		if err := WriteGraphML(&buf, n); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name+".graphml")
		if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		var want struct {
			Nodes []string   `json:"nodes"`
			Edges [][]string `json:"edges"`
		}
		for _, nd := range n.Nodes {
			want.Nodes = append(want.Nodes, nd.ID)
		}
		for _, e := range n.Edges {
			s, t := e.Source, e.Target
			if !n.Directed && t < s {
				s, t = t, s
			}
			want.Edges = append(want.Edges, []string{s, t})
		}
		for _, py := range pys {
			t.Run(name+"/networkx-"+py.Version, func(t *testing.T) {
				var got struct {
					Nodes []string   `json:"nodes"`
					Edges [][]string `json:"edges"`
				}
				if err := json.Unmarshal([]byte(py.Run(t, script, p)), &got); err != nil {
					t.Fatal(err)
				}
				for _, e := range got.Edges {
					if !n.Directed && e[1] < e[0] {
						e[0], e[1] = e[1], e[0]
					}
				}
				sort.Strings(want.Nodes)
				sort.Slice(want.Edges, func(i, j int) bool { return strings.Join(want.Edges[i], "\x00") < strings.Join(want.Edges[j], "\x00") })
				sort.Slice(got.Edges, func(i, j int) bool { return strings.Join(got.Edges[i], "\x00") < strings.Join(got.Edges[j], "\x00") })
				if !reflect.DeepEqual(got.Nodes, want.Nodes) || !reflect.DeepEqual(got.Edges, want.Edges) {
					t.Errorf("networkx read nodes %q edges %q, want %q %q", got.Nodes, got.Edges, want.Nodes, want.Edges)
				}
			})
		}
	}
}
