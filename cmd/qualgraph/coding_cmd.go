package main

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/project"
	"github.com/qualgraph/qualgraph/service"
)

// The coding commands: code (by hand, by search, by speaker), autocode
// (from the ontology's cue words), codings, uncode, recode, codebook
// add|promote|list and mention (by hand or --auto).

func codingCommands() []*cli.Command {
	coderFlag := &cli.StringFlag{Name: "coder", Usage: "who codes (default: $QUALGRAPH_CODER, else the OS user)"}
	dryRunFlag := &cli.BoolFlag{Name: "dry-run", Aliases: []string{"n"}, Usage: "print what would be coded; write nothing"}
	unitFlag := &cli.StringFlag{Name: "unit", Usage: "code this `UNIT` around each hit: hit, sentence or segment"}
	kindFlag := &cli.StringFlag{Name: "kind", Usage: "only documents of this `KIND`"}
	attrFlag := &cli.StringSliceFlag{Name: "attr", Usage: "only documents with attribute `KEY=VALUE`, repeatable"}
	widthFlag := &cli.IntFlag{Name: "width", Value: 30, Usage: "context width of --dry-run lines, in `CHARS`"}
	skipSpeakerFlag := &cli.StringSliceFlag{Name: "skip-speaker", Usage: "do not code hits in turns of speaker `NAME` (aliases honoured), repeatable"}
	return []*cli.Command{
		{
			Name:      "code",
			Usage:     "code a span, or every hit of a search, or every turn of a speaker",
			ArgsUsage: "DOC START END CODE | DOC:START-END CODE | DOC --quote TEXT CODE | --search QUERY CODE | --speaker NAME CODE",
			Description: `DOC is a document's id or name; START and END are code-point offsets, the
   span being [START, END) (search --json and show --json print them).

   DOC --quote TEXT CODE codes the one place where DOC's text is exactly
   TEXT; a quote found several times is refused with the offsets of each,
   one not found with the nearest match.

   Coding a span again with the same code by the same coder writes nothing
   and says so.

   --search QUERY codes every hit of the full-text query (no limit), with
   --unit hit (the words found, the default), sentence (the sentence that
   holds each hit; sentences follow Unicode sentence segmentation (UAX #29),
   not cut after an abbreviation (Dr. e.g.) or a list marker (1. Article 1.),
   end at 。！？ and at a blank line, and never cross a turn; a turn's first
   sentence starts after the speaker label) or segment (the turn's text
   after the speaker label, or the paragraph). --kind, --attr and --speaker
   filter as in search. --skip-speaker NAME (repeatable) leaves the hits in
   turns of that speaker uncoded and counts them ("qualgraph speakers"
   lists the speakers; an unknown name is an error).

   --speaker NAME (without --search) codes the text of every turn of that
   speaker (ignoring case) in every document, without the label. A speaker
   merged with "qualgraph speaker alias" is named by the kept name, which
   takes in the turns of its aliases.

   Auto-coding skips spans that the coder has already coded with the code
   and codes each span once; it writes one transaction.`,
			Flags: []cli.Flag{
				coderFlag,
				&cli.StringFlag{Name: "memo", Usage: "a note on the coding"},
				&cli.StringFlag{Name: "quote", Usage: "code the one place of DOC whose text is `TEXT`"},
				&cli.StringFlag{Name: "search", Usage: "code the hits of `QUERY`"},
				&cli.StringFlag{Name: "speaker", Usage: "code the turns of speaker `NAME` (with --search: only hits in their turns)"},
				skipSpeakerFlag, unitFlag, kindFlag, attrFlag, dryRunFlag, widthFlag, jsonFlag,
			},
			Action: codeAction,
		},
		{
			Name:  "autocode",
			Usage: "code the sentences that hold the ontology's cue words",
			Description: `Every class with cue words (cues: in the ontology, in every language) codes
   the hits of each cue, searched as a phrase; --unit sentence by default
   (see "qualgraph help code"). A cue codes only its own words, perhaps
   with an inflection ending ("trials" for the cue trial; "brand" is not
   coded for the cue branding), and not a bracketed qualifier such as
   "(Trial)" after a title. --code limits it to classes and their
   subclasses. A cue of a single Chinese character cannot be searched (the
   index matches two characters or more) and is reported as skipped.
   --skip-speaker NAME (repeatable) leaves the hits in turns of that speaker
   (or of its aliases) uncoded, interviewers' questions for instance.`,
			Flags: []cli.Flag{
				coderFlag, unitFlag,
				&cli.StringSliceFlag{Name: "code", Usage: "only this `CLASS` and its subclasses, repeatable"},
				kindFlag, attrFlag,
				&cli.StringFlag{Name: "speaker", Usage: "only turns of speaker `NAME`"},
				skipSpeakerFlag, dryRunFlag, widthFlag, jsonFlag,
			},
			Action: autocodeAction,
		},
		{
			Name:  "codings",
			Usage: "list codings with their text",
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "doc", Usage: "only codings of document `DOC` (id or name)"},
				&cli.StringFlag{Name: "code", Usage: "only codings with `CODE` or one of its subclasses"},
				&cli.StringFlag{Name: "coder", Usage: "only codings by `NAME`"},
				jsonFlag,
			},
			Action: codingsAction,
		},
		{
			Name:      "uncode",
			Usage:     "remove codings (they stay in the history)",
			ArgsUsage: "ID...",
			Flags:     []cli.Flag{coderFlag},
			Action:    uncodeAction,
		},
		{
			Name:      "recode",
			Usage:     "give a coding another code",
			ArgsUsage: "ID CODE",
			Flags:     []cli.Flag{coderFlag},
			Action:    recodeAction,
		},
		{
			Name:  "codebook",
			Usage: "emergent codes: add, promote into the ontology, list",
			Subcommands: []*cli.Command{
				{
					Name:      "add",
					Usage:     "add an emergent code (under Emergent unless --parent)",
					ArgsUsage: "CODE",
					Flags: []cli.Flag{
						coderFlag,
						&cli.StringFlag{Name: "parent", Usage: "parent `CLASS` (default Emergent)"},
						&cli.StringFlag{Name: "definition", Usage: "what the code means"},
						&cli.StringFlag{Name: "colour", Aliases: []string{"color"}, Usage: "display colour `#RRGGBB`"},
					},
					Action: codebookAddAction,
				},
				{
					Name:      "promote",
					Usage:     "move an emergent code into the ontology file",
					ArgsUsage: "CODE --parent CLASS",
					Flags: []cli.Flag{
						coderFlag,
						&cli.StringFlag{Name: "parent", Usage: "its parent `CLASS` in the ontology"},
					},
					Action: codebookPromoteAction,
				},
				{
					Name:   "list",
					Usage:  "list the emergent codes and how often each is used",
					Flags:  []cli.Flag{jsonFlag},
					Action: codebookListAction,
				},
			},
		},
		{
			Name:      "mention",
			Usage:     "record that a span names an entity, or find mentions with --auto",
			ArgsUsage: "DOC START END ENTITY | DOC:START-END ENTITY | --auto",
			Description: `--auto finds every entity's name and aliases in every document: ignoring
   case and only as whole words in Latin script, exactly in Chinese; the
   longest of overlapping names of one entity wins. Spans already recorded
   as a mention of the entity are skipped, and so are names in a turn's
   speaker label ("Lin:", "受访者林："), which say who speaks; the run is
   one transaction.`,
			Flags: []cli.Flag{
				coderFlag,
				&cli.BoolFlag{Name: "auto", Usage: "find the entities' names and aliases in every document"},
				&cli.StringSliceFlag{Name: "entity", Usage: "with --auto: only entity `ID`, repeatable"},
				dryRunFlag, widthFlag, jsonFlag,
			},
			Action: mentionAction,
		},
	}
}

