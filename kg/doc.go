// Package kg is qualgraph's graph store: the documents, codings, entities,
// mentions, assertions, memos, emergent codes, speaker aliases and the
// change log of a project, kept in a cayley quad store (bbolt on disk,
// cayley's memstore in tests). It is the only package that imports cayley;
// no quad, iterator or cayley option leaves it. It implements coding.Store.
//
// # Vocabulary
//
// Node IRIs are "qg:KIND/ID"; predicates are "qg:NAME". Gizmo wants IRIs in
// angle brackets: g.V("<qg:entity/lin>").Out("<qg:rel/lobbies>").All().
//
//	<qg:doc/ID>            a document: <rdf:type> <qg:Document>, <qg:name>,
//	                       <qg:kind>, <qg:chars>, <qg:textSha>, <qg:source>
//	                       (JSON), <qg:imported>, and <qg:attr/KEY> per attribute
//	<qg:coding/UUID>       a coding: <rdf:type> <qg:Coding>, <qg:document>
//	                       <qg:doc/DOC>, <qg:code> <qg:class/CODE>, <qg:start>
//	                       and <qg:end> (integers, in code points), <qg:coder>,
//	                       <qg:created>, <qg:memo> if it has one, <qg:suggested>
//	                       "MODEL\tSCORE" if accepted from a suggestion; all labelled
//	                       <qg:doc/DOC>; later <qg:uncoded> <qg:change/UUID>
//	                       (the change that removed it), same label
//	<qg:recode/CH/UUID>    a recode of coding UUID by change CH: <rdf:type>
//	                       <qg:Recode>, <qg:coding> <qg:coding/UUID>, <qg:code>
//	                       <qg:class/NEW>, <qg:by>, <qg:at>, labelled by the
//	                       coding's document; the latest recode gives the code
//	<qg:mention/UUID>      a mention: as a coding, with <rdf:type> <qg:Mention>
//	                       and <qg:entity> <qg:entity/ID> in place of the code,
//	                       no memo, labelled by its document
//	<qg:entity/ID>         an entity: <rdf:type> <qg:Entity>, <qg:class>
//	                       <qg:class/C>, <qg:name>, <qg:alias>, <qg:attr/KEY>;
//	                       later <qg:renamed> "TIME\tNAME" (the latest is its
//	                       name), more <qg:alias>, <qg:removed> "TIME\tBY" and,
//	                       if merged, <qg:mergedInto> <qg:entity/KEPT>; a
//	                       merge gives the kept entity a direct edge for each
//	                       assertion it moves, while the assertion and
//	                       mention nodes and memo targets keep the entity
//	                       they were made with and readers follow
//	                       <qg:mergedInto> (entities.go)
//	<qg:assertion/UUID>    an assertion: <rdf:type> <qg:Assertion>, <qg:subject>,
//	                       <qg:relation> <qg:rel/R>, <qg:object> (an entity or a
//	                       <qg:class/C> concept), <qg:practice>, <qg:phase>,
//	                       <qg:polarity>, <qg:confidence>, <qg:coder>,
//	                       <qg:created>, <qg:memo>, <qg:suggested> "MODEL\tSCORE"
//	                       if accepted from a suggestion, later <qg:retracted>
//	                       "TIME\tBY\tREASON"
//	<qg:evidence/UUID/I>   span I (from 0) of assertion UUID's evidence:
//	                       <rdf:type> <qg:Evidence>, <qg:assertion>
//	                       <qg:assertion/UUID>, <qg:index> I, <qg:document>
//	                       <qg:doc/DOC>, <qg:start>, <qg:end>; a span added
//	                       later (AddEvidence: the assertion keeps its id)
//	                       also <qg:coder> and <qg:created>, labelled by the
//	                       change that added it
//	<qg:entity/S> <qg:rel/R> <OBJECT> <qg:assertion/UUID>
//	                       the direct edge of every assertion: its label is
//	                       the assertion, so traversal is one look-up and so is
//	                       provenance (retracted assertions keep their edge)
//	<qg:memo/UUID>         a memo: <qg:target>, <qg:text>, <qg:by>, <qg:created>
//	<qg:class/C>           an ontology class; an emergent code has <rdf:type>
//	                       <qg:EmergentCode>, <qg:parent>, <qg:definition>,
//	                       <qg:color>, <qg:by>, <qg:created>, later <qg:promoted>;
//	                       one imported from REFI-QDA also <qg:name> (its name
//	                       in the file, when not its id) and <qg:guid>
//	<qg:speaker/KEY>       a speaker label given an alias (KEY its folded,
//	                       path-escaped label): <rdf:type> <qg:Speaker> and
//	                       a <qg:aliasOf> "TIME\tJSON" per alias set or
//	                       removed (coding.SpeakerAlias); the latest holds
//	<qg:change/UUID>       the change log: <rdf:type> <qg:Change>, <qg:by>,
//	                       <qg:at>, <qg:op>, <qg:detail>; every quad a command
//	                       writes carries its change as label, but for the
//	                       quads labelled by their document (codings,
//	                       mentions, uncodes and recodes) and the direct
//	                       edges labelled by their assertion; the change of
//	                       a REFI-QDA import may have <qg:externalIds>, the
//	                       JSON of the coding.ExternalIDs it kept (the file's
//	                       users, the GUIDs of its codings and selections);
//	                       a change that rejects machine suggestions has
//	                       <qg:rejected>, the JSON of its []coding.Rejection
//	<qg:change/UUID> <qg:user> "NAME", <qg:role>, <qg:tokenSha>
//	                       a user added (or, with <qg:userRemoved> true,
//	                       removed) by that change; <qg:blind> true|false
//	                       blind coding switched on or off (users.go)
//
// Graphs written by older versions held a coding as one quad <qg:record>
// "DOC\tSTART\tEND\tCODE\tCODER\tCREATED\tMEMO" labelled by its document
// (a mention the same with ENTITY for CODE, plus <qg:mentions>
// <qg:entity/ID>), uncodes and recodes as "TIME\tBY" <qg:uncoded> and
// "TIME\tCODE\tBY" <qg:recoded> literals on the coding, and evidence as
// <qg:evidence> "I\tDOC\tSTART\tEND" literals on the assertion. View reads
// both vocabularies, and a graph that mixes them, so a project written by
// an older version is converted by reading its View once.
//
// Times are typed literals "RFC 3339 with nanoseconds"^^<qg:time>: cayley's
// own time values hash to the second, which would merge records written
// within one second. The RDF exports (WriteNQuads, WriteJSONLD) write them
// as xsd:dateTime, and every other typed literal with its full XML Schema
// datatype IRI.
//
// # Design
//
// The graph only grows. Removing a coding, recoding it, retracting an
// assertion or changing an attribute adds quads; readers take the latest.
// So no transaction removes a quad and adds another that shares its nodes,
// the pattern that corrupts cayley's KV stores (cayley issue 885), and the
// history stays. Each command's writes are one transaction (ApplyDeltas).
//
// Readers take the latest by time, compared as times, never as RFC 3339
// strings (which drop the trailing zeros of the fraction, so "…:00.1Z"
// sorts after "…:00.15Z"); of two at one instant they take the one whose
// value (for an attribute, whose change id) sorts last, so that every
// backend takes the same one in whatever order it returns the quads. The
// projection applies them in the order they were written, which is their
// time order while the clock does not go back.
//
// cayley on bbolt writes some ten to twenty thousand quads a second, and
// each quad costs index entries for its nodes. A coding is seven quads
// (eight with a memo), which make it an ordinary node that Gizmo
// and RDF tools can query; their objects other than the coding itself
// (document, code, offsets, coder, time) are shared nodes, so a coding adds
// one new node. Bulk auto-coding therefore writes codings at about a
// seventh of the quad rate (BenchmarkAddCodings). The quads of codings are
// labelled with their document, so that a document's codings are one
// look-up: a label index is added to cayley's default SP and OPS indexes
// when a store is created. cayley's bloom filter, which scans every quad at
// open, is disabled.
//
// Reading 200,000 codings back from cayley takes seconds, so commands read
// a projection instead (see projection.go): append-only logs in the graph
// folder that replay into a coding.View without opening cayley.
//
// # The record, and positions
//
// Neither the graph nor the projection is the truth: the project's ordered
// record of changes is (package project, internal/record). Each change is
// a coding.Event; the write methods (AddCodings, Recode, AddAssertions…)
// turn an event into quads and projection lines (collect), and
// ApplyProjection and ApplyGraph write them, each then recording the
// record position it has reached (position.go): position.json, with the
// length of every log, for the projection; graph-position.json for the
// graph. Readers read each log only up to its recorded length, so they
// never see half an entry, and a writer cuts back what a killed writer
// appended beyond it (TruncateProjection) and applies the entries again.
// Applying an entry to the graph twice is harmless (adding a quad the
// graph holds is a no-op), so the graph is written in transactions of at
// most graphChunk quads and may lag the projection during bulk work.
// View rebuilds the same view from the graph, RebuildProjection rewrites
// the logs from it (check --repair), and "qualgraph check" compares the
// two when the graph has caught up.
//
// # What a query reads
//
// A query reads only the parts of the projection it needs (LoadParts, Load):
// codings and mentions are in their own log, and the lines of the other
// kinds (changes, entities, assertions, memos, codes, speaker aliases) are
// told apart by
// their first bytes, so that a query over entities and assertions skips
// the change log without decoding it. A walk of the actor graph keeps only
// the assertions around the entities it reaches (LoadOptions.Touching). A
// write appends its lines in creation order, the order of a View, so that
// a replay need not sort them (older projections are sorted as they are
// replayed). These matter more than they seem: a command is a new process,
// and on the machines qualgraph runs on the first touch of each page of
// fresh memory costs microseconds, a megabyte milliseconds, so a command
// takes time in proportion to the memory it touches. A replay of a few
// documents' codings (LoadOptions.Docs: the check before a span is coded)
// reads only their lines, through codings.idx, an index of codings.log by
// document that readers build, check against the log and follow as it
// grows (docindex.go); it is derived from the log alone, never the truth.
//
// # Evidence quotes
//
// The commands that show evidence (links, assertions, entity show) print
// the text of each evidence span. That text is in the documents' stored
// texts (the project's sources/), not in the graph, and reading 40 MB of
// documents to quote 20,000 spans took most of such a command's time. The
// stored texts are written once and never change, so a quote never goes
// stale, and the projection keeps the quote of each evidence span in
// quotes.log: one line per span of each assertion, in the order of the
// assertions and their evidence, so that coding.Links, which asks for
// them in that order, reads the log in step without an index (Quotes);
// a long-running process that quotes again and again keeps the index that
// LoadQuotes returns instead (project's readCache).
// kg cannot read the documents, so the project hands it the texts:
// AddAssertionsQuoted takes the quotes with the assertions, and
// RebuildProjectionQuoting takes a QuoteFunc that quotes every evidence
// span afresh. RebuildProjection without one keeps the quotes of the old
// projection for the spans that are still evidence. A projection written
// before quotes were kept has no quotes.log, or one that lacks some spans:
// readers quote those from the documents (project.Quoter), so every
// projection gives the same answers, the older ones more slowly. The
// quotes are derived from the documents as the rest of the projection is
// from the graph, and "qualgraph check" compares them with the documents.
//
// # Document names
//
// The listings print each span with its document's name. The projection
// names the documents in docs.log, written at import and when an import is
// undone, and rebuilt with the rest (LoadDocNames); reading 2,000 names from
// the graph took half a second. A write never creates docs.log, so that a
// projection made before it cannot come to name only the documents
// imported since; without it, readers read the names from the graph.
package kg
