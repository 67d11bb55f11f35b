package server

// The assertions page, the links explorer and their API: the list of
// assertions with evidence, retracting one, adding evidence to one, and
// the network of links drawn as SVG, laid out here on the server with
// gonum's force-directed layout (gonum.org/v1/gonum/graph/layout, Eades'
// spring embedder). Graphviz compiled to WebAssembly
// (github.com/goccy/go-graphviz) laid it out before, but its package
// initialisation compiled the WebAssembly, writing a cache under /tmp, at
// the start of every qualgraph process: 64 ms added to every command.

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/iterator"
	"gonum.org/v1/gonum/graph/layout"
	"gonum.org/v1/gonum/graph/simple"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/service"
)

// linkFilter reads the filter of the assertions and links endpoints.
func (c *call) linkFilter() (coding.LinkFilter, error) {
	attrs, err := c.attrs()
	if err != nil {
		return coding.LinkFilter{}, err
	}
	return coding.LinkFilter{From: c.q("from"), To: c.q("to"), Relation: c.q("relation"), Practice: c.q("practice"),
		Phase: c.q("phase"), Coder: c.q("coder"), Attrs: attrs}, nil
}

func (s *Server) assertions(c *call) (any, error) {
	f, err := c.linkFilter()
	if err != nil {
		return nil, err
	}
	return s.svc.Assertions(c.ctx(), service.AssertionsOptions{Filter: f, Visible: c.c.visible})
}

func (s *Server) vocabulary(c *call) (any, error) { return s.svc.Vocabulary(c.ctx()) }

// assertionOwner returns the coder of the assertion ref names.
func (s *Server) assertionOwner(ref string) (coding.Assertion, error) {
	v, err := s.svc.Project().View(true)
	if err != nil {
		return coding.Assertion{}, err
	}
	return coding.FindAssertion(v, ref)
}

