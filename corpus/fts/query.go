package fts

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bindex "github.com/blevesearch/bleve_index_api"
)

// Query syntax
//
// A query is a list of clauses separated by white space:
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
// Clauses without + or - are optional, but at least one of them must match
// (so "+cluster policy innovation" finds segments with cluster and with
// policy or innovation). A field clause without + or - is a filter: it must
// match; several such clauses on the same field are alternatives, so
// "speaker:lin speaker:wang cluster" finds cluster in turns of Lin or Wang.
// A term that contains letters and Chinese characters ("AI产业") or parts
// joined by a hyphen ("start-up") is a phrase of its parts. A phrase
// matches all its words, stop words included, in order, and its hit covers
// the whole phrase: "leads to" does not find "lead" alone, and "lock-in"
// finds "lock-in", not "lock". Each word of a phrase is stemmed, as a term
// is. A prefix is letters and digits followed by *; it finds the words
// that start with it (or with its stem), up to 1,024 distinct words. An
// empty query finds every segment (useful with filters). Inside quotes, \"
// and \\ stand for " and \. Fuzziness is ignored for Chinese terms.

// QueryError is a syntax error in a query. Offset counts code points from
// the start of the query, where the problem was found.
type QueryError struct {
	Query  string
	Offset int
	Msg    string
}

func (e *QueryError) Error() string {
	return fmt.Sprintf("query %q: %s at offset %d", e.Query, e.Msg, e.Offset)
}

// SearchRequest is what to search for. Kind, Attrs and Speaker restrict the
// search to segments of documents of that kind, with all those attribute
// values, and of that speaker; they ignore case.
type SearchRequest struct {
	Query   string            // see the query syntax above
	Kind    string            // document kind, or "" for any
	Attrs   map[string]string // attribute key -> canonical value
	Speaker string            // speaker of the segment, or "" for any
	Limit   int               // maximum number of hits; 0 means no limit
	// SpeakerLabels, if not nil, returns the labels whose turns are those
	// of a speaker named in Speaker or in a speaker:NAME clause (the
	// speaker's own label and its aliases); a segment of any of them
	// matches. Nil matches the name as given.
	SpeakerLabels func(speaker string) []string
}

// Hit is one place where a query matched: the code-point range [Start, End)
// of document Doc's text. Where the query has no text to match (only
// filters, or only - clauses) a hit is a whole segment.
type Hit struct {
	Doc     string  // document id
	Name    string  // document name
	Start   int     // code-point offset into the document's text
	End     int     // exclusive
	Speaker string  // the segment's speaker, or ""
	Score   float64 // relevance of the segment; hits in one segment share it
}

// Search returns the hits of req, best first: by descending score, then
// document id, then start. It returns a *QueryError if req.Query is not a
// valid query.
func (ix *Index) Search(req SearchRequest) ([]Hit, error) {
	hits, _, err := ix.SearchCount(req)
	return hits, err
}

// SearchCount is Search that also returns the number of units (segments)
// that match req, as CountUnits counts them, which its search finds
// anyway.
func (ix *Index) SearchCount(req SearchRequest) ([]Hit, int, error) {
	clauses, err := parseQuery(req.Query)
	if err != nil {
		return nil, 0, err
	}
	cq := ix.compile(clauses, req)
	if cq.q == nil {
		return nil, 0, nil
	}
	var hits []Hit
	units := 0
	err = ix.withReader(func(r bindex.IndexReader) error {
		rs := ix.newResolver(r)
		res, total, err := ix.searchUnits(r, cq, req.Limit, rs)
		units = total
		if err != nil {
			return err
		}
		var sp []span
		for _, m := range res {
			u, ok := rs.unit(m.ID)
			if !ok {
				continue // deleted since
			}
			h := Hit{Doc: u.doc, Name: u.name, Speaker: u.speaker, Score: m.Score}
			sp = spans(sp[:0], m.Locations[fieldText], cq.pats)
			if len(sp) == 0 {
				h.Start, h.End = u.start, u.end
				hits = append(hits, h)
				continue
			}
			for _, s := range sp {
				h.Start, h.End = u.start+s.start, u.start+s.end
				hits = append(hits, h)
			}
		}
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("fts: search: %w", err)
	}
	slices.SortFunc(hits, func(a, b Hit) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		if c := strings.Compare(a.Doc, b.Doc); c != 0 {
			return c
		}
		return cmp.Compare(a.Start, b.Start)
	})
	if req.Limit > 0 && len(hits) > req.Limit {
		hits = hits[:req.Limit]
	}
	return hits, units, nil
}

