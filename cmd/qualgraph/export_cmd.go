package main

// The export command: codings as tables (csv, jsonl, xlsx; package
// coding/export), the entity graph (graphml, gexf, dot), the whole graph
// as RDF (nquads, jsonld; package kg) and REFI-QDA (qdpx, qdc; package
// project), through service.Export.

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/qualgraph/qualgraph/project"
	"github.com/qualgraph/qualgraph/service"
)

// exportFormats lists the formats of the export command, in help order.
var exportFormats = service.ExportFormats

func exportCommands() []*cli.Command {
	return []*cli.Command{{
		Name:      "export",
		Usage:     "export codings, the entity graph or the whole graph for R, pandas, Excel, Gephi, RDF tools and QDA software",
		ArgsUsage: "FORMAT OUT",
		Description: `FORMAT is one of
     csv      one row per coding: document, every document attribute, code, code
              path, coder, span, time and quote (UTF-8, RFC 4180; --bom for Excel)
     jsonl    the same rows as JSON Lines
     xlsx     an Excel workbook: codings, assertions, entities, codebook, documents
     graphml  the entity graph: entities as nodes, assertions as edges (yEd, Cytoscape)
     gexf     the entity graph for Gephi
     dot      the entity graph for Graphviz
     nquads   the whole graph as RDF N-Quads, with provenance (every quad's label)
     jsonld   the whole graph as JSON-LD
     qdpx     a REFI-QDA project (NVivo, ATLAS.ti, MAXQDA, QualCoder)
     qdc      the codebook as REFI-QDA
   OUT is a file, written whole or not at all; - writes to standard output.
   --code, --doc and --coder narrow the codings (--code takes subcodes too);
   --doc and --coder also narrow assertions. nquads, jsonld and qdc are whole.
   qdpx positions count code points, as the standard says; --positions utf16
   counts UTF-16 code units, as NVivo does, for files bound for NVivo.`,
		Flags: []cli.Flag{
			&cli.StringSliceFlag{Name: "code", Usage: "only codings with `CODE` or a subcode, repeatable"},
			&cli.StringSliceFlag{Name: "doc", Usage: "only document `DOC` (id or name), repeatable"},
			&cli.StringSliceFlag{Name: "coder", Usage: "only codings and assertions by `NAME`, repeatable"},
			&cli.BoolFlag{Name: "bom", Usage: "csv: start with a UTF-8 byte order mark, for Excel"},
			&cli.StringFlag{Name: "positions", Usage: "qdpx: count selection positions in `UNIT`: codepoints (the standard's, default) or utf16 (NVivo's, for files bound for NVivo)"},
			jsonFlag,
		},
		Action: exportAction,
	}}
}

// exportOptions are the arguments and flags of export.
type exportOptions struct {
	Format, Out         string
	Codes, Docs, Coders []string
	BOM, JSON           bool
	Positions           string // qdpx: codepoints or utf16
}

// exportJSON is the JSON shape of export --json: what was written.
type exportJSON struct {
	Format     string `json:"format"`
	Out        string `json:"out"`
	Codings    int    `json:"codings"`
	Assertions int    `json:"assertions"`
	Entities   int    `json:"entities"`
	Documents  int    `json:"documents"`
	Quads      int    `json:"quads"`
	// Concepts and Retracted, for graphml, gexf and dot, are concept
	// nodes and retracted assertions left out: for the message only,
	// so that the JSON keys stay those of the README's contract.
	Concepts  int `json:"-"`
	Retracted int `json:"-"`
}

