package main

// The analysis commands: frequencies, cooccur and matrix (package
// coding/analysis), centrality and network (coding/network) and agreement
// (coding/agreement). They read the projection (project.View); only those
// that need document names, attributes, segments or text open the graph
// and sources/, read-only.

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/coding/agreement"
	"github.com/qualgraph/qualgraph/coding/analysis"
	"github.com/qualgraph/qualgraph/coding/network"
	"github.com/qualgraph/qualgraph/corpus"
	"github.com/qualgraph/qualgraph/project"
)

func analysisCommands() []*cli.Command {
	coderFilter := &cli.StringSliceFlag{Name: "coder", Usage: "only codings by `NAME`, repeatable or comma-separated"}
	docFilter := &cli.StringSliceFlag{Name: "doc", Usage: "only codings in document `DOC` (id or name), repeatable"}
	codesFlag := &cli.StringSliceFlag{Name: "codes", Usage: "the `CODE`s to compare, comma-separated (default: every code used)"}
	return []*cli.Command{
		{
			Name:  "frequencies",
			Usage: "count codings, documents and characters coded per code, coder, document or attribute value",
			Description: `--by code (the default) lists every code used and its ancestors, each with its
   own counts and its total with subcodes. Characters count the union of the
   spans in each document, so text coded twice counts once. --by ATTR groups
   by the value of a document attribute (attr:KEY if KEY is code, coder or doc);
   kind, the document kind, serves as one.`,
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "by", Value: "code", Usage: "code, coder, doc or a document attribute `ATTR`"},
				coderFilter, docFilter, jsonFlag,
			},
			Action: frequenciesAction,
		},
		{
			Name:  "cooccur",
			Usage: "code co-occurrence: how often two codes overlap, share a segment or a document",
			Description: `--unit overlap (the default) counts pairs of codings whose spans overlap
   (touching spans do not), as QualCoder and ATLAS.ti do; segment counts the
   speaker turns or paragraphs both codes touch; document the documents coded
   with both. Each pair has ATLAS.ti's c-coefficient n12/(n1+n2-n12); under
   overlap it can exceed 1 (marked !) when one coding overlaps several.`,
			Flags: []cli.Flag{
				codesFlag,
				&cli.StringFlag{Name: "unit", Value: "overlap", Usage: "overlap, segment or document"},
				coderFilter, docFilter, jsonFlag,
			},
			Action: cooccurAction,
		},
		{
			Name:  "matrix",
			Usage: "matrix coding: codes × the values of a document attribute",
			Description: `A cell counts the codings of the code in documents with the value, the
   documents coded with it, or the words of the coded text (text coded twice
   counts once; an English word and a Chinese character count one each).`,
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "by", Usage: "the document attribute `ATTR` whose values are the columns (or kind)"},
				&cli.StringSliceFlag{Name: "codes", Usage: "the row `CODE`s, comma-separated (default: every code used)"},
				&cli.StringFlag{Name: "count", Value: "codings", Usage: "codings, documents or words"},
				&cli.BoolFlag{Name: "subcodes", Usage: "a row counts its code's subcodes too"},
				coderFilter, docFilter, jsonFlag,
			},
			Action: matrixAction,
		},
		{
			Name:  "centrality",
			Usage: "who holds power, who brokers: centrality of entities in the network of assertions",
			Description: `The network: every entity a node, every assertion between entities that is
   not retracted and not negative a directed edge (takesPosition and other
   statements on concepts are left out). degree counts neighbours (--weighted:
   assertions), betweenness measures brokerage, pagerank prestige.`,
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "measure", Value: "degree", Usage: "degree, betweenness or pagerank"},
				&cli.StringSliceFlag{Name: "relation", Usage: "only assertions of `RELATION`, repeatable"},
				&cli.StringSliceFlag{Name: "phase", Usage: "only assertions coded in cluster `PHASE`, repeatable"},
				&cli.StringFlag{Name: "direction", Value: "total", Usage: "degree: in, out or total"},
				&cli.BoolFlag{Name: "weighted", Usage: "count assertions, not neighbours (degree, pagerank, betweenness by 1/weight)"},
				&cli.IntFlag{Name: "top", Value: 20, Usage: "show the first N rows (0: all); --json has all"},
				jsonFlag,
			},
			Action: centralityAction,
		},
		{
			Name:  "network",
			Usage: "discourse and relation networks for Gephi (GEXF, GraphML), CSV or JSON",
			Description: `--via concept builds DNA's discourse networks from takesPosition assertions:
   --mode twomode (actors × concepts) or onemode (actors tied by the concepts
   they agree or disagree on, by --qualifier). --via relation builds the
   directed network of actors tied by typed assertions. --window cuts the
   statements into moving time windows, dated by the document attribute
   --date-attr (a date, or a year) of each assertion's first evidence.`,
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "mode", Value: "onemode", Usage: "twomode or onemode"},
				&cli.StringFlag{Name: "via", Value: "concept", Usage: "concept or relation"},
				&cli.StringFlag{Name: "qualifier", Usage: "ignore, congruence, conflict or subtract (twomode: ignore, combine, subtract)"},
				&cli.StringFlag{Name: "normalize", Value: "no", Usage: "no, average, jaccard or cosine (twomode: no, activity, prominence)"},
				&cli.StringFlag{Name: "duplicates", Value: "include", Usage: "include, document or once"},
				&cli.StringSliceFlag{Name: "relation", Usage: "--via relation: only `RELATION`, repeatable; --via concept: the statement relation (default takesPosition)"},
				&cli.StringSliceFlag{Name: "phase", Usage: "--via relation: only assertions in cluster `PHASE`, repeatable"},
				&cli.StringFlag{Name: "window", Usage: "time windows of days, months, years or statements"},
				&cli.IntFlag{Name: "size", Usage: "window length in `N` units"},
				&cli.IntFlag{Name: "step", Value: 1, Usage: "how far each window moves on, in `N` units"},
				&cli.StringFlag{Name: "date-attr", Value: "date", Usage: "the document attribute `ATTR` that dates statements"},
				&cli.StringFlag{Name: "format", Value: "gexf", Usage: "gexf, graphml, csv (edges), csv-nodes or json"},
				&cli.StringFlag{Name: "out", Usage: "write to `FILE` (default: standard output)"},
				&cli.BoolFlag{Name: "json", Usage: "the same as --format json"},
			},
			Action: networkAction,
		},
		{
			Name:  "agreement",
			Usage: "intercoder agreement: percentage agreement, Cohen's kappa, Krippendorff's alpha",
			Description: `Compares the coders on every code they used (or --code), over the documents
   all of them coded (or --doc): percentage agreement and Cohen's kappa per
   pair at the character level, Krippendorff's alpha for unitizing, and
   nominal alpha with the documents' segments as units.`,
			Flags: []cli.Flag{
				&cli.StringSliceFlag{Name: "coders", Usage: "the coders `A,B[,C...]` to compare (at least two)"},
				&cli.StringSliceFlag{Name: "code", Usage: "only `CODE`, repeatable"},
				&cli.StringSliceFlag{Name: "doc", Usage: "compare over document `DOC` (id or name), repeatable"},
				jsonFlag,
			},
			Action: agreementAction,
		},
	}
}