// CountUnits returns how many units (segments) match req, without reading
// their term locations: a cheap bound for a search whose hits would be too
// many to count one by one. For a phrase that needs checking word by word
// (one with stop words or hyphens) it counts the units that hold its words,
// an upper bound.
func (ix *Index) CountUnits(req SearchRequest) (int, error) {
	clauses, err := parseQuery(req.Query)
	if err != nil {
		return 0, err
	}
	cq := ix.compile(clauses, req)
	if cq.q == nil {
		return 0, nil
	}
	res, err := ix.bi.Search(bleve.NewSearchRequestOptions(cq.q, 0, 0, false))
	if err != nil {
		return 0, fmt.Errorf("fts: count: %w", err)
	}
	return int(res.Total), nil
}

// searchUnits returns the best limit units for cq, or all if limit is 0,
// with their term locations if cq.locs. Every unit outside the result
// scores lower than those inside, or the same and comes later by document
// id and start. r is a reader of the index, open for the whole search;
// rs resolves unit ids through it. It also returns the number of units
// that match cq.q.
func (ix *Index) searchUnits(r bindex.IndexReader, cq compiled, limit int, rs *resolver) (search.DocumentMatchCollection, int, error) {
	// No search returns more units than the index holds, so a limit over
	// that (up to math.MaxInt) asks for them all; the sizes below then
	// cannot overflow.
	count, err := ix.bi.DocCount()
	if err != nil || count == 0 {
		return nil, 0, err
	}
	n := int(min(count, uint64(math.MaxInt32)))
	if limit <= 0 || limit > n {
		limit = n
	}
	if cq.check != nil && cq.bare {
		hits, total, ok, err := ix.fastPhrase(r, cq.check, limit, rs)
		if ok || err != nil {
			return hits, total, err
		}
	}
	// Reading term locations for every matching unit costs more than
	// scoring it, so score first, then read the locations of the best.
	//
	// Bleve cannot break ties by document and start, and breaking them by
	// unit id means reading every matching unit's id. Sorting by score
	// alone is cheap, so ask for more units than needed and, while the
	// last one ties with the limit-th, for more; then break the ties here. With a phrase to check, ask for more again
	// until enough units pass.
	size := limit + 1
	if cq.check != nil {
		size = 2*limit + 10
	}
	for ; ; size *= 4 {
		size = min(size, n+1)
		sr := bleve.NewSearchRequestOptions(cq.q, size, 0, false)
		res, err := ix.bi.Search(sr)
		if err != nil {
			return nil, 0, err
		}
		total := int(res.Total)
		hits := res.Hits
		all := len(hits) < size
		if cq.check != nil {
			if hits, err = ix.checkPhrase(r, hits, cq.check); err != nil {
				return nil, 0, err
			}
		}
		// Each unit is resolved once, not at each comparison.
		ranked := make([]rankedUnit, len(hits))
		for i, h := range hits {
			u, _ := rs.unit(h.ID)
			ranked[i] = rankedUnit{h, u.doc, u.start}
		}
		slices.SortStableFunc(ranked, func(a, b rankedUnit) int {
			if c := cmp.Compare(b.hit.Score, a.hit.Score); c != 0 {
				return c
			}
			return cmp.Or(strings.Compare(a.doc, b.doc), cmp.Compare(a.start, b.start))
		})
		for i, u := range ranked {
			hits[i] = u.hit
		}
		// Units outside the result score at most as much as the last
		// one asked for, so those that score more are certain.
		if !all && (len(hits) < limit || hits[limit-1].Score <= res.Hits[len(res.Hits)-1].Score) {
			continue
		}
		hits = hits[:min(limit, len(hits))]
		if !cq.locs || cq.check != nil || len(hits) == 0 {
			return hits, total, nil
		}
		hits, err = ix.locations(cq.q, hits)
		return hits, total, err
	}
}

// rankedUnit is a matching unit with what orders it after its score.
type rankedUnit struct {
	hit   *search.DocumentMatch
	doc   string
	start int
}

// locations sets the term locations of hits, units that match q.
func (ix *Index) locations(q query.Query, hits search.DocumentMatchCollection) (search.DocumentMatchCollection, error) {
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	q = query.NewConjunctionQuery([]query.Query{q, query.NewDocIDQuery(ids)})
	sr := bleve.NewSearchRequestOptions(q, len(ids), 0, false)
	sr.IncludeLocations = true
	res, err := ix.bi.Search(sr)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]search.FieldTermLocationMap, len(res.Hits))
	for _, h := range res.Hits {
		byID[h.ID] = h.Locations
	}
	for _, h := range hits {
		h.Locations = byID[h.ID]
	}
	return hits, nil
}

