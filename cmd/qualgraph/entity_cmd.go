package main

import (
	"errors"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/project"
	"github.com/qualgraph/qualgraph/service"
)

// entityChangeCommands are the subcommands of entity that change one:
// rename, alias, merge, remove.
func entityChangeCommands() []*cli.Command {
	coder := &cli.StringFlag{Name: "coder", Usage: "who makes the change (default $QUALGRAPH_CODER, else the OS user)"}
	return []*cli.Command{
		{
			Name:      "rename",
			Usage:     "give an entity a new name (its id stays)",
			ArgsUsage: "ID NEWNAME",
			Flags:     []cli.Flag{coder, jsonFlag},
			Action:    entityRenameAction,
		},
		{
			Name:      "alias",
			Usage:     "give an entity more names, which mention --auto finds too",
			ArgsUsage: "ID ALIAS...",
			Flags:     []cli.Flag{coder, jsonFlag},
			Action:    entityAliasAction,
		},
		{
			Name:      "merge",
			Usage:     "merge entities into the one kept: their mentions and assertions become its own",
			ArgsUsage: "KEEP OTHER...",
			Description: `Afterwards every command (links, network, centrality, exports, query) sees
   the mentions and assertions of OTHER as KEEP's, KEEP gains OTHER's name and
   aliases as aliases, and OTHER leaves the listings (entity show OTHER says
   where it went). An assertion that becomes a self-loop (KEEP -R-> KEEP), or
   a repeat of one the same coder makes with the same evidence, is retracted,
   and the output lists it. A moved assertion that KEEP's class does not allow
   refuses the merge. The merge is one change in the log.`,
			Flags:  []cli.Flag{coder, jsonFlag},
			Action: entityMergeAction,
		},
		{
			Name:      "remove",
			Usage:     "remove an entity (the change log keeps it)",
			ArgsUsage: "ID [--force]",
			Description: `An entity with assertions that are not retracted is refused; --force retracts
   them in the same change. Its mentions go with it. entity show ID then says
   who removed it and when.`,
			Flags: []cli.Flag{
				&cli.BoolFlag{Name: "force", Usage: "retract the entity's assertions with it"},
				coder, jsonFlag,
			},
			Action: entityRemoveAction,
		},
	}
}

// entityChangedJSON is the shape of the --json output of entity rename,
// alias, merge and remove.
type entityChangedJSON struct {
	Change    string          `json:"change,omitempty"` // empty if unchanged
	Entity    entityHeadJSON  `json:"entity"`
	Merged    []string        `json:"merged,omitempty"`
	Moved     int             `json:"moved_assertions"`
	Mentions  int             `json:"mentions"`
	Aliases   []string        `json:"aliases_added"`
	Retracted []retractedJSON `json:"retracted"`
	Unchanged bool            `json:"unchanged"`
}

type entityHeadJSON struct {
	ID      string   `json:"id"`
	Type    string   `json:"type"`
	Name    string   `json:"name"`
	Aliases []string `json:"aliases"`
}

type retractedJSON struct {
	ID     string `json:"id"`
	Reason string `json:"reason"`
}

func toEntityChangedJSON(r *service.EntityChanged) entityChangedJSON {
	j := entityChangedJSON{Change: r.Change.ID, Merged: r.Merged, Moved: r.Moved, Mentions: r.Mentions,
		Aliases: r.Aliases, Retracted: []retractedJSON{}, Unchanged: r.Unchanged,
		Entity: entityHeadJSON{r.Entity.ID, r.Entity.Type, r.Entity.Name, r.Entity.Aliases}}
	if j.Aliases == nil {
		j.Aliases = []string{}
	}
	if j.Entity.Aliases == nil {
		j.Entity.Aliases = []string{}
	}
	for _, x := range r.Retracted {
		j.Retracted = append(j.Retracted, retractedJSON{x.ID, x.Reason})
	}
	return j
}

// entityChange runs a change and prints its result: say for people.
func entityChange(c *cli.Context, run func(svc *service.Service, by string) (*service.EntityChanged, error), say func(r *service.EntityChanged) string) error {
	by := whoAmI(c)
	return withProject(c, project.ReadWrite, func(p *project.Project) error {
		r, err := run(service.New(p), by)
		if err != nil {
			return err
		}
		if c.Bool("json") {
			return writeJSON(c.App.Writer, toEntityChangedJSON(r))
		}
		printf(c.App.Writer, "%s\n", say(r))
		for _, x := range r.Retracted {
			printf(c.App.Writer, "  retracted %s: %s\n", shortID(x.ID), x.Reason)
		}
		return nil
	})
}

