package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/pprof"

	"github.com/urfave/cli/v2"
)

// Exit statuses: 0 done, 1 refused input or failed check, 2 usage error,
// 130 interrupted by Ctrl-C (the status a shell gives a command that
// SIGINT ends).
const (
	exitOK        = 0
	exitInput     = 1
	exitUsage     = 2
	exitInterrupt = 130
)

// errInterrupted is the error of a command stopped by Ctrl-C.
var errInterrupted = errors.New("interrupted")

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
	case errors.Is(err, errInterrupted):
		return exitInterrupt
	default:
		return exitInput
	}
}

// runMain runs app on args as the process does, with ctx as the commands'
// context (c.Context): it writes an error to app.ErrWriter and returns the
// exit status. A command that stops because ctx was cancelled (Ctrl-C)
// reports errInterrupted.
func runMain(ctx context.Context, app *cli.App, args []string) int {
	err := app.RunContext(ctx, reorderArgs(app, args)) // as run does
	if err != nil && ctx.Err() != nil && errors.Is(err, context.Canceled) {
		err = errInterrupted
	}
	if err != nil {
		printError(app, err)
	}
	return exitCode(err)
}

// printError writes err to app.ErrWriter as the command's last word.
func printError(app *cli.App, err error) {
	fmt.Fprintln(app.ErrWriter, "qualgraph:", err)
}

// procEnv is what commands read from their process beyond their
// arguments and app.Reader, app.Writer and app.ErrWriter: the working
// directory (where the project is looked for) and environment variables.
// The binary uses the process's own; tests give each run its own, so that
// runs in one test process do not share them. The --project flag reads
// $QUALGRAPH_PROJECT from the process itself.
type procEnv struct {
	Dir string                  // working directory; "" for the process's
	Env func(key string) string // environment; nil for os.Getenv
}

// envKey is the key of the app's procEnv in app.Metadata.
const envKey = "qualgraph.env"

// setProcEnv makes the commands of app read e instead of the process.
func setProcEnv(app *cli.App, e procEnv) {
	if app.Metadata == nil {
		app.Metadata = map[string]any{}
	}
	app.Metadata[envKey] = e
}

func procEnvOf(c *cli.Context) procEnv {
	e, _ := c.App.Metadata[envKey].(procEnv)
	return e
}

// getwd returns the working directory of the command.
func getwd(c *cli.Context) (string, error) {
	if e := procEnvOf(c); e.Dir != "" {
		return e.Dir, nil
	}
	return os.Getwd()
}

// getenv returns the value of the command's environment variable key.
func getenv(c *cli.Context, key string) string {
	if e := procEnvOf(c); e.Env != nil {
		return e.Env(key)
	}
	return os.Getenv(key)
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
