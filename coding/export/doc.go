// Package export writes a project's coding to the files other tools read:
// tables of codings for R, pandas and Excel (CSV, JSON Lines, XLSX), and the
// entity graph for Gephi, yEd, Cytoscape and Graphviz (GEXF, GraphML, DOT).
// The whole graph as RDF (N-Quads, JSON-LD) is written by package kg, which
// alone knows the quads.
//
// The writers take a Data: the coding View, the documents (with their text,
// for quotes) and the codebook (for code paths). Select narrows it to some
// codes, documents or coders first.
//
// # Codings (CSV, JSON Lines, the codings sheet)
//
// One row per coding, sorted by document name, start, end, code and id,
// with the columns of CodingColumns:
//
//	id         the coding's id
//	doc_id     the document's id
//	doc_name   the document's name
//	ATTR...    every document attribute, one column each: the union of the
//	           keys of all documents, sorted, empty where a document lacks
//	           one; a key equal to one of the other columns gets the prefix
//	           "attr_"
//	code       the code
//	code_path  the code's ancestors and the code, from the root, joined by
//	           "/": Actor/Entrepreneur/SpinoffFounder
//	coder      who coded it
//	start, end the half-open code-point span [start, end) in the stored text
//	created    when it was coded, RFC 3339 in UTC to the second
//	memo       the coding's memo
//	quote      the coded text
//
// CSV follows RFC 4180: a header row, fields separated by commas, quoted
// with double quotes where they hold a comma, quote or line break (quotes
// doubled), records ended by CRLF. Line breaks inside a quote stay LF, so
// that the quote reads back exactly. The encoding is UTF-8 without a byte
// order mark, which R (read.csv, readr) and pandas (read_csv) read as they
// are; Excel on Windows needs the mark to see UTF-8 (else it garbles
// Chinese), which CSVOptions.BOM adds — or give Excel the XLSX. Values keep
// one type per column: integers in base 10, attribute values in their
// canonical form (booleans true/false, dates YYYY-MM-DD), so read.csv and
// read_csv infer the types without cleaning.
//
// Text that a spreadsheet would run as a formula, a cell beginning with =,
// +, -, @, tab or carriage return (attribute values, names, memos, quotes),
// gets a leading single quote in CSV and XLSX, as OWASP advises against CSV
// injection; a plain decimal number such as -1.5 keeps its sign and stays a
// number. JSON Lines keeps every value as it is.
//
// JSON Lines has one object per line with the same fields, the attributes
// in a nested object "attrs" whose values are typed (numbers, booleans,
// strings).
//
// XLSX has five sheets, each a plain table with one header row and no
// merged cells: codings (the columns above; numbers as numbers), assertions,
// entities, codebook and documents. Excel holds at most 32,767 characters in
// a cell; longer quotes are cut there.
//
// # The entity graph (GraphML, GEXF, DOT)
//
// Every entity is a node (id, label = its name, type = its class, kind
// "entity"); a concept that an assertion names as its object ("class:ID")
// is a node too (label = the class's English label, type = ID, kind
// "concept"). Every assertion that is not retracted is a directed edge from
// subject to object, with its id and the attributes relation, practice,
// phase, polarity, confidence and coder; parallel edges are kept, one per
// assertion. GEXF gives each edge the relation as its kind and label, so
// Gephi keeps relations apart; DOT writes a digraph with the same
// attributes, the relation as the edge label.
package export
