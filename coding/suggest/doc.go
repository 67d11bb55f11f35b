// Package suggest learns from a project's own codings which codes apply to
// which units of text (sentences or speaker turns), and suggests codings
// with their explanation.
//
// # Model
//
// Train takes units of text, each with the codes that apply to it (a code
// applies to a unit that one of its codings covers: see Covers) and the
// codes that coders rejected there, and the coded segments themselves.
// Each unit is analysed once, by the caller's Terms function (qualgraph
// passes corpus/fts.Terms: stemmed English without stop words, Chinese
// character pairs), and becomes a sparse tf-idf vector, L2-normalised;
// the idf is learnt from the units. For every code that applies to at
// least one unit, a logistic regression (one code against the rest) is
// fitted by stochastic gradient descent with L2 regularisation, over the
// terms and two features more: the prototype, the unit's cosine with the
// centroid of the code's units (for a unit of the code, of the others),
// and the name, the unit's cosine with the words that name and describe
// the code (Options.Names: qualgraph gives its id cut into words, its
// labels, definition and when to apply it). Positives are weighted up by
// the ratio of negatives to positives (at most Options.PosWeight, 30), a
// rejected suggestion counts twice as a negative, a unit without any code
// counts 0.3. On a large project a code's fit passes over its positives,
// the units rejected for it and a sample of the others: four for each
// positive, at least 20,000, drawn with a fixed seed; the odds the
// sampling adds are taken off as the positives' weight is (see Score).
// The units' vectors are laid out in memory in the order the fits pass
// over them. The codes are fitted in parallel. The training is
// deterministic: the same units give the same model.
//
// Score is between 0 and 1. The regression's log-odds are first taken
// back by the log of the positives' weight and of the negatives' sampling
// rate (the prior correction of a weighted regression), so that its
// probability is not inflated by them. For a code with few training units that is blended with a
// stacked score, the mean of the regression's probability and the unit's
// similarity (prototype plus name, at most 1), so that a code with few
// codings leans on its coded text and its name, which the regression
// cannot yet weigh: the regression counts n/(n+100) for a code of n
// units. The blend is made in log-odds, so that the regression still
// orders the units it is surest of (a mean of probabilities near 1 would
// leave their order to the similarity, which ranks worse at the top of a
// large project). DefaultThreshold is where a
// suggestion counts as a prediction. Explain gives the terms that weighed
// most for it (their weight in the unit times their weight in the code's
// model) and the coded segments of the code most similar to the unit: a
// coded segment is compared as the sum of the vectors of the units it
// covers.
//
// ID gives a suggestion an id that stays the same while the unit, code
// and Version stay the same, so that an id can be accepted or rejected
// later.
//
// # Evaluation
//
// Evaluate cross-validates by document: the documents are dealt into K
// folds in order of id (with fewer coded documents than folds, runs of
// consecutive units are, ten runs of each document for each fold), each
// fold's units are scored by a model trained on the others, and precision, recall and F1 at DefaultThreshold and
// precision at 10 (of the ten units scored highest for a code) are
// reported per code and overall (micro-averaged over units and codes;
// precision at 10 is the mean over codes), next to two baselines scored
// on the same folds: cue words (a unit is coded where one of the code's
// cue words, as terms in a row, stands in it, as auto-coding by cues
// does) and a tf-idf passage matcher (a unit is coded where the cosine of
// its vector with the centroid of the code's coded units in the training
// folds reaches TFIDFThreshold, as NVivo's pattern-based autocoding
// compares passages with the coded text).
//
// # Suggested assertions
//
// A Proposer suggests assertions between actors (entities) from the
// cue words of the ontology's relations (ontology.Relation.Cues): in a
// sentence that names two actors (by a recorded mention, by name or
// alias, or, for the speaker of the turn, by the first person) and
// holds a cue of a relation, not negated, it proposes "subject relation
// object" where the relation's domain and range admit the actors'
// classes, in the direction the text's order gives (subject before the
// cue, object after it, unless passive). Each proposal carries its cue and
// the two mentions as its explanation, a score for how well the order
// and the closeness of the words support it, and an id (AssertID) that
// stays the same while sentence, statement and AssertModel do. Cues
// match whole words, English ones with an inflection ending ("funded"
// for "fund"), and may have gaps ("left … to found", at most
// CueGapWords words each). EvaluateAssertions measures proposals
// against the recorded assertions: precision, recall and F1.
//
// The package knows neither bleve nor cayley.
package suggest
