// Package refiqda reads and writes the REFI-QDA exchange standard: projects
// (.qdpx) and codebooks (.qdc), as NVivo, ATLAS.ti, MAXQDA, QualCoder and
// other tools export them. It is strict in what it writes and lenient in
// what it reads. It works on an in-memory model (Project, Codebook) and
// knows nothing of qualgraph's store: package refiqda/mapping maps the
// model onto a project and back.
//
// # Files
//
// A .qdpx file is a zip archive holding one project document, a .qde file
// at the root (namespace urn:QDA-XML:project:1.0), and a folder of source
// files. A .qdc file is a single codebook document (namespace
// urn:QDA-XML:codebook:1.0).
//
// # Positions
//
// A PlainTextSelection gives startPosition and endPosition, a half-open
// range into its source's plain text. The standard counts Unicode code
// points. NVivo does not: its exports count UTF-16 code units of the text,
// without the byte order mark, with CRLF as two. ReadQDPX picks the
// convention by the project's origin attribute (one that starts with
// "NVivo", or WriterOriginUTF16, means UTF-16 units, anything else code
// points); ReadOptions.Positions
// overrides it, and Report.Positions tells which was applied.
//
// In the model every position is in code points:
//
//   - Selection.Start and End count code points of Source.Text, the text as
//     stored in the archive once decoded: no byte order mark, line ends
//     untouched.
//   - Selection.NormStart and NormEnd count code points of
//     Source.Normalized: Text in NFC with each CRLF made LF.
//
// The mapping onto the normalised text is exact wherever normalisation
// left the text alone. A position inside a sequence it rewrote (between CR
// and LF, between "e" and a combining accent) has no exact image: a start
// moves back to the sequence's start, an end forward to its end, so the
// mapped range always covers the original. A UTF-16 position that splits a
// surrogate pair is widened the same way, with a warning.
//
// Every selection must fit its text: 0 <= start < end <= length. One that
// does not (or whose positions are not integers) is left out of the model
// and listed in Report.BadSelections with its source, positions and
// codings; it is never dropped silently.
//
// # Reading
//
// ReadQDPX accepts what real exports do:
//
//   - exactly one *.qde at the archive root, under any name;
//   - a "sources" folder in any case ("Sources" from NVivo for Windows);
//   - plain text inline (PlainTextContent) or in a file (plainTextPath):
//     "internal://name", a bare relative path (as qc writes), matched
//     without regard to case, first in the sources folder, then at the
//     root; a path outside the archive (absolute://, relative://) is
//     looked for by its base name in the sources folder, with a warning;
//   - text files in UTF-8 with or without a byte order mark, or UTF-16 with
//     one; invalid UTF-8 bytes become U+FFFD one for one, with a warning;
//   - inline PlainTextContent as the XML parser delivers it: a literal CRLF
//     in XML content arrives as LF (only &#xD; keeps a CR), so a tool that
//     counted the CR in inline text is off by one per line before it;
//   - GUIDs in either case, with or without braces (made lower case, no
//     braces); colours as #RGB or #RRGGBB (made #RRGGBB); a missing or
//     invalid GUID is replaced by a derived one, with a warning.
//
// A text source with only rich text (docx, pdf), and non-text sources
// (pictures, PDF, audio, video), are left out and listed in Report.Skipped
// with the number of selections and codings lost. Graphs are not modelled
// and are counted in a warning. References to objects the file does not
// define are kept and reported as warnings; WriteQDPX refuses them.
//
// ReadQDPX refuses hostile archives with a *ReadError: entry names that are
// absolute or climb out with "..", too many entries, entries that inflate
// past a size limit or a compression ratio (it reads through a limit and
// never trusts the sizes in the zip headers), and malformed XML, which is
// reported with the entry and line.
//
// # Writing
//
// WriteQDPX writes project.qde at the root, valid against the schema, with
// its elements in the order the schema requires, and every source and note
// as sources/GUID.txt, UTF-8 without a byte order mark, referred to as
// internal://GUID.txt, with positions in code points. GUIDs are written
// lower case without braces. The origin written is WriterOrigin, whatever
// Project.Origin says, since the origin tells readers how positions count.
// WriteQDPXWith with WriteOptions.Positions PositionsUTF16 writes positions
// in UTF-16 code units of the text file, as NVivo counts them, and the
// origin WriterOriginUTF16, which ReadQDPX counts in UTF-16 units too.
// Output is deterministic: the same project writes the same bytes (fixed
// zip timestamps, the model's own order). StableGUID derives GUIDs that
// stay the same from one export to the next.
//
// The writer checks the whole model first and writes nothing when it is
// not valid: a *ModelError names the field and the object.
//
// Rich text, the normalised text and Project.Origin are not written.
//
// # Extension
//
// Project.Extension is carried as it is in the archive entry
// ExtensionEntry ("qualgraph/extension.json"), which the standard does not
// know and other programs ignore: ReadQDPX reads it (within the same
// limits as every entry) and WriteQDPX writes it when it is not empty.
// Package refiqda/mapping says what it holds.
//
// # Example
//
// Reading an export and quoting its selections:
//
//	f, err := os.Open("study.qdpx")
//	...
//	st, _ := f.Stat()
//	p, rep, err := refiqda.ReadQDPX(f, st.Size(), refiqda.ReadOptions{})
//	if err != nil {
//		return err // a *ReadError: hostile or broken archive
//	}
//	for _, b := range rep.BadSelections {
//		log.Print(b) // selections that do not fit their text
//	}
//	for _, s := range p.Sources {
//		for i := range s.Selections {
//			fmt.Println(s.NormalizedQuote(&s.Selections[i]))
//		}
//	}
//
// Writing one back, with GUIDs derived from the caller's own keys:
//
//	code := refiqda.Code{GUID: refiqda.StableGUID("code", codeID), Name: "Joy", IsCodable: true}
//	...
//	err = refiqda.WriteQDPX(w, p)
package refiqda