// codingJSON is an element of codings --json and the shape of code --json
// (README: JSON contract). Doc is the document id; Text is the exact text
// of [Start, End).
type codingJSON struct {
	ID      string    `json:"id"`
	Doc     string    `json:"doc"`
	Start   int       `json:"start"`
	End     int       `json:"end"`
	Code    string    `json:"code"`
	Coder   string    `json:"coder"`
	Created time.Time `json:"created"`
	Text    string    `json:"text"`
	Memo    string    `json:"memo"`
	// Existing is set by code --json when the coder had already coded
	// the span with the code: nothing was written.
	Existing bool `json:"existing,omitempty"`
	// Suggested is the model and score of a coding accepted from a
	// suggestion (suggest --accept); absent for a coding made by hand.
	Suggested *coding.Suggestion `json:"suggested,omitempty"`
}

func toCodingJSON(c coding.Coding, text string) codingJSON {
	return codingJSON{c.ID, c.Doc, c.Start, c.End, c.Code, c.Coder, c.Created.UTC(), text, c.Memo, false, c.Suggested}
}

// autoCodeJSON is the shape of code --search|--speaker --json and
// autocode --json. With dry_run the codings have no id.
type autoCodeJSON struct {
	DryRun       bool `json:"dry_run"`
	Hits         int  `json:"hits"`
	Coded        int  `json:"coded"`
	Existing     int  `json:"existing"`
	Repeats      int  `json:"repeats"`
	OutsideUnits int  `json:"outside_units"`
	// SkippedSpeaker counts the hits in turns of --skip-speaker speakers.
	SkippedSpeaker int                  `json:"skipped_speaker"`
	Counts         []project.CodeCount  `json:"counts"`
	SkippedCues    []project.SkippedCue `json:"skipped_cues"`
	Codings        []codingJSON         `json:"codings"`
}

