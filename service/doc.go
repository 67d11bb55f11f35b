// Package service holds the use cases that the command line
// (cmd/qualgraph) and the coming web server share: the queries over the
// coded graph (links, neighbors, path, query), the listings of codings,
// the analyses (frequencies, cooccur, matrix, centrality, network,
// agreement) and the exports; and the changes: Code, AutoCode, Uncode,
// Recode, AddCode, PromoteCode, Mention, AutoMention, AddEntity,
// RenameEntity, AliasEntity, MergeEntities, RemoveEntity, Assert,
// Retract, AddEvidence (more evidence for an assertion, one change of its
// own: the assertion keeps its id, and each span added remembers who
// added it and when), AddMemo, SetAttrs, SpeakerAlias (merging a speaker label into
// another speaker's name, which every speaker filter then uses), Import,
// ImportREFI and Reindex; the list of Speakers; the Assertions with
// their evidence quoted and the Vocabulary an assertion form offers; and the
// checks they share: FindQuote (the span of a quote, for coding and
// evidence by quote) and CheckFilter (a kind, speaker or attribute key
// that no document has, named when a filter finds nothing).
//
// Assisted coding (suggest.go): Suggest lists codings that a model learnt
// from the project's codings suggests, with their explanation;
// AcceptSuggestions codes them (remembering model and score),
// RejectSuggestions records their rejection, EvaluateSuggestions
// cross-validates the model against two baselines (package
// coding/suggest). Frequencies and the other analyses (Selection) and
// Agreement can leave out accepted suggestions (NoSuggested). A Service
// keeps the model it trained, for each kind of unit, while the project's
// view stays the same, and trains afresh after any change.
//
// Users, roles and blind coding (users.go): AddUser, Users, RemoveUser,
// Authenticate, SetBlind and Blind change and read them, as recorded
// changes; Authorize and Visible say what a user may do and see, for a
// server that acts for several users. A local user (the command line, a
// server on 127.0.0.1 for a project without users) acts as owner
// (LocalUser).
//
// The changes refuse what is wrong and say what is right: coding,
// recoding or asserting again what the same coder recorded writes
// nothing and says so (Coded.Existing, Recoded.Unchanged,
// Asserted.Existing, EntityChanged.Unchanged); an attribute value of another type than its key
// has on the project's documents is an *AttrTypeError unless forced.
//
// A Service works on one open *project.Project. Each use case is one
// method that takes a context.Context and an options struct and returns
// plain result values (and, for an export, writes to the io.Writer it is
// given); the write-side use cases take the acting user (by, recorded as
// coder, author or importer) before their options and need the project
// open for writing, except for dry runs. A Service never prints and never
// exits: presenting a result (tables, JSON) is the caller's business.
//
// A Service is safe for concurrent use by several goroutines, as its
// *project.Project is: it holds no state of its own, readers see the
// projection up to its recorded position and writers take turns on the
// project's lock. An *Export is for one goroutine.
//
// Errors are those of the packages below (coding.UnknownError,
// analysis.AttrError, ...), so that callers can map them to exit
// statuses or HTTP statuses by kind; invalid options are reported as
// *OptionError.
//
// For example, the code frequencies of two coders:
//
//	p, err := project.Open(dir, project.ReadOnly)
//	if err != nil {
//		return err
//	}
//	defer p.Close()
//	t, err := service.New(p).Frequencies(ctx, service.FrequenciesOptions{
//		By: "code", Coders: []string{"ann", "bo"}})
//
// and, on a project open for writing, a coding by ann:
//
//	cd, err := service.New(p).Code(ctx, "ann", service.CodeOptions{
//		Span: coding.Span{Doc: "north.txt", Start: 0, End: 12}, Code: "Lobbying"})
package service
