package kg

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cayleygraph/quad"

	"github.com/qualgraph/qualgraph/coding"
)

// More of the vocabulary: coding records.
const (
	nsCoding    = "qg:coding/"
	nsMention   = "qg:mention/"
	nsEntity    = "qg:entity/"
	nsAssertion = "qg:assertion/"
	nsMemo      = "qg:memo/"
	nsClass     = "qg:class/"
	nsRel       = "qg:rel/"
	nsRecode    = "qg:recode/"
	nsEvidence  = "qg:evidence/"
)

var (
	classEntity    = quad.IRI("qg:Entity")
	classAssertion = quad.IRI("qg:Assertion")
	classMemo      = quad.IRI("qg:Memo")
	classCode      = quad.IRI("qg:EmergentCode")
	classCoding    = quad.IRI("qg:Coding")
	classMention   = quad.IRI("qg:Mention")
	classRecode    = quad.IRI("qg:Recode")
	classEvidence  = quad.IRI("qg:Evidence")

	// The properties of codings, mentions, recodes and evidence spans.
	predDocument = quad.IRI("qg:document")  // -> <qg:doc/ID>
	predCode     = quad.IRI("qg:code")      // -> <qg:class/CODE>
	predEntity   = quad.IRI("qg:entity")    // mention -> <qg:entity/ID>
	predStart    = quad.IRI("qg:start")     // integer
	predEnd      = quad.IRI("qg:end")       // integer
	predCoding   = quad.IRI("qg:coding")    // recode -> <qg:coding/UUID>
	predAssert   = quad.IRI("qg:assertion") // evidence -> <qg:assertion/UUID>
	predIndex    = quad.IRI("qg:index")     // evidence: its place, from 0
	predUncoded  = quad.IRI("qg:uncoded")   // coding -> the <qg:change/UUID> that removed it

	// The old vocabulary, read but no longer written (see View).
	predRecord   = quad.IRI("qg:record")   // compact record of a coding or mention
	predRecoded  = quad.IRI("qg:recoded")  // a coding got another code: "TIME\tCODE\tBY"
	predMentions = quad.IRI("qg:mentions") // mention -> entity
	predEvidence = quad.IRI("qg:evidence") // "I\tDOC\tSTART\tEND"

	predClass     = quad.IRI("qg:class")
	predAlias     = quad.IRI("qg:alias")
	predSubject   = quad.IRI("qg:subject")
	predRelation  = quad.IRI("qg:relation")
	predObject    = quad.IRI("qg:object")
	predPractice  = quad.IRI("qg:practice")
	predPhase     = quad.IRI("qg:phase")
	predPolarity  = quad.IRI("qg:polarity")
	predConf      = quad.IRI("qg:confidence")
	predCoder     = quad.IRI("qg:coder")
	predCreated   = quad.IRI("qg:created")
	predMemo      = quad.IRI("qg:memo")
	predRetracted = quad.IRI("qg:retracted") // "TIME\tBY\tREASON"
	predTarget    = quad.IRI("qg:target")
	predText      = quad.IRI("qg:text")
	predParent    = quad.IRI("qg:parent")
	predDef       = quad.IRI("qg:definition")
	predColor     = quad.IRI("qg:color")
	predGUID      = quad.IRI("qg:guid")     // a code's GUID in the REFI-QDA file it came from
	predPromoted  = quad.IRI("qg:promoted") // "TIME\tPARENT"
	// predExternal links a change to the JSON of the coding.ExternalIDs
	// a REFI-QDA import kept.
	predExternal = quad.IRI("qg:externalIds")
	// predSuggested gives a coding or assertion accepted from a machine
	// suggestion "MODEL\tSCORE"; predRejected links a change to the JSON of the
	// suggestions it rejected ([]coding.Rejection).
	predSuggested = quad.IRI("qg:suggested")
	predRejected  = quad.IRI("qg:rejected")
)

func codingIRI(id string) quad.IRI    { return quad.IRI(nsCoding + id) }
func mentionIRI(id string) quad.IRI   { return quad.IRI(nsMention + id) }
func entityIRI(id string) quad.IRI    { return quad.IRI(nsEntity + id) }
func assertionIRI(id string) quad.IRI { return quad.IRI(nsAssertion + id) }
func memoIRI(id string) quad.IRI      { return quad.IRI(nsMemo + id) }
func classIRI(id string) quad.IRI     { return quad.IRI(nsClass + id) }
func relIRI(id string) quad.IRI       { return quad.IRI(nsRel + id) }

// recodeIRI names the recode of coding id by change ch.
func recodeIRI(ch, id string) quad.IRI { return quad.IRI(nsRecode + ch + "/" + id) }

// evidenceIRI names span i of assertion id's evidence.
func evidenceIRI(id string, i int) quad.IRI {
	return quad.IRI(nsEvidence + id + "/" + strconv.Itoa(i))
}

// objectIRI is the node an assertion's object names: an entity, or a
// concept (a class) where the relation's range allows one. Concepts are
// written "class:ID" by callers that must tell them apart; plain ids are
// entities.
func objectIRI(obj string) quad.IRI {
	if c, ok := strings.CutPrefix(obj, ConceptPrefix); ok {
		return classIRI(c)
	}
	return entityIRI(obj)
}

// ConceptPrefix marks an assertion object that is a concept (an ontology
// class or emergent code) rather than an entity, in Assertion.Object.
const ConceptPrefix = "class:"

func objectOf(v quad.Value) string {
	if id := idOf(v, nsClass); id != "" {
		return ConceptPrefix + id
	}
	return idOf(v, nsEntity)
}

// The compact record of a coding or mention, as the projection writes it
// after "C\tID\t" or "M\tID\t", and as the graph held it before codings
// were nodes (see View):
//
//	DOC\tSTART\tEND\tCODE\tCODER\tCREATED\tMEMO
//
// CREATED is RFC 3339 with nanoseconds; CODER and MEMO are escaped
// (escapeField). A mention has ENTITY in place of CODE and no memo.

