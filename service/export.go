package service

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/qualgraph/qualgraph/coding/export"
	"github.com/qualgraph/qualgraph/coding/refiqda"
	"github.com/qualgraph/qualgraph/corpus"
	"github.com/qualgraph/qualgraph/kg"
	"github.com/qualgraph/qualgraph/project"
)

// ExportFormats lists the formats of Export, in help order.
var ExportFormats = []string{"csv", "jsonl", "xlsx", "graphml", "gexf", "dot", "nquads", "jsonld", "qdpx", "qdc"}

// ExportOptions are the options of Export.
type ExportOptions struct {
	Format string // one of ExportFormats
	// Codes (with subcodes), Docs (ids or names) and Coders narrow the
	// codings; Docs and Coders also narrow assertions. nquads, jsonld and
	// qdc are whole; qdpx takes no Codes.
	Codes, Docs, Coders []string
	BOM                 bool // csv: start with a UTF-8 byte order mark
	// Positions is how qdpx counts selection positions: "codepoints" (or
	// empty), as the standard says, or "utf16", as NVivo does.
	Positions string
}

// Export is an export ready to write: its data are read and selected.
type Export struct {
	s    *Service
	o    ExportOptions
	data *export.Data // the table and graph formats
	// What is written; Quads is known once Write is done. For the graph
	// formats (graphml, gexf, dot) Assertions are the edges (retracted
	// assertions left out), Entities and Concepts the nodes.
	Codings, Assertions, Entities, Documents, Quads int
	Concepts                                        int // graph formats: concept nodes
	// Retracted are the retracted assertions that a graph format leaves
	// out.
	Retracted int
}

// Export reads and selects what format o.Format needs. Writing it is
// Export.Write's business.
func (s *Service) Export(ctx context.Context, o ExportOptions) (*Export, error) {
	o.Format = strings.ToLower(o.Format)
	filtered := len(o.Codes)+len(o.Docs)+len(o.Coders) > 0
	switch {
	case !slices.Contains(ExportFormats, o.Format):
		return nil, &OptionError{Option: "format", Value: o.Format, Want: "one of " + strings.Join(ExportFormats, ", ")}
	case filtered && (o.Format == "nquads" || o.Format == "jsonld" || o.Format == "qdc"):
		return nil, fmt.Errorf("export %s writes the whole graph or codebook: no codes, documents or coders to narrow it", o.Format)
	case len(o.Codes) > 0 && o.Format == "qdpx":
		return nil, fmt.Errorf("export qdpx holds the whole codebook: no codes to narrow it")
	case o.BOM && o.Format != "csv":
		return nil, fmt.Errorf("export %s: a byte order mark applies to csv only", o.Format)
	case o.Positions != "" && o.Format != "qdpx":
		return nil, fmt.Errorf("export %s: positions apply to qdpx only", o.Format)
	case o.Positions != "" && o.Positions != string(refiqda.PositionsCodePoints) && o.Positions != string(refiqda.PositionsUTF16):
		return nil, &OptionError{Option: "positions", Value: o.Positions, Want: "codepoints or utf16"}
	}
	e := &Export{s: s, o: o}
	switch o.Format {
	case "nquads", "jsonld", "qdpx", "qdc":
		return e, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	d, err := s.exportData(ctx, o)
	if err != nil {
		return nil, err
	}
	e.data = d
	e.Codings, e.Assertions, e.Entities, e.Documents = len(d.View.Codings), len(d.View.Assertions), len(d.View.Entities), len(d.Docs)
	switch o.Format {
	case "graphml", "gexf", "dot":
		// What the file holds: the entity graph.
		g := export.EntityGraph(d)
		e.Assertions, e.Entities, e.Retracted = len(g.Edges), 0, len(d.View.Assertions)-len(g.Edges)
		for _, n := range g.Nodes {
			if n.Kind == export.KindConcept {
				e.Concepts++
			} else {
				e.Entities++
			}
		}
	}
	return e, nil
}

// Write writes the export to w.
func (e *Export) Write(ctx context.Context, w io.Writer) error {
	s, o := e.s, e.o
	if err := ctx.Err(); err != nil {
		return err
	}
	switch o.Format {
	case "nquads", "jsonld":
		return s.p.ReadGraph(func(g *kg.Store) error {
			var err error
			if o.Format == "nquads" {
				e.Quads, err = g.WriteNQuads(ctx, w)
			} else {
				e.Quads, err = g.WriteJSONLD(ctx, w)
			}
			return err
		})
	case "qdpx":
		return s.p.ExportQDPXWith(w, project.ExportFilter{Docs: o.Docs, Coders: o.Coders},
			refiqda.WriteOptions{Positions: refiqda.Positions(o.Positions)})
	case "qdc":
		return s.p.ExportQDC(w)
	case "csv":
		return export.WriteCSV(w, e.data, export.CSVOptions{BOM: o.BOM})
	case "jsonl":
		return export.WriteJSONL(w, e.data)
	case "xlsx":
		return export.WriteXLSX(w, e.data)
	case "graphml":
		return export.WriteGraphML(w, e.data)
	case "gexf":
		return export.WriteGEXF(w, e.data)
	}
	return export.WriteDOT(w, e.data)
}

// exportData reads what the table and graph exports need and applies the
// filters. Tables get the documents' text (for quotes) and segments.
func (s *Service) exportData(ctx context.Context, o ExportOptions) (*export.Data, error) {
	a, err := s.loadAnalysis(ctx, true)
	if err != nil {
		return nil, err
	}
	v, cb, docs := a.view, a.cb, a.docs
	docIDs, err := s.resolveDocs(ctx, o.Docs)
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
			if full[i], err = s.p.Document(ctx, d.ID); err != nil {
				return nil, err
			}
		}
		docs = full
	}
	d := &export.Data{View: v, Docs: docs, Codebook: cb}
	return d.Select(export.Filter{Codes: o.Codes, Docs: docIDs, Coders: o.Coders})
}