// checkPhrase keeps the hits, units that have all of p's terms, in which
// p's terms stand in a row, and sets their locations to those occurrences.
//
// bleve's phrase search scores a unit exactly as the conjunction of the
// phrase's terms does, but reads the term locations of every unit with all
// the terms and copies them several times over. Searching for the
// conjunction and checking only the best units is much faster for common
// phrases ("local government", or any Chinese word of three characters,
// which is a phrase of bigrams).
func (ix *Index) checkPhrase(r bindex.IndexReader, hits search.DocumentMatchCollection, p pattern) (search.DocumentMatchCollection, error) {
	// The hits come from the snapshot of the index that bleve's search
	// read. If r reads the same one, their internal ids hold in r;
	// otherwise (the index changed since r was opened) find them in r by
	// id.
	same, err := ix.sameSnapshot(r)
	if err != nil {
		return nil, err
	}
	type cand struct {
		id  bindex.IndexInternalID
		hit *search.DocumentMatch
	}
	cands := make([]cand, 0, len(hits))
	for _, h := range hits {
		id := h.IndexInternalID
		if !same || id == nil {
			if id, err = r.InternalID(h.ID); err != nil {
				return nil, err
			}
		}
		if id != nil {
			cands = append(cands, cand{id, h})
		}
	}
	slices.SortFunc(cands, func(a, b cand) int { return a.id.Compare(b.id) })

	var terms []string
	for _, slot := range p {
		if len(slot) == 1 && !slices.Contains(terms, slot[0]) {
			terms = append(terms, slot[0])
		}
	}
	readers := make([]bindex.TermFieldReader, len(terms))
	defer func() {
		for _, tr := range readers {
			if tr != nil {
				tr.Close()
			}
		}
	}()
	for i, t := range terms {
		tr, err := r.TermFieldReader(context.Background(), []byte(t), fieldText, true, false, true)
		if err != nil {
			return nil, err
		}
		readers[i] = tr
	}

	// at[i] holds the occurrences of terms[i] in the candidate, by
	// position; slot[k] is the index in terms of p[k]'s term, or -1.
	at := make([][]*bindex.TermFieldVector, len(terms))
	slot := make([]int, len(p))
	for k, s := range p {
		slot[k] = -1
		if len(s) == 1 {
			slot[k] = slices.Index(terms, s[0])
		}
	}
	first := slices.Index(terms, p[0][0])
	// One TermFieldDoc per reader, reused: at[i] holds on to its vectors
	// only until the next candidate.
	docs := make([]bindex.TermFieldDoc, len(readers))
	var out search.DocumentMatchCollection
	for _, c := range cands {
		if first < 0 {
			break // the first position has alternatives: nothing to check
		}
		ok := true
		for i, tr := range readers {
			d, err := tr.Advance(c.id, &docs[i])
			if err != nil {
				return nil, err
			}
			if d == nil || !d.ID.Equals(c.id) {
				ok = false
				break
			}
			at[i] = byPos(at[i][:0], d.Vectors)
		}
		if !ok {
			continue
		}
		if tlm := phraseLocations(p, terms, slot, first, at); tlm != nil {
			c.hit.Locations = search.FieldTermLocationMap{fieldText: tlm}
			out = append(out, c.hit)
		}
	}
	return out, nil
}

// phraseLocations returns the locations of p's occurrences in a unit, or
// nil if it has none: at[i] holds the occurrences of terms[i] in the unit,
// by position; slot[k] is the index in terms of p[k]'s term, or -1; first
// is slot[0], not -1.
func phraseLocations(p pattern, terms []string, slot []int, first int, at [][]*bindex.TermFieldVector) search.TermLocationMap {
	var tlm search.TermLocationMap
	for _, v := range at[first] {
		match := true
		for k := 1; k < len(p) && match; k++ {
			if slot[k] >= 0 {
				match = vectorAt(at[slot[k]], v.Pos+uint64(k)) != nil
			}
		}
		if !match {
			continue
		}
		if tlm == nil {
			tlm = search.TermLocationMap{}
		}
		for k, i := range slot {
			if i >= 0 {
				w := vectorAt(at[i], v.Pos+uint64(k))
				tlm.AddLocation(terms[i], &search.Location{Pos: w.Pos, Start: w.Start, End: w.End})
			}
		}
	}
	return tlm
}