// codedMentionJSON is the shape of mention --json and an element of
// mention --auto --json's mentions.
type codedMentionJSON struct {
	ID      string    `json:"id"`
	Doc     string    `json:"doc"`
	Start   int       `json:"start"`
	End     int       `json:"end"`
	Entity  string    `json:"entity"`
	Coder   string    `json:"coder"`
	Created time.Time `json:"created"`
	Text    string    `json:"text"`
}

// autoMentionJSON is the shape of mention --auto --json.
type autoMentionJSON struct {
	DryRun   bool `json:"dry_run"`
	Added    int  `json:"added"`
	Existing int  `json:"existing"`
	// InLabels counts the matches in speaker labels, not recorded.
	InLabels int                   `json:"in_labels"`
	Counts   []project.EntityCount `json:"counts"`
	Mentions []codedMentionJSON    `json:"mentions"`
}

// emergentCodeJSON is an element of codebook list --json.
type emergentCodeJSON struct {
	ID         string    `json:"id"`
	Parent     string    `json:"parent"`
	Definition string    `json:"definition"`
	Colour     string    `json:"colour"`
	Promoted   bool      `json:"promoted"`
	By         string    `json:"by"`
	Created    time.Time `json:"created"`
	Codings    int       `json:"codings"`
}

// Options of the commands.

type codeOptions struct {
	service.CodeOptions
	By   string
	JSON bool
}

type autoCodeOptions struct {
	Req  project.AutoCodeRequest
	By   string
	JSON bool
	// Width is the context width of --dry-run lines.
	Width int
}

type codingsOptions struct {
	Doc, Code, Coder string
	JSON             bool
}

// parseSpanArgs reads DOC START END or DOC:START-END from args. Arguments
// of the wrong shape are a usage error; a span whose numbers are missing
// or not numbers, or whose START is after its END, is refused input.
func parseSpanArgs(args []string, usage string) (coding.Span, error) {
	s, err := parseSpan(args, usage)
	if err == nil && s.Start > s.End {
		return s, reversedSpan(s)
	}
	return s, err
}

// reversedSpan is the error for a span whose START is after its END, in
// the words of coding.Span.Validate.
func reversedSpan(s coding.Span) error {
	return fmt.Errorf("span %s: %w (spans are half-open [start,end))", s, coding.ErrReversedSpan)
}

