// Package fts is the full-text index over a project's documents, on bleve.
// It is the only package that knows bleve: no bleve type leaves it, and the
// document model it indexes (corpus.Document and its segments) knows
// nothing of it.
//
// # Index
//
// CreateIndex makes a new index in a directory, OpenIndex opens one
// (read-only or for writing), and NewMemIndex makes one in memory. An index
// holds one unit per segment of each document, a speaker turn or a
// paragraph, with the document's id, name and kind, the segment's speaker,
// and the document's attributes as fields; a document without segments is
// one unit over all its text. Text is analysed for English and Chinese in
// one field: English words are stemmed (Snowball, with a cache of stems)
// and every word is kept, stop words too; Chinese text is indexed as
// overlapping character pairs. The index-time analyser records code-point offsets into
// the segment, so that hits are placed in the document's text without
// reading it.
//
// Add (and AddProgress) index documents, replacing what the index held for
// their ids, in batches; when Add returns nil on an index on disk everything
// is on disk. bleve merges nothing in the background: Add merges the index
// when it is done, into one segment after a bulk add, else by bleve's
// tiered plan once it holds more than ten segments; Compact merges it into
// one. Delete removes documents, Docs lists the documents indexed
// with their number of units, and Close flushes and closes. Search may run
// concurrently with anything; Add and Delete must not run concurrently with
// each other. Add and Delete on a read-only index return ErrReadOnly;
// OpenIndex returns ErrIndexFormat for a directory that holds no qualgraph
// index or one of another format version (rebuild it), and Add returns an
// error wrapping ErrSegment for a document whose segments do not fit its
// text.
//
// # Search
//
// Search takes a SearchRequest: a query, and filters by document kind,
// attributes and speaker. It returns Hits, best first: the code-point range
// of each match in the document's text, with the document's id and name,
// the segment's speaker and a score; where the query has no text to match,
// a hit is a whole segment. SearchCount also returns how many segments
// match, as CountUnits counts them. A query is a list of clauses separated
// by white space:
//
//	cluster                a term; "organising" also finds "organised"
//	"local government"     a phrase: the words in this order
//	产业集群                Chinese text: found where these characters stand in a row
//	+cluster -policy       + the clause must match, - it must not
//	organisng~ organisng~2 fuzzy: up to 1 (the default) or 2 edits
//	dron*                  a prefix: words that start with "dron"
//	speaker:lin            a field: speaker, kind, doc (id or name) or attr.KEY
//	attr.region:dongguan   field values are matched whole, ignoring case
//	speaker:"Mr Lin"       a quoted field value
//
// Clauses without + or - are optional, but at least one of them must match.
// A field clause without + or - is a filter; several on the same field are
// alternatives. A phrase (quoted, or a word with hyphens such as
// "start-up") matches all its words in order, stop words included, and its
// hit covers the whole phrase. An empty query finds every segment. A query that does not
// parse gives a *QueryError with the offset of the problem. The comments at
// the top of index.go and query.go give the details.
package fts
