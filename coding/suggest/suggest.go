package suggest

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/qualgraph/qualgraph/coding"
)

// Version names the model: suggestion ids and accepted codings carry it.
const Version = "lr3"

// DefaultThreshold is the score from which a suggestion counts as a
// prediction that the code applies.
const DefaultThreshold = 0.5

// Unit is a unit of text: a sentence or a turn of document Doc at
// [Start, End) (code points), with the codes that apply to it and the
// codes coders rejected on it (for training).
type Unit struct {
	Doc        string
	Start, End int
	Text       string
	Codes      []string
	Rejected   []string
}

// Coded is a coded segment: its span, code, coder and text.
type Coded struct {
	coding.Span
	Code, Coder, Text string
}

// Options tune Train. Terms is required.
type Options struct {
	Terms func(text string) []string
	// Names gives, for a code, the words that name and describe it (its
	// id, labels and definition): the unit's similarity to them is one of
	// the model's features, so that a code's name counts from its first
	// coding on. A code without names has 0 there.
	Names  map[string]string
	Epochs int     // passes over the units; default 5, more for fewer than 6,000 units (at most 200), at most 3 over a sample of a large project's
	L2     float64 // regularisation of the term weights; default 1e-5
	// PosWeight is how much more a positive unit counts than a negative
	// one at most: a code's positives count as much as its negatives
	// together, up to this factor; default 30.
	PosWeight float64
	// UncodedWeight is how much a unit without any code counts as a
	// negative (it may simply not have been coded yet); default 0.3.
	UncodedWeight float64
	// ProtoScale scales the prototype and name features (see fit);
	// default 3.
	ProtoScale float64
	// Progress, if set, is called by Evaluate after each fold's training
	// and after its scoring: done of total steps (two a fold).
	Progress func(done, total int)
}

// Vector is a unit's text as the model sees it: an L2-normalised sparse
// tf-idf vector.
type Vector struct {
	idx []int32
	val []float64
}

// Empty reports whether v has no term the model knows.
func (v Vector) Empty() bool { return len(v.idx) == 0 }

// Model scores units for codes. It is safe for concurrent use.
type Model struct {
	terms func(string) []string
	vocab map[string]int32
	words []string
	idf   []float64
	codes map[string]*codeModel
	list  []string
	// xs are the training units' vectors, which the coded segments of the
	// explanations are made of.
	xs []Vector
	// dense holds vectors spread out by term id for Explain (*[]float64,
	// zero when put back).
	dense sync.Pool
}

type codeModel struct {
	w []float64
	b float64
	// The prototype feature: the cosine of a unit with the centroid of
	// the code's units (cent), with weight wc; the name feature: its
	// cosine with the code's names (name), with weight wn.
	cent    []float64 // normalised, by term id
	wc      float64
	name    Vector
	wn      float64
	scale   float64
	support int
	// cu are the vectors of the units the code's segments cover, each
	// once (see packCoded).
	cu []Vector
	// prior is the log of how much the fit raised the odds of a positive:
	// by the positives' weight, and by sampling the negatives (see fit).
	// score takes it off the regression's log-odds again.
	prior float64
	coded []codedRef
}

// codedRef is a coded segment as the explanations compare it: the sum of
// the vectors of the training units it covers (units, while the model is
// made; then at, their places among the code's covered units, cu), whose
// norm is norm.
type codedRef struct {
	Coded
	units []int32
	at    []int32
	norm  float64
}

// Covers reports whether a coding of span c gives its code to unit u:
// they overlap by at least half of u or half of c.
func Covers(u, c coding.Range) bool {
	ov := min(u.End, c.End) - max(u.Start, c.Start)
	return ov > 0 && (2*ov >= u.Len() || 2*ov >= c.Len())
}