func parseSpan(args []string, usage string) (coding.Span, error) {
	switch len(args) {
	case 3:
		start, err1 := strconv.Atoi(strings.TrimSpace(args[1]))
		end, err2 := strconv.Atoi(strings.TrimSpace(args[2]))
		if err1 != nil || err2 != nil {
			return coding.Span{}, fmt.Errorf("span %s %s %s: START and END must be whole numbers (code-point offsets)", args[0], args[1], args[2])
		}
		return coding.Span{Doc: args[0], Start: start, End: end}, nil
	case 1:
		s := args[0]
		i := strings.LastIndexByte(s, ':')
		if i < 0 {
			return coding.Span{}, usagef("usage: %s (no span in %q)", usage, s)
		}
		bad := fmt.Errorf("span %q: want DOC:START-END with whole numbers, e.g. interview_chen_en.txt:1853-1914", s)
		if i == 0 {
			return coding.Span{}, bad
		}
		a, b, ok := strings.Cut(s[i+1:], "-")
		if !ok {
			return coding.Span{}, bad
		}
		start, err1 := strconv.Atoi(strings.TrimSpace(a))
		end, err2 := strconv.Atoi(strings.TrimSpace(b))
		if err1 != nil || err2 != nil {
			return coding.Span{}, bad
		}
		return coding.Span{Doc: s[:i], Start: start, End: end}, nil
	}
	return coding.Span{}, usagef("usage: %s", usage)
}

// searchFilters reads --kind, --attr, --speaker and --skip-speaker into
// req.
func searchFilters(c *cli.Context, req *project.AutoCodeRequest) error {
	req.Kind, req.Speaker = c.String("kind"), c.String("speaker")
	for _, sp := range c.StringSlice("skip-speaker") {
		if strings.TrimSpace(sp) == "" {
			return usagef("--skip-speaker: the name is empty")
		}
		req.SkipSpeakers = append(req.SkipSpeakers, sp)
	}
	attrs, err := parseKeyValues("attr", c.StringSlice("attr"))
	if err != nil {
		return err
	}
	req.Attrs = attrs
	unit, err := project.ParseUnit(c.String("unit"))
	if err != nil {
		return usagef("--unit: %v", err)
	}
	req.Unit = unit
	return nil
}

func codeAction(c *cli.Context) error {
	const usage = "qualgraph code DOC START END CODE | DOC:START-END CODE | DOC --quote TEXT CODE | --search QUERY CODE | --speaker NAME CODE"
	args := c.Args().Slice()
	if c.IsSet("search") || c.IsSet("speaker") {
		if len(args) != 1 {
			return usagef("usage: %s", usage)
		}
		if c.IsSet("search") && strings.TrimSpace(c.String("search")) == "" {
			return usagef("--search: the query is empty")
		}
		if !c.IsSet("search") && strings.TrimSpace(c.String("speaker")) == "" {
			return usagef("--speaker: the name is empty")
		}
		opt := autoCodeOptions{By: whoAmI(c), JSON: c.Bool("json"), Width: c.Int("width")}
		opt.Req = project.AutoCodeRequest{Query: c.String("search"), Code: args[0], Memo: c.String("memo"), DryRun: c.Bool("dry-run")}
		if err := searchFilters(c, &opt.Req); err != nil {
			return err
		}
		return runAutoCode(c, opt)
	}
	if c.IsSet("unit") || c.IsSet("dry-run") || c.IsSet("kind") || c.IsSet("attr") || c.IsSet("skip-speaker") {
		return usagef("--unit, --dry-run, --kind, --attr and --skip-speaker go with --search or --speaker (usage: %s)", usage)
	}
	if len(args) != 2 && len(args) != 4 || c.IsSet("quote") && len(args) != 2 {
		return usagef("usage: %s", usage)
	}
	var span coding.Span
	if c.IsSet("quote") {
		if c.String("quote") == "" {
			return usagef("--quote: the text is empty")
		}
		span.Doc = args[0]
	} else {
		var err error
		if span, err = parseSpanArgs(args[:len(args)-1], usage); err != nil {
			return err
		}
	}
	opt := codeOptions{CodeOptions: service.CodeOptions{Span: span, Quote: c.String("quote"), Code: args[len(args)-1], Memo: c.String("memo")},
		By: whoAmI(c), JSON: c.Bool("json")}
	return withProject(c, project.ReadWrite, func(p *project.Project) error {
		cd, err := service.New(p).Code(c.Context, opt.By, opt.CodeOptions)
		if err != nil {
			return docHint(err)
		}
		if opt.JSON {
			js := toCodingJSON(cd.Coding, cd.Text)
			js.Existing = cd.Existing
			return writeJSON(c.App.Writer, js)
		}
		if cd.Existing {
			printf(c.App.Writer, "Already coded %s:%d-%d as %s by %s: %s (nothing written)\n  %s\n",
				cd.DocName, cd.Start, cd.End, cd.Code, cd.Coder, cd.ID, quoted(cd.Text))
			return nil
		}
		printf(c.App.Writer, "Coded %s:%d-%d as %s: %s\n  %s\n", cd.DocName, cd.Start, cd.End, cd.Code, cd.ID, quoted(cd.Text))
		return nil
	})
}

