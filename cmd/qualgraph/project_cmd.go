package main

import (
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/qualgraph/qualgraph/project"
	"github.com/qualgraph/qualgraph/service"
)

var errNoProject = project.ErrNoProject

// findProject returns the project folder: --project, then
// $QUALGRAPH_PROJECT (both read by the --project flag), then the first
// folder holding a project file walking up from the working directory.
func findProject(c *cli.Context) (string, error) {
	if dir := c.String("project"); dir != "" {
		if _, err := os.Stat(filepath.Join(dir, project.MetaFile)); err != nil {
			return "", fmt.Errorf("%s is not a qualgraph project (no %s): %w", dir, project.MetaFile, errNoProject)
		}
		return dir, nil
	}
	wd, err := getwd(c)
	if err != nil {
		return "", err
	}
	return project.Find(wd)
}

// projectOntologyFile returns the path of the project's ontology file.
func projectOntologyFile(c *cli.Context) (string, error) {
	dir, err := findProject(c)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, project.OntologyFile), nil
}

// openProject finds and opens the project; the caller closes it.
func openProject(c *cli.Context, mode project.Mode) (*project.Project, error) {
	dir, err := findProject(c)
	if err != nil {
		return nil, err
	}
	p, err := project.Open(dir, mode)
	if err != nil {
		return nil, err
	}
	for _, n := range p.Notices {
		fmt.Fprintln(c.App.ErrWriter, "qualgraph:", n)
	}
	return p, nil
}

// withProject opens the project, runs fn and closes the project, keeping
// the first error.
func withProject(c *cli.Context, mode project.Mode, fn func(p *project.Project) error) (err error) {
	p, err := openProject(c, mode)
	if err != nil {
		return err
	}
	if mode == project.ReadWrite {
		// After bulk work, Close brings the graph up to the record.
		bar := newProgress(c.App.ErrWriter, "graph", "entries")
		p.GraphProgress = bar.set
		defer bar.done()
	}
	defer func() { err = errors.Join(err, p.Close()) }()
	return fn(p)
}

// whoAmI returns the coder: --coder, else $QUALGRAPH_CODER, else the OS user.
func whoAmI(c *cli.Context) string {
	if c.IsSet("coder") && c.String("coder") != "" {
		return c.String("coder")
	}
	if v := getenv(c, "QUALGRAPH_CODER"); v != "" {
		return v
	}
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return "unknown"
}

func projectCommands() []*cli.Command {
	return []*cli.Command{
		{
			Name:      "init",
			Usage:     "create a project folder",
			ArgsUsage: "DIR",
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "ontology", Usage: "ontology YAML `FILE` (default: the built-in one)"},
				&cli.StringFlag{Name: "name", Usage: "project name (default: the folder's name)"},
				&cli.StringFlag{Name: "db", Usage: "keep the project in the PostgreSQL database at `DSN` (postgres://...; the password from the DSN, $PGPASSWORD or ~/.pgpass is not stored); DIR becomes its local cache"},
				&cli.BoolFlag{Name: "join", Usage: "with --db: make DIR a cache of the project the database already holds"},
			},
			Action: initAction,
		},
		{
			Name:  "check",
			Usage: "check that sources, graph, projection and index agree",
			Flags: []cli.Flag{jsonFlag,
				&cli.BoolFlag{Name: "repair", Usage: "first rebuild the projection and the index from sources and graph, and remove temporary files left by killed writes"}},
			Action: checkAction,
		},
		{
			Name:   "reindex",
			Usage:  "rebuild the full-text index from sources and graph",
			Action: reindexAction,
		},
	}
}

func initAction(c *cli.Context) error {
	if err := needArgs(c, 1, 1, "DIR [--ontology FILE] [--name NAME]"); err != nil {
		return err
	}
	dir := c.Args().First()
	opt := project.InitOptions{Name: c.String("name"), DB: c.String("db"), Join: c.Bool("join")}
	if opt.Join && opt.DB == "" {
		return usagef("init --join: needs --db DSN")
	}
	if f := c.String("ontology"); f != "" {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		opt.Ontology, opt.OntologyFile = b, f
	}
	if err := project.Init(dir, opt); err != nil {
		return err
	}
	switch {
	case opt.Join:
		printf(c.App.Writer, "Created %s, a cache of the project in database %s\n", dir, project.RedactDSN(opt.DB))
	case opt.DB != "":
		printf(c.App.Writer, "Created project %s in database %s\n", dir, project.RedactDSN(opt.DB))
	default:
		printf(c.App.Writer, "Created project %s\n", dir)
	}
	return nil
}

func checkAction(c *cli.Context) error {
	if err := needArgs(c, 0, 0, "[--json]"); err != nil {
		return err
	}
	mode := project.ReadOnly
	if c.Bool("repair") {
		mode = project.ReadWrite
	}
	return withProject(c, mode, func(p *project.Project) error {
		if c.Bool("repair") {
			// Opening the project for writing applied what the graph
			// and the index lacked of the record; the rebuilds mend
			// damage done outside qualgraph.
			if err := p.RebuildView(); err != nil {
				return err
			}
			if _, err := p.Reindex(c.Context, nil); err != nil {
				return err
			}
			removed, err := p.RemoveTempFiles()
			if err != nil {
				return err
			}
			for _, name := range removed {
				printf(c.App.ErrWriter, "removed %s\n", visible(name))
			}
		}
		r, err := p.Check(c.Context)
		if err != nil {
			return err
		}
		if c.Bool("json") {
			if r.Problems == nil {
				r.Problems = []project.Problem{}
			}
			if err := writeJSON(c.App.Writer, r); err != nil {
				return err
			}
		} else {
			st := style{useColor(c.App.Writer)}
			for _, pr := range r.Problems {
				printf(c.App.Writer, "%s %s\n", st.red("✗"), pr)
			}
			for _, name := range r.TempFiles {
				printf(c.App.Writer, "! temporary file %s left by an interrupted write (qualgraph check --repair removes it)\n", visible(name))
			}
			if r.OK() {
				printf(c.App.Writer, "%s %d documents, %d index units: sources, graph and index agree\n", st.green("✓"), r.Documents, r.Units)
				printf(c.App.Writer, "  record: %d entries; projection at entry %d, graph at %d, index at %d\n", r.Positions.Record, r.Positions.Projection, r.Positions.Graph, r.Positions.Index)
			}
		}
		if !r.OK() {
			return fmt.Errorf("check found %d problems", len(r.Problems))
		}
		return nil
	})
}

func reindexAction(c *cli.Context) error {
	if err := needArgs(c, 0, 0, ""); err != nil {
		return err
	}
	by := whoAmI(c)
	return withProject(c, project.ReadWrite, func(p *project.Project) error {
		bar := newProgress(c.App.ErrWriter, "reindex", "docs")
		n, err := service.New(p).Reindex(c.Context, by, service.ReindexOptions{Progress: bar.set})
		bar.done()
		if err != nil {
			return err
		}
		printf(c.App.Writer, "Reindexed %d documents\n", n)
		return nil
	})
}
