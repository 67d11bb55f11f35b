// Command qualgraph indexes, codes and queries qualitative research data:
// interview transcripts, focus groups and policy documents, coded against an
// ontology into an evidence-grounded graph of actor relations.
//
// Run "qualgraph help" for the commands.
package main

import (
	"context"
	"os"
	"os/signal"
	"time"
)

// interruptGrace is how long a command may take to stop after Ctrl-C
// before the process exits anyway. Commands that watch their context stop
// at once; the others are stopped as Ctrl-C stopped every command before
// commands could watch for it, which a project survives (it survives
// kill -9).
const interruptGrace = 3 * time.Second

func main() {
	// Ctrl-C cancels the context that commands see as c.Context; a second
	// Ctrl-C stops the process at once.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	app := newApp()
	done := make(chan int, 1)
	go func() { done <- runMain(ctx, app, os.Args) }()
	select {
	case code := <-done:
		os.Exit(code)
	case <-ctx.Done():
	}
	stop()
	select {
	case code := <-done:
		os.Exit(code)
	case <-time.After(interruptGrace):
		printError(app, errInterrupted)
		os.Exit(exitCode(errInterrupted))
	}
}