func exportAction(c *cli.Context) error {
	const usage = "FORMAT OUT [--code C] [--doc D] [--coder X] [--bom] [--positions codepoints|utf16] [--json] (FORMAT: csv, jsonl, xlsx, graphml, gexf, dot, nquads, jsonld, qdpx, qdc)"
	if err := needArgs(c, 2, 2, usage); err != nil {
		return err
	}
	o := exportOptions{Format: strings.ToLower(c.Args().Get(0)), Out: c.Args().Get(1),
		Codes: c.StringSlice("code"), Docs: c.StringSlice("doc"), Coders: c.StringSlice("coder"), BOM: c.Bool("bom"), JSON: c.Bool("json"),
		Positions: c.String("positions")}
	filtered := len(o.Codes)+len(o.Docs)+len(o.Coders) > 0
	switch {
	case !slices.Contains(exportFormats, o.Format):
		return usagef("export: unknown format %q (want one of %s)", c.Args().Get(0), strings.Join(exportFormats, ", "))
	case filtered && (o.Format == "nquads" || o.Format == "jsonld" || o.Format == "qdc"):
		return usagef("export %s writes the whole graph or codebook; --code, --doc and --coder do not apply", o.Format)
	case len(o.Codes) > 0 && o.Format == "qdpx":
		return usagef("export qdpx: --code does not apply (a REFI-QDA project holds the whole codebook); use --doc or --coder")
	case o.BOM && o.Format != "csv":
		return usagef("--bom applies to csv only")
	case o.Positions != "" && o.Format != "qdpx":
		return usagef("--positions applies to qdpx only")
	case o.Positions != "" && o.Positions != "codepoints" && o.Positions != "utf16":
		return usagef("export qdpx: unknown --positions %q (want codepoints or utf16)", o.Positions)
	case o.Out == "":
		return usagef("usage: qualgraph export %s", usage)
	}
	so := service.ExportOptions{Format: o.Format, Codes: o.Codes, Docs: o.Docs, Coders: o.Coders, BOM: o.BOM, Positions: o.Positions}
	return withProject(c, project.ReadOnly, func(p *project.Project) error {
		if o.Format == "nquads" || o.Format == "jsonld" {
			if err := catchUpGraph(c, p); err != nil {
				return err
			}
		}
		e, err := service.New(p).Export(c.Context, so)
		if err != nil {
			return docHint(err)
		}
		write := func(w io.Writer) error { return e.Write(c.Context, w) }
		if o.Out == "-" {
			err = write(c.App.Writer)
		} else {
			err = writeFileAtomic(o.Out, write)
		}
		if err != nil {
			return err
		}
		if o.Format == "nquads" || o.Format == "jsonld" {
			if err := noteGraphLag(c, p); err != nil {
				return err
			}
		}
		res := exportJSON{Format: o.Format, Out: o.Out, Codings: e.Codings, Assertions: e.Assertions,
			Entities: e.Entities, Documents: e.Documents, Quads: e.Quads, Concepts: e.Concepts, Retracted: e.Retracted}
		if o.JSON {
			out := c.App.Writer
			if o.Out == "-" {
				out = c.App.ErrWriter
			}
			return writeJSON(out, res)
		}
		if o.Out != "-" {
			printf(c.App.Writer, "Exported %s to %s\n", exportSummary(res), o.Out)
		}
		return nil
	})
}

func exportSummary(r exportJSON) string {
	switch r.Format {
	case "nquads", "jsonld":
		return fmt.Sprintf("%d quads (%s)", r.Quads, r.Format)
	case "qdpx":
		return "the project (REFI-QDA qdpx)"
	case "qdc":
		return "the codebook (REFI-QDA qdc)"
	case "graphml", "gexf", "dot":
		s := fmt.Sprintf("the entity graph: %s", nounCount(r.Entities, "entity"))
		if r.Concepts > 0 {
			s += fmt.Sprintf(" and %s", nounCount(r.Concepts, "concept"))
		}
		s += fmt.Sprintf(", %s", nounCount(r.Assertions, "assertion"))
		if r.Retracted > 0 {
			s += fmt.Sprintf(" (%d retracted left out)", r.Retracted)
		}
		return s + " (" + r.Format + ")"
	}
	return fmt.Sprintf("%d codings from %d documents (%s)", r.Codings, r.Documents, r.Format)
}

// writeFileAtomic writes name through fn into a temporary file beside it,
// synced and renamed over name only when fn succeeded: a failed or killed
// export leaves no partial file.
func writeFileAtomic(name string, fn func(io.Writer) error) (err error) {
	dir := filepath.Dir(name)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return fmt.Errorf("write %s: the folder %s does not exist", name, dir)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(name)+".tmp*")
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<16)
	if err = fn(bw); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Chmod(tmp, 0o644); err != nil {
		return err
	}
	if err = os.Rename(tmp, name); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}
