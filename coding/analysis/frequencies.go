package analysis

import (
	"slices"
	"sort"
	"strings"

	"github.com/qualgraph/qualgraph/coding"
)

// Grouping says what Frequencies groups codings by.
type Grouping string

// The groupings.
const (
	ByCode  Grouping = "code"
	ByCoder Grouping = "coder"
	ByDoc   Grouping = "doc"
	ByAttr  Grouping = "attr" // the value of FreqOptions.Attr
)

// FreqOptions control Frequencies.
type FreqOptions struct {
	By   Grouping
	Attr string // the document attribute, with ByAttr
	// Hierarchy rolls codes up into their ancestors (ByCode). Nil: every
	// code is a root and its total is its own counts.
	Hierarchy Hierarchy
}

// FreqTable is the result of Frequencies. Its JSON field names are stable
// and every key is always present.
type FreqTable struct {
	By   Grouping  `json:"by"`
	Attr string    `json:"attr"` // the attribute, with ByAttr; else ""
	Rows []FreqRow `json:"rows"`
	// Total counts every coding once: chars is the union of all spans.
	Total Counts `json:"total"`
	// Coders are the coders of the codings counted, sorted.
	Coders []string `json:"coders"`
}

// FreqRow is one group.
type FreqRow struct {
	// Key is the code, the coder, the document id or the attribute value
	// ("" for documents without the attribute).
	Key string `json:"key"`
	// Label is the document's name (ByDoc); empty otherwise.
	Label string `json:"label"`
	// Path lists a code's ancestors from the root down (ByCode); Depth is
	// its length. Empty for the other groupings.
	Path  []string `json:"path"`
	Depth int      `json:"depth"`
	Counts
	// Codes is the number of distinct codes among the group's codings; by
	// code, among the codings of the code and its subcodes.
	Codes int `json:"codes"`
	// Total counts the codings of the code and its descendants (ByCode);
	// nil (null) for the other groupings.
	Total *Counts `json:"total"`
}

// Frequencies counts codings per group; see the package documentation.
// Rows are sorted: codes depth first (a code before its subcodes, siblings
// by id), coders by name, documents by name then id, attribute values as
// SortValues does. ByDoc lists every document of docs, and ByAttr every
// value, coded or not. It returns an *OptionError for an unknown grouping
// and an *AttrError when no document has the attribute.
func Frequencies(codings []coding.Coding, docs Docs, opt FreqOptions) (*FreqTable, error) {
	t := &FreqTable{By: opt.By, Rows: []FreqRow{}, Coders: codersOf(codings, nil)}
	ids := docIndex{}
	docOf := make([]int, len(codings))
	all := counter{spans: make([]docSpan, 0, len(codings))}
	for i := range codings {
		docOf[i] = ids.of(codings[i].Doc)
		all.add(docOf[i], &codings[i])
	}
	t.Total = all.counts()
	switch opt.By {
	case ByCode:
		t.Rows = byCode(codings, docOf, opt.Hierarchy)
	case ByCoder, ByDoc, ByAttr:
		key := func(c *coding.Coding) string { return c.Coder }
		var keys []string
		switch opt.By {
		case ByDoc:
			key = func(c *coding.Coding) string { return c.Doc }
			keys = sortedKeys(docs)
		case ByAttr:
			t.Attr = opt.Attr
			vals, err := attrValues(docs, codings, opt.Attr)
			if err != nil {
				return nil, err
			}
			keys = vals
			key = func(c *coding.Coding) string { return docs[c.Doc].Attrs[opt.Attr] }
		}
		groups := map[string]*counter{}
		codes := map[string]map[string]bool{}
		for _, k := range keys {
			groups[k] = &counter{}
		}
		for i := range codings {
			c := &codings[i]
			k := key(c)
			if groups[k] == nil {
				groups[k] = &counter{}
			}
			groups[k].add(docOf[i], c)
			if codes[k] == nil {
				codes[k] = map[string]bool{}
			}
			codes[k][c.Code] = true
		}
		for k, g := range groups {
			t.Rows = append(t.Rows, FreqRow{Key: k, Label: docs[k].Name, Path: []string{}, Counts: g.counts(), Codes: len(codes[k])})
		}
		if opt.By != ByDoc {
			for i := range t.Rows {
				t.Rows[i].Label = ""
			}
		}
		sortRows(t.Rows, opt.By)
	default:
		return nil, &OptionError{Option: "grouping", Value: string(opt.By),
			Allowed: []string{string(ByCode), string(ByCoder), string(ByDoc), string(ByAttr)}}
	}
	return t, nil
}

