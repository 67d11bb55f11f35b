package main

import (
	"errors"
	"io"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/qualgraph/qualgraph/demo"
	"github.com/qualgraph/qualgraph/project"
)

func demoCommands() []*cli.Command {
	return []*cli.Command{{
		Name:      "demo",
		Usage:     "build the coded demo project (a fictional study of the Jinlan cluster) and print a tour",
		ArgsUsage: "[DIR]",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "uncoded", Usage: "import the documents only, code nothing (a corpus to practise coding on)"},
			&cli.BoolFlag{Name: "serve", Usage: "then serve the demo in the web workbench (Ctrl-C stops)"},
			addrFlag,
		},
		Action: demoAction,
	}}
}

func demoAction(c *cli.Context) error {
	if err := needArgs(c, 0, 1, "[--uncoded] [--serve [--addr HOST:PORT]] [DIR]"); err != nil {
		return err
	}
	dir := c.Args().First()
	if dir == "" {
		dir = "qualgraph-demo"
	}
	w := c.App.Writer
	at := dir // relative to the command's working directory
	if wd, err := getwd(c); err == nil && !filepath.IsAbs(dir) {
		at = filepath.Join(wd, dir)
	}
	steps := map[string]*progress{}
	res, err := demo.Build(c.Context, at, demo.Options{
		Uncoded: c.Bool("uncoded"),
		Progress: func(step string, done, total int) {
			if steps[step] == nil {
				steps[step] = newProgress(c.App.ErrWriter, step, "")
			}
			steps[step].set(int64(done), int64(total))
		},
	})
	for _, p := range steps {
		p.done()
	}
	if err != nil {
		return err
	}
	for _, d := range res.Imported {
		printf(w, "  imported %-28s %-12s %6d chars, %3d segments\n", d.Name, d.Kind, d.Chars, len(d.Segments))
	}
	switch {
	case res.Reused:
		printf(w, "The demo project is already in %s, complete: nothing written.\n", dir)
	case res.Written > 0 || len(res.Imported) > 0:
		printf(w, "Demo project ready in %s.\n", dir)
	}
	printf(w, "%d documents", res.Documents)
	if res.Codings > 0 || res.Entities > 0 {
		printf(w, "; coded by %s: %d codings, %d emergent codes, %d entities, %d mentions, %d assertions, %d memos",
			strings.Join(res.Coders, " and "), res.Codings, res.Codes, res.Entities, res.Mentions, res.Assertions, res.Memos)
	}
	printf(w, ".\n\n")
	if err := printTour(w, dir); err != nil {
		return err
	}
	if !c.Bool("serve") {
		return nil
	}
	p, err := project.Open(at, project.Shared)
	if err != nil {
		return err
	}
	return errors.Join(serveProject(c, p), p.Close())
}

// printTour prints the commands of the demo's tour.
func printTour(w io.Writer, dir string) error {
	cmds, err := demo.TourCommands()
	if err != nil {
		return err
	}
	printf(w, "Try, inside %s (or with --project %s):\n\n", dir, dir)
	for _, cmd := range cmds {
		printf(w, "  %s\n", cmd)
	}
	return nil
}
