package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/qualgraph/qualgraph/ontology"
)

func ontologyCommands() []*cli.Command {
	return []*cli.Command{{
		Name:  "ontology",
		Usage: "show, validate and export the coding ontology",
		Description: `The ontology is the project's ontology.yaml: the classes (codes) in a tree,
   and the relations that may hold between actors and concepts. Outside a
   project, show uses the built-in ontology "Entrepreneurship and cluster
   restructuring". "qualgraph ontology export --builtin" writes it with
   comments that explain the file format.`,
		Subcommands: []*cli.Command{
			ontologyImportCommand(), // refi_cmd.go: REFI-QDA codebooks (.qdc)
			{
				Name:   "show",
				Usage:  "show the class tree and the relations",
				Flags:  []cli.Flag{jsonFlag},
				Action: ontologyShowAction,
			},
			{
				Name:      "validate",
				Usage:     "check an ontology file; print each problem as FILE:LINE:COL: message",
				ArgsUsage: "FILE (- for standard input)",
				Action:    ontologyValidateAction,
			},
			{
				Name:  "export",
				Usage: "write the project's ontology (checked, normalised, without comments) or the built-in one to standard output",
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "format", Value: "yaml", Usage: "yaml or json (the JSON shape is documented in package ontology)"},
					&cli.BoolFlag{Name: "builtin", Usage: "export the built-in ontology (as YAML: the file with its comments)"},
				},
				Action: ontologyExportAction,
			},
		},
	}}
}

type ontologyShowOptions struct {
	JSON bool
}

type ontologyExportOptions struct {
	Format  string // yaml or json
	Builtin bool
}

func ontologyShowAction(c *cli.Context) error {
	if err := ontologyArgs(c, 0, 0, "[--json]"); err != nil {
		return err
	}
	opt := ontologyShowOptions{JSON: c.Bool("json")}
	o, file, err := projectOntology(c)
	if errors.Is(err, errNoProject) && c.String("project") == "" {
		printf(c.App.ErrWriter, "No project here: showing the built-in ontology.\n")
		o, err = ontology.Builtin(), nil
	}
	if err != nil {
		return err
	}
	if opt.JSON {
		return o.WriteJSON(c.App.Writer) // the shape "ontology export --format json" writes
	}
	return writeOntology(c.App.Writer, style{on: useColor(c.App.Writer)}, o, file)
}

func ontologyValidateAction(c *cli.Context) error {
	if err := ontologyArgs(c, 1, 1, "FILE"); err != nil {
		return err
	}
	file := c.Args().First()
	var data []byte
	var err error
	if file == "-" {
		file = "<stdin>"
		data, err = io.ReadAll(c.App.Reader)
	} else {
		data, err = os.ReadFile(file)
	}
	if err != nil {
		return err
	}
	o, err := ontology.Parse(file, data)
	var list ontology.ErrorList
	if errors.As(err, &list) {
		for _, e := range list {
			printf(c.App.Writer, "%s\n", e)
		}
		return fmt.Errorf("%s: %s", file, plural(len(list), "error"))
	}
	if err != nil {
		return err
	}
	printf(c.App.Writer, "%s: ok (%s, %s)\n", file,
		plural(len(o.Classes()), "class"), plural(len(o.Relations()), "relation"))
	return nil
}

func ontologyExportAction(c *cli.Context) error {
	if err := ontologyArgs(c, 0, 0, "[--format yaml|json] [--builtin]"); err != nil {
		return err
	}
	opt := ontologyExportOptions{Format: c.String("format"), Builtin: c.Bool("builtin")}
	if opt.Format != "yaml" && opt.Format != "json" {
		return usagef("--format: want yaml or json, not %q", opt.Format)
	}
	var o *ontology.Ontology
	if opt.Builtin {
		if opt.Format == "yaml" {
			_, err := c.App.Writer.Write(ontology.BuiltinYAML())
			return err
		}
		o = ontology.Builtin()
	} else {
		var err error
		o, _, err = projectOntology(c)
		if errors.Is(err, errNoProject) {
			return fmt.Errorf("%w\n(to export the built-in ontology, use --builtin)", err)
		}
		if err != nil {
			return err
		}
	}
	if opt.Format == "json" {
		return o.WriteJSON(c.App.Writer)
	}
	return o.WriteYAML(c.App.Writer)
}

