package network

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"
	"strings"

	"github.com/qualgraph/qualgraph/internal/cellsafe"
)

// EdgeCSVHeader and NodeCSVHeader are the columns of WriteEdgeCSV and
// WriteNodeCSV. Gephi's spreadsheet import recognises source, target,
// weight, id and label.
var (
	EdgeCSVHeader = []string{"source", "target", "weight", "relation", "qualifier", "positive", "negative", "via", "assertions"}
	NodeCSVHeader = []string{"id", "label", "type", "mode", "frequency"}
)

// WriteEdgeCSV writes the edge list of n as RFC 4180 CSV with the columns
// of EdgeCSVHeader, one row per edge in the order of n.Edges; list values
// (via, assertions) are joined with "|". Every column is always present,
// empty where it means nothing for the network's kind. Text that a
// spreadsheet would take for a formula (beginning with =, +, -, @, tab or
// carriage return) gets a leading single quote (package cellsafe).
func WriteEdgeCSV(w io.Writer, n *Network) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(EdgeCSVHeader); err != nil {
		return err
	}
	for _, e := range n.Edges {
		row := []string{e.Source, e.Target, formatFloat(e.Weight), e.Relation, e.Qualifier,
			strconv.Itoa(e.Positive), strconv.Itoa(e.Negative), strings.Join(e.Via, "|"), strings.Join(e.Assertions, "|")}
		for i := range row {
			row[i] = cellsafe.Text(row[i])
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteNodeCSV writes the node list of n as CSV with the columns of
// NodeCSVHeader, one row per node in the order of n.Nodes, text made safe
// as in WriteEdgeCSV.
func WriteNodeCSV(w io.Writer, n *Network) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(NodeCSVHeader); err != nil {
		return err
	}
	for _, nd := range n.Nodes {
		row := []string{nd.ID, nd.Label, nd.Type, nd.Mode, strconv.Itoa(nd.Frequency)}
		for i := range row {
			row[i] = cellsafe.Text(row[i])
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteJSON writes n as indented JSON of this stable shape, every key
// always present (lists empty rather than null):
//
//	{
//	  "kind": "actor",              // two-mode | actor | concept | relation
//	  "directed": false,
//	  "qualifier": "congruence",    // "" for relation networks
//	  "normalization": "no",        // "" for relation networks
//	  "nodes": [{"id", "label", "type", "mode", "frequency"}],
//	  "edges": [{"source", "target", "weight", "relation", "qualifier",
//	             "positive", "negative", "via": [], "assertions": []}]
//	}
//
// Keys may be added in later versions; none will be removed or renamed.
func WriteJSON(w io.Writer, n *Network) error {
	out := *n
	if out.Nodes == nil {
		out.Nodes = []Node{}
	}
	out.Edges = make([]Edge, len(n.Edges))
	for i, e := range n.Edges {
		if e.Via == nil {
			e.Via = []string{}
		}
		if e.Assertions == nil {
			e.Assertions = []string{}
		}
		out.Edges[i] = e
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(&out)
}
