// Command qualgraph indexes, codes and queries qualitative research data:
// interview transcripts, focus groups and policy documents, coded against an
// ontology into an evidence-grounded graph of actor relations.
//
// Run "qualgraph help" for the commands.
package main

import (
	"fmt"
	"os"
)

func main() {
	app := newApp()
	err := run(app, os.Args)
	if err != nil {
		fmt.Fprintln(app.ErrWriter, "qualgraph:", err)
	}
	os.Exit(exitCode(err))
}
