package fts

import (
	"cmp"
	"context"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	bindex "github.com/blevesearch/bleve_index_api"
)

// A lone phrase without filters ("industrial upgrading", 地方政府) is the
// commonest search, and the one the workbench's search page makes. It
// finds its units here, through the index's term readers, rather than
// through bleve's search of the conjunction of its terms and then
// checkPhrase:
//
//  1. One pass over the units that hold every term of the phrase (bleve's
//     own conjunction optimisation intersects their posting bitmaps)
//     reads each term's frequency and norm and scores the unit as
//     bleve's search of that conjunction scores it (tf-idf: the same
//     formula, the same order of the terms and of the additions, so the
//     same float64), and counts the units.
//  2. The best units by score are checked word by word (their term
//     positions read only for them), in rounds that take more until the
//     limit is filled and no unit left unchecked can score as much as the
//     last one kept.
//
// This saves bleve's collector (a document match taken from a pool, a
// heap and external ids for every unit) and its second pass for the
// locations; the result is the one the general path gives, hit for hit and
// score for score (TestFastPhraseSame compares them).

// phraseTerm is one term of the conjunction as bleve's term searcher
// scores it.
type phraseTerm struct {
	reader int     // index of the term's reader
	count  uint64  // units that hold the term
	idf    float64 // 1 + ln(units / (count+1))
	weight float64 // query weight: idf × the query norm
}

// byCount orders terms as bleve's conjunction searcher orders its
// searchers (OrderedSearcherList: sort.Sort by count), which is the order
// in which it adds their scores.
type byCount []phraseTerm

func (b byCount) Len() int           { return len(b) }
func (b byCount) Less(i, j int) bool { return b[i].count < b[j].count }
func (b byCount) Swap(i, j int)      { b[i], b[j] = b[j], b[i] }

// scoredUnit is a unit that holds every term of the phrase, with its
// score.
type scoredUnit struct {
	id    uint64 // internal id
	score float64
}

// fastPhrase returns the best limit units (limit ≥ 1) in which phrase p,
// whose terms at single-term positions make up the conjunction cq.q,
// stands, with their locations, and the number of units that hold all
// its terms, as searchUnits does. ok is false where it does not apply:
// the index scores by another model than tf-idf, or its phrase has no
// position of one term.
func (ix *Index) fastPhrase(r bindex.IndexReader, p pattern, limit int, rs *resolver) (out search.DocumentMatchCollection, total int, ok bool, err error) {
	if ix.noFastPhrase {
		return nil, 0, false, nil
	}
	if m, isImpl := ix.bi.Mapping().(*mapping.IndexMappingImpl); !isImpl || m.ScoringModel != "" && m.ScoringModel != bindex.TFIDFScoring {
		return nil, 0, false, nil
	}
	// The conjunction's terms, as compile makes it: one per position
	// that allows one term, repeats included.
	var terms []string
	var qterms []phraseTerm
	for _, slot := range p {
		if len(slot) != 1 {
			continue
		}
		i := slices.Index(terms, slot[0])
		if i < 0 {
			i = len(terms)
			terms = append(terms, slot[0])
		}
		qterms = append(qterms, phraseTerm{reader: i})
	}
	if len(terms) == 0 {
		return nil, 0, false, nil
	}
	docTotal, err := r.DocCount()
	if err != nil {
		return nil, 0, true, err
	}
	readers := make([]bindex.TermFieldReader, len(terms))
	defer func() {
		for _, tr := range readers {
			if tr != nil {
				tr.Close()
			}
		}
	}()
	var octx bindex.OptimizableContext
	optimize := true
	for i, t := range terms {
		tr, err := r.TermFieldReader(context.Background(), []byte(t), fieldText, true, true, false)
		if err != nil {
			return nil, 0, true, err
		}
		readers[i] = tr
	}
	for i := range qterms {
		q := &qterms[i]
		q.count = readers[q.reader].Count()
		q.idf = 1.0 + math.Log(float64(docTotal)/float64(q.count+1.0))
	}
	sort.Sort(byCount(qterms))
	// The query norm, as bleve's conjunction searcher computes it.
	sum := 0.0
	for _, q := range qterms {
		w := 1.0 * q.idf
		sum += w * w
	}
	norm := 1.0 / math.Sqrt(sum)
	for i := range qterms {
		qterms[i].weight = 1.0 * qterms[i].idf * norm
	}
	// bleve's conjunction optimisation: the readers iterate the
	// intersection of their posting bitmaps.
	if len(readers) > 1 {
		for _, tr := range readers {
			o, isOpt := tr.(bindex.Optimizable)
			if !isOpt {
				optimize = false
				break
			}
			if octx, err = o.Optimize("conjunction", octx); err != nil || octx == nil {
				optimize = false
				break
			}
		}
		if optimize && octx != nil {
			if _, err := octx.Finish(); err != nil {
				return nil, 0, true, err
			}
		}
	}

	units, err := scoreConjunction(readers, qterms)
	if err != nil {
		return nil, 0, true, err
	}
	total = len(units)
	if total == 0 {
		return nil, 0, true, nil
	}

	ch, err := newPhraseChecker(r, p)
	if err != nil {
		return nil, 0, true, err
	}
	defer ch.close()
	var kept []*search.DocumentMatch // in no particular order
	batch := make([]scoredUnit, 0, 2*limit+10)
	for next, size := 0, 2*limit+10; next < len(units); size *= 4 {
		// The best size units not yet checked, checked in id order.
		end := min(len(units), next+size)
		topFirst(units[next:], end-next)
		batch = append(batch[:0], units[next:end]...)
		next = end
		slices.SortFunc(batch, func(a, b scoredUnit) int { return cmp.Compare(a.id, b.id) })
		for _, u := range batch {
			tlm, err := ch.check(u.id)
			if err != nil {
				return nil, 0, true, err
			}
			if tlm != nil {
				kept = append(kept, &search.DocumentMatch{IndexInternalID: bindex.NewIndexInternalID(nil, u.id),
					Score: u.score, Locations: search.FieldTermLocationMap{fieldText: tlm}})
			}
		}
		if len(kept) < limit || next == len(units) {
			continue
		}
		// Every unit left scores at most the best of them: if that is
		// less than the limit-th best kept, none can enter.
		best := math.Inf(-1)
		for _, u := range units[next:] {
			best = max(best, u.score)
		}
		if best < kthScore(kept, limit) {
			break
		}
	}
	if out, err = bestUnits(r, kept, limit, rs); err != nil {
		return nil, 0, true, err
	}
	return out, total, true, nil
}

