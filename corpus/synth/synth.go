// Package synth generates realistic synthetic corpora for benchmarks and
// tests: interview transcripts, focus-group transcripts and policy documents
// about industrial clusters and entrepreneurs, in English with some Chinese.
//
// The texts are plain UTF-8 with LF line ends, the way a researcher's
// transcription tool writes them:
//
//	Interview 0007 with Mr Lin, private shoes manufacturer, Dongguan (2015)
//
//	Interviewer: When did you start the factory?
//
//	Lin: In 2003, um, we had maybe thirty workers. 当时订单很多，工人不够。
//
//	受访者林：后来地方政府给了一些补贴……
//
// Speaker turns are paragraphs that begin with "Name: " (ASCII colon) or, for
// turns in Chinese, "受访者林：" (fullwidth colon). Long answers continue in
// further paragraphs without a label. Policy documents have a title, numbered
// section headings and paragraphs, no speakers. Paragraphs are separated by
// one blank line.
//
// Words follow a Zipf-like distribution over a ranked vocabulary of function
// words, general and domain words ("cluster", "entrepreneurs", "organised",
// "organising", …), recurring phrases ("local government", "supply chain")
// and a long tail of rare made-up words, so that term statistics resemble
// real transcripts. By default about 15% of sentences are Chinese; some
// turns are entirely Chinese, others switch language mid-turn. A few texts
// contain emoji outside the Basic Multilingual Plane.
//
// # Topics
//
// With Options.Topics set to K, the text is about K topics, the way the
// passages of real interviews are about one thing or another and a coder
// codes them so. Each topic has a vocabulary of its own: 40 English
// words from the content vocabulary past its 60 commonest words (general
// and domain words, and made-up ones that stand for a field's jargon and
// names) and 8 Chinese ones, shuffled once for K; topic t shares half of
// its words with topic t-1 and half with t+1, so that neighbouring
// topics are hard to tell apart, and every topic word also stands in the
// rest of the text at its ordinary (Zipf) rate. Options.TopicWords may
// give a topic words of its own (the caller's names for it), which make
// up TopicOwnShare of its words. An interviewer's question picks the
// topic of the exchange that follows (the answer and its further
// paragraphs), a moderator's question that of the participants' turns
// after it, a policy document's section that of its paragraphs: mostly
// one of the three to six topics the document comes back to, sometimes
// any topic (some topics are much more common than others), and one time
// in eight no topic (small talk, background). Each paragraph about a
// topic draws a share of its content words, its weight (between 0.05 and
// 0.45, at random), from the topic's words; the rest of its text is as
// without topics. File.Segments gives each such paragraph's topic,
// speaker, weight and span (code points, without the speaker label).
// Without topics the text is the same, byte for byte, as before they
// came.
//
// Generation is deterministic: the same seed and options give the same bytes,
// and document i does not depend on n, so Generate(seed, 10, o) is a prefix of
// Generate(seed, 1000, o).
//
// Example:
//
//	files := synth.Generate(1, 2000, synth.Options{}) // about 40 MB
//	if err := synth.WriteDir(dir, files); err != nil { … }
package synth

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Document kinds, the same strings as package corpus uses.
const (
	KindInterview  = "interview"
	KindFocusGroup = "focus-group"
	KindPolicy     = "policy"
)

// Options tune Generate. The zero value gives the defaults.
type Options struct {
	// DocSize is the mean size of a document in bytes; sizes vary between
	// 0.6 and 1.4 times it. Zero means 20,000.
	DocSize int
	// Chinese is the share of sentences written in Chinese, between 0 and 1.
	// Zero means 0.15; a negative value means no Chinese at all.
	Chinese float64
	// Kinds lists the kinds of document to generate, chosen at random with
	// equal weight. Nil means interviews 60%, focus groups 25% and policy
	// documents 15%.
	Kinds []string
	// NoEmoji leaves out emoji.
	NoEmoji bool
	// Topics, above 0, makes the text about that many topics (see the
	// package documentation, "Topics"); File.Segments then says which
	// paragraph is about which. Zero leaves the text as without it, byte
	// for byte.
	Topics int
	// TopicWords optionally gives topic t words of its own, TopicWords[t]
	// (a word may be several, written as given; words with Han characters
	// go into the topic's Chinese sentences): they make up TopicOwnShare
	// of the topic's words, the generated topic vocabulary the rest.
	TopicWords [][]string
}

