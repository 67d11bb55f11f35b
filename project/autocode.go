package project

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/corpus"
	"github.com/qualgraph/qualgraph/corpus/fts"
	"golang.org/x/text/width"
)

// Auto-coding
//
// AutoCode codes many spans at once, in one of three modes:
//
//   - search: every hit of a full-text query (corpus query syntax) gets
//     one code;
//   - speaker: every turn of one speaker (case-insensitive, with the
//     turns of the labels aliased to it: see AliasSpeaker), in every
//     document, gets one code;
//   - cues: every class of the codebook that has cue words (the
//     ontology's Cues, in every language) codes the hits of each cue,
//     searched as a phrase. A cue codes only its own words: a hit counts
//     if its words are the cue's, ignoring case and width, each word
//     perhaps with an inflection ending ("trials" for "trial", not "brand"
//     for "branding", which the search finds by its stem), and if it is
//     not the whole of a bracketed qualifier, such as "(Trial)" after the
//     title of a policy. Cues of stop words only ("so that") are searched
//     like any other.
//
// A hit is turned into the unit to code (see package coding on units):
// UnitHit codes the hit's own span; UnitSentence the sentence that holds
// it (the sentences it overlaps, if it spans several); UnitSegment the
// body of its segment, that is the speaker turn after the label ("Chen: ")
// or the whole paragraph. The speaker mode codes segment bodies. A hit
// that lies wholly in a speaker label has no sentence or body and is
// skipped (counted in OutsideUnits). A hit in a turn of one of the
// request's SkipSpeakers (or of a label aliased to one) is not coded
// either (counted in SkippedSpeaker).
//
// A unit is coded once per code and run, and not at all if the coder has
// already coded that span (same document, start and end) with that code.
// The whole run is one transaction.

// Unit says what auto-coding codes around a hit.
type Unit string

// The units.
const (
	UnitHit      Unit = "hit"
	UnitSentence Unit = "sentence"
	UnitSegment  Unit = "segment"
)

// ParseUnit returns the unit named s ("" for the mode's default).
func ParseUnit(s string) (Unit, error) {
	switch u := Unit(s); u {
	case "", UnitHit, UnitSentence, UnitSegment:
		return u, nil
	}
	return "", fmt.Errorf("unknown unit %q (want hit, sentence or segment)", s)
}

// AutoCodeRequest says what to auto-code. Exactly one mode applies: Cues
// if set, else search if Query is not empty, else speaker if Speaker is
// not empty.
type AutoCodeRequest struct {
	Query string // search mode: the query
	Cues  bool   // cue mode
	// Codes limits the cue mode to these classes and their descendants;
	// empty means every class with cues.
	Codes []string
	Code  string // the code to apply in the search and speaker modes
	Unit  Unit   // default: hit (search), segment (speaker), sentence (cues)
	Memo  string // memo given to every coding

	// Filters, as in fts.SearchRequest: documents of this kind, with
	// these attribute values, turns of this speaker (ignoring case; the
	// turns of its aliases too, see AliasSpeaker). In the speaker mode
	// Speaker is the speaker to code.
	Kind    string
	Attrs   map[string]string
	Speaker string
	// SkipSpeakers are speakers (ignoring case, aliases honoured) whose
	// turns are not coded: a hit in one of their turns is counted in
	// AutoCodeResult.SkippedSpeaker and left alone. A name that is no
	// speaker's is a *coding.UnknownError wrapping
	// coding.ErrUnknownSpeaker.
	SkipSpeakers []string

	DryRun bool   // plan only: write nothing
	Op     string // the change's op; default "code --search", "code --speaker" or "autocode"
}

// CodeCount counts what auto-coding did for one code.
type CodeCount struct {
	Code     string `json:"code"`
	Cues     int    `json:"cues"`     // cues searched (cue mode)
	Hits     int    `json:"hits"`     // search hits
	Coded    int    `json:"coded"`    // spans coded (or, dry, to be coded)
	Existing int    `json:"existing"` // spans skipped: the coder had coded them so already
}

// SkippedCue is a cue word that was not searched, and why.
type SkippedCue struct {
	Code   string `json:"code"`
	Cue    string `json:"cue"`
	Reason string `json:"reason"`
}

