// Package ontology holds the vocabulary that qualitative data is coded with:
// classes (codes) arranged in a forest by their parents, and relations that
// may hold between instances of classes, with the rules for which classes
// may be their subjects (domain) and objects (range). It reads and checks
// the ontology file a researcher edits by hand, writes it back as YAML or
// JSON, and embeds the built-in ontology, "Entrepreneurship and cluster
// restructuring".
//
// # File format
//
// An ontology file is a YAML mapping with these keys, all optional:
//
//	name: Entrepreneurship and cluster restructuring
//	version: "1.0"
//	description: What the scheme is for.
//	languages: [en, zh]         # codes of the label and cue languages; empty: any
//
//	classes:                    # a list; a class's parent may come before or after it
//	  - id: Entrepreneur        # required; a letter, then letters, digits, _ or -
//	    parent: Actor           # another class; none for a root
//	    labels: {en: Entrepreneur, zh: 创业者}
//	    definition: A founder or firm that starts or enters business activity.
//	    inclusion: When to apply the code.
//	    exclusion: When not to, and which code to use instead.
//	    example: He opened his own workshop in 2009.
//	    colour: "#2E75B6"       # quote it: an unquoted # starts a YAML comment
//	    cues:                   # words that suggest the code, for auto-coding
//	      en: [founder, start-up, set up a firm]
//	      zh: [创始人, 创业, 办厂]
//
//	relations:
//	  - id: spinsOffFrom        # required; ids of classes and relations share one namespace
//	    labels: {en: spins off from, zh: 衍生自}
//	    definition: The subject came out of the object, its parent firm.
//	    example: He started the firm after eight years at the radio factory.
//	    domain: [Entrepreneur]  # classes of subjects, with their subclasses; empty: any
//	    range: [Entrepreneur, ResearchInstitute]   # classes of objects; empty: any
//	    inverse: hasSpinoff     # another relation, with subject and object swapped
//	    cues:                   # words that suggest the relation, for suggested assertions
//	      en: [spun off, left … to found]   # "…" (or "..."): a gap of a few words
//	      zh: [从 … 出来创业, 离职创业]
//	  - id: collaboratesWith
//	    domain: [Actor]
//	    range: [Actor]
//	    symmetric: true         # its own inverse
//
// A list of one item may be written as the item alone (domain: Actor). Text
// may use any YAML string style, including folded (>-) and literal (|)
// blocks; YAML aliases are not supported.
//
// Cues of classes and relations are checked alike. A relation's cues are
// what "qualgraph suggest --assertions" looks for in a sentence that names
// two actors (see package coding/suggest).
//
// Parse rejects unknown keys (suggesting the nearest known one), keys given
// twice, classes or relations without an id, ids used twice, unknown
// parents, cycles of parents, unknown classes in a domain or range, unknown
// or inconsistent inverses, colours that are not "#RRGGBB", and label or cue
// languages not listed in languages. It reports all of them, each at its
// line and column, as FILE:LINE:COL: message.
//
// Since JSON is YAML, Parse also reads the JSON that WriteJSON writes.
//
// # The built-in ontology
//
// Builtin returns the built-in ontology and BuiltinYAML its file, with
// comments. Its roots are:
//
//   - Actor: Entrepreneur (ExperienceBasedFounder, SpinoffFounder,
//     DiversifyingFirm, IncumbentFirm, InstitutionalEntrepreneur,
//     ReturneeEntrepreneur, AcademicEntrepreneur) and ClusterAgent
//     (LocalGovernment, HigherLevelGovernment, GlobalLeadFirm,
//     ResearchInstitute, IndustryAssociation, StartupPark, FinancialInvestor,
//     EntrepreneurNetwork).
//   - Practice > LegitimationPractice: Framing, Lobbying, Certification,
//     Demonstration, CoalitionBuilding, CoOptation, ResourceMobilisation.
//   - Legitimacy: PragmaticLegitimacy, MoralLegitimacy, CognitiveLegitimacy.
//     Legitimacy is a root of its own, not a Practice: it is a judgement
//     that audiences make, while the practices are what actors do to win it.
//   - ClusterPhase: Formation, Development, Maturity, LockIn, Restructuring.
//   - Mechanism: InteractiveLearning, SpinoffDynamics,
//     AgglomerationEconomies, CompetitionPressure, SpilloverRisk,
//     ClusterParadox, RelatedDiversification, ExternalShock, Resilience,
//     NewPathCreation, SocioCulturalEnvironment, TrustAndIdentity,
//     NetworkPower.
//   - Concept: policies that actors take positions on (HighTechCertification,
//     IndustrialUpgrading, IndustrialRelocation, TalentSubsidy, LandPolicy,
//     MassEntrepreneurship), the objects of takesPosition in discourse
//     network analysis.
//   - Location: Region, IndustrialCluster, IndustrialZone, places as places.
//     The range of locatedIn is Location and StartupPark: a firm is located
//     in a zone (a place) or in an incubator (an organisation that also acts,
//     and so is an Actor).
//   - Emergent: the root under which inductive codes created while coding
//     are added with AddClass.
//
// Its relations are legitimizes, lobbies, funds, regulates, certifies,
// supports, collaboratesWith and competesWith (both symmetric),
// spinsOffFrom and hasSpinoff, suppliesTo and sourcesFrom, setsStandardsFor,
// learnsFrom, resists, memberOf and hasMember, locatedIn and hosts (each
// pair inverses of each other), and takesPosition, an actor's stance on any
// class outside the Actor branch. Every relation has English and Chinese
// cue words.
package ontology
