package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/coding/suggest"
	"github.com/qualgraph/qualgraph/project"
	"github.com/qualgraph/qualgraph/service"
)

// The assisted-coding command: suggest (list, --accept, --reject,
// --accept-above, --evaluate).

func suggestCommands() []*cli.Command {
	return []*cli.Command{{
		Name:  "suggest",
		Usage: "suggest codings learnt from the project's own coding, accept or reject them, or evaluate the model",
		Description: `Learns from the project's codings which codes apply to which units of text
   (sentences, or with --unit segment the turns without their speaker
   label) and lists the units not yet coded with a code, best first, with
   the score (0 to 1), the terms that weighed most and the coded segments
   most like the unit. A code's coded text counts for it, other codes' and
   uncoded text against it; accepted suggestions are codings like any
   other, and rejected ones count against their code and are never
   suggested again. English and Chinese are analysed as the search index
   does (stems, stop words, Chinese character pairs). Everything runs
   locally.

   --accept ID... codes suggestions as the coder (--coder), remembering
   that they were suggested, with the model and score; --accept-above S
   accepts every suggestion scoring at least S (of --code and --doc);
   --reject ID... records the rejection.

   --evaluate cross-validates the model by document (--folds K, default 5;
   each document cut into K parts when fewer documents are coded) and
   prints precision, recall and F1 at the default threshold (0.5) and
   precision at 10, per code and overall, next to two baselines: the
   ontology's cue words (as autocode) and a tf-idf passage matcher.

   --assertions suggests assertions between entities instead: in each
   sentence that names two entities (by a recorded mention, a name or an
   alias, or the speaker by "I", "we", 我) with a cue word of a relation
   (the ontology's relation cues), "subject relation object" where the
   relation's domain and range admit them, with the sentence as evidence,
   the cue and the mentions as the explanation; not what an assertion
   records already, nor what was rejected. With --accept ID... (an
   ordinary assertion by the coder, marked as suggested), --reject ID...,
   or --evaluate (precision and recall against the recorded assertions).`,
		ArgsUsage: "[--code C]... [--doc D]... [--unit sentence|segment] [--limit N] [--min-score S] | --accept ID... | --reject ID... | --accept-above S | --evaluate [--folds K] | --assertions [--doc D]... [--limit N] [--accept ID... | --reject ID... | --evaluate]",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "coder", Usage: "who accepts or rejects (default: $QUALGRAPH_CODER, else the OS user)"},
			&cli.StringSliceFlag{Name: "code", Usage: "suggest only `CODE`, repeatable"},
			&cli.StringSliceFlag{Name: "doc", Usage: "suggest only in document `DOC` (id or name), repeatable"},
			&cli.StringFlag{Name: "unit", Usage: "the `UNIT` to suggest: sentence (default) or segment"},
			&cli.IntFlag{Name: "limit", Value: 20, Usage: "list at most `N` suggestions (0: all)"},
			&cli.Float64Flag{Name: "min-score", Usage: "list suggestions scoring at least `S` (default 0.5)"},
			&cli.StringSliceFlag{Name: "accept", Usage: "accept suggestion `ID`, repeatable"},
			&cli.StringSliceFlag{Name: "reject", Usage: "reject suggestion `ID`, repeatable"},
			&cli.Float64Flag{Name: "accept-above", Usage: "accept every suggestion scoring at least `S`"},
			&cli.BoolFlag{Name: "evaluate", Usage: "cross-validate the model and the baselines"},
			&cli.IntFlag{Name: "folds", Value: 5, Usage: "--evaluate with `K` folds"},
			&cli.BoolFlag{Name: "assertions", Usage: "suggest assertions between entities instead of codings"},
			jsonFlag,
		},
		Action: suggestAction,
	}}
}