// AutoCodeResult is what AutoCode did or, with DryRun, would do.
type AutoCodeResult struct {
	// Codings are the codings written (with DryRun, planned: no ID), by
	// document name, start, end and code.
	Codings []coding.Coding
	Names   map[string]string // document id → name, for the documents of Codings
	Counts  []CodeCount       // per code, in codebook order (search and speaker: one)

	Hits         int // search hits
	Existing     int // units skipped because the coder had coded them so already
	Repeats      int // hits whose unit another hit of this run had already given
	OutsideUnits int // hits wholly in a speaker label: no sentence or body to code
	// SkippedSpeaker counts the hits in turns of AutoCodeRequest's
	// SkipSpeakers, not coded.
	SkippedSpeaker int
	SkippedCues    []SkippedCue
	DryRun         bool
}

// spanKey identifies a coding (or mention) of a span for de-duplication.
type spanKey struct {
	doc        string
	start, end int
	what       string
}

// cueSearch is one search of an auto-coding run.
type cueSearch struct {
	code, cue string
	req       fts.SearchRequest
}

// AutoCode codes the units around the hits of a search, the turns of a
// speaker or the hits of the ontology's cue words (see the comment on
// auto-coding above) in one transaction, as coder by. It returns an
// *coding.UnknownError for an unknown code, a *fts.QueryError for a bad
// query, and writes nothing on any error or with req.DryRun.
func (p *Project) AutoCode(ctx context.Context, req AutoCodeRequest, by string) (*AutoCodeResult, error) {
	unlock, err := p.lockWrite()
	if err != nil {
		return nil, err
	}
	defer unlock()
	cb, err := p.Codebook()
	if err != nil {
		return nil, err
	}
	unit, err := ParseUnit(string(req.Unit))
	if err != nil {
		return nil, err
	}
	names, err := p.SpeakerNames()
	if err != nil {
		return nil, err
	}
	skip, err := p.skipSpeakers(ctx, names, req.SkipSpeakers)
	if err != nil {
		return nil, err
	}
	filter := fts.SearchRequest{Kind: req.Kind, Attrs: req.Attrs, Speaker: req.Speaker, SpeakerLabels: names.Labels}
	res := &AutoCodeResult{Names: map[string]string{}, DryRun: req.DryRun}
	var searches []cueSearch
	op := req.Op
	switch {
	case req.Cues:
		op = cmp.Or(op, "autocode")
		unit = cmp.Or(unit, UnitSentence)
		searches, err = cueSearches(cb, req.Codes, filter, res)
		if err != nil {
			return nil, err
		}
	case strings.TrimSpace(req.Query) != "" || req.Speaker != "":
		if err := cb.CheckCode(req.Code); err != nil {
			return nil, err
		}
		s := filter
		s.Query = req.Query
		if strings.TrimSpace(req.Query) == "" {
			op = cmp.Or(op, "code --speaker")
			unit = cmp.Or(unit, UnitSegment)
		} else {
			op = cmp.Or(op, "code --search")
			unit = cmp.Or(unit, UnitHit)
		}
		searches = []cueSearch{{code: req.Code, req: s}}
		res.Counts = []CodeCount{{Code: req.Code}}
	default:
		return nil, fmt.Errorf("auto-code: nothing to search: give a query, a speaker or cues")
	}

	ix, release, err := p.searchIndex()
	if err != nil {
		return nil, err
	}
	defer release()
	type codedHit struct {
		fts.Hit
		count int    // index into res.Counts
		cue   string // the cue searched, in cue mode
	}
	var hits []codedHit
	count := map[string]int{}
	for i, c := range res.Counts {
		count[c.Code] = i
	}
	for _, s := range searches {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		hs, err := ix.Search(s.req)
		if err != nil {
			if s.cue != "" {
				return nil, fmt.Errorf("cue %q of %s: %w", s.cue, s.code, err)
			}
			return nil, err
		}
		k := count[s.code]
		res.Counts[k].Hits += len(hs)
		res.Hits += len(hs)
		for _, h := range hs {
			hits = append(hits, codedHit{h, k, s.cue})
		}
	}
	// Work document by document, in text order.
	slices.SortFunc(hits, func(a, b codedHit) int {
		return cmp.Or(strings.Compare(a.Doc, b.Doc), cmp.Compare(a.Start, b.Start), cmp.Compare(a.End, b.End))
	})

	v, err := p.View(false)
	if err != nil {
		return nil, err
	}
	existing := make(map[spanKey]bool)
	for _, c := range v.Codings {
		if c.Coder == by {
			existing[spanKey{c.Doc, c.Start, c.End, c.Code}] = true
		}
	}

	planned := make(map[spanKey]bool)
	var reqs []CodeRequest
	var units *docUnits
	for _, h := range hits {
		code := res.Counts[h.count].Code
		r := coding.Range{Start: h.Start, End: h.End}
		if unit != UnitHit || h.cue != "" {
			if units == nil || units.id != h.Doc {
				if units, err = p.loadUnits(h.Doc); err != nil {
					return nil, err
				}
			}
		}
		if h.cue != "" && !units.cueAt(h.cue, r) {
			// Not the cue's own words: not a hit.
			res.Counts[h.count].Hits--
			res.Hits--
			continue
		}
		if h.Speaker != "" && skip[coding.SpeakerKey(names.Name(h.Speaker))] {
			res.SkippedSpeaker++
			continue
		}
		if unit != UnitHit {
			var ok bool
			if r, ok = units.unit(unit, r); !ok {
				res.OutsideUnits++
				continue
			}
		}
		key := spanKey{h.Doc, r.Start, r.End, code}
		switch {
		case planned[key]:
			res.Repeats++
			continue
		case existing[key]:
			planned[key] = true // count it once
			res.Existing++
			res.Counts[h.count].Existing++
			continue
		}
		planned[key] = true
		res.Counts[h.count].Coded++
		res.Names[h.Doc] = h.Name
		reqs = append(reqs, CodeRequest{Span: coding.Span{Doc: h.Doc, Start: r.Start, End: r.End}, Code: code, Memo: req.Memo})
	}
	slices.SortFunc(reqs, func(a, b CodeRequest) int {
		return cmp.Or(strings.Compare(res.Names[a.Span.Doc], res.Names[b.Span.Doc]),
			strings.Compare(a.Span.Doc, b.Span.Doc), cmp.Compare(a.Span.Start, b.Span.Start),
			cmp.Compare(a.Span.End, b.Span.End), strings.Compare(a.Code, b.Code))
	})
	if req.DryRun {
		now := time.Now().UTC()
		res.Codings = make([]coding.Coding, len(reqs))
		for i, r := range reqs {
			res.Codings[i] = coding.Coding{Span: r.Span, Code: r.Code, Coder: by, Created: now, Memo: r.Memo}
		}
		return res, nil
	}
	res.Codings, err = p.code(ctx, reqs, by, op)
	if err != nil {
		return nil, err
	}
	return res, nil
}

