package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/qualgraph/qualgraph/corpus"
	"github.com/qualgraph/qualgraph/corpus/fts"
	"github.com/qualgraph/qualgraph/project"
	"github.com/qualgraph/qualgraph/service"
)

func corpusCommands() []*cli.Command {
	return []*cli.Command{
		{
			Name:      "import",
			Usage:     "import transcripts and documents (.txt .md .docx .pdf .vtt .srt; folders recursively)",
			ArgsUsage: "PATH...",
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "kind", Value: corpus.KindDocument, Usage: "interview, focus-group, policy or document"},
				&cli.StringSliceFlag{Name: "attr", Usage: "document attribute `KEY=VALUE` (or KEY:TYPE=VALUE), repeatable"},
				&cli.StringFlag{Name: "encoding", Value: "auto", Usage: "auto, utf-8, utf-16 or gb18030"},
				&cli.BoolFlag{Name: "force", Usage: "set --attr values of another type than their keys have on the project's documents"},
				&cli.BoolFlag{Name: "no-wait", Usage: "return once the import is recorded, without waiting for the full-text index (the next command that writes indexes it)"},
				&cli.StringFlag{Name: "coder", Usage: "who imports (default $QUALGRAPH_CODER, else the OS user)"},
				positionsFlag, // REFI-QDA .qdpx only: refi_cmd.go
			},
			Action: importAction,
		},
		{
			Name:   "docs",
			Usage:  "list the documents",
			Flags:  []cli.Flag{jsonFlag},
			Action: docsAction,
		},
		{
			Name:      "show",
			Usage:     "show a document: its attributes, segments and text",
			ArgsUsage: "DOC",
			Flags: []cli.Flag{jsonFlag,
				&cli.BoolFlag{Name: "codings", Usage: "list the document's codings (code, coder, span, text) after its text"}},
			Action: showAction,
		},
		{
			Name:      "search",
			Usage:     "full-text search with keyword-in-context lines",
			ArgsUsage: "QUERY",
			Description: `QUERY: terms, "phrases", +must, -mustnot, fuzzy~ (fuzzy~2), field:value for
   speaker, kind, doc and attr.KEY. English is stemmed; Chinese matches by
   character bigrams, so a Chinese query needs two characters or more.`,
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "kind", Usage: "only documents of this kind"},
				&cli.StringSliceFlag{Name: "attr", Usage: "only documents with attribute `KEY=VALUE`, repeatable"},
				&cli.StringFlag{Name: "speaker", Usage: "only turns of this speaker"},
				&cli.IntFlag{Name: "limit", Value: 20, Usage: "at most N hits (0: all)"},
				&cli.IntFlag{Name: "width", Value: 40, Usage: "context width in characters"},
				jsonFlag,
			},
			Action: searchAction,
		},
		{
			Name:  "attr",
			Usage: "document attributes",
			Subcommands: []*cli.Command{{
				Name:      "set",
				Usage:     "set attributes of a document",
				ArgsUsage: "DOC KEY=VALUE...",
				Flags: []cli.Flag{&cli.StringFlag{Name: "coder", Usage: "who changes them"},
					&cli.BoolFlag{Name: "force", Usage: "set a value of another type than its key has on other documents"}},
				Action: attrSetAction,
			}},
		},
	}
}

func parseAttrs(list []string) (corpus.Attrs, error) {
	attrs := corpus.Attrs{}
	for _, s := range list {
		k, a, err := corpus.ParseAttr(s)
		if err != nil {
			return nil, usagef("%v", err)
		}
		attrs[k] = a
	}
	return attrs, nil
}