// Train learns a model from units and the coded segments (for the
// explanations). See the package comment.
func Train(units []Unit, coded []Coded, o Options) *Model {
	o.Epochs = cmp.Or(o.Epochs, 5)
	o.PosWeight = cmp.Or(o.PosWeight, 30)
	o.ProtoScale = cmp.Or(o.ProtoScale, 3)
	o.UncodedWeight = cmp.Or(o.UncodedWeight, 0.3)
	if o.L2 == 0 {
		o.L2 = 1e-5
	}
	m := &Model{terms: o.Terms, vocab: map[string]int32{}, codes: map[string]*codeModel{}}
	// Each unit is analysed once, in parallel.
	toks := make([][]string, len(units))
	parallel(len(units), func(i int) { toks[i] = o.Terms(units[i].Text) })
	ids := make([][]int32, len(units))
	df := []int{}
	for i := range units {
		ids[i] = make([]int32, len(toks[i]))
		for k, t := range toks[i] {
			j, ok := m.vocab[t]
			if !ok {
				j = int32(len(m.words))
				m.vocab[t] = j
				m.words = append(m.words, t)
				df = append(df, 0)
			}
			ids[i][k] = j
		}
		toks[i] = nil
		slices.Sort(ids[i])
		for k, j := range ids[i] {
			if k == 0 || ids[i][k-1] != j {
				df[j]++
			}
		}
	}
	n := float64(len(units))
	m.idf = make([]float64, len(df))
	for k, d := range df {
		m.idf[k] = math.Log((1+n)/(1+float64(d))) + 1
	}
	// The fits pass over the units in one shuffled order. The units'
	// vectors are laid out in that order in one block of memory, and the
	// fits see them, and their labels, by place in it (seq), so that a pass
	// reads memory in sequence.
	order := make([]int, len(units))
	for i := range order {
		order[i] = i
	}
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	m.xs = make([]Vector, len(units))
	parallel(len(units), func(i int) { m.xs[i] = m.weigh(ids[i]) })
	seq := packedIn(m.xs, order)
	at := make([]int, len(units)) // unit i's place in seq
	for p, i := range order {
		m.xs[i], at[i] = seq[p], p
	}
	// Labels per code, by place in seq.
	pos := map[string][]bool{}
	rej := map[string][]bool{}
	uncoded := make([]bool, len(units))
	for i, u := range units {
		p := at[i]
		for _, c := range u.Codes {
			if pos[c] == nil {
				pos[c] = make([]bool, len(units))
			}
			pos[c][p] = true
		}
		for _, c := range u.Rejected {
			if rej[c] == nil {
				rej[c] = make([]bool, len(units))
			}
			rej[c][p] = true
		}
		uncoded[p] = len(u.Codes) == 0
	}
	for c := range pos {
		m.list = append(m.list, c)
	}
	slices.Sort(m.list)

	models := make([]*codeModel, len(m.list))
	parallel(len(m.list), func(k int) {
		c := m.list[k]
		models[k] = fit(seq, pos[c], rej[c], uncoded, m.Vectorize(o.Names[c]), len(m.words), uint64(k), o)
	})
	for k, c := range m.list {
		m.codes[c] = models[k]
	}
	m.addCoded(units, coded)
	return m
}

// packedIn returns copies of the vectors xs[i] for i in order, in that
// order, their terms and weights in one block of memory each.
func packedIn[I int | int32](xs []Vector, order []I) []Vector {
	n := 0
	for _, i := range order {
		n += len(xs[i].idx)
	}
	idx, val := make([]int32, 0, n), make([]float64, 0, n)
	out := make([]Vector, len(order))
	for p, i := range order {
		a := len(idx)
		idx, val = append(idx, xs[i].idx...), append(val, xs[i].val...)
		out[p] = Vector{idx: idx[a:len(idx):len(idx)], val: val[a:len(val):len(val)]}
	}
	return out
}

// parallel calls f(0) … f(n-1) on as many goroutines as there are
// processors.
func parallel(n int, f func(i int)) {
	var wg sync.WaitGroup
	var next atomic.Int64
	for range max(1, min(n, runtime.GOMAXPROCS(0))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				f(i)
			}
		}()
	}
	wg.Wait()
}