// docHint adds what to do to an unknown-document error.
func docHint(err error) error {
	if errors.Is(err, coding.ErrUnknownDoc) {
		return fmt.Errorf("%w (qualgraph docs lists the documents)", err)
	}
	return err
}

func autocodeAction(c *cli.Context) error {
	if err := needArgs(c, 0, 0, "[--code CLASS]... [--unit U] [--kind K] [--attr KEY=VALUE]... [--speaker NAME] [--skip-speaker NAME]... [--dry-run] [--json]"); err != nil {
		return err
	}
	opt := autoCodeOptions{By: whoAmI(c), JSON: c.Bool("json"), Width: c.Int("width")}
	opt.Req = project.AutoCodeRequest{Cues: true, Codes: c.StringSlice("code"), DryRun: c.Bool("dry-run")}
	if err := searchFilters(c, &opt.Req); err != nil {
		return err
	}
	return runAutoCode(c, opt)
}

// runAutoCode runs an auto-coding and reports it: a dry run lists what it
// would code, one keyword-in-context line per span; a run prints counts.
func runAutoCode(c *cli.Context, opt autoCodeOptions) error {
	mode := project.ReadWrite
	if opt.Req.DryRun {
		mode = project.ReadOnly
	}
	so := service.AutoCodeOptions{AutoCodeRequest: opt.Req,
		Quotes: service.QuoteOptions{Text: opt.JSON, KWIC: !opt.JSON && opt.Req.DryRun, Width: opt.Width}}
	return withProject(c, mode, func(p *project.Project) error {
		res, err := service.New(p).AutoCode(c.Context, opt.By, so)
		if err != nil {
			return err
		}
		w := c.App.Writer
		if opt.JSON {
			out := autoCodeJSON{DryRun: res.DryRun, Hits: res.Hits, Coded: len(res.Codings), Existing: res.Existing,
				Repeats: res.Repeats, OutsideUnits: res.OutsideUnits, SkippedSpeaker: res.SkippedSpeaker, Counts: res.Counts,
				SkippedCues: res.SkippedCues, Codings: make([]codingJSON, len(res.Codings))}
			if out.SkippedCues == nil {
				out.SkippedCues = []project.SkippedCue{}
			}
			if out.Counts == nil {
				out.Counts = []project.CodeCount{}
			}
			for i, cd := range res.Codings {
				out.Codings[i] = toCodingJSON(cd, res.Texts[i].Text)
			}
			return writeJSON(w, out)
		}
		st := style{useColor(w)}
		if res.DryRun {
			rows := make([]kwicRow, len(res.Codings))
			for i, cd := range res.Codings {
				rows[i] = kwicRow{name: res.Names[cd.Doc], span: cd.Span, label: cd.Code, text: res.Texts[i]}
			}
			writeSpans(w, st, rows, opt.Width)
		}
		if opt.Req.Cues {
			t := newTable("CODE", "CUES", "HITS", "CODED", "ALREADY")
			for _, n := range res.Counts {
				t.add(n.Code, strconv.Itoa(n.Cues), strconv.Itoa(n.Hits), strconv.Itoa(n.Coded), strconv.Itoa(n.Existing))
			}
			if err := t.write(w, st, 40); err != nil {
				return err
			}
			for _, s := range res.SkippedCues {
				printf(w, "skipped cue %q of %s: %s\n", s.Cue, s.Code, s.Reason)
			}
		}
		verb := "Coded"
		if res.DryRun {
			verb = "Would code"
		}
		what := "with " + opt.Req.Code
		if opt.Req.Cues {
			what = fmt.Sprintf("with %d codes", countCoded(res.Counts))
		}
		printf(w, "%s %d spans %s (%d hits%s)\n", verb, len(res.Codings), what, res.Hits, skippedNote(res))
		return nil
	})
}

