package suggest

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"github.com/qualgraph/qualgraph/coding"
)

// TFIDFThreshold is the cosine from which the tf-idf passage matcher
// (the baseline of Evaluate) codes a unit.
const TFIDFThreshold = 0.2

// Metrics are precision, recall and F1 at the default threshold, and
// precision at 10.
type Metrics struct {
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	PAt10     float64 `json:"p_at_10"`
}

// Compared are the metrics of the model and of the two baselines.
type Compared struct {
	Model Metrics `json:"model"`
	Cues  Metrics `json:"cues"`
	TFIDF Metrics `json:"tfidf"`
}

// CodeEvaluation is the evaluation of one code: Support units it applies
// to.
type CodeEvaluation struct {
	Code    string `json:"code"`
	Support int    `json:"support"`
	Compared
}

// Evaluation is what Evaluate found.
type Evaluation struct {
	Folds   int              `json:"folds"`
	Units   int              `json:"units"`
	Overall Compared         `json:"overall"`
	Codes   []CodeEvaluation `json:"codes"`
}

// Evaluate cross-validates the model over units in k folds (at least 2)
// by document, next to the baselines: cues maps a code to its cue words.
// With fewer coded documents than folds, each document is cut into
// k×runsPerFold runs of consecutive units, dealt to the folds in turn. See
// the package comment. With fewer units than folds it returns an Evaluation
// of 0 folds.
func Evaluate(units []Unit, codedSegs []Coded, cues map[string][]string, k int, o Options) *Evaluation {
	var docs []string
	coded := map[string]bool{}
	perDoc := map[string]int{}
	for _, u := range units {
		docs = append(docs, u.Doc)
		perDoc[u.Doc]++
		if len(u.Codes) > 0 {
			coded[u.Doc] = true
		}
	}
	slices.Sort(docs)
	docs = slices.Compact(docs)
	k = max(k, 2)
	ev := &Evaluation{Folds: k, Units: len(units)}
	// foldOf[i] is unit i's fold: its document's, documents dealt in
	// order of id; or, with fewer coded documents than folds, its run's:
	// each document cut into k×runsPerFold runs of consecutive units,
	// dealt to the folds in turn, so that a document coded in one part
	// only (its first pages, as a coder works) is coded in every fold.
	foldOf := make([]int, len(units))
	if len(coded) >= k {
		fold := map[string]int{}
		for i, d := range docs {
			fold[d] = i % k
		}
		for i, u := range units {
			foldOf[i] = fold[u.Doc]
		}
	} else {
		seen := map[string]int{}
		for i, u := range units {
			foldOf[i] = seen[u.Doc] * k * runsPerFold / perDoc[u.Doc] % k
			seen[u.Doc]++
		}
	}
	if len(units) < k {
		ev.Folds = 0
		return ev
	}
	// Codes evaluated: those that apply to some unit.
	var codes []string
	support := map[string]int{}
	for _, u := range units {
		for _, c := range u.Codes {
			if support[c] == 0 {
				codes = append(codes, c)
			}
			support[c]++
		}
	}
	slices.Sort(codes)
	cueTerms := map[string][][]string{}
	for c, ws := range cues {
		for _, w := range ws {
			if ts := o.Terms(w); len(ts) > 0 {
				cueTerms[c] = append(cueTerms[c], ts)
			}
		}
	}
	// Each method's counts and ten best units for each code, kept as the
	// folds' units are scored (not every score: a large project has
	// hundreds of thousands of units for each code and method).
	const nMethods = 3
	thresholds := [nMethods]float64{DefaultThreshold, 1, TFIDFThreshold}
	tally := make([][nMethods]codeTally, len(codes))
	// Each unit is analysed once: the folds' models take its terms from
	// here.
	unitTerms := make([][]string, len(units))
	parallel(len(units), func(i int) { unitTerms[i] = o.Terms(units[i].Text) })
	known := make(map[string][]string, len(units))
	for i, u := range units {
		known[u.Text] = unitTerms[i]
	}
	terms := o.Terms
	o.Terms = func(text string) []string {
		if ts, ok := known[text]; ok {
			return ts
		}
		return terms(text)
	}
	// The units of each document, for overlapsAny.
	byDoc := map[string][]int{}
	for i, u := range units {
		byDoc[u.Doc] = append(byDoc[u.Doc], i)
	}
	for f := range k {
		var train []Unit
		var test []int
		for i, u := range units {
			if foldOf[i] == f {
				test = append(test, i)
			} else {
				train = append(train, u)
			}
		}
		var trainCoded []Coded
		for _, c := range codedSegs {
			if !overlapsAny(c.Span, units, byDoc[c.Doc], foldOf, f) {
				trainCoded = append(trainCoded, c)
			}
		}
		m := Train(train, trainCoded, o)
		if o.Progress != nil {
			o.Progress(2*f+1, 2*k)
		}
		// Centroids of the tf-idf matcher, dense by term id (nil for a
		// code without training units).
		cent := make([][]float64, len(codes))
		for ci, c := range codes {
			for ti, u := range train {
				if !slices.Contains(u.Codes, c) {
					continue
				}
				if cent[ci] == nil {
					cent[ci] = make([]float64, len(m.words))
				}
				v := m.Unit(ti)
				for j, x := range v.idx {
					cent[ci][x] += v.val[j]
				}
			}
			if ce := cent[ci]; ce != nil {
				norm := 0.0
				for _, x := range ce {
					norm += x * x
				}
				norm = math.Sqrt(norm)
				for j := range ce {
					ce[j] /= norm
				}
			}
		}
		// The test units are scored in parallel, each code's tallies
		// by one goroutine.
		vs := make([]Vector, len(test))
		parallel(len(test), func(n int) { vs[n] = m.Vectorize(units[test[n]].Text) })
		parallel(len(codes), func(ci int) {
			c := codes[ci]
			t := &tally[ci]
			for n, i := range test {
				v := vs[n]
				applies := slices.Contains(units[i].Codes, c)
				cue := 0
				for _, run := range cueTerms[c] {
					cue += countRun(unitTerms[i], run)
				}
				tf := 0.0
				if ce := cent[ci]; ce != nil {
					for j, x := range v.idx {
						tf += ce[x] * v.val[j]
					}
				}
				for mth, sc := range [nMethods]float64{m.Score(c, v), float64(cue), tf} {
					t[mth].add(i, sc, applies, thresholds[mth])
				}
			}
		})
		if o.Progress != nil {
			o.Progress(2*f+2, 2*k)
		}
	}
	var total [nMethods]counts
	var p10 [nMethods]float64
	for ci, c := range codes {
		ce := CodeEvaluation{Code: c, Support: support[c]}
		var ms [nMethods]Metrics
		for mth := range nMethods {
			t := &tally[ci][mth]
			total[mth].add(t.counts)
			ms[mth] = t.counts.metrics()
			ms[mth].PAt10 = t.pAt10()
			p10[mth] += ms[mth].PAt10
		}
		ce.Model, ce.Cues, ce.TFIDF = ms[0], ms[1], ms[2]
		ev.Codes = append(ev.Codes, ce)
	}
	var ov [nMethods]Metrics
	for mth := range nMethods {
		ov[mth] = total[mth].metrics()
		if len(codes) > 0 {
			ov[mth].PAt10 = round(p10[mth] / float64(len(codes)))
		}
	}
	ev.Overall = Compared{Model: ov[0], Cues: ov[1], TFIDF: ov[2]}
	slices.SortStableFunc(ev.Codes, func(a, b CodeEvaluation) int {
		return cmp.Or(cmp.Compare(b.Support, a.Support), strings.Compare(a.Code, b.Code))
	})
	return ev
}

