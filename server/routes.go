package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/coding/agreement"
	"github.com/qualgraph/qualgraph/coding/suggest"
	"github.com/qualgraph/qualgraph/corpus/fts"
	"github.com/qualgraph/qualgraph/project"
	"github.com/qualgraph/qualgraph/service"
)

// route is one entry of the route table, from which both the mux and the
// OpenAPI document are built.
type route struct {
	Method, Path string // a ServeMux pattern's method and path
	Summary      string
	Query        []string // the query parameters the handler reads
	Request      any      // a value of the JSON request body's type; nil for none
	Response     any      // a value of the JSON response's type; nil if Content says
	Content      string   // the response's media type if not JSON
	Action       string   // the permission it needs; "" for a public route
	api          func(s *Server, c *call) (any, error)
	raw          func(s *Server, w http.ResponseWriter, r *http.Request, c *caller)
}

// call is one API request: the request, who makes it and its decoded
// body.
type call struct {
	r    *http.Request
	c    *caller
	body any // a pointer to a value of the route's Request type
}

func (c *call) ctx() context.Context { return c.r.Context() }
func (c *call) q(name string) string { return c.r.URL.Query().Get(name) }
func (c *call) qs(name string) []string {
	var out []string
	for _, v := range c.r.URL.Query()[name] {
		for _, x := range strings.Split(v, ",") {
			if x = strings.TrimSpace(x); x != "" {
				out = append(out, x)
			}
		}
	}
	return out
}

// attrs reads attr=KEY=VALUE query parameters.
func (c *call) attrs() (map[string]string, error) {
	out := map[string]string{}
	for _, a := range c.r.URL.Query()["attr"] {
		if a == "" {
			continue // an empty filter field of a form
		}
		k, v, ok := strings.Cut(a, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("attr %q: want KEY=VALUE: %w", a, ErrBadRequest)
		}
		out[k] = v
	}
	return out, nil
}

func (c *call) qint(name string, def int) (int, error) {
	v := c.q(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%s %q: want a whole number, 0 or more: %w", name, v, ErrBadRequest)
	}
	return n, nil
}

// by is the acting user of a write: the caller's name.
func (c *call) by() string { return c.c.p.Name }