// skipSpeakers returns the keys (coding.SpeakerKey) of the merged names
// of speakers, which must each be a speaker label of a turn or a name
// that labels are merged into.
func (p *Project) skipSpeakers(ctx context.Context, names coding.SpeakerNames, speakers []string) (map[string]bool, error) {
	if len(speakers) == 0 {
		return nil, nil
	}
	labels, err := p.speakerLabels(ctx)
	if err != nil {
		return nil, err
	}
	known := map[string]string{}
	for k, l := range labels {
		known[k] = l
	}
	for _, a := range names.List() {
		known[coding.SpeakerKey(a.Name)] = a.Name
	}
	skip := map[string]bool{}
	for _, sp := range speakers {
		if _, ok := known[coding.SpeakerKey(sp)]; !ok {
			list := make([]string, 0, len(known))
			for _, l := range known {
				list = append(list, l)
			}
			slices.Sort(list)
			return nil, &coding.UnknownError{What: "speaker", ID: sp, Known: list, Err: coding.ErrUnknownSpeaker}
		}
		skip[coding.SpeakerKey(names.Name(sp))] = true
	}
	return skip, nil
}

// cueSearches lists the phrase searches of the cue mode and fills
// res.Counts and res.SkippedCues.
func cueSearches(cb *coding.Codebook, codes []string, filter fts.SearchRequest, res *AutoCodeResult) ([]cueSearch, error) {
	var only map[string]bool
	if len(codes) > 0 {
		only = map[string]bool{}
		for _, c := range codes {
			if err := cb.CheckCode(c); err != nil {
				return nil, err
			}
			for _, d := range cb.Descendants(c) {
				only[d] = true
			}
		}
	}
	var out []cueSearch
	for _, c := range cb.Classes() {
		if len(c.Cues) == 0 || only != nil && !only[c.ID] {
			continue
		}
		langs := make([]string, 0, len(c.Cues))
		for l := range c.Cues {
			langs = append(langs, l)
		}
		sort.Strings(langs)
		n := 0
		seen := map[string]bool{}
		for _, l := range langs {
			for _, cue := range c.Cues[l] {
				cue = strings.TrimSpace(cue)
				if cue == "" || seen[cue] {
					continue
				}
				seen[cue] = true
				if r, size := utf8.DecodeRuneInString(cue); size == len(cue) && isCJK(r) {
					res.SkippedCues = append(res.SkippedCues, SkippedCue{c.ID, cue,
						"a single Chinese character cannot be searched: the index matches two characters or more"})
					continue
				}
				s := filter
				s.Query = phrase(cue)
				out = append(out, cueSearch{code: c.ID, cue: cue, req: s})
				n++
			}
		}
		if n > 0 {
			res.Counts = append(res.Counts, CodeCount{Code: c.ID, Cues: n})
		}
	}
	return out, nil
}

