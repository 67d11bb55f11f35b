package ontology

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Nearest returns up to n class ids that are closest to id, for messages
// such as "unknown code X; did you mean Y?". It compares id, ignoring case,
// with each class's id and labels by edit distance (Levenshtein, counted in
// characters), and keeps the candidates within a third of id's length (at
// least 2 edits) or containing id (of 3 characters or more). The closest come
// first; ties are broken by id. An exact match, ignoring case, comes first.
func (o *Ontology) Nearest(id string, n int) []string {
	var cands []candidate
	for _, c := range o.classes {
		cands = append(cands, candidate{c.ID, labelNames(c.ID, c.Labels)})
	}
	return nearest(id, n, cands)
}

// NearestRelation is Nearest for relation ids.
func (o *Ontology) NearestRelation(id string, n int) []string {
	var cands []candidate
	for _, r := range o.relations {
		cands = append(cands, candidate{r.ID, labelNames(r.ID, r.Labels)})
	}
	return nearest(id, n, cands)
}

func labelNames(id string, l Labels) []string {
	names := []string{id}
	for _, s := range l {
		names = append(names, s)
	}
	return names
}

// candidate is an id and the names it may be called by.
type candidate struct {
	id    string
	names []string
}

// maxCompare bounds the length of strings compared, so that a pathological
// file cannot make suggestions slow.
const maxCompare = 64

func nearest(query string, n int, cands []candidate) []string {
	q := strings.ToLower(query)
	ql := utf8.RuneCountInString(q)
	if n <= 0 || ql == 0 || ql > maxCompare {
		return nil
	}
	limit := max(2, ql/3)
	type scored struct {
		id   string
		dist int
	}
	var found []scored
	for _, c := range cands {
		best := -1
		for _, name := range c.names {
			name = strings.ToLower(name)
			if utf8.RuneCountInString(name) > maxCompare {
				continue
			}
			d := levenshtein(q, name)
			if d > limit {
				if ql >= 3 && strings.Contains(name, q) {
					d = limit + 1 // after the close matches
				} else {
					continue
				}
			}
			if best < 0 || d < best {
				best = d
			}
		}
		if best >= 0 {
			found = append(found, scored{c.id, best})
		}
	}
	slices.SortFunc(found, func(a, b scored) int {
		return cmp.Or(cmp.Compare(a.dist, b.dist), strings.Compare(a.id, b.id))
	})
	var ids []string
	for _, f := range found[:min(n, len(found))] {
		ids = append(ids, f.id)
	}
	return ids
}

// levenshtein returns the number of single-character insertions, deletions
// and substitutions that turn a into b.
func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// didYouMean formats suggestions as `; did you mean "A" or "B"?`, or "" when
// there are none.
func didYouMean(ids []string) string {
	if len(ids) == 0 {
		return ""
	}
	q := make([]string, len(ids))
	for i, id := range ids {
		q[i] = strconv.Quote(id)
	}
	if len(q) == 1 {
		return "; did you mean " + q[0] + "?"
	}
	return "; did you mean " + strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1] + "?"
}