// routes is the route table.
func routes() []route {
	return []route{
		// Pages.
		{Method: "GET", Path: "/{$}", Summary: "Overview page", Content: "text/html", Action: ActRead, raw: (*Server).overviewPage},
		{Method: "GET", Path: "/documents", Summary: "Documents page", Query: []string{"kind", "attr"}, Content: "text/html", Action: ActRead, raw: (*Server).documentsPage},
		{Method: "GET", Path: "/documents/{doc}", Summary: "Document view: speaker turns, coded spans, coding stripes; code a selection", Query: []string{"compare"}, Content: "text/html", Action: ActRead, raw: (*Server).documentPage},
		{Method: "GET", Path: "/segments", Summary: "Retrieved segments page: every segment coded with a code or its subcodes", Query: []string{"code", "coder", "kind", "attr"}, Content: "text/html", Action: ActRead, raw: (*Server).segmentsPage},
		{Method: "GET", Path: "/search", Summary: "Search page: keyword-in-context lines and code all hits", Query: []string{"q", "kind", "speaker", "attr"}, Content: "text/html", Action: ActRead, raw: (*Server).searchPage},
		{Method: "GET", Path: "/codebook", Summary: "Codebook page: the code tree with counts per code and coder", Content: "text/html", Action: ActRead, raw: (*Server).codebookPage},
		{Method: "GET", Path: "/agreement", Summary: "Agreement page: two coders (a, b) compared over a code set", Query: []string{"a", "b", "code"}, Content: "text/html", Action: ActRead, raw: (*Server).agreementPage},
		{Method: "GET", Path: "/memos", Summary: "Memos page: memos by target", Query: []string{"target"}, Content: "text/html", Action: ActRead, raw: (*Server).memosPage},
		{Method: "GET", Path: "/exports", Summary: "Exports page: a download per export format", Content: "text/html", Action: ActRead, raw: (*Server).exportsPage},
		{Method: "GET", Path: "/assertions", Summary: "Assertions page, filtered by relation, practice, phase and coder", Query: []string{"relation", "practice", "phase", "coder"}, Content: "text/html", Action: ActRead, raw: (*Server).assertionsPage},
		{Method: "GET", Path: "/links", Summary: "Links explorer, filtered by relation, practice, phase and coder", Query: []string{"relation", "practice", "phase", "coder"}, Content: "text/html", Action: ActRead, raw: (*Server).linksPage},
		{Method: "GET", Path: "/{page}", Summary: "The workbench's other pages (segments, assertions, links, search, codebook, agreement, memos, exports)", Content: "text/html", Action: ActRead, raw: (*Server).otherPage},
		{Method: "GET", Path: "/login", Summary: "Sign-in form", Content: "text/html", raw: (*Server).loginPage},
		{Method: "POST", Path: "/login", Summary: "Sign in with a token (form field token); sets the session cookie", Content: "text/html", raw: (*Server).login},
		{Method: "POST", Path: "/logout", Summary: "Sign out", Content: "text/html", Action: ActRead, raw: (*Server).logout},
		{Method: "GET", Path: "/static/{file...}", Summary: "Embedded scripts and style sheets", Content: "application/octet-stream", raw: (*Server).static},

		// API: reads.
		{Method: "GET", Path: "/api/openapi.json", Summary: "This API's OpenAPI 3.0 document", Content: "application/json", raw: (*Server).openAPI},
		{Method: "GET", Path: "/api/me", Summary: "Who is signed in, and the CSRF token of a cookie session", Response: Me{}, Action: ActRead, api: (*Server).me},
		{Method: "GET", Path: "/api/events", Summary: "Server-sent events: position, then change whenever the project's record grows", Content: "text/event-stream", Action: ActRead, raw: (*Server).events},
		{Method: "GET", Path: "/api/overview", Summary: "Counts, coders and recent changes", Response: service.Overview{}, Action: ActRead, api: (*Server).overview},
		{Method: "GET", Path: "/api/documents", Summary: "Documents with attributes, filtered by kind and attr=KEY=VALUE", Query: []string{"kind", "attr"}, Response: []service.DocumentInfo{}, Action: ActRead, api: (*Server).documents},
		{Method: "GET", Path: "/api/documents/{doc}", Summary: "A document: text, segments, codings (code points) and mentions", Query: []string{"lang"}, Response: service.DocumentView{}, Action: ActRead, api: (*Server).document},
		{Method: "GET", Path: "/api/codes", Summary: "The code tree with counts per code and coder", Response: []service.CodeNode{}, Action: ActRead, api: (*Server).codes},
		{Method: "GET", Path: "/api/segments", Summary: "Segments coded with a code or its subcodes", Query: []string{"code", "coder", "kind", "attr", "lang"}, Response: []service.CodedSpan{}, Action: ActRead, api: (*Server).segments},
		{Method: "GET", Path: "/api/search", Summary: "Full-text search with keyword-in-context lines", Query: []string{"q", "kind", "speaker", "attr", "limit", "width"}, Response: service.SearchResult{}, Action: ActRead, api: (*Server).search},
		{Method: "GET", Path: "/api/entities", Summary: "Entities", Response: []coding.Entity{}, Action: ActRead, api: (*Server).entities},
		{Method: "GET", Path: "/api/relations", Summary: "Relations the ontology admits between subject and object (entity ids, or class:ID)", Query: []string{"subject", "object"}, Response: []service.RelationChoice{}, Action: ActRead, api: (*Server).relations},
		{Method: "GET", Path: "/api/links", Summary: "Links between entities with their evidence", Query: []string{"from", "to", "relation", "practice", "phase", "coder", "attr"}, Response: []coding.Link{}, Action: ActRead, api: (*Server).links},
		{Method: "GET", Path: "/api/links.svg", Summary: "The links drawn as SVG, laid out on the server; edge groups have id link-N and a class a-ID per assertion", Query: []string{"from", "to", "relation", "practice", "phase", "coder", "attr"}, Content: "image/svg+xml", Action: ActRead, raw: (*Server).linksSVG},
		{Method: "GET", Path: "/api/assertions", Summary: "Assertions not retracted, with their evidence quoted", Query: []string{"from", "to", "relation", "practice", "phase", "coder", "attr"}, Response: []service.AssertionRow{}, Action: ActRead, api: (*Server).assertions},
		{Method: "GET", Path: "/api/vocabulary", Summary: "Actor classes, practices, phases, concepts and relations of the ontology", Response: service.Vocabulary{}, Action: ActRead, api: (*Server).vocabulary},
		{Method: "GET", Path: "/api/agreement", Summary: "Agreement between coders", Query: []string{"coder", "code", "doc"}, Response: agreement.Report{}, Action: ActRead, api: (*Server).agreement},
		{Method: "GET", Path: "/api/memos", Summary: "Memos, all or on one target", Query: []string{"target"}, Response: []coding.Memo{}, Action: ActRead, api: (*Server).memos},
		{Method: "GET", Path: "/api/exports", Summary: "The export formats", Response: []string{}, Action: ActRead, api: (*Server).exportFormats},
		{Method: "GET", Path: "/api/exports/{format}", Summary: "Download an export", Query: []string{"code", "doc", "coder"}, Content: "application/octet-stream", Action: ActRead, raw: (*Server).export},

		// API: writes.
		{Method: "POST", Path: "/api/codings", Summary: "Code a span (doc, start, end in code points) or a quote", Request: CodeRequest{}, Response: CodingResult{}, Action: ActCode, api: (*Server).code},
		{Method: "DELETE", Path: "/api/codings/{id}", Summary: "Remove a coding", Response: []coding.Coding{}, Action: ActCode, api: (*Server).uncode},
		{Method: "POST", Path: "/api/codings/{id}/recode", Summary: "Give a coding another code", Request: RecodeRequest{}, Response: RecodeResult{}, Action: ActCode, api: (*Server).recode},
		{Method: "POST", Path: "/api/codes", Summary: "Add an emergent code", Request: AddCodeRequest{}, Response: coding.Code{}, Action: ActCode, api: (*Server).addCode},
		{Method: "POST", Path: "/api/codes/{id}/promote", Summary: "Promote an emergent code into the ontology", Request: PromoteRequest{}, Response: PromoteResult{}, Action: ActOwner, api: (*Server).promote},
		{Method: "POST", Path: "/api/entities", Summary: "Add an entity", Request: coding.Entity{}, Response: coding.Entity{}, Action: ActCode, api: (*Server).addEntity},
		{Method: "POST", Path: "/api/mentions", Summary: "Mark a span as a mention of an entity", Request: MentionRequest{}, Response: coding.Mention{}, Action: ActCode, api: (*Server).mention},
		{Method: "POST", Path: "/api/assertions", Summary: "Assert a relation between entities, with evidence spans", Request: AssertRequest{}, Response: AssertResult{}, Action: ActAssert, api: (*Server).assert},
		{Method: "DELETE", Path: "/api/assertions/{id}", Summary: "Retract an assertion (your own, or anyone's as owner)", Query: []string{"reason"}, Response: coding.Assertion{}, Action: ActAssert, api: (*Server).retract},
		{Method: "POST", Path: "/api/assertions/{id}/evidence", Summary: "Add evidence spans or quotes to an assertion (your own, or anyone's as owner)", Request: EvidenceRequest{}, Response: service.EvidenceAdded{}, Action: ActAssert, api: (*Server).addEvidence},
		{Method: "POST", Path: "/api/memos", Summary: "Write a memo on a document, code, coding, entity or assertion", Request: MemoRequest{}, Response: coding.Memo{}, Action: ActMemo, api: (*Server).addMemo},
		{Method: "POST", Path: "/api/autocode", Summary: "Code all hits of a search (dry_run previews)", Request: AutoCodeRequest{}, Response: AutoCodeResult{}, Action: ActCode, api: (*Server).autocode},
		{Method: "GET", Path: "/api/documents/{doc}/suggestions", Summary: "Suggested codings of a document with their explanations, best first (as suggest --json); min_score defaults to the model's threshold", Query: []string{"code", "unit", "min_score"}, Response: []service.Suggestion{}, Action: ActRead, api: (*Server).suggestions},
		{Method: "POST", Path: "/api/documents/{doc}/suggestions/accept", Summary: "Accept suggested codings (ids): ordinary codings by you, marked as suggested", Request: SuggestionIDs{}, Response: []coding.Coding{}, Action: ActCode, api: (*Server).acceptSuggestions},
		{Method: "POST", Path: "/api/documents/{doc}/suggestions/reject", Summary: "Reject suggested codings (ids): never suggested again", Request: SuggestionIDs{}, Response: []coding.Rejection{}, Action: ActCode, api: (*Server).rejectSuggestions},
		{Method: "GET", Path: "/api/documents/{doc}/assertion-suggestions", Summary: "Suggested assertions of a document with their cue and mentions, best first (as suggest --assertions --json)", Response: []suggest.Proposal{}, Action: ActRead, api: (*Server).assertionSuggestions},
		{Method: "POST", Path: "/api/documents/{doc}/assertion-suggestions/accept", Summary: "Accept suggested assertions (ids): ordinary assertions by you, marked as suggested", Request: SuggestionIDs{}, Response: []AssertResult{}, Action: ActAssert, api: (*Server).acceptAssertionSuggestions},
		{Method: "POST", Path: "/api/documents/{doc}/assertion-suggestions/reject", Summary: "Reject suggested assertions (ids): never suggested again", Request: SuggestionIDs{}, Response: []coding.Rejection{}, Action: ActAssert, api: (*Server).rejectAssertionSuggestions},
	}
}

