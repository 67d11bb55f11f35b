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
// With fewer coded documents than folds, each document is cut into k
// blocks of consecutive units and the blocks make the folds. See the
// package comment. With fewer units than folds it returns an Evaluation
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
	// order of id; or, with fewer coded documents than folds, its block's:
	// each document cut into k blocks of consecutive units.
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
			foldOf[i] = seen[u.Doc] * k / perDoc[u.Doc]
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
	// scores[method][code][unit]
	const nMethods = 3
	var scores [nMethods]map[string][]float64
	for mth := range scores {
		scores[mth] = map[string][]float64{}
		for _, c := range codes {
			scores[mth][c] = make([]float64, len(units))
		}
	}
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
	for i := range units {
		for _, c := range codes {
			n := 0
			for _, cue := range cueTerms[c] {
				n += countRun(unitTerms[i], cue)
			}
			scores[1][c][i] = float64(n)
		}
	}
	for f := range k {
		var train []Unit
		var test []int
		inTest := map[coding.Span]bool{}
		for i, u := range units {
			if foldOf[i] == f {
				inTest[coding.Span{Doc: u.Doc, Start: u.Start, End: u.End}] = true
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
		// Centroids of the tf-idf matcher.
		cent := map[string]map[int32]float64{}
		for _, u := range train {
			v := m.Vectorize(u.Text)
			for _, c := range u.Codes {
				if cent[c] == nil {
					cent[c] = map[int32]float64{}
				}
				for j, x := range v.idx {
					cent[c][x] += v.val[j]
				}
			}
		}
		for _, ce := range cent {
			norm := 0.0
			for _, x := range ce {
				norm += x * x
			}
			norm = math.Sqrt(norm)
			for j := range ce {
				ce[j] /= norm
			}
		}
		for _, i := range test {
			v := m.Vectorize(units[i].Text)
			for _, c := range codes {
				scores[0][c][i] = m.Score(c, v)
				if ce := cent[c]; ce != nil {
					s := 0.0
					for j, x := range v.idx {
						s += ce[x] * v.val[j]
					}
					scores[2][c][i] = s
				}
			}
		}
	}
	applies := map[string][]bool{}
	for _, c := range codes {
		applies[c] = make([]bool, len(units))
	}
	for i, u := range units {
		for _, c := range u.Codes {
			applies[c][i] = true
		}
	}
	thresholds := [nMethods]float64{DefaultThreshold, 1, TFIDFThreshold}
	var total [nMethods]counts
	var p10 [nMethods]float64
	for _, c := range codes {
		ce := CodeEvaluation{Code: c, Support: support[c]}
		var ms [nMethods]Metrics
		for mth := range nMethods {
			cn := count(scores[mth][c], applies[c], thresholds[mth])
			total[mth].add(cn)
			ms[mth] = cn.metrics()
			ms[mth].PAt10 = pAt10(scores[mth][c], applies[c])
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

// count counts the units scored at or above t (and above 0) against
// those the code applies to.
func count(scores []float64, applies []bool, t float64) counts {
	var c counts
	for i, s := range scores {
		pred := s > 0 && s >= t
		switch {
		case pred && applies[i]:
			c.tp++
		case pred:
			c.fp++
		case applies[i]:
			c.fn++
		}
	}
	return c
}

// pAt10 is the share of the ten units scored highest (above 0; ties in
// unit order) that the code applies to.
func pAt10(scores []float64, applies []bool) float64 {
	idx := make([]int, 0, len(scores))
	for i, s := range scores {
		if s > 0 {
			idx = append(idx, i)
		}
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(scores[b], scores[a]) })
	hit := 0
	for _, i := range idx[:min(10, len(idx))] {
		if applies[i] {
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
