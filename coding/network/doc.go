// Package network builds the networks that discourse network analysis
// draws from coded assertions, as Philip Leifeld's Discourse Network
// Analyzer (DNA) defines them, computes centralities over them, and
// writes them for Gephi and other tools. It is pure: the caller reads the
// store and passes statements and ties in.
//
// # Input
//
// A Statement says that an actor agrees (positive) or disagrees (negative)
// with a concept; StatementsFromAssertions makes them from takesPosition
// assertions. A Tie is a typed relation between actors ("legitimizes",
// "lobbies"); TiesFromAssertions makes them from the other assertions.
// Meta gives nodes their labels and types (MetaFromEntities).
//
// Statements are first counted into an array a[i][c][p]: the number of
// statements of actor i on concept c with polarity p ∈ {+, −}, after the
// duplicate rule (Options.Duplicates: every statement, one per document,
// or one in all). Activity act(i) = Σ_c Σ_p a[i][c][p] is an actor's
// number of statements; a concept's is the same sum over actors.
//
// # Two-mode network (TwoMode)
//
// Actors × concepts, an undirected edge actor–concept where a > 0:
//
//	ignore    w(i,c) = a⁺ + a⁻
//	subtract  w(i,c) = a⁺ − a⁻
//	combine   w(i,c) = 1 (only a⁺ > 0), 2 (only a⁻ > 0), 3 (both)
//
// Every edge also carries a⁺ and a⁻ (Edge.Positive, Edge.Negative).
// Normalization activity divides by act(i), prominence by the concept's
// activity (not with combine, whose weights are codes).
//
// # One-mode networks (ActorNetwork, ConceptNetwork)
//
// Actors tied via shared concepts (DNA's one-mode network "via concept").
// For actors i ≠ j, summing over concepts c:
//
//	congruence  cong(i,j) = Σ_c (a[i][c][+]·a[j][c][+] + a[i][c][−]·a[j][c][−])
//	conflict    conf(i,j) = Σ_c (a[i][c][+]·a[j][c][−] + a[i][c][−]·a[j][c][+])
//	ignore      ign(i,j)  = Σ_c (a[i][c][+] + a[i][c][−])·(a[j][c][+] + a[j][c][−]) = cong + conf
//	subtract    sub(i,j)  = cong − conf
//
// With one statement per (actor, concept, polarity) (DuplicatesOnce) every
// count is 0 or 1 and congruence is the number of (concept, polarity)
// pairs both actors hold: the concepts on which they took the same side
// (an actor on both sides of a concept contributes once per side, as in
// DNA). With repeated statements the products weight a tie by how often
// both actors said it.
//
// The weight w is then divided by a normalization d(i,j) (a pair with
// d = 0 gets no edge). Let x = a[i], y = a[j] be the actors' vectors over
// cells k = (concept, polarity), or over concepts alone (polarity
// summed) under qualifier ignore:
//
//	no       d = 1
//	average  d = (act(i) + act(j)) / 2                           (average activity)
//	jaccard  d = Σ_{k: y_k=0} x_k + Σ_{k: x_k=0} y_k + Σ_{k: x_k,y_k>0} x_k·y_k
//	cosine   d = √(Σ_k x_k²) · √(Σ_k y_k²)
//
// For 0/1 counts jaccard is |S_i ∩ S_j| / |S_i ∪ S_j| and cosine
// |S_i ∩ S_j| / √(|S_i|·|S_j|) over the actors' sets S of (concept,
// polarity) pairs. Average and jaccard are DNA's (Exporter, DNA 3);
// cosine is the textbook cosine, where DNA divides by act(i)·act(j).
//
// ConceptNetwork is the dual: concepts tied via the actors who made
// statements on both, the same formulas with actors and concepts swapped.
// Under congruence two concepts are close when actors take the same side
// on both.
//
// One-mode edges are undirected with Source < Target; each lists the
// concepts (or actors) it runs through (Edge.Via) and the assertions
// behind it. Edges of weight 0 are left out in every network.
//
// # Relation network (RelationNetwork)
//
// Actors tied by typed assertions: a directed edge From → To per relation
// (or per pair, relations merged), its weight the number of ties that are
// not retracted and not negative, optionally only of some relations and
// phases.
//
// # Time windows (Windows)
//
// DNA's moving time window: windows Size days, months, years or
// statements long, moved on by Step, each window [Start, End) getting its
// own network so that a researcher compares the networks before and after
// an external shock. Undated statements are left out and counted.
//
// # Centrality
//
// Degree (in, out, total; weighted or not), Betweenness (gonum; brokerage),
// WeightedBetweenness (lengths 1/weight) and PageRank (gonum, damping
// 0.85) return rows sorted by value.
//
// # Output
//
// WriteGEXF (GEXF 1.2draft, which Gephi, graphology and networkx 2 and 3
// read), WriteGEXFSeries (one dynamic GEXF for a
// series of windows), WriteGraphML, WriteEdgeCSV and WriteNodeCSV, and
// WriteJSON (a stable documented shape). The XML writers go through
// encoding/xml, so labels are escaped and Chinese text and emoji survive
// the round trip.
package network