func countCoded(cs []project.CodeCount) int {
	n := 0
	for _, c := range cs {
		if c.Coded > 0 {
			n++
		}
	}
	return n
}

// skippedNote says what auto-coding skipped, for the summary line.
func skippedNote(res *service.AutoCodeResult) string {
	var parts []string
	if res.Existing > 0 {
		parts = append(parts, fmt.Sprintf("%d spans already coded so by this coder", res.Existing))
	}
	if res.Repeats > 0 {
		parts = append(parts, fmt.Sprintf("%d hits in spans found before", res.Repeats))
	}
	if res.OutsideUnits > 0 {
		parts = append(parts, fmt.Sprintf("%d hits in speaker labels", res.OutsideUnits))
	}
	if res.SkippedSpeaker > 0 {
		parts = append(parts, fmt.Sprintf("%d hits in turns of --skip-speaker speakers", res.SkippedSpeaker))
	}
	if len(parts) == 0 {
		return ""
	}
	return "; skipped " + strings.Join(parts, ", ")
}

// kwicRow is one line of writeSpans.
type kwicRow struct {
	name  string
	span  coding.Span
	label string           // code or entity
	text  service.SpanText // with the span's KWIC view
}

// writeSpans prints one keyword-in-context line per span: document name,
// span, label, then the span's text (clipped) between its contexts of
// width code points.
func writeSpans(w io.Writer, st style, rows []kwicRow, width int) {
	const maxName, maxText = 28, 60
	nw, sw, lw := 0, 0, 0
	spans := make([]string, len(rows))
	for i, r := range rows {
		spans[i] = fmt.Sprintf("%d-%d", r.span.Start, r.span.End)
		nw = max(nw, cellWidth(r.name, maxName))
		sw = max(sw, len(spans[i]))
		lw = max(lw, cellWidth(r.label, 0))
	}
	for i, r := range rows {
		left, hit, right := r.text.Left, r.text.Hit, r.text.Right
		printf(w, "%s  %s  %s  %s%s%s\n", padRight(clip(r.name, maxName), nw), padRight(spans[i], sw), padRight(r.label, lw),
			padLeft(lastCells(oneLine(left), width), width), st.highlight(clip(hit, maxText)), clip(right, width))
	}
}

func codingsAction(c *cli.Context) error {
	if err := needArgs(c, 0, 0, "[--doc DOC] [--code CODE] [--coder NAME] [--json]"); err != nil {
		return err
	}
	opt := codingsOptions{Doc: c.String("doc"), Code: c.String("code"), Coder: c.String("coder"), JSON: c.Bool("json")}
	return withProject(c, project.ReadOnly, func(p *project.Project) error {
		out, err := service.New(p).Codings(c.Context, service.CodingsOptions{Doc: opt.Doc, Code: opt.Code, Coder: opt.Coder})
		if err != nil {
			return docHint(err)
		}
		js := make([]codingJSON, len(out))
		for i, cd := range out {
			js[i] = toCodingJSON(cd.Coding, cd.Text)
		}
		w := c.App.Writer
		if opt.JSON {
			return writeJSON(w, js)
		}
		t := newTable("ID", "DOC", "SPAN", "CODE", "CODER", "TEXT")
		for i, cd := range out {
			t.add(shortID(cd.ID), cd.DocName, fmt.Sprintf("%d-%d", cd.Start, cd.End), cd.Code, cd.Coder, js[i].Text)
		}
		if err := t.write(w, style{useColor(w)}, 60); err != nil {
			return err
		}
		printf(w, "%d codings\n", len(out))
		return nil
	})
}

// findCoding returns the coding whose id is ref or, failing that, the one
// coding whose id starts with ref (4 characters or more), as tables show
// ids shortened.
func findCoding(v *coding.View, ref string) (coding.Coding, error) {
	return service.FindCoding(v, ref)
}

