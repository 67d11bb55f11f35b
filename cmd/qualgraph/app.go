package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/pprof"

	"github.com/urfave/cli/v2"
)

// Exit statuses: 0 done, 1 refused input or failed check, 2 usage error.
const (
	exitOK    = 0
	exitInput = 1
	exitUsage = 2
)

// usageError marks an error in how the command was called (unknown flag,
// missing argument): exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Sprintf(format, args...)}
}

// exitCode maps an error to the process exit status. It is the one table
// of exit statuses.
func exitCode(err error) int {
	var ue *usageError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ue):
		return exitUsage
	default:
		return exitInput
	}
}

func newApp() *cli.App {
	app := &cli.App{
		Name:                 "qualgraph",
		Usage:                "index, code and query qualitative data as an evidence-grounded graph",
		EnableBashCompletion: true,
		HideHelpCommand:      false,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "project", Aliases: []string{"p"}, Usage: "project `DIR` (else $QUALGRAPH_PROJECT, else found by walking up from the working directory)", EnvVars: []string{"QUALGRAPH_PROJECT"}},
			&cli.StringFlag{Name: "cpuprofile", Hidden: true, Usage: "write a CPU profile to `FILE` (for performance work)"},
		},
		Before:   startProfile,
		After:    stopProfile,
		Commands: commands(),
		OnUsageError: func(c *cli.Context, err error, isSubcommand bool) error {
			return &usageError{err.Error()}
		},
		ExitErrHandler: func(c *cli.Context, err error) {},
		Writer:         os.Stdout,
		ErrWriter:      os.Stderr,
	}
	setUsageErrors(app.Commands)
	return app
}

var profileFile *os.File

// startProfile starts CPU profiling when --cpuprofile is given.
func startProfile(c *cli.Context) error {
	name := c.String("cpuprofile")
	if name == "" {
		return nil
	}
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	profileFile = f
	return pprof.StartCPUProfile(f)
}

func stopProfile(c *cli.Context) error {
	if profileFile == nil {
		return nil
	}
	pprof.StopCPUProfile()
	return profileFile.Close()
}

// setUsageErrors makes every command report flag errors as usage errors.
func setUsageErrors(cmds []*cli.Command) {
	for _, c := range cmds {
		c.OnUsageError = func(c *cli.Context, err error, isSubcommand bool) error {
			return &usageError{err.Error()}
		}
		setUsageErrors(c.Subcommands)
	}
}

// commands lists the command groups; each lives in a file of its own.
func commands() []*cli.Command {
	var cmds []*cli.Command
	for _, f := range commandGroups {
		cmds = append(cmds, f()...)
	}
	return cmds
}

// jsonFlag is the --json flag of listing and query commands.
var jsonFlag = &cli.BoolFlag{Name: "json", Usage: "write JSON for programs (see README: JSON contract)"}

// writeJSON writes v as JSON followed by a newline: indented for a person
// at a terminal, compact for a program (indenting large results costs more
// than computing them).
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	if isTerminal(w) {
		enc.SetIndent("", "  ")
	}
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// needArgs checks the number of positional arguments.
func needArgs(c *cli.Context, min, max int, usage string) error {
	n := c.NArg()
	if n < min || (max >= 0 && n > max) {
		name := c.Command.HelpName // the full path, e.g. "qualgraph attr set"
		if name == "" {
			name = "qualgraph " + c.Command.Name
		}
		return usagef("usage: %s %s", name, usage)
	}
	return nil
}