// phrase quotes s as a phrase of the query syntax.
func phrase(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// isCJK reports whether r is written without spaces between words:
// Han, kana or Hangul.
func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

// docUnits finds the units of one document: its segments, with their
// sentences and bodies worked out on first use.
type docUnits struct {
	id     string
	text   string
	segs   []corpus.Segment
	bytes  []int // byte offset of each segment's start and end: 2 per segment
	sents  map[int][]coding.Range
	bodies map[int]coding.Range
}

// loadUnits reads a document's text and segments.
func (p *Project) loadUnits(id string) (*docUnits, error) {
	text, err := p.Text(id)
	if err != nil {
		return nil, err
	}
	rec, err := p.readRecord(id)
	if err != nil {
		return nil, err
	}
	segs := rec.Segments
	if len(segs) == 0 && text != "" {
		// The index treats a document without segments as one unit.
		segs = []corpus.Segment{{Start: 0, End: utf8.RuneCountInString(text)}}
	}
	u := &docUnits{id: id, text: text, segs: segs, bytes: make([]int, 0, 2*len(segs)),
		sents: map[int][]coding.Range{}, bodies: map[int]coding.Range{}}
	// Segments are in order: one forward pass finds their byte offsets.
	b, n := 0, 0
	at := func(r int) int {
		for n < r && b < len(text) {
			_, size := utf8.DecodeRuneInString(text[b:])
			b += size
			n++
		}
		return b
	}
	for _, s := range segs {
		if s.Start < n || s.End < s.Start {
			return nil, fmt.Errorf("document %s: segments out of order at [%d,%d)", id, s.Start, s.End)
		}
		u.bytes = append(u.bytes, at(s.Start), at(s.End))
	}
	return u, nil
}

// labelSpans returns the code-point ranges of the speaker labels of the
// document's turns, with the white space after them, in order.
func (u *docUnits) labelSpans() []coding.Range {
	var out []coding.Range
	for i, sg := range u.segs {
		if sg.Speaker == "" {
			continue
		}
		if n := coding.LabelLen(u.text[u.bytes[2*i]:u.bytes[2*i+1]], sg.Speaker); n > 0 {
			out = append(out, coding.Range{Start: sg.Start, End: sg.Start + n})
		}
	}
	return out
}

// inLabel reports whether r overlaps one of labels, which are in order.
func inLabel(labels []coding.Range, r coding.Range) bool {
	i := sort.Search(len(labels), func(i int) bool { return labels[i].End > r.Start })
	return i < len(labels) && labels[i].Start < r.End
}

// cueAt reports whether the text at r, a hit of cue, is the cue's own
// words (see cueWordsMatch) and not a bracketed qualifier of a title, such
// as "(Trial)" or "（试行）" after the name of a policy.
func (u *docUnits) cueAt(cue string, r coding.Range) bool {
	i := sort.Search(len(u.segs), func(i int) bool { return u.segs[i].Start > r.Start }) - 1
	if i < 0 || r.End > u.segs[i].End {
		return false
	}
	seg := u.text[u.bytes[2*i]:u.bytes[2*i+1]]
	var before, after rune
	var hit strings.Builder
	n := u.segs[i].Start
	for _, c := range seg {
		switch {
		case n == r.Start-1:
			before = c
		case n >= r.Start && n < r.End:
			hit.WriteRune(c)
		case n == r.End:
			after = c
		}
		if n >= r.End {
			break
		}
		n++
	}
	if strings.ContainsRune("(（[【", before) && strings.ContainsRune(")）]】", after) && before != 0 && after != 0 {
		return false
	}
	return cueWordsMatch(cue, hit.String())
}

// cueWordsMatch reports whether hit, the text a search for cue found, is
// cue's words: as many words, each the cue's word ignoring case and width,
// or the cue's word with an inflection ending (see inflected). The
// search stems words, so it also finds shorter words ("brand" for the cue
// "branding") that the cue does not name. A possessive 's is ignored.
func cueWordsMatch(cue, hit string) bool {
	cw, hw := cueWords(cue), cueWords(hit)
	if len(cw) != len(hw) || len(cw) == 0 {
		return false
	}
	for k, w := range cw {
		if !inflected(w, hw[k]) {
			return false
		}
	}
	return true
}

// inflected reports whether word is w or w with an English inflection
// ending: s, es, d, ed, ing; for a w ending in y, also ies and ied; for
// one ending in e, ing in its place.
func inflected(w, word string) bool {
	rest, ok := strings.CutPrefix(word, w)
	switch {
	case ok:
		switch rest {
		case "", "s", "es", "d", "ed", "ing":
			return true
		}
	case strings.HasSuffix(w, "y"):
		rest, ok = strings.CutPrefix(word, strings.TrimSuffix(w, "y"))
		return ok && (rest == "ies" || rest == "ied")
	case strings.HasSuffix(w, "e"):
		rest, ok = strings.CutPrefix(word, strings.TrimSuffix(w, "e"))
		return ok && rest == "ing"
	}
	return false
}

// cueWords splits s into words: runs of letters, digits and marks, with
// apostrophes inside them, lower-cased and width-folded, without a
// possessive 's.
func cueWords(s string) []string {
	s = width.Fold.String(strings.ToLower(s))
	ws := strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) && r != '\'' && r != '’'
	})
	out := ws[:0]
	for _, w := range ws {
		w = strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "’s")
		if w = strings.Trim(w, "'’"); w != "" {
			out = append(out, w)
		}
	}
	return out
}

