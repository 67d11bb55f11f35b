package main

import (
	"strings"

	"github.com/urfave/cli/v2"
)

// run runs the app on args after moving flags that follow positional
// arguments in front of them: urfave/cli stops reading flags at the first
// argument, but researchers write "qualgraph search QUERY --kind policy".
// A "--" ends flags as usual.
func run(app *cli.App, args []string) error {
	return app.Run(reorderArgs(app, args))
}

func reorderArgs(app *cli.App, args []string) []string {
	if len(args) < 2 {
		return args
	}
	out := []string{args[0]}
	flags := app.Flags
	cmds := app.Commands
	rest := args[1:]
	// Walk down the command path: global flags, then command names.
	for len(rest) > 0 {
		a := rest[0]
		if strings.HasPrefix(a, "-") && a != "-" && a != "--" {
			n := flagArity(flags, a)
			take := min(1+n, len(rest))
			out = append(out, rest[:take]...)
			rest = rest[take:]
			continue
		}
		cmd := findCommand(cmds, a)
		if cmd == nil {
			break
		}
		out = append(out, a)
		rest = rest[1:]
		flags, cmds = cmd.Flags, cmd.Subcommands
		if len(cmds) == 0 {
			break
		}
	}
	var fl, pos []string
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		if a == "--" {
			pos = append(pos, rest[i:]...)
			break
		}
		if isFlag(flags, a) {
			fl = append(fl, a)
			if flagArity(flags, a) == 1 && i+1 < len(rest) {
				fl = append(fl, rest[i+1])
				i++
			}
			continue
		}
		pos = append(pos, a)
	}
	out = append(out, fl...)
	if len(pos) > 0 && pos[0] != "--" {
		// "--" keeps arguments that begin with "-" (e.g. a query "-term")
		// from being read as flags.
		hasDash := false
		for _, p := range pos {
			if strings.HasPrefix(p, "-") {
				hasDash = true
			}
		}
		if hasDash {
			out = append(out, "--")
		}
	}
	return append(out, pos...)
}

// isFlag reports whether arg is a flag: one of flags (or help), or any
// argument beginning with "--" (so that an unknown one is reported as a
// usage error). Other arguments that begin with a single "-", such as the
// query term "-lockin", are positional.
func isFlag(flags []cli.Flag, arg string) bool {
	if !strings.HasPrefix(arg, "-") || arg == "-" || isNumber(arg) {
		return false
	}
	if strings.HasPrefix(arg, "--") {
		return true
	}
	name, _, _ := strings.Cut(strings.TrimLeft(arg, "-"), "=")
	if name == "help" || name == "h" {
		return true
	}
	for _, f := range flags {
		for _, n := range f.Names() {
			if n == name {
				return true
			}
		}
	}
	return false
}

// flagArity returns 1 if the flag named by arg (-x, --name) takes a value
// as the next argument, else 0.
func flagArity(flags []cli.Flag, arg string) int {
	name := strings.TrimLeft(arg, "-")
	if strings.Contains(name, "=") {
		return 0
	}
	for _, f := range flags {
		for _, n := range f.Names() {
			if n == name {
				if _, ok := f.(*cli.BoolFlag); ok {
					return 0
				}
				return 1
			}
		}
	}
	return 0
}

func findCommand(cmds []*cli.Command, name string) *cli.Command {
	for _, c := range cmds {
		if c.Name == name {
			return c
		}
		for _, a := range c.Aliases {
			if a == name {
				return c
			}
		}
	}
	return nil
}

func isNumber(s string) bool {
	s = strings.TrimPrefix(s, "-")
	if s == "" {
		return false
	}
	for _, r := range s {
		if (r < '0' || r > '9') && r != '.' {
			return false
		}
	}
	return true
}
