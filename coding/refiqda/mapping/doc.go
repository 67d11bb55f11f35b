// Package mapping maps the REFI-QDA model of package refiqda onto a
// qualgraph project and back: a project or codebook exported by NVivo,
// ATLAS.ti, MAXQDA, QualCoder... becomes documents, codes, codings,
// attributes and memos; a project becomes a REFI-QDA model to write.
//
// It reads a project through Store (documents, their texts, the codebook
// and the coding view) and writes nothing: PlanProject and PlanCodebook
// return a Plan, what an import would write and what it found wrong; the
// caller (package project) writes it, all of it or nothing, and only when
// Plan.Errors is empty. ExportProject and ExportCodebook return the model
// the caller writes with refiqda.WriteQDPX or WriteQDC. It is a package of
// its own, not part of refiqda, so that the format package stays free of
// qualgraph's domain (coding, corpus, ontology) and can be read, written
// and fuzzed on its own.
//
// # Import
//
//   - Sources become documents, of the kind Options.Kind, else of the kind
//     a source's description gives after KindDescription (as ExportProject
//     writes it) when Options.Kinds lists it, else inferred. The stored text is what "qualgraph import"
//     stores for the same text: corpus.NormalizeMap of the text as read
//     (byte order mark removed), segmented by corpus.Parse, with the id
//     derived from its SHA-256; the source's GUID is kept in
//     corpus.Source.GUID. Every selection's code-point range over the
//     text as read is mapped through the offset map: a start inside a
//     sequence normalisation rewrote (the CR of a CRLF, a letter and its
//     combining accent) moves back to the sequence's start, an end forward
//     to its end, as refiqda does for Selection.NormStart/NormEnd. A source
//     whose text the project already holds maps onto that document. A
//     source whose text is blank is not imported (a document needs text)
//     and is reported with the codings it loses.
//   - Codes are matched against the codebook (the ontology and the emergent
//     codes): a code with the GUID of an emergent code imported before
//     matches that code; a code whose name is unique in the file matches a class whose
//     id is the name, or the name made into an id, or whose id or English
//     label equals the name ignoring case (a label only when one class has
//     it). The others become emergent codes under the class their parent
//     maps to (Emergent for top-level codes), keeping colour and
//     description. Their id is the name made into an id (letters, digits,
//     '_' and '-'; other characters become '_'); an id that more than one
//     of these codes would get is qualified by the parent's id
//     ("Parent-Name"); an id still taken gets "_2", "_3"... When the id is
//     not the name, the definition starts with the name, then a blank
//     line, then the description, so that the name survives and
//     ExportProject can write it back; the created code also records the
//     name (coding.Code.Name, when it is not the id) and the file's GUID
//     (coding.Code.GUID). A second import of the same file maps onto the
//     same codes.
//   - Codings keep their coder (the name of the coding's creating user, else
//     the selection's, else the source's, else Options.By) and creation
//     time (the coding's, else the selection's, else the source's, else the
//     time of the import). A coding of a whole source codes its whole text.
//     A coding the project already holds (same document, span, code and
//     coder) is not imported again.
//   - Variables become document attributes: Text, Boolean, Integer, Float
//     and Date map onto the attribute types of the same name; DateTime, and
//     values that are not valid for their type, become text. Attribute keys
//     are the variable names made into keys (ASCII letters, digits, '_' and
//     '-'). Cases become the attribute "case" of their sources (and of the
//     sources of their selections), several cases joined with "; ", and
//     case variable values become attributes of those sources where the
//     source has no value of its own. A document already in the project
//     gets the attributes it lacks; a different value it holds is kept,
//     with a warning.
//   - Notes become memos with their author and time: a note on a source is
//     a memo on its document, on a code a memo on the code, on a coding a
//     memo on the coding (but a note ExportProject wrote for a coding's
//     own memo, described as CodingMemoNote, is that coding's memo again),
//     on a selection a memo on the selection's first
//     coding, or, when it has none, on the document with the span written
//     first ("Span DOC:START-END"). A memo the project already holds (same
//     target and text) is not added again. Notes on the project, on cases,
//     sets and links, and notes nothing refers to, are not imported.
//   - Selections without codings (and without notes), codings of codes the
//     file does not define, graphs, sets, links and non-text sources are not
//     imported.
//   - The file's users are kept (coding.ExternalIDs, one step of the
//     import) with their GUIDs, also those who coded nothing, and so are
//     the GUIDs of the codings created and of their selections.
//   - qualgraph's extension (refiqda.ExtensionEntry, see Extension below),
//     when the file has it, gives entities, mentions, assertions (with
//     their retractions) and memos on entities and assertions, with their
//     ids; spans are mapped as selections are. The cases, selections and
//     links it names are left to it (no "case" attribute, no warning), as
//     are the notes ExportProject wrote for its memos. A record the
//     project holds already (same id) is not imported again; an entity of
//     the same id with other content, an unknown entity type, relation or
//     target, or a span that does not fit is an error, and nothing is
//     imported.
//
// Nothing is left out silently: Result lists every warning of the reader
// and of the mapping, and every selection that could not be placed.
//
// # Export
//
// ExportProject maps the codebook (every class of the ontology and every
// emergent code, as a tree), every document the ExportFilter selects as a
// text source with its stored text (positions in code points) and its
// kind in its description (after KindDescription), one
// PlainTextSelection per coding (as NVivo writes them: several codings of
// one span are several selections), the coders as users, memos as notes
// (on their document, code or coding; memos on entities as notes of the
// project, on assertions as notes of their links), an inline coding memo as a note on its coding
// (described as CodingMemoNote), every attribute key but "case" as a
// variable with its values on the sources, and the "case" attribute as
// cases. Codes are written with their id as name (an
// emergent code whose definition starts with its original name gets that
// name back when no other code has it), so that importing the export
// gives the same codes. An emergent code a REFI-QDA import created is
// written with the name and GUID it had in the file (names may repeat
// under different parents), and one that was at the top level of the file
// is written at the top level, not under Emergent; a document a REFI-QDA
// import created is written with its source's GUID. Other GUIDs derive from
// the project id and qualgraph's own ids (ProjectInfo.GUID, by
// refiqda.StableGUID), so they stay the same from one export to the next;
// the users, codings and selections an import kept (see above) are
// written with the file's GUIDs, every such user even if it coded nothing.
//
// # Extension
//
// ExportProject also writes each entity as a case (described EntityCase
// and its type, then its aliases), its mentions on exported documents as
// selections without codings that the case refers to, and each assertion
// whose subject and object (an entity, or a code) are exported as a
// one-way link named by its relation (AssertionLink before it when
// negative). In full, it writes them to refiqda.Project.Extension, the
// JSON of refiqda.ExtensionEntry:
//
//	{"version": 1, "project": ID,
//	 "entities":   [ENTITY + {"case": GUID}],
//	 "mentions":   [MENTION + {"selection": GUID}],
//	 "assertions": [ASSERTION + {"quotes": [TEXT], "link": GUID}],
//	 "memos":      [MEMO on an entity or assertion],
//	 "codes":      [emergent CODE, for its author and time]}
//
// with the records as package coding encodes them, except that a span's
// "doc" is the GUID of the document's source in the same archive (its
// positions count code points of that source's text). Mentions and
// assertions with a span on a document the filter leaves out, or by a
// coder it leaves out, are left out. A file of a later version is refused.
//
// # Example
//
// Planning the import of an archive into a project (a *project.Project is
// a Store), and writing the model of an export:
//
//	rp, rep, err := refiqda.ReadQDPX(f, size, refiqda.ReadOptions{})
//	...
//	pl, err := mapping.PlanProject(ctx, p, rp, rep, mapping.Options{File: "study.qdpx", By: "ana"})
//	if err != nil {
//		return err // the store's
//	}
//	if len(pl.Errors) > 0 {
//		return errors.Join(pl.Errors...) // the file's: write nothing
//	}
//	// write pl.Codes, pl.Documents, pl.Codings, pl.Attrs, pl.Memos
//
//	model, err := mapping.ExportProject(ctx, p, mapping.ProjectInfo{ID: id, Name: name}, mapping.ExportFilter{})
//	...
//	err = refiqda.WriteQDPX(w, model)
package mapping
