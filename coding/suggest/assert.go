package suggest

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/ontology"
)

// AssertModel names the model of suggested assertions: their ids and the
// assertions accepted from them carry it.
const AssertModel = "cues1"

// Actor is an entity that a suggested assertion may name: its id, its
// class, and the names it goes by (its name and aliases).
type Actor struct {
	ID    string
	Type  string
	Names []string
}

// Sentence is a unit of text that may state an assertion: document Doc's
// code points [Start, End), whose text is Text.
type Sentence struct {
	Doc        string
	Start, End int
	Text       string
	// Mentions are the recorded mentions of actors inside the sentence,
	// with document offsets.
	Mentions []Mention
	// Speaker is the actor who speaks the sentence, or "": the first
	// person (I, we, 我…) names them.
	Speaker string
}

// Mention is where a sentence names an actor: document code points
// [Start, End), whose text is Text.
type Mention struct {
	Entity string `json:"entity"`
	Start  int    `json:"start"`
	End    int    `json:"end"`
	Text   string `json:"text"`
}

// Proposal is a suggested assertion "Subject Relation Object" with the
// sentence Doc [Start, End) as its evidence, and its explanation: the
// relation's cue word that stands in the sentence, and the mentions of
// the subject and the object (in that order) that it links.
type Proposal struct {
	ID       string    `json:"id"`
	Doc      string    `json:"doc"`
	Start    int       `json:"start"`
	End      int       `json:"end"`
	Subject  string    `json:"subject"`
	Relation string    `json:"relation"`
	Object   string    `json:"object"`
	Score    float64   `json:"score"`
	Cue      string    `json:"cue"`
	Mentions []Mention `json:"mentions"`
}

// Span returns the proposal's evidence.
func (p Proposal) Span() coding.Span { return coding.Span{Doc: p.Doc, Start: p.Start, End: p.End} }

// AssertID returns the id of the suggested assertion "subject relation
// object" with evidence s: "a" and 15 hex digits of a hash of them and
// AssertModel.
func AssertID(s coding.Span, subject, relation, object string) string {
	h := sha256.Sum256([]byte(AssertModel + "\x00" + s.Doc + "\x00" + strconv.Itoa(s.Start) + "\x00" + strconv.Itoa(s.End) +
		"\x00" + subject + "\x00" + relation + "\x00" + object))
	return "a" + hex.EncodeToString(h[:])[:15]
}

// CueGapWords is how many words (a Chinese character counts as one) may
// stand in each gap of a cue such as "left … to found".
const CueGapWords = 12

// Proposer finds suggested assertions in sentences (see Propose).
type Proposer struct {
	o      *ontology.Ontology
	actors map[string]Actor
	names  []namePattern
	rels   []relationCues
	rank   map[string]int // relation id -> position in the ontology
}

type namePattern struct {
	entity string
	words  []string
	exact  bool // a one-word name with a capital: the text's word must have one
	raw    string
}

type relationCues struct {
	rel  *ontology.Relation
	cues []cuePattern
}

// cuePattern is a cue as words: parts, each a run of words, that stand
// in order with at most CueGapWords words between them.
type cuePattern struct {
	text  string
	parts [][]string
}

// NewProposer returns a proposer for the relations of o that have cues
// and the given actors. Names of fewer than two characters are passed
// over.
func NewProposer(o *ontology.Ontology, actors []Actor) *Proposer {
	p := &Proposer{o: o, actors: map[string]Actor{}, rank: map[string]int{}}
	for _, a := range actors {
		p.actors[a.ID] = a
		seen := map[string]bool{}
		for _, n := range a.Names {
			ws := words(tokens(n))
			key := strings.Join(ws, " ")
			if len([]rune(strings.TrimSpace(n))) < 2 || len(ws) == 0 || seen[key] {
				continue
			}
			seen[key] = true
			first := []rune(strings.TrimSpace(n))[0]
			exact := len(ws) == 1 && !isCJK(first) && unicode.IsUpper(first)
			p.names = append(p.names, namePattern{entity: a.ID, words: ws, exact: exact, raw: strings.TrimSpace(n)})
		}
	}
	for i, r := range o.Relations() {
		p.rank[r.ID] = i
		rc := relationCues{rel: r}
		for _, lang := range slices.Sorted(maps.Keys(r.Cues)) {
			for _, c := range r.Cues[lang] {
				if cp, ok := compileCue(c); ok {
					rc.cues = append(rc.cues, cp)
				}
			}
		}
		if len(rc.cues) > 0 {
			p.rels = append(p.rels, rc)
		}
	}
	return p
}

