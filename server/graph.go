package server

// The assertions page, the links explorer and their API: the list of
// assertions with evidence, retracting one, adding evidence to one, and
// the network of links drawn as SVG, laid out here on the server with
// Graphviz (github.com/goccy/go-graphviz, Graphviz compiled to
// WebAssembly and run in pure Go).

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/goccy/go-graphviz"
	"github.com/goccy/go-graphviz/cgraph"

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
// "qg-class-CLASS". No tooltips: Graphviz writes them as <a> elements.
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
	svg, err := drawLinks(r.Context(), ls.([]coding.Link), func(id string) (string, string) {
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

// graphvizMu guards graphvizLib, which is made on first use (compiling
// Graphviz's WebAssembly takes a while) and used by one request at a
// time.
var (
	graphvizMu  sync.Mutex
	graphvizLib *graphviz.Graphviz
)

// drawLinks lays out the links as a directed graph and renders it as SVG.
// name returns the label and class of a node (an entity id, or a
// concept's id for a concept object).
func drawLinks(ctx context.Context, links []coding.Link, name func(id string) (label, class string)) ([]byte, error) {
	graphvizMu.Lock()
	defer graphvizMu.Unlock()
	if graphvizLib == nil {
		g, err := graphviz.New(context.Background())
		if err != nil {
			return nil, err
		}
		graphvizLib = g
	}
	g, err := graphvizLib.Graph()
	if err != nil {
		return nil, err
	}
	defer g.Close()
	g.SetRankDir(cgraph.LRRank)
	nodes := map[string]*cgraph.Node{}
	node := func(id string, concept bool) (*cgraph.Node, error) {
		key := id
		if concept {
			key = coding.ConceptPrefix + id
		}
		if n, ok := nodes[key]; ok {
			return n, nil
		}
		n, err := g.CreateNodeByName("n" + strconv.Itoa(len(nodes)))
		if err != nil {
			return nil, err
		}
		label, class := id, coding.ConceptType
		if !concept {
			label, class = name(id)
		}
		n.SetLabel(graphvizText(label)).SetFontName("sans-serif")
		n.SafeSet("class", "qg-node qg-class-"+class, "")
		if concept {
			n.SetShape(cgraph.BoxShape)
		}
		nodes[key] = n
		return n, nil
	}
	for i, l := range links {
		from, err := node(l.Subject, false)
		if err != nil {
			return nil, err
		}
		to, err := node(l.Object, l.ObjectType == coding.ConceptType)
		if err != nil {
			return nil, err
		}
		e, err := g.CreateEdgeByName("e"+strconv.Itoa(i), from, to)
		if err != nil {
			return nil, err
		}
		label := l.Relation
		if l.Assertions > 1 {
			label += " ×" + strconv.Itoa(l.Assertions)
		}
		e.SetLabel(graphvizText(label)).SetID("link-" + strconv.Itoa(i)).SetFontName("sans-serif")
		var ids []string
		for _, ev := range l.Evidence {
			if !slices.Contains(ids, ev.Assertion) {
				ids = append(ids, ev.Assertion)
			}
		}
		class := "qg-edge"
		for _, id := range ids {
			class += " a-" + id
		}
		e.SafeSet("class", class, "")
	}
	var buf bytes.Buffer
	if err := graphvizLib.Render(ctx, g, graphviz.SVG, &buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// graphvizText makes untrusted text a plain Graphviz label: backslashes
// are doubled (Graphviz reads \N, \l and the like as escapes) and
// control and bidirectional formatting characters are left out, so that
// a name cannot reorder the drawing. Graphviz escapes the rest (<, &, ")
// when it writes SVG.
func graphvizText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
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