func importAction(c *cli.Context) error {
	if hasRefiArg(c) { // REFI-QDA .qdpx/.qdc: refi_cmd.go
		return refiImportAction(c)
	}
	if c.NArg() == 0 {
		return usagef("usage: qualgraph import PATH... [--kind K] [--attr KEY=VALUE]... [--encoding E]")
	}
	attrs, err := parseAttrs(c.StringSlice("attr"))
	if err != nil {
		return err
	}
	opt := service.ImportOptions{
		Paths: c.Args().Slice(), Kind: c.String("kind"), Attrs: attrs, Encoding: c.String("encoding"),
		NoWait: c.Bool("no-wait"), Force: c.Bool("force"),
	}
	by := whoAmI(c)
	return withProject(c, project.ReadWrite, func(p *project.Project) error {
		bar := newProgress(c.App.ErrWriter, "import", "bytes")
		opt.Progress = bar.set
		res, err := service.New(p).Import(c.Context, by, opt)
		bar.done()
		if err != nil {
			return err
		}
		w := c.App.Writer
		for _, s := range res.Skipped {
			printf(w, "%s: already imported as %q (%s), nothing to do\n", s.Path, s.AsName, s.DocID)
		}
		if len(res.Imported) > 0 || len(res.Skipped) == 0 {
			mb := float64(res.Bytes) / 1e6
			printf(w, "Imported %d documents (%.1f MB) in %s (%.1f MB/s)\n", len(res.Imported), mb,
				res.Elapsed.Round(time.Millisecond), mb/res.Elapsed.Seconds())
		}
		return nil
	})
}

// docJSON is the JSON shape of docs --json (README: JSON contract).
type docJSON struct {
	ID    string       `json:"id"`
	Name  string       `json:"name"`
	Kind  string       `json:"kind"`
	Chars int          `json:"chars"`
	Attrs corpus.Attrs `json:"attrs"`
}

func docsAction(c *cli.Context) error {
	if err := needArgs(c, 0, 0, "[--json]"); err != nil {
		return err
	}
	return withProject(c, project.ReadOnly, func(p *project.Project) error {
		docs, err := p.Documents(c.Context)
		if err != nil {
			return err
		}
		if c.Bool("json") {
			out := make([]docJSON, len(docs))
			for i, d := range docs {
				out[i] = docJSON{d.ID, d.Name, d.Kind, d.Chars, d.Attrs}
			}
			return writeJSON(c.App.Writer, out)
		}
		t := newTable("ID", "NAME", "KIND", "CHARS", "ATTRIBUTES")
		for _, d := range docs {
			t.add(d.ID, d.Name, d.Kind, fmt.Sprint(d.Chars), attrsString(d.Attrs))
		}
		if err := t.write(c.App.Writer, style{useColor(c.App.Writer)}, 60); err != nil {
			return err
		}
		printf(c.App.Writer, "%d documents\n", len(docs))
		return nil
	})
}

func attrsString(as corpus.Attrs) string {
	parts := make([]string, 0, len(as))
	for _, k := range as.Keys() {
		parts = append(parts, k+"="+as[k].Value)
	}
	return strings.Join(parts, " ")
}

// showJSON is the JSON shape of show --json (README: JSON contract).
type showJSON struct {
	ID       string           `json:"id"`
	Name     string           `json:"name"`
	Kind     string           `json:"kind"`
	Text     string           `json:"text"`
	Attrs    corpus.Attrs     `json:"attrs"`
	Segments []corpus.Segment `json:"segments"`
	// Codings are the document's codings, with --codings only.
	Codings []codingJSON `json:"codings,omitempty"`
}

