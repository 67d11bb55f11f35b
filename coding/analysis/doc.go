// Package analysis computes the descriptive queries of qualitative coding
// over a project's codings: code frequencies, code co-occurrence and matrix
// coding (codes × document attribute values). It is pure: the caller reads
// the store and passes the codings, what it knows of the documents (Docs)
// and, where codes roll up into their ancestors, the code hierarchy.
// Every result names the coders whose codings it counted (Coders), so that
// a reader sees whose work an analysis includes.
//
// Spans are half-open ranges [Start, End) of code points (see package
// coding). Two spans overlap when they share at least one code point;
// spans that merely touch ([0,5) and [5,9)) do not overlap.
//
// # Frequencies
//
// Frequencies groups codings by code, coder, document or the value of a
// document attribute and counts, per group:
//
//	codings    the number of codings
//	documents  the number of distinct documents coded
//	chars      the number of code points coded: per document, the length of
//	           the union of the group's spans, so that overlapping codings
//	           count once; summed over documents
//
// By code, every code also gets a total with subcodes: the same three counts
// over the codings of the code and of all its descendants (their union, not
// a sum, so a passage coded with a code and its subcode counts once). The
// ancestors of a coded code get a row too, whose own counts may be zero.
//
// # Co-occurrence
//
// Cooccur counts, for every pair of distinct codes A and B, how often they
// occur together, in one of three units:
//
//	overlap   n_AB = the number of pairs (a, b) of codings, a coded A and b
//	          coded B, in the same document, whose spans overlap (nested
//	          spans overlap; touching spans do not); n_A = the number of
//	          codings of A. This is what QualCoder and ATLAS.ti count.
//	segment   n_AB = the number of segments (speaker turns or paragraphs)
//	          that both codes touch, a code touching a segment when one of
//	          its codings overlaps it; n_A = the segments A touches. A
//	          document without segments is one segment.
//	document  n_AB = the number of documents coded with both; n_A = the
//	          documents coded with A.
//
// With each count comes ATLAS.ti's c-coefficient
//
//	c = n_AB / (n_A + n_B − n_AB)
//
// which is 0 when the codes never co-occur and 1 when they co-occur wherever
// either is used. Under segment and document units c lies in [0, 1]. Under
// overlap one coding may overlap several codings of the other code, so
// n_AB may exceed n_A or n_B and c may exceed 1, or be undefined when the
// denominator is not positive: such pairs are flagged OutOfRange (ATLAS.ti
// marks them red) and an undefined c is null in JSON.
//
// Overlap counting is a sweep line per document: codings are sorted by
// start, an active set holds those that have not ended, and a coding
// overlaps exactly the active codings when it starts. The cost is that of
// the sort plus the number of overlapping pairs, not the square of the
// number of codings.
//
// # Matrix coding
//
// MatrixCoding is NVivo's matrix coding query with codes as rows and the values
// of one document attribute as columns. A cell counts the codings of the
// row's code in documents with the column's value (codings), the documents
// with that value coded with the code (documents), or the words of the
// coded text (words): per document, the words in the union of the code's
// spans, so that text coded twice counts once.
//
// Words are counted by Words: a run of letters, digits and combining
// marks is one word (an apostrophe or hyphen between two letters or digits
// joins them: "don't", "rent-free", as does a comma or point between two
// digits: "300,000"), and every Chinese character (Han script), and every
// Hiragana and Katakana character, is one word, since those scripts do not
// separate words by spaces. "The park 给了我们" is 2 + 4 = 6 words. A word
// cut by the edge of a coded span counts as one.
//
// A document without the attribute falls in the column with the empty
// value, written "(none)" for people; columns are sorted numerically when
// every value is a number, else as text, and the empty value comes last.
package analysis