func codingRecord(c coding.Coding) string {
	rec := strings.Join([]string{c.Doc, strconv.Itoa(c.Start), strconv.Itoa(c.End), c.Code, escapeField(c.Coder),
		c.Created.UTC().Format(time.RFC3339Nano), escapeField(c.Memo)}, "\t")
	if c.Suggested != nil {
		rec += "\t" + suggestedValue(c.Suggested)
	}
	return rec
}

// suggestedValue is "MODEL\tSCORE", as a coding record ends with it.
func suggestedValue(sg *coding.Suggestion) string {
	return escapeField(sg.Model) + "\t" + strconv.FormatFloat(sg.Score, 'g', -1, 64)
}

// parseSuggested returns the suggestion that a coding record or a
// qg:suggested value (MODEL\tSCORE) ends with, or nil. skip is the
// number of fields before it (7 in a record, 0 in a value).
func parseSuggested(rec string, skip int) *coding.Suggestion {
	var buf [maxFields]string
	f := splitFields(rec, buf[:0])
	if len(f) < skip+2 {
		return nil
	}
	score, err := strconv.ParseFloat(f[skip+1], 64)
	if err != nil {
		return nil
	}
	return &coding.Suggestion{Model: unescapeField(f[skip]), Score: score}
}

// maxFields is the most fields of a projection record that splitFields
// splits without allocating.
const maxFields = 12

// splitFields is strings.Split(rec, "\t") into buf's array: the
// projection's 200,000 coding lines were two allocations each.
func splitFields(rec string, buf []string) []string {
	all := rec
	for {
		if len(buf) == cap(buf) {
			return strings.Split(all, "\t")
		}
		field, rest, ok := strings.Cut(rec, "\t")
		buf = append(buf, field)
		if !ok {
			return buf
		}
		rec = rest
	}
}

func parseRecord(rec string) (doc string, start, end int, what, coder string, created time.Time, memo string, err error) {
	var buf [maxFields]string
	f := splitFields(rec, buf[:0])
	if len(f) < 6 {
		return "", 0, 0, "", "", time.Time{}, "", fmt.Errorf("bad record %q", rec)
	}
	doc, what, coder = f[0], f[3], unescapeField(f[4])
	if start, err = strconv.Atoi(f[1]); err == nil {
		end, err = strconv.Atoi(f[2])
	}
	if err == nil {
		created, err = time.Parse(time.RFC3339Nano, f[5])
	}
	if len(f) > 6 {
		memo = unescapeField(f[6])
	}
	return
}

// escapeField makes s safe inside a tab-separated record.
func escapeField(s string) string {
	if !strings.ContainsAny(s, "\\\t\n\r") {
		return s
	}
	return strings.NewReplacer("\\", `\\`, "\t", `\t`, "\n", `\n`, "\r", `\r`).Replace(s)
}

