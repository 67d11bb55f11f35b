package main

import "github.com/urfave/cli/v2"

// commandGroups lists the command groups in help order. Each function lives
// in the file named after its group.
var commandGroups = []func() []*cli.Command{
	projectCommands,  // init, check, reindex
	migrateCommands,  // migrate
	corpusCommands,   // import, docs, show, search, attr
	speakerCommands,  // speakers, speaker alias|unalias
	demoCommands,     // demo
	ontologyCommands, // ontology show|validate|export
	codingCommands,   // code, autocode, codings, uncode, recode, codebook, mention
	suggestCommands,  // suggest
	graphCommands,    // entity, assert, retract, assertions, memo(s), log, links, neighbors, path, query
	analysisCommands, // frequencies, cooccur, matrix, centrality, network, agreement
	exportCommands,   // export
	serveCommands,    // serve
	userCommands,     // user add|list|remove, blind on|off|status
}