func showAction(c *cli.Context) error {
	if err := needArgs(c, 1, 1, "DOC [--codings] [--json]"); err != nil {
		return err
	}
	return withProject(c, project.ReadOnly, func(p *project.Project) error {
		d, err := p.Document(c.Context, c.Args().First())
		if err != nil {
			return err
		}
		var codings []codingJSON
		if c.Bool("codings") {
			cs, err := service.New(p).Codings(c.Context, service.CodingsOptions{Doc: d.ID})
			if err != nil {
				return err
			}
			codings = make([]codingJSON, len(cs))
			for i, cd := range cs {
				codings[i] = toCodingJSON(cd.Coding, cd.Text)
			}
		}
		if c.Bool("json") {
			segs := d.Segments
			if segs == nil {
				segs = []corpus.Segment{}
			}
			return writeJSON(c.App.Writer, showJSON{d.ID, d.Name, d.Kind, d.Text, d.Attrs, segs, codings})
		}
		w := c.App.Writer
		st := style{useColor(w)}
		printf(w, "%s  %s\n", st.bold(visible(d.Name)), st.dim(d.ID))
		printf(w, "kind: %s   chars: %d   segments: %d   imported: %s\n", d.Kind, d.Chars, len(d.Segments), d.Imported.Local().Format(time.DateTime))
		printf(w, "source: %s (%s, %s, SHA-256 %s)\n", visible(d.Source.Path), d.Source.Format, d.Source.Encoding, short12(d.Source.SHA256))
		if len(d.Source.Changes) > 0 {
			printf(w, "normalised: %s\n", strings.Join(d.Source.Changes, "; "))
		}
		if len(d.Attrs) > 0 {
			printf(w, "attributes: %s\n", visible(attrsString(d.Attrs)))
		}
		printf(w, "\n")
		text := []rune(d.Text)
		for _, s := range d.Segments {
			head := fmt.Sprintf("[%d-%d]", s.Start, s.End)
			if s.BeginMS >= 0 {
				head += " " + msTime(s.BeginMS)
			}
			if s.Speaker != "" {
				head += " " + st.bold(visible(s.Speaker))
			}
			printf(w, "%s\n%s\n\n", st.dim(head), visibleText(strings.TrimRight(string(text[s.Start:s.End]), "\n")))
		}
		if codings != nil {
			t := newTable("ID", "CODE", "CODER", "SPAN", "TEXT")
			for _, cd := range codings {
				t.add(shortID(cd.ID), cd.Code, cd.Coder, fmt.Sprintf("%d-%d", cd.Start, cd.End), cd.Text)
			}
			printf(w, "%s\n", st.bold("Codings"))
			if err := t.write(w, st, 60); err != nil {
				return err
			}
			printf(w, "%s\n", nounCount(len(codings), "coding"))
		}
		return nil
	})
}

func short12(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}

func msTime(ms int64) string {
	d := time.Duration(ms) * time.Millisecond
	return fmt.Sprintf("%02d:%02d:%02d.%03d", int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60, ms%1000)
}

// hitJSON is the JSON shape of search --json (README: JSON contract).
type hitJSON struct {
	Doc     string  `json:"doc"`
	Start   int     `json:"start"`
	End     int     `json:"end"`
	Speaker string  `json:"speaker"`         // the speaker, aliases merged
	Label   string  `json:"label,omitempty"` // the turn's label, where an alias
	Score   float64 `json:"score"`
	Text    string  `json:"text"`
	Left    string  `json:"left"`
	Right   string  `json:"right"`
}

