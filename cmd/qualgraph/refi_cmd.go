package main

// REFI-QDA import: "qualgraph import FILE.qdpx" and "qualgraph import
// FILE.qdc" (routed here by importAction), and "qualgraph ontology import
// FILE.qdc" (ontologyImportCommand), through service.ImportREFI. Export is
// the export command's, through service.Export over
// project.ExportQDPX and project.ExportQDC.

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/qualgraph/qualgraph/coding/refiqda"
	"github.com/qualgraph/qualgraph/project"
	"github.com/qualgraph/qualgraph/service"
)

// positionsFlag is the import command's --positions flag, read for .qdpx
// files only.
var positionsFlag = &cli.StringFlag{
	Name:  "positions",
	Value: string(refiqda.PositionsAuto),
	Usage: "how a .qdpx file counts selection positions: auto (NVivo: utf16, others: codepoints), codepoints or utf16",
}

// refiImportOptions are the options of a REFI-QDA import.
type refiImportOptions struct {
	service.RefiImportOptions // Kind "" infers interview or document
	By                        string
}

// hasRefiArg reports whether the import command was given a REFI-QDA
// file; importAction then hands over to refiImportAction.
func hasRefiArg(c *cli.Context) bool {
	for _, a := range c.Args().Slice() {
		if service.IsRefiFile(a) {
			return true
		}
	}
	return false
}

// refiImportAction imports one .qdpx or .qdc file into the project.
func refiImportAction(c *cli.Context) error {
	if c.NArg() != 1 {
		return usagef("import a .qdpx or .qdc file on its own: qualgraph import FILE.qdpx [--positions auto|codepoints|utf16] [--kind K] [--attr KEY=VALUE]...")
	}
	if c.IsSet("encoding") {
		return usagef("--encoding does not apply to REFI-QDA files: their texts are UTF-8 or say their encoding")
	}
	opt := refiImportOptions{By: whoAmI(c)}
	opt.File, opt.Positions = c.Args().First(), refiqda.Positions(c.String("positions"))
	switch opt.Positions {
	case refiqda.PositionsAuto, refiqda.PositionsCodePoints, refiqda.PositionsUTF16:
	default:
		return usagef("--positions: want auto, codepoints or utf16, not %q", opt.Positions)
	}
	if c.IsSet("kind") {
		opt.Kind = c.String("kind")
	}
	attrs, err := parseAttrs(c.StringSlice("attr"))
	if err != nil {
		return err
	}
	opt.Attrs = attrs
	qdc := strings.EqualFold(filepath.Ext(opt.File), ".qdc")
	if qdc && (c.IsSet("positions") || c.IsSet("kind") || len(attrs) > 0) {
		return usagef("--positions, --kind and --attr do not apply to a codebook (.qdc)")
	}
	return withProject(c, project.ReadWrite, func(p *project.Project) error {
		o := opt.RefiImportOptions
		if !qdc {
			bar := newProgress(c.App.ErrWriter, "import", "bytes")
			defer bar.done()
			o.Progress = bar.set
		}
		res, err := service.New(p).ImportREFI(c.Context, opt.By, o)
		if err != nil {
			return err
		}
		writeRefiResult(c.App.Writer, res, !qdc)
		return nil
	})
}

// ontologyImportCommand is "qualgraph ontology import FILE.qdc"; it belongs
// among the ontology command's subcommands.
func ontologyImportCommand() *cli.Command {
	return &cli.Command{
		Name:      "import",
		Usage:     "add the codes of a REFI-QDA codebook (.qdc) as emergent codes under Emergent, keeping their tree",
		ArgsUsage: "FILE.qdc",
		Description: `Codes that the codebook already has (same id, or the name as id, or the
   English label, ignoring case) are reused; the others become emergent codes
   with their colour and description. "qualgraph codebook promote" moves an
   emergent code into ontology.yaml.`,
		Flags:  []cli.Flag{&cli.StringFlag{Name: "coder", Usage: "who imports (default $QUALGRAPH_CODER, else the OS user)"}},
		Action: ontologyImportAction,
	}
}