// sameSnapshot reports whether the index's current snapshot is the one r
// reads: then nothing has changed the index since r was opened, and a
// search made in between read r's snapshot too.
func (ix *Index) sameSnapshot(r bindex.IndexReader) (bool, error) {
	if ix.noSnapshotReuse {
		return false, nil
	}
	adv, err := ix.bi.Advanced()
	if err != nil {
		return false, err
	}
	now, err := adv.Reader()
	if err != nil {
		return false, err
	}
	// A snapshot is a pointer that stays alive while r holds it, so
	// another one cannot take its address.
	_, ok := r.(*scorch.IndexSnapshot)
	same := ok && now == r
	return same, now.Close()
}

// byPos appends vs to dst, sorted by position.
func byPos(dst, vs []*bindex.TermFieldVector) []*bindex.TermFieldVector {
	dst = append(dst, vs...)
	if !slices.IsSortedFunc(dst, cmpPos) {
		slices.SortFunc(dst, cmpPos)
	}
	return dst
}

func cmpPos(a, b *bindex.TermFieldVector) int { return cmp.Compare(a.Pos, b.Pos) }

// vectorAt returns the occurrence at position pos of vs, sorted by
// position, or nil.
func vectorAt(vs []*bindex.TermFieldVector, pos uint64) *bindex.TermFieldVector {
	i, ok := slices.BinarySearchFunc(vs, pos, func(v *bindex.TermFieldVector, pos uint64) int { return cmp.Compare(v.Pos, pos) })
	if !ok {
		return nil
	}
	return vs[i]
}

// occur says how a clause takes part in a query.
type occur int

const (
	should occur = iota
	must
	mustNot
)

// clause is one parsed query clause.
type clause struct {
	occur  occur
	field  string // "" for text; speaker, kind, doc or attr.KEY
	text   string // the term, phrase or value, unquoted
	phrase bool   // text was quoted
	fuzzy  int    // edits allowed, 0 for exact
	prefix bool   // text ended in *: find the words that start with it
	off    int    // code-point offset of the clause in the query
}

// parseQuery parses q into clauses.
func parseQuery(q string) ([]clause, error) {
	p := parser{q: q}
	var cs []clause
	for {
		p.skipSpace()
		if p.eof() {
			return cs, nil
		}
		c, err := p.clause()
		if err != nil {
			return nil, err
		}
		cs = append(cs, c)
	}
}

type parser struct {
	q   string
	i   int // byte offset
	off int // code-point offset of i
}

func (p *parser) eof() bool { return p.i >= len(p.q) }

func (p *parser) peek() rune {
	r, _ := utf8.DecodeRuneInString(p.q[p.i:])
	return r
}

func (p *parser) next() rune {
	r, n := utf8.DecodeRuneInString(p.q[p.i:])
	p.i += n
	p.off++
	return r
}

func (p *parser) skipSpace() {
	for !p.eof() && unicode.IsSpace(p.peek()) {
		p.next()
	}
}

func (p *parser) errorf(off int, format string, args ...any) error {
	return &QueryError{Query: p.q, Offset: off, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) clause() (clause, error) {
	c := clause{off: p.off}
	switch p.peek() {
	case '+':
		c.occur = must
		p.next()
	case '-':
		c.occur = mustNot
		p.next()
	}
	if p.eof() || unicode.IsSpace(p.peek()) {
		return c, p.errorf(c.off, "%c must be followed by a term, phrase or field", p.q[p.i-1])
	}
	if p.peek() == '+' || p.peek() == '-' && c.occur != should {
		return c, p.errorf(p.off, "unexpected %c", p.peek())
	}
	if p.peek() == '"' {
		s, err := p.quoted()
		if err != nil {
			return c, err
		}
		c.text, c.phrase = s, true
		if !p.eof() && p.peek() == '~' {
			return c, p.errorf(p.off, "~ after a phrase is not supported")
		}
		return c, p.end()
	}

	// A bare word, possibly field:value, possibly ending in ~ or ~N.
	start, startOff := p.i, p.off
	for !p.eof() {
		r := p.peek()
		if unicode.IsSpace(r) || r == '"' || r == '~' {
			break
		}
		if r == ':' {
			if f, ok := queryField(p.q[start:p.i]); ok {
				colon := p.off
				p.next()
				return p.fieldValue(c, f, colon)
			} else if isIdent(p.q[start:p.i]) {
				return c, p.errorf(startOff, "unknown field %q (want speaker, kind, doc or attr.KEY)", p.q[start:p.i])
			}
		}
		p.next()
	}
	c.text = p.q[start:p.i]
	if c.text == "" {
		return c, p.errorf(p.off, "unexpected %c", p.peek())
	}
	if w, ok := strings.CutSuffix(c.text, "*"); ok {
		for _, r := range w {
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) || hasHan(string(r)) {
				return c, p.errorf(startOff, "a prefix must be letters and digits followed by * (as in dron*)")
			}
		}
		if w == "" {
			return c, p.errorf(startOff, "* must follow a prefix (as in dron*)")
		}
		if !p.eof() && p.peek() == '~' {
			return c, p.errorf(p.off, "~ after a prefix is not supported")
		}
		c.text, c.prefix = w, true
		return c, p.end()
	}
	if !p.eof() && p.peek() == '~' {
		tilde := p.off
		p.next()
		c.fuzzy = 1
		if !p.eof() && p.peek() >= '0' && p.peek() <= '9' {
			d := p.next()
			if d != '1' && d != '2' || !p.eof() && p.peek() >= '0' && p.peek() <= '9' {
				return c, p.errorf(tilde+1, "fuzziness must be 1 or 2")
			}
			c.fuzzy = int(d - '0')
		}
	}
	return c, p.end()
}