// File is one generated source file.
type File struct {
	Name     string            // file name, e.g. "interview-0007.txt"
	Kind     string            // KindInterview, KindFocusGroup or KindPolicy
	Attrs    map[string]string // region, firm_type and year
	Speakers []string          // the participants' speaker labels, interviewer or moderator first; nil for policy documents
	Data     []byte            // the file's contents, UTF-8
	// Segments are the paragraphs about a topic, in order, when
	// Options.Topics is above 0; nil otherwise.
	Segments []Segment
}

// Segment is a paragraph of a File about a topic: its text without the
// speaker label, [Start, End) in code points of File.Data.
type Segment struct {
	Topic      int
	Speaker    string // the turn's speaker label; "" for a paragraph without one
	Start, End int
	// Weight is the share of the paragraph's content words drawn from the
	// topic's vocabulary, between 0.05 and 0.45: how plainly it is about
	// its topic.
	Weight float64
}

// Generate returns n synthetic files made from seed. See the package
// documentation for what they contain.
func Generate(seed int64, n int, opt Options) []File {
	opt = opt.withDefaults()
	tv := newTopicVocab(opt)
	files := make([]File, n)
	for i := range files {
		files[i] = generate(seed, i, opt, tv)
	}
	return files
}

// Size returns the total number of bytes of files' contents.
func Size(files []File) int64 {
	var n int64
	for _, f := range files {
		n += int64(len(f.Data))
	}
	return n
}

// WriteDir writes each file's contents to dir/Name, creating dir if needed.
// It does not write the attributes; use Manifest for those.
func WriteDir(dir string, files []File) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Manifest returns the files' attributes as CSV with a header line:
// name,kind,region,firm_type,year.
func Manifest(files []File) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"name", "kind", "region", "firm_type", "year"})
	for _, f := range files {
		w.Write([]string{f.Name, f.Kind, f.Attrs["region"], f.Attrs["firm_type"], f.Attrs["year"]})
	}
	w.Flush()
	return b.Bytes()
}

func (o Options) withDefaults() Options {
	if o.DocSize <= 0 {
		o.DocSize = 20000
	}
	switch {
	case o.Chinese == 0:
		o.Chinese = 0.15
	case o.Chinese < 0:
		o.Chinese = 0
	case o.Chinese > 1:
		o.Chinese = 1
	}
	return o
}

// gen holds the state of generating one document.
type gen struct {
	rng *rand.Rand
	opt Options
	b   buf
	zh  float64 // share of Chinese sentences in this document
	emo bool    // this document contains emoji
	reg int     // index into regions
	// Topics (see topic.go): the vocabularies, the topic of the text
	// being written (-1: none), its weight, the document's favourite
	// topics and the segments written so far (in bytes).
	tv    *topicVocab
	topic int
	tw    float64
	fav   []int
	segs  []Segment
}

// buf is a byte buffer with the writing methods generation needs.
type buf []byte

func (b *buf) WriteString(s string) { *b = append(*b, s...) }
func (b *buf) WriteByte(c byte) error {
	*b = append(*b, c)
	return nil
}
func (b *buf) Write(p []byte) (int, error) {
	*b = append(*b, p...)
	return len(p), nil
}
func (b *buf) Len() int { return len(*b) }

func generate(seed int64, i int, opt Options, tv *topicVocab) File {
	g := &gen{
		rng:   rand.New(rand.NewPCG(uint64(seed), uint64(i)*0x9E3779B97F4A7C15+1)),
		opt:   opt,
		b:     make(buf, 0, opt.DocSize*3/2),
		tv:    tv,
		topic: -1,
	}
	kind := g.kind()
	g.reg = g.intn(len(regions))
	firm := firmTypes[g.intn(len(firmTypes))]
	year := 2005 + g.intn(15)
	g.zh = opt.Chinese * (0.5 + g.float())
	g.emo = !opt.NoEmoji && g.float() < 0.1
	size := int(float64(opt.DocSize) * (0.6 + 0.8*g.float()))

	f := File{
		Name:  fmt.Sprintf("%s-%04d.txt", kind, i+1),
		Kind:  kind,
		Attrs: map[string]string{"region": regions[g.reg], "firm_type": firm, "year": strconv.Itoa(year)},
	}
	g.favourites()
	switch kind {
	case KindFocusGroup:
		f.Speakers = g.focusGroup(i, firm, year, size)
	case KindPolicy:
		g.policy(i, year, size)
	default:
		f.Speakers = g.interview(i, firm, year, size)
	}
	f.Data = slices.Clip(g.b)
	f.Segments = codePoints(f.Data, g.segs)
	return f
}

func (g *gen) kind() string {
	if len(g.opt.Kinds) > 0 {
		return g.opt.Kinds[g.intn(len(g.opt.Kinds))]
	}
	switch x := g.float(); {
	case x < 0.6:
		return KindInterview
	case x < 0.85:
		return KindFocusGroup
	}
	return KindPolicy
}

