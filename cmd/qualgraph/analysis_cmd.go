package main

// The analysis commands: frequencies, cooccur and matrix (package
// coding/analysis), centrality and network (coding/network) and agreement
// (coding/agreement). Each reads its flags, calls the use case of package
// service on the project opened read-only, and prints the result.

import (
	"encoding/json"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/qualgraph/qualgraph/coding/agreement"
	"github.com/qualgraph/qualgraph/coding/analysis"
	"github.com/qualgraph/qualgraph/coding/network"
	"github.com/qualgraph/qualgraph/project"
	"github.com/qualgraph/qualgraph/service"
)

func analysisCommands() []*cli.Command {
	coderFilter := &cli.StringSliceFlag{Name: "coder", Usage: "only codings by `NAME`, repeatable or comma-separated"}
	docFilter := &cli.StringSliceFlag{Name: "doc", Usage: "only codings in document `DOC` (id or name), repeatable"}
	noSuggested := &cli.BoolFlag{Name: "no-suggested", Usage: "leave out codings accepted from machine suggestions (qualgraph suggest)"}
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
				coderFilter, docFilter, noSuggested, jsonFlag,
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
				coderFilter, docFilter, noSuggested, jsonFlag,
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
				coderFilter, docFilter, noSuggested, jsonFlag,
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
   nominal alpha with the documents' segments as units. It then lists every
   document the coders coded, with its units (turns or paragraphs), each
   coder's codings and whether it was compared, and warns when a coder's
   coverage shrank the documents compared.`,
			Flags: []cli.Flag{
				&cli.StringSliceFlag{Name: "coders", Usage: "the coders `A,B[,C...]` to compare (at least two)"},
				&cli.StringSliceFlag{Name: "code", Usage: "only `CODE`, repeatable"},
				&cli.StringSliceFlag{Name: "doc", Usage: "compare over document `DOC` (id or name), repeatable"},
				noSuggested,
				jsonFlag,
			},
			Action: agreementAction,
		},
	}
}

// selection reads the --doc and --coder flags.
func selection(c *cli.Context) service.Selection {
	return service.Selection{Docs: c.StringSlice("doc"), Coders: c.StringSlice("coder"), NoSuggested: c.Bool("no-suggested")}
}

// noneValue is how tables show the empty attribute value.
func noneValue(v string) string {
	if v == "" {
		return "(none)"
	}
	return v
}

func frequenciesAction(c *cli.Context) error {
	if err := needArgs(c, 0, 0, "[--by code|coder|doc|ATTR] [--coder NAME] [--doc DOC] [--json]"); err != nil {
		return err
	}
	o := service.FrequenciesOptions{By: c.String("by"), Selection: selection(c)}
	by, attr := o.Grouping()
	if by == analysis.ByAttr && attr == "" {
		return usagef("--by: want code, coder, doc or a document attribute")
	}
	return withProject(c, project.ReadOnly, func(p *project.Project) error {
		t, err := service.New(p).Frequencies(c.Context, o)
		if err != nil {
			return docHint(err)
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
		printCoders(w, t.Coders)
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
	o := service.CooccurOptions{Codes: c.StringSlice("codes"), Unit: unit, Selection: selection(c)}
	return withProject(c, project.ReadOnly, func(p *project.Project) error {
		r, err := service.New(p).Cooccur(c.Context, o)
		if err != nil {
			return docHint(err)
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
		printCoders(w, r.Coders)
		return nil
	})
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
	o := service.MatrixOptions{By: attr, Codes: c.StringSlice("codes"), Count: count, Subcodes: c.Bool("subcodes"), Selection: selection(c)}
	return withProject(c, project.ReadOnly, func(p *project.Project) error {
		m, err := service.New(p).Matrix(c.Context, o)
		if err != nil {
			return docHint(err)
		}
		w := c.App.Writer
		if c.Bool("json") {
			return writeJSON(w, m.Matrix)
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
		tb.add(append(docsRow, itoa(m.Documents))...)
		if err := tb.write(w, style{useColor(w)}, 40); err != nil {
			return err
		}
		printf(w, "%s per code and value of %s\n", count, attr)
		printCoders(w, m.Coders)
		return nil
	})
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
	o := service.CentralityOptions{Measure: measure, Direction: dir, Weighted: c.Bool("weighted"),
		Relations: c.StringSlice("relation"), Phases: c.StringSlice("phase")}
	return withProject(c, project.ReadOnly, func(p *project.Project) error {
		out, err := service.New(p).Centrality(c.Context, o)
		if err != nil {
			return err
		}
		w := c.App.Writer
		if c.Bool("json") {
			return writeJSON(w, out)
		}
		tb := newTable("RANK", "ENTITY", "NAME", "TYPE", strings.ToUpper(measure))
		top := c.Int("top")
		for i, s := range out.Scores {
			if top > 0 && i >= top {
				break
			}
			tb.add(itoa(i+1), s.Node, s.Label, s.Type, strconv.FormatFloat(s.Value, 'g', 6, 64))
		}
		if err := tb.write(w, style{useColor(w)}, 40); err != nil {
			return err
		}
		printf(w, "%s over %d entities and %d ties (assertions between entities, not retracted)\n", measure, out.Nodes, out.Edges)
		printCoders(w, out.Coders)
		return nil
	})
}

// networkOptions are the flags of network.
type networkOptions struct {
	Format, Out string
	Service     service.NetworkOptions
}

func networkAction(c *cli.Context) error {
	if err := needArgs(c, 0, 0, "[--mode twomode|onemode] [--via concept|relation] [--format gexf|graphml|csv|csv-nodes|json] [--out FILE]"); err != nil {
		return err
	}
	o := networkOptions{Format: c.String("format"), Out: c.String("out"), Service: service.NetworkOptions{
		Mode: c.String("mode"), Via: c.String("via"), DateAttr: c.String("date-attr"),
		Relations: c.StringSlice("relation"), Phases: c.StringSlice("phase"),
		Opt: network.Options{Qualifier: network.Qualifier(c.String("qualifier")),
			Normalization: network.Normalization(c.String("normalize")), Duplicates: network.Duplicates(c.String("duplicates"))},
		Window: network.WindowOptions{Unit: network.Unit(c.String("window")), Size: c.Int("size"), Step: c.Int("step")}}}
	if c.Bool("json") {
		o.Format = "json"
	}
	so := o.Service
	switch {
	case so.Mode != "twomode" && so.Mode != "onemode":
		return usagef("--mode %q: want twomode or onemode", so.Mode)
	case so.Via != "concept" && so.Via != "relation":
		return usagef("--via %q: want concept or relation", so.Via)
	case !slices.Contains([]string{"gexf", "graphml", "csv", "csv-nodes", "json"}, o.Format):
		return usagef("--format %q: want gexf, graphml, csv, csv-nodes or json", o.Format)
	case so.Via == "relation" && so.Mode == "twomode":
		return usagef("--via relation builds a one-mode network of actors; drop --mode twomode")
	case so.Via == "concept" && len(so.Relations) > 1:
		return usagef("--via concept takes one statement --relation (default takesPosition)")
	case so.Via == "concept" && len(so.Phases) > 0:
		return usagef("--phase filters --via relation networks")
	case so.Window.Unit != "" && so.Via == "relation":
		return usagef("time windows need --via concept (statements have dates; relation ties are counted whole)")
	case so.Window.Unit != "" && so.Window.Size < 1:
		return usagef("--window needs --size N (N >= 1)")
	case so.Window.Unit != "" && o.Format != "gexf" && o.Format != "json":
		return usagef("time windows are written as gexf (dynamic) or json")
	}
	return withProject(c, project.ReadOnly, func(p *project.Project) error {
		r, err := service.New(p).Network(c.Context, so)
		if err != nil {
			return err
		}
		if r.Series == nil {
			return writeNetworkOut(c, o, r.Coders, func(w io.Writer) error {
				if o.Format == "json" {
					return writeNetworkJSON(w, r.Network, r.Coders)
				}
				return writeNetwork(w, o.Format, r.Network)
			})
		}
		return writeNetworkOut(c, o, r.Coders, func(w io.Writer) error {
			if o.Format == "gexf" {
				return network.WriteGEXFSeries(w, r.Series)
			}
			s := seriesToJSON(r.Series)
			s.Coders = r.Coders
			return writeJSON(w, s)
		})
	})
}

// writeNetworkOut writes to --out (atomically), and then says so and
// whose assertions the network holds, or to standard output.
func writeNetworkOut(c *cli.Context, o networkOptions, coders []string, fn func(io.Writer) error) error {
	if o.Out == "" || o.Out == "-" {
		return fn(c.App.Writer)
	}
	if err := writeFileAtomic(o.Out, fn); err != nil {
		return err
	}
	printf(c.App.ErrWriter, "Wrote %s\n", o.Out)
	printCoders(c.App.ErrWriter, coders)
	return nil
}

// printCoders writes the line that says whose work an analysis includes.
func printCoders(w io.Writer, coders []string) {
	if len(coders) == 0 {
		printf(w, "coders: (none)\n")
		return
	}
	printf(w, "coders: %s\n", strings.Join(coders, ", "))
}

// writeNetworkJSON writes n as network.WriteJSON does, with the coders of
// its assertions added as "coders".
func writeNetworkJSON(w io.Writer, n *network.Network, coders []string) error {
	out := struct {
		*network.Network
		Coders []string `json:"coders"`
	}{jsonReady(n), coders}
	if out.Coders == nil {
		out.Coders = []string{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(&out)
}

// jsonReady returns a copy of n whose empty lists are empty, not nil, so
// that JSON has [] where a reader expects a list.
func jsonReady(n *network.Network) *network.Network {
	out := *n
	if out.Nodes == nil {
		out.Nodes = []network.Node{}
	}
	out.Edges = make([]network.Edge, len(n.Edges))
	for i, e := range n.Edges {
		if e.Via == nil {
			e.Via = []string{}
		}
		if e.Assertions == nil {
			e.Assertions = []string{}
		}
		out.Edges[i] = e
	}
	return &out
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
	Coders  []string     `json:"coders"` // of the assertions of all windows
}

func seriesToJSON(s *network.Series) seriesJSON {
	out := seriesJSON{Unit: s.Options.Unit, Size: s.Options.Size, Step: s.Options.Step, Windows: []windowJSON{},
		Undated: s.Undated, Early: s.Early, Coders: []string{}}
	for _, w := range s.Windows {
		n := jsonReady(w.Network)
		out.Windows = append(out.Windows, windowJSON{Index: w.Index, Start: w.Start, End: w.End, Statements: len(w.Statements), Network: n})
	}
	return out
}

func agreementAction(c *cli.Context) error {
	if err := needArgs(c, 0, 0, "--coders A,B[,C...] [--code C] [--doc D] [--json]"); err != nil {
		return err
	}
	coders := c.StringSlice("coders")
	if len(coders) < 2 {
		return usagef("usage: qualgraph agreement --coders A,B[,C...] [--code C] [--doc D] [--json]: name at least two coders")
	}
	o := service.AgreementOptions{Coders: coders, Codes: c.StringSlice("code"), Docs: c.StringSlice("doc"), NoSuggested: c.Bool("no-suggested")}
	return withProject(c, project.ReadOnly, func(p *project.Project) error {
		r, err := service.New(p).Agreement(c.Context, o)
		if err != nil {
			return docHint(err)
		}
		w := c.App.Writer
		if c.Bool("json") {
			return writeJSON(w, r)
		}
		return writeAgreement(w, r)
	})
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
	if len(r.Documents) > 0 {
		printf(w, "\n")
		tb := newTable("DOCUMENT", "ID", "UNITS", "CHARS", "CODINGS", "COMPARED")
		for _, d := range r.Documents {
			var counts []string
			for _, who := range r.Coders {
				counts = append(counts, who+" "+itoa(d.Codings[who]))
			}
			compared := "yes"
			if !d.Included {
				compared = "no: " + d.Reason
			}
			tb.add(d.Name, d.Doc, unitCount(d.Units, d.Unit), itoa(d.Chars), strings.Join(counts, ", "), compared)
		}
		if err := tb.write(w, style{useColor(w)}, 40); err != nil {
			return err
		}
	}
	printCoders(w, r.Coders)
	for _, s := range r.Warnings {
		printf(w, "warning: %s\n", s)
	}
	return nil
}

// unitCount writes n units of a document: "12 turns", "1 paragraph",
// "5230 chars".
func unitCount(n int, unit string) string {
	if n != 1 {
		unit += "s"
	}
	return itoa(n) + " " + unit
}