// compileCue splits a cue at its gaps ("…" or "...") into runs of words.
func compileCue(c string) (cuePattern, bool) {
	cp := cuePattern{text: c}
	for part := range strings.SplitSeq(strings.ReplaceAll(c, "...", "…"), "…") {
		ws := words(tokens(part))
		if len(ws) == 0 {
			continue
		}
		cp.parts = append(cp.parts, ws)
	}
	return cp, len(cp.parts) > 0
}

// token is a word of a sentence: a run of letters, digits and marks,
// lower-cased, or one Chinese (Japanese, Korean) character; Start and End
// are code points into the sentence.
type token struct {
	w          string
	start, end int
	upper      bool // starts with an upper-case letter
}

func words(ts []token) []string {
	ws := make([]string, len(ts))
	for i, t := range ts {
		ws[i] = t.w
	}
	return ws
}

// isCJK reports whether r is written without spaces between words.
func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

// tokens splits s into words: apostrophes, hyphens and other punctuation
// separate them ("Bureau's" is "bureau" and "s", "spin-off" is "spin"
// and "off").
func tokens(s string) []token {
	var out []token
	var cur []rune
	start := 0
	flush := func(end int) {
		if len(cur) > 0 {
			out = append(out, token{w: strings.ToLower(string(cur)), start: start, end: end, upper: unicode.IsUpper(cur[0])})
			cur = cur[:0]
		}
	}
	i := 0
	for _, r := range s {
		switch {
		case isCJK(r):
			flush(i)
			out = append(out, token{w: string(r), start: i, end: i + 1})
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
			if len(cur) == 0 {
				start = i
			}
			cur = append(cur, r)
		default:
			flush(i)
		}
		i++
	}
	flush(i)
	return out
}

// inflects reports whether word is w or w with an English inflection
// ending (s, es, d, ed, ing; ies and ied for a final y; ing in place of
// a final e). Words of Chinese characters match only themselves.
func inflects(w, word string) bool {
	if w == word {
		return true
	}
	if rest, ok := strings.CutPrefix(word, w); ok {
		switch rest {
		case "s", "es", "d", "ed", "ing":
			return true
		}
	}
	if stem, ok := strings.CutSuffix(w, "y"); ok {
		rest, ok := strings.CutPrefix(word, stem)
		return ok && (rest == "ies" || rest == "ied")
	}
	if stem, ok := strings.CutSuffix(w, "e"); ok {
		rest, ok := strings.CutPrefix(word, stem)
		return ok && rest == "ing"
	}
	return false
}

// runAt reports whether words ws stand at tokens ts[i:], each the word or
// (inflect) an inflection of it, next to each other: Chinese characters
// without anything between them.
func runAt(ts []token, i int, ws []string, inflect bool) bool {
	if i+len(ws) > len(ts) {
		return false
	}
	for k, w := range ws {
		t := ts[i+k]
		if t.w != w && !(inflect && inflects(w, t.w)) {
			return false
		}
		if k > 0 && ts[i+k-1].end != t.start && (isCJK([]rune(w)[0]) || isCJK([]rune(ts[i+k-1].w)[0])) {
			return false
		}
	}
	return true
}

// occurrence is where a sentence names an actor, in tokens [from, to).
type occurrence struct {
	entity   string
	from, to int
	start    int // code points into the sentence
	end      int
	priority int // 0 recorded mention, 1 name, 2 first person
}

// cueHit is where a cue stands in a sentence: its first word at token
// from, its first part ending before token firstEnd, its last word
// before token to.
type cueHit struct {
	cue      *cuePattern
	from, to int
	firstEnd int
	passive  bool // followed by "by", or 被 before it
}

// negations are the words that, just before a cue, deny it.
var negations = map[string]bool{"not": true, "never": true, "no": true, "didn": true, "don": true, "doesn": true,
	"wasn": true, "weren": true, "isn": true, "won": true, "cannot": true, "hardly": true,
	"不": true, "没": true, "未": true, "别": true}

// firstPerson are the words by which a speaker names themselves.
var firstPerson = map[string]bool{"i": true, "me": true, "my": true, "we": true, "us": true, "our": true, "我": true, "咱": true}