// build makes the mux from the route table.
func (s *Server) build() (http.Handler, error) {
	s.mux = http.NewServeMux()
	for _, rt := range routes() {
		if (rt.api == nil) == (rt.raw == nil) {
			return nil, fmt.Errorf("server: route %s %s: want one handler", rt.Method, rt.Path)
		}
		s.mux.Handle(rt.Method+" "+rt.Path, s.handle(rt))
	}
	return s.guard(s.mux), nil
}

// handle wraps a route's handler with sign-in, permission, CSRF check and,
// for the API, body decoding and JSON encoding.
func (s *Server) handle(rt route) http.Handler {
	isAPI := strings.HasPrefix(rt.Path, "/api/")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var c *caller
		if rt.Action != "" {
			var err error
			if c, err = s.identify(r); err != nil {
				if !isAPI && r.Method == http.MethodGet && errors.Is(err, ErrUnauthenticated) {
					http.Redirect(w, r, "/login", http.StatusSeeOther)
					return
				}
				s.writeError(w, err)
				return
			}
			if err := s.authorize(r.Context(), c, rt.Action, ""); err != nil {
				s.writeError(w, err)
				return
			}
			if err := checkCSRF(r, c); err != nil {
				s.writeError(w, err)
				return
			}
		}
		if rt.raw != nil {
			rt.raw(s, w, r, c)
			return
		}
		cl := &call{r: r, c: c}
		if rt.Request != nil {
			v := reflect.New(reflect.TypeOf(rt.Request))
			if err := decodeBody(r, v.Interface()); err != nil {
				s.writeError(w, err)
				return
			}
			cl.body = v.Interface()
		}
		out, err := rt.api(s, cl)
		if err != nil {
			s.writeError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, out)
	})
}