func entityRenameAction(c *cli.Context) error {
	if err := needArgs(c, 2, 2, "ID NEWNAME"); err != nil {
		return err
	}
	o := service.RenameEntityOptions{Ref: c.Args().Get(0), Name: c.Args().Get(1)}
	return entityChange(c, func(svc *service.Service, by string) (*service.EntityChanged, error) {
		return svc.RenameEntity(c.Context, by, o)
	}, func(r *service.EntityChanged) string {
		if r.Unchanged {
			return "Entity " + r.Entity.ID + " is already named " + quoted(r.Entity.Name) + ": nothing to do"
		}
		return "Renamed entity " + r.Entity.ID + " to " + quoted(r.Entity.Name)
	})
}

func entityAliasAction(c *cli.Context) error {
	if err := needArgs(c, 2, -1, "ID ALIAS..."); err != nil {
		return err
	}
	o := service.AliasEntityOptions{Ref: c.Args().First(), Aliases: c.Args().Tail()}
	return entityChange(c, func(svc *service.Service, by string) (*service.EntityChanged, error) {
		return svc.AliasEntity(c.Context, by, o)
	}, func(r *service.EntityChanged) string {
		if r.Unchanged {
			return "Entity " + r.Entity.ID + " has these names already: nothing to do"
		}
		return "Entity " + r.Entity.ID + ": added " + nounCount(len(r.Aliases), "alias") + " (" + strings.Join(r.Aliases, ", ") +
			"); its aliases: " + strings.Join(r.Entity.Aliases, ", ")
	})
}

func entityMergeAction(c *cli.Context) error {
	if err := needArgs(c, 2, -1, "KEEP OTHER..."); err != nil {
		return err
	}
	o := service.MergeEntitiesOptions{Keep: c.Args().First(), Others: c.Args().Tail()}
	return entityChange(c, func(svc *service.Service, by string) (*service.EntityChanged, error) {
		return svc.MergeEntities(c.Context, by, o)
	}, func(r *service.EntityChanged) string {
		s := "Merged " + strings.Join(r.Merged, ", ") + " into " + r.Entity.ID + ": " +
			nounCount(r.Moved, "assertion") + " and " + nounCount(r.Mentions, "mention") + " moved"
		if len(r.Retracted) > 0 {
			s += ", " + nounCount(len(r.Retracted), "assertion") + " retracted (self-loops or repeats)"
		}
		if len(r.Aliases) > 0 {
			s += "; new aliases: " + strings.Join(r.Aliases, ", ")
		}
		return s
	})
}

func entityRemoveAction(c *cli.Context) error {
	if err := needArgs(c, 1, 1, "ID [--force]"); err != nil {
		return err
	}
	o := service.RemoveEntityOptions{Ref: c.Args().First(), Force: c.Bool("force")}
	return entityChange(c, func(svc *service.Service, by string) (*service.EntityChanged, error) {
		return svc.RemoveEntity(c.Context, by, o)
	}, func(r *service.EntityChanged) string {
		s := "Removed entity " + r.Entity.ID + " (" + r.Entity.Type + ")"
		if r.Mentions > 0 {
			s += " with its " + nounCount(r.Mentions, "mention")
		}
		if len(r.Retracted) > 0 {
			s += "; " + nounCount(len(r.Retracted), "assertion") + " retracted"
		}
		return s + "; the change log keeps it"
	})
}

// removedEntityJSON is entity show --json of a removed or merged entity.
type removedEntityJSON struct {
	entityHeadJSON
	Removed bool      `json:"removed"`
	Into    string    `json:"merged_into,omitempty"`
	Change  string    `json:"change"`
	By      string    `json:"by"`
	At      time.Time `json:"at"`
}

// showRemoved prints what became of the removed or merged entity that ref
// names (its id, or a unique prefix of the ids of the removed), if one
// does, when err says that no current entity has that id; it returns err
// otherwise.
func showRemoved(c *cli.Context, v *coding.View, ref string, err error) error {
	var ue *coding.UnknownError
	if !errors.As(err, &ue) {
		return err
	}
	var found []coding.RemovedEntity
	for _, g := range v.Removed {
		if g.Entity.ID == ref {
			found = []coding.RemovedEntity{g}
			break
		}
		if strings.HasPrefix(g.Entity.ID, ref) {
			found = append(found, g)
		}
	}
	if len(found) != 1 {
		return err
	}
	g := found[0]
	if c.Bool("json") {
		e := g.Entity
		aliases := e.Aliases
		if aliases == nil {
			aliases = []string{}
		}
		return writeJSON(c.App.Writer, removedEntityJSON{entityHeadJSON{e.ID, e.Type, e.Name, aliases}, true, g.Into, g.Change, g.By, g.At})
	}
	how := "removed"
	if g.Into != "" {
		how = "merged into " + g.Into
	}
	printf(c.App.Writer, "%s  %s  (%s)\n%s by %s at %s (change %s)\n", g.Entity.ID, g.Entity.Name, g.Entity.Type,
		how, g.By, g.At.Local().Format("2006-01-02 15:04:05"), shortID(g.Change))
	return nil
}