// Propose returns the assertions that sentence s suggests: for every
// relation cue that stands in it (and is not negated by a word just
// before it), every two actors it names whose classes the relation's
// domain and range admit as subject and object. An actor is named by a
// recorded mention inside the sentence, by its name or an alias (whole
// words ignoring case, but where a one-word name starts with a capital
// the text's word must too; Chinese names anywhere), or, if it is the
// speaker, by the first person. Where both directions are admitted, the
// one the text's order gives is kept: the subject before the cue and the
// object after it (or inside its gap), the other way round in the
// passive voice (the cue followed by "by", or 被 before it); where the
// order decides nothing, both, unless another cue gives one of them a
// higher score. A symmetric relation is proposed once, the subject first
// in the text, and a statement once, not also with the inverse relation.
//
// The score is 0.5, plus 0.3 where the order agrees with the direction,
// plus up to 0.2 for closeness: 0.2/(1+d/4) for d words between the
// mentions and the cue. Each statement is proposed once per sentence,
// with its best cue; proposals are ordered by score, then relation,
// subject and object.
func (p *Proposer) Propose(s Sentence) []Proposal {
	ts := tokens(s.Text)
	if len(ts) == 0 {
		return nil
	}
	occs := p.occurrences(s, ts)
	if len(occs) < 2 {
		return nil
	}
	runes := []rune(s.Text)
	best := map[[3]string]Proposal{}
	for _, rc := range p.rels {
		for ci := range rc.cues {
			for _, h := range findCue(ts, &rc.cues[ci]) {
				for _, pr := range p.pairs(s, runes, rc.rel, h, occs) {
					k := [3]string{pr.Subject, pr.Relation, pr.Object}
					if old, ok := best[k]; !ok || pr.Score > old.Score {
						best[k] = pr
					}
				}
			}
		}
	}
	var out []Proposal
	for _, pr := range best {
		out = append(out, pr)
	}
	out = p.dedupe(out)
	slices.SortFunc(out, func(a, b Proposal) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(p.rank[a.Relation], p.rank[b.Relation]),
			strings.Compare(a.Subject, b.Subject), strings.Compare(a.Object, b.Object))
	})
	return out
}

// dedupe keeps one of the proposals that state the same with an inverse
// relation: the one with the higher score, else the relation first in
// the ontology.
func (p *Proposer) dedupe(ps []Proposal) []Proposal {
	slices.SortFunc(ps, func(a, b Proposal) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(p.rank[a.Relation], p.rank[b.Relation]),
			strings.Compare(a.Subject, b.Subject), strings.Compare(a.Object, b.Object))
	})
	seen := map[[3]string]bool{}
	// best is the score kept for a statement, to drop its reverse where
	// it scores lower: another cue gave the reverse no order to agree with.
	best := map[[3]string]float64{}
	var out []Proposal
	for _, pr := range ps {
		k := [3]string{pr.Subject, pr.Relation, pr.Object}
		rev := [3]string{pr.Object, pr.Relation, pr.Subject}
		if sc, ok := best[rev]; seen[k] || ok && sc > pr.Score {
			continue
		}
		seen[k], best[k] = true, pr.Score
		if inv, ok := p.o.Inverse(pr.Relation); ok {
			seen[[3]string{pr.Object, inv, pr.Subject}] = true
			best[[3]string{pr.Object, inv, pr.Subject}] = pr.Score
		}
		out = append(out, pr)
	}
	return out
}