// decodeBody reads a JSON body into v, refusing unknown fields and
// trailing data.
func decodeBody(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return fmt.Errorf("request body: Content-Type %q: want application/json: %w", ct, ErrBadRequest)
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return err
		}
		return fmt.Errorf("request body: %v: %w", err, ErrBadRequest)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("request body: data after the JSON value: %w", ErrBadRequest)
	}
	return nil
}

// Me is who is signed in.
type Me struct {
	Name  string `json:"name"`
	Role  string `json:"role"`
	Local bool   `json:"local"`          // the local owner (loopback, no users)
	CSRF  string `json:"csrf,omitempty"` // send as X-CSRF-Token with a cookie session
}

func (s *Server) me(c *call) (any, error) {
	m := Me{Name: c.c.p.Name, Role: c.c.p.Role, Local: c.c.local}
	if c.c.session != nil {
		m.CSRF = c.c.session.csrf
	}
	return m, nil
}

func (s *Server) overview(c *call) (any, error) {
	return s.svc.Overview(c.ctx(), service.OverviewOptions{Visible: c.c.visible})
}

func (s *Server) documents(c *call) (any, error) {
	attrs, err := c.attrs()
	if err != nil {
		return nil, err
	}
	return s.svc.Documents(c.ctx(), service.DocumentsOptions{Kind: c.q("kind"), Attrs: attrs})
}