// addCoded gives each code its coded segments, as the training units
// they cover (see Covers); a segment that covers none is left out.
func (m *Model) addCoded(units []Unit, coded []Coded) {
	byDoc := map[string][]int32{}
	for i, u := range units {
		byDoc[u.Doc] = append(byDoc[u.Doc], int32(i))
	}
	for _, us := range byDoc {
		slices.SortFunc(us, func(a, b int32) int { return cmp.Compare(units[a].Start, units[b].Start) })
	}
	// Each code's segments, in the order given, made in parallel.
	byCode := map[string][]int{}
	for i, cd := range coded {
		if m.codes[cd.Code] != nil {
			byCode[cd.Code] = append(byCode[cd.Code], i)
		}
	}
	parallel(len(m.list), func(k int) {
		cm := m.codes[m.list[k]]
		cm.coded = make([]codedRef, 0, len(byCode[m.list[k]]))
		sum := map[int32]float64{}
		for _, ci := range byCode[m.list[k]] {
			if ref, ok := m.codedRef(coded[ci], units, byDoc[coded[ci].Doc], sum); ok {
				cm.coded = append(cm.coded, ref)
			}
		}
		m.packCoded(cm)
	})
}

// packCoded copies the vectors of the units cm's coded segments cover
// into one block of memory, each unit once, which an explanation reads
// through in order.
func (m *Model) packCoded(cm *codeModel) {
	place := map[int32]int32{}
	var us []int32
	for k := range cm.coded {
		r := &cm.coded[k]
		r.at = make([]int32, len(r.units))
		for n, i := range r.units {
			p, ok := place[i]
			if !ok {
				p = int32(len(us))
				place[i] = p
				us = append(us, i)
			}
			r.at[n] = p
		}
		r.units = nil
	}
	cm.cu = packedIn(m.xs, us)
}

// codedRef returns the coded segment cd as the units of its document
// (us, in order of start) it covers; false if it covers none. sum is
// scratch space.
func (m *Model) codedRef(cd Coded, units []Unit, us []int32, sum map[int32]float64) (codedRef, bool) {
	// The units that overlap cd: from the first that ends after
	// cd.Start to the last that starts before cd.End.
	lo, _ := slices.BinarySearchFunc(us, cd.Start+1, func(i int32, end int) int { return cmp.Compare(units[i].End, end) })
	ref := codedRef{Coded: cd}
	for _, i := range us[lo:] {
		u := units[i]
		if u.Start >= cd.End {
			break
		}
		if !m.xs[i].Empty() && Covers(coding.Range{Start: u.Start, End: u.End}, coding.Range{Start: cd.Start, End: cd.End}) {
			ref.units = append(ref.units, i)
		}
	}
	switch len(ref.units) {
	case 0:
		return ref, false
	case 1: // a unit's vector is normalised
		ref.norm = 1
		return ref, true
	}
	clear(sum)
	for _, i := range ref.units {
		for k, j := range m.xs[i].idx {
			sum[j] += m.xs[i].val[k]
		}
	}
	for _, x := range sum {
		ref.norm += x * x
	}
	ref.norm = math.Sqrt(ref.norm)
	return ref, true
}