// occurrences finds the actors that sentence s names, without overlaps:
// recorded mentions first, then longer names before shorter ones, then
// the first person.
func (p *Proposer) occurrences(s Sentence, ts []token) []occurrence {
	var cands []occurrence
	tokenRange := func(start, end int) (int, int) {
		from, to := len(ts), 0
		for i, t := range ts {
			if t.end > start && t.start < end {
				from, to = min(from, i), max(to, i+1)
			}
		}
		return from, to
	}
	for _, m := range s.Mentions {
		if _, ok := p.actors[m.Entity]; !ok || m.Start < s.Start || m.End > s.End {
			continue
		}
		st, en := m.Start-s.Start, m.End-s.Start
		if from, to := tokenRange(st, en); from < to {
			cands = append(cands, occurrence{entity: m.Entity, from: from, to: to, start: st, end: en, priority: 0})
		}
	}
	for _, n := range p.names {
		for i := range ts {
			if !runAt(ts, i, n.words, false) || n.exact && !ts[i].upper {
				continue
			}
			j := i + len(n.words)
			cands = append(cands, occurrence{entity: n.entity, from: i, to: j, start: ts[i].start, end: ts[j-1].end, priority: 1})
		}
	}
	if _, ok := p.actors[s.Speaker]; ok {
		for i, t := range ts {
			if firstPerson[t.w] {
				cands = append(cands, occurrence{entity: s.Speaker, from: i, to: i + 1, start: t.start, end: t.end, priority: 2})
			}
		}
	}
	slices.SortStableFunc(cands, func(a, b occurrence) int {
		return cmp.Or(cmp.Compare(a.priority, b.priority), cmp.Compare(b.to-b.from, a.to-a.from), cmp.Compare(a.from, b.from))
	})
	var kept []occurrence
	for _, c := range cands {
		if !slices.ContainsFunc(kept, func(k occurrence) bool { return k.from < c.to && c.from < k.to }) {
			kept = append(kept, c)
		}
	}
	slices.SortFunc(kept, func(a, b occurrence) int { return cmp.Compare(a.from, b.from) })
	return kept
}