// end checks that a clause ends at white space or the end of the query.
func (p *parser) end() error {
	if p.eof() || unicode.IsSpace(p.peek()) {
		return nil
	}
	return p.errorf(p.off, "unexpected %c; separate clauses with spaces", p.peek())
}

func (p *parser) fieldValue(c clause, field string, colon int) (clause, error) {
	c.field = field
	if p.eof() || unicode.IsSpace(p.peek()) {
		return c, p.errorf(colon+1, "%s: needs a value", field)
	}
	if p.peek() == '"' {
		s, err := p.quoted()
		if err != nil {
			return c, err
		}
		c.text = s
		return c, p.end()
	}
	start := p.i
	for !p.eof() && !unicode.IsSpace(p.peek()) && p.peek() != '"' {
		p.next()
	}
	c.text = p.q[start:p.i]
	return c, p.end()
}

// quoted reads a quoted string starting at the opening quote.
func (p *parser) quoted() (string, error) {
	open := p.off
	p.next()
	var b strings.Builder
	for !p.eof() {
		i := p.i
		switch p.next() {
		case '"':
			if strings.TrimSpace(b.String()) == "" {
				return "", p.errorf(open, "empty quotes")
			}
			return b.String(), nil
		case '\\':
			if !p.eof() && (p.peek() == '"' || p.peek() == '\\') {
				i = p.i
				p.next()
			}
		}
		b.WriteString(p.q[i:p.i]) // bytes as given, even if not UTF-8
	}
	return "", p.errorf(open, "unterminated quote")
}

// queryField returns the canonical field for a field prefix of a query.
func queryField(s string) (string, bool) {
	switch s {
	case "speaker", "kind", "doc":
		return s, true
	}
	if k, ok := strings.CutPrefix(s, attrPrefix); ok && k != "" && isIdent(k) {
		return attrPrefix + strings.ToLower(k), true
	}
	return "", false
}

