package network

import (
	"math"
	"sort"

	"gonum.org/v1/gonum/graph"
	gnet "gonum.org/v1/gonum/graph/network"
	"gonum.org/v1/gonum/graph/path"
	"gonum.org/v1/gonum/graph/simple"
)

// Damping is the PageRank damping factor: the probability that the random
// walker follows an edge rather than jumping to a random node.
const Damping = 0.85

// Score is one node's value on a centrality measure.
type Score struct {
	Node  string  `json:"node"`
	Label string  `json:"label"`
	Type  string  `json:"type"`
	Value float64 `json:"value"`
}

// Direction selects the edges a degree counts in a directed network.
type Direction string

// The directions. In an undirected network all three give the degree.
const (
	In    Direction = "in"
	Out   Direction = "out"
	Total Direction = "total" // in + out
)

// The centrality functions read a network as a simple graph: parallel
// edges (one per relation) between the same nodes in the same direction
// are merged by summing their weights, and self-loops are left out.
// Every node of the network gets a row, zero if it has no edges, and rows
// are sorted by value, highest first, then by node id. Betweenness and
// PageRank values are rounded to 9 decimal places, so that equal values
// compare equal and reruns agree (gonum's PageRank starts from a random
// vector).

// Degree returns each node's degree. Unweighted, it counts the node's
// neighbours: in a directed network those with an edge to it (In), from
// it (Out), or both counts added (Total, so a mutual pair counts twice).
// Weighted, it sums the weights of those edges instead (the node's
// strength); negative weights (Subtract networks) are summed as they are.
func Degree(n *Network, dir Direction, weighted bool) []Score {
	g := simplify(n)
	v := make([]float64, len(n.Nodes))
	for k, w := range g.w {
		var d float64 = 1
		if weighted {
			d = w
		}
		if !n.Directed || dir != In {
			v[k.from] += d
		}
		if !n.Directed || dir != Out {
			v[k.to] += d
		}
	}
	return scores(n, v, false)
}

// Betweenness returns each node's betweenness centrality, computed by
// gonum on the unweighted graph: the sum over pairs of other nodes s, t of
// the share of shortest s–t paths that pass through the node. It measures
// brokerage. In a directed network ordered pairs count (paths follow edge
// directions); in an undirected network each unordered pair counts once,
// so the middle of the path a–b–c scores 1 (gonum sums over ordered pairs
// and gives 2; the value is halved). In a directed path a→b→c, b also
// scores 1: only the pair (a, c) has a path through it. Values are not
// normalized by the number of pairs.
func Betweenness(n *Network) []Score {
	g := simplify(n)
	var gg graph.Graph
	if n.Directed {
		d := simple.NewDirectedGraph()
		for i := range n.Nodes {
			d.AddNode(simple.Node(i))
		}
		for k := range g.w {
			d.SetEdge(simple.Edge{F: simple.Node(k.from), T: simple.Node(k.to)})
		}
		gg = d
	} else {
		u := simple.NewUndirectedGraph()
		for i := range n.Nodes {
			u.AddNode(simple.Node(i))
		}
		for k := range g.w {
			u.SetEdge(simple.Edge{F: simple.Node(k.from), T: simple.Node(k.to)})
		}
		gg = u
	}
	return scores(n, fromMap(gnet.Betweenness(gg), len(n.Nodes), !n.Directed), true)
}