func (g *gen) interview(i int, firm string, year, size int) []string {
	s := g.intn(len(surnames))
	name := surnames[s]
	title := []string{"Mr", "Ms"}[g.intn(2)]
	industry := industries[g.intn(len(industries))]
	fmt.Fprintf(&g.b, "Interview %04d with %s %s, %s %s manufacturer, %s (%d)\n\n",
		i+1, title, name, firm, industry, regions[g.reg], year)
	interviewer := "Interviewer"
	zhLabel := "受访者" + surnamesZH[s]
	speakers := []string{interviewer, name}
	usedZH := false
	for g.b.Len() < size {
		g.newTopic()
		g.turn(interviewer, 1+g.intn(2), false)
		// The interviewee's answer: sometimes entirely in Chinese.
		if g.float() < g.zh*0.6 {
			g.turn(zhLabel, 2+g.intn(6), true)
			if !usedZH {
				speakers = append(speakers, zhLabel)
				usedZH = true
			}
		} else {
			g.turn(name, 2+g.intn(9), false)
		}
		// Long answers run on into further paragraphs.
		for g.float() < 0.25 {
			g.paragraph("", 2+g.intn(6), false)
		}
	}
	return speakers
}

func (g *gen) focusGroup(i int, firm string, year, size int) []string {
	fmt.Fprintf(&g.b, "Focus group %04d, %s, %s firms (%d)\n\n", i+1, regions[g.reg], firm, year)
	n := 4 + g.intn(5)
	speakers := []string{"Moderator"}
	for k := 0; k < n; k++ {
		if g.float() < 0.5 {
			speakers = append(speakers, "P"+strconv.Itoa(k+1))
		} else {
			speakers = append(speakers, surnames[g.intn(len(surnames))]+" "+strconv.Itoa(k+1))
		}
	}
	g.newTopic()
	for g.b.Len() < size {
		if g.float() < 0.3 {
			g.newTopic()
			g.turn("Moderator", 1+g.intn(2), false)
			continue
		}
		p := speakers[1+g.intn(n)]
		g.turn(p, 1+g.intn(5), g.float() < g.zh)
	}
	return speakers
}

func (g *gen) policy(i, year, size int) {
	reg := g.reg
	fmt.Fprintf(&g.b, "Measures of %s Municipality on Promoting the Upgrading of Industrial Clusters (%d)\n\n", regions[reg], year)
	if g.opt.Chinese > 0 {
		fmt.Fprintf(&g.b, "%s市关于促进产业集群转型升级的若干措施\n\n", regionsZH[reg])
	}
	heads := []string{"General provisions", "Financial support", "Land and premises", "Talent and training",
		"Innovation platforms", "Environmental standards", "Trade associations", "Supervision", "Supplementary provisions"}
	sec := 0
	for g.b.Len() < size {
		sec++
		fmt.Fprintf(&g.b, "%d. %s\n\n", sec, heads[(sec-1)%len(heads)])
		g.newTopic()
		for k := 1 + g.intn(4); k > 0 && g.b.Len() < size; k-- {
			if g.float() < g.zh {
				g.paragraph(fmt.Sprintf("第%d条 ", sec), 2+g.intn(4), true)
			} else {
				g.paragraph("", 3+g.intn(6), false)
			}
		}
	}
}

// turn writes one speaker turn of n sentences as a paragraph.
func (g *gen) turn(speaker string, n int, zh bool) {
	if zh {
		g.b.WriteString(speaker)
		g.b.WriteString("：")
	} else {
		g.b.WriteString(speaker)
		g.b.WriteString(": ")
	}
	g.topical(speaker, n, zh)
	g.b.WriteString("\n\n")
}

// paragraph writes a paragraph of n sentences without a speaker label,
// after prefix.
func (g *gen) paragraph(prefix string, n int, zh bool) {
	start := g.b.Len()
	g.b.WriteString(prefix)
	g.topicalFrom(start, "", n, zh)
	g.b.WriteString("\n\n")
}

func (g *gen) sentences(n int, zh bool) {
	for k := 0; k < n; k++ {
		if zh || g.float() < g.zh*0.6 {
			g.zhSentence()
			continue
		}
		if k > 0 {
			g.b.WriteByte(' ')
		}
		g.enSentence()
	}
}

