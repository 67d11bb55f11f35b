package kg

import (
	"fmt"
	"strings"

	"github.com/cayleygraph/quad"

	"github.com/qualgraph/qualgraph/coding"
)

// LegacyWriter writes to s as kg wrote before codings were nodes: a coding
// or mention is one <qg:record> quad "DOC\tSTART\tEND\tCODE\tCODER\tCREATED\tMEMO"
// labelled by its document (a mention adds a <qg:mentions> edge), uncode and
// recode are "TIME\tBY" and "TIME\tCODE\tBY" literals, and an assertion's
// evidence is "I\tDOC\tSTART\tEND" literals. The projection lines are the
// same as now. Tests use it to make graphs in the old vocabulary, which View
// must still read.
type LegacyWriter struct{ *Store }

func (s LegacyWriter) AddCodings(ch coding.Change, cs []coding.Coding) error {
	var qs []quad.Quad
	var lines []string
	for _, c := range cs {
		rec := codingRecord(c)
		qs = append(qs, quad.Quad{Subject: codingIRI(c.ID), Predicate: predRecord, Object: quad.String(rec), Label: docIRI(c.Doc)})
		lines = append(lines, "C\t"+c.ID+"\t"+rec)
	}
	return s.write(ch, qs, lines...)
}

func (s LegacyWriter) Uncode(ch coding.Change, cs []coding.Coding) error {
	var qs []quad.Quad
	var lines []string
	for _, c := range cs {
		qs = append(qs, quad.Quad{Subject: codingIRI(c.ID), Predicate: predUncoded,
			Object: quad.String(stamp(ch.At) + "\t" + escapeField(ch.By)), Label: docIRI(c.Doc)})
		lines = append(lines, "U\t"+c.ID)
	}
	return s.write(ch, qs, lines...)
}

func (s LegacyWriter) Recode(ch coding.Change, c coding.Coding, code string) error {
	return s.write(ch, []quad.Quad{{Subject: codingIRI(c.ID), Predicate: predRecoded,
		Object: quad.String(stamp(ch.At) + "\t" + code + "\t" + escapeField(ch.By)), Label: docIRI(c.Doc)}},
		"R\t"+c.ID+"\t"+code)
}

func (s LegacyWriter) AddMentions(ch coding.Change, ms []coding.Mention) error {
	var qs []quad.Quad
	var lines []string
	for _, m := range ms {
		rec := codingRecord(coding.Coding{Span: m.Span, Code: m.Entity, Coder: m.Coder, Created: m.Created})
		qs = append(qs,
			quad.Quad{Subject: mentionIRI(m.ID), Predicate: predRecord, Object: quad.String(rec), Label: docIRI(m.Doc)},
			quad.Quad{Subject: mentionIRI(m.ID), Predicate: predMentions, Object: entityIRI(m.Entity), Label: docIRI(m.Doc)})
		lines = append(lines, "M\t"+m.ID+"\t"+rec)
	}
	return s.write(ch, qs, lines...)
}

func (s LegacyWriter) AddAssertion(ch coding.Change, a coding.Assertion) error {
	return s.AddAssertions(ch, []coding.Assertion{a})
}

func (s LegacyWriter) AddAssertions(ch coding.Change, as []coding.Assertion) error {
	var qs []quad.Quad
	var lines []string
	for _, a := range as {
		for _, q := range assertionQuads(ch, a) {
			if !strings.HasPrefix(string(q.Subject.(quad.IRI)), nsEvidence) {
				qs = append(qs, q)
			}
		}
		for i, e := range a.Evidence {
			qs = append(qs, quad.Quad{Subject: assertionIRI(a.ID), Predicate: predEvidence,
				Object: quad.String(fmt.Sprintf("%d\t%s\t%d\t%d", i, e.Doc, e.Start, e.End)), Label: changeIRI(ch.ID)})
		}
		lines = append(lines, assertionLine(a))
	}
	return s.write(ch, qs, lines...)
}

var _ coding.Store = LegacyWriter{}
