package service

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/coding/agreement"
	"github.com/qualgraph/qualgraph/coding/analysis"
	"github.com/qualgraph/qualgraph/coding/network"
	"github.com/qualgraph/qualgraph/corpus"
)

// FrequenciesOptions are the options of Frequencies.
type FrequenciesOptions struct {
	// By is code (the default when empty), coder, doc or a document
	// attribute; attr:KEY names an attribute KEY that is one of those
	// words. The document kind serves as the attribute kind.
	By string
	Selection
}

// Grouping reads By: the grouping and, for analysis.ByAttr, the attribute.
func (o FrequenciesOptions) Grouping() (analysis.Grouping, string) {
	switch o.By {
	case "", "code":
		return analysis.ByCode, ""
	case "coder", "doc":
		return analysis.Grouping(o.By), ""
	}
	if attr, ok := strings.CutPrefix(o.By, "attr:"); ok {
		return analysis.ByAttr, attr
	}
	return analysis.ByAttr, o.By
}

// Frequencies counts the selected codings, documents and characters coded
// per code (with its ancestors), coder, document or attribute value.
func (s *Service) Frequencies(ctx context.Context, o FrequenciesOptions) (*analysis.FreqTable, error) {
	by, attr := o.Grouping()
	if by == analysis.ByAttr && attr == "" {
		return nil, &OptionError{Option: "by", Value: o.By, Want: "code, coder, doc or a document attribute"}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	a, err := s.loadAnalysis(ctx, by == analysis.ByDoc || by == analysis.ByAttr)
	if err != nil {
		return nil, err
	}
	cs, err := s.selected(ctx, a, o.Selection)
	if err != nil {
		return nil, err
	}
	return analysis.Frequencies(cs, analysisDocs(a.docs), analysis.FreqOptions{By: by, Attr: attr, Hierarchy: a.cb})
}

// CooccurOptions are the options of Cooccur.
type CooccurOptions struct {
	Codes []string      // the codes to compare; empty: every code used
	Unit  analysis.Unit // overlap (the default when empty), segment or document
	Selection
}

// Cooccur counts how often pairs of codes overlap, share a segment or a
// document, over the selected codings.
func (s *Service) Cooccur(ctx context.Context, o CooccurOptions) (*analysis.Cooccurrence, error) {
	unit := o.Unit
	switch unit {
	case "":
		unit = analysis.UnitOverlap
	case analysis.UnitOverlap, analysis.UnitSegment, analysis.UnitDocument:
	default:
		return nil, &OptionError{Option: "unit", Value: string(unit), Want: "overlap, segment or document"}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	_, cs, err := s.loadSelection(ctx, o.Codes, o.Selection, false)
	if err != nil {
		return nil, err
	}
	var docs analysis.Docs
	if unit == analysis.UnitSegment {
		if docs, err = s.segmentDocs(ctx, cs); err != nil {
			return nil, err
		}
	}
	return analysis.Cooccur(cs, docs, analysis.CooccurOptions{Unit: unit, Codes: o.Codes})
}

// MatrixOptions are the options of Matrix.
type MatrixOptions struct {
	By       string         // the document attribute whose values are the columns (or kind)
	Codes    []string       // the rows; empty: every code used
	Count    analysis.Count // codings (the default when empty), documents or words
	Subcodes bool           // a row counts its code's subcodes too
	Selection
}

// MatrixResult is the result of Matrix.
type MatrixResult struct {
	*analysis.Matrix
	// Documents is the number of documents of the project.
	Documents int `json:"-"`
}

// Matrix counts the selected codings of each code in the documents with
// each value of a document attribute (matrix coding).
func (s *Service) Matrix(ctx context.Context, o MatrixOptions) (*MatrixResult, error) {
	if o.By == "" {
		return nil, &OptionError{Option: "by", Want: "a document attribute"}
	}
	count := o.Count
	switch count {
	case "":
		count = analysis.CountCodings
	case analysis.CountCodings, analysis.CountDocuments, analysis.CountWords:
	default:
		return nil, &OptionError{Option: "count", Value: string(count), Want: "codings, documents or words"}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	a, cs, err := s.loadSelection(ctx, o.Codes, o.Selection, true)
	if err != nil {
		return nil, err
	}
	docs := analysisDocs(a.docs)
	if count == analysis.CountWords {
		// The text of the coded documents only.
		for _, cd := range cs {
			d := docs[cd.Doc]
			if d.Text != "" {
				continue
			}
			if d.Text, err = s.p.Text(cd.Doc); err != nil {
				return nil, err
			}
			docs[cd.Doc] = d
		}
	}
	opt := analysis.MatrixOptions{Attr: o.By, Count: count, Codes: o.Codes}
	if o.Subcodes {
		opt.Hierarchy = a.cb
	}
	m, err := analysis.MatrixCoding(cs, docs, opt)
	if err != nil {
		return nil, err
	}
	return &MatrixResult{Matrix: m, Documents: len(docs)}, nil
}

// CentralityOptions are the options of Centrality.
type CentralityOptions struct {
	Measure   string            // degree (the default when empty), betweenness or pagerank
	Direction network.Direction // degree: in, out or total (the default when empty)
	Weighted  bool              // count assertions, not neighbours
	Relations []string          // only assertions of these relations
	Phases    []string          // only assertions coded in these cluster phases
}

// Centrality is the result of Centrality; its JSON shape is that of
// centrality --json.
type Centrality struct {
	Measure   string          `json:"measure"`
	Direction string          `json:"direction,omitempty"` // degree only
	Weighted  bool            `json:"weighted"`
	Relations []string        `json:"relations"`
	Phases    []string        `json:"phases"`
	Nodes     int             `json:"nodes"`
	Edges     int             `json:"edges"`
	Scores    []network.Score `json:"scores"` // highest first
	// Coders are the coders of the assertions behind the ties, sorted.
	Coders []string `json:"coders"`
}

// Centrality scores the entities of the network of assertions between
// entities that are neither retracted nor negative.
func (s *Service) Centrality(ctx context.Context, o CentralityOptions) (*Centrality, error) {
	measure, dir := o.Measure, o.Direction
	if measure == "" {
		measure = "degree"
	}
	if dir == "" {
		dir = network.Total
	}
	switch measure {
	case "degree", "betweenness", "pagerank":
	default:
		return nil, &OptionError{Option: "measure", Value: measure, Want: "degree, betweenness or pagerank"}
	}
	switch dir {
	case network.In, network.Out, network.Total:
	default:
		return nil, &OptionError{Option: "direction", Value: string(dir), Want: "in, out or total"}
	}
	v, cb, err := s.viewAndCodebook(ctx, true)
	if err != nil {
		return nil, err
	}
	if err := checkRelations(cb, o.Relations); err != nil {
		return nil, err
	}
	if err := checkCodes(cb, o.Phases); err != nil {
		return nil, err
	}
	ids := make([]string, len(v.Entities))
	for i, e := range v.Entities {
		ids[i] = e.ID
	}
	n, err := network.RelationNetwork(entityTies(v), network.MetaFromEntities(v.Entities),
		network.RelationOptions{Relations: o.Relations, Phases: o.Phases, Merge: true, Nodes: ids})
	if err != nil {
		return nil, err
	}
	var scores []network.Score
	switch measure {
	case "degree":
		scores = network.Degree(n, dir, o.Weighted)
	case "betweenness":
		if o.Weighted {
			scores, err = network.WeightedBetweenness(n)
		} else {
			scores = network.Betweenness(n)
		}
	case "pagerank":
		scores, err = network.PageRank(n, o.Weighted)
	}
	if err != nil {
		return nil, err
	}
	out := &Centrality{Measure: measure, Weighted: o.Weighted, Relations: orEmpty(o.Relations), Phases: orEmpty(o.Phases),
		Nodes: len(n.Nodes), Edges: len(n.Edges), Scores: scores, Coders: assertionCoders(v, n)}
	if measure == "degree" {
		out.Direction = string(dir)
	}
	if out.Scores == nil {
		out.Scores = []network.Score{}
	}
	return out, nil
}

func orEmpty(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

// NetworkOptions are the options of Network.
type NetworkOptions struct {
	Mode string // twomode or onemode (the default when empty)
	Via  string // concept (the default when empty) or relation
	// Relations: with Via relation, only these relations; with Via
	// concept, at most one, the statement relation (default
	// takesPosition).
	Relations []string
	Phases    []string // Via relation: only assertions in these cluster phases
	Opt       network.Options
	// Window, if its Unit is set, cuts the statements into moving time
	// windows (Via concept only), dated by the document attribute
	// DateAttr (default date) of each assertion's first evidence.
	Window   network.WindowOptions
	DateAttr string
}

// NetworkResult is the result of Network: one network, or with time
// windows a series of them.
type NetworkResult struct {
	Network *network.Network
	Series  *network.Series
	// Coders are the coders of the assertions behind the edges (of all
	// windows), sorted.
	Coders []string
}

// Network builds a discourse network (Via concept: actors and the concepts
// they take positions on) or the network of actors tied by typed
// assertions (Via relation).
func (s *Service) Network(ctx context.Context, o NetworkOptions) (*NetworkResult, error) {
	if o.Mode == "" {
		o.Mode = "onemode"
	}
	if o.Via == "" {
		o.Via = "concept"
	}
	if o.DateAttr == "" {
		o.DateAttr = "date"
	}
	switch {
	case o.Mode != "twomode" && o.Mode != "onemode":
		return nil, &OptionError{Option: "mode", Value: o.Mode, Want: "twomode or onemode"}
	case o.Via != "concept" && o.Via != "relation":
		return nil, &OptionError{Option: "via", Value: o.Via, Want: "concept or relation"}
	case o.Via == "relation" && o.Mode == "twomode":
		return nil, fmt.Errorf("network: a relation network is one-mode (actors), not twomode")
	case o.Via == "concept" && len(o.Relations) > 1:
		return nil, fmt.Errorf("network: a concept network takes one statement relation, not %d", len(o.Relations))
	case o.Via == "concept" && len(o.Phases) > 0:
		return nil, fmt.Errorf("network: phases filter relation networks, not concept networks")
	case o.Window.Unit != "" && o.Via == "relation":
		return nil, fmt.Errorf("network: time windows need a concept network")
	}
	v, cb, err := s.viewAndCodebook(ctx, true)
	if err != nil {
		return nil, err
	}
	if err := checkRelations(cb, o.Relations); err != nil {
		return nil, err
	}
	meta := network.MetaFromEntities(v.Entities)
	for _, a := range v.Assertions {
		if cls, ok := strings.CutPrefix(a.Object, "class:"); ok {
			label := cls
			if cl, ok := cb.Class(cls); ok {
				label = cl.Label("en")
			}
			meta[a.Object] = network.NodeInfo{Label: label, Type: cls}
		}
	}
	if o.Via == "relation" {
		ids := make([]string, len(v.Entities))
		for i, e := range v.Entities {
			ids[i] = e.ID
		}
		n, err := network.RelationNetwork(entityTies(v), meta, network.RelationOptions{Relations: o.Relations, Phases: o.Phases, Nodes: ids})
		if err != nil {
			return nil, err
		}
		return &NetworkResult{Network: n, Coders: assertionCoders(v, n)}, nil
	}
	rel := ""
	if len(o.Relations) == 1 {
		rel = o.Relations[0]
	}
	var docTime func(string) time.Time
	if o.Window.Unit != "" {
		if docTime, err = s.documentTimes(ctx, o.DateAttr); err != nil {
			return nil, err
		}
	}
	stmts := network.StatementsFromAssertions(v.Assertions, rel, docTime)
	build := func(st []network.Statement) (*network.Network, error) {
		opt := o.Opt
		opt.Actors = network.Actors(stmts)
		if o.Mode == "twomode" {
			opt.Concepts = network.Concepts(stmts)
			return network.TwoMode(st, meta, opt)
		}
		return network.ActorNetwork(st, meta, opt)
	}
	if o.Window.Unit == "" {
		n, err := build(stmts)
		if err != nil {
			return nil, err
		}
		return &NetworkResult{Network: n, Coders: assertionCoders(v, n)}, nil
	}
	series, err := network.Windows(stmts, o.Window, build)
	if err != nil {
		return nil, err
	}
	var all []string
	for _, w := range series.Windows {
		all = append(all, assertionCoders(v, w.Network)...)
	}
	slices.Sort(all)
	return &NetworkResult{Series: series, Coders: orEmpty(slices.Compact(all))}, nil
}

// assertionCoders returns the coders of the assertions of v behind the
// edges of n, sorted; never nil.
func assertionCoders(v *coding.View, n *network.Network) []string {
	coder := make(map[string]string, len(v.Assertions))
	for _, a := range v.Assertions {
		coder[a.ID] = a.Coder
	}
	seen := map[string]bool{}
	for _, e := range n.Edges {
		for _, id := range e.Assertions {
			if c, ok := coder[id]; ok {
				seen[c] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for c := range seen {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

// documentTimes returns the date of each document from attribute attr: a
// date YYYY-MM-DD, or an integer year (1 January). Documents without it
// are undated (zero time).
func (s *Service) documentTimes(ctx context.Context, attr string) (func(string) time.Time, error) {
	docs, err := s.p.Documents(ctx)
	if err != nil {
		return nil, err
	}
	times := map[string]time.Time{}
	var keys []string
	for _, d := range docs {
		keys = append(keys, d.Attrs.Keys()...)
		a, ok := d.Attrs[attr]
		if !ok {
			continue
		}
		switch a.Type {
		case corpus.AttrDate:
			t, err := time.Parse(time.DateOnly, a.Value)
			if err == nil {
				times[d.ID] = t
			}
		case corpus.AttrInteger:
			y, err := strconv.Atoi(a.Value)
			if err == nil && y > 0 && y < 10000 {
				times[d.ID] = time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
			}
		default:
			return nil, fmt.Errorf("--date-attr %s: document %s has %q, not a date (YYYY-MM-DD) or a year", attr, d.Name, a.Value)
		}
	}
	if len(times) == 0 {
		slices.Sort(keys)
		return nil, &analysis.AttrError{Attr: attr, Known: slices.Compact(keys)}
	}
	return func(doc string) time.Time { return times[doc] }, nil
}

// AgreementOptions are the options of Agreement.
type AgreementOptions struct {
	Coders []string // the coders to compare, at least two
	Codes  []string // only these codes; empty: every code they used
	// Docs (ids or names) to compare over; empty: every document all
	// Coders coded.
	Docs []string
	// NoSuggested leaves out the codings accepted from machine
	// suggestions.
	NoSuggested bool
}

// Agreement compares the coders: percentage agreement and Cohen's kappa
// per pair, Krippendorff's alpha for unitizing and over segments.
//
// The Report's Documents name every document compared, with its segments
// counted as turns (a speaker is named) or paragraphs; without
// AgreementOptions.Docs they also list the documents some coders coded and
// others did not, left out, and Warnings say, for each coder whose
// coverage shrank the base, how many documents the coder coded and what
// the comparison is computed on.
func (s *Service) Agreement(ctx context.Context, o AgreementOptions) (*agreement.Report, error) {
	if len(o.Coders) < 2 {
		return nil, fmt.Errorf("agreement: name at least two coders, not %d", len(o.Coders))
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	a, err := s.loadAnalysis(ctx, false)
	if err != nil {
		return nil, err
	}
	if o.NoSuggested {
		// A copy: the analysis data may be shared.
		b := *a
		v := *a.view
		v.Codings = bySuggested(v.Codings)
		b.view = &v
		a = &b
	}
	if err := checkCodes(a.cb, o.Codes); err != nil {
		return nil, err
	}
	docs, err := s.resolveDocs(ctx, o.Docs)
	if err != nil {
		return nil, err
	}
	coded := map[string]map[string]bool{} // doc → coders
	for _, cd := range a.view.Codings {
		if coded[cd.Doc] == nil {
			coded[cd.Doc] = map[string]bool{}
		}
		coded[cd.Doc][cd.Coder] = true
	}
	for _, who := range o.Coders {
		found := false
		for _, m := range coded {
			found = found || m[who]
		}
		if !found {
			return nil, fmt.Errorf("coder %q has no codings (the coders are %s)", who, strings.Join(codersOf(a.view), ", "))
		}
	}
	named := len(docs) > 0
	var left []agreement.Document // documents some coders coded, not all
	if !named {
		var some []string // documents any of the coders coded
		for doc, m := range coded {
			var none []string
			for _, who := range o.Coders {
				if !m[who] {
					none = append(none, who)
				}
			}
			switch {
			case len(none) == 0:
				docs = append(docs, doc)
			case len(none) < len(o.Coders):
				some = append(some, doc)
				left = append(left, agreement.Document{Doc: doc,
					Reason: fmt.Sprintf("%s coded nothing in it", joinAnd(none))})
			}
		}
		if len(docs) == 0 {
			return nil, fmt.Errorf("coders %s have coded no document in common; name the documents with --doc", strings.Join(o.Coders, ", "))
		}
		sort.Strings(docs)
	}
	lens := map[string]int{}
	segs := map[string][]agreement.Interval{}
	info := map[string]*corpus.Document{}
	names := map[string]string{}
	for _, id := range docs {
		d, err := s.p.Document(ctx, id)
		if err != nil {
			return nil, err
		}
		info[id], names[id] = d, d.Name
		lens[id] = d.Chars
		for _, sg := range d.Segments {
			segs[id] = append(segs[id], agreement.Interval{Start: sg.Start, End: sg.End})
		}
	}
	r, err := agreement.Compare(filterCodings(a.view.Codings, docs, o.Coders), lens,
		&agreement.Options{Coders: o.Coders, Codes: o.Codes, Segments: segs, Names: names})
	if err != nil {
		return nil, err
	}
	for i := range r.Documents {
		if r.Documents[i].Unit == "segment" {
			r.Documents[i].Unit = segmentUnit(info[r.Documents[i].Doc])
		}
	}
	if named {
		sortDocuments(r.Documents)
		return r, nil
	}
	// The documents left out, and a warning for each coder whose coverage
	// shrank the base.
	codings := codingsPerDoc(a.view.Codings, o.Coders, o.Codes)
	for i, dm := range left {
		d, err := s.p.Document(ctx, dm.Doc)
		if err != nil {
			return nil, err
		}
		left[i].Name, left[i].Chars, left[i].Unit, left[i].Units = d.Name, d.Chars, segmentUnit(d), len(d.Segments)
		left[i].Codings = codings[dm.Doc]
		if left[i].Codings == nil { // none of the codes compared
			left[i].Codings = map[string]int{}
			for _, who := range o.Coders {
				left[i].Codings[who] = 0
			}
		}
	}
	if len(left) > 0 {
		all := len(docs) + len(left)
		units, unit := 0, ""
		for i, dm := range r.Documents {
			units += dm.Units
			if i == 0 || unit == dm.Unit {
				unit = dm.Unit
			} else {
				unit = "segment"
			}
		}
		for _, who := range o.Coders {
			n := 0
			for _, m := range coded {
				if m[who] {
					n++
				}
			}
			if n < all {
				r.Warnings = append(r.Warnings, fmt.Sprintf(
					"%s coded %d of the %d documents the coders coded; agreement is computed on the %d that all of them coded (%s, %d characters), not %d",
					who, n, all, len(docs), nounPlural(units, unit), r.Chars, all))
			}
		}
		r.Documents = append(r.Documents, left...)
	}
	sortDocuments(r.Documents)
	return r, nil
}

// sortDocuments sorts a Report's documents by name, then id.
func sortDocuments(ds []agreement.Document) {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i], ds[j]
		return a.Name < b.Name || a.Name == b.Name && a.Doc < b.Doc
	})
}

// segmentUnit names the segments of d: turns when a speaker is named,
// else paragraphs; "char" for a document without segments.
func segmentUnit(d *corpus.Document) string {
	if len(d.Segments) == 0 {
		return "char"
	}
	for _, sg := range d.Segments {
		if sg.Speaker != "" {
			return "turn"
		}
	}
	return "paragraph"
}

// nounPlural writes n units: "41 turns", "1 paragraph", "300 characters".
func nounPlural(n int, unit string) string {
	if unit == "char" {
		unit = "character"
	}
	if n != 1 {
		unit += "s"
	}
	return strconv.Itoa(n) + " " + unit
}

// joinAnd joins names as people write them: "ann", "ann and bo", "ann, bo
// and cy".
func joinAnd(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// codingsPerDoc counts the codings of each coder (of the codes, all if
// none are named) per document; every coder has a count, 0 included.
func codingsPerDoc(cs []coding.Coding, coders, codes []string) map[string]map[string]int {
	out := map[string]map[string]int{}
	for _, cd := range cs {
		if !slices.Contains(coders, cd.Coder) || len(codes) > 0 && !slices.Contains(codes, cd.Code) {
			continue
		}
		if out[cd.Doc] == nil {
			out[cd.Doc] = map[string]int{}
			for _, who := range coders {
				out[cd.Doc][who] = 0
			}
		}
		out[cd.Doc][cd.Coder]++
	}
	return out
}

// codersOf returns the coders of the codings of v, sorted.
func codersOf(v *coding.View) []string {
	seen := map[string]bool{}
	for _, c := range v.Codings {
		seen[c.Coder] = true
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