// isIdent reports whether s looks like a field name: a letter followed by
// letters, digits, '_', '-' or '.'.
func isIdent(s string) bool {
	for i, r := range s {
		switch {
		case r < utf8.RuneSelf && unicode.IsLetter(r):
		case i > 0 && (r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.'):
		default:
			return false
		}
	}
	return s != ""
}

// pattern is a phrase as indexed: the terms allowed at each position
// relative to the first. An empty slot is a removed stop word; anyTerm
// allows any term.
type pattern [][]string

var anyTerm = []string{"\x00any"}

func isAny(slot []string) bool { return len(slot) == 1 && slot[0] == anyTerm[0] }

// matches reports whether term may stand in slot.
func matches(slot []string, term string) bool {
	return isAny(slot) || slices.Contains(slot, term)
}

// compiled is a query ready to run.
type compiled struct {
	q     query.Query // nil if nothing can match
	pats  []pattern   // phrases, to join their locations into one hit
	locs  bool        // whether the query has text to find
	check pattern     // if not nil, q has the conjunction of this phrase's terms in its place; units must be checked
	bare  bool        // q is that conjunction alone (no filter, no other clause): see fastPhrase
}

// compile turns clauses and the request's filters into a bleve query.
func (ix *Index) compile(cs []clause, req SearchRequest) compiled {
	var musts, shoulds, nots, filters []query.Query
	var pats []pattern
	fieldAlts := map[string][]query.Query{}
	var fieldOrder []string
	positive := 0 // text clauses that must or should match

	for _, c := range cs {
		if c.field != "" {
			q := ix.fieldQuery(c.field, c.text)
			if c.field == fieldSpeaker {
				q = ix.speakerQuery(c.text, req.SpeakerLabels)
			}
			switch c.occur {
			case mustNot:
				nots = append(nots, q)
			case must:
				filters = append(filters, q)
			default:
				if _, ok := fieldAlts[c.field]; !ok {
					fieldOrder = append(fieldOrder, c.field)
				}
				fieldAlts[c.field] = append(fieldAlts[c.field], q)
			}
			continue
		}
		if c.occur != mustNot {
			positive++
		}
		q, pat := ix.textQuery(c)
		if q == nil {
			continue // no words: punctuation only
		}
		switch c.occur {
		case mustNot:
			nots = append(nots, q)
		case must:
			musts = append(musts, q)
		default:
			shoulds = append(shoulds, q)
		}
		if pat != nil && c.occur != mustNot {
			pats = append(pats, pat)
		}
	}
	if positive > 0 && len(musts)+len(shoulds) == 0 {
		return compiled{} // e.g. "…"
	}
	cq := compiled{pats: pats, locs: positive > 0}
	// A lone exact phrase is searched as the conjunction of its terms,
	// then checked (see checkPhrase).
	if !ix.noPhraseCheck && len(musts)+len(shoulds) == 1 && len(pats) == 1 && !slices.ContainsFunc(pats[0], isAny) {
		if _, ok := append(musts, shoulds...)[0].(*query.MultiPhraseQuery); ok {
			var terms []query.Query
			for _, slot := range pats[0] {
				if len(slot) == 1 {
					tq := query.NewTermQuery(slot[0])
					tq.SetField(fieldText)
					terms = append(terms, tq)
				}
			}
			musts, shoulds = []query.Query{query.NewConjunctionQuery(terms)}, nil
			cq.check = pats[0]
		}
	}
	for _, f := range fieldOrder {
		filters = append(filters, disjunction(fieldAlts[f]))
	}
	if req.Kind != "" {
		filters = append(filters, ix.fieldQuery(fieldKind, req.Kind))
	}
	if req.Speaker != "" {
		filters = append(filters, ix.speakerQuery(req.Speaker, req.SpeakerLabels))
	}
	keys := make([]string, 0, len(req.Attrs))
	for k := range req.Attrs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		filters = append(filters, ix.fieldQuery(attrPrefix+strings.ToLower(k), req.Attrs[k]))
	}

	if len(musts)+len(shoulds)+len(nots)+len(filters) == 0 {
		cq.q = query.NewMatchAllQuery()
		return cq
	}
	// Keep the query as flat as possible: each level of bleve's boolean
	// and disjunction searchers copies term locations.
	if len(shoulds) == 1 {
		musts, shoulds = append(musts, shoulds[0]), nil
	}
	if len(musts) == 1 && len(shoulds)+len(nots)+len(filters) == 0 {
		cq.q = musts[0]
		cq.bare = cq.check != nil
		return cq
	}
	var bq *query.BooleanQuery
	if len(musts) == 1 {
		bq = query.NewBooleanQuery(nil, shoulds, nots)
		bq.Must = musts[0]
	} else {
		bq = query.NewBooleanQuery(musts, shoulds, nots)
	}
	if len(shoulds) > 0 {
		bq.SetMinShould(1)
	}
	if len(filters) > 0 {
		bq.AddFilter(conjunction(filters))
	}
	cq.q = bq
	return cq
}

func disjunction(qs []query.Query) query.Query {
	if len(qs) == 1 {
		return qs[0]
	}
	return query.NewDisjunctionQuery(qs)
}

// speakerQuery matches the segments of speaker: of the labels that labels
// returns for it, or, if labels is nil, of speaker itself.
func (ix *Index) speakerQuery(speaker string, labels func(string) []string) query.Query {
	if labels == nil {
		return ix.fieldQuery(fieldSpeaker, speaker)
	}
	var alts []query.Query
	for _, l := range labels(speaker) {
		alts = append(alts, ix.fieldQuery(fieldSpeaker, l))
	}
	if len(alts) == 0 {
		return ix.fieldQuery(fieldSpeaker, speaker)
	}
	return disjunction(alts)
}