// kthScore returns the k-th highest score of hits (1 ≤ k ≤ len(hits)).
func kthScore(hits []*search.DocumentMatch, k int) float64 {
	scores := make([]scoredUnit, len(hits))
	for i, h := range hits {
		scores[i].score = h.Score
	}
	topFirst(scores, k)
	lowest := math.Inf(1)
	for _, s := range scores[:k] {
		lowest = min(lowest, s.score)
	}
	return lowest
}

// bestUnits returns the best limit of hits, units that hold the phrase,
// by score, then document id and start (as searchUnits orders them), with
// their external ids; in no particular order, since SearchCount orders
// its hits. Only the units that tie with the last one taken are resolved
// to their document and start.
func bestUnits(r bindex.IndexReader, hits []*search.DocumentMatch, limit int, rs *resolver) (search.DocumentMatchCollection, error) {
	var out search.DocumentMatchCollection
	if len(hits) > limit {
		cut := kthScore(hits, limit)
		var ties []rankedUnit
		for _, h := range hits {
			switch {
			case h.Score > cut:
				out = append(out, h)
			case h.Score == cut:
				ties = append(ties, rankedUnit{hit: h})
			}
		}
		for i := range ties {
			ext, err := r.ExternalID(ties[i].hit.IndexInternalID)
			if err != nil {
				return nil, err
			}
			ties[i].hit.ID = ext
			u, _ := rs.unit(ext)
			ties[i].doc, ties[i].start = u.doc, u.start
		}
		slices.SortFunc(ties, func(a, b rankedUnit) int {
			return cmp.Or(strings.Compare(a.doc, b.doc), cmp.Compare(a.start, b.start))
		})
		for _, t := range ties[:limit-len(out)] {
			out = append(out, t.hit)
		}
	} else {
		out = hits
	}
	for _, h := range out {
		if h.ID == "" {
			ext, err := r.ExternalID(h.IndexInternalID)
			if err != nil {
				return nil, err
			}
			h.ID = ext
		}
	}
	return out, nil
}

// scoreConjunction returns the units that every reader finds, in id
// order, scored as bleve's conjunction searcher scores them: the sum, in
// the order of qterms, of each term's tf-idf score (as TermQueryScorer
// computes it).
func scoreConjunction(readers []bindex.TermFieldReader, qterms []phraseTerm) ([]scoredUnit, error) {
	n := len(readers)
	docs := make([]bindex.TermFieldDoc, n)
	cur := make([]*bindex.TermFieldDoc, n)
	ids := make([]uint64, n)
	var units []scoredUnit
	smallest := readers[0].Count()
	for _, tr := range readers[1:] {
		smallest = min(smallest, tr.Count())
	}
	units = make([]scoredUnit, 0, min(smallest, 1<<16))
	for i, tr := range readers {
		d, err := tr.Next(&docs[i])
		if err != nil || d == nil {
			return units, err
		}
		cur[i], ids[i] = d, d.ID.Value()
	}
	for {
		hi := slices.Max(ids)
		moved := false
		for i, tr := range readers {
			if ids[i] == hi {
				continue
			}
			d, err := tr.Advance(bindex.NewIndexInternalID(nil, hi), &docs[i])
			if err != nil || d == nil {
				return units, err
			}
			cur[i], ids[i] = d, d.ID.Value()
			moved = true
		}
		if moved {
			continue
		}
		var sum float64
		for _, q := range qterms {
			d := cur[q.reader]
			tf := math.Sqrt(float64(d.Freq))
			s := tf * d.Norm * q.idf
			if q.weight != 1.0 {
				s = s * q.weight
			}
			sum += s
		}
		units = append(units, scoredUnit{hi, sum})
		for i, tr := range readers {
			d, err := tr.Next(&docs[i])
			if err != nil || d == nil {
				return units, err
			}
			cur[i], ids[i] = d, d.ID.Value()
		}
	}
}