func uncodeAction(c *cli.Context) error {
	if err := needArgs(c, 1, -1, "ID..."); err != nil {
		return err
	}
	refs, by := c.Args().Slice(), whoAmI(c)
	return withProject(c, project.ReadWrite, func(p *project.Project) error {
		cs, err := service.New(p).Uncode(c.Context, by, service.UncodeOptions{Refs: refs})
		if err != nil {
			return err
		}
		for _, cd := range cs {
			printf(c.App.Writer, "Uncoded %s (%s %s)\n", cd.ID, cd.Span, cd.Code)
		}
		return nil
	})
}

func recodeAction(c *cli.Context) error {
	if err := needArgs(c, 2, 2, "ID CODE"); err != nil {
		return err
	}
	o, by := service.RecodeOptions{Ref: c.Args().Get(0), Code: c.Args().Get(1)}, whoAmI(c)
	return withProject(c, project.ReadWrite, func(p *project.Project) error {
		r, err := service.New(p).Recode(c.Context, by, o)
		if err != nil {
			return err
		}
		if r.Unchanged {
			printf(c.App.Writer, "%s is already coded as %s: nothing written\n", r.Old.ID, r.Old.Code)
			return nil
		}
		printf(c.App.Writer, "Recoded %s from %s to %s\n", r.Old.ID, r.Old.Code, o.Code)
		return nil
	})
}

func codebookAddAction(c *cli.Context) error {
	if err := needArgs(c, 1, 1, "CODE [--parent P] [--definition TEXT] [--colour #RRGGBB]"); err != nil {
		return err
	}
	o := service.AddCodeOptions{ID: c.Args().First(), Parent: c.String("parent"), Definition: c.String("definition"),
		Colour: c.String("colour")}
	by := whoAmI(c)
	return withProject(c, project.ReadWrite, func(p *project.Project) error {
		code, err := service.New(p).AddCode(c.Context, by, o)
		if err != nil {
			return err
		}
		printf(c.App.Writer, "Added emergent code %s under %s\n", code.ID, code.Parent)
		return nil
	})
}

func codebookPromoteAction(c *cli.Context) error {
	if err := needArgs(c, 1, 1, "CODE --parent CLASS"); err != nil {
		return err
	}
	o, by := service.PromoteOptions{ID: c.Args().First(), Parent: c.String("parent")}, whoAmI(c)
	return withProject(c, project.ReadWrite, func(p *project.Project) error {
		r, err := service.New(p).PromoteCode(c.Context, by, o)
		if err != nil {
			return err
		}
		printf(c.App.Writer, "Promoted %s under %s into %s\n", r.ID, r.Parent, r.File)
		return nil
	})
}

func codebookListAction(c *cli.Context) error {
	if err := needArgs(c, 0, 0, "[--json]"); err != nil {
		return err
	}
	return withProject(c, project.ReadOnly, func(p *project.Project) error {
		v, err := p.View(false)
		if err != nil {
			return err
		}
		uses := map[string]int{}
		for _, cd := range v.Codings {
			uses[cd.Code]++
		}
		out := make([]emergentCodeJSON, 0, len(v.Codes))
		for _, cd := range v.Codes {
			out = append(out, emergentCodeJSON{cd.ID, cmp.Or(cd.Parent, coding.RootEmergent), cd.Definition, cd.Color,
				cd.Promoted, cd.By, cd.Created.UTC(), uses[cd.ID]})
		}
		slices.SortFunc(out, func(a, b emergentCodeJSON) int { return strings.Compare(a.ID, b.ID) })
		w := c.App.Writer
		if c.Bool("json") {
			return writeJSON(w, out)
		}
		t := newTable("CODE", "PARENT", "CODINGS", "PROMOTED", "DEFINITION")
		for _, e := range out {
			promoted := "no"
			if e.Promoted {
				promoted = "yes"
			}
			t.add(e.ID, e.Parent, strconv.Itoa(e.Codings), promoted, e.Definition)
		}
		if err := t.write(w, style{useColor(w)}, 60); err != nil {
			return err
		}
		printf(w, "%d emergent codes\n", len(out))
		return nil
	})
}

