package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/corpus"
	"github.com/qualgraph/qualgraph/kg"
	"github.com/qualgraph/qualgraph/project"
	"github.com/qualgraph/qualgraph/service"
)

// The graph commands: entities, assertions, memos, the change log and the
// queries over the coded graph. Listings read what they need of the
// projection (project.ViewOf) and the quotes of evidence it keeps
// (project.EvidenceQuoter), which falls back on sources/; the queries
// (links, neighbors, path, query) are use cases of package service.

func graphCommands() []*cli.Command {
	coderFlag := func(usage string) cli.Flag { return &cli.StringFlag{Name: "coder", Usage: usage} }
	evidenceFlag := &cli.BoolFlag{Name: "evidence", Aliases: []string{"v"}, Usage: "print the evidence quotes"}
	return []*cli.Command{
		{
			Name:  "entity",
			Usage: "the concrete actors of the corpus: add, list, show, rename, alias, merge, remove",
			Subcommands: append([]*cli.Command{
				{
					Name:      "add",
					Usage:     "add an entity, an instance of an ontology class",
					ArgsUsage: "ID --type CLASS [--name NAME] [--alias A]... [--attr KEY=VALUE]...",
					Flags: []cli.Flag{
						&cli.StringFlag{Name: "type", Usage: "its ontology `CLASS`, e.g. SpinoffFounder, LocalGovernment"},
						&cli.StringFlag{Name: "name", Usage: "its name for people (default: the id)"},
						&cli.StringSliceFlag{Name: "alias", Usage: "another name, repeatable"},
						&cli.StringSliceFlag{Name: "attr", Usage: "attribute `KEY=VALUE`, repeatable"},
						coderFlag("who adds it (default $QUALGRAPH_CODER, else the OS user)"),
					},
					Action: entityAddAction,
				},
				{
					Name:   "list",
					Usage:  "list the entities",
					Flags:  []cli.Flag{&cli.StringFlag{Name: "type", Usage: "only entities of this `CLASS` or its subclasses"}, jsonFlag},
					Action: entityListAction,
				},
				{
					Name:      "show",
					Usage:     "show an entity: its mentions with quotes, its assertions out and in",
					ArgsUsage: "ID",
					Flags:     []cli.Flag{jsonFlag},
					Action:    entityShowAction,
				},
			}, entityChangeCommands()...),
		},
		{
			Name:      "assert",
			Usage:     "code an assertion SUBJECT RELATION OBJECT grounded in evidence spans",
			ArgsUsage: "SUBJECT RELATION OBJECT --evidence DOC:START-END|DOC:TEXT...",
			Description: `SUBJECT is an entity; OBJECT an entity or, where the relation's range allows
   it, a concept (a class such as HighTechCertification, or class:ID). DOC is
   a document id or name; START-END a half-open range of characters (code
   points) of its stored text, as "show" and "search --json" give them;
   DOC:"TEXT" the one place where DOC's text is exactly TEXT (a quote found
   several times is refused with the offsets of each).

   Asserting again what the same coder asserts, with the same evidence,
   writes nothing and says so.`,
			Flags: []cli.Flag{
				&cli.GenericFlag{Name: "evidence", Value: &repeated{}, Usage: "evidence span `DOC:START-END` or DOC:\"TEXT\", repeatable (at least one)"},
				&cli.StringFlag{Name: "practice", Usage: "the practice it records (a class under Practice)"},
				&cli.StringFlag{Name: "phase", Usage: "the cluster phase (a class under ClusterPhase)"},
				&cli.StringFlag{Name: "polarity", Value: string(coding.Positive), Usage: "positive or negative"},
				&cli.Float64Flag{Name: "confidence", Value: 1, Usage: "the coder's confidence, 0 to 1"},
				&cli.StringFlag{Name: "memo", Usage: "a note on the assertion"},
				coderFlag("who codes it (default $QUALGRAPH_CODER, else the OS user)"),
			},
			Action: assertAction,
		},
		{
			Name:      "retract",
			Usage:     "retract an assertion (it stays in the history)",
			ArgsUsage: "ID",
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "reason", Usage: "why"},
				coderFlag("who retracts it"),
			},
			Action: retractAction,
		},
		{
			Name:  "assertions",
			Usage: "list the assertions, retracted ones marked",
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "entity", Usage: "only assertions with this entity (or class:CONCEPT) as subject or object"},
				&cli.StringFlag{Name: "relation", Usage: "only assertions of this relation"},
				evidenceFlag, jsonFlag,
			},
			Action: assertionsAction,
		},
		{
			Name:  "memo",
			Usage: "memos on documents, codes, codings, entities and assertions",
			Subcommands: []*cli.Command{{
				Name:      "add",
				Usage:     "write a memo",
				ArgsUsage: "TARGET TEXT",
				Description: `TARGET is doc:ID, code:ID, coding:ID, entity:ID or assertion:ID, or a bare id
   looked up in that order. An assertion may be named by a unique prefix of
   its id.`,
				Flags:  []cli.Flag{coderFlag("who writes it")},
				Action: memoAddAction,
			}},
		},
		{
			Name:   "memos",
			Usage:  "list the memos",
			Flags:  []cli.Flag{&cli.StringFlag{Name: "target", Usage: "only memos on `TARGET` (kind:id or id)"}, jsonFlag},
			Action: memosAction,
		},
		{
			Name:   "log",
			Usage:  "the change log: who changed what and when, oldest first",
			Flags:  []cli.Flag{jsonFlag},
			Action: logAction,
		},
		{
			Name:  "links",
			Usage: "relations between actors, aggregated over the assertions that are not retracted",
			Description: `Each link is a (subject, relation, object) with the number of assertions that
   state it, of distinct documents of their evidence and of coders, the
   practices coded and the evidence quotes. Class filters include
   subclasses; --attr keeps an assertion if one of its evidence documents has
   every attribute given.`,
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "from", Usage: "subject of this `CLASS`"},
				&cli.StringFlag{Name: "to", Usage: "object of this `CLASS` (an entity's type, or a concept)"},
				&cli.StringFlag{Name: "relation", Usage: "only this relation"},
				&cli.StringFlag{Name: "practice", Usage: "only assertions coded with this practice (or a subclass)"},
				&cli.StringFlag{Name: "phase", Usage: "only assertions coded with this cluster phase"},
				&cli.StringSliceFlag{Name: "attr", Usage: "document attribute `KEY=VALUE` of the evidence, repeatable"},
				&cli.StringFlag{Name: "coder", Usage: "only assertions of this coder"},
				evidenceFlag, jsonFlag,
			},
			Action: linksAction,
		},
		{
			Name:      "neighbors",
			Usage:     "the entities within N steps of an entity, over assertions in either direction",
			ArgsUsage: "ENTITY",
			Flags:     []cli.Flag{&cli.IntFlag{Name: "depth", Value: 1, Usage: "at most `N` steps"}, jsonFlag},
			Action:    neighborsAction,
		},
		{
			Name:      "path",
			Usage:     "a shortest chain of assertions between two entities",
			ArgsUsage: "FROM TO",
			Flags:     []cli.Flag{jsonFlag},
			Action:    pathAction,
		},
		{
			Name:      "query",
			Usage:     "run a read-only Gizmo query on the graph and print the results as JSON",
			ArgsUsage: "'GIZMO'",
			Description: `Gizmo is cayley's JavaScript traversal language. Nodes are IRIs in angle
   brackets: <qg:entity/ID>, <qg:doc/ID>, <qg:assertion/UUID>, <qg:class/ID>,
   relations <qg:rel/ID>. Each assertion is a direct edge subject -> object
   labelled with the assertion, e.g.
     qualgraph query 'g.V("<qg:entity/lin>").Out("<qg:rel/lobbies>").All()'`,
			Flags: []cli.Flag{
				&cli.IntFlag{Name: "limit", Value: 1000, Usage: "at most `N` results (0: all)"},
				&cli.DurationFlag{Name: "timeout", Value: kg.DefaultQueryTimeout, Usage: "stop the query after this long"},
			},
			Action: queryAction,
		},
	}
}