// unit returns the unit of kind k around hit r, or false if r lies in no
// unit (in a speaker label, or outside every segment).
func (u *docUnits) unit(k Unit, r coding.Range) (coding.Range, bool) {
	// The segment that holds r.Start: the last one starting at or before it.
	i := sort.Search(len(u.segs), func(i int) bool { return u.segs[i].Start > r.Start }) - 1
	if i < 0 || r.Start >= u.segs[i].End {
		return r, false
	}
	seg := u.segs[i]
	r.End = min(r.End, seg.End)
	text := u.text[u.bytes[2*i]:u.bytes[2*i+1]]
	if k == UnitSegment {
		body, ok := u.bodies[i]
		if !ok {
			body = coding.Body(text, seg.Start, seg.Speaker)
			u.bodies[i] = body
		}
		if body.Start >= body.End || r.End <= body.Start || r.Start >= body.End {
			return r, false
		}
		return body, true
	}
	sents, ok := u.sents[i]
	if !ok {
		sents = coding.Sentences(text, seg.Start, seg.Speaker)
		u.sents[i] = sents
	}
	// The first sentence ending after the hit's start, and the sentences
	// after it that start before the hit's end.
	j := sort.Search(len(sents), func(j int) bool { return sents[j].End > r.Start })
	if j == len(sents) || sents[j].Start >= r.End {
		return r, false
	}
	out := sents[j]
	for j++; j < len(sents) && sents[j].Start < r.End; j++ {
		out.End = sents[j].End
	}
	return out, true
}