func conjunction(qs []query.Query) query.Query {
	if len(qs) == 1 {
		return qs[0]
	}
	return query.NewConjunctionQuery(qs)
}

// fieldQuery matches value in a keyword field. doc matches a document id
// exactly or a document name ignoring case.
func (ix *Index) fieldQuery(field, value string) query.Query {
	term := func(f, v string) query.Query {
		q := query.NewTermQuery(v)
		q.SetField(f)
		return q
	}
	lower := string(ix.keywordTerm(value))
	if field == fieldDoc {
		return query.NewDisjunctionQuery([]query.Query{term(fieldDoc, value), term(fieldName, lower)})
	}
	return term(field, lower)
}

// textQuery returns the query for a text clause and, if it is a phrase of
// several positions, its pattern. It returns a nil query for a clause that
// analyses to nothing.
func (ix *Index) textQuery(c clause) (query.Query, pattern) {
	if c.prefix {
		return ix.prefixQuery(c.text), nil
	}
	ts := ix.text.Analyze([]byte(c.text))
	if len(ts) == 0 {
		return nil, nil
	}
	han := hasHan(c.text)
	if len(ts) == 1 {
		t := string(ts[0].Term)
		if c.fuzzy == 0 || han {
			q := query.NewTermQuery(t)
			q.SetField(fieldText)
			return q, nil
		}
		// Fuzzy: around the stem, and around the unstemmed word, which
		// catches misspellings that the stemmer does not reduce.
		words := []string{t}
		if fs := ix.fold.Analyze([]byte(c.text)); len(fs) == 1 && string(fs[0].Term) != t {
			words = append(words, string(fs[0].Term))
		}
		return ix.fuzzyQuery(words, c.fuzzy), nil
	}
	pat := phrasePattern(ts)
	q := query.NewMultiPhraseQuery(pat, fieldText)
	if c.fuzzy > 0 && !han {
		q.SetFuzziness(c.fuzzy)
		// Fuzzy phrase terms are found under other spellings.
		wild := make(pattern, len(pat))
		for i, alts := range pat {
			if len(alts) > 0 {
				wild[i] = anyTerm
			}
		}
		return q, wild
	}
	return q, pat
}

// maxFuzzyTerms caps the terms a fuzzy clause expands to, the closest
// first.
const maxFuzzyTerms = 1024

// fuzzyQuery returns the query for the index's terms within fuzziness edits
// of any of words, each boosted by 1/(1+edits) as bleve's fuzzy query does.
// Expanding the terms once here, rather than in bleve's fuzzy searcher,
// saves walking the term dictionary again for each of Search's passes. It
// returns a query that matches nothing if no term is close enough.
func (ix *Index) fuzzyQuery(words []string, fuzziness int) query.Query {
	dist := map[string]uint8{}
	_ = ix.withReader(func(r bindex.IndexReader) error {
		fr, ok := r.(bindex.IndexReaderFuzzy)
		if !ok {
			return nil
		}
		for _, w := range words {
			d, err := fr.FieldDictFuzzy(fieldText, w, fuzziness, "")
			if err != nil {
				return err
			}
			for {
				e, err := d.Next()
				if err != nil || e == nil {
					break
				}
				if old, ok := dist[e.Term]; !ok || e.EditDistance < old {
					dist[e.Term] = e.EditDistance
				}
			}
			d.Close()
		}
		return nil
	})
	terms := make([]string, 0, len(dist))
	for t := range dist {
		terms = append(terms, t)
	}
	slices.SortFunc(terms, func(a, b string) int { return cmp.Or(cmp.Compare(dist[a], dist[b]), strings.Compare(a, b)) })
	return termsQuery(terms, func(t string) float64 { return 1 / float64(dist[t]+1) })
}

// termsQuery returns the disjunction of at most maxFuzzyTerms of terms in
// the text field, each boosted by boost (if not nil), or a query that
// matches nothing if there are none.
func termsQuery(terms []string, boost func(string) float64) query.Query {
	terms = terms[:min(len(terms), maxFuzzyTerms)]
	if len(terms) == 0 {
		return query.NewMatchNoneQuery()
	}
	qs := make([]query.Query, len(terms))
	for i, t := range terms {
		q := query.NewTermQuery(t)
		q.SetField(fieldText)
		if boost != nil {
			q.SetBoost(boost(t))
		}
		qs[i] = q
	}
	return disjunction(qs)
}