func ontologyImportAction(c *cli.Context) error {
	if c.NArg() != 1 {
		return usagef("usage: qualgraph ontology import FILE.qdc")
	}
	opt := refiImportOptions{RefiImportOptions: service.RefiImportOptions{File: c.Args().First()}, By: whoAmI(c)}
	if !strings.EqualFold(filepath.Ext(opt.File), ".qdc") {
		return usagef("ontology import reads a REFI-QDA codebook (.qdc); import a project (.qdpx) with qualgraph import")
	}
	return withProject(c, project.ReadWrite, func(p *project.Project) error {
		res, err := service.New(p).ImportREFI(c.Context, opt.By, opt.RefiImportOptions)
		if err != nil {
			return err
		}
		writeRefiResult(c.App.Writer, res, false)
		return nil
	})
}

// writeRefiResult prints what an import did, and everything it could not
// carry over.
func writeRefiResult(w io.Writer, res *project.RefiResult, full bool) {
	st := style{useColor(w)}
	origin := res.Origin
	if origin == "" {
		origin = "origin unknown"
	}
	if full {
		printf(w, "Imported %s (%s; positions counted in %s) in %s\n", res.File, origin, res.Positions, res.Elapsed.Round(time.Millisecond))
	} else {
		printf(w, "Imported the codebook %s (%s)\n", res.File, origin)
	}
	matched, renamed := 0, 0
	for _, c := range res.Codes {
		if !c.Created {
			matched++
		}
		if c.Renamed {
			renamed++
		}
	}
	if full {
		newDocs := 0
		for _, d := range res.Documents {
			if d.New {
				newDocs++
			}
		}
		printf(w, "  documents   %d (%d new, %d already in the project)\n", len(res.Documents), newDocs, len(res.Documents)-newDocs)
	}
	printf(w, "  codes       %d (%d emergent codes created, %d renamed; %d mapped onto existing codes)\n",
		len(res.Codes), res.CodesCreated, renamed, matched)
	if full {
		printf(w, "  codings     %d (%d more already in the project)\n", res.Codings, res.CodingsPresent)
		printf(w, "  users       %d; coders: %s\n", res.Users, orNone(strings.Join(res.Coders, ", ")))
		printf(w, "  memos       %d (%d more already in the project)\n", res.Memos, res.MemosPresent)
		printf(w, "  attributes  %d values\n", res.Attributes)
		if res.Entities+res.Mentions+res.Assertions > 0 {
			printf(w, "  records     %d entities, %d mentions, %d assertions (from qualgraph's extension)\n", res.Entities, res.Mentions, res.Assertions)
		}
	}
	if len(res.Documents) > 0 {
		printf(w, "\n")
		t := newTable("SOURCE", "DOCUMENT", "ID", "", "CHARS", "CODINGS", "NORMALISED")
		for _, d := range res.Documents {
			state := "new"
			if !d.New {
				state = "existing"
			}
			name := d.Name
			if name == "" {
				name = "(unnamed)"
			}
			t.add(name, d.DocName, d.Doc, state, fmt.Sprint(d.Chars), fmt.Sprint(d.Codings), strings.Join(d.Changes, "; "))
		}
		t.write(w, st, 40)
	}
	if renamed+matched > 0 {
		printf(w, "\nCodes renamed or mapped onto existing codes:\n")
		for _, c := range res.Codes {
			switch {
			case !c.Created:
				printf(w, "  %q → %s (existing; matched by %s)\n", c.Path, c.ID, c.Matched)
			case c.Renamed:
				printf(w, "  %q → %s (new, under %s)\n", c.Path, c.ID, c.Parent)
			}
		}
	}
	if len(res.BadSelections) > 0 {
		printf(w, "\n%s:\n", st.red(fmt.Sprintf("Selections not imported (%d)", len(res.BadSelections))))
		for _, b := range res.BadSelections {
			printf(w, "  %s\n", b)
		}
	}
	if len(res.Warnings) > 0 {
		printf(w, "\n%s:\n", st.bold(fmt.Sprintf("Warnings (%d)", len(res.Warnings))))
		for _, m := range res.Warnings {
			printf(w, "  %s\n", oneLine(m))
		}
	}
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
