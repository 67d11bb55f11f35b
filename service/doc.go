// Package service holds the use cases that the command line
// (cmd/qualgraph) and the coming web server share: the queries over the
// coded graph (links, neighbors, path, query), the listings of codings,
// the analyses (frequencies, cooccur, matrix, centrality, network,
// agreement) and the exports.
//
// A Service works on one open *project.Project. Each use case is one
// method that takes a context.Context and an options struct and returns
// plain result values (and, for an export, writes to the io.Writer it is
// given); the write-side use cases also take the acting user. A Service
// never prints and never exits: presenting a result (tables, JSON) is the
// caller's business.
//
// A Service is safe for concurrent use by several goroutines: it
// serialises the calls on its project, whose stores open on first use.
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
package service