// ontologyArgs checks the number of positional arguments of an ontology
// subcommand. (needArgs would name the subcommand without its parent:
// urfave/cli v2 leaves Command.FullName at the bare name.)
func ontologyArgs(c *cli.Context, min, max int, usage string) error {
	if n := c.NArg(); n < min || n > max {
		return usagef("usage: qualgraph ontology %s %s", c.Command.Name, usage)
	}
	return nil
}

// projectOntology reads and parses the project's ontology file, returning
// it with the file's name. An error wraps errNoProject when there is no
// project. When the file has errors, it prints them to standard error and
// returns an error that counts them.
func projectOntology(c *cli.Context) (*ontology.Ontology, string, error) {
	file, err := projectOntologyFile(c)
	if err != nil {
		return nil, "", err
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, "", err
	}
	o, err := ontology.Parse(file, data)
	var list ontology.ErrorList
	if errors.As(err, &list) {
		for _, e := range list {
			printf(c.App.ErrWriter, "%s\n", e)
		}
		return nil, "", fmt.Errorf("%s: %s; fix the file, then check it with qualgraph ontology validate %s",
			file, plural(len(list), "error"), file)
	}
	if err != nil {
		return nil, "", err
	}
	return o, file, nil
}

// writeOntology prints the class tree and the relations of o, read from
// file ("" for the built-in ontology). When st is on, each class starts
// with a swatch of its colour.
func writeOntology(w io.Writer, st style, o *ontology.Ontology, file string) error {
	var b bytes.Buffer
	title := o.Name
	if title == "" {
		title = "Unnamed ontology"
	}
	if o.Version != "" {
		title += ", version " + o.Version
	}
	from := "built-in"
	if file != "" {
		from = file
	}
	printf(&b, "%s (%s)\n", st.bold(title), from)
	printf(&b, "%s in %s, %s\n\n", plural(len(o.Classes()), "class"),
		plural(len(o.Roots()), "tree"), plural(len(o.Relations()), "relation"))

	classes := newTable("CLASS", "EN", "ZH")
	var swatches []string
	var walk func(id string, depth int)
	walk = func(id string, depth int) {
		c, _ := o.Class(id)
		classes.add(strings.Repeat("  ", depth)+c.ID, c.Labels["en"], c.Labels["zh"])
		swatches = append(swatches, swatch(c.Colour))
		for _, kid := range o.Children(id) {
			walk(kid, depth+1)
		}
	}
	for _, root := range o.Roots() {
		walk(root, 0)
	}
	var t bytes.Buffer
	if err := classes.write(&t, st, 0); err != nil {
		return err
	}
	for i, line := range tableLines(&t) {
		if st.on {
			if i == 0 {
				b.WriteString("   ")
			} else {
				b.WriteString(swatches[i-1])
			}
		}
		b.WriteString(line + "\n")
	}

	if len(o.Relations()) > 0 {
		rels := newTable("RELATION", "EN", "ZH", "INVERSE", "SYMMETRIC", "DOMAIN -> RANGE")
		for _, r := range o.Relations() {
			sym := ""
			if r.Symmetric {
				sym = "yes"
			}
			rels.add(r.ID, r.Labels["en"], r.Labels["zh"], r.Inverse, sym,
				classList(r.Domain)+" -> "+classList(r.Range))
		}
		t.Reset()
		if err := rels.write(&t, st, 0); err != nil {
			return err
		}
		b.WriteString("\n")
		for _, line := range tableLines(&t) {
			b.WriteString(line + "\n")
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

// tableLines returns the lines of a written table without the padding
// that empty last cells leave at their ends.
func tableLines(t *bytes.Buffer) []string {
	lines := strings.Split(strings.TrimSuffix(t.String(), "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return lines
}

// swatch returns two cells in colour ("#RRGGBB") and a space, or three
// spaces when the class has no colour.
func swatch(colour string) string {
	v, err := strconv.ParseUint(strings.TrimPrefix(colour, "#"), 16, 32)
	if len(colour) != 7 || colour[0] != '#' || err != nil {
		return "   "
	}
	return fmt.Sprintf("\x1b[48;2;%d;%d;%dm  \x1b[0m ", v>>16, v>>8&0xff, v&0xff)
}

// classList formats the domain or range of a relation; empty means any.
func classList(ids []string) string {
	if len(ids) == 0 {
		return "any"
	}
	return strings.Join(ids, ", ")
}

// plural formats n with a noun: "1 class", "2 classes", "0 errors".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	if strings.HasSuffix(noun, "s") {
		return strconv.Itoa(n) + " " + noun + "es"
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
