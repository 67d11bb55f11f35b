package main

// The export command: codings as tables (csv, jsonl, xlsx; package
// coding/export), the entity graph (graphml, gexf, dot), the whole graph
// as RDF (nquads, jsonld; package kg) and REFI-QDA (qdpx, qdc; package
// project).

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/qualgraph/qualgraph/coding/export"
	"github.com/qualgraph/qualgraph/corpus"
	"github.com/qualgraph/qualgraph/project"
)

// exportFormats lists the formats of the export command, in help order.
var exportFormats = []string{"csv", "jsonl", "xlsx", "graphml", "gexf", "dot", "nquads", "jsonld", "qdpx", "qdc"}

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
   --doc and --coder also narrow assertions. nquads, jsonld and qdc are whole.`,
		Flags: []cli.Flag{
			&cli.StringSliceFlag{Name: "code", Usage: "only codings with `CODE` or a subcode, repeatable"},
			&cli.StringSliceFlag{Name: "doc", Usage: "only document `DOC` (id or name), repeatable"},
			&cli.StringSliceFlag{Name: "coder", Usage: "only codings and assertions by `NAME`, repeatable"},
			&cli.BoolFlag{Name: "bom", Usage: "csv: start with a UTF-8 byte order mark, for Excel"},
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
}

func exportAction(c *cli.Context) error {
	const usage = "FORMAT OUT [--code C] [--doc D] [--coder X] [--bom] [--json] (FORMAT: csv, jsonl, xlsx, graphml, gexf, dot, nquads, jsonld, qdpx, qdc)"
	if err := needArgs(c, 2, 2, usage); err != nil {
		return err
	}
	o := exportOptions{Format: strings.ToLower(c.Args().Get(0)), Out: c.Args().Get(1),
		Codes: c.StringSlice("code"), Docs: c.StringSlice("doc"), Coders: c.StringSlice("coder"), BOM: c.Bool("bom"), JSON: c.Bool("json")}
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
	case o.Out == "":
		return usagef("usage: qualgraph export %s", usage)
	}
	return withProject(c, project.ReadOnly, func(p *project.Project) error {
		res := exportJSON{Format: o.Format, Out: o.Out}
		write := func(fn func(io.Writer) error) error {
			if o.Out == "-" {
				return fn(c.App.Writer)
			}
			return writeFileAtomic(o.Out, fn)
		}
		var err error
		switch o.Format {
		case "nquads", "jsonld":
			g, gerr := p.Graph()
			if gerr != nil {
				return gerr
			}
			err = write(func(w io.Writer) error {
				var n int
				var err error
				if o.Format == "nquads" {
					n, err = g.WriteNQuads(context.Background(), w)
				} else {
					n, err = g.WriteJSONLD(context.Background(), w)
				}
				res.Quads = n
				return err
			})
		case "qdpx":
			err = write(func(w io.Writer) error {
				return p.ExportQDPX(w, project.ExportFilter{Docs: o.Docs, Coders: o.Coders})
			})
		case "qdc":
			err = write(p.ExportQDC)
		default:
			var d *export.Data
			if d, err = exportData(p, o); err != nil {
				return err
			}
			res.Codings, res.Assertions, res.Entities, res.Documents = len(d.View.Codings), len(d.View.Assertions), len(d.View.Entities), len(d.Docs)
			err = write(func(w io.Writer) error {
				switch o.Format {
				case "csv":
					return export.WriteCSV(w, d, export.CSVOptions{BOM: o.BOM})
				case "jsonl":
					return export.WriteJSONL(w, d)
				case "xlsx":
					return export.WriteXLSX(w, d)
				case "graphml":
					return export.WriteGraphML(w, d)
				case "gexf":
					return export.WriteGEXF(w, d)
				}
				return export.WriteDOT(w, d)
			})
		}
		if err != nil {
			return err
		}
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
		return fmt.Sprintf("the entity graph: %d entities, %d assertions (%s)", r.Entities, r.Assertions, r.Format)
	}
	return fmt.Sprintf("%d codings from %d documents (%s)", r.Codings, r.Documents, r.Format)
}

// exportData reads what the table and graph exports need and applies the
// filters. Tables get the documents' text (for quotes) and segments.
func exportData(p *project.Project, o exportOptions) (*export.Data, error) {
	a, err := loadAnalysis(p, true)
	if err != nil {
		return nil, err
	}
	v, cb, docs := a.view, a.cb, a.docs
	docIDs, err := resolveDocs(p, o.Docs)
	if err != nil {
		return nil, err
	}
	if o.Format == "csv" || o.Format == "jsonl" || o.Format == "xlsx" {
		full := make([]*corpus.Document, len(docs))
		for i, d := range docs {
			if len(docIDs) > 0 && !slices.Contains(docIDs, d.ID) {
				full[i] = d
				continue
			}
			if full[i], err = p.Document(context.Background(), d.ID); err != nil {
				return nil, err
			}
		}
		docs = full
	}
	d := &export.Data{View: v, Docs: docs, Codebook: cb}
	return d.Select(export.Filter{Codes: o.Codes, Docs: docIDs, Coders: o.Coders})
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