// JSON shapes (README: JSON contract).

// assertionJSON is an element of assertions --json. Object is an entity id
// or, for a concept, "class:ID" (entity ids never hold a colon).
type assertionJSON struct {
	ID         string           `json:"id"`
	Subject    string           `json:"subject"`
	Relation   string           `json:"relation"`
	Object     string           `json:"object"`
	Practice   string           `json:"practice"`
	Phase      string           `json:"phase"`
	Polarity   string           `json:"polarity"`
	Confidence float64          `json:"confidence"`
	Coder      string           `json:"coder"`
	Created    time.Time        `json:"created"`
	Evidence   []quotedSpanJSON `json:"evidence"`
	// Additions say who added the spans added later, and when.
	Additions []coding.EvidenceAddition `json:"additions,omitempty"`
	Retracted bool                      `json:"retracted"`
	// Suggested: accepted from suggest --assertions (model, score).
	Suggested *coding.Suggestion `json:"suggested,omitempty"`
}

// quotedSpanJSON is a span with its text.
type quotedSpanJSON struct {
	Doc   string `json:"doc"`
	Start int    `json:"start"`
	End   int    `json:"end"`
	Text  string `json:"text"`
}

func toAssertionJSON(a coding.Assertion, quote func(coding.Span) string) assertionJSON {
	ev := make([]quotedSpanJSON, len(a.Evidence))
	for i, e := range a.Evidence {
		ev[i] = quotedSpanJSON{e.Doc, e.Start, e.End, quote(e)}
	}
	return assertionJSON{a.ID, a.Subject, a.Relation, a.Object, a.Practice, a.Phase, string(a.Polarity),
		a.Confidence, a.Coder, a.Created, ev, a.Additions, a.Retracted, a.Suggested}
}