// fit fits one code's logistic regression. Besides the terms it has two
// features more: the prototype, a unit's cosine with the centroid of the
// code's units (for a positive unit the centroid of the others, so that
// a unit does not vote for itself), and the unit's cosine with the
// code's names.
func fit(xs []Vector, pos, rej, uncoded []bool, name Vector, dim int, seed uint64, o Options) *codeModel {
	cm := &codeModel{w: make([]float64, dim), scale: o.ProtoScale, name: name}
	cent := make([]float64, dim)
	for i, p := range pos {
		if p {
			cm.support++
			for k, j := range xs[i].idx {
				cent[j] += xs[i].val[k]
			}
		}
	}
	ss := 0.0
	for _, x := range cent {
		ss += x * x
	}
	// A large project's negatives are sampled: the fit passes over the
	// positives, the rejected units and at most negSample(support)
	// negatives, drawn at rate r; the sampling raises the log-odds by
	// -log r, which the prior takes off again as it does the positives'
	// weight.
	neg := len(xs) - cm.support
	r := 1.0
	var order []int // the units passed over, in sequence
	if n := negSample(cm.support); neg > n {
		r = float64(n) / float64(neg)
		rng := rand.New(rand.NewPCG(seed, 3))
		order = make([]int, 0, cm.support+n+n/8)
		for i := range xs {
			if pos[i] || rej != nil && rej[i] || rng.Float64() < r {
				order = append(order, i)
			}
		}
	} else {
		order = make([]int, len(xs))
		for i := range order {
			order[i] = i
		}
	}
	// The features of the units the fit passes over.
	proto := make([]float64, len(xs))
	nameSim := make([]float64, len(xs))
	for _, i := range order {
		x := xs[i]
		d := 0.0
		for k, j := range x.idx {
			d += cent[j] * x.val[k]
		}
		if pos[i] {
			if n2 := ss - 2*d + 1; n2 > 1e-12 {
				proto[i] = (d - 1) / math.Sqrt(n2)
			}
		} else if ss > 0 {
			proto[i] = d / math.Sqrt(ss)
		}
		nameSim[i] = cosine(x, name)
	}
	if ss > 0 {
		norm := math.Sqrt(ss)
		for j := range cent {
			cent[j] /= norm
		}
	}
	cm.cent = cent
	wp := 1.0
	if cm.support > 0 && neg > 0 {
		wp = min(o.PosWeight, r*float64(neg)/float64(cm.support))
	}
	cm.prior = math.Log(wp / r)
	// A small project gets more passes: at least minUpdates updates.
	epochs := max(o.Epochs, min(200, minUpdates/max(1, len(order))))
	if r < 1 {
		// A sample of a large project: three passes did as well as five
		// on the large generated project (F1 0.427 and 0.428, precision
		// at 10 0.784 and 0.782).
		epochs = min(epochs, sampledEpochs)
	}
	for ep := range epochs {
		lr := 0.5 / (1 + 0.3*float64(ep))
		for _, i := range order {
			x := xs[i]
			y, wt := 0.0, 1.0
			switch {
			case pos[i]:
				y, wt = 1, wp
			case rej != nil && rej[i]:
				wt = 2
			case uncoded[i]:
				wt = o.UncodedWeight
			}
			g := (sigmoid(cm.logit(x, proto[i], nameSim[i])) - y) * wt
			if math.Abs(g) < minGradient {
				// Learnt already: the update would change nothing
				// that counts (most negatives, after a pass or two).
				continue
			}
			for k, j := range x.idx {
				cm.w[j] -= lr * (g*x.val[k] + o.L2*cm.w[j])
			}
			cm.wc -= lr * g * cm.scale * proto[i]
			cm.wn -= lr * g * cm.scale * nameSim[i]
			cm.b -= lr * g * 0.1
		}
	}
	return cm
}

// negSample is how many negative units the fit of a code with support
// positives passes over at most: four for each positive, and at least
// 20,000, so that a project of up to about 20,000 units is fitted on all
// of them. On the large generated project (484,239 sentences) the fits
// then pass over about 8% of the pairs of unit and code, and the
// cross-validated F1 rose from 0.32 to 0.428 with five passes (ten for
// each positive: 0.414, two: 0.427), with the same precision at 10.
func negSample(support int) int { return max(20000, 4*support) }

// sampledEpochs is how many passes a fit over a sample makes at most.
const sampledEpochs = 3

// minUpdates is the least number of updates a model gets, for small
// projects.
const minUpdates = 30000