func (s *Server) document(c *call) (any, error) {
	return s.svc.Document(c.ctx(), service.DocumentOptions{Ref: c.r.PathValue("doc"), Lang: c.q("lang"), Visible: c.c.visible})
}

func (s *Server) codes(c *call) (any, error) { return s.svc.CodeTree(c.ctx(), c.c.visible) }

func (s *Server) segments(c *call) (any, error) {
	attrs, err := c.attrs()
	if err != nil {
		return nil, err
	}
	if c.q("code") == "" {
		return nil, fmt.Errorf("segments: name a code (code=ID): %w", ErrBadRequest)
	}
	return s.svc.Segments(c.ctx(), service.SegmentsOptions{Code: c.q("code"), Coders: c.qs("coder"), Kind: c.q("kind"), Attrs: attrs, Lang: c.q("lang"), Visible: c.c.visible})
}

func (s *Server) search(c *call) (any, error) {
	attrs, err := c.attrs()
	if err != nil {
		return nil, err
	}
	limit, err := c.qint("limit", 200)
	if err != nil {
		return nil, err
	}
	width, err := c.qint("width", 40)
	if err != nil {
		return nil, err
	}
	return s.svc.Search(c.ctx(), service.SearchOptions{SearchRequest: fts.SearchRequest{
		Query: c.q("q"), Kind: c.q("kind"), Speaker: c.q("speaker"), Attrs: attrs, Limit: limit}, Width: width})
}

func (s *Server) entities(c *call) (any, error) {
	v, err := s.svc.Project().View(true)
	if err != nil {
		return nil, err
	}
	return append([]coding.Entity{}, v.Entities...), nil
}

func (s *Server) relations(c *call) (any, error) {
	return s.svc.Relations(c.ctx(), c.q("subject"), c.q("object"))
}

func (s *Server) links(c *call) (any, error) {
	attrs, err := c.attrs()
	if err != nil {
		return nil, err
	}
	f := coding.LinkFilter{From: c.q("from"), To: c.q("to"), Relation: c.q("relation"), Practice: c.q("practice"),
		Phase: c.q("phase"), Coder: c.q("coder"), Attrs: attrs}
	if c.c.visible != nil {
		// Blind coding: links are counted over assertions, so a coder
		// who may not see everyone's sees only their own.
		v, err := s.svc.Project().View(true)
		if err != nil {
			return nil, err
		}
		for _, a := range v.Assertions {
			if !c.c.visible(a.Coder) {
				if f.Coder != "" && f.Coder != c.c.p.Name {
					return []coding.Link{}, nil
				}
				f.Coder = c.c.p.Name
				break
			}
		}
	}
	ls, err := s.svc.Links(c.ctx(), service.LinksOptions{Filter: f, Quotes: true})
	if err != nil {
		return nil, err
	}
	if ls == nil {
		ls = []coding.Link{}
	}
	return linksJSON(ls), nil
}