func searchAction(c *cli.Context) error {
	if c.NArg() == 0 {
		return usagef("usage: qualgraph search QUERY [--kind K] [--attr KEY=VALUE] [--speaker NAME] [--limit N] [--json]")
	}
	req := fts.SearchRequest{
		Query: strings.Join(c.Args().Slice(), " "), Kind: c.String("kind"),
		Speaker: c.String("speaker"), Limit: c.Int("limit"), Attrs: map[string]string{},
	}
	for _, s := range c.StringSlice("attr") {
		k, v, ok := strings.Cut(s, "=")
		if !ok {
			return usagef("--attr %q: want KEY=VALUE", s)
		}
		req.Attrs[k] = v
	}
	return withProject(c, project.ReadOnly, func(p *project.Project) error {
		width := c.Int("width")
		limit := req.Limit
		res, err := service.New(p).Search(c.Context, service.SearchOptions{SearchRequest: req, Width: width})
		if err != nil {
			return err
		}
		if res.Indexed < res.Documents {
			printf(c.App.ErrWriter, "qualgraph: %d of %d documents searchable: the index is catching up with an import (the next command that writes finishes it)\n", res.Indexed, res.Documents)
		}
		total := res.Total
		out := make([]hitJSON, 0, len(res.Hits))
		names := make([]string, 0, len(res.Hits))
		for _, h := range res.Hits {
			out = append(out, hitJSON{Doc: h.Doc, Start: h.Start, End: h.End, Speaker: h.Speaker, Label: h.Label, Score: h.Score, Text: h.Text, Left: h.Left, Right: h.Right})
			names = append(names, h.Name)
		}
		if c.Bool("json") {
			switch {
			case !res.Exact:
				printf(c.App.ErrWriter, "qualgraph: the first %d hits (--limit %d); %d turns match in all\n", len(out), limit, res.Units)
			case total > len(out):
				printf(c.App.ErrWriter, "qualgraph: %d of %d hits (--limit %d)\n", len(out), total, limit)
			}
			return writeJSON(c.App.Writer, out)
		}
		if err := writeKWIC(c, out, names, width); err != nil {
			return err
		}
		switch {
		case !res.Exact:
			printf(c.App.Writer, "(the first %d hits; %d turns match in all; --limit %d)\n", len(out), res.Units, limit)
		case total > len(out):
			printf(c.App.Writer, "(of %d hits in all; --limit %d)\n", total, limit)
		}
		return nil
	})
}

// writeKWIC prints one keyword-in-context line per hit: document, span,
// speaker, then the hit between its left and right context, the hits
// aligned in one column and highlighted on a terminal.
func writeKWIC(c *cli.Context, hits []hitJSON, names []string, width int) error {
	w := c.App.Writer
	st := style{useColor(w)}
	const maxName, maxSpeaker = 28, 16
	nw, sw, spw := 0, 0, 0
	spans := make([]string, len(hits))
	for i, h := range hits {
		spans[i] = fmt.Sprintf("%d-%d", h.Start, h.End)
		nw = maxInt(nw, cellWidth(names[i], maxName))
		sw = maxInt(sw, len(spans[i]))
		spw = maxInt(spw, cellWidth(h.Speaker, maxSpeaker))
	}
	for i, h := range hits {
		printf(w, "%s  %s  %s  %s%s%s\n",
			padRight(clip(names[i], maxName), nw), padRight(spans[i], sw), padRight(clip(h.Speaker, maxSpeaker), spw),
			padLeft(lastCells(oneLine(h.Left), width), width), st.highlight(oneLine(h.Text)),
			truncateCells(oneLine(h.Right), width, ""))
	}
	printf(w, "%d hits\n", len(hits))
	return nil
}

// lastCells returns the end of s that fits in width terminal cells, so
// that Chinese context (two cells a character) keeps the hits aligned.
func lastCells(s string, width int) string {
	r := []rune(s)
	w := 0
	i := len(r)
	for i > 0 && w+runeCells(r[i-1]) <= width {
		w += runeCells(r[i-1])
		i--
	}
	return string(r[i:])
}

// padLeft right-aligns s in width terminal cells.
func padLeft(s string, width int) string {
	return strings.Repeat(" ", max(0, width-cells(s))) + s
}

// padRight left-aligns s in width terminal cells.
func padRight(s string, width int) string {
	return s + strings.Repeat(" ", max(0, width-cells(s)))
}

func attrSetAction(c *cli.Context) error {
	if err := needArgs(c, 2, -1, "DOC KEY=VALUE..."); err != nil {
		return err
	}
	attrs, err := parseAttrs(c.Args().Slice()[1:])
	if err != nil {
		return err
	}
	return withProject(c, project.ReadWrite, func(p *project.Project) error {
		d, err := service.New(p).SetAttrs(c.Context, whoAmI(c), service.SetAttrsOptions{Doc: c.Args().First(), Attrs: attrs, Force: c.Bool("force")})
		if err != nil {
			return err
		}
		printf(c.App.Writer, "%s: %s\n", visible(d.Name), visible(attrsString(d.Attrs)))
		return nil
	})
}