// WeightedBetweenness is Betweenness with edge lengths 1/weight, so that a
// path over strong ties is shorter than one over weak ties (the usual
// reading of tie strength in discourse and affiliation networks). It
// returns ErrNegative if an edge weight, after merging, is not positive.
func WeightedBetweenness(n *Network) ([]Score, error) {
	g := simplify(n)
	if err := g.positive(); err != nil {
		return nil, err
	}
	var wg graph.Weighted
	if n.Directed {
		d := simple.NewWeightedDirectedGraph(0, math.Inf(1))
		for i := range n.Nodes {
			d.AddNode(simple.Node(i))
		}
		for k, w := range g.w {
			d.SetWeightedEdge(simple.WeightedEdge{F: simple.Node(k.from), T: simple.Node(k.to), W: 1 / w})
		}
		wg = d
	} else {
		u := simple.NewWeightedUndirectedGraph(0, math.Inf(1))
		for i := range n.Nodes {
			u.AddNode(simple.Node(i))
		}
		for k, w := range g.w {
			u.SetWeightedEdge(simple.WeightedEdge{F: simple.Node(k.from), T: simple.Node(k.to), W: 1 / w})
		}
		wg = u
	}
	paths := path.DijkstraAllPaths(wg)
	return scores(n, fromMap(gnet.BetweennessWeighted(wg, paths), len(n.Nodes), !n.Directed), true), nil
}

// PageRank returns each node's PageRank computed by gonum with damping
// factor Damping. Weighted, a walker leaves a node along an edge with
// probability proportional to its weight; unweighted, along each edge with
// equal probability. An undirected edge is walked both ways. A node
// without outgoing edges passes its rank to all nodes alike. The values
// sum to 1. PageRank returns ErrNegative if weighted and an edge weight,
// after merging, is not positive.
func PageRank(n *Network, weighted bool) ([]Score, error) {
	if len(n.Nodes) == 0 {
		return nil, nil
	}
	g := simplify(n)
	if weighted {
		if err := g.positive(); err != nil {
			return nil, err
		}
	}
	d := simple.NewWeightedDirectedGraph(0, 0)
	for i := range n.Nodes {
		d.AddNode(simple.Node(i))
	}
	set := func(from, to int, w float64) {
		if !weighted {
			w = 1
		}
		if e := d.WeightedEdge(int64(from), int64(to)); e != nil {
			w += e.Weight() // an undirected edge meeting its reverse
		}
		d.SetWeightedEdge(simple.WeightedEdge{F: simple.Node(from), T: simple.Node(to), W: w})
	}
	for k, w := range g.w {
		set(k.from, k.to, w)
		if !n.Directed {
			set(k.to, k.from, w)
		}
	}
	return scores(n, fromMap(gnet.PageRankSparse(d, Damping, 1e-12), len(n.Nodes), false), true), nil
}

type pair struct{ from, to int }

// simple is a network as a simple graph over node indices: one entry per
// ordered pair (directed) or per unordered pair with from < to
// (undirected), weights summed, no loops.
type simpleGraph struct{ w map[pair]float64 }

func simplify(n *Network) simpleGraph {
	idx := make(map[string]int, len(n.Nodes))
	for i, nd := range n.Nodes {
		idx[nd.ID] = i
	}
	g := simpleGraph{w: make(map[pair]float64)}
	for _, e := range n.Edges {
		f, okf := idx[e.Source]
		t, okt := idx[e.Target]
		if !okf || !okt || f == t {
			continue
		}
		if !n.Directed && f > t {
			f, t = t, f
		}
		g.w[pair{f, t}] += e.Weight
	}
	for k, w := range g.w {
		if w == 0 {
			delete(g.w, k) // parallel edges that cancel out
		}
	}
	return g
}

func (g simpleGraph) positive() error {
	for _, w := range g.w {
		if w < 0 {
			return ErrNegative
		}
	}
	return nil
}

func fromMap(m map[int64]float64, n int, halve bool) []float64 {
	v := make([]float64, n)
	for id, x := range m {
		if halve {
			x /= 2
		}
		v[id] = x
	}
	return v
}

func scores(n *Network, v []float64, round bool) []Score {
	out := make([]Score, len(n.Nodes))
	for i, nd := range n.Nodes {
		x := v[i]
		if round {
			x = math.Round(x*1e9) / 1e9
		}
		out[i] = Score{Node: nd.ID, Label: nd.Label, Type: nd.Type, Value: x}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Value != out[j].Value {
			return out[i].Value > out[j].Value
		}
		return out[i].Node < out[j].Node
	})
	return out
}