func (s *Server) agreement(c *call) (any, error) {
	coders := c.qs("coder")
	if len(coders) < 2 {
		return nil, fmt.Errorf("agreement: name at least two coders (coder=A&coder=B), not %d: %w", len(coders), ErrBadRequest)
	}
	if c.c.visible != nil {
		for _, k := range coders {
			if !c.c.visible(k) {
				return nil, fmt.Errorf("agreement: the codings of %s are hidden (blind coding): %w", k, ErrForbidden)
			}
		}
	}
	return s.svc.Agreement(c.ctx(), service.AgreementOptions{Coders: coders, Codes: c.qs("code"), Docs: c.qs("doc")})
}

func (s *Server) memos(c *call) (any, error) {
	return s.svc.Memos(c.ctx(), c.q("target"), c.c.visible)
}

func (s *Server) exportFormats(c *call) (any, error) { return slices.Clone(service.ExportFormats), nil }

// exportTypes are the media types of the export formats.
var exportTypes = map[string]string{
	"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"graphml": "application/xml", "gexf": "application/xml", "dot": "text/vnd.graphviz", "nquads": "application/n-quads",
	"jsonld": "application/ld+json", "qdpx": "application/zip", "qdc": "application/xml",
}

func (s *Server) export(w http.ResponseWriter, r *http.Request, c *caller) {
	cl := &call{r: r, c: c}
	format := r.PathValue("format")
	coders := cl.qs("coder")
	if c.visible != nil {
		// Blind coding: an export holds only the coders one may see.
		if len(coders) == 0 {
			coders = []string{c.p.Name}
		}
		for _, k := range coders {
			if !c.visible(k) {
				s.writeError(w, fmt.Errorf("export: the codings of %s are hidden (blind coding): %w", k, ErrForbidden))
				return
			}
		}
	}
	ex, err := s.svc.Export(r.Context(), service.ExportOptions{Format: format, Codes: cl.qs("code"), Docs: cl.qs("doc"), Coders: coders})
	if err != nil {
		s.writeError(w, err)
		return
	}
	var buf strings.Builder
	if err := ex.Write(r.Context(), &buf); err != nil {
		s.writeError(w, err)
		return
	}
	w.Header().Set("Content-Type", exportTypes[format])
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="qualgraph.%s"`, format))
	io.WriteString(w, buf.String())
}

// CodeRequest codes a span: Doc (id or name) with Start and End in code
// points, or Doc with Quote, the exact text to find in it.
type CodeRequest struct {
	Doc   string `json:"doc"`
	Start int    `json:"start"`
	End   int    `json:"end"`
	Quote string `json:"quote,omitempty"`
	Code  string `json:"code"`
	Memo  string `json:"memo,omitempty"`
}

// CodingResult is a coding written, or found already written by the same
// coder (Existing).
type CodingResult struct {
	Coding   coding.Coding `json:"coding"`
	DocName  string        `json:"doc_name"`
	Text     string        `json:"text"`
	Existing bool          `json:"existing"`
}

func (s *Server) code(c *call) (any, error) {
	b := c.body.(*CodeRequest)
	cd, err := s.svc.Code(c.ctx(), c.by(), service.CodeOptions{Span: coding.Span{Doc: b.Doc, Start: b.Start, End: b.End}, Quote: b.Quote, Code: b.Code, Memo: b.Memo})
	if err != nil {
		return nil, err
	}
	return CodingResult{cd.Coding, cd.DocName, cd.Text, cd.Existing}, nil
}

// codingOwner returns the coder of the coding ref names.
func (s *Server) codingOwner(ref string) (string, error) {
	v, err := s.svc.Project().View(false)
	if err != nil {
		return "", err
	}
	cd, err := service.FindCoding(v, ref)
	if err != nil {
		return "", err
	}
	return cd.Coder, nil
}

func (s *Server) uncode(c *call) (any, error) {
	id := c.r.PathValue("id")
	owner, err := s.codingOwner(id)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(c.ctx(), c.c, ActCode, owner); err != nil {
		return nil, err
	}
	return s.svc.Uncode(c.ctx(), c.by(), service.UncodeOptions{Refs: []string{id}})
}

// RecodeRequest gives a coding another code; From, if set, is the code
// the coding must still have.
type RecodeRequest struct {
	Code string `json:"code"`
	From string `json:"from,omitempty"`
}

// RecodeResult is the coding before and after.
type RecodeResult struct {
	Old       coding.Coding `json:"old"`
	New       coding.Coding `json:"new"`
	Unchanged bool          `json:"unchanged"`
}

func (s *Server) recode(c *call) (any, error) {
	id := c.r.PathValue("id")
	b := c.body.(*RecodeRequest)
	owner, err := s.codingOwner(id)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(c.ctx(), c.c, ActCode, owner); err != nil {
		return nil, err
	}
	r, err := s.svc.Recode(c.ctx(), c.by(), service.RecodeOptions{Ref: id, Code: b.Code, From: b.From})
	if err != nil {
		return nil, err
	}
	return RecodeResult{r.Old, r.New, r.Unchanged}, nil
}

// AddCodeRequest adds an emergent code.
type AddCodeRequest struct {
	ID         string `json:"id"`
	Parent     string `json:"parent,omitempty"`
	Definition string `json:"definition,omitempty"`
	Colour     string `json:"colour,omitempty"`
}

func (s *Server) addCode(c *call) (any, error) {
	b := c.body.(*AddCodeRequest)
	return s.svc.AddCode(c.ctx(), c.by(), service.AddCodeOptions{ID: b.ID, Parent: b.Parent, Definition: b.Definition, Colour: b.Colour})
}

// PromoteRequest promotes an emergent code under Parent (default its
// present parent).
type PromoteRequest struct {
	Parent string `json:"parent,omitempty"`
}

// PromoteResult is where the code went.
type PromoteResult struct {
	ID     string `json:"id"`
	Parent string `json:"parent"`
	File   string `json:"file"`
}

func (s *Server) promote(c *call) (any, error) {
	b := c.body.(*PromoteRequest)
	p, err := s.svc.PromoteCode(c.ctx(), c.by(), service.PromoteOptions{ID: c.r.PathValue("id"), Parent: b.Parent})
	if err != nil {
		return nil, err
	}
	return PromoteResult{p.ID, p.Parent, p.File}, nil
}

func (s *Server) addEntity(c *call) (any, error) {
	return s.svc.AddEntity(c.ctx(), c.by(), service.AddEntityOptions{Entity: *c.body.(*coding.Entity)})
}

// MentionRequest marks [Start, End) of Doc as a mention of Entity.
type MentionRequest struct {
	Doc    string `json:"doc"`
	Start  int    `json:"start"`
	End    int    `json:"end"`
	Entity string `json:"entity"`
}

func (s *Server) mention(c *call) (any, error) {
	b := c.body.(*MentionRequest)
	m, err := s.svc.Mention(c.ctx(), c.by(), service.MentionOptions{Span: coding.Span{Doc: b.Doc, Start: b.Start, End: b.End}, Entity: b.Entity})
	if err != nil {
		return nil, err
	}
	return m.Mention, nil
}

// AssertRequest states "subject relation object" with evidence spans.
type AssertRequest struct {
	Subject    string        `json:"subject"`
	Relation   string        `json:"relation"`
	Object     string        `json:"object"` // an entity id, or class:ID for a concept
	Practice   string        `json:"practice,omitempty"`
	Phase      string        `json:"phase,omitempty"`
	Polarity   string        `json:"polarity,omitempty"` // positive (default) or negative
	Confidence float64       `json:"confidence"`
	Evidence   []coding.Span `json:"evidence"`
	// EvidenceQuotes are more evidence, each the one occurrence of its
	// text in its document, added after Evidence.
	EvidenceQuotes []QuoteRequest `json:"evidence_quotes,omitempty"`
	Memo           string         `json:"memo,omitempty"`
}

// AssertResult is the assertion written, or found already written by the
// same coder (Existing).
type AssertResult struct {
	Assertion coding.Assertion `json:"assertion"`
	Existing  bool             `json:"existing"`
}

func (s *Server) assert(c *call) (any, error) {
	b := c.body.(*AssertRequest)
	a := coding.Assertion{Subject: b.Subject, Relation: b.Relation, Object: b.Object, Practice: b.Practice, Phase: b.Phase,
		Polarity: coding.Polarity(b.Polarity), Confidence: b.Confidence, Evidence: b.Evidence, Memo: b.Memo}
	r, err := s.svc.Assert(c.ctx(), c.by(), service.AssertOptions{Assertion: a, EvidenceQuotes: quoteRefs(b.EvidenceQuotes)})
	if err != nil {
		return nil, err
	}
	return AssertResult{r.Assertion, r.Existing}, nil
}

// MemoRequest writes a memo on Target: a document, code, coding, entity
// or assertion, by id or unambiguous prefix.
type MemoRequest struct {
	Target string `json:"target"`
	Text   string `json:"text"`
}

func (s *Server) addMemo(c *call) (any, error) {
	b := c.body.(*MemoRequest)
	return s.svc.AddMemo(c.ctx(), c.by(), service.MemoOptions{Target: b.Target, Text: b.Text})
}

// AutoCodeRequest codes every hit of a search with Code; DryRun only
// plans.
type AutoCodeRequest struct {
	Query   string            `json:"query"`
	Code    string            `json:"code"`
	Unit    string            `json:"unit,omitempty"` // hit (default), sentence, segment, document
	Kind    string            `json:"kind,omitempty"`
	Speaker string            `json:"speaker,omitempty"`
	Attrs   map[string]string `json:"attrs,omitempty"`
	DryRun  bool              `json:"dry_run"`
}

// AutoCodeResult is what a "code all hits" wrote or, with DryRun, would
// write.
type AutoCodeResult struct {
	Codings  []coding.Coding `json:"codings"`
	Texts    []string        `json:"texts"` // the text of each of Codings
	Hits     int             `json:"hits"`
	Existing int             `json:"existing"`
	DryRun   bool            `json:"dry_run"`
}

func (s *Server) autocode(c *call) (any, error) {
	b := c.body.(*AutoCodeRequest)
	if b.Query == "" || b.Code == "" {
		return nil, fmt.Errorf("autocode: want a query and a code: %w", ErrBadRequest)
	}
	r, err := s.svc.AutoCode(c.ctx(), c.by(), service.AutoCodeOptions{AutoCodeRequest: project.AutoCodeRequest{
		Query: b.Query, Code: b.Code, Unit: project.Unit(b.Unit), Kind: b.Kind, Speaker: b.Speaker, Attrs: b.Attrs, DryRun: b.DryRun}})
	if err != nil {
		return nil, err
	}
	out := AutoCodeResult{Codings: r.Codings, Hits: r.Hits, Existing: r.Existing, DryRun: r.DryRun}
	if out.Codings == nil {
		out.Codings = []coding.Coding{}
	}
	quote := s.svc.Project().Quoter()
	out.Texts = make([]string, len(out.Codings))
	for i, cd := range out.Codings {
		if out.Texts[i], err = quote.Span(cd.Span); err != nil {
			return nil, err
		}
	}
	return out, nil
}