// minGradient is the gradient below which fit skips a unit's update.
const minGradient = 1e-3

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// score is v's score: the regression's probability, blended with the
// similarity for a code with few units. The regression's log-odds, less
// the prior the fit added (codeModel.prior), count by a = n/(n +
// halfSupport) for a code of n training units; the rest is the log-odds
// of the stacked score, the mean of the regression's probability and the
// unit's similarity (the prototype and name features added, at most 1).
// The blend is in log-odds, where the regression's ranking of the best
// units is not flattened as its probability nears 1.
func (cm *codeModel) score(v Vector) float64 {
	pc, pn := 0.0, cosine(v, cm.name)
	for k, j := range v.idx {
		pc += cm.cent[j] * v.val[k]
	}
	z := cm.logit(v, pc, pn)
	stacked := min(max((sigmoid(z)+min(1, pc+pn))/2, 1e-6), 1-1e-6)
	a := float64(cm.support) / (float64(cm.support) + halfSupport)
	return sigmoid(a*(z-cm.prior) + (1-a)*math.Log(stacked/(1-stacked)))
}

// halfSupport is the number of training units from which a code's score
// is more the regression's than the stacked score's.
const halfSupport = 100

// logit is the model's log-odds for x, whose prototype and name features
// are proto and name.
func (cm *codeModel) logit(x Vector, proto, name float64) float64 {
	s := cm.b + (cm.wc*proto+cm.wn*name)*cm.scale
	for k, j := range x.idx {
		s += cm.w[j] * x.val[k]
	}
	return s
}

// weigh weighs a unit's sorted term ids: (1 + log tf) × idf, normalised.
func (m *Model) weigh(ids []int32) Vector {
	v := Vector{}
	norm := 0.0
	for k := 0; k < len(ids); {
		e := k + 1
		for e < len(ids) && ids[e] == ids[k] {
			e++
		}
		w := (1 + math.Log(float64(e-k))) * m.idf[ids[k]]
		v.idx = append(v.idx, ids[k])
		v.val = append(v.val, w)
		norm += w * w
		k = e
	}
	norm = math.Sqrt(norm)
	for i := range v.val {
		v.val[i] /= norm
	}
	return v
}

// vector weighs terms as weigh does; unknown terms are left out.
func (m *Model) vector(terms []string) Vector {
	ids := make([]int32, 0, len(terms))
	for _, t := range terms {
		if k, ok := m.vocab[t]; ok {
			ids = append(ids, k)
		}
	}
	slices.Sort(ids)
	return m.weigh(ids)
}

// Vectorize returns text's vector.
func (m *Model) Vectorize(text string) Vector { return m.vector(m.terms(text)) }

// Unit returns the vector of the i-th unit Train was given.
func (m *Model) Unit(i int) Vector { return m.xs[i] }

// Codes returns the codes the model scores, sorted.
func (m *Model) Codes() []string { return m.list }

// Support returns the number of training units code applied to.
func (m *Model) Support(code string) int {
	if cm := m.codes[code]; cm != nil {
		return cm.support
	}
	return 0
}

// Score returns how likely code applies to a unit of vector v, between 0
// and 1 (the stacked score: see the package comment); 0 for a code the
// model does not know or an empty vector.
func (m *Model) Score(code string, v Vector) float64 {
	cm := m.codes[code]
	if cm == nil || v.Empty() {
		return 0
	}
	return cm.score(v)
}

// TermWeight is a term and how much it weighed for a suggestion.
type TermWeight struct {
	Term   string  `json:"term"`
	Weight float64 `json:"weight"`
}

// Similar is a coded segment like the unit suggested.
type Similar struct {
	Doc   string  `json:"doc"`
	Start int     `json:"start"`
	End   int     `json:"end"`
	Coder string  `json:"coder"`
	Text  string  `json:"text"`
	Score float64 `json:"-"`
}