// Mentions found automatically
//
// AutoMention finds each entity's name and aliases in the text of every
// document. Latin script matches ignoring case, and only as whole words:
// a match next to a letter, digit or mark (of a script written with
// spaces) is refused, so "Lin" is not found in "Linear"; Chinese, which
// has no spaces, matches exactly wherever it stands. Where names of one
// entity overlap ("Halvorsen Lighting", "Halvorsen"), the longest match,
// then the first, is kept. A span already recorded as a mention of that
// entity, by any coder, is skipped. A match in the speaker label of a
// turn ("Lin:", "受访者林：", "Interviewer (Lin):", as the segmenter
// recognised it; see coding.LabelLen) names who speaks, not who is
// spoken of: it is skipped and counted in AutoMentionResult.InLabels.
// The whole run is one transaction.

// AutoMentionRequest says which entities to look for.
type AutoMentionRequest struct {
	Entities []string // entity ids; empty means every entity
	DryRun   bool     // plan only: write nothing
	Op       string   // the change's op; default "mention --auto"
}

// EntityCount counts what AutoMention did for one entity.
type EntityCount struct {
	Entity   string   `json:"entity"`
	Names    []string `json:"names"`    // the name and aliases searched
	Found    int      `json:"found"`    // matches kept
	Added    int      `json:"added"`    // mentions recorded (or, dry, to be recorded)
	Existing int      `json:"existing"` // matches already recorded
}

// AutoMentionResult is what AutoMention did or, with DryRun, would do.
type AutoMentionResult struct {
	// Mentions are the mentions recorded (with DryRun, planned: no ID), by
	// document name, start and entity.
	Mentions []coding.Mention
	Names    map[string]string // document id → name
	Counts   []EntityCount     // by entity id
	Existing int
	// InLabels counts the matches in a turn's speaker label ("Lin:"),
	// which are not mentions.
	InLabels int
	DryRun   bool
}

