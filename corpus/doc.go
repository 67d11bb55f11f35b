// Package corpus holds a project's documents: importing them from files,
// their normalised text, segments and attributes, and KWIC lines for
// showing a place in a text. It is the plain document model: it imports no
// search engine. The full-text index over documents is package corpus/fts.
//
// # Import
//
// Parse turns one file's bytes into a Document. It does no I/O: the caller
// reads the file and passes its path (for the format and the name) and
// bytes. The pipeline is:
//
//  1. Format, from the extension: .txt (.text), .md (.markdown), .docx,
//     .pdf, .vtt, .srt. Any other extension is refused (ErrUnsupported).
//     Files over ParseOptions.MaxBytes (default 256 MiB) are refused
//     (ErrTooLarge), and so are empty files (ErrEmpty).
//
//  2. Decoding, for the text formats (.txt, .md, .vtt, .srt). A byte-order
//     mark decides (UTF-8, UTF-16LE, UTF-16BE) and is removed; without one
//     the bytes are UTF-8 if valid, else GB18030 (which covers GBK and
//     GB2312) if they decode and look like Chinese text. ParseOptions.Encoding
//     forces "utf-8", "utf-16" or "gb18030". Source.Encoding records
//     "utf-8", "utf-8-bom", "utf-16le", "utf-16be" or "gb18030". Known
//     binary signatures (zip, PDF, old Office), NUL bytes and a high density
//     of control bytes are refused (ErrBinary); bytes invalid in the
//     encoding are refused with their offset (ErrEncoding).
//
//  3. Extraction. Plain text and markdown are kept as written (markdown is
//     not rendered or stripped). A .docx gives the text of its main part,
//     one line per paragraph, w:tab as a tab and w:br as a line break; the
//     archive is checked for unsafe paths, entry count and unpacked size,
//     and broken XML is refused (ErrFormat). A PDF gives its text layer, a
//     line per text line and a blank line between paragraphs and pages; a
//     PDF without one is refused (ErrNoText). A .vtt or .srt gives the
//     text of its cues, one paragraph per cue, markup removed, NOTE, STYLE
//     and REGION blocks skipped; a cue with a voice (<v Name>) is written
//     "Name: text". Timing lines are not part of the text.
//
//  4. Normalisation (NormalizeMap): a leading U+FEFF is removed, CRLF and
//     lone CR become LF, other C0 control characters except tab are
//     dropped, and the text is put in Unicode NFC. Source.Changes lists
//     what changed, such as "CRLF→LF: 31 line ends". The same text in
//     another encoding therefore gives the same Text, TextSHA and ID.
//
//  5. Segmentation into Segments: half-open ranges [Start, End) of code
//     points in Text, in order, not overlapping, trimmed of white space.
//     For .vtt and .srt each cue is a segment with BeginMS and EndMS. For
//     other formats a segment is a speaker turn where the document has
//     them, else a paragraph (blank-line separated; in a .docx each
//     paragraph), with BeginMS and EndMS -1.
//
// A speaker turn starts at a line that begins with a label: "Name: ",
// "Name：" (full-width colon), "[Name] " or "【Name】", optionally in
// markdown bold. The label must be short and name-shaped (at most 40
// characters and 4 words, starting with a letter, without sentence
// punctuation, so "10:30", "http://" and "I said this: ..." are not
// labels), must not be a common heading ("Note:", "Date:", "注意："), and
// must either name an interview role (Interviewer, Respondent, P1, I, R,
// 访谈者, 受访者林, ...) or start at least two lines. A document has turns
// when at least two lines start one. A turn runs to the line before the
// next turn; its segment covers the whole turn, label included, and
// Segment.Speaker holds the label's name without the colon or brackets.
// Text before the first turn is segmented into paragraphs with no speaker.
//
// The document's ID is "d" followed by the first 12 hex digits of TextSHA,
// the SHA-256 of the stored text; Source.SHA256 is that of the file's
// bytes.
//
// Errors are *ImportError values naming the file and, where it helps, the
// line or byte offset: "interview.txt: byte 1234: invalid UTF-8 ...",
// "talk.vtt:12: bad cue timing ...". Each wraps one of ErrEmpty, ErrBinary,
// ErrEncoding, ErrFormat, ErrTooLarge, ErrNoText or ErrUnsupported, for
// errors.Is.
package corpus