// runsPerFold is how many runs of consecutive units of each document a
// fold gets when the folds cannot be made of whole documents.
const runsPerFold = 10

type counts struct{ tp, fp, fn int }

func (c *counts) add(d counts) { c.tp += d.tp; c.fp += d.fp; c.fn += d.fn }

func (c counts) metrics() Metrics {
	var m Metrics
	if c.tp+c.fp > 0 {
		m.Precision = float64(c.tp) / float64(c.tp+c.fp)
	}
	if c.tp+c.fn > 0 {
		m.Recall = float64(c.tp) / float64(c.tp+c.fn)
	}
	if m.Precision+m.Recall > 0 {
		m.F1 = 2 * m.Precision * m.Recall / (m.Precision + m.Recall)
	}
	m.Precision, m.Recall, m.F1 = round(m.Precision), round(m.Recall), round(m.F1)
	return m
}

// codeTally is what Evaluate keeps of a method's scores for a code: the
// counts at the method's threshold and the ten units scored highest.
type codeTally struct {
	counts
	best []scoredUnit // at most 10, best first: higher score, then lower unit
}

type scoredUnit struct {
	unit    int
	score   float64
	applies bool
}

// add counts unit i, scored sc, which the code applies to or not: a
// prediction where sc is above 0 and reaches threshold t.
func (c *codeTally) add(i int, sc float64, applies bool, t float64) {
	pred := sc > 0 && sc >= t
	switch {
	case pred && applies:
		c.tp++
	case pred:
		c.fp++
	case applies:
		c.fn++
	}
	if sc <= 0 {
		return
	}
	better := func(k int) bool { b := c.best[k]; return sc > b.score || sc == b.score && i < b.unit }
	if len(c.best) == 10 && !better(9) {
		return
	}
	at := len(c.best)
	for at > 0 && better(at-1) {
		at--
	}
	c.best = slices.Insert(c.best, at, scoredUnit{i, sc, applies})
	c.best = c.best[:min(len(c.best), 10)]
}

// pAt10 is the share of the ten units scored highest (above 0; ties in
// unit order) that the code applies to.
func (c *codeTally) pAt10() float64 {
	hit := 0
	for _, b := range c.best {
		if b.applies {
			hit++
		}
	}
	return round(float64(hit) / 10)
}

// overlapsAny reports whether span s overlaps a unit of fold f among
// units[i] for i in its document's units, doc.
func overlapsAny(s coding.Span, units []Unit, doc []int, foldOf []int, f int) bool {
	for _, i := range doc {
		if u := units[i]; foldOf[i] == f && u.Start < s.End && s.Start < u.End {
			return true
		}
	}
	return false
}

// countRun counts where run stands in terms, word for word.
func countRun(terms, run []string) int {
	n := 0
	for i := 0; i+len(run) <= len(terms); i++ {
		if slices.Equal(terms[i:i+len(run)], run) {
			n++
		}
	}
	return n
}