func suggestAction(c *cli.Context) error {
	if err := needArgs(c, 0, 0, "[--code C]... [--doc D]... [--unit U] [--limit N] [--min-score S] [--accept ID]... [--reject ID]... [--accept-above S] [--evaluate [--folds K]] [--json]"); err != nil {
		return err
	}
	if c.Bool("assertions") {
		return suggestAssertionsAction(c)
	}
	o := service.SuggestOptions{Codes: c.StringSlice("code"), Docs: c.StringSlice("doc"), Unit: c.String("unit"),
		Limit: c.Int("limit"), MinScore: c.Float64("min-score")}
	accept, reject, above := c.StringSlice("accept"), c.StringSlice("reject"), c.Float64("accept-above")
	modes := 0
	for _, on := range []bool{len(accept) > 0, len(reject) > 0, c.IsSet("accept-above"), c.Bool("evaluate")} {
		if on {
			modes++
		}
	}
	if modes > 1 {
		return &usageError{"give one of --accept, --reject, --accept-above, --evaluate"}
	}
	if c.IsSet("accept-above") && above <= 0 {
		return &usageError{fmt.Sprintf("--accept-above %v: want a score above 0", above)}
	}
	w := c.App.Writer
	st := style{useColor(w)}
	switch {
	case c.Bool("evaluate"):
		return withProject(c, project.ReadOnly, func(p *project.Project) error {
			bar := newProgress(c.App.ErrWriter, "evaluate", "")
			ev, err := service.New(p).EvaluateSuggestions(c.Context, service.EvaluateOptions{Folds: c.Int("folds"), Unit: o.Unit, Progress: bar.set})
			bar.done()
			if err != nil {
				return err
			}
			if c.Bool("json") {
				if ev.Codes == nil {
					ev.Codes = []suggest.CodeEvaluation{}
				}
				return writeJSON(w, ev)
			}
			printf(w, "%d folds, %d units, %d codes\n\n", ev.Folds, ev.Units, len(ev.Codes))
			t := newTable("CODE", "SUPPORT", "MODEL P", "R", "F1", "P@10", "CUES F1", "P@10", "TF-IDF F1", "P@10")
			row := func(code, support string, m suggest.Compared) {
				t.add(code, support, f3(m.Model.Precision), f3(m.Model.Recall), f3(m.Model.F1), f3(m.Model.PAt10),
					f3(m.Cues.F1), f3(m.Cues.PAt10), f3(m.TFIDF.F1), f3(m.TFIDF.PAt10))
			}
			row("(overall)", strconv.Itoa(ev.Units), ev.Overall)
			for _, ce := range ev.Codes {
				row(ce.Code, strconv.Itoa(ce.Support), ce.Compared)
			}
			return t.write(w, st, 40)
		})
	case len(accept) > 0 || c.IsSet("accept-above"):
		return withProject(c, project.ReadWrite, func(p *project.Project) error {
			cs, err := service.New(p).AcceptSuggestions(c.Context, whoAmI(c), service.SuggestionRefs{SuggestOptions: o, IDs: accept, Above: above})
			if err != nil {
				return err
			}
			return writeCodings(c, p, cs, "accepted")
		})
	case len(reject) > 0:
		return withProject(c, project.ReadWrite, func(p *project.Project) error {
			rs, err := service.New(p).RejectSuggestions(c.Context, whoAmI(c), service.SuggestionRefs{SuggestOptions: o, IDs: reject})
			if err != nil {
				return err
			}
			return writeRejections(c, rs, "suggestions")
		})
	}
	return withProject(c, project.ReadOnly, func(p *project.Project) error {
		gs, err := service.New(p).Suggest(c.Context, o)
		if err != nil {
			return err
		}
		if c.Bool("json") {
			if gs == nil {
				gs = []service.Suggestion{}
			}
			return writeJSON(w, gs)
		}
		names, err := p.DocNames(c.Context)
		if err != nil {
			return err
		}
		spans := make([]coding.Span, len(gs))
		for i, g := range gs {
			spans[i] = g.Span()
		}
		texts, err := p.QuoteSpans(spans)
		if err != nil {
			return err
		}
		if len(gs) == 0 {
			printf(w, "no suggestions (a code needs codings to learn from; --min-score lowers the bar)\n")
			return nil
		}
		for i, g := range gs {
			printf(w, "%s  %s  %s %s:%d-%d  %s\n", st.bold(g.ID), f3(g.Score), g.Code, names[g.Doc], g.Start, g.End, oneLine(texts[i]))
			var terms []string
			for _, tw := range g.Terms {
				terms = append(terms, tw.Term+" "+f3(tw.Weight))
			}
			printf(w, "    %s %s\n", st.dim("terms:"), strings.Join(terms, ", "))
			for _, s := range g.Similar {
				printf(w, "    %s %s:%d-%d (%s) %s\n", st.dim("like:"), names[s.Doc], s.Start, s.End, s.Coder, truncateCells(oneLine(s.Text), 80, "…"))
			}
		}
		return nil
	})
}

// writeCodings reports the codings an accept wrote.
func writeCodings(c *cli.Context, p *project.Project, cs []coding.Coding, what string) error {
	w := c.App.Writer
	spans := make([]coding.Span, len(cs))
	for i, cd := range cs {
		spans[i] = cd.Span
	}
	texts, err := p.QuoteSpans(spans)
	if err != nil {
		return err
	}
	if c.Bool("json") {
		out := make([]codingJSON, len(cs))
		for i, cd := range cs {
			out[i] = toCodingJSON(cd, texts[i])
		}
		return writeJSON(w, out)
	}
	printf(w, "%s %d suggestions\n", what, len(cs))
	for i, cd := range cs {
		printf(w, "  %s %s %s %s\n", cd.ID[:8], cd.Code, cd.Span, oneLine(texts[i]))
	}
	return nil
}

func f3(x float64) string { return strconv.FormatFloat(x, 'f', 3, 64) }

// writeRejections prints the rejections suggest --reject recorded (of
// suggested codings or assertions, what names them): JSON, an empty
// array for none, or a line.
func writeRejections(c *cli.Context, rs []coding.Rejection, what string) error {
	if c.Bool("json") {
		if rs == nil {
			rs = []coding.Rejection{}
		}
		return writeJSON(c.App.Writer, rs)
	}
	printf(c.App.Writer, "rejected %d %s\n", len(rs), what)
	return nil
}