func (s *Server) retract(c *call) (any, error) {
	a, err := s.assertionOwner(c.r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	if err := s.authorize(c.ctx(), c.c, ActAssert, a.Coder); err != nil {
		return nil, err
	}
	return s.svc.Retract(c.ctx(), c.by(), service.RetractOptions{Ref: a.ID, Reason: c.q("reason")})
}

// QuoteRequest is a quote from a document: the one occurrence of Text in
// Doc (an id or name).
type QuoteRequest struct {
	Doc  string `json:"doc"`
	Text string `json:"text"`
}

// EvidenceRequest adds evidence to an assertion: spans (code points) or
// quotes.
type EvidenceRequest struct {
	Evidence []coding.Span  `json:"evidence,omitempty"`
	Quotes   []QuoteRequest `json:"quotes,omitempty"`
}

func quoteRefs(qs []QuoteRequest) []service.QuoteRef {
	var out []service.QuoteRef
	for _, q := range qs {
		out = append(out, service.QuoteRef{Doc: q.Doc, Text: q.Text})
	}
	return out
}

func (s *Server) addEvidence(c *call) (any, error) {
	b := c.body.(*EvidenceRequest)
	a, err := s.assertionOwner(c.r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	if err := s.authorize(c.ctx(), c.c, ActAssert, a.Coder); err != nil {
		return nil, err
	}
	return s.svc.AddEvidence(c.ctx(), c.by(), service.AddEvidenceOptions{Ref: a.ID, Evidence: b.Evidence, Quotes: quoteRefs(b.Quotes)})
}

// linksSVG serves the links that pass the filter as an SVG drawing. Each
// edge is a <g> with id link-N and the classes "qg-edge" and "a-ID" for
// each assertion it draws; each node one with the classes "qg-node" and
// "qg-class-CLASS". Nothing in it links or runs script.
func (s *Server) linksSVG(w http.ResponseWriter, r *http.Request, c *caller) {
	cl := &call{r: r, c: c}
	ls, err := s.links(cl)
	if err != nil {
		s.writeError(w, err)
		return
	}
	v, err := s.svc.Project().View(true)
	if err != nil {
		s.writeError(w, err)
		return
	}
	names := make(map[string]coding.Entity, len(v.Entities))
	for _, e := range v.Entities {
		names[e.ID] = e
	}
	svg, err := drawLinks(r.Context(), []coding.Link(ls.(linksJSON)), func(id string) (string, string) {
		e, ok := names[id]
		if !ok {
			return id, coding.ConceptType
		}
		return e.Name, e.Type
	})
	if err != nil {
		s.writeError(w, fmt.Errorf("links: drawing the graph: %w", err))
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Write(svg)
}

// drawLinks lays out the links as a directed graph and draws it as SVG:
// a node per entity or concept (an ellipse, a box for a concept) with its
// label, an edge per link (a line with an arrowhead and the relation).
// name returns the label and class of a node (an entity id, or a
// concept's id for a concept object). The layout is deterministic: the
// same links give the same drawing.
func drawLinks(ctx context.Context, links []coding.Link, name func(id string) (label, class string)) ([]byte, error) {
	type node struct {
		key, label, class string
		concept           bool
		rx                float64 // half its width, to fit the label
	}
	var nodes []node
	index := map[string]int64{}
	nodeOf := func(id string, concept bool) int64 {
		key := id
		if concept {
			key = coding.ConceptPrefix + id
		}
		if i, ok := index[key]; ok {
			return i
		}
		label, class := id, coding.ConceptType
		if !concept {
			label, class = name(id)
		}
		index[key] = int64(len(nodes))
		rx := max(40, 3.8*float64(utf8.RuneCountInString(label))+14)
		nodes = append(nodes, node{key, svgText(label), class, concept, rx})
		return index[key]
	}
	type edge struct{ from, to int64 }
	edges := make([]edge, len(links))
	g := orderedGraph{simple.NewUndirectedGraph()}
	for i, l := range links {
		edges[i] = edge{nodeOf(l.Subject, false), nodeOf(l.Object, l.ObjectType == coding.ConceptType)}
	}
	for i := range nodes {
		g.AddNode(simple.Node(i))
	}
	for _, e := range edges {
		if e.from != e.to && !g.HasEdgeBetween(e.from, e.to) {
			g.SetEdge(g.NewEdge(simple.Node(e.from), simple.Node(e.to)))
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// Eades' spring embedder, seeded so that a drawing does not move
	// between two loads of the page.
	opt := layout.NewOptimizerR2(g, (&layout.EadesR2{Repulsion: 1, Rate: 0.05, Updates: 60, Theta: 0.2, Src: rand.NewPCG(1, 2)}).Update)
	for opt.Update() {
	}
	// Scale the layout into the drawing, leaving room for the labels.
	const width, height = 960.0, 560.0
	const ry = 18.0 // a node's half height
	margin := 40.0
	for _, n := range nodes {
		margin = max(margin, n.rx+8)
	}
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for i := range nodes {
		c := opt.Coord2(int64(i))
		minX, minY, maxX, maxY = min(minX, c.X), min(minY, c.Y), max(maxX, c.X), max(maxY, c.Y)
	}
	at := func(i int64) (float64, float64) {
		c := opt.Coord2(i)
		x, y := width/2, height/2
		if maxX > minX {
			x = margin + (c.X-minX)/(maxX-minX)*(width-2*margin)
		}
		if maxY > minY {
			y = 2*ry + (c.Y-minY)/(maxY-minY)*(height-4*ry)
		}
		return x, y
	}
	var b bytes.Buffer
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %s %s" width="%s" height="%s" font-family="sans-serif" font-size="13">`+"\n",
		f(width), f(height), f(width), f(height))
	// Nodes first, then the edges over them: an edge's line ends at
	// the node's border, and its label stays visible and clickable
	// where it crosses a node.
	for i, n := range nodes {
		x, y := at(int64(i))
		fmt.Fprintf(&b, `<g class="qg-node qg-class-%s">`, svgText(n.class))
		if n.concept {
			fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" fill="#f4f1e8" stroke="#8a7a50"/>`, f(x-n.rx), f(y-ry), f(2*n.rx), f(2*ry))
		} else {
			fmt.Fprintf(&b, `<ellipse cx="%s" cy="%s" rx="%s" ry="%s" fill="#eef3fb" stroke="#4a6fa5"/>`, f(x), f(y), f(n.rx), f(ry))
		}
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle">%s</text></g>`+"\n", f(x), f(y+4), n.label)
	}
	for i, l := range links {
		x1, y1 := at(edges[i].from)
		x2, y2 := at(edges[i].to)
		label := l.Relation
		if l.Assertions > 1 {
			label += " ×" + strconv.Itoa(l.Assertions)
		}
		class := "qg-edge"
		var seen []string
		for _, ev := range l.Evidence {
			if !slices.Contains(seen, ev.Assertion) {
				seen = append(seen, ev.Assertion)
				class += " a-" + ev.Assertion
			}
		}
		fmt.Fprintf(&b, `<g id="link-%d" class="%s">`, i, class)
		// The line stops at the ellipse around the target; several
		// links between the same two nodes are bent apart.
		dx, dy := x2-x1, y2-y1
		d := math.Hypot(dx, dy)
		if d < 1 {
			// A link of a node to itself: a small loop above it.
			fmt.Fprintf(&b, `<path d="M%s,%s c-30,-50 30,-50 0,0" fill="none" stroke="#555"/>`, f(x1), f(y1-ry))
			fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle">%s</text></g>`+"\n", f(x1), f(y1-ry-42), svgText(label))
			continue
		}
		ux, uy := dx/d, dy/d
		// From a centre to its ellipse along u.
		reach := func(rx float64) float64 { return 1 / math.Sqrt(ux*ux/(rx*rx)+uy*uy/(ry*ry)) }
		t1, t2 := reach(nodes[edges[i].from].rx), reach(nodes[edges[i].to].rx)
		sx, sy, ex, ey := x1+ux*t1, y1+uy*t1, x2-ux*t2, y2-uy*t2
		bend := 0.0
		for k := 0; k < i; k++ {
			if edges[k] == edges[i] || edges[k] == (edge{edges[i].to, edges[i].from}) {
				bend += 24
			}
		}
		mx, my := (sx+ex)/2-uy*bend, (sy+ey)/2+ux*bend
		fmt.Fprintf(&b, `<path d="M%s,%s Q%s,%s %s,%s" fill="none" stroke="#555" stroke-width="1.4"/>`, f(sx), f(sy), f(mx), f(my), f(ex), f(ey))
		// The arrowhead, along the curve's last tangent.
		tx, ty := ex-mx, ey-my
		if tl := math.Hypot(tx, ty); tl > 0 {
			tx, ty = tx/tl, ty/tl
		}
		fmt.Fprintf(&b, `<polygon points="%s,%s %s,%s %s,%s" fill="#555"/>`, f(ex), f(ey),
			f(ex-9*tx+4*ty), f(ey-9*ty-4*tx), f(ex-9*tx-4*ty), f(ey-9*ty+4*tx))
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle" fill="#333">%s</text></g>`+"\n", f((sx+ex)/2-uy*bend/2), f((sy+ey)/2+ux*bend/2-4), svgText(label))
	}
	b.WriteString("</svg>\n")
	return b.Bytes(), nil
}

// orderedGraph is a graph whose nodes and neighbours are listed in the
// order of their ids: gonum's simple graphs list them in map order, which
// would make the layout, and so the drawing, differ from one request to
// the next.
type orderedGraph struct{ *simple.UndirectedGraph }

func (g orderedGraph) Nodes() graph.Nodes { return ordered(g.UndirectedGraph.Nodes()) }

func (g orderedGraph) From(id int64) graph.Nodes { return ordered(g.UndirectedGraph.From(id)) }

func ordered(it graph.Nodes) graph.Nodes {
	ns := graph.NodesOf(it)
	slices.SortFunc(ns, func(a, b graph.Node) int { return cmp.Compare(a.ID(), b.ID()) })
	return iterator.NewOrderedNodes(ns)
}

// svgText makes untrusted text the text of an SVG element: the XML
// specials are escaped and control and bidirectional formatting
// characters are left out, so that a name can neither add markup nor
// reorder the drawing.
func svgText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '"':
			b.WriteString("&quot;")
		case r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0,
			r >= 0x200e && r <= 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// graphPage is what the assertions page and the links explorer show:
// the filter and its choices.
type graphPage struct {
	Filter     coding.LinkFilter
	Vocab      *service.Vocabulary
	Coders     []string
	Rows       []service.AssertionRow // the assertions page only
	Me         string
	CanRetract bool // the caller is an owner: may retract anyone's
}

func (s *Server) graphPageData(r *http.Request, c *caller, page, title string, rows bool) (pageData, int) {
	d := s.pageFor(c, page, title)
	cl := &call{r: r, c: c}
	gp := graphPage{Me: c.p.Name, CanRetract: c.local || c.p.Role == "owner"}
	d.Data = &gp
	status := http.StatusOK
	fail := func(err error) (pageData, int) {
		d.Error = err.Error()
		return d, kinds[kindOf(err)]
	}
	var err error
	if gp.Vocab, err = s.svc.Vocabulary(r.Context()); err != nil {
		return fail(err)
	}
	all, err := s.svc.Assertions(r.Context(), service.AssertionsOptions{Visible: c.visible})
	if err != nil {
		return fail(err)
	}
	for _, a := range all {
		if !slices.Contains(gp.Coders, a.Coder) {
			gp.Coders = append(gp.Coders, a.Coder)
		}
	}
	slices.Sort(gp.Coders)
	if gp.Filter, err = cl.linkFilter(); err != nil {
		return fail(err)
	}
	if rows {
		if gp.Rows, err = s.svc.Assertions(r.Context(), service.AssertionsOptions{Filter: gp.Filter, Visible: c.visible}); err != nil {
			return fail(err)
		}
	}
	return d, status
}

func (s *Server) assertionsPage(w http.ResponseWriter, r *http.Request, c *caller) {
	d, status := s.graphPageData(r, c, "assertions", "Assertions", true)
	s.render(w, status, "assertions", d)
}

func (s *Server) linksPage(w http.ResponseWriter, r *http.Request, c *caller) {
	d, status := s.graphPageData(r, c, "links", "Links", false)
	s.render(w, status, "links", d)
}
