package main

import (
	"bufio"
	"bytes"
	"embed"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/qualgraph/qualgraph/corpus"
	"github.com/qualgraph/qualgraph/project"
)

// demodata holds the demo corpus: a fictional study of the Jinlan ceramics
// and smart-lighting cluster, written for qualgraph. attrs.tsv gives each
// file's kind and attributes.
//
//go:embed demodata
var demodata embed.FS

func demoCommands() []*cli.Command {
	return []*cli.Command{{
		Name:      "demo",
		Usage:     "build a demo project from bundled transcripts and a policy text, and print a tour",
		ArgsUsage: "[DIR]",
		Action:    demoAction,
	}}
}

// demoFile is one line of demodata/attrs.tsv.
type demoFile struct {
	name, kind string
	attrs      corpus.Attrs
}

func demoFiles() ([]demoFile, error) {
	b, err := demodata.ReadFile("demodata/attrs.tsv")
	if err != nil {
		return nil, err
	}
	var files []demoFile
	sc := bufio.NewScanner(bytes.NewReader(b))
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		cols := strings.Split(text, "\t")
		if len(cols) < 2 {
			return nil, fmt.Errorf("demodata/attrs.tsv:%d: want FILE<TAB>KIND<TAB>ATTRS", line)
		}
		f := demoFile{name: cols[0], kind: cols[1], attrs: corpus.Attrs{}}
		if len(cols) > 2 {
			for _, kv := range strings.Split(cols[2], ";") {
				if kv = strings.TrimSpace(kv); kv == "" {
					continue
				}
				k, a, err := corpus.ParseAttr(kv)
				if err != nil {
					return nil, fmt.Errorf("demodata/attrs.tsv:%d: %w", line, err)
				}
				f.attrs[k] = a
			}
		}
		files = append(files, f)
	}
	return files, sc.Err()
}

func demoAction(c *cli.Context) error {
	if err := needArgs(c, 0, 1, "[DIR]"); err != nil {
		return err
	}
	dir := c.Args().First()
	if dir == "" {
		dir = "qualgraph-demo"
	}
	files, err := demoFiles()
	if err != nil {
		return err
	}
	w := c.App.Writer
	if p, err := project.Open(dir, project.ReadOnly); err == nil {
		// Run again on the demo it made: show the tour instead of failing.
		name := p.Meta.Name
		p.Close()
		if name == demoName {
			printf(w, "The demo project is already in %s.\n\n", dir)
			return printTour(w, dir)
		}
	}
	if err := project.Init(dir, project.InitOptions{Name: demoName}); err != nil {
		return err
	}
	p, err := project.Open(dir, project.ReadWrite)
	if err != nil {
		return err
	}
	var data []project.DataFile
	for _, f := range files {
		b, err := demodata.ReadFile(path.Join("demodata", f.name))
		if err != nil {
			p.Close()
			return err
		}
		data = append(data, project.DataFile{Path: "demo/" + f.name, Data: b, Kind: f.kind, Attrs: f.attrs})
	}
	res, err := p.ImportData(c.Context, data, project.ImportOptions{By: "demo"})
	if err != nil {
		p.Close()
		return err
	}
	for _, d := range res.Imported {
		printf(w, "  imported %-28s %-12s %6d chars, %3d segments\n", d.Name, d.Kind, d.Chars, len(d.Segments))
	}
	if err := p.Close(); err != nil {
		return err
	}
	printf(w, "Demo project ready in %s (%d documents).\n\n", dir, len(files))
	return printTour(w, dir)
}

// demoName is the name of the demo project.
const demoName = "Jinlan cluster demo"

// printTour prints the commands of the demo's tour.
func printTour(w io.Writer, dir string) error {
	tour, err := demodata.ReadFile("demodata/tour.md")
	if err != nil {
		return err
	}
	printf(w, "Try, inside %s (or with --project %s):\n\n", dir, dir)
	for _, cmd := range tourCommands(string(tour)) {
		printf(w, "  %s\n", cmd)
	}
	return nil
}

// tourCommands picks the qualgraph command lines out of the tour.
func tourCommands(md string) []string {
	var out []string
	for _, line := range strings.Split(md, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "qualgraph ") && !strings.HasPrefix(line, "qualgraph demo") {
			out = append(out, line)
		}
	}
	return out
}