func (g *gen) enSentence() {
	n := 5 + g.intn(18)
	start := g.b.Len()
	for k := 0; k < n; k++ {
		if k > 0 {
			g.b.WriteByte(' ')
		}
		switch x := g.float(); {
		case x < 0.42:
			g.b.WriteString(funcWords[vocab.fn.draw(g)])
		case x < 0.445:
			g.b.WriteString(phrases[vocab.ph.draw(g)])
		case x < 0.46:
			g.b.WriteString(fillers[g.intn(len(fillers))])
		case x < 0.462 && g.emo:
			g.b.WriteString(emoji[g.intn(len(emoji))])
		case x < 0.47:
			g.b.WriteString(strconv.Itoa(1990 + g.intn(35)))
		case g.topic >= 0 && g.float() < g.tw:
			g.b.WriteString(g.tv.enWord(g))
		default:
			g.b.WriteString(vocab.word(vocab.content.draw(g)))
		}
		if k < n-1 && g.float() < 0.07 {
			g.b.WriteByte(',')
		}
	}
	// Capitalise the first letter.
	if c := g.b[start]; c >= 'a' && c <= 'z' {
		g.b[start] = c - 'a' + 'A'
	}
	if g.float() < 0.15 {
		g.b.WriteByte('?')
	} else {
		g.b.WriteByte('.')
	}
}

func (g *gen) zhSentence() {
	n := 4 + g.intn(14)
	for k := 0; k < n; k++ {
		if k > 0 && g.float() < 0.12 {
			g.b.WriteString("，")
		}
		if g.float() < 0.04 {
			g.b.WriteString(regionsZH[g.reg])
			continue
		}
		if g.topic >= 0 && g.float() < g.tw {
			g.b.WriteString(g.tv.zhWord(g))
			continue
		}
		g.b.WriteString(zhWords[vocab.zh.draw(g)])
	}
	if g.float() < 0.15 {
		g.b.WriteString("？")
	} else {
		g.b.WriteString("。")
	}
}

func (g *gen) float() float64 { return float64(g.rng.Uint64()>>11) / (1 << 53) }

func (g *gen) intn(n int) int { return int(g.rng.Uint64() % uint64(n)) }

// zipf draws ranks 0..n-1 with probability proportional to 1/(rank+v)^s
// (the Zipf–Mandelbrot law; v > 1 flattens the head).
type zipf struct{ cdf []float64 }

func newZipf(n int, s, v float64) zipf {
	cdf := make([]float64, n)
	var sum float64
	for r := range cdf {
		sum += 1 / math.Pow(float64(r)+v, s)
		cdf[r] = sum
	}
	for r := range cdf {
		cdf[r] /= sum
	}
	return zipf{cdf}
}

func (z zipf) draw(g *gen) int {
	i := sort.SearchFloat64s(z.cdf, g.float())
	return min(i, len(z.cdf)-1)
}

// tailSize is the number of made-up rare words after the real vocabulary.
const tailSize = 12000

// vocabulary is the ranked content vocabulary with its samplers.
type vocabulary struct {
	ranked  []string // real content words, most frequent first
	content zipf     // over ranked and then the made-up tail
	fn      zipf     // over funcWords
	ph      zipf     // over phrases
	zh      zipf     // over zhWords
}

var vocab = sync.OnceValue(buildVocab)()

func buildVocab() *vocabulary {
	// Interleave one domain word with two general words so that the domain
	// vocabulary is frequent enough for queries to hit.
	var ranked []string
	seen := map[string]bool{}
	add := func(w string) {
		if !seen[w] {
			seen[w] = true
			ranked = append(ranked, w)
		}
	}
	for i := 0; i < max(len(contentWords), 2*len(domainWords)); i += 2 {
		if i/2 < len(domainWords) {
			add(domainWords[i/2])
		}
		for _, w := range contentWords[min(i, len(contentWords)):min(i+2, len(contentWords))] {
			add(w)
		}
	}
	return &vocabulary{
		ranked:  slices.Clip(ranked),
		content: newZipf(len(ranked)+tailSize, 1.05, 8),
		fn:      newZipf(len(funcWords), 1.0, 3),
		ph:      newZipf(len(phrases), 0.8, 2),
		zh:      newZipf(len(zhWords), 1.0, 4),
	}
}

// word returns the content word of rank r: a real word or, past the real
// vocabulary, a made-up one derived from r.
func (v *vocabulary) word(r int) string {
	if r < len(v.ranked) {
		return v.ranked[r]
	}
	r -= len(v.ranked)
	var b strings.Builder
	for k := 0; k < 2+r%2; k++ {
		b.WriteString(onsets[r%len(onsets)])
		r /= len(onsets)
		b.WriteString(nuclei[r%len(nuclei)])
		r /= len(nuclei)
		if k == 1 {
			b.WriteString(codas[r%len(codas)])
		}
		r = r*7 + k + 3
	}
	return b.String()
}
