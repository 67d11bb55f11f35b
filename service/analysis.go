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
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	v, err := s.p.View(true)
	if err != nil {
		return nil, err
	}
	cb, err := s.p.Codebook()
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
		Nodes: len(n.Nodes), Edges: len(n.Edges), Scores: scores}
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
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	v, err := s.p.View(true)
	if err != nil {
		return nil, err
	}
	cb, err := s.p.Codebook()
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
		return &NetworkResult{Network: n}, nil
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
		return &NetworkResult{Network: n}, nil
	}
	series, err := network.Windows(stmts, o.Window, build)
	if err != nil {
		return nil, err
	}
	return &NetworkResult{Series: series}, nil
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
}

// Agreement compares the coders: percentage agreement and Cohen's kappa
// per pair, Krippendorff's alpha for unitizing and over segments.
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
	if len(docs) == 0 {
		for doc, m := range coded {
			all := true
			for _, who := range o.Coders {
				all = all && m[who]
			}
			if all {
				docs = append(docs, doc)
			}
		}
		if len(docs) == 0 {
			return nil, fmt.Errorf("coders %s have coded no document in common; name the documents with --doc", strings.Join(o.Coders, ", "))
		}
		sort.Strings(docs)
	}
	lens := map[string]int{}
	segs := map[string][]agreement.Interval{}
	for _, id := range docs {
		d, err := s.p.Document(ctx, id)
		if err != nil {
			return nil, err
		}
		lens[id] = d.Chars
		for _, sg := range d.Segments {
			segs[id] = append(segs[id], agreement.Interval{Start: sg.Start, End: sg.End})
		}
	}
	return agreement.Compare(filterCodings(a.view.Codings, docs, o.Coders), lens,
		&agreement.Options{Coders: o.Coders, Codes: o.Codes, Segments: segs})
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