func sortRows(rows []FreqRow, by Grouping) {
	switch by {
	case ByDoc:
		sort.Slice(rows, func(i, j int) bool {
			if rows[i].Label != rows[j].Label {
				return rows[i].Label < rows[j].Label
			}
			return rows[i].Key < rows[j].Key
		})
	case ByAttr:
		keys := make([]string, len(rows))
		for i, r := range rows {
			keys[i] = r.Key
		}
		SortValues(keys)
		rank := make(map[string]int, len(keys))
		for i, k := range keys {
			rank[k] = i
		}
		sort.Slice(rows, func(i, j int) bool { return rank[rows[i].Key] < rank[rows[j].Key] })
	default:
		sort.Slice(rows, func(i, j int) bool { return rows[i].Key < rows[j].Key })
	}
}

func byCode(codings []coding.Coding, docOf []int, h Hierarchy) []FreqRow {
	type node struct {
		own, total counter
		path       []string // ancestors, root first
		codes      map[string]bool
	}
	nodes := map[string]*node{}
	// chains caches, per coded code, the nodes whose totals its codings
	// count in: its own and its ancestors'.
	type chain struct {
		self  *node
		nodes []*node
	}
	chains := map[string]chain{}
	nodeOf := func(code string, path []string) *node {
		n := nodes[code]
		if n == nil {
			n = &node{path: path, codes: map[string]bool{}}
			nodes[code] = n
		}
		return n
	}
	for i := range codings {
		c := &codings[i]
		ch, ok := chains[c.Code]
		if !ok {
			var p []string
			if h != nil {
				p = slices.Clone(h.Ancestors(c.Code))
				slices.Reverse(p)
			}
			ch.self = nodeOf(c.Code, p)
			ch.nodes = append(ch.nodes, ch.self)
			for j, a := range p {
				ch.nodes = append(ch.nodes, nodeOf(a, p[:j:j]))
			}
			for _, n := range ch.nodes {
				n.codes[c.Code] = true
			}
			chains[c.Code] = ch
		}
		ch.self.own.add(docOf[i], c)
		for _, n := range ch.nodes {
			n.total.add(docOf[i], c)
		}
	}
	rows := make([]FreqRow, 0, len(nodes))
	for code, n := range nodes {
		path := n.path
		if path == nil {
			path = []string{}
		}
		tot := n.total.counts()
		rows = append(rows, FreqRow{Key: code, Path: path, Depth: len(path), Counts: n.own.counts(), Codes: len(n.codes), Total: &tot})
	}
	sort.Slice(rows, func(i, j int) bool {
		a := append(slices.Clone(rows[i].Path), rows[i].Key)
		b := append(slices.Clone(rows[j].Path), rows[j].Key)
		return slices.Compare(a, b) < 0
	})
	return rows
}

// CodePath returns the path of a code, its ancestors from the root down and
// the code itself, joined by "/": "Actor/Entrepreneur/SpinoffFounder".
func CodePath(h Hierarchy, code string) string {
	if h == nil {
		return code
	}
	p := slices.Clone(h.Ancestors(code))
	slices.Reverse(p)
	return strings.Join(append(p, code), "/")
}
