package benchproj

import (
	"math/rand/v2"
	"slices"
	"sort"
	"unicode"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/corpus/synth"
	"github.com/qualgraph/qualgraph/ontology"
	"github.com/qualgraph/qualgraph/project"
)

// Roots are the branches of the ontology whose codes the generated
// codings use.
var Roots = []string{"Entrepreneur", "ClusterAgent", "LegitimationPractice", "ClusterPhase", "Mechanism"}

// Codes returns the codes of the generated codings: the classes under
// Roots, roots included, depth first. Code i is about topic i of the
// generated text, so that sibling codes are about neighbouring topics.
func Codes(o *ontology.Ontology) []string {
	var codes []string
	for _, root := range Roots {
		codes = append(codes, o.Descendants(root)...)
	}
	return codes
}

// topicWords gives each code's topic the code's labels and cue words, in
// every language: what a passage about it says now and then.
func topicWords(o *ontology.Ontology, codes []string) [][]string {
	out := make([][]string, len(codes))
	for i, id := range codes {
		c, _ := o.Class(id)
		for _, l := range []string{"en", "zh"} {
			if c.Labels[l] != "" {
				out[i] = append(out[i], c.Labels[l])
			}
			out[i] = append(out[i], c.Cues[l]...)
		}
	}
	return out
}

// coder makes the codings of the generated project: three coders code
// the paragraphs about a code's topic with the code, the way a team
// codes transcripts, and err the way a team does.
type coder struct {
	rng   *rand.Rand
	codes []string
	near  [][]int // for each code, the codes a coder takes it for: its siblings and parent among codes (or its children)
	segs  []segment
	cum   []float64 // cumulative weights of segs
}

// segment is a paragraph about a topic, of a document whose text is
// text.
type segment struct {
	doc        string
	text       []rune
	start, end int
	topic      int
}

// How the coders err: the share of their codings given to a sibling
// (or the parent) of the right code, and the share that code a whole
// paragraph rather than a run of its sentences.
var (
	confusion = []float64{0.06, 0.1, 0.15}
	wholeTurn = []float64{0.7, 0.55, 0.4}
)

func newCoder(o *ontology.Ontology, codes []string, rng *rand.Rand) *coder {
	idx := map[string]int{}
	for i, c := range codes {
		idx[c] = i
	}
	cd := &coder{rng: rng, codes: codes, near: make([][]int, len(codes))}
	for i, id := range codes {
		c, _ := o.Class(id)
		var near []int
		if p, ok := idx[c.Parent]; ok {
			near = append(near, p)
			for _, s := range o.Children(c.Parent) {
				if j, ok := idx[s]; ok && j != i {
					near = append(near, j)
				}
			}
		} else {
			for _, s := range o.Children(id) {
				if j, ok := idx[s]; ok {
					near = append(near, j)
				}
			}
		}
		cd.near[i] = near
	}
	return cd
}

// addDoc adds the segments of generated file f, stored as document doc
// with text; the interviewer's and moderator's questions are not coded.
func (cd *coder) addDoc(doc string, text []rune, f synth.File) {
	for _, s := range f.Segments {
		if len(f.Speakers) > 0 && s.Speaker == f.Speakers[0] {
			continue
		}
		cd.segs = append(cd.segs, segment{doc: doc, text: text, start: s.Start, end: s.End, topic: s.Topic})
		last := 0.0
		if len(cd.cum) > 0 {
			last = cd.cum[len(cd.cum)-1]
		}
		cd.cum = append(cd.cum, last+s.Weight)
	}
}

// code returns the next coding of coder c (an index into Coders): a
// paragraph picked at random, the more likely the more plainly it is
// about its topic (so that faint ones are often left uncoded), coded
// with its topic's code or, now and then, with a sibling's; the whole
// paragraph, its ends a few words off, or a run of one to three of its
// sentences.
func (cd *coder) code(c int) project.CodeRequest {
	if len(cd.segs) == 0 {
		return project.CodeRequest{}
	}
	x := cd.rng.Float64() * cd.cum[len(cd.cum)-1]
	s := cd.segs[min(sort.SearchFloat64s(cd.cum, x), len(cd.segs)-1)]
	code := s.topic
	if near := cd.near[code]; len(near) > 0 && cd.rng.Float64() < confusion[c%len(confusion)] {
		code = near[cd.rng.IntN(len(near))]
	}
	var start, end int
	if cd.rng.Float64() < wholeTurn[c%len(wholeTurn)] {
		start, end = cd.jitter(s.text, s.start), cd.jitter(s.text, s.end)
	} else {
		ends := sentenceEnds(s.text, s.start, s.end)
		first := cd.rng.IntN(len(ends))
		last := min(len(ends)-1, first+cd.rng.IntN(3))
		start = s.start
		if first > 0 {
			start = ends[first-1]
		}
		end = ends[last]
		for start < end && s.text[start] == ' ' {
			start++
		}
	}
	if end-start < 2 {
		start, end = s.start, s.end
	}
	return project.CodeRequest{Span: coding.Span{Doc: s.doc, Start: start, End: end}, Code: cd.codes[code]}
}

// jitter moves the boundary at to the next or previous word boundary
// up to three times (in Chinese, a character), or leaves it.
func (cd *coder) jitter(text []rune, at int) int {
	n := cd.rng.IntN(7) - 3
	for ; n > 0 && at < len(text); n-- {
		at++
		for at < len(text) && !boundary(text, at) {
			at++
		}
	}
	for ; n < 0 && at > 0; n++ {
		at--
		for at > 0 && !boundary(text, at) {
			at--
		}
	}
	return at
}

// boundary reports whether a word starts or ends at text[at].
func boundary(text []rune, at int) bool {
	return unicode.IsSpace(text[at]) || unicode.IsSpace(text[at-1]) || unicode.Is(unicode.Han, text[at]) || unicode.Is(unicode.Han, text[at-1])
}

// sentenceEnds returns where the sentences of text[start:end] end: after
// each full stop or question mark, and at end.
func sentenceEnds(text []rune, start, end int) []int {
	var ends []int
	for i := start; i < end; i++ {
		switch text[i] {
		case '.', '?', '。', '？':
			ends = append(ends, i+1)
		}
	}
	if len(ends) == 0 || ends[len(ends)-1] != end {
		ends = append(ends, end)
	}
	return slices.Compact(ends)
}