// findCue returns where cue stands in ts, not negated.
func findCue(ts []token, cue *cuePattern) []cueHit {
	var out []cueHit
	for i := range ts {
		if !runAt(ts, i, cue.parts[0], true) {
			continue
		}
		if negated(ts, i) {
			continue
		}
		end := i + len(cue.parts[0])
		h := cueHit{cue: cue, from: i, firstEnd: end}
		ok := true
		for _, part := range cue.parts[1:] {
			found := false
			for j := end; j <= end+CueGapWords && j < len(ts); j++ {
				if runAt(ts, j, part, true) {
					end, found = j+len(part), true
					break
				}
			}
			if !found {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		h.to = end
		h.passive = end < len(ts) && ts[end].w == "by" || slices.ContainsFunc(ts[:i], func(t token) bool { return t.w == "被" })
		out = append(out, h)
	}
	return out
}

// negated reports whether the word before token i denies it ("not",
// "didn't", 不).
func negated(ts []token, i int) bool {
	if i == 0 {
		return false
	}
	prev := ts[i-1]
	if isCJK([]rune(prev.w)[0]) && prev.end != ts[i].start {
		return false
	}
	if prev.w == "t" && i >= 2 {
		prev = ts[i-2]
	}
	return negations[prev.w]
}

// pairs returns the proposals of relation r that cue hit h makes with
// the actors named in the sentence.
func (p *Proposer) pairs(s Sentence, runes []rune, r *ontology.Relation, h cueHit, occs []occurrence) []Proposal {
	type side struct {
		occ    occurrence
		before bool // before the cue; else after it or inside its gap
	}
	// The occurrence of each actor nearest the cue that does not overlap it.
	near := map[string]side{}
	dist := func(o occurrence) int {
		if o.to <= h.from {
			return h.from - o.to
		}
		if o.from >= h.firstEnd {
			if o.from < h.to {
				return 0 // inside a gap
			}
			return o.from - h.to
		}
		return -1
	}
	for _, o := range occs {
		d := dist(o)
		if d < 0 {
			continue
		}
		if old, ok := near[o.entity]; !ok || d < dist(old.occ) {
			near[o.entity] = side{o, o.to <= h.from}
		}
	}
	ids := slices.Sorted(maps.Keys(near))
	var out []Proposal
	for _, a := range ids {
		for _, b := range ids {
			if a == b {
				continue
			}
			sa, sb := near[a], near[b]
			if !p.admits(r.ID, a, b) {
				continue
			}
			agrees := sa.before && !sb.before
			if h.passive {
				agrees = sb.before && !sa.before
			}
			reverse := p.admits(r.ID, b, a)
			if reverse {
				otherAgrees := sb.before && !sa.before
				if h.passive {
					otherAgrees = sa.before && !sb.before
				}
				if otherAgrees && !agrees {
					continue // the other direction is the text's
				}
				if r.Symmetric && sa.occ.from > sb.occ.from {
					continue // once, the subject first
				}
			}
			d := dist(sa.occ) + dist(sb.occ)
			score := 0.5 + 0.2/(1+float64(d)/4)
			if agrees {
				score += 0.3
			}
			sp := coding.Span{Doc: s.Doc, Start: s.Start, End: s.End}
			out = append(out, Proposal{
				ID: AssertID(sp, a, r.ID, b), Doc: s.Doc, Start: s.Start, End: s.End,
				Subject: a, Relation: r.ID, Object: b, Score: round(score), Cue: h.cue.text,
				Mentions: []Mention{mentionOf(s, runes, sa.occ), mentionOf(s, runes, sb.occ)},
			})
		}
	}
	return out
}

func mentionOf(s Sentence, runes []rune, o occurrence) Mention {
	return Mention{Entity: o.entity, Start: s.Start + o.start, End: s.Start + o.end, Text: string(runes[o.start:o.end])}
}

// admits reports whether the ontology admits actor a as the subject and
// b as the object of relation rel.
func (p *Proposer) admits(rel, a, b string) bool {
	return p.o.AllowsSubject(rel, p.actors[a].Type) && p.o.AllowsObject(rel, p.actors[b].Type)
}

// Recorded is a recorded assertion as the evaluation compares it.
type Recorded struct {
	Subject, Relation, Object string
	Evidence                  []coding.Span
}

// AssertMetrics are the counts and measures of an evaluation: Proposals
// made, Correct among them, Assertions recorded, Found among them.
type AssertMetrics struct {
	Proposals  int     `json:"proposals"`
	Correct    int     `json:"correct"`
	Assertions int     `json:"assertions"`
	Found      int     `json:"found"`
	Precision  float64 `json:"precision"`
	Recall     float64 `json:"recall"`
	F1         float64 `json:"f1"`
}

// RelationEvaluation is the evaluation of the proposals of one relation.
type RelationEvaluation struct {
	Relation string `json:"relation"`
	AssertMetrics
}

// AssertEvaluation is how well proposals match the recorded assertions:
// overall and per relation (those proposed or recorded, in id order).
type AssertEvaluation struct {
	Sentences int                  `json:"sentences"`
	Overall   AssertMetrics        `json:"overall"`
	Relations []RelationEvaluation `json:"relations"`
}

// EvaluateAssertions compares proposals with the recorded assertions
// (not retracted; the caller leaves the others out). A proposal is
// correct when a recorded assertion states the same subject, relation
// and object with evidence that overlaps the proposal's sentence; a
// recorded assertion is found when a correct proposal matches it.
// Precision is Correct/Proposals, Recall Found/Assertions (0 when there
// is nothing to divide), F1 their harmonic mean; all rounded to three
// decimals.
func EvaluateAssertions(sentences int, props []Proposal, recorded []Recorded) AssertEvaluation {
	ev := AssertEvaluation{Sentences: sentences, Relations: []RelationEvaluation{}}
	per := map[string]*AssertMetrics{}
	get := func(rel string) *AssertMetrics {
		if per[rel] == nil {
			per[rel] = &AssertMetrics{}
		}
		return per[rel]
	}
	found := make([]bool, len(recorded))
	for _, pr := range props {
		m := get(pr.Relation)
		m.Proposals++
		ev.Overall.Proposals++
		sp := pr.Span()
		correct := false
		for i, a := range recorded {
			if a.Subject != pr.Subject || a.Relation != pr.Relation || a.Object != pr.Object {
				continue
			}
			if slices.ContainsFunc(a.Evidence, sp.Overlaps) {
				correct, found[i] = true, true
			}
		}
		if correct {
			m.Correct++
			ev.Overall.Correct++
		}
	}
	for i, a := range recorded {
		m := get(a.Relation)
		m.Assertions++
		ev.Overall.Assertions++
		if found[i] {
			m.Found++
			ev.Overall.Found++
		}
	}
	measure(&ev.Overall)
	for _, rel := range slices.Sorted(maps.Keys(per)) {
		m := per[rel]
		measure(m)
		ev.Relations = append(ev.Relations, RelationEvaluation{Relation: rel, AssertMetrics: *m})
	}
	return ev
}

func measure(m *AssertMetrics) {
	if m.Proposals > 0 {
		m.Precision = float64(m.Correct) / float64(m.Proposals)
	}
	if m.Assertions > 0 {
		m.Recall = float64(m.Found) / float64(m.Assertions)
	}
	if m.Precision+m.Recall > 0 {
		m.F1 = 2 * m.Precision * m.Recall / (m.Precision + m.Recall)
	}
	m.Precision, m.Recall, m.F1 = round(m.Precision), round(m.Recall), round(m.F1)
}
