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
   project again (record.log, sources/). The database keeps the project as
   it was, a copy to fall back on, but takes no more changes: a server or
   another cache folder still pointed at it can read it, and any change
   there is refused (so none is lost out of DIR's sight); migrating DIR
   into it again makes it the project again. With --drop-db the project's
   tables are dropped from the database instead, once DIR holds it all
   (the empty database stays, for its owner to drop with dropdb).

   Both keep the record entry for entry, so the project gives the same
   answers and the same export after the move.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "to", Usage: "where to: a PostgreSQL `DSN` (postgres://...) or bbolt (a local project)"},
			&cli.BoolFlag{Name: "drop-db", Usage: "with --to bbolt: drop the project's tables from the database once the folder holds it"},
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
		meta, err := project.ReadMeta(dir)
		if err != nil {
			return err
		}
		drop := c.Bool("drop-db")
		err = project.MigrateToLocal(c.Context, dir, project.MigrateBackOptions{Progress: bar.set, Drop: drop})
		bar.done()
		if err != nil {
			return err
		}
		printf(c.App.Writer, "Moved %s out of database %s: it is a local project again\n", dir, meta.DB)
		if drop {
			printf(c.App.Writer, "Dropped the project's tables from the database (the empty database stays: dropdb removes it)\n")
		} else {
			printf(c.App.Writer, "The database keeps the project as it was and takes no more changes; to remove it: dropdb, or next time migrate --to bbolt --drop-db\n")
		}
	case c.Bool("drop-db"):
		return usagef("migrate --drop-db: only with --to bbolt")
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