// Explain returns the nTerms terms that weighed most for code on v
// (positive weights only, highest first, as the model's terms: stems,
// Chinese character pairs; ties by term) and the nSimilar coded segments of code most
// like v (cosine above 0, highest first; ties by document and start).
func (m *Model) Explain(code string, v Vector, nTerms, nSimilar int) ([]TermWeight, []Similar) {
	cm := m.codes[code]
	if cm == nil {
		return nil, nil
	}
	var ts []TermWeight
	for k, j := range v.idx {
		if w := cm.w[j] * v.val[k]; w > 0 {
			ts = append(ts, TermWeight{m.words[j], round(w)})
		}
	}
	slices.SortStableFunc(ts, func(a, b TermWeight) int {
		return cmp.Or(cmp.Compare(b.Weight, a.Weight), cmp.Compare(a.Term, b.Term))
	})
	ts = ts[:min(len(ts), nTerms)]
	// A coded segment's cosine with v: the sum of v's dot products with
	// the units it covers, over the segment's norm. Only the code's
	// segments are compared (going through every unit that shares a term
	// with v, as an index of terms would, reads most of a large project
	// for a common word), each unit against v spread out by term id.
	dp, _ := m.dense.Get().(*[]float64)
	if dp == nil || len(*dp) != len(m.words) {
		d := make([]float64, len(m.words))
		dp = &d
	}
	dv := *dp
	for k, j := range v.idx {
		dv[j] = v.val[k]
	}
	// v's dot product with each unit the code's segments cover, once.
	dots := make([]float64, len(cm.cu))
	for p, x := range cm.cu {
		for k, j := range x.idx {
			dots[p] += dv[j] * x.val[k]
		}
	}
	for _, j := range v.idx {
		dv[j] = 0
	}
	m.dense.Put(dp)
	type cand struct {
		c *codedRef
		s float64
	}
	before := func(a, b cand) bool {
		return cmp.Or(cmp.Compare(b.s, a.s), cmp.Compare(a.c.Doc, b.c.Doc), cmp.Compare(a.c.Start, b.c.Start), cmp.Compare(a.c.Coder, b.c.Coder)) < 0
	}
	// The nSimilar best, in order, kept as the segments go by.
	var cs []cand
	for k := range cm.coded {
		c := &cm.coded[k]
		d := 0.0
		for _, p := range c.at {
			d += dots[p]
		}
		x := cand{c, d / c.norm}
		if x.s <= 1e-12 || nSimilar <= 0 || len(cs) == nSimilar && !before(x, cs[len(cs)-1]) {
			continue
		}
		at := len(cs)
		for at > 0 && before(x, cs[at-1]) {
			at--
		}
		cs = slices.Insert(cs, at, x)
		cs = cs[:min(len(cs), nSimilar)]
	}
	var ss []Similar
	for _, x := range cs {
		c := x.c
		ss = append(ss, Similar{Doc: c.Doc, Start: c.Start, End: c.End, Coder: c.Coder, Text: c.Text, Score: x.s})
	}
	return ts, ss
}

// cosine of two normalised vectors.
func cosine(a, b Vector) float64 {
	s := 0.0
	for i, j := 0, 0; i < len(a.idx) && j < len(b.idx); {
		switch {
		case a.idx[i] < b.idx[j]:
			i++
		case a.idx[i] > b.idx[j]:
			j++
		default:
			s += a.val[i] * b.val[j]
			i++
			j++
		}
	}
	return s
}

func round(x float64) float64 { return math.Round(x*1000) / 1000 }

// Round rounds a score to three decimals, as suggestions report it.
func Round(x float64) float64 { return round(x) }

// ID returns the id of the suggestion of code for span s: "s" and 15 hex
// digits of a hash of the span, the code and Version.
func ID(s coding.Span, code string) string {
	h := sha256.Sum256([]byte(Version + "\x00" + s.Doc + "\x00" + strconv.Itoa(s.Start) + "\x00" + strconv.Itoa(s.End) + "\x00" + code))
	return "s" + hex.EncodeToString(h[:])[:15]
}