func mentionAction(c *cli.Context) error {
	const usage = "qualgraph mention DOC START END ENTITY | DOC:START-END ENTITY | --auto [--entity ID]... [--dry-run]"
	args, by := c.Args().Slice(), whoAmI(c)
	if c.Bool("auto") {
		if len(args) != 0 {
			return usagef("usage: %s", usage)
		}
		return autoMention(c, project.AutoMentionRequest{Entities: c.StringSlice("entity"), DryRun: c.Bool("dry-run")}, by)
	}
	if c.IsSet("dry-run") || c.IsSet("entity") {
		return usagef("--dry-run and --entity go with --auto (usage: %s)", usage)
	}
	if len(args) != 2 && len(args) != 4 {
		return usagef("usage: %s", usage)
	}
	span, err := parseSpanArgs(args[:len(args)-1], usage)
	if err != nil {
		return err
	}
	o := service.MentionOptions{Span: span, Entity: args[len(args)-1]}
	return withProject(c, project.ReadWrite, func(p *project.Project) error {
		m, err := service.New(p).Mention(c.Context, by, o)
		if err != nil {
			return docHint(err)
		}
		if c.Bool("json") {
			return writeJSON(c.App.Writer, codedMentionJSON{m.ID, m.Doc, m.Start, m.End, m.Entity, m.Coder, m.Created.UTC(), m.Text})
		}
		printf(c.App.Writer, "Mention of %s at %s:%d-%d: %s\n  %s\n", m.Entity, m.DocName, m.Start, m.End, m.ID, quoted(m.Text))
		return nil
	})
}

func autoMention(c *cli.Context, req project.AutoMentionRequest, by string) error {
	mode := project.ReadWrite
	if req.DryRun {
		mode = project.ReadOnly
	}
	js := c.Bool("json")
	o := service.AutoMentionOptions{Entities: req.Entities, DryRun: req.DryRun,
		Quotes: service.QuoteOptions{Text: js, KWIC: !js && req.DryRun, Width: c.Int("width")}}
	return withProject(c, mode, func(p *project.Project) error {
		res, err := service.New(p).AutoMention(c.Context, by, o)
		if err != nil {
			return err
		}
		w := c.App.Writer
		if js {
			out := autoMentionJSON{DryRun: res.DryRun, Added: len(res.Mentions), Existing: res.Existing, InLabels: res.InLabels,
				Counts: res.Counts, Mentions: make([]codedMentionJSON, len(res.Mentions))}
			if out.Counts == nil {
				out.Counts = []project.EntityCount{}
			}
			for i, m := range res.Mentions {
				out.Mentions[i] = codedMentionJSON{m.ID, m.Doc, m.Start, m.End, m.Entity, m.Coder, m.Created.UTC(), res.Texts[i].Text}
			}
			return writeJSON(w, out)
		}
		st := style{useColor(w)}
		if res.DryRun {
			rows := make([]kwicRow, len(res.Mentions))
			for i, m := range res.Mentions {
				rows[i] = kwicRow{name: res.Names[m.Doc], span: m.Span, label: m.Entity, text: res.Texts[i]}
			}
			writeSpans(w, st, rows, c.Int("width"))
		}
		t := newTable("ENTITY", "NAMES", "FOUND", "ADDED", "ALREADY")
		for _, n := range res.Counts {
			t.add(n.Entity, strings.Join(n.Names, ", "), strconv.Itoa(n.Found), strconv.Itoa(n.Added), strconv.Itoa(n.Existing))
		}
		if err := t.write(w, st, 50); err != nil {
			return err
		}
		verb := "Recorded"
		if res.DryRun {
			verb = "Would record"
		}
		printf(w, "%s %d mentions of %d entities", verb, len(res.Mentions), len(res.Counts))
		if res.Existing > 0 {
			printf(w, "; skipped %d already recorded", res.Existing)
		}
		if res.InLabels > 0 {
			printf(w, "; skipped %d in speaker labels", res.InLabels)
		}
		printf(w, "\n")
		return nil
	})
}
