package server

// The researchers' list pages of the workbench: retrieved segments,
// search with "code all hits", the codebook, agreement, memos and
// exports. They are rendered on the server from the same service calls as
// the API; their writes (add and promote a code, code all hits, add a
// memo) go through the API from web/static/pages.js.

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/coding/agreement"
	"github.com/qualgraph/qualgraph/corpus/fts"
	"github.com/qualgraph/qualgraph/service"
)

// pageCode is a code of the code tree as the pages show it.
type pageCode struct {
	service.CodeNode
	Label  string // English label, else the id
	Zh     string // Chinese label, if any and different
	Total  int    // codings of the code and its subcodes
	Counts []int  // codings by each coder of the page's Coders
	Cues   string // cue words, all languages, comma-separated
}

// codeTree returns the code tree for the pages, with totals over subcodes
// and the coders it counts, sorted.
func (s *Server) codeTree(r *http.Request, c *caller) ([]pageCode, []string, error) {
	nodes, err := s.svc.CodeTree(r.Context(), c.visible)
	if err != nil {
		return nil, nil, err
	}
	coders := map[string]bool{}
	out := make([]pageCode, len(nodes))
	for i, n := range nodes {
		p := pageCode{CodeNode: n, Label: cmp.Or(n.Labels["en"], n.ID), Total: n.Codings}
		if zh := n.Labels["zh"]; zh != "" && zh != p.Label {
			p.Zh = zh
		}
		var cues []string
		for _, lang := range sortedKeys(n.Cues) {
			cues = append(cues, n.Cues[lang]...)
		}
		p.Cues = strings.Join(cues, ", ")
		for k := range n.ByCoder {
			coders[k] = true
		}
		out[i] = p
	}
	// The tree is depth first: a code's subcodes follow it, deeper.
	for i := range out {
		for j := i + 1; j < len(out) && out[j].Depth > out[i].Depth; j++ {
			out[i].Total += out[j].Codings
		}
	}
	names := sortedKeys(coders)
	for i := range out {
		out[i].Counts = make([]int, len(names))
		for j, k := range names {
			out[i].Counts[j] = out[i].ByCoder[k]
		}
	}
	return out, names, nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// pageError sets d's error and returns the status of err's kind.
func pageError(d *pageData, err error) int {
	d.Error = err.Error()
	return kinds[kindOf(err)]
}

// segmentsView is what the segments page shows.
type segmentsView struct {
	Codes    []pageCode
	Coders   []string
	Code     *pageCode // the code retrieved; nil before one is picked
	Segments []service.CodedSpan
	Docs     int // documents the segments are in
	ByCoder  []service.CoderCount
	ByCode   []codeCount
}

// codeCount is how many segments a code has on a page.
type codeCount struct {
	ID, Label string
	N         int
}

func (s *Server) segmentsPage(w http.ResponseWriter, r *http.Request, c *caller) {
	cl := &call{r: r, c: c}
	d := s.pageFor(c, "segments", "Retrieved segments")
	d.Query = map[string]string{"code": cl.q("code"), "coder": cl.q("coder"), "attr": cl.q("attr"), "kind": cl.q("kind")}
	v := &segmentsView{}
	d.Data = v
	status := http.StatusOK
	var err error
	if v.Codes, v.Coders, err = s.codeTree(r, c); err != nil {
		s.render(w, pageError(&d, err), "pages-segments", d)
		return
	}
	code := cl.q("code")
	if code == "" {
		s.render(w, status, "pages-segments", d)
		return
	}
	for i := range v.Codes {
		if v.Codes[i].ID == code {
			v.Code = &v.Codes[i]
		}
	}
	attrs, err := cl.attrs()
	if err == nil {
		v.Segments, err = s.svc.Segments(r.Context(), service.SegmentsOptions{Code: code, Coders: cl.qs("coder"),
			Kind: cl.q("kind"), Attrs: attrs, Visible: c.visible})
	}
	if err != nil {
		s.render(w, pageError(&d, err), "pages-segments", d)
		return
	}
	docs, coders, codes := map[string]bool{}, map[string]int{}, map[string]int{}
	labels := map[string]string{}
	for _, sg := range v.Segments {
		docs[sg.Doc] = true
		coders[sg.Coder]++
		codes[sg.Code]++
		labels[sg.Code] = sg.Label
	}
	v.Docs = len(docs)
	for _, k := range sortedKeys(coders) {
		v.ByCoder = append(v.ByCoder, service.CoderCount{Coder: k, Codings: coders[k]})
	}
	for _, k := range sortedKeys(codes) {
		v.ByCode = append(v.ByCode, codeCount{k, labels[k], codes[k]})
	}
	s.render(w, status, "pages-segments", d)
}

// searchView is what the search page shows.
type searchView struct {
	Codes   []pageCode
	Result  *service.SearchResult
	Lagging bool // the index has not caught up with every document
}

// searchLimit is how many hits the search page lists.
const searchLimit = 500

func (s *Server) searchPage(w http.ResponseWriter, r *http.Request, c *caller) {
	cl := &call{r: r, c: c}
	d := s.pageFor(c, "search", "Search")
	d.Query = map[string]string{"q": cl.q("q"), "kind": cl.q("kind"), "speaker": cl.q("speaker"), "attr": cl.q("attr")}
	v := &searchView{}
	d.Data = v
	var err error
	if v.Codes, _, err = s.codeTree(r, c); err != nil {
		s.render(w, pageError(&d, err), "pages-search", d)
		return
	}
	if strings.TrimSpace(cl.q("q")) == "" {
		s.render(w, http.StatusOK, "pages-search", d)
		return
	}
	attrs, err := cl.attrs()
	if err == nil {
		v.Result, err = s.svc.Search(r.Context(), service.SearchOptions{SearchRequest: fts.SearchRequest{
			Query: cl.q("q"), Kind: cl.q("kind"), Speaker: cl.q("speaker"), Attrs: attrs, Limit: searchLimit}})
	}
	if err != nil {
		v.Result = nil
		s.render(w, pageError(&d, err), "pages-search", d)
		return
	}
	v.Lagging = v.Result.Indexed < v.Result.Documents
	s.render(w, http.StatusOK, "pages-search", d)
}

// codebookView is what the codebook page shows.
type codebookView struct {
	Codes  []pageCode
	Coders []string
}

func (s *Server) codebookPage(w http.ResponseWriter, r *http.Request, c *caller) {
	d := s.pageFor(c, "codebook", "Codebook")
	v := &codebookView{}
	d.Data = v
	var err error
	if v.Codes, v.Coders, err = s.codeTree(r, c); err != nil {
		s.render(w, pageError(&d, err), "pages-codebook", d)
		return
	}
	s.render(w, http.StatusOK, "pages-codebook", d)
}

// agreementView is what the agreement page shows.
type agreementView struct {
	Coders   []string // every coder one may see
	A, B     string
	Codes    []pageCode
	Selected map[string]bool // the codes chosen; none: every code
	Report   *agreement.Report
	Overall  agreementFigures
	Rows     []agreementFigures
	Docs     []agreementDoc
}

// agreementFigures are a code's figures (or the overall ones) for the
// pair of coders, formatted as the page shows them.
type agreementFigures struct {
	Code, Label                                      string
	Chars                                            int
	Percent, Kappa, KappaMean, AlphaU, AlphaSegments string
}

// agreementDoc is a compared document with its link to the document view
// that marks the two coders' disagreements.
type agreementDoc struct {
	agreement.Document
	Href    string
	Codings string // "A n, B m"
}

// figure formats an agreement statistic with three decimals.
func figure(x float64) string { return fmt.Sprintf("%.3f", x) }

// alphaFigure formats an alpha, or says why it is undefined.
func alphaFigure(a *agreement.Alpha) string {
	switch {
	case a == nil:
		return "–"
	case a.Value == nil:
		return "undefined (" + a.Undefined + ")"
	}
	return figure(*a.Value)
}

func (s *Server) agreementPage(w http.ResponseWriter, r *http.Request, c *caller) {
	cl := &call{r: r, c: c}
	d := s.pageFor(c, "agreement", "Agreement")
	v := &agreementView{Selected: map[string]bool{}}
	d.Data = v
	var err error
	if v.Codes, v.Coders, err = s.codeTree(r, c); err != nil {
		s.render(w, pageError(&d, err), "pages-agreement", d)
		return
	}
	v.A, v.B = cl.q("a"), cl.q("b")
	codes := cl.qs("code")
	for _, k := range codes {
		v.Selected[k] = true
	}
	if v.A == "" || v.B == "" {
		s.render(w, http.StatusOK, "pages-agreement", d)
		return
	}
	if v.A == v.B {
		err = fmt.Errorf("agreement: choose two different coders, not %s twice: %w", v.A, ErrBadRequest)
	}
	for _, k := range []string{v.A, v.B} {
		if err == nil && c.visible != nil && !c.visible(k) {
			err = fmt.Errorf("agreement: the codings of %s are hidden (blind coding): %w", k, ErrForbidden)
		}
	}
	if err == nil {
		v.Report, err = s.svc.Agreement(r.Context(), service.AgreementOptions{Coders: []string{v.A, v.B}, Codes: codes})
	}
	if err != nil {
		v.Report = nil
		s.render(w, pageError(&d, err), "pages-agreement", d)
		return
	}
	labels := map[string]string{}
	for _, k := range v.Codes {
		labels[k.ID] = k.Label
	}
	rep := v.Report
	v.Overall = agreementFigures{Label: "All codes (mean)", Chars: rep.Chars, AlphaU: alphaFigure(&rep.Overall.AlphaU),
		AlphaSegments: alphaFigure(rep.Overall.AlphaSegments)}
	if len(rep.Overall.Pairs) > 0 {
		p := rep.Overall.Pairs[0]
		v.Overall.Percent, v.Overall.Kappa, v.Overall.KappaMean = figure(p.Percent), figure(p.Kappa), figure(p.KappaMean)
	}
	for _, cr := range rep.Codes {
		f := agreementFigures{Code: cr.Code, Label: cmp.Or(labels[cr.Code], cr.Code), Chars: cr.Chars,
			AlphaU: alphaFigure(&cr.AlphaU), AlphaSegments: alphaFigure(cr.AlphaSegments)}
		if len(cr.Pairs) > 0 {
			p := cr.Pairs[0]
			f.Percent, f.Kappa, f.KappaMean = figure(p.Percent), figure(p.Kappa), figure(p.KappaMean)
		}
		v.Rows = append(v.Rows, f)
	}
	for _, doc := range rep.Documents {
		v.Docs = append(v.Docs, agreementDoc{Document: doc,
			Href:    "/documents/" + doc.Doc + "?compare=" + v.A + "," + v.B,
			Codings: fmt.Sprintf("%s %d, %s %d", v.A, doc.Codings[v.A], v.B, doc.Codings[v.B])})
	}
	s.render(w, http.StatusOK, "pages-agreement", d)
}

// memosView is what the memos page shows.
type memosView struct {
	Groups  []memoGroup
	Targets []memoTarget // for the form's type-ahead
	Total   int
}

// memoGroup holds the memos on one kind of target.
type memoGroup struct {
	Kind, Title string
	Memos       []memoRow
}

// memoRow is a memo with what its target is, for people.
type memoRow struct {
	coding.Memo
	What string // the target, described
	Href string // a link to it, if it has a page
}

// memoTarget is a target a memo may be written on.
type memoTarget struct{ Ref, Label string }

// memoKinds are the kinds of memo targets, in the page's order.
var memoKinds = []struct{ Kind, Title string }{
	{"doc", "Documents"}, {"code", "Codes"}, {"coding", "Codings"}, {"entity", "Entities"}, {"assertion", "Assertions"},
}

func (s *Server) memosPage(w http.ResponseWriter, r *http.Request, c *caller) {
	cl := &call{r: r, c: c}
	d := s.pageFor(c, "memos", "Memos")
	d.Query = map[string]string{"target": cl.q("target")}
	v := &memosView{}
	d.Data = v
	status := http.StatusOK
	memos, err := s.svc.Memos(r.Context(), cl.q("target"), c.visible)
	if err != nil {
		status = pageError(&d, err)
	}
	docs, err := s.svc.Documents(r.Context(), service.DocumentsOptions{})
	if err != nil {
		s.render(w, pageError(&d, err), "pages-memos", d)
		return
	}
	codes, _, err := s.codeTree(r, c)
	if err != nil {
		s.render(w, pageError(&d, err), "pages-memos", d)
		return
	}
	view, err := s.svc.Project().View(true)
	if err != nil {
		s.render(w, pageError(&d, err), "pages-memos", d)
		return
	}
	what := map[string]string{}
	href := map[string]string{}
	docNames := map[string]string{}
	for _, doc := range docs {
		docNames[doc.ID] = doc.Name
		what["doc:"+doc.ID] = doc.Name
		href["doc:"+doc.ID] = "/documents/" + doc.ID
		v.Targets = append(v.Targets, memoTarget{"doc:" + doc.ID, "Document " + doc.Name})
	}
	for _, k := range codes {
		what["code:"+k.ID] = k.Label
		href["code:"+k.ID] = "/segments?code=" + k.ID
		v.Targets = append(v.Targets, memoTarget{"code:" + k.ID, "Code " + k.Label})
	}
	entities := map[string]string{}
	for _, e := range view.Entities {
		entities[e.ID] = e.Name
		what["entity:"+e.ID] = e.Name + " (" + e.Type + ")"
		v.Targets = append(v.Targets, memoTarget{"entity:" + e.ID, "Entity " + e.Name})
	}
	quote := s.svc.Project().Quoter()
	for _, m := range memos {
		if _, ok := what[m.Target]; ok {
			continue
		}
		kind, id, _ := strings.Cut(m.Target, ":")
		switch kind {
		case "coding":
			for _, cd := range view.Codings {
				if cd.ID == id {
					text, _ := quote.Span(cd.Span)
					what[m.Target] = fmt.Sprintf("%s in %s by %s: “%s”", cd.Code, docNames[cd.Doc], cd.Coder, text)
					href[m.Target] = fmt.Sprintf("/documents/%s#s=%d-%d", cd.Doc, cd.Start, cd.End)
				}
			}
		case "assertion":
			for _, a := range view.Assertions {
				if a.ID == id {
					what[m.Target] = fmt.Sprintf("%s %s %s (by %s)", cmp.Or(entities[a.Subject], a.Subject), a.Relation,
						cmp.Or(entities[a.Object], a.Object), a.Coder)
				}
			}
		}
	}
	for _, k := range memoKinds {
		g := memoGroup{Kind: k.Kind, Title: k.Title}
		for _, m := range memos {
			if strings.HasPrefix(m.Target, k.Kind+":") {
				g.Memos = append(g.Memos, memoRow{Memo: m, What: cmp.Or(what[m.Target], m.Target), Href: href[m.Target]})
			}
		}
		v.Total += len(g.Memos)
		v.Groups = append(v.Groups, g)
	}
	s.render(w, status, "pages-memos", d)
}

// exportDescriptions say in one line what each export format holds, as
// `qualgraph export` describes them.
var exportDescriptions = map[string]string{
	"csv":     "One row per coding: document, every document attribute, code, code path, coder, span, time and quote (UTF-8).",
	"jsonl":   "The same rows as JSON Lines.",
	"xlsx":    "An Excel workbook: codings, assertions, entities, codebook, documents.",
	"graphml": "The entity graph: entities as nodes, assertions as edges (yEd, Cytoscape).",
	"gexf":    "The entity graph for Gephi.",
	"dot":     "The entity graph for Graphviz.",
	"nquads":  "The whole graph as RDF N-Quads, with provenance.",
	"jsonld":  "The whole graph as JSON-LD.",
	"qdpx":    "A REFI-QDA project (NVivo, ATLAS.ti, MAXQDA, QualCoder).",
	"qdc":     "The codebook as REFI-QDA.",
}

// exportRow is one format of the exports page.
type exportRow struct{ Format, Description, Href string }

func (s *Server) exportsPage(w http.ResponseWriter, r *http.Request, c *caller) {
	d := s.pageFor(c, "exports", "Exports")
	var rows []exportRow
	for _, f := range service.ExportFormats {
		rows = append(rows, exportRow{f, cmp.Or(exportDescriptions[f], "The "+f+" export."), "/api/exports/" + f})
	}
	d.Data = rows
	s.render(w, http.StatusOK, "pages-exports", d)
}