// prefixQuery returns the query for the index's terms that start with
// word, width-folded and lower-cased, or with its stem (the index holds
// stems: "happi" for "happy"), at most maxFuzzyTerms of them, the shortest
// first. It returns a query that matches nothing if no term starts so.
func (ix *Index) prefixQuery(word string) query.Query {
	var prefixes []string
	if fs := ix.fold.Analyze([]byte(word)); len(fs) == 1 {
		prefixes = append(prefixes, string(fs[0].Term))
	}
	if ts := ix.text.Analyze([]byte(word)); len(ts) == 1 && !slices.Contains(prefixes, string(ts[0].Term)) {
		prefixes = append(prefixes, string(ts[0].Term))
	}
	seen := map[string]bool{}
	_ = ix.withReader(func(r bindex.IndexReader) error {
		for _, p := range prefixes {
			d, err := r.FieldDictPrefix(fieldText, []byte(p))
			if err != nil {
				return err
			}
			for {
				e, err := d.Next()
				if err != nil || e == nil {
					break
				}
				seen[e.Term] = true
			}
			d.Close()
		}
		return nil
	})
	terms := make([]string, 0, len(seen))
	for t := range seen {
		terms = append(terms, t)
	}
	slices.SortFunc(terms, func(a, b string) int { return cmp.Or(cmp.Compare(len(a), len(b)), strings.Compare(a, b)) })
	return termsQuery(terms, nil)
}

// phrasePattern places a token stream's terms by position. The index
// keeps every word, so slots are empty only where the analyser leaves a
// gap.
func phrasePattern(ts analysis.TokenStream) pattern {
	first, last := ts[0].Position, ts[0].Position
	for _, t := range ts {
		first = min(first, t.Position)
		last = max(last, t.Position)
	}
	p := make(pattern, last-first+1)
	for _, t := range ts {
		p[t.Position-first] = append(p[t.Position-first], string(t.Term))
	}
	return p
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x2E80 && (unicode.Is(unicode.Han, r) || unicode.In(r, unicode.Hiragana, unicode.Katakana)) {
			return true
		}
	}
	return false
}

// span is a hit's code-point range relative to its segment.
type span struct{ start, end int }

// loc is one matched term occurrence.
type loc struct {
	pos, start, end int
	term            string
	used            bool
}

// spans turns a segment's term locations into hit ranges: occurrences that
// form a phrase of pats become one range, the rest one range each, and
// overlapping ranges (Chinese bigrams) are merged. It appends to dst.
func spans(dst []span, tlm search.TermLocationMap, pats []pattern) []span {
	if len(tlm) == 0 {
		return dst
	}
	var locs []loc
	for term, ls := range tlm {
		for _, l := range ls {
			// The index stores a token's length as its end.
			locs = append(locs, loc{pos: int(l.Pos), start: int(l.Start), end: int(l.Start + l.End), term: term})
		}
	}
	slices.SortFunc(locs, func(a, b loc) int { return cmp.Compare(a.pos, b.pos) })
	locs = slices.CompactFunc(locs, func(a, b loc) bool { return a.pos == b.pos })
	at := func(pos int) *loc {
		i, ok := slices.BinarySearchFunc(locs, pos, func(l loc, p int) int { return cmp.Compare(l.pos, p) })
		if !ok {
			return nil
		}
		return &locs[i]
	}
	start := len(dst)
	for _, p := range pats {
		for i := range locs {
			first := &locs[i]
			if !matches(p[0], first.term) {
				continue
			}
			last, ok := first, true
			for k := 1; k < len(p) && ok; k++ {
				if len(p[k]) == 0 {
					continue // a stop word: not indexed
				}
				l := at(first.pos + k)
				ok = l != nil && matches(p[k], l.term)
				if ok {
					last = l
				}
			}
			if !ok {
				continue
			}
			for k := 0; k < len(p); k++ {
				if l := at(first.pos + k); l != nil {
					l.used = true
				}
			}
			dst = append(dst, span{first.start, last.end})
		}
	}
	for _, l := range locs {
		if !l.used {
			dst = append(dst, span{l.start, l.end})
		}
	}
	out := dst[start:]
	slices.SortFunc(out, func(a, b span) int {
		return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(a.end, b.end))
	})
	n := 0
	for _, s := range out {
		if n > 0 && s.start < out[n-1].end {
			out[n-1].end = max(out[n-1].end, s.end)
			continue
		}
		out[n] = s
		n++
	}
	return dst[:start+n]
}