// entityJSON is an element of entity list --json and the head of entity
// show --json.
type entityJSON struct {
	ID         string            `json:"id"`
	Type       string            `json:"type"`
	Name       string            `json:"name"`
	Aliases    []string          `json:"aliases"`
	Attrs      map[string]string `json:"attrs"`
	Mentions   int               `json:"mentions"`   // number of mentions
	Assertions int               `json:"assertions"` // not retracted, as subject or object
}

// entityShowJSON is the shape of entity show --json.
type entityShowJSON struct {
	entityJSON
	MentionList []mentionJSON   `json:"mention_list"`
	Out         []assertionJSON `json:"out"` // the entity is the subject
	In          []assertionJSON `json:"in"`  // the entity is the object
}

type mentionJSON struct {
	ID      string    `json:"id"`
	Doc     string    `json:"doc"`
	Start   int       `json:"start"`
	End     int       `json:"end"`
	Text    string    `json:"text"`
	Coder   string    `json:"coder"`
	Created time.Time `json:"created"`
}

// entityCounts counts each entity's mentions and the assertions (not
// retracted) it is the subject or object of.
type entityCounts struct{ mentions, assertions map[string]int }

func countEntities(v *coding.View) entityCounts {
	n := entityCounts{map[string]int{}, map[string]int{}}
	for _, m := range v.Mentions {
		n.mentions[m.Entity]++
	}
	for _, a := range v.Assertions {
		if !a.Retracted {
			n.assertions[a.Subject]++
			if a.Object != a.Subject {
				n.assertions[a.Object]++
			}
		}
	}
	return n
}

func toEntityJSON(e coding.Entity, n entityCounts) entityJSON {
	j := entityJSON{ID: e.ID, Type: e.Type, Name: e.Name, Aliases: e.Aliases, Attrs: e.Attrs,
		Mentions: n.mentions[e.ID], Assertions: n.assertions[e.ID]}
	if j.Aliases == nil {
		j.Aliases = []string{}
	}
	if j.Attrs == nil {
		j.Attrs = map[string]string{}
	}
	return j
}

// Options of the commands.

type entityAddOptions struct {
	Entity coding.Entity
	By     string
}

type assertOptions struct {
	Assertion coding.Assertion
	Quotes    []service.QuoteRef // evidence given as DOC:TEXT
	By        string
}

type linksOptions struct {
	Filter   coding.LinkFilter
	Evidence bool
	JSON     bool
}

// repeated is the value of a repeatable flag whose values are kept as
// given: a quote may hold commas, which a cli.StringSliceFlag splits at.
type repeated []string

func (r *repeated) Set(v string) error { *r = append(*r, v); return nil }
func (r *repeated) String() string     { return strings.Join(*r, " ") }

// spanLike reports whether what follows the last colon of s is made of
// digits, '-' and spaces only: a span meant, if perhaps mistyped.
func spanLike(s string) bool {
	i := strings.LastIndexByte(s, ':')
	return i >= 0 && strings.Trim(s[i+1:], "0123456789- ") == ""
}

