package service

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"strings"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/corpus"
	"github.com/qualgraph/qualgraph/corpus/fts"
	"github.com/qualgraph/qualgraph/ontology"
	"github.com/qualgraph/qualgraph/project"
)

// The use cases of this file are the reads of the web workbench (package
// server): an overview of the project, documents with their codings, the
// code tree with counts, retrieved segments, search with keyword-in-context
// lines, the relations an assertion between two entities may take, and
// memos. Their results carry JSON tags: they are the API's shapes.

// Overview is what a project holds, in counts, with its coders and its
// latest changes.
type Overview struct {
	Documents  int             `json:"documents"`
	Codings    int             `json:"codings"`
	Codes      int             `json:"codes"` // classes of the ontology and emergent codes
	Entities   int             `json:"entities"`
	Assertions int             `json:"assertions"` // not retracted
	Memos      int             `json:"memos"`
	Coders     []CoderCount    `json:"coders"`
	Recent     []coding.Change `json:"recent"` // latest first
}

// CoderCount is how many codings a coder made.
type CoderCount struct {
	Coder   string `json:"coder"`
	Codings int    `json:"codings"`
}

// OverviewOptions are the options of Overview.
type OverviewOptions struct {
	Recent int // how many of the latest changes; 0 means 20
	// Visible, if set, keeps the codings, assertions and memos of the
	// coders it admits (blind coding); nil keeps all.
	Visible func(coder string) bool
}

// Overview counts what the project holds and lists its coders and latest
// changes.
func (s *Service) Overview(ctx context.Context, o OverviewOptions) (*Overview, error) {
	v, cb, err := s.viewAndCodebook(ctx, false)
	if err != nil {
		return nil, err
	}
	names, err := s.p.DocNames(ctx)
	if err != nil {
		return nil, err
	}
	see := visibleOr(o.Visible)
	out := &Overview{Documents: len(names), Codes: len(cb.Classes()), Entities: len(v.Entities), Coders: []CoderCount{}}
	by := map[string]int{}
	for _, c := range v.Codings {
		if see(c.Coder) {
			out.Codings++
			by[c.Coder]++
		}
	}
	for _, a := range v.Assertions {
		if !a.Retracted && see(a.Coder) {
			out.Assertions++
		}
	}
	for _, m := range v.Memos {
		if see(m.Author) {
			out.Memos++
		}
	}
	for c, n := range by {
		out.Coders = append(out.Coders, CoderCount{c, n})
	}
	slices.SortFunc(out.Coders, func(a, b CoderCount) int { return strings.Compare(a.Coder, b.Coder) })
	n := cmp.Or(o.Recent, 20)
	out.Recent = []coding.Change{}
	for i := len(v.Changes) - 1; i >= 0 && len(out.Recent) < n; i-- {
		if see(v.Changes[i].By) {
			out.Recent = append(out.Recent, v.Changes[i])
		}
	}
	return out, nil
}

func visibleOr(f func(string) bool) func(string) bool {
	if f == nil {
		return func(string) bool { return true }
	}
	return f
}

// DocumentsOptions are the options of Documents.
type DocumentsOptions struct {
	Kind  string            // only documents of this kind
	Attrs map[string]string // only documents with these attribute values (canonical text)
}

// DocumentInfo is a document without its text.
type DocumentInfo struct {
	ID    string       `json:"id"`
	Name  string       `json:"name"`
	Kind  string       `json:"kind"`
	Chars int          `json:"chars"`
	Attrs corpus.Attrs `json:"attrs"`
}