func unescapeField(s string) string {
	i := strings.IndexByte(s, '\\')
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for ; i >= 0; i = strings.IndexByte(s, '\\') {
		b.WriteString(s[:i])
		if i+1 == len(s) {
			b.WriteByte('\\') // a lone backslash at the end stays
			s = ""
			break
		}
		switch c := s[i+1]; c {
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		default:
			b.WriteByte(c)
		}
		s = s[i+2:]
	}
	b.WriteString(s)
	return b.String()
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// write commits the change and its quads in one transaction, then appends
// the change and lines to the projection.
func (s *Store) write(ch coding.Change, qs []quad.Quad, lines ...string) error {
	if s.col != nil && s.col.linesOnly {
		s.col.n += len(changeQuads(ch)) + len(qs)
		s.col.lines = append(append(s.col.lines, changeLine(ch)), lines...)
		return nil
	}
	if s.col != nil { // collecting an entry of the record (see collect)
		s.col.qs = append(append(s.col.qs, changeQuads(ch)...), qs...)
		s.col.lines = append(append(s.col.lines, changeLine(ch)), lines...)
		return nil
	}
	if err := s.apply(append(changeQuads(ch), qs...)); err != nil {
		return err
	}
	return s.appendProjection(append([]string{changeLine(ch)}, lines...))
}

// AddCodings records codings in one transaction, each a node with its
// properties (codingQuads).
func (s *Store) AddCodings(ch coding.Change, cs []coding.Coding) error {
	// Applying bulk coding to the projection needs only the lines and
	// the number of quads (collected.linesOnly): making 1.4 million
	// quads for 200,000 codings cost seconds before the change was done.
	count := s.col != nil && s.col.linesOnly
	var qs []quad.Quad
	if !count {
		qs = make([]quad.Quad, 0, 7*len(cs))
	}
	lines := make([]string, 0, len(cs))
	for _, i := range creationOrder(len(cs), func(i int) (time.Time, string) { return cs[i].Created, cs[i].ID }) {
		c := cs[i]
		if count {
			s.col.n += codingQuadCount(c)
		} else {
			qs = append(qs, codingQuads(c)...)
		}
		lines = append(lines, "C\t"+c.ID+"\t"+codingRecord(c))
	}
	return s.write(ch, qs, lines...)
}

// codingQuadCount is len(codingQuads(c)).
func codingQuadCount(c coding.Coding) int {
	n := 7
	if c.Memo != "" {
		n++
	}
	if c.Suggested != nil {
		n++
	}
	return n
}

// codingQuads is a coding as a node, every quad labelled with its document
// so that a document's codings are one label look-up:
//
//	<qg:coding/UUID> <rdf:type> <qg:Coding>; <qg:document> <qg:doc/DOC>;
//	<qg:code> <qg:class/CODE>; <qg:start> START; <qg:end> END;
//	<qg:coder> "CODER"; <qg:created> TIME; <qg:memo> "MEMO" if there is one
func codingQuads(c coding.Coding) []quad.Quad {
	n, l := codingIRI(c.ID), docIRI(c.Doc)
	qs := []quad.Quad{
		{Subject: n, Predicate: predType, Object: classCoding, Label: l},
		{Subject: n, Predicate: predDocument, Object: l, Label: l},
		{Subject: n, Predicate: predCode, Object: classIRI(c.Code), Label: l},
		{Subject: n, Predicate: predStart, Object: quad.Int(c.Start), Label: l},
		{Subject: n, Predicate: predEnd, Object: quad.Int(c.End), Label: l},
		{Subject: n, Predicate: predCoder, Object: quad.String(c.Coder), Label: l},
		{Subject: n, Predicate: predCreated, Object: timeValue(c.Created), Label: l},
	}
	if c.Memo != "" {
		qs = append(qs, quad.Quad{Subject: n, Predicate: predMemo, Object: quad.String(c.Memo), Label: l})
	}
	if c.Suggested != nil {
		qs = append(qs, quad.Quad{Subject: n, Predicate: predSuggested, Object: quad.String(suggestedValue(c.Suggested)), Label: l})
	}
	return qs
}

// Uncode marks codings as removed; they stay in the store. Each gets a
// quad <qg:coding/UUID> <qg:uncoded> <qg:change/UUID>, labelled by its
// document; the change says who removed it and when. The caller has
// checked that they exist.
func (s *Store) Uncode(ch coding.Change, cs []coding.Coding) error {
	qs := make([]quad.Quad, len(cs))
	lines := make([]string, len(cs))
	for i, c := range cs {
		qs[i] = quad.Quad{Subject: codingIRI(c.ID), Predicate: predUncoded, Object: changeIRI(ch.ID), Label: docIRI(c.Doc)}
		lines[i] = "U\t" + c.ID
	}
	return s.write(ch, qs, lines...)
}

// Recode gives coding c another code: a recode node, labelled by the
// coding's document,
//
//	<qg:recode/CHANGE/UUID> <rdf:type> <qg:Recode>; <qg:coding> <qg:coding/UUID>;
//	<qg:code> <qg:class/CODE>; <qg:by> "BY"; <qg:at> TIME
//
// The latest recode of a coding gives its code.
func (s *Store) Recode(ch coding.Change, c coding.Coding, code string) error {
	n, l := recodeIRI(ch.ID, c.ID), docIRI(c.Doc)
	return s.write(ch, []quad.Quad{
		{Subject: n, Predicate: predType, Object: classRecode, Label: l},
		{Subject: n, Predicate: predCoding, Object: codingIRI(c.ID), Label: l},
		{Subject: n, Predicate: predCode, Object: classIRI(code), Label: l},
		{Subject: n, Predicate: predBy, Object: quad.String(ch.By), Label: l},
		{Subject: n, Predicate: predAt, Object: timeValue(ch.At), Label: l},
	}, "R\t"+c.ID+"\t"+code)
}

// AddMentions records mentions in one transaction, each a node as a coding
// is (codingQuads) with <rdf:type> <qg:Mention>, <qg:entity> <qg:entity/ID>
// in place of the code, and no memo.
func (s *Store) AddMentions(ch coding.Change, ms []coding.Mention) error {
	qs := make([]quad.Quad, 0, 7*len(ms))
	lines := make([]string, 0, len(ms))
	for _, i := range creationOrder(len(ms), func(i int) (time.Time, string) { return ms[i].Created, ms[i].ID }) {
		m := ms[i]
		n, l := mentionIRI(m.ID), docIRI(m.Doc)
		qs = append(qs,
			quad.Quad{Subject: n, Predicate: predType, Object: classMention, Label: l},
			quad.Quad{Subject: n, Predicate: predDocument, Object: l, Label: l},
			quad.Quad{Subject: n, Predicate: predEntity, Object: entityIRI(m.Entity), Label: l},
			quad.Quad{Subject: n, Predicate: predStart, Object: quad.Int(m.Start), Label: l},
			quad.Quad{Subject: n, Predicate: predEnd, Object: quad.Int(m.End), Label: l},
			quad.Quad{Subject: n, Predicate: predCoder, Object: quad.String(m.Coder), Label: l},
			quad.Quad{Subject: n, Predicate: predCreated, Object: timeValue(m.Created), Label: l})
		lines = append(lines, "M\t"+m.ID+"\t"+codingRecord(coding.Coding{Span: m.Span, Code: m.Entity, Coder: m.Coder, Created: m.Created}))
	}
	return s.write(ch, qs, lines...)
}

// AddEntity records an entity.
func (s *Store) AddEntity(ch coding.Change, e coding.Entity) error {
	return s.AddEntities(ch, []coding.Entity{e})
}

// AddEntities records entities in one transaction.
func (s *Store) AddEntities(ch coding.Change, es []coding.Entity) error {
	var qs []quad.Quad
	lines := make([]string, len(es))
	for i := range es {
		qs = append(qs, entityQuads(ch, es[i])...)
		lines[i] = jsonLine(event{K: "entity", Entity: &es[i]})
	}
	return s.write(ch, qs, lines...)
}

func entityQuads(ch coding.Change, e coding.Entity) []quad.Quad {
	n, l := entityIRI(e.ID), changeIRI(ch.ID)
	qs := []quad.Quad{
		{Subject: n, Predicate: predType, Object: classEntity, Label: l},
		{Subject: n, Predicate: predClass, Object: classIRI(e.Type), Label: l},
		{Subject: n, Predicate: predName, Object: quad.String(e.Name), Label: l},
	}
	for _, a := range e.Aliases {
		qs = append(qs, quad.Quad{Subject: n, Predicate: predAlias, Object: quad.String(a), Label: l})
	}
	keys := make([]string, 0, len(e.Attrs))
	for k := range e.Attrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		qs = append(qs, quad.Quad{Subject: n, Predicate: quad.IRI(predAttrNS + k), Object: quad.String(e.Attrs[k]), Label: l})
	}
	return qs
}

// AddAssertion records an assertion as a node with its properties, and as
// a direct edge subject -> object whose label is the assertion, so that
// traversal and provenance are each one look-up.
func (s *Store) AddAssertion(ch coding.Change, a coding.Assertion) error {
	return s.AddAssertions(ch, []coding.Assertion{a})
}

// AddAssertions records assertions in one transaction (see AddAssertion).
func (s *Store) AddAssertions(ch coding.Change, as []coding.Assertion) error {
	return s.AddAssertionsQuoted(ch, as, nil)
}

