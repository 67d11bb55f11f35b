package synth

import (
	"math/rand/v2"
	"unicode"
	"unicode/utf8"
)

// TopicOwnShare is the share of a topic's words taken from the words the
// caller gave it (Options.TopicWords), when it gave any.
const TopicOwnShare = 0.15

// The shape of the topic vocabularies: each topic has topicWordsEN
// English and topicWordsZH Chinese words; neighbouring topics (t and
// t+1) share half of them.
const (
	topicWordsEN = 40
	topicWordsZH = 8
	// The English topic words are drawn from the content vocabulary
	// from this rank on, past the most common words.
	topicFirstRank = 60
	// The Chinese ones from this rank of zhWords on.
	topicFirstZH = 25
)

// topicVocab holds what writing about topics needs.
type topicVocab struct {
	n            int
	en, zh       [][]string // each topic's generated words, most frequent first
	ownEN, ownZH [][]string // the caller's words for each topic, by script
	enZ, zhZ     zipf       // over a topic's generated words
	pop          zipf       // over topics by popularity rank
	byRank       []int      // popularity rank to topic
}

// newTopicVocab makes the vocabularies of opt.Topics topics; nil without
// topics. It depends on the number of topics and their words only, not
// on the seed, so that a topic means the same in every corpus.
func newTopicVocab(opt Options) *topicVocab {
	k := opt.Topics
	if k <= 0 {
		return nil
	}
	rng := rand.New(rand.NewPCG(0x7091C5, uint64(k)))
	tv := &topicVocab{
		n:     k,
		en:    make([][]string, k),
		zh:    make([][]string, k),
		ownEN: make([][]string, k),
		ownZH: make([][]string, k),
		enZ:   newZipf(topicWordsEN, 0.9, 3),
		zhZ:   newZipf(topicWordsZH, 0.9, 2),
		pop:   newZipf(k, 0.8, 2),
	}
	// English: a shuffled run of the content vocabulary (real words, then
	// made-up ones, which stand for the jargon and names of a field),
	// cut into overlapping windows.
	step := topicWordsEN / 2
	pool := make([]string, k*step+step)
	for i := range pool {
		pool[i] = vocab.word(topicFirstRank + i)
	}
	rng.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
	zpool := append([]string(nil), zhWords[topicFirstZH:]...)
	rng.Shuffle(len(zpool), func(i, j int) { zpool[i], zpool[j] = zpool[j], zpool[i] })
	zstep := topicWordsZH / 2
	for t := range k {
		for j := range topicWordsEN {
			tv.en[t] = append(tv.en[t], pool[(t*step+j)%len(pool)])
		}
		for j := range topicWordsZH {
			tv.zh[t] = append(tv.zh[t], zpool[(t*zstep+j)%len(zpool)])
		}
		if t < len(opt.TopicWords) {
			for _, w := range opt.TopicWords[t] {
				if hasHan(w) {
					tv.ownZH[t] = append(tv.ownZH[t], w)
				} else if w != "" {
					tv.ownEN[t] = append(tv.ownEN[t], w)
				}
			}
		}
	}
	tv.byRank = rng.Perm(k)
	return tv
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// enWord draws an English word of g's topic.
func (tv *topicVocab) enWord(g *gen) string {
	if own := tv.ownEN[g.topic]; len(own) > 0 && g.float() < TopicOwnShare {
		return own[g.intn(len(own))]
	}
	return tv.en[g.topic][tv.enZ.draw(g)]
}

// zhWord draws a Chinese word of g's topic.
func (tv *topicVocab) zhWord(g *gen) string {
	if own := tv.ownZH[g.topic]; len(own) > 0 && g.float() < TopicOwnShare {
		return own[g.intn(len(own))]
	}
	return tv.zh[g.topic][tv.zhZ.draw(g)]
}

// favourites picks the few topics the document comes back to.
func (g *gen) favourites() {
	if g.tv == nil {
		return
	}
	for range 3 + g.intn(4) {
		g.fav = append(g.fav, g.tv.byRank[g.tv.pop.draw(g)])
	}
}

// newTopic picks the topic of what follows: one of the document's
// favourites mostly, any topic by its popularity sometimes, and now and
// then none (small talk, background).
func (g *gen) newTopic() {
	if g.tv == nil {
		return
	}
	switch x := g.float(); {
	case x < 0.12:
		g.topic = -1
	case x < 0.7:
		g.topic = g.fav[g.intn(len(g.fav))]
	default:
		g.topic = g.tv.byRank[g.tv.pop.draw(g)]
	}
}

// topical writes n sentences about the current topic, if any, recording
// them as a segment.
func (g *gen) topical(speaker string, n int, zh bool) {
	g.topicalFrom(g.b.Len(), speaker, n, zh)
}

// topicalFrom is topical for a segment that starts at byte start.
func (g *gen) topicalFrom(start int, speaker string, n int, zh bool) {
	if g.topic < 0 {
		g.sentences(n, zh)
		return
	}
	g.tw = 0.05 + 0.4*g.float()
	g.sentences(n, zh)
	g.segs = append(g.segs, Segment{Topic: g.topic, Speaker: speaker, Start: start, End: g.b.Len(), Weight: g.tw})
}

// codePoints converts the segments' byte offsets in data, in order, to
// code points.
func codePoints(data []byte, segs []Segment) []Segment {
	if len(segs) == 0 {
		return nil
	}
	b, cp := 0, 0
	to := func(off int) int {
		cp += utf8.RuneCount(data[b:off])
		b = off
		return cp
	}
	out := make([]Segment, len(segs))
	for i, s := range segs {
		s.Start = to(s.Start)
		s.End = to(s.End)
		out[i] = s
	}
	return out
}