// analysisData is what the analysis commands read.
type analysisData struct {
	p    *project.Project
	view *coding.View
	cb   *coding.Codebook
	docs []*corpus.Document // records from the graph: no text, no segments
}

// loadAnalysis reads the full view and the codebook and, with docs, the
// documents' records from the graph.
func loadAnalysis(p *project.Project, docs bool) (*analysisData, error) {
	v, err := p.View(false)
	if err != nil {
		return nil, err
	}
	cb, err := p.Codebook()
	if err != nil {
		return nil, err
	}
	a := &analysisData{p: p, view: v, cb: cb}
	if docs {
		g, err := p.Graph()
		if err != nil {
			return nil, err
		}
		if a.docs, err = g.Documents(context.Background()); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// resolveDocs turns document ids or names into ids.
func resolveDocs(p *project.Project, refs []string) ([]string, error) {
	if len(refs) == 0 {
		return nil, nil
	}
	g, err := p.Graph()
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(refs))
	for i, r := range refs {
		d, err := g.Document(context.Background(), r)
		if err != nil {
			return nil, fmt.Errorf("%w (qualgraph docs lists the documents)",
				&coding.UnknownError{What: "document", ID: r, Err: coding.ErrUnknownDoc})
		}
		ids[i] = d.ID
	}
	return ids, nil
}

// filterCodings keeps the codings in the documents docs and by the coders
// (all where a list is empty).
func filterCodings(cs []coding.Coding, docs, coders []string) []coding.Coding {
	if len(docs) == 0 && len(coders) == 0 {
		return cs
	}
	var out []coding.Coding
	for _, c := range cs {
		if (len(docs) == 0 || slices.Contains(docs, c.Doc)) && (len(coders) == 0 || slices.Contains(coders, c.Coder)) {
			out = append(out, c)
		}
	}
	return out
}

// loadSelection loads the analysis data (with the document records if
// docs) and returns the codes of --codes, checked against the codebook,
// and the codings that --doc and --coder select.
func loadSelection(p *project.Project, c *cli.Context, docs bool) (*analysisData, []string, []coding.Coding, error) {
	a, err := loadAnalysis(p, docs)
	if err != nil {
		return nil, nil, nil, err
	}
	codes := c.StringSlice("codes")
	if err := a.checkCodes(codes); err != nil {
		return nil, nil, nil, err
	}
	cs, err := a.filtered(c)
	if err != nil {
		return nil, nil, nil, err
	}
	return a, codes, cs, nil
}

// filtered returns the codings the --doc and --coder flags select.
func (a *analysisData) filtered(c *cli.Context) ([]coding.Coding, error) {
	docs, err := resolveDocs(a.p, c.StringSlice("doc"))
	if err != nil {
		return nil, err
	}
	return filterCodings(a.view.Codings, docs, c.StringSlice("coder")), nil
}

// analysisDocs converts document records for package analysis. The
// document kind (interview, focus-group, policy, document) serves as the
// attribute "kind" unless the documents have an attribute of that name.
func analysisDocs(docs []*corpus.Document) analysis.Docs {
	kindAttr := true
	for _, d := range docs {
		if _, ok := d.Attrs["kind"]; ok {
			kindAttr = false
		}
	}
	out := make(analysis.Docs, len(docs))
	for _, d := range docs {
		attrs := make(map[string]string, len(d.Attrs)+1)
		for k, v := range d.Attrs {
			attrs[k] = v.Value
		}
		if kindAttr {
			attrs["kind"] = d.Kind
		}
		out[d.ID] = analysis.Doc{ID: d.ID, Name: d.Name, Attrs: attrs}
	}
	return out
}

// checkCodes checks codes against the codebook.
func (a *analysisData) checkCodes(codes []string) error {
	for _, code := range codes {
		if err := a.cb.CheckCode(code); err != nil {
			return err
		}
	}
	return nil
}

// noneValue is how tables show the empty attribute value.
func noneValue(v string) string {
	if v == "" {
		return "(none)"
	}
	return v
}

// grouping reads --by of frequencies: code, coder, doc, ATTR or attr:ATTR.
func grouping(by string) (analysis.Grouping, string) {
	switch by {
	case "code", "coder", "doc":
		return analysis.Grouping(by), ""
	}
	if attr, ok := strings.CutPrefix(by, "attr:"); ok {
		return analysis.ByAttr, attr
	}
	return analysis.ByAttr, by
}

func frequenciesAction(c *cli.Context) error {
	if err := needArgs(c, 0, 0, "[--by code|coder|doc|ATTR] [--coder NAME] [--doc DOC] [--json]"); err != nil {
		return err
	}
	by, attr := grouping(c.String("by"))
	if by == analysis.ByAttr && attr == "" {
		return usagef("--by: want code, coder, doc or a document attribute")
	}
	return withProject(c, project.ReadOnly, func(p *project.Project) error {
		a, err := loadAnalysis(p, by == analysis.ByDoc || by == analysis.ByAttr)
		if err != nil {
			return err
		}
		cs, err := a.filtered(c)
		if err != nil {
			return err
		}
		t, err := analysis.Frequencies(cs, analysisDocs(a.docs), analysis.FreqOptions{By: by, Attr: attr, Hierarchy: a.cb})
		if err != nil {
			return err
		}
		w := c.App.Writer
		if c.Bool("json") {
			return writeJSON(w, t)
		}
		var tb *table
		switch by {
		case analysis.ByCode:
			tb = newTable("CODE", "CODINGS", "DOCS", "CHARS", "WITH SUBCODES: CODINGS", "DOCS", "CHARS")
			for _, r := range t.Rows {
				tb.add(strings.Repeat("  ", r.Depth)+r.Key, itoa(r.Codings), itoa(r.Documents), itoa(r.Chars),
					itoa(r.Total.Codings), itoa(r.Total.Documents), itoa(r.Total.Chars))
			}
		case analysis.ByDoc:
			tb = newTable("DOCUMENT", "ID", "CODINGS", "CHARS", "CODES")
			for _, r := range t.Rows {
				tb.add(r.Label, r.Key, itoa(r.Codings), itoa(r.Chars), itoa(r.Codes))
			}
		default:
			head := strings.ToUpper(string(by))
			if by == analysis.ByAttr {
				head = attr
			}
			tb = newTable(head, "CODINGS", "DOCS", "CHARS", "CODES")
			for _, r := range t.Rows {
				tb.add(noneValue(r.Key), itoa(r.Codings), itoa(r.Documents), itoa(r.Chars), itoa(r.Codes))
			}
		}
		if err := tb.write(w, style{useColor(w)}, 60); err != nil {
			return err
		}
		printf(w, "%d codings in %d documents, %d characters coded\n", t.Total.Codings, t.Total.Documents, t.Total.Chars)
		return nil
	})
}

func itoa(n int) string { return strconv.Itoa(n) }

func cooccurAction(c *cli.Context) error {
	if err := needArgs(c, 0, 0, "[--codes C,...] [--unit overlap|segment|document] [--json]"); err != nil {
		return err
	}
	unit := analysis.Unit(c.String("unit"))
	switch unit {
	case analysis.UnitOverlap, analysis.UnitSegment, analysis.UnitDocument:
	default:
		return usagef("--unit %q: want overlap, segment or document", unit)
	}
	return withProject(c, project.ReadOnly, func(p *project.Project) error {
		_, codes, cs, err := loadSelection(p, c, false)
		if err != nil {
			return err
		}
		var docs analysis.Docs
		if unit == analysis.UnitSegment {
			if docs, err = segmentDocs(p, cs); err != nil {
				return err
			}
		}
		r, err := analysis.Cooccur(cs, docs, analysis.CooccurOptions{Unit: unit, Codes: codes})
		if err != nil {
			return err
		}
		w := c.App.Writer
		if c.Bool("json") {
			return writeJSON(w, r)
		}
		n := map[string]int{}
		for _, cc := range r.Codes {
			n[cc.Code] = cc.N
		}
		pairs := slices.Clone(r.Pairs)
		sort.SliceStable(pairs, func(i, j int) bool { return pairs[i].Count > pairs[j].Count })
		tb := newTable("CODE A", "CODE B", "COUNT", "C", "N A", "N B")
		for _, pr := range pairs {
			cv := "-"
			if pr.C != nil {
				cv = strconv.FormatFloat(*pr.C, 'f', 3, 64)
			}
			if pr.OutOfRange {
				cv += " !"
			}
			tb.add(pr.A, pr.B, itoa(pr.Count), cv, itoa(n[pr.A]), itoa(n[pr.B]))
		}
		if err := tb.write(w, style{useColor(w)}, 40); err != nil {
			return err
		}
		what := map[analysis.Unit]string{analysis.UnitOverlap: "overlapping codings",
			analysis.UnitSegment: "segments", analysis.UnitDocument: "documents"}[unit]
		printf(w, "%d pairs of %d codes co-occur (unit: %s; N = number of %s)\n", len(r.Pairs), len(r.Codes), unit,
			strings.TrimPrefix(what, "overlapping "))
		for _, pr := range r.Pairs {
			if pr.OutOfRange {
				printf(w, "! c out of range: a coding overlaps several codings of the other code\n")
				break
			}
		}
		return nil
	})
}

// segmentDocs reads the segments of the documents of cs.
func segmentDocs(p *project.Project, cs []coding.Coding) (analysis.Docs, error) {
	docs := analysis.Docs{}
	for _, c := range cs {
		if _, ok := docs[c.Doc]; ok {
			continue
		}
		d, err := p.Document(context.Background(), c.Doc)
		if err != nil {
			return nil, err
		}
		segs := make([]analysis.Segment, len(d.Segments))
		for i, s := range d.Segments {
			segs[i] = analysis.Segment{Start: s.Start, End: s.End}
		}
		docs[d.ID] = analysis.Doc{ID: d.ID, Name: d.Name, Segments: segs}
	}
	return docs, nil
}

func matrixAction(c *cli.Context) error {
	if err := needArgs(c, 0, 0, "--by ATTR [--codes C,...] [--count codings|documents|words] [--json]"); err != nil {
		return err
	}
	attr := c.String("by")
	if attr == "" {
		return usagef("usage: qualgraph matrix --by ATTR [--codes C,...] [--count codings|documents|words] (qualgraph docs shows the attributes)")
	}
	count := analysis.Count(c.String("count"))
	switch count {
	case analysis.CountCodings, analysis.CountDocuments, analysis.CountWords:
	default:
		return usagef("--count %q: want codings, documents or words", count)
	}
	return withProject(c, project.ReadOnly, func(p *project.Project) error {
		a, codes, cs, err := loadSelection(p, c, true)
		if err != nil {
			return err
		}
		docs := analysisDocs(a.docs)
		if count == analysis.CountWords {
			// The text of the coded documents only.
			for _, cd := range cs {
				d := docs[cd.Doc]
				if d.Text != "" {
					continue
				}
				if d.Text, err = p.Text(cd.Doc); err != nil {
					return err
				}
				docs[cd.Doc] = d
			}
		}
		opt := analysis.MatrixOptions{Attr: attr, Count: count, Codes: codes}
		if c.Bool("subcodes") {
			opt.Hierarchy = a.cb
		}
		m, err := analysis.MatrixCoding(cs, docs, opt)
		if err != nil {
			return err
		}
		w := c.App.Writer
		if c.Bool("json") {
			return writeJSON(w, m)
		}
		head := []string{"CODE \\ " + attr}
		for _, v := range m.Values {
			head = append(head, noneValue(v))
		}
		tb := newTable(append(head, "TOTAL")...)
		for _, r := range m.Rows {
			cells := []string{r.Code}
			for _, v := range r.Cells {
				cells = append(cells, itoa(v))
			}
			tb.add(append(cells, itoa(r.Total))...)
		}
		docsRow := []string{"(documents)"}
		for _, n := range m.Docs {
			docsRow = append(docsRow, itoa(n))
		}
		tb.add(append(docsRow, itoa(len(docs)))...)
		if err := tb.write(w, style{useColor(w)}, 40); err != nil {
			return err
		}
		printf(w, "%s per code and value of %s\n", count, attr)
		return nil
	})
}

// entityTies returns the ties between entities of the non-retracted
// assertions (statements on concepts left out).
func entityTies(v *coding.View) []network.Tie {
	var out []network.Tie
	for _, t := range network.TiesFromAssertions(v.Assertions) {
		if !strings.HasPrefix(t.To, "class:") {
			out = append(out, t)
		}
	}
	return out
}

// checkRelations checks relation ids against the codebook.
func checkRelations(cb *coding.Codebook, rels []string) error {
	for _, r := range rels {
		if _, ok := cb.Relation(r); !ok {
			return &coding.UnknownError{What: "relation", ID: r, Nearest: cb.NearestRelation(r, 3), Err: coding.ErrUnknownRelation}
		}
	}
	return nil
}

// centralityJSON is the JSON shape of centrality --json.
type centralityJSON struct {
	Measure   string          `json:"measure"`
	Direction string          `json:"direction,omitempty"`
	Weighted  bool            `json:"weighted"`
	Relations []string        `json:"relations"`
	Phases    []string        `json:"phases"`
	Nodes     int             `json:"nodes"`
	Edges     int             `json:"edges"`
	Scores    []network.Score `json:"scores"`
}

func centralityAction(c *cli.Context) error {
	if err := needArgs(c, 0, 0, "[--measure degree|betweenness|pagerank] [--relation R] [--phase F] [--json]"); err != nil {
		return err
	}
	measure, dir := c.String("measure"), network.Direction(c.String("direction"))
	switch measure {
	case "degree", "betweenness", "pagerank":
	default:
		return usagef("--measure %q: want degree, betweenness or pagerank", measure)
	}
	switch dir {
	case network.In, network.Out, network.Total:
	default:
		return usagef("--direction %q: want in, out or total", dir)
	}
	return withProject(c, project.ReadOnly, func(p *project.Project) error {
		v, err := p.View(true)
		if err != nil {
			return err
		}
		cb, err := p.Codebook()
		if err != nil {
			return err
		}
		rels, phases := c.StringSlice("relation"), c.StringSlice("phase")
		if err := checkRelations(cb, rels); err != nil {
			return err
		}
		for _, ph := range phases {
			if err := cb.CheckCode(ph); err != nil {
				return err
			}
		}
		ids := make([]string, len(v.Entities))
		for i, e := range v.Entities {
			ids[i] = e.ID
		}
		n, err := network.RelationNetwork(entityTies(v), network.MetaFromEntities(v.Entities),
			network.RelationOptions{Relations: rels, Phases: phases, Merge: true, Nodes: ids})
		if err != nil {
			return err
		}
		weighted := c.Bool("weighted")
		var scores []network.Score
		switch measure {
		case "degree":
			scores = network.Degree(n, dir, weighted)
		case "betweenness":
			if weighted {
				scores, err = network.WeightedBetweenness(n)
			} else {
				scores = network.Betweenness(n)
			}
		case "pagerank":
			scores, err = network.PageRank(n, weighted)
		}
		if err != nil {
			return err
		}
		out := centralityJSON{Measure: measure, Weighted: weighted, Relations: orEmpty(rels), Phases: orEmpty(phases),
			Nodes: len(n.Nodes), Edges: len(n.Edges), Scores: scores}
		if measure == "degree" {
			out.Direction = string(dir)
		}
		if out.Scores == nil {
			out.Scores = []network.Score{}
		}
		w := c.App.Writer
		if c.Bool("json") {
			return writeJSON(w, out)
		}
		tb := newTable("RANK", "ENTITY", "NAME", "TYPE", strings.ToUpper(measure))
		top := c.Int("top")
		for i, s := range scores {
			if top > 0 && i >= top {
				break
			}
			tb.add(itoa(i+1), s.Node, s.Label, s.Type, strconv.FormatFloat(s.Value, 'g', 6, 64))
		}
		if err := tb.write(w, style{useColor(w)}, 40); err != nil {
			return err
		}
		printf(w, "%s over %d entities and %d ties (assertions between entities, not retracted)\n", measure, len(n.Nodes), len(n.Edges))
		return nil
	})
}

func orEmpty(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

// networkOptions are the flags of network.
type networkOptions struct {
	Mode, Via, Format, Out, DateAttr string
	Relations, Phases                []string
	Opt                              network.Options
	Window                           network.WindowOptions
}

func networkAction(c *cli.Context) error {
	if err := needArgs(c, 0, 0, "[--mode twomode|onemode] [--via concept|relation] [--format gexf|graphml|csv|csv-nodes|json] [--out FILE]"); err != nil {
		return err
	}
	o := networkOptions{Mode: c.String("mode"), Via: c.String("via"), Format: c.String("format"), Out: c.String("out"),
		DateAttr: c.String("date-attr"), Relations: c.StringSlice("relation"), Phases: c.StringSlice("phase"),
		Opt: network.Options{Qualifier: network.Qualifier(c.String("qualifier")),
			Normalization: network.Normalization(c.String("normalize")), Duplicates: network.Duplicates(c.String("duplicates"))},
		Window: network.WindowOptions{Unit: network.Unit(c.String("window")), Size: c.Int("size"), Step: c.Int("step")}}
	if c.Bool("json") {
		o.Format = "json"
	}
	switch {
	case o.Mode != "twomode" && o.Mode != "onemode":
		return usagef("--mode %q: want twomode or onemode", o.Mode)
	case o.Via != "concept" && o.Via != "relation":
		return usagef("--via %q: want concept or relation", o.Via)
	case !slices.Contains([]string{"gexf", "graphml", "csv", "csv-nodes", "json"}, o.Format):
		return usagef("--format %q: want gexf, graphml, csv, csv-nodes or json", o.Format)
	case o.Via == "relation" && o.Mode == "twomode":
		return usagef("--via relation builds a one-mode network of actors; drop --mode twomode")
	case o.Via == "concept" && len(o.Relations) > 1:
		return usagef("--via concept takes one statement --relation (default takesPosition)")
	case o.Via == "concept" && len(o.Phases) > 0:
		return usagef("--phase filters --via relation networks")
	case o.Window.Unit != "" && o.Via == "relation":
		return usagef("time windows need --via concept (statements have dates; relation ties are counted whole)")
	case o.Window.Unit != "" && o.Window.Size < 1:
		return usagef("--window needs --size N (N >= 1)")
	case o.Window.Unit != "" && o.Format != "gexf" && o.Format != "json":
		return usagef("time windows are written as gexf (dynamic) or json")
	}
	return withProject(c, project.ReadOnly, func(p *project.Project) error {
		v, err := p.View(true)
		if err != nil {
			return err
		}
		cb, err := p.Codebook()
		if err != nil {
			return err
		}
		if err := checkRelations(cb, o.Relations); err != nil {
			return err
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
				return err
			}
			return writeNetworkOut(c, o, func(w io.Writer) error { return writeNetwork(w, o.Format, n) })
		}
		rel := ""
		if len(o.Relations) == 1 {
			rel = o.Relations[0]
		}
		var docTime func(string) time.Time
		if o.Window.Unit != "" {
			if docTime, err = documentTimes(p, o.DateAttr); err != nil {
				return err
			}
		}
		stmts := network.StatementsFromAssertions(v.Assertions, rel, docTime)
		build := func(s []network.Statement) (*network.Network, error) {
			opt := o.Opt
			opt.Actors = network.Actors(stmts)
			if o.Mode == "twomode" {
				opt.Concepts = network.Concepts(stmts)
				return network.TwoMode(s, meta, opt)
			}
			return network.ActorNetwork(s, meta, opt)
		}
		if o.Window.Unit == "" {
			n, err := build(stmts)
			if err != nil {
				return err
			}
			return writeNetworkOut(c, o, func(w io.Writer) error { return writeNetwork(w, o.Format, n) })
		}
		series, err := network.Windows(stmts, o.Window, build)
		if err != nil {
			return err
		}
		return writeNetworkOut(c, o, func(w io.Writer) error {
			if o.Format == "gexf" {
				return network.WriteGEXFSeries(w, series)
			}
			return writeJSON(w, seriesToJSON(series))
		})
	})
}

// writeNetworkOut writes to --out (atomically) or standard output.
func writeNetworkOut(c *cli.Context, o networkOptions, fn func(io.Writer) error) error {
	if o.Out == "" || o.Out == "-" {
		return fn(c.App.Writer)
	}
	if err := writeFileAtomic(o.Out, fn); err != nil {
		return err
	}
	printf(c.App.ErrWriter, "Wrote %s\n", o.Out)
	return nil
}

func writeNetwork(w io.Writer, format string, n *network.Network) error {
	switch format {
	case "gexf":
		return network.WriteGEXF(w, n)
	case "graphml":
		return network.WriteGraphML(w, n)
	case "csv":
		return network.WriteEdgeCSV(w, n)
	case "csv-nodes":
		return network.WriteNodeCSV(w, n)
	}
	return network.WriteJSON(w, n)
}

// windowJSON is one window of network --window --format json.
type windowJSON struct {
	Index      int              `json:"index"`
	Start      time.Time        `json:"start"`
	End        time.Time        `json:"end"`
	Statements int              `json:"statements"`
	Network    *network.Network `json:"network"`
}

// seriesJSON is the JSON shape of network --window --format json.
type seriesJSON struct {
	Unit    network.Unit `json:"unit"`
	Size    int          `json:"size"`
	Step    int          `json:"step"`
	Windows []windowJSON `json:"windows"`
	Undated int          `json:"undated"`
	Early   int          `json:"early"`
}

func seriesToJSON(s *network.Series) seriesJSON {
	out := seriesJSON{Unit: s.Options.Unit, Size: s.Options.Size, Step: s.Options.Step, Windows: []windowJSON{},
		Undated: s.Undated, Early: s.Early}
	for _, w := range s.Windows {
		n := w.Network
		if n.Nodes == nil {
			n.Nodes = []network.Node{}
		}
		if n.Edges == nil {
			n.Edges = []network.Edge{}
		}
		for i := range n.Edges {
			if n.Edges[i].Via == nil {
				n.Edges[i].Via = []string{}
			}
			if n.Edges[i].Assertions == nil {
				n.Edges[i].Assertions = []string{}
			}
		}
		out.Windows = append(out.Windows, windowJSON{Index: w.Index, Start: w.Start, End: w.End, Statements: len(w.Statements), Network: n})
	}
	return out
}

// documentTimes returns the date of each document from attribute attr: a
// date YYYY-MM-DD, or an integer year (1 January). Documents without it
// are undated (zero time).
func documentTimes(p *project.Project, attr string) (func(string) time.Time, error) {
	g, err := p.Graph()
	if err != nil {
		return nil, err
	}
	docs, err := g.Documents(context.Background())
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

func agreementAction(c *cli.Context) error {
	if err := needArgs(c, 0, 0, "--coders A,B[,C...] [--code C] [--doc D] [--json]"); err != nil {
		return err
	}
	coders := c.StringSlice("coders")
	if len(coders) < 2 {
		return usagef("usage: qualgraph agreement --coders A,B[,C...] [--code C] [--doc D] [--json]: name at least two coders")
	}
	return withProject(c, project.ReadOnly, func(p *project.Project) error {
		a, err := loadAnalysis(p, false)
		if err != nil {
			return err
		}
		codes := c.StringSlice("code")
		if err := a.checkCodes(codes); err != nil {
			return err
		}
		docs, err := resolveDocs(p, c.StringSlice("doc"))
		if err != nil {
			return err
		}
		coded := map[string]map[string]bool{} // doc → coders
		for _, cd := range a.view.Codings {
			if coded[cd.Doc] == nil {
				coded[cd.Doc] = map[string]bool{}
			}
			coded[cd.Doc][cd.Coder] = true
		}
		for _, who := range coders {
			found := false
			for _, m := range coded {
				found = found || m[who]
			}
			if !found {
				return fmt.Errorf("coder %q has no codings (the coders are %s)", who, strings.Join(codersOf(a.view), ", "))
			}
		}
		if len(docs) == 0 {
			for doc, m := range coded {
				all := true
				for _, who := range coders {
					all = all && m[who]
				}
				if all {
					docs = append(docs, doc)
				}
			}
			if len(docs) == 0 {
				return fmt.Errorf("coders %s have coded no document in common; name the documents with --doc", strings.Join(coders, ", "))
			}
			sort.Strings(docs)
		}
		lens := map[string]int{}
		segs := map[string][]agreement.Interval{}
		for _, id := range docs {
			d, err := p.Document(context.Background(), id)
			if err != nil {
				return err
			}
			lens[id] = d.Chars
			for _, s := range d.Segments {
				segs[id] = append(segs[id], agreement.Interval{Start: s.Start, End: s.End})
			}
		}
		r, err := agreement.Compare(filterCodings(a.view.Codings, docs, coders), lens,
			&agreement.Options{Coders: coders, Codes: codes, Segments: segs})
		if err != nil {
			return err
		}
		w := c.App.Writer
		if c.Bool("json") {
			return writeJSON(w, r)
		}
		return writeAgreement(w, r)
	})
}

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

func alphaString(a *agreement.Alpha) string {
	if a == nil {
		return "-"
	}
	if a.Value == nil {
		return "undefined"
	}
	return strconv.FormatFloat(*a.Value, 'f', 3, 64)
}

func writeAgreement(w io.Writer, r *agreement.Report) error {
	tb := newTable("CODE", "CODERS", "AGREEMENT %", "KAPPA", "ALPHA_U", "ALPHA SEGMENTS")
	for _, cr := range r.Codes {
		alphaU := cr.AlphaU
		for i, pr := range cr.Pairs {
			code, au, as := cr.Code, alphaString(&alphaU), alphaString(cr.AlphaSegments)
			if i > 0 {
				code, au, as = "", "", ""
			}
			tb.add(code, pr.CoderA+" × "+pr.CoderB, strconv.FormatFloat(pr.Percent, 'f', 1, 64),
				strconv.FormatFloat(pr.Kappa, 'f', 3, 64), au, as)
		}
	}
	alphaU := r.Overall.AlphaU
	for i, pr := range r.Overall.Pairs {
		au, as := alphaString(&alphaU), alphaString(r.Overall.AlphaSegments)
		if i > 0 {
			au, as = "", ""
		}
		tb.add("(overall)", pr.CoderA+" × "+pr.CoderB, strconv.FormatFloat(pr.Percent, 'f', 1, 64),
			strconv.FormatFloat(pr.Kappa, 'f', 3, 64), au, as)
	}
	if err := tb.write(w, style{useColor(w)}, 40); err != nil {
		return err
	}
	printf(w, "%d codes compared over %d documents (%d characters, %d segments); overall: means over codes\n",
		len(r.Codes), r.Docs, r.Chars, r.Units)
	return nil
}