// parseEvidenceSpan parses DOC:START-END; DOC may itself hold colons.
func parseEvidenceSpan(s string) (coding.Span, error) {
	i := strings.LastIndexByte(s, ':')
	bad := fmt.Errorf("--evidence %q: want DOC:START-END with whole numbers, e.g. interview_chen_en.txt:1853-1914", s)
	if i <= 0 {
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
	sp := coding.Span{Doc: s[:i], Start: start, End: end}
	if start > end {
		return sp, reversedSpan(sp)
	}
	return sp, nil
}

// parseKeyValues parses KEY=VALUE flags into a map.
func parseKeyValues(flag string, list []string) (map[string]string, error) {
	if len(list) == 0 {
		return nil, nil
	}
	m := map[string]string{}
	for _, s := range list {
		k, v, ok := strings.Cut(s, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, usagef("--%s %q: want KEY=VALUE", flag, s)
		}
		m[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return m, nil
}

func entityAddAction(c *cli.Context) error {
	const usage = "ID --type CLASS [--name NAME] [--alias A]... [--attr KEY=VALUE]..."
	if err := needArgs(c, 1, 1, usage); err != nil {
		return err
	}
	if c.String("type") == "" {
		return usagef("entity add: --type CLASS is required (usage: qualgraph entity add %s)", usage)
	}
	attrs, err := parseKeyValues("attr", c.StringSlice("attr"))
	if err != nil {
		return err
	}
	opt := entityAddOptions{
		Entity: coding.Entity{ID: c.Args().First(), Type: c.String("type"), Name: c.String("name"),
			Aliases: c.StringSlice("alias"), Attrs: attrs},
		By: whoAmI(c),
	}
	return withProject(c, project.ReadWrite, func(p *project.Project) error {
		e, err := service.New(p).AddEntity(c.Context, opt.By, service.AddEntityOptions{Entity: opt.Entity})
		if err != nil {
			return err
		}
		printf(c.App.Writer, "Added entity %s (%s)\n", e.ID, e.Type)
		return nil
	})
}

func entityListAction(c *cli.Context) error {
	if err := needArgs(c, 0, 0, "[--type CLASS] [--json]"); err != nil {
		return err
	}
	class := c.String("type")
	return withProject(c, project.ReadOnly, func(p *project.Project) error {
		cb, err := p.Codebook()
		if err != nil {
			return err
		}
		if class != "" {
			if err := cb.CheckCode(class); err != nil {
				return err
			}
		}
		v, err := p.View(false)
		if err != nil {
			return err
		}
		es := coding.EntitiesOf(v, cb, class)
		counts := countEntities(v)
		out := make([]entityJSON, len(es))
		for i, e := range es {
			out[i] = toEntityJSON(e, counts)
		}
		if c.Bool("json") {
			return writeJSON(c.App.Writer, out)
		}
		t := newTable("ID", "TYPE", "NAME", "MENTIONS", "ASSERTIONS")
		for _, e := range out {
			t.add(e.ID, e.Type, e.Name, strconv.Itoa(e.Mentions), strconv.Itoa(e.Assertions))
		}
		if err := t.write(c.App.Writer, style{useColor(c.App.Writer)}, 40); err != nil {
			return err
		}
		printf(c.App.Writer, "%s\n", nounCount(len(out), "entity"))
		return nil
	})
}

func entityShowAction(c *cli.Context) error {
	if err := needArgs(c, 1, 1, "ID [--json]"); err != nil {
		return err
	}
	id := c.Args().First()
	return withProject(c, project.ReadOnly, func(p *project.Project) error {
		v, err := p.View(false)
		if err != nil {
			return err
		}
		e, err := coding.FindEntityRef(v, id)
		if err != nil {
			return showRemoved(c, v, id, err)
		}
		id := e.ID
		q := p.EvidenceQuoter()
		out := entityShowJSON{entityJSON: toEntityJSON(e, countEntities(v)), MentionList: []mentionJSON{}, Out: []assertionJSON{}, In: []assertionJSON{}}
		for _, m := range coding.MentionsOf(v, id) {
			out.MentionList = append(out.MentionList, mentionJSON{m.ID, m.Doc, m.Start, m.End, q.Quote(m.Span), m.Coder, m.Created})
		}
		for _, a := range coding.FilterAssertions(v, coding.AssertionFilter{Entity: id}) {
			if a.Subject == id {
				out.Out = append(out.Out, toAssertionJSON(a, q.Quote))
			} else {
				out.In = append(out.In, toAssertionJSON(a, q.Quote))
			}
		}
		if err := q.Err(); err != nil {
			return err
		}
		if c.Bool("json") {
			return writeJSON(c.App.Writer, out)
		}
		return writeEntity(newGraphPrinter(c, p), out)
	})
}

func writeEntity(pr *graphPrinter, e entityShowJSON) error {
	w, st := pr.w, pr.st
	printf(w, "%s  %s  (%s)\n", st.bold(e.ID), e.Name, e.Type)
	if len(e.Aliases) > 0 {
		printf(w, "aliases: %s\n", strings.Join(e.Aliases, ", "))
	}
	if len(e.Attrs) > 0 {
		printf(w, "attributes: %s\n", keyValues(e.Attrs))
	}
	printf(w, "\nMentions (%d)\n", len(e.MentionList))
	for _, m := range e.MentionList {
		printf(w, "  %s  %s\n", st.dim(pr.span(m.Doc, m.Start, m.End)), quoted(m.Text))
	}
	for _, part := range []struct {
		head string
		as   []assertionJSON
	}{{"Assertions out", e.Out}, {"Assertions in", e.In}} {
		printf(w, "\n%s (%d)\n", part.head, len(part.as))
		for _, a := range part.as {
			pr.assertion(a, true, "  ")
		}
	}
	return nil
}

func keyValues(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + m[k]
	}
	return strings.Join(parts, " ")
}

// quoted puts a quote on one line between quotation marks.
func quoted(s string) string { return "“" + oneLine(s) + "”" }

// statement writes an assertion as a sentence: "chen lobbies assoc".
func statement(subject, relation, object string) string {
	if c, ok := coding.IsConcept(object); ok {
		object = c
	}
	return subject + " " + relation + " " + object
}

// shortID is the first 8 characters of an id, as tables show it; retract
// and memo add accept such a prefix.
func shortID(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}

// graphPrinter writes the graph commands' output for people: colour on a
// terminal, documents by name.
type graphPrinter struct {
	w     io.Writer
	st    style
	names map[string]string // document id -> name; nil until needed
	p     *project.Project
	ctx   context.Context // the command's
}

func newGraphPrinter(c *cli.Context, p *project.Project) *graphPrinter {
	return &graphPrinter{w: c.App.Writer, st: style{useColor(c.App.Writer)}, p: p, ctx: c.Context}
}

// span writes NAME:START-END, as assert --evidence takes it. The names
// are read on first use (project.DocNames); the id stands in for a name
// that cannot be read.
func (pr *graphPrinter) span(doc string, start, end int) string {
	if pr.names == nil {
		pr.names, _ = pr.p.DocNames(pr.ctx)
	}
	name, ok := pr.names[doc]
	if !ok {
		name = doc
	}
	return fmt.Sprintf("%s:%d-%d", name, start, end)
}

// assertion prints one assertion on a line (and, with quotes, one line per
// evidence span).
func (pr *graphPrinter) assertion(a assertionJSON, quotes bool, indent string) {
	w, st := pr.w, pr.st
	var notes []string
	if a.Practice != "" {
		notes = append(notes, a.Practice)
	}
	if a.Phase != "" {
		notes = append(notes, a.Phase)
	}
	if a.Polarity != string(coding.Positive) {
		notes = append(notes, a.Polarity)
	}
	if a.Confidence != 1 {
		notes = append(notes, "confidence "+strconv.FormatFloat(a.Confidence, 'g', -1, 64))
	}
	notes = append(notes, "by "+a.Coder)
	line := statement(a.Subject, a.Relation, a.Object)
	if a.Retracted {
		line = st.red("[retracted] ") + line
	}
	printf(w, "%s%s  %s  %s\n", indent, st.dim(shortID(a.ID)), line, st.dim("("+strings.Join(notes, ", ")+")"))
	if quotes {
		for _, e := range a.Evidence {
			printf(w, "%s    %s  %s\n", indent, st.dim(pr.span(e.Doc, e.Start, e.End)), quoted(e.Text))
		}
	}
}

func assertAction(c *cli.Context) error {
	const usage = "SUBJECT RELATION OBJECT --evidence DOC:START-END [--evidence ...] [--practice P] [--phase F] [--polarity positive|negative] [--confidence 0..1] [--memo TEXT]"
	if err := needArgs(c, 3, 3, usage); err != nil {
		return err
	}
	args := c.Args().Slice()
	opt := assertOptions{
		Assertion: coding.Assertion{Subject: args[0], Relation: args[1], Object: args[2],
			Practice: c.String("practice"), Phase: c.String("phase"), Polarity: coding.Polarity(c.String("polarity")),
			Confidence: c.Float64("confidence"), Memo: c.String("memo")},
		By: whoAmI(c),
	}
	var evidence []string
	if r, ok := c.Generic("evidence").(*repeated); ok {
		evidence = *r
	}
	for _, s := range evidence {
		sp, err := parseEvidenceSpan(s)
		if doc, text, ok := strings.Cut(s, ":"); err != nil && ok && doc != "" && text != "" && !spanLike(s) {
			// DOC:TEXT, a quote.
			opt.Quotes = append(opt.Quotes, service.QuoteRef{Doc: doc, Text: text})
			continue
		}
		if err != nil {
			return err
		}
		opt.Assertion.Evidence = append(opt.Assertion.Evidence, sp)
	}
	if len(opt.Assertion.Evidence)+len(opt.Quotes) == 0 {
		return usagef("assert: give at least one --evidence DOC:START-END (usage: qualgraph assert %s)", usage)
	}
	return withProject(c, project.ReadWrite, func(p *project.Project) error {
		a, err := service.New(p).Assert(c.Context, opt.By, service.AssertOptions{Assertion: opt.Assertion, EvidenceQuotes: opt.Quotes})
		if err != nil {
			return docHint(err)
		}
		pr := newGraphPrinter(c, p)
		if a.Existing {
			printf(pr.w, "Already asserted by %s as %s: nothing written\n", a.Coder, a.ID)
		} else {
			printf(pr.w, "Asserted %s\n", a.ID)
		}
		js := toAssertionJSON(a.Assertion, func(coding.Span) string { return "" })
		for i := range js.Evidence {
			js.Evidence[i].Text = a.Quotes[i]
		}
		pr.assertion(js, true, "  ")
		return nil
	})
}

func retractAction(c *cli.Context) error {
	if err := needArgs(c, 1, 1, "ID [--reason TEXT]"); err != nil {
		return err
	}
	o, by := service.RetractOptions{Ref: c.Args().First(), Reason: c.String("reason")}, whoAmI(c)
	return withProject(c, project.ReadWrite, func(p *project.Project) error {
		a, err := service.New(p).Retract(c.Context, by, o)
		if err != nil {
			return err
		}
		printf(c.App.Writer, "Retracted %s: %s\n", a.ID, statement(a.Subject, a.Relation, a.Object))
		return nil
	})
}

func assertionsAction(c *cli.Context) error {
	if err := needArgs(c, 0, 0, "[--entity E] [--relation R] [--evidence] [--json]"); err != nil {
		return err
	}
	f := coding.AssertionFilter{Entity: c.String("entity"), Relation: c.String("relation")}
	return withProject(c, project.ReadOnly, func(p *project.Project) error {
		v, err := p.ViewOf(kg.PartEntities | kg.PartAssertions)
		if err != nil {
			return err
		}
		if _, concept := coding.IsConcept(f.Entity); f.Entity != "" && !concept {
			if _, err := coding.FindEntity(v, f.Entity); err != nil {
				return err
			}
		}
		if f.Relation != "" {
			if err := checkRelation(p, f.Relation); err != nil {
				return err
			}
		}
		q := p.EvidenceQuoter()
		quote := q.Quote
		if !c.Bool("json") && !c.Bool("evidence") {
			quote = func(coding.Span) string { return "" }
		}
		as := coding.FilterAssertions(v, f)
		out := make([]assertionJSON, len(as))
		for i, a := range as {
			out[i] = toAssertionJSON(a, quote)
		}
		if err := q.Err(); err != nil {
			return err
		}
		if c.Bool("json") {
			return writeJSON(c.App.Writer, out)
		}
		pr := newGraphPrinter(c, p)
		retracted := 0
		for _, a := range out {
			pr.assertion(a, c.Bool("evidence"), "")
			if a.Retracted {
				retracted++
			}
		}
		printf(pr.w, "%s (%d retracted)\n", nounCount(len(out), "assertion"), retracted)
		return nil
	})
}

func checkRelation(p *project.Project, rel string) error {
	cb, err := p.Codebook()
	if err != nil {
		return err
	}
	return coding.LinkFilter{Relation: rel}.Check(cb)
}

func memoAddAction(c *cli.Context) error {
	if err := needArgs(c, 2, -1, "TARGET TEXT"); err != nil {
		return err
	}
	args := c.Args().Slice()
	o, by := service.MemoOptions{Target: args[0], Text: strings.Join(args[1:], " ")}, whoAmI(c)
	return withProject(c, project.ReadWrite, func(p *project.Project) error {
		m, err := service.New(p).AddMemo(c.Context, by, o)
		if err != nil {
			return err
		}
		printf(c.App.Writer, "Memo %s on %s\n", m.ID, m.Target)
		return nil
	})
}

func memosAction(c *cli.Context) error {
	if err := needArgs(c, 0, 0, "[--target T] [--json]"); err != nil {
		return err
	}
	target := c.String("target")
	return withProject(c, project.ReadOnly, func(p *project.Project) error {
		v, err := p.ViewOf(kg.PartMemos)
		if err != nil {
			return err
		}
		if target != "" {
			// A prefix names its target in full; a target that no
			// longer resolves is still matched as given.
			resolved, err := p.MemoTarget(c.Context, target)
			if errors.Is(err, coding.ErrAmbiguousID) {
				return err
			} else if err == nil {
				target = resolved
			} else if target, err = memoTargetOf(v.Memos, target); err != nil {
				return err
			}
		}
		out := []coding.Memo{}
		for _, m := range v.Memos {
			_, id, _ := strings.Cut(m.Target, ":")
			if target == "" || m.Target == target || id == target {
				out = append(out, m)
			}
		}
		if c.Bool("json") {
			return writeJSON(c.App.Writer, out)
		}
		w := c.App.Writer
		st := style{useColor(w)}
		for _, m := range out {
			printf(w, "%s  %s  %s %s\n  %s\n", st.dim(shortID(m.ID)), st.bold(m.Target), m.Author,
				st.dim(m.Created.Local().Format(time.DateTime)), oneLine(m.Text))
		}
		printf(w, "%s\n", nounCount(len(out), "memo"))
		return nil
	})
}

// memoTargetOf returns the target of memos that ref names, as given or
// as a unique prefix (4 characters or more) of its id, for a target that
// no longer exists (a coding removed); ref itself if none does.
func memoTargetOf(memos []coding.Memo, ref string) (string, error) {
	var targets []string
	for _, m := range memos {
		_, id, _ := strings.Cut(m.Target, ":")
		if m.Target == ref || id == ref {
			return m.Target, nil
		}
		if len(ref) >= 4 && (strings.HasPrefix(id, ref) || strings.HasPrefix(m.Target, ref)) && !slices.Contains(targets, m.Target) {
			targets = append(targets, m.Target)
		}
	}
	switch len(targets) {
	case 0:
		return ref, nil
	case 1:
		return targets[0], nil
	}
	return "", &coding.AmbiguousError{What: "memo target", Prefix: ref, Candidates: targets}
}

func logAction(c *cli.Context) error {
	if err := needArgs(c, 0, 0, "[--json]"); err != nil {
		return err
	}
	return withProject(c, project.ReadOnly, func(p *project.Project) error {
		v, err := p.ViewOf(kg.PartChanges)
		if err != nil {
			return err
		}
		changes := v.Changes
		if changes == nil {
			changes = []coding.Change{}
		}
		if c.Bool("json") {
			return writeJSON(c.App.Writer, changes)
		}
		t := newTable("WHEN", "WHO", "OP", "DETAIL")
		for _, ch := range changes {
			t.add(ch.At.Local().Format(time.DateTime), ch.By, ch.Op, ch.Detail)
		}
		if err := t.write(c.App.Writer, style{useColor(c.App.Writer)}, 80); err != nil {
			return err
		}
		printf(c.App.Writer, "%s\n", nounCount(len(changes), "change"))
		return nil
	})
}

func linksAction(c *cli.Context) error {
	if err := needArgs(c, 0, 0, "[--from CLASS] [--to CLASS] [--relation R] [--practice P] [--phase F] [--attr KEY=VALUE]... [--coder X] [--evidence] [--json]"); err != nil {
		return err
	}
	opt := linksOptions{
		Filter: coding.LinkFilter{From: c.String("from"), To: c.String("to"), Relation: c.String("relation"),
			Practice: c.String("practice"), Phase: c.String("phase"), Coder: c.String("coder")},
		Evidence: c.Bool("evidence"), JSON: c.Bool("json"),
	}
	if attrs := c.StringSlice("attr"); len(attrs) > 0 {
		// Canonical values, as the graph stores them: year=2023.0 is 2023.
		opt.Filter.Attrs = map[string]string{}
		for _, s := range attrs {
			k, a, err := corpus.ParseAttr(s)
			if err != nil {
				return usagef("--attr: %v", err)
			}
			opt.Filter.Attrs[k] = a.Value
		}
	}
	return withProject(c, project.ReadOnly, func(p *project.Project) error {
		links, err := service.New(p).Links(c.Context, service.LinksOptions{Filter: opt.Filter, Quotes: opt.JSON || opt.Evidence})
		if err != nil {
			return err
		}
		if opt.JSON {
			return writeJSONList(c.App.Writer, links, (*coding.Link).AppendJSON)
		}
		if err := writeLinks(newGraphPrinter(c, p), links, opt.Evidence); err != nil {
			return err
		}
		if opt.Filter.Coder != "" {
			printCoders(c.App.Writer, []string{opt.Filter.Coder})
		}
		return nil
	})
}

func writeLinks(pr *graphPrinter, links []coding.Link, evidence bool) error {
	w, st := pr.w, pr.st
	if !evidence {
		t := newTable("SUBJECT", "RELATION", "OBJECT", "ASSERTIONS", "DOCS", "CODERS", "PRACTICES")
		for _, l := range links {
			t.add(l.Subject, l.Relation, l.Object, strconv.Itoa(l.Assertions), strconv.Itoa(l.Documents),
				strconv.Itoa(l.Coders), strings.Join(l.Practices, ", "))
		}
		if err := t.write(w, st, 40); err != nil {
			return err
		}
	} else {
		for _, l := range links {
			printf(w, "%s  %s\n", st.bold(statement(l.Subject, l.Relation, l.Object)),
				st.dim(fmt.Sprintf("(%s → %s; %s, %s, %s%s)", l.SubjectType, l.ObjectType, nounCount(l.Assertions, "assertion"),
					nounCount(l.Documents, "document"), nounCount(l.Coders, "coder"), practiceNote(l.Practices))))
			for _, e := range l.Evidence {
				printf(w, "  %s  %s  %s\n", st.dim(shortID(e.Assertion)), st.dim(pr.span(e.Doc, e.Start, e.End)), quoted(e.Text))
			}
		}
	}
	printf(w, "%s\n", nounCount(len(links), "link"))
	return nil
}

// writeJSONList writes xs as writeJSON would, appending each element with
// appendJSON, which must append what encoding/json would: the large
// listings (links, neighbors) spent most of their time encoding
// otherwise.
func writeJSONList[T any](w io.Writer, xs []T, appendJSON func(*T, []byte) []byte) error {
	if xs == nil {
		return writeJSON(w, xs)
	}
	return writeJSONSeq(w, func(yield func(*T) bool) {
		for i := range xs {
			if !yield(&xs[i]) {
				return
			}
		}
	}, appendJSON, nil)
}

// writeJSONSeq writes the elements of seq as a JSON array, as
// writeJSONList does. For a program it writes in pieces as it goes; for a
// person at a terminal it indents the whole. If check is not nil, it is
// called when the first element has come and when seq is done, and an
// error it returns is returned before anything more is written: an error
// in computing the elements (a quote that could not be read) fails the
// command with no output, as long as seq meets it before its first
// element (coding.LinksSeq quotes every span before).
func writeJSONSeq[T any](w io.Writer, seq iter.Seq[*T], appendJSON func(*T, []byte) []byte, check func() error) error {
	const piece = 64 << 10
	if check == nil {
		check = func() error { return nil }
	}
	indent := isTerminal(w)
	b := make([]byte, 0, 2*piece)
	b = append(b, '[')
	var err error
	n := 0
	for x := range seq {
		if n == 0 {
			if err = check(); err != nil {
				break
			}
		} else {
			b = append(b, ',')
		}
		n++
		b = appendJSON(x, b)
		if !indent && len(b) >= piece {
			if _, err = w.Write(b); err != nil {
				break
			}
			b = b[:0]
		}
	}
	if err == nil {
		err = check()
	}
	if err != nil {
		return err
	}
	b = append(b, ']', '\n')
	if indent {
		var ind bytes.Buffer
		if err := json.Indent(&ind, b, "", "  "); err != nil {
			return err
		}
		b = ind.Bytes()
	}
	_, err = w.Write(b)
	return err
}

// nounCount writes "1 link", "2 links", "2 entities", "2 aliases".
func nounCount(n int, noun string) string {
	switch {
	case n == 1:
		return "1 " + noun
	case strings.HasSuffix(noun, "y"):
		return strconv.Itoa(n) + " " + noun[:len(noun)-1] + "ies"
	case strings.HasSuffix(noun, "s"):
		return strconv.Itoa(n) + " " + noun + "es"
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

func practiceNote(ps []string) string {
	if len(ps) == 0 {
		return ""
	}
	return "; " + strings.Join(ps, ", ")
}

func neighborsAction(c *cli.Context) error {
	if err := needArgs(c, 1, 1, "ENTITY [--depth N] [--json]"); err != nil {
		return err
	}
	entity, depth := c.Args().First(), c.Int("depth")
	if depth < 1 {
		return usagef("--depth %d: want 1 or more", depth)
	}
	return withProject(c, project.ReadOnly, func(p *project.Project) error {
		ns, err := service.New(p).Neighbors(c.Context, service.NeighborsOptions{Entity: entity, Depth: depth})
		if err != nil {
			return err
		}
		if c.Bool("json") {
			return writeJSONList(c.App.Writer, ns, (*coding.Neighbor).AppendJSON)
		}
		t := newTable("DIST", "ENTITY", "TYPE", "EDGE", "ASSERTIONS")
		for _, n := range ns {
			t.add(strconv.Itoa(n.Distance), n.Entity, n.Type, edgeStatement(n.Via, n.Relation, n.Entity, n.Direction), shortIDs(n.Assertions))
		}
		if err := t.write(c.App.Writer, style{useColor(c.App.Writer)}, 60); err != nil {
			return err
		}
		printf(c.App.Writer, "%s to %s within %s of %s\n", nounCount(len(ns), "edge"), nounCount(distinctEntities(ns), "node"), nounCount(depth, "step"), entity)
		return nil
	})
}

// edgeStatement writes the edge from a to b as the assertion states it.
func edgeStatement(a, rel, b, dir string) string {
	if dir == coding.DirIn {
		return statement(b, rel, a)
	}
	return statement(a, rel, b)
}

func shortIDs(ids []string) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = shortID(id)
	}
	return strings.Join(s, " ")
}

func distinctEntities(ns []coding.Neighbor) int {
	seen := map[string]bool{}
	for _, n := range ns {
		seen[n.Type+"\x00"+n.Entity] = true
	}
	return len(seen)
}

func pathAction(c *cli.Context) error {
	if err := needArgs(c, 2, 2, "FROM TO [--json]"); err != nil {
		return err
	}
	from, to := c.Args().Get(0), c.Args().Get(1)
	return withProject(c, project.ReadOnly, func(p *project.Project) error {
		steps, err := service.New(p).Path(c.Context, service.PathOptions{From: from, To: to})
		if err != nil {
			return err
		}
		if c.Bool("json") {
			return writeJSON(c.App.Writer, steps)
		}
		w := c.App.Writer
		st := style{useColor(w)}
		for _, s := range steps {
			printf(w, "%s  %s\n", edgeStatement(s.From, s.Relation, s.To, s.Direction), st.dim("["+shortIDs(s.Assertions)+"]"))
		}
		printf(w, "%s from %s to %s\n", nounCount(len(steps), "step"), from, to)
		return nil
	})
}

func queryAction(c *cli.Context) error {
	if c.NArg() == 0 {
		return usagef(`usage: qualgraph query 'GIZMO' [--limit N], e.g. qualgraph query 'g.V("<qg:entity/lin>").Out().All()'`)
	}
	script := strings.Join(c.Args().Slice(), " ")
	return withProject(c, project.ReadOnly, func(p *project.Project) error {
		if err := catchUpGraph(c, p); err != nil {
			return err
		}
		ctx, cancel := context.WithTimeout(c.Context, c.Duration("timeout"))
		defer cancel()
		res, err := service.New(p).Query(ctx, service.QueryOptions{Script: script, Limit: c.Int("limit")})
		if err != nil {
			return err
		}
		if err := noteGraphLag(c, p); err != nil {
			return err
		}
		return writeJSON(c.App.Writer, res)
	})
}

// catchUpGraph brings the graph, which Gizmo queries and RDF exports
// read, up to the record when it lags (after bulk work, or a writer killed
// before it applied its changes to the graph), with a progress bar.
func catchUpGraph(c *cli.Context, p *project.Project) error {
	graph, proj, err := p.GraphLag()
	if err != nil || graph.Seq >= proj.Seq {
		return err
	}
	bar := newProgress(c.App.ErrWriter, "graph", "entries")
	defer bar.done()
	return p.SyncGraph(bar.set)
}

// noteGraphLag says on stderr when the graph, which Gizmo queries and RDF
// exports read, has not yet applied everything the other commands see
// (bulk work that a writer is still applying).
func noteGraphLag(c *cli.Context, p *project.Project) error {
	graph, proj, err := p.GraphLag()
	if err != nil {
		return err
	}
	if graph.Seq < proj.Seq {
		printf(c.App.ErrWriter, "qualgraph: answered as of change %d: the graph has not yet applied changes %d to %d (another process is applying them)\n", graph.Seq, graph.Seq+1, proj.Seq)
	}
	return nil
}
