// Package agreement measures intercoder agreement: how far two or more coders
// who coded the same documents agree, per code and overall.
//
// Compare takes the codings, the lengths of the coded documents in code points
// and, optionally, segment boundaries, and returns a Report ready to be encoded
// as JSON. NominalAlpha, IntervalAlpha, CohenKappa and UnitizedAlpha compute
// the statistics from plain data for callers that have data of their own.
//
// The caller chooses what is compared: Compare compares exactly the documents
// it is given, and every coder is taken to have coded every one of them. A
// document nobody coded with a code counts as full agreement on that code, as
// in NVivo; pass only the documents the coders were meant to code.
//
// The Report lists the documents it was given (Documents): each one's
// length, its units (segments with Options.Segments, else code points),
// each coder's codings in it, and whether it was compared; a document of
// length zero is left out with ReasonEmpty. A caller that chose the
// documents adds those it left out, with its reason. Warnings say what
// narrowed the comparison: Compare warns of a coder who coded nothing in a
// compared document, which counts as the coder finding none of the codes
// there; the caller adds what it knows, such as a coder's coverage
// shrinking the documents compared.
//
// # Code points
//
// Spans are half-open ranges [Start, End) of code points (see package
// coding). For one code, a coder covers a code point when any of the coder's
// codings with that code contains it; codings that overlap count once.
//
// # Percentage agreement and Cohen's kappa
//
// These follow NVivo's coding comparison query. For one code, one pair of
// coders A and B and one document of N code points, every code point falls in
// one of four cells:
//
//	both     covered by A and by B
//	only_a   covered by A, not by B
//	only_b   covered by B, not by A
//	neither  covered by neither
//
// Percentage agreement is 100·(both + neither)/N. Cohen's kappa is
//
//	κ  = (Po − Pe) / (1 − Pe)
//	Po = (both + neither) / N
//	Pe = pA·pB + (1 − pA)·(1 − pB),  pA = (both + only_a)/N,  pB = (both + only_b)/N
//
// Pe = 1 only when both coders covered every code point or neither covered
// any; then Po = 1 as well and κ is 0/0. Kappa is reported as 1 in that case,
// as NVivo does, because the coders agree completely. Such documents raise
// averages; the cell counts reported for each document let a caller set them
// aside.
//
// NVivo reports both figures per code and per document (source) and leaves
// averaging to its user. The Report gives them per document and, for each
// code and pair of coders:
//
//	percent_agreement  over all code points of all documents; this equals the
//	                   mean of the per-document figures weighted by length
//	kappa              κ of the one 2×2 table pooled over all documents
//	kappa_mean         mean of the per-document κ weighted by document length
//
// Overall, for each pair, each of the three is the unweighted mean over codes.
// Every code is compared over the same code points, so this is also the mean
// weighted by code points. With more than two coders these statistics are
// given for every pair, in the order of Options.Coders.
//
// # Krippendorff's alpha on units
//
// The data are a coders × units matrix of values, some of which may be
// missing. Unit u holds m_u values; only units with m_u ≥ 2 are pairable. The
// coincidences, value totals and alpha are
//
//	o_ck = Σ_u (number of ordered pairs of values c, k from different coders in u) / (m_u − 1)
//	n_c  = Σ_k o_ck,  n = Σ_c n_c
//	Do   = (1/n) Σ_c Σ_k o_ck δ²(c, k)
//	De   = (1/(n(n − 1))) Σ_c Σ_k n_c n_k δ²(c, k)
//	α    = 1 − Do/De
//
// with δ²(c, k) = 0 when c = k and 1 otherwise for nominal data
// (NominalAlpha) and δ²(c, k) = (c − k)² for interval data (IntervalAlpha).
// Alpha is undefined (ErrNoPairableValues) when no unit is pairable, and
// undefined (ErrNoVariation) when De = 0, which is when all pairable values
// are equal: data without variation say nothing about reliability.
//
// When Options.Segments is set, every segment is a unit:
//
//	alpha_segments (per code)    coder i's value on segment u is 1 if i applied
//	                             the code to at least one code point of u, else 0
//	alpha_segments (overall)     the same values, every (segment, code) pair a unit
//	alpha_categories (overall)   with Options.Exclusive only: coder i's value on
//	                             segment u is the code covering the most code
//	                             points of u; a segment i left uncoded has a
//	                             missing value, or Options.Uncoded if that is set;
//	                             two codes covering the most equally is an error
//
// # Krippendorff's alpha for unitizing
//
// Alpha_U (Krippendorff 1995; 2004, section 12.4) compares how coders cut a
// continuum into units, here as implemented by DKPro Agreement's
// KrippendorffAlphaUnitizingAgreement. For one code, a coder's units are the
// coder's codings with that code, merged where they overlap (codings that
// merely touch stay separate units); the stretches between units are gaps. The
// documents are laid end to end, in the order of their ids, into one continuum
// of length L; a gap never runs across a document boundary. With m coders and
// N units in all, a unit or gap g with begin b_g and length l_g, and w_g = 1
// for a unit, 0 for a gap:
//
//	uDo = 2 / (m(m − 1)L²) · Σ_{i<j} Σ_{g of i} Σ_{h of j} δ²(g, h)
//
//	δ²(g, h) = (b_g − b_h)² + (b_g + l_g − b_h − l_h)²   g and h units that overlap
//	         = l_g²                                       g a unit lying within gap h
//	         = l_h²                                       h a unit lying within gap g
//	         = 0                                          otherwise
//
//	uDe = (2/L) Σ_{units g} [ (N − 1)/3 · (2l_g³ − 3l_g² + l_g)
//	                         + l_g² Σ_{gaps h, l_h ≥ l_g} (l_h − l_g + 1) ]
//	      / ( mL(mL − 1) − Σ_{units g} l_g(l_g − 1) )
//
//	α_U = 1 − uDo/uDe
//
// where the gaps are those of all coders. Overall, as DKPro's
// calculateAgreement does, α_U = 1 − mean_c uDo_c / mean_c uDe_c over the
// codes c. Alpha_U is undefined (ErrNoVariation) when uDe = 0, which happens
// when nobody applied the code; DKPro returns 0 there.
//
// # Undefined values in a Report
//
// An Alpha whose value is undefined has a null value in JSON and says why in
// its undefined field ("no_pairable_values" or "no_variation"). Percentage
// agreement and kappa are always defined, since documents of length zero are
// left out.
package agreement