// topFirst reorders us so that its first k units are ones with the
// highest scores (in no particular order): a quickselect.
func topFirst(us []scoredUnit, k int) {
	lo, hi := 0, len(us)
	for hi-lo > 1 && k > lo && k < hi {
		// Median of three as the pivot, moved to the end.
		mid := lo + (hi-lo)/2
		a, b, c := us[lo].score, us[mid].score, us[hi-1].score
		p := mid
		switch {
		case a >= b && a <= c || a <= b && a >= c:
			p = lo
		case c >= a && c <= b || c <= a && c >= b:
			p = hi - 1
		}
		us[p], us[hi-1] = us[hi-1], us[p]
		pivot := us[hi-1].score
		// Higher scores to the left.
		i := lo
		for j := lo; j < hi-1; j++ {
			if us[j].score > pivot {
				us[i], us[j] = us[j], us[i]
				i++
			}
		}
		us[i], us[hi-1] = us[hi-1], us[i]
		// Units equal to the pivot next to it, so that many equal
		// scores do not make the partition go one by one.
		e := i + 1
		for j := i + 1; j < hi; j++ {
			if us[j].score == pivot {
				us[e], us[j] = us[j], us[e]
				e++
			}
		}
		switch {
		case k <= i:
			hi = i
		case k >= e:
			lo = e
		default:
			return // the k-th is among those equal to the pivot
		}
	}
}

// phraseChecker checks units, in increasing id order, for a phrase's
// terms in a row.
type phraseChecker struct {
	p       pattern
	terms   []string
	readers []bindex.TermFieldReader
	docs    []bindex.TermFieldDoc
	at      [][]*bindex.TermFieldVector
	slot    []int
	first   int
}

func newPhraseChecker(r bindex.IndexReader, p pattern) (*phraseChecker, error) {
	ch := &phraseChecker{p: p}
	for _, slot := range p {
		if len(slot) == 1 && !slices.Contains(ch.terms, slot[0]) {
			ch.terms = append(ch.terms, slot[0])
		}
	}
	n := len(ch.terms)
	ch.readers = make([]bindex.TermFieldReader, n)
	ch.docs = make([]bindex.TermFieldDoc, n)
	ch.at = make([][]*bindex.TermFieldVector, n)
	for i, t := range ch.terms {
		tr, err := r.TermFieldReader(context.Background(), []byte(t), fieldText, true, false, true)
		if err != nil {
			ch.close()
			return nil, err
		}
		ch.readers[i] = tr
	}
	// The units checked hold every term: the readers need only step
	// through the intersection of their postings.
	var octx bindex.OptimizableContext
	for _, tr := range ch.readers {
		o, ok := tr.(bindex.Optimizable)
		if !ok || len(ch.readers) < 2 {
			octx = nil
			break
		}
		var err error
		if octx, err = o.Optimize("conjunction", octx); err != nil || octx == nil {
			octx = nil
			break
		}
	}
	if octx != nil {
		if _, err := octx.Finish(); err != nil {
			ch.close()
			return nil, err
		}
	}
	ch.slot = make([]int, len(p))
	for k, s := range p {
		ch.slot[k] = -1
		if len(s) == 1 {
			ch.slot[k] = slices.Index(ch.terms, s[0])
		}
	}
	ch.first = slices.Index(ch.terms, p[0][0])
	return ch, nil
}

func (ch *phraseChecker) close() {
	for _, tr := range ch.readers {
		if tr != nil {
			tr.Close()
		}
	}
}

// check returns the locations of the phrase's occurrences in unit id, or
// nil if it has none.
func (ch *phraseChecker) check(id uint64) (search.TermLocationMap, error) {
	if ch.first < 0 {
		return nil, nil // the first position has alternatives: nothing to check
	}
	iid := bindex.NewIndexInternalID(nil, id)
	for i, tr := range ch.readers {
		d, err := tr.Advance(iid, &ch.docs[i])
		if err != nil {
			return nil, err
		}
		if d == nil || !d.ID.Equals(iid) {
			return nil, nil
		}
		ch.at[i] = byPos(ch.at[i][:0], d.Vectors)
	}
	return phraseLocations(ch.p, ch.terms, ch.slot, ch.first, ch.at), nil
}