// AddAssertionsQuoted records assertions as AddAssertions does, and keeps
// in the projection the text of each evidence span that quotes holds, for
// the commands that show evidence (see Quotes). The caller vouches for the
// texts: each must be the span of its document's stored text.
func (s *Store) AddAssertionsQuoted(ch coding.Change, as []coding.Assertion, quotes map[coding.Span]string) error {
	var qs []quad.Quad
	lines := make([]string, 0, 2*len(as))
	for _, i := range creationOrder(len(as), func(i int) (time.Time, string) { return as[i].Created, as[i].ID }) {
		qs = append(qs, assertionQuads(ch, as[i])...)
		lines = append(lines, assertionLines(as[i])...)
		for _, e := range as[i].Evidence {
			if text := quotes[e]; text != "" {
				lines = append(lines, quoteLine(e, text))
			}
		}
	}
	return s.write(ch, qs, lines...)
}

// creationOrder returns the indexes 0..n-1 ordered by the creation time
// and id that key gives, as a View lists records: a write's lines are
// appended to the projection in that order, so that replaying it finds
// them in order and need not sort them.
func creationOrder(n int, key func(i int) (time.Time, string)) []int {
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int {
		ti, idi := key(i)
		tj, idj := key(j)
		return cmp.Or(ti.Compare(tj), strings.Compare(idi, idj))
	})
	return order
}

func assertionQuads(ch coding.Change, a coding.Assertion) []quad.Quad {
	n, l := assertionIRI(a.ID), changeIRI(ch.ID)
	qs := []quad.Quad{
		{Subject: n, Predicate: predType, Object: classAssertion, Label: l},
		{Subject: n, Predicate: predSubject, Object: entityIRI(a.Subject), Label: l},
		{Subject: n, Predicate: predRelation, Object: relIRI(a.Relation), Label: l},
		{Subject: n, Predicate: predObject, Object: objectIRI(a.Object), Label: l},
		{Subject: n, Predicate: predPolarity, Object: quad.String(a.Polarity), Label: l},
		{Subject: n, Predicate: predConf, Object: quad.Float(a.Confidence), Label: l},
		{Subject: n, Predicate: predCoder, Object: quad.String(a.Coder), Label: l},
		{Subject: n, Predicate: predCreated, Object: timeValue(a.Created.UTC()), Label: l},
		{Subject: entityIRI(a.Subject), Predicate: relIRI(a.Relation), Object: objectIRI(a.Object), Label: n},
	}
	if a.Practice != "" {
		qs = append(qs, quad.Quad{Subject: n, Predicate: predPractice, Object: classIRI(a.Practice), Label: l})
	}
	if a.Phase != "" {
		qs = append(qs, quad.Quad{Subject: n, Predicate: predPhase, Object: classIRI(a.Phase), Label: l})
	}
	if a.Memo != "" {
		qs = append(qs, quad.Quad{Subject: n, Predicate: predMemo, Object: quad.String(a.Memo), Label: l})
	}
	if a.Suggested != nil {
		qs = append(qs, quad.Quad{Subject: n, Predicate: predSuggested, Object: quad.String(suggestedValue(a.Suggested)), Label: l})
	}
	for i, e := range a.Evidence {
		var added *coding.EvidenceAddition
		if j := additionOf(a.Additions, i); j >= 0 {
			added = &a.Additions[j]
		}
		qs = append(qs, evidenceQuads(a.ID, i, e, added, l)...)
	}
	return qs
}

// additionOf returns the index of the addition that added evidence span i,
// or -1 if the assertion was made with it.
func additionOf(adds []coding.EvidenceAddition, i int) int {
	j := -1
	for k, ad := range adds {
		if ad.From > i {
			break
		}
		j = k
	}
	return j
}

// evidenceQuads are the quads of span i of assertion id's evidence, with
// who added it and when if it was added after the assertion was made.
func evidenceQuads(id string, i int, e coding.Span, added *coding.EvidenceAddition, l quad.Value) []quad.Quad {
	// One node per span; the index keeps the evidence in order.
	en := evidenceIRI(id, i)
	qs := []quad.Quad{
		{Subject: en, Predicate: predType, Object: classEvidence, Label: l},
		{Subject: en, Predicate: predAssert, Object: assertionIRI(id), Label: l},
		{Subject: en, Predicate: predIndex, Object: quad.Int(i), Label: l},
		{Subject: en, Predicate: predDocument, Object: docIRI(e.Doc), Label: l},
		{Subject: en, Predicate: predStart, Object: quad.Int(e.Start), Label: l},
		{Subject: en, Predicate: predEnd, Object: quad.Int(e.End), Label: l},
	}
	if added != nil {
		qs = append(qs,
			quad.Quad{Subject: en, Predicate: predCoder, Object: quad.String(added.Coder), Label: l},
			quad.Quad{Subject: en, Predicate: predCreated, Object: timeValue(added.At.UTC()), Label: l})
	}
	return qs
}

// AddEvidence adds spans to the evidence of an assertion, which keeps its
// id (see coding.AddedEvidence): a node for each span, with the coder
// and time of ch, and in the projection a J line of kind "evidence" and
// the text of each span that quotes holds.
func (s *Store) AddEvidence(ch coding.Change, ev coding.AddedEvidence, quotes map[coding.Span]string) error {
	added := coding.EvidenceAddition{From: ev.From, Coder: ch.By, At: ch.At.UTC()}
	var qs []quad.Quad
	for k, e := range ev.Spans {
		qs = append(qs, evidenceQuads(ev.Assertion, ev.From+k, e, &added, changeIRI(ch.ID))...)
	}
	lines := []string{evidenceLine(ev.Assertion, added, ev.Spans)}
	for _, e := range ev.Spans {
		if text := quotes[e]; text != "" {
			lines = append(lines, quoteLine(e, text))
		}
	}
	return s.write(ch, qs, lines...)
}

// Retract marks an assertion as retracted; it stays in the store.
func (s *Store) Retract(ch coding.Change, id, reason string) error {
	return s.write(ch, []quad.Quad{{Subject: assertionIRI(id), Predicate: predRetracted,
		Object: quad.String(stamp(ch.At) + "\t" + escapeField(ch.By) + "\t" + escapeField(reason)), Label: changeIRI(ch.ID)}},
		jsonLine(event{K: "retract", ID: id, Reason: reason}))
}

