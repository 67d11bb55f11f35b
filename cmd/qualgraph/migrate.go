package main

import (
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/qualgraph/qualgraph/project"
)

func migrateCommands() []*cli.Command {
	return []*cli.Command{{
		Name:      "migrate",
		Usage:     "move a project into a PostgreSQL database (--to postgres://...) or back into its folder (--to bbolt)",
		ArgsUsage: "DIR --to postgres://...|bbolt",
		Description: `--to postgres://USER@HOST/DB moves the local project DIR into that
   database, which must be empty: its record of changes and its sources go
   into the database, which is the project from then on, and DIR becomes the
   database's local cache (the graph, the index and what commands read,
   derived from the database's record). The password comes from the DSN,
   $PGPASSWORD or ~/.pgpass; DIR keeps the DSN without it. An interrupted
   migration leaves DIR as it was; run it again to go on.

   --to bbolt moves the project whose cache DIR is back into DIR, a local
   project again (record.log, sources/); the database is left as it was.

   Both keep the record entry for entry, so the project gives the same
   answers and the same export after the move.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "to", Usage: "where to: a PostgreSQL `DSN` (postgres://...) or bbolt (a local project)"},
		},
		Action: migrateAction,
	}}
}

func migrateAction(c *cli.Context) error {
	if err := needArgs(c, 1, 1, "DIR --to postgres://...|bbolt"); err != nil {
		return err
	}
	dir, to := c.Args().First(), c.String("to")
	bar := newProgress(c.App.ErrWriter, "migrate", "entries")
	switch {
	case to == "bbolt" || to == "local":
		err := project.MigrateToLocal(c.Context, dir, bar.set)
		bar.done()
		if err != nil {
			return err
		}
		printf(c.App.Writer, "Moved %s out of its database: it is a local project again\n", dir)
	case strings.HasPrefix(to, "postgres://") || strings.HasPrefix(to, "postgresql://") || strings.Contains(to, "="):
		err := project.MigrateToDB(c.Context, dir, to, bar.set)
		bar.done()
		if err != nil {
			return err
		}
		printf(c.App.Writer, "Moved %s into database %s: the folder is its local cache now\n", dir, project.RedactDSN(to))
	default:
		return usagef("migrate --to %q: want a PostgreSQL DSN (postgres://...) or bbolt", to)
	}
	return nil
}
