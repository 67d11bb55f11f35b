package main

import (
	"strconv"

	"github.com/urfave/cli/v2"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/coding/suggest"
	"github.com/qualgraph/qualgraph/project"
	"github.com/qualgraph/qualgraph/service"
)

// suggestAssertionsAction is suggest --assertions: list suggested
// assertions, --accept or --reject them, or --evaluate them.
func suggestAssertionsAction(c *cli.Context) error {
	for _, f := range []string{"code", "unit", "min-score", "accept-above", "folds"} {
		if c.IsSet(f) {
			return usagef("suggest --assertions: --%s is for suggested codings; give --doc, --limit, --accept, --reject or --evaluate", f)
		}
	}
	accept, reject := c.StringSlice("accept"), c.StringSlice("reject")
	modes := 0
	for _, on := range []bool{len(accept) > 0, len(reject) > 0, c.Bool("evaluate")} {
		if on {
			modes++
		}
	}
	if modes > 1 {
		return usagef("suggest --assertions: give one of --accept, --reject, --evaluate")
	}
	o := service.AssertSuggestOptions{Docs: c.StringSlice("doc"), Limit: c.Int("limit")}
	w := c.App.Writer
	st := style{useColor(w)}
	switch {
	case c.Bool("evaluate"):
		return withProject(c, project.ReadOnly, func(p *project.Project) error {
			ev, err := service.New(p).EvaluateAssertionSuggestions(c.Context)
			if err != nil {
				return err
			}
			if c.Bool("json") {
				return writeJSON(w, ev)
			}
			printf(w, "%d sentences, %d suggested assertions, %d recorded assertions\n\n", ev.Sentences, ev.Overall.Proposals, ev.Overall.Assertions)
			t := newTable("RELATION", "SUGGESTED", "CORRECT", "RECORDED", "FOUND", "PRECISION", "RECALL", "F1")
			row := func(rel string, m suggest.AssertMetrics) {
				t.add(rel, strconv.Itoa(m.Proposals), strconv.Itoa(m.Correct), strconv.Itoa(m.Assertions), strconv.Itoa(m.Found),
					f3(m.Precision), f3(m.Recall), f3(m.F1))
			}
			row("(overall)", ev.Overall)
			for _, r := range ev.Relations {
				row(r.Relation, r.AssertMetrics)
			}
			return t.write(w, st, 40)
		})
	case len(accept) > 0:
		return withProject(c, project.ReadWrite, func(p *project.Project) error {
			as, err := service.New(p).AcceptAssertionSuggestions(c.Context, whoAmI(c), o, accept)
			if err != nil {
				return err
			}
			if c.Bool("json") {
				out := make([]assertionJSON, len(as))
				for i, a := range as {
					out[i] = toAssertionJSON(a.Assertion, func(coding.Span) string { return "" })
					for k := range out[i].Evidence {
						out[i].Evidence[k].Text = a.Quotes[k]
					}
				}
				return writeJSON(w, out)
			}
			printf(w, "accepted %d suggested assertions\n", len(as))
			for _, a := range as {
				printf(w, "  %s %s  %s\n", a.ID[:8], statement(a.Subject, a.Relation, a.Object), oneLine(a.Quotes[0]))
			}
			return nil
		})
	case len(reject) > 0:
		return withProject(c, project.ReadWrite, func(p *project.Project) error {
			rs, err := service.New(p).RejectAssertionSuggestions(c.Context, whoAmI(c), o, reject)
			if err != nil {
				return err
			}
			return writeRejections(c, rs, "suggested assertions")
		})
	}
	return withProject(c, project.ReadOnly, func(p *project.Project) error {
		ps, err := service.New(p).SuggestAssertions(c.Context, o)
		if err != nil {
			return err
		}
		if c.Bool("json") {
			if ps == nil {
				ps = []suggest.Proposal{}
			}
			return writeJSON(w, ps)
		}
		if len(ps) == 0 {
			printf(w, "no suggested assertions (they need entities named in a sentence with a relation's cue word)\n")
			return nil
		}
		names, err := p.DocNames(c.Context)
		if err != nil {
			return err
		}
		spans := make([]coding.Span, len(ps))
		for i, g := range ps {
			spans[i] = g.Span()
		}
		texts, err := p.QuoteSpans(spans)
		if err != nil {
			return err
		}
		for i, g := range ps {
			printf(w, "%s  %s  %s  %s:%d-%d\n", st.bold(g.ID), f3(g.Score), statement(g.Subject, g.Relation, g.Object), names[g.Doc], g.Start, g.End)
			printf(w, "    %s\n", truncateCells(oneLine(texts[i]), 160, "…"))
			printf(w, "    %s %q; %s %q (%s), %q (%s)\n", st.dim("cue"), g.Cue, st.dim("mentions"),
				g.Mentions[0].Text, g.Mentions[0].Entity, g.Mentions[1].Text, g.Mentions[1].Entity)
		}
		return nil
	})
}