// AddMemo records a memo.
func (s *Store) AddMemo(ch coding.Change, m coding.Memo) error {
	n, l := memoIRI(m.ID), changeIRI(ch.ID)
	return s.write(ch, []quad.Quad{
		{Subject: n, Predicate: predType, Object: classMemo, Label: l},
		{Subject: n, Predicate: predTarget, Object: quad.String(m.Target), Label: l},
		{Subject: n, Predicate: predText, Object: quad.String(m.Text), Label: l},
		{Subject: n, Predicate: predBy, Object: quad.String(m.Author), Label: l},
		{Subject: n, Predicate: predCreated, Object: timeValue(m.Created.UTC()), Label: l},
	}, jsonLine(event{K: "memo", Memo: &m}))
}

// AddCode records an emergent code.
func (s *Store) AddCode(ch coding.Change, c coding.Code) error {
	n, l := classIRI(c.ID), changeIRI(ch.ID)
	qs := []quad.Quad{
		{Subject: n, Predicate: predType, Object: classCode, Label: l},
		{Subject: n, Predicate: predParent, Object: classIRI(c.Parent), Label: l},
		{Subject: n, Predicate: predBy, Object: quad.String(c.By), Label: l},
		{Subject: n, Predicate: predCreated, Object: timeValue(c.Created.UTC()), Label: l},
	}
	if c.Definition != "" {
		qs = append(qs, quad.Quad{Subject: n, Predicate: predDef, Object: quad.String(c.Definition), Label: l})
	}
	if c.Color != "" {
		qs = append(qs, quad.Quad{Subject: n, Predicate: predColor, Object: quad.String(c.Color), Label: l})
	}
	if c.Name != "" {
		qs = append(qs, quad.Quad{Subject: n, Predicate: predName, Object: quad.String(c.Name), Label: l})
	}
	if c.GUID != "" {
		qs = append(qs, quad.Quad{Subject: n, Predicate: predGUID, Object: quad.String(c.GUID), Label: l})
	}
	return s.write(ch, qs, jsonLine(event{K: "code", Code: &c}))
}

// PromoteCode records that an emergent code moved into the ontology under
// parent.
func (s *Store) PromoteCode(ch coding.Change, id, parent string) error {
	return s.write(ch, []quad.Quad{{Subject: classIRI(id), Predicate: predPromoted,
		Object: quad.String(stamp(ch.At) + "\t" + parent), Label: changeIRI(ch.ID)}},
		jsonLine(event{K: "promote", ID: id, Parent: parent}))
}

// AddExternalIDs records the users and coding GUIDs of a REFI-QDA file an
// import keeps: one JSON literal on the change's node.
func (s *Store) AddExternalIDs(ch coding.Change, x coding.ExternalIDs) error {
	b, err := json.Marshal(x)
	if err != nil {
		return err
	}
	return s.write(ch, []quad.Quad{{Subject: changeIRI(ch.ID), Predicate: predExternal,
		Object: quad.String(b), Label: changeIRI(ch.ID)}},
		jsonLine(event{K: "guids", GUIDs: &x}))
}

// AddRejections records suggestions that a coder rejected: one JSON
// literal on the change's node.
func (s *Store) AddRejections(ch coding.Change, rs []coding.Rejection) error {
	b, err := json.Marshal(rs)
	if err != nil {
		return err
	}
	return s.write(ch, []quad.Quad{{Subject: changeIRI(ch.ID), Predicate: predRejected,
		Object: quad.String(b), Label: changeIRI(ch.ID)}},
		jsonLine(event{K: "reject", Rejections: rs}))
}

// viewRejections reads the rejected suggestions.
func (s *Store) viewRejections(ctx context.Context, v *coding.View) error {
	return s.quads(ctx, quad.Predicate, predRejected, func(q quad.Quad) error {
		var rs []coding.Rejection
		if err := json.Unmarshal([]byte(stringOf(q.Object)), &rs); err != nil {
			return fmt.Errorf("%s: rejections: %w", q.Subject, err)
		}
		v.Rejections = append(v.Rejections, rs...)
		return nil
	})
}

// viewExternal reads the external ids every import recorded.
func (s *Store) viewExternal(ctx context.Context, v *coding.View) error {
	return s.quads(ctx, quad.Predicate, predExternal, func(q quad.Quad) error {
		var x coding.ExternalIDs
		if err := json.Unmarshal([]byte(stringOf(q.Object)), &x); err != nil {
			return fmt.Errorf("%s: external ids: %w", q.Subject, err)
		}
		v.ExternalUsers = append(v.ExternalUsers, x.Users...)
		v.CodingGUIDs = append(v.CodingGUIDs, x.Codings...)
		return nil
	})
}

// View rebuilds the current state of every coding record from the graph.
// It reads the whole graph; commands read the projection instead (see
// Projection), which View is the reference for.
func (s *Store) View() (*coding.View, error) {
	ctx := context.Background()
	v := &coding.View{}
	changes, err := s.Changes(ctx)
	if err != nil {
		return nil, err
	}
	v.Changes = changes
	docs, err := s.DocumentIDs(ctx)
	if err != nil {
		return nil, err
	}
	for _, d := range docs {
		if err := s.viewDoc(ctx, d, v); err != nil {
			return nil, err
		}
	}
	var ec entityChanges
	if err := s.viewEntities(ctx, v, &ec); err != nil {
		return nil, err
	}
	if err := s.viewAssertions(ctx, v); err != nil {
		return nil, err
	}
	if err := s.viewMemos(ctx, v); err != nil {
		return nil, err
	}
	if err := s.viewCodes(ctx, v); err != nil {
		return nil, err
	}
	if err := s.viewUsers(ctx, v); err != nil {
		return nil, err
	}
	if err := s.viewSpeakers(ctx, v); err != nil {
		return nil, err
	}
	ec.settle(v)
	if err := s.viewRejections(ctx, v); err != nil {
		return nil, err
	}
	if err := s.viewExternal(ctx, v); err != nil {
		return nil, err
	}
	v.Sort()
	return v, nil
}