// AutoMention records the mentions of entities found in the documents'
// texts (see the comment on mentions above), as coder by, in one
// transaction. It returns a *coding.UnknownError for an unknown entity and
// writes nothing on any error or with req.DryRun.
func (p *Project) AutoMention(ctx context.Context, req AutoMentionRequest, by string) (*AutoMentionResult, error) {
	unlock, err := p.lockWrite()
	if err != nil {
		return nil, err
	}
	defer unlock()
	v, err := p.View(false)
	if err != nil {
		return nil, err
	}
	ents := slices.Clone(v.Entities)
	sort.Slice(ents, func(i, j int) bool { return ents[i].ID < ents[j].ID })
	if len(req.Entities) > 0 {
		byID := map[string]coding.Entity{}
		for _, e := range ents {
			byID[e.ID] = e
		}
		ents = ents[:0:0]
		for _, id := range req.Entities {
			e, ok := byID[id]
			if !ok {
				return nil, &coding.UnknownError{What: "entity", ID: id, Err: coding.ErrUnknownEntity}
			}
			if !slices.ContainsFunc(ents, func(x coding.Entity) bool { return x.ID == id }) {
				ents = append(ents, e)
			}
		}
	}
	res := &AutoMentionResult{Names: map[string]string{}, DryRun: req.DryRun}
	type pattern struct {
		folded string
		edgeL  bool // the name starts with a word character: check the boundary
		edgeR  bool
	}
	pats := make([][]pattern, len(ents))
	for i, e := range ents {
		ec := EntityCount{Entity: e.ID}
		seen := map[string]bool{}
		for _, name := range append([]string{e.Name}, e.Aliases...) {
			name = strings.TrimSpace(name)
			f := fold(name)
			if f == "" || seen[f] {
				continue
			}
			seen[f] = true
			ec.Names = append(ec.Names, name)
			first, _ := utf8.DecodeRuneInString(f)
			last, _ := utf8.DecodeLastRuneInString(f)
			pats[i] = append(pats[i], pattern{f, isWordRune(first), isWordRune(last)})
		}
		res.Counts = append(res.Counts, ec)
	}
	existing := make(map[spanKey]bool, len(v.Mentions))
	for _, m := range v.Mentions {
		existing[spanKey{m.Doc, m.Start, m.End, m.Entity}] = true
	}

	docs, err := p.Documents(ctx)
	if err != nil {
		return nil, err
	}
	var ms []coding.Mention
	var found []coding.Range
	for _, d := range docs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		units, err := p.loadUnits(d.ID)
		if err != nil {
			return nil, err
		}
		text := units.text
		labels := units.labelSpans()
		folded := fold(text)
		for i := range ents {
			found = found[:0]
			for _, pt := range pats[i] {
				w := runeWalker{s: folded}
				for from := 0; from < len(folded); {
					k := strings.Index(folded[from:], pt.folded)
					if k < 0 {
						break
					}
					b0 := from + k
					b1 := b0 + len(pt.folded)
					_, size := utf8.DecodeRuneInString(folded[b0:])
					from = b0 + size
					if pt.edgeL && b0 > 0 {
						if r, _ := utf8.DecodeLastRuneInString(folded[:b0]); isWordRune(r) {
							continue
						}
					}
					if pt.edgeR && b1 < len(folded) {
						if r, _ := utf8.DecodeRuneInString(folded[b1:]); isWordRune(r) {
							continue
						}
					}
					start := w.runeAt(b0)
					found = append(found, coding.Range{Start: start, End: start + utf8.RuneCountInString(pt.folded)})
				}
			}
			// Longest first at each start; drop matches overlapping a kept one.
			slices.SortFunc(found, func(a, b coding.Range) int {
				return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(b.End, a.End))
			})
			end := -1
			for _, r := range found {
				if r.Start < end {
					continue
				}
				end = r.End
				if inLabel(labels, r) {
					res.InLabels++
					continue
				}
				res.Counts[i].Found++
				key := spanKey{d.ID, r.Start, r.End, ents[i].ID}
				if existing[key] {
					res.Counts[i].Existing++
					res.Existing++
					continue
				}
				existing[key] = true
				res.Counts[i].Added++
				res.Names[d.ID] = d.Name
				ms = append(ms, coding.Mention{Span: coding.Span{Doc: d.ID, Start: r.Start, End: r.End}, Entity: ents[i].ID})
			}
		}
	}
	slices.SortStableFunc(ms, func(a, b coding.Mention) int {
		return cmp.Or(strings.Compare(res.Names[a.Doc], res.Names[b.Doc]), cmp.Compare(a.Start, b.Start), strings.Compare(a.Entity, b.Entity))
	})
	if req.DryRun {
		now := time.Now().UTC()
		for i := range ms {
			ms[i].Coder, ms[i].Created = by, now
		}
		res.Mentions = ms
		return res, nil
	}
	res.Mentions, err = p.addMentions(ctx, ms, by, cmp.Or(req.Op, "mention --auto"))
	if err != nil {
		return nil, err
	}
	return res, nil
}

// fold lower-cases s code point by code point, so that code-point offsets
// into the result are offsets into s.
func fold(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || 'A' <= c && c <= 'Z' {
			return strings.Map(unicode.ToLower, s)
		}
	}
	return s
}

// isWordRune reports whether r is part of a word of a script written
// with spaces between words.
func isWordRune(r rune) bool {
	return (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)) && !isCJK(r)
}

// runeWalker converts ascending byte offsets of s to code-point offsets
// in one forward pass.
type runeWalker struct {
	s    string
	b, n int
}

func (w *runeWalker) runeAt(b int) int {
	if b < w.b {
		w.b, w.n = 0, 0
	}
	w.n += utf8.RuneCountInString(w.s[w.b:b])
	w.b = b
	return w.n
}