// Documents lists the documents that o selects, by name. A kind or an
// attribute key that no document has is an error wrapping ErrUnknownKind
// or ErrUnknownAttr.
func (s *Service) Documents(ctx context.Context, o DocumentsOptions) ([]DocumentInfo, error) {
	docs, err := s.p.Documents(ctx)
	if err != nil {
		return nil, err
	}
	out := []DocumentInfo{}
	for _, d := range docs {
		if o.Kind != "" && d.Kind != o.Kind {
			continue
		}
		ok := true
		for k, want := range o.Attrs {
			if a, has := d.Attrs[k]; !has || a.Value != want {
				ok = false
			}
		}
		if ok {
			out = append(out, DocumentInfo{d.ID, d.Name, d.Kind, d.Chars, d.Attrs})
		}
	}
	if len(out) == 0 && (o.Kind != "" || len(o.Attrs) > 0) {
		if err := s.CheckFilter(ctx, DocFilter{Kind: o.Kind, Attrs: o.Attrs}); err != nil {
			return nil, err
		}
	}
	slices.SortFunc(out, func(a, b DocumentInfo) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// CodedSpan is a coding with what a reader shows of it: the code's label
// and colour and the coded text. Start and End count code points.
type CodedSpan struct {
	coding.Coding
	Label   string `json:"label"`
	Colour  string `json:"colour"` // #RRGGBB or ""
	DocName string `json:"doc_name"`
	Speaker string `json:"speaker"` // of the segment where the span starts
	Text    string `json:"text"`
}

// DocumentView is a document with its text, segments, codings and
// mentions.
type DocumentView struct {
	DocumentInfo
	Text     string           `json:"text"`
	Segments []corpus.Segment `json:"segments"`
	Codings  []CodedSpan      `json:"codings"`
	Mentions []coding.Mention `json:"mentions"`
}

// DocumentOptions are the options of Document.
type DocumentOptions struct {
	Ref     string            // a document's id or name
	Lang    string            // the language of code labels; "" for English
	Visible func(string) bool // the coders whose codings to show; nil: all
}

// Document returns a document with its text, segments, codings (with code
// labels and colours) and mentions. An unknown document is a
// *coding.UnknownError wrapping coding.ErrUnknownDoc.
func (s *Service) Document(ctx context.Context, o DocumentOptions) (*DocumentView, error) {
	d, err := s.p.Document(ctx, o.Ref)
	if err != nil {
		return nil, &coding.UnknownError{What: "document", ID: o.Ref, Err: coding.ErrUnknownDoc}
	}
	v, err := s.p.View(false)
	if err != nil {
		return nil, err
	}
	cb, err := s.p.Codebook()
	if err != nil {
		return nil, err
	}
	see := visibleOr(o.Visible)
	text := []rune(d.Text)
	out := &DocumentView{
		DocumentInfo: DocumentInfo{d.ID, d.Name, d.Kind, d.Chars, d.Attrs},
		Text:         d.Text, Segments: orEmptySlice(d.Segments),
		Codings: []CodedSpan{}, Mentions: []coding.Mention{},
	}
	for _, c := range v.Codings {
		if c.Doc != d.ID || !see(c.Coder) {
			continue
		}
		out.Codings = append(out.Codings, codedSpan(cb, o.Lang, d, text, c))
	}
	for _, m := range v.Mentions {
		if m.Doc == d.ID && see(m.Coder) {
			out.Mentions = append(out.Mentions, m)
		}
	}
	slices.SortFunc(out.Codings, func(a, b CodedSpan) int {
		return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(a.End, b.End), strings.Compare(a.Code, b.Code), strings.Compare(a.Coder, b.Coder))
	})
	return out, nil
}

func orEmptySlice[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

// codedSpan dresses c, a coding of document d with text text.
func codedSpan(cb *coding.Codebook, lang string, d *corpus.Document, text []rune, c coding.Coding) CodedSpan {
	cs := CodedSpan{Coding: c, Label: c.Code, DocName: d.Name}
	if cl, ok := cb.Class(c.Code); ok {
		cs.Label, cs.Colour = cl.Label(cmp.Or(lang, "en")), cl.Colour
	}
	if c.Start >= 0 && c.End <= len(text) && c.Start <= c.End {
		cs.Text = string(text[c.Start:c.End])
	}
	for _, sg := range d.Segments {
		if sg.Start <= c.Start && c.Start < sg.End {
			cs.Speaker = sg.Speaker
			break
		}
	}
	return cs
}

// CodeNode is one code of the code tree: a class of the ontology or an
// emergent code, with its counts.
type CodeNode struct {
	ID         string          `json:"id"`
	Parent     string          `json:"parent"`
	Depth      int             `json:"depth"`
	Labels     ontology.Labels `json:"labels"`
	Definition string          `json:"definition,omitempty"`
	Colour     string          `json:"colour,omitempty"`
	Cues       ontology.Cues   `json:"cues,omitempty"`
	Emergent   bool            `json:"emergent"`
	Codings    int             `json:"codings"`  // codings with this code itself
	ByCoder    map[string]int  `json:"by_coder"` // the same, by coder
}

// CodeTree returns the codebook (the ontology's classes and the emergent
// codes) depth first in file order, with the codings of each code, in all
// and by coder. visible, if not nil, keeps the codings of the coders it
// admits.
func (s *Service) CodeTree(ctx context.Context, visible func(string) bool) ([]CodeNode, error) {
	v, cb, err := s.viewAndCodebook(ctx, false)
	if err != nil {
		return nil, err
	}
	see := visibleOr(visible)
	emergent := map[string]bool{}
	for _, c := range v.Codes {
		emergent[c.ID] = !c.Promoted
	}
	counts := map[string]map[string]int{}
	for _, c := range v.Codings {
		if !see(c.Coder) {
			continue
		}
		if counts[c.Code] == nil {
			counts[c.Code] = map[string]int{}
		}
		counts[c.Code][c.Coder]++
	}
	out := []CodeNode{}
	var walk func(id string, depth int)
	walk = func(id string, depth int) {
		cl, ok := cb.Class(id)
		if !ok {
			return
		}
		n := CodeNode{ID: cl.ID, Parent: cl.Parent, Depth: depth, Labels: cl.Labels, Definition: cl.Definition,
			Colour: cl.Colour, Cues: cl.Cues, Emergent: emergent[cl.ID], ByCoder: map[string]int{}}
		if n.Labels == nil {
			n.Labels = ontology.Labels{}
		}
		for coder, k := range counts[cl.ID] {
			n.ByCoder[coder] = k
			n.Codings += k
		}
		out = append(out, n)
		for _, ch := range cb.Children(id) {
			walk(ch, depth+1)
		}
	}
	for _, r := range cb.Roots() {
		walk(r, 0)
	}
	return out, nil
}

// SegmentsOptions are the options of Segments.
type SegmentsOptions struct {
	Code    string            // the code; its subcodes' codings come too
	Coders  []string          // only codings by these coders; empty: all
	Kind    string            // only in documents of this kind
	Attrs   map[string]string // only in documents with these attribute values
	Lang    string            // the language of code labels
	Visible func(string) bool // blind coding: the coders that may be seen
}

// Segments retrieves every segment coded with o.Code or one of its
// subcodes across the documents, with document, speaker, coder and text,
// sorted by document name and span. An unknown code is a
// *coding.UnknownError.
func (s *Service) Segments(ctx context.Context, o SegmentsOptions) ([]CodedSpan, error) {
	qs, err := s.Codings(ctx, CodingsOptions{Code: o.Code})
	if err != nil {
		return nil, err
	}
	var attrs map[string]map[string]string
	if len(o.Attrs) > 0 {
		if attrs, err = s.p.DocAttrs(ctx); err != nil {
			return nil, err
		}
	}
	cb, err := s.p.Codebook()
	if err != nil {
		return nil, err
	}
	see := visibleOr(o.Visible)
	docs := map[string]*corpus.Document{}
	out := []CodedSpan{}
	for _, q := range qs {
		if !see(q.Coder) || len(o.Coders) > 0 && !slices.Contains(o.Coders, q.Coder) {
			continue
		}
		ok := true
		for k, want := range o.Attrs {
			if attrs[q.Doc][k] != want {
				ok = false
			}
		}
		if !ok {
			continue
		}
		d := docs[q.Doc]
		if d == nil {
			if d, err = s.p.Document(ctx, q.Doc); err != nil {
				return nil, err
			}
			docs[q.Doc] = d
		}
		if o.Kind != "" && d.Kind != o.Kind {
			continue
		}
		cs := codedSpan(cb, o.Lang, d, nil, q.Coding)
		cs.Text, cs.DocName = q.Text, q.DocName
		out = append(out, cs)
	}
	if len(out) == 0 && (o.Kind != "" || len(o.Attrs) > 0) {
		if err := s.CheckFilter(ctx, DocFilter{Kind: o.Kind, Attrs: o.Attrs}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// SearchOptions are the options of Search.
type SearchOptions struct {
	fts.SearchRequest     // Limit 0 means all hits
	Width             int // code points of context each side; 0 means 40
}

// SearchHit is one hit of Search with its keyword-in-context line. Start
// and End count code points.
type SearchHit struct {
	Doc     string `json:"doc"`
	Name    string `json:"name"`
	Start   int    `json:"start"`
	End     int    `json:"end"`
	Speaker string `json:"speaker"` // the speaker, by the name aliases merge labels into
	// Label is the turn's label as the document writes it, where it
	// differs from Speaker (speaker alias).
	Label string  `json:"label,omitempty"`
	Score float64 `json:"score"`
	Left  string  `json:"left"`
	Text  string  `json:"text"`
	Right string  `json:"right"`
}

// exactCountUnits is the most matching turns for which Search counts every
// hit beyond its limit.
var exactCountUnits = 2000

// SearchResult is what Search found.
type SearchResult struct {
	Hits []SearchHit `json:"hits"`
	// Total is the number of hits in all, before the limit, when Exact;
	// otherwise (more than exactCountUnits turns match, too many to read
	// every hit's position) only the hits returned, and Units says how
	// many turns (segments) match.
	Total int  `json:"total"`
	Exact bool `json:"exact"`
	Units int  `json:"units,omitempty"`
	// Indexed and Documents tell how many documents are searchable while
	// the index catches up with an import.
	Indexed   int `json:"indexed"`
	Documents int `json:"documents"`
}

// Search runs a full-text query with keyword-in-context lines. A query
// that is not valid is an *fts.QueryError; a filter naming a kind,
// speaker or attribute that no document has, when nothing is found, is
// the error of CheckFilter.
func (s *Service) Search(ctx context.Context, o SearchOptions) (*SearchResult, error) {
	req := o.SearchRequest
	limit := req.Limit
	// A speaker's turns are those of its labels and aliases.
	spk, err := s.p.SpeakerNames()
	if err != nil {
		return nil, err
	}
	req.SpeakerLabels = spk.Labels
	var hits []fts.Hit
	res := &SearchResult{Hits: []SearchHit{}}
	err = s.p.ReadIndex(func(ix *fts.Index) error {
		var err error
		var units int
		if hits, units, err = ix.SearchCount(req); err != nil || limit <= 0 || len(hits) < limit {
			res.Total, res.Exact = len(hits), true
			return err
		}
		// More hits than shown: count them all where that is cheap
		// enough; a common word in a large project matches too many
		// turns to read every hit's position, and then the turns
		// are counted instead (the search counted them).
		if res.Units = units; res.Units > exactCountUnits {
			res.Total = len(hits)
			return nil
		}
		all := req
		all.Limit = 0
		every, err := ix.Search(all)
		res.Total, res.Exact = len(every), true
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(hits) == 0 {
		if err := s.CheckFilter(ctx, DocFilter{Kind: req.Kind, Speaker: req.Speaker, Attrs: req.Attrs}); err != nil {
			return nil, err
		}
	}
	if limit > 0 && len(hits) > limit {
		hits = hits[:limit]
	}
	st, err := s.p.IndexStatus(ctx)
	if err != nil {
		return nil, err
	}
	res.Indexed, res.Documents = st.Indexed, st.Total
	width := cmp.Or(o.Width, 40)
	// The byte offsets of every hit, found in one pass over each
	// document's text rather than one per hit.
	offsets := map[string][]int{}
	for _, h := range hits {
		offsets[h.Doc] = append(offsets[h.Doc], h.Start, h.End)
	}
	texts, err := s.p.Texts(slices.Collect(maps.Keys(offsets)))
	if err != nil {
		return nil, err
	}
	bytesAt := map[string]map[int]int{}
	for doc, cps := range offsets {
		text := texts[doc]
		slices.Sort(cps)
		cps = slices.Compact(cps)
		at := make(map[int]int, len(cps))
		for i, b := range corpus.ByteOffsets(text, cps) {
			at[cps[i]] = b
		}
		bytesAt[doc] = at
	}
	for _, h := range hits {
		at := bytesAt[h.Doc]
		left, hit, right := corpus.KWICBytes(texts[h.Doc], at[h.Start], at[h.End], width)
		sh := SearchHit{Doc: h.Doc, Name: h.Name, Start: h.Start, End: h.End, Speaker: spk.Name(h.Speaker), Score: h.Score, Left: left, Text: hit, Right: right}
		if sh.Speaker != h.Speaker {
			sh.Label = h.Speaker
		}
		res.Hits = append(res.Hits, sh)
	}
	return res, nil
}

// RelationChoice is a relation an assertion may take.
type RelationChoice struct {
	ID         string          `json:"id"`
	Labels     ontology.Labels `json:"labels"`
	Definition string          `json:"definition,omitempty"`
}

// Relations lists the relations of the ontology whose domain admits the
// class of entity subject and whose range admits object: an entity, or a
// concept written "class:ID". An unknown entity is a *coding.UnknownError.
func (s *Service) Relations(ctx context.Context, subject, object string) ([]RelationChoice, error) {
	v, cb, err := s.viewAndCodebook(ctx, true)
	if err != nil {
		return nil, err
	}
	types := map[string]string{}
	for _, e := range v.Entities {
		types[e.ID] = e.Type
	}
	st, ok := types[subject]
	if !ok {
		return nil, &coding.UnknownError{What: "entity", ID: subject, Err: coding.ErrUnknownEntity}
	}
	ot, concept := strings.CutPrefix(object, "class:")
	if !concept {
		if ot, ok = types[object]; !ok {
			return nil, &coding.UnknownError{What: "entity", ID: object, Err: coding.ErrUnknownEntity}
		}
	} else if err := cb.CheckCode(ot); err != nil {
		return nil, err
	}
	out := []RelationChoice{}
	for _, r := range cb.Relations() {
		if cb.AllowsSubject(r.ID, st) && cb.AllowsObject(r.ID, ot) && !(concept && cb.IsA(ot, coding.RootActor)) {
			out = append(out, RelationChoice{r.ID, orLabels(r.Labels), r.Definition})
		}
	}
	return out, nil
}

func orLabels(l ontology.Labels) ontology.Labels {
	if l == nil {
		return ontology.Labels{}
	}
	return l
}

// Memos lists the memos, oldest first: all, or those on target (a
// resolved target id, as AddMemo records it). visible, if not nil, keeps
// the memos of the authors it admits.
func (s *Service) Memos(ctx context.Context, target string, visible func(string) bool) ([]coding.Memo, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	v, err := s.p.View(true)
	if err != nil {
		return nil, err
	}
	if target != "" {
		if target, err = s.p.MemoTarget(ctx, target); err != nil {
			return nil, err
		}
	}
	see := visibleOr(visible)
	out := []coding.Memo{}
	for _, m := range v.Memos {
		if (target == "" || m.Target == target) && see(m.Author) {
			out = append(out, m)
		}
	}
	return out, nil
}

// Project returns the project the Service works on, for the callers that
// watch it (the server's event stream polls its record).
func (s *Service) Project() *project.Project { return s.p }