// viewDoc reads a document's codings and mentions (one label look-up). It
// reads both vocabularies: the nodes written now (codingQuads, Recode,
// Uncode, AddMentions) and the compact <qg:record> quads, "TIME\tCODE\tBY"
// <qg:recoded> literals and <qg:mentions> edges written before codings
// were nodes, so that a graph written by an older version, or partly by
// each, reads back whole.
func (s *Store) viewDoc(ctx context.Context, doc string, v *coding.View) error {
	type recode struct {
		at   time.Time
		tie  string // breaks a tie of one instant ("CODE\tBY" of a literal)
		code string
	}
	type node struct {
		typed bool
		c     coding.Coding // a mention keeps its entity in Code
	}
	nodes := map[quad.Value]*node{}
	nodeOf := func(n quad.Value) *node {
		p := nodes[n]
		if p == nil {
			p = &node{}
			nodes[n] = p
		}
		return p
	}
	removed := map[string]bool{}
	recodes := map[string]recode{}
	latest := func(id string, at time.Time, tie, code string) {
		if r, ok := recodes[id]; !ok || later(at, tie, r.at, r.tie) {
			recodes[id] = recode{at, tie, code}
		}
	}
	type recodeNode struct {
		coding, code string
		at           time.Time
	}
	recodeNodes := map[quad.Value]*recodeNode{}
	err := s.quads(ctx, quad.Label, docIRI(doc), func(q quad.Quad) error {
		if iri, ok := q.Subject.(quad.IRI); ok && strings.HasPrefix(string(iri), nsRecode) {
			r := recodeNodes[q.Subject]
			if r == nil {
				r = &recodeNode{}
				recodeNodes[q.Subject] = r
			}
			switch q.Predicate {
			case predCoding:
				r.coding = idOf(q.Object, nsCoding)
			case predCode:
				r.code = idOf(q.Object, nsClass)
			case predAt:
				r.at, _ = timeOf(q.Object)
			}
			return nil
		}
		switch q.Predicate {
		case predType:
			nodeOf(q.Subject).typed = q.Object == classCoding || q.Object == classMention
		case predDocument:
			nodeOf(q.Subject).c.Doc = idOf(q.Object, nsDoc)
		case predCode:
			nodeOf(q.Subject).c.Code = idOf(q.Object, nsClass)
		case predEntity:
			nodeOf(q.Subject).c.Code = idOf(q.Object, nsEntity)
		case predStart:
			if i, ok := q.Object.(quad.Int); ok {
				nodeOf(q.Subject).c.Start = int(i)
			}
		case predEnd:
			if i, ok := q.Object.(quad.Int); ok {
				nodeOf(q.Subject).c.End = int(i)
			}
		case predCoder:
			nodeOf(q.Subject).c.Coder = stringOf(q.Object)
		case predCreated:
			nodeOf(q.Subject).c.Created, _ = timeOf(q.Object)
		case predMemo:
			nodeOf(q.Subject).c.Memo = stringOf(q.Object)
		case predSuggested:
			nodeOf(q.Subject).c.Suggested = parseSuggested(stringOf(q.Object), 0)
		case predRecord:
			d, st, en, what, coder, created, memo, err := parseRecord(stringOf(q.Object))
			if err != nil {
				return fmt.Errorf("%s: %w", q.Subject, err)
			}
			n := nodeOf(q.Subject)
			n.typed = true
			n.c = coding.Coding{Span: coding.Span{Doc: d, Start: st, End: en}, Code: what, Coder: coder, Created: created, Memo: memo,
				Suggested: parseSuggested(stringOf(q.Object), 7)}
		case predUncoded:
			removed[idOf(q.Subject, nsCoding)] = true
		case predRecoded:
			at, rest, err := parseStamped(stringOf(q.Object))
			if err != nil {
				return fmt.Errorf("%s: %w", q.Subject, err)
			}
			code, _, _ := strings.Cut(rest, "\t")
			latest(idOf(q.Subject, nsCoding), at, rest, code)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, r := range recodeNodes {
		if r.coding != "" && r.code != "" {
			latest(r.coding, r.at, r.code, r.code)
		}
	}
	for n, p := range nodes {
		if !p.typed {
			continue
		}
		c := p.c
		if id := idOf(n, nsCoding); id != "" {
			if removed[id] {
				continue
			}
			if r, ok := recodes[id]; ok {
				c.Code = r.code
			}
			c.ID = id
			v.Codings = append(v.Codings, c)
		} else if id := idOf(n, nsMention); id != "" {
			v.Mentions = append(v.Mentions, coding.Mention{ID: id, Span: c.Span, Entity: c.Code, Coder: c.Coder, Created: c.Created})
		}
	}
	return nil
}

// subjects returns the subjects typed class.
func (s *Store) subjects(ctx context.Context, class quad.IRI) ([]quad.Value, error) {
	var out []quad.Value
	err := s.quads(ctx, quad.Object, class, func(q quad.Quad) error {
		if q.Predicate == predType {
			out = append(out, q.Subject)
		}
		return nil
	})
	return out, err
}

// viewEntities reads the entities into v, and the changes to them (see
// ChangeEntity) into ec, which needs v.Changes read.
func (s *Store) viewEntities(ctx context.Context, v *coding.View, ec *entityChanges) error {
	nodes, err := s.subjects(ctx, classEntity)
	if err != nil {
		return err
	}
	changes := map[string]coding.Change{}
	for _, ch := range v.Changes {
		changes[ch.ID] = ch
	}
	for _, n := range nodes {
		e := coding.Entity{ID: idOf(n, nsEntity)}
		var renamedAt time.Time
		renamedKey := ""
		err := s.quads(ctx, quad.Subject, n, func(q quad.Quad) error {
			switch q.Predicate {
			case predRenamed:
				at, name, err := parseStamped(stringOf(q.Object))
				if err != nil {
					return fmt.Errorf("%s: %w", q.Subject, err)
				}
				if renamedKey == "" || later(at, name, renamedAt, renamedKey) {
					ec.init()
					renamedAt, renamedKey = at, name
					ec.names[e.ID] = unescapeField(name)
				}
			case predMergedInto:
				ec.init()
				ec.into[e.ID] = idOf(q.Object, nsEntity)
			case predRemoved:
				ec.init()
				ch := changes[idOf(q.Label, nsChange)]
				g := ec.gone[e.ID]
				g.Change, g.By, g.At = ch.ID, ch.By, ch.At.UTC()
				ec.gone[e.ID] = g
			case predAlias:
				// Aliases added later are quads like those of creation.
				e.Aliases = append(e.Aliases, stringOf(q.Object))
			case predClass:
				e.Type = idOf(q.Object, nsClass)
			case predName:
				e.Name = stringOf(q.Object)
			default:
				if p, ok := q.Predicate.(quad.IRI); ok && strings.HasPrefix(string(p), predAttrNS) {
					if e.Attrs == nil {
						e.Attrs = map[string]string{}
					}
					e.Attrs[string(p)[len(predAttrNS):]] = stringOf(q.Object)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		e.Aliases = slices.Compact(slices.Sorted(slices.Values(e.Aliases)))
		if into, ok := ec.into[e.ID]; ok {
			g := ec.gone[e.ID]
			g.Into = into
			ec.gone[e.ID] = g
		}
		v.Entities = append(v.Entities, e)
	}
	return nil
}

func (s *Store) viewAssertions(ctx context.Context, v *coding.View) error {
	nodes, err := s.subjects(ctx, classAssertion)
	if err != nil {
		return err
	}
	for _, n := range nodes {
		a := coding.Assertion{ID: idOf(n, nsAssertion)}
		type ev struct {
			i  int
			s  coding.Span
			by string    // who added it, if it was added later
			at time.Time // when
		}
		var evs []ev
		var retractedAt time.Time
		retractedKey := "" // "BY\tREASON", the tie-break of one instant
		err := s.quads(ctx, quad.Subject, n, func(q quad.Quad) error {
			switch q.Predicate {
			case predSubject:
				a.Subject = idOf(q.Object, nsEntity)
			case predRelation:
				a.Relation = idOf(q.Object, nsRel)
			case predObject:
				a.Object = objectOf(q.Object)
			case predPractice:
				a.Practice = idOf(q.Object, nsClass)
			case predPhase:
				a.Phase = idOf(q.Object, nsClass)
			case predPolarity:
				a.Polarity = coding.Polarity(stringOf(q.Object))
			case predConf:
				if f, ok := q.Object.(quad.Float); ok {
					a.Confidence = float64(f)
				}
			case predCoder:
				a.Coder = stringOf(q.Object)
			case predCreated:
				if t, ok := timeOf(q.Object); ok {
					a.Created = t
				}
			case predMemo:
				a.Memo = stringOf(q.Object)
			case predSuggested:
				a.Suggested = parseSuggested(stringOf(q.Object), 0)
			case predEvidence: // the old vocabulary: a literal per span
				f := strings.Split(stringOf(q.Object), "\t")
				if len(f) == 4 {
					i, _ := strconv.Atoi(f[0])
					st, _ := strconv.Atoi(f[2])
					en, _ := strconv.Atoi(f[3])
					evs = append(evs, ev{i: i, s: coding.Span{Doc: f[1], Start: st, End: en}})
				}
			case predRetracted:
				at, rest, err := parseStamped(stringOf(q.Object))
				if err != nil {
					return fmt.Errorf("%s: %w", q.Subject, err)
				}
				if _, reason, ok := strings.Cut(rest, "\t"); ok && (!a.Retracted || later(at, rest, retractedAt, retractedKey)) {
					retractedAt, retractedKey = at, rest
					a.Retracted, a.Reason = true, unescapeField(reason)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		// The evidence nodes that point to the assertion.
		err = s.quads(ctx, quad.Object, n, func(q quad.Quad) error {
			if q.Predicate != predAssert {
				return nil
			}
			e := ev{i: -1}
			err := s.quads(ctx, quad.Subject, q.Subject, func(q quad.Quad) error {
				switch q.Predicate {
				case predCoder:
					e.by = stringOf(q.Object)
				case predCreated:
					e.at, _ = timeOf(q.Object)
				case predIndex:
					if i, ok := q.Object.(quad.Int); ok {
						e.i = int(i)
					}
				case predDocument:
					e.s.Doc = idOf(q.Object, nsDoc)
				case predStart:
					if i, ok := q.Object.(quad.Int); ok {
						e.s.Start = int(i)
					}
				case predEnd:
					if i, ok := q.Object.(quad.Int); ok {
						e.s.End = int(i)
					}
				}
				return nil
			})
			if e.i >= 0 {
				evs = append(evs, e)
			}
			return err
		})
		if err != nil {
			return err
		}
		sort.Slice(evs, func(i, j int) bool { return evs[i].i < evs[j].i })
		for i, e := range evs {
			a.Evidence = append(a.Evidence, e.s)
			// Spans added later carry their coder and time; a run of
			// spans with the same ones is one addition.
			if e.by == "" && e.at.IsZero() {
				continue
			}
			if n := len(a.Additions); n == 0 || a.Additions[n-1].Coder != e.by || !a.Additions[n-1].At.Equal(e.at) {
				a.Additions = append(a.Additions, coding.EvidenceAddition{From: i, Coder: e.by, At: e.at})
			}
		}
		v.Assertions = append(v.Assertions, a)
	}
	return nil
}

func (s *Store) viewMemos(ctx context.Context, v *coding.View) error {
	nodes, err := s.subjects(ctx, classMemo)
	if err != nil {
		return err
	}
	for _, n := range nodes {
		m := coding.Memo{ID: idOf(n, nsMemo)}
		err := s.quads(ctx, quad.Subject, n, func(q quad.Quad) error {
			switch q.Predicate {
			case predTarget:
				m.Target = stringOf(q.Object)
			case predText:
				m.Text = stringOf(q.Object)
			case predBy:
				m.Author = stringOf(q.Object)
			case predCreated:
				if t, ok := timeOf(q.Object); ok {
					m.Created = t
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		v.Memos = append(v.Memos, m)
	}
	return nil
}

func (s *Store) viewCodes(ctx context.Context, v *coding.View) error {
	nodes, err := s.subjects(ctx, classCode)
	if err != nil {
		return err
	}
	for _, n := range nodes {
		c := coding.Code{ID: idOf(n, nsClass)}
		var promotedAt time.Time
		promotedTo := "" // apart from c.Parent, which the <qg:parent> quad sets in any order
		err := s.quads(ctx, quad.Subject, n, func(q quad.Quad) error {
			switch q.Predicate {
			case predParent:
				c.Parent = idOf(q.Object, nsClass)
			case predDef:
				c.Definition = stringOf(q.Object)
			case predColor:
				c.Color = stringOf(q.Object)
			case predName:
				c.Name = stringOf(q.Object)
			case predGUID:
				c.GUID = stringOf(q.Object)
			case predBy:
				c.By = stringOf(q.Object)
			case predCreated:
				if t, ok := timeOf(q.Object); ok {
					c.Created = t
				}
			case predPromoted:
				at, parent, err := parseStamped(stringOf(q.Object))
				if err != nil {
					return fmt.Errorf("%s: %w", q.Subject, err)
				}
				if !c.Promoted || later(at, parent, promotedAt, promotedTo) {
					promotedAt, c.Promoted, promotedTo = at, true, parent
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		if c.Promoted {
			c.Parent = promotedTo
		}
		v.Codes = append(v.Codes, c)
	}
	return nil
}

var _ coding.Store = (*Store)(nil)

// assertionLine is an assertion's line in the projection:
//
//	A ID SUBJECT RELATION OBJECT PRACTICE PHASE POLARITY CONFIDENCE CODER CREATED EVIDENCE MEMO [MODEL SCORE]
//
// with EVIDENCE as DOC:START-END joined by commas, and MODEL and SCORE
// those of an accepted suggestion (Assertion.Suggested). Tab-separated, because
// decoding twenty thousand of them as JSON cost most of a query's time.
// The texts of the evidence are not in it but in quotes.log (Q lines), so
// that the queries that need no quotes do not read them.
func assertionLine(a coding.Assertion) string {
	ev := make([]string, len(a.Evidence))
	for i, e := range a.Evidence {
		ev[i] = e.String()
	}
	line := strings.Join([]string{"A", a.ID, a.Subject, a.Relation, a.Object, a.Practice, a.Phase, string(a.Polarity),
		strconv.FormatFloat(a.Confidence, 'g', -1, 64), escapeField(a.Coder), stamp(a.Created),
		strings.Join(ev, ","), escapeField(a.Memo)}, "\t")
	if a.Suggested != nil {
		line += "\t" + suggestedValue(a.Suggested)
	}
	return line
}

// assertionLines are the lines of an assertion in the projection: its
// line with the evidence it was made with, then an evidence line for each
// addition (see evidenceLine).
func assertionLines(a coding.Assertion) []string {
	if len(a.Additions) == 0 {
		return []string{assertionLine(a)}
	}
	own := a
	own.Evidence, own.Additions = a.Evidence[:min(a.Additions[0].From, len(a.Evidence))], nil
	lines := []string{assertionLine(own)}
	for k, ad := range a.Additions {
		end := len(a.Evidence)
		if k+1 < len(a.Additions) {
			end = a.Additions[k+1].From
		}
		if ad.From < end && end <= len(a.Evidence) {
			lines = append(lines, evidenceLine(a.ID, ad, a.Evidence[ad.From:end]))
		}
	}
	return lines
}

// evidenceLine is the projection's line for spans added to the evidence of
// assertion id:
//
//	J {"k":"evidence","id":ID,"added":{"from":…,"coder":…,"at":…},"spans":[…]}
func evidenceLine(id string, added coding.EvidenceAddition, spans []coding.Span) string {
	return jsonLine(event{K: "evidence", ID: id, Added: &added, Spans: spans})
}

// assertionParser parses assertion lines. It keeps what the lines of one
// replay share: the time of the last line (a write's assertions share
// their time) and a slab that the evidence of many assertions is cut from.
type assertionParser struct {
	stamp string
	at    time.Time
	spans []coding.Span
}

// parse parses an assertion line after its "A\t".
func (p *assertionParser) parse(rest string) (coding.Assertion, error) {
	var f [12]string
	for i := range 11 {
		var ok bool
		if f[i], rest, ok = strings.Cut(rest, "\t"); !ok {
			return coding.Assertion{}, fmt.Errorf("bad assertion record: %d fields", i+1)
		}
	}
	var sg *coding.Suggestion
	if memo, suggested, ok := strings.Cut(rest, "\t"); ok {
		// MODEL\tSCORE of an accepted suggestion.
		if strings.Count(suggested, "\t") != 1 {
			return coding.Assertion{}, fmt.Errorf("bad assertion record: %d fields", 13+strings.Count(suggested, "\t"))
		}
		if sg = parseSuggested(suggested, 0); sg == nil {
			return coding.Assertion{}, fmt.Errorf("bad assertion record: suggestion %q", suggested)
		}
		rest = memo
	}
	f[11] = rest
	a := coding.Assertion{ID: f[0], Subject: f[1], Relation: f[2], Object: f[3], Practice: f[4], Phase: f[5],
		Polarity: coding.Polarity(f[6]), Coder: unescapeField(f[8]), Memo: unescapeField(f[11]), Suggested: sg}
	var err error
	if a.Confidence, err = strconv.ParseFloat(f[7], 64); err != nil {
		return a, err
	}
	if f[9] != p.stamp || p.stamp == "" {
		if p.at, err = time.Parse(time.RFC3339Nano, f[9]); err != nil {
			return a, err
		}
		p.stamp = f[9]
	}
	a.Created = p.at
	if f[10] != "" {
		n := strings.Count(f[10], ",") + 1
		if len(p.spans) < n {
			p.spans = make([]coding.Span, max(n, 1024))
		}
		// Full slice expressions: an append to one assertion's evidence
		// must not write over the next one's.
		a.Evidence, p.spans = p.spans[:0:n], p.spans[n:]
		for e := range strings.SplitSeq(f[10], ",") {
			// DOC:START-END; document ids hold no colon.
			doc, rng, ok1 := strings.Cut(e, ":")
			st, en, ok2 := strings.Cut(rng, "-")
			s, err1 := strconv.Atoi(st)
			n, err2 := strconv.Atoi(en)
			if !ok1 || !ok2 || err1 != nil || err2 != nil {
				return a, fmt.Errorf("bad evidence %q", e)
			}
			a.Evidence = append(a.Evidence, coding.Span{Doc: doc, Start: s, End: n})
		}
	}
	return a, nil
}
