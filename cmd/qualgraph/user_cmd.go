package main

import (
	"time"

	"github.com/urfave/cli/v2"

	"github.com/qualgraph/qualgraph/project"
	"github.com/qualgraph/qualgraph/service"
)

// userCommands are the commands of users and blind coding: user
// add|list|remove, blind on|off|status.
func userCommands() []*cli.Command {
	byFlag := &cli.StringFlag{Name: "coder", Usage: "who does it, as the change log records (default $QUALGRAPH_CODER, else the OS user)"}
	return []*cli.Command{
		{
			Name:  "user",
			Usage: "the users of the workbench (qualgraph serve) and their roles",
			Description: `Roles: owner (everything, including users, the ontology and blind mode),
   coder (codes; changes only their own codings, assertions and memos),
   viewer (reads only). The first user must be an owner. The command line
   acts as owner. A user's token is shown once, when they are added; the
   project keeps only its hash.`,
			Subcommands: []*cli.Command{
				{
					Name:      "add",
					Usage:     "add a user and print their token (shown only once)",
					ArgsUsage: "NAME --role owner|coder|viewer",
					Flags: []cli.Flag{
						&cli.StringFlag{Name: "role", Usage: "`ROLE`: owner, coder or viewer"},
						byFlag, jsonFlag,
					},
					Action: userAddAction,
				},
				{
					Name:   "list",
					Usage:  "list the users",
					Flags:  []cli.Flag{jsonFlag},
					Action: userListAction,
				},
				{
					Name:      "remove",
					Usage:     "remove a user (their token stops working)",
					ArgsUsage: "NAME",
					Flags:     []cli.Flag{byFlag},
					Action:    userRemoveAction,
				},
			},
		},
		{
			Name:  "blind",
			Usage: "blind coding: coders and viewers see only their own codings, assertions and memos",
			Subcommands: []*cli.Command{
				{Name: "on", Usage: "switch blind coding on", Flags: []cli.Flag{byFlag}, Action: blindAction(true)},
				{Name: "off", Usage: "switch blind coding off (reveals everyone's codings)", Flags: []cli.Flag{byFlag}, Action: blindAction(false)},
				{Name: "status", Usage: "say whether blind coding is on", Flags: []cli.Flag{jsonFlag}, Action: blindStatusAction},
			},
		},
	}
}

// userJSON is a user as user list --json writes them; user add --json
// adds the token.
type userJSON struct {
	Name    string       `json:"name"`
	Role    service.Role `json:"role"`
	Added   time.Time    `json:"added"`
	AddedBy string       `json:"added_by"`
	Token   string       `json:"token,omitempty"`
}

func userAddAction(c *cli.Context) error {
	const usage = "NAME --role owner|coder|viewer [--json]"
	if err := needArgs(c, 1, 1, usage); err != nil {
		return err
	}
	if c.String("role") == "" {
		return usagef("usage: qualgraph user add %s (--role is required)", usage)
	}
	name, role, by := c.Args().First(), service.Role(c.String("role")), whoAmI(c)
	return withProject(c, project.ReadWrite, func(p *project.Project) error {
		svc := service.New(p)
		token, err := svc.AddUser(c.Context, by, name, role)
		if err != nil {
			return err
		}
		if c.Bool("json") {
			return writeJSON(c.App.Writer, userJSON{Name: name, Role: role, AddedBy: by, Token: token,
				Added: addedAt(c, svc, name)})
		}
		w := c.App.Writer
		printf(w, "Added user %s (%s).\n", visible(name), role)
		printf(w, "Token, shown only this once (the project keeps only its hash; to replace it, remove the user and add them again):\n\n    %s\n\n", token)
		return nil
	})
}

// addedAt returns when user name was added, or the zero time.
func addedAt(c *cli.Context, svc *service.Service, name string) time.Time {
	us, err := svc.Users(c.Context)
	if err != nil {
		return time.Time{}
	}
	for _, u := range us {
		if u.Name == name {
			return u.Added
		}
	}
	return time.Time{}
}

func userListAction(c *cli.Context) error {
	if err := needArgs(c, 0, 0, "[--json]"); err != nil {
		return err
	}
	return withProject(c, project.ReadOnly, func(p *project.Project) error {
		svc := service.New(p)
		us, err := svc.Users(c.Context)
		if err != nil {
			return err
		}
		if c.Bool("json") {
			out := make([]userJSON, len(us))
			for i, u := range us {
				out[i] = userJSON{Name: u.Name, Role: u.Role, Added: u.Added, AddedBy: u.AddedBy}
			}
			return writeJSON(c.App.Writer, out)
		}
		w := c.App.Writer
		if len(us) == 0 {
			printf(w, "No users: the workbench serves only 127.0.0.1, to one person acting as owner.\nAdd the first owner with: qualgraph user add NAME --role owner\n")
			return nil
		}
		t := newTable("NAME", "ROLE", "ADDED", "BY")
		for _, u := range us {
			t.add(u.Name, string(u.Role), u.Added.Local().Format(time.DateTime), u.AddedBy)
		}
		if err := t.write(w, style{useColor(w)}, 40); err != nil {
			return err
		}
		printf(w, "%s\n", nounCount(len(us), "user"))
		return nil
	})
}

func userRemoveAction(c *cli.Context) error {
	if err := needArgs(c, 1, 1, "NAME"); err != nil {
		return err
	}
	name, by := c.Args().First(), whoAmI(c)
	return withProject(c, project.ReadWrite, func(p *project.Project) error {
		if err := service.New(p).RemoveUser(c.Context, by, name); err != nil {
			return err
		}
		printf(c.App.Writer, "Removed user %s; their token no longer works.\n", visible(name))
		return nil
	})
}

func blindAction(on bool) cli.ActionFunc {
	return func(c *cli.Context) error {
		if err := needArgs(c, 0, 0, ""); err != nil {
			return err
		}
		by := whoAmI(c)
		return withProject(c, project.ReadWrite, func(p *project.Project) error {
			svc := service.New(p)
			was, err := svc.Blind(c.Context)
			if err != nil {
				return err
			}
			if err := svc.SetBlind(c.Context, by, on); err != nil {
				return err
			}
			printf(c.App.Writer, "%s\n", blindSentence(on, was == on))
			return nil
		})
	}
}

// blindSentence says whether blind coding is on, and whether it already was.
func blindSentence(on, already bool) string {
	s := "Blind coding is on: coders and viewers see only their own codings, assertions and memos; owners see all."
	if !on {
		s = "Blind coding is off: everyone sees everyone's codings, assertions and memos."
	}
	if already {
		s += " (It already was; nothing changed.)"
	}
	return s
}

func blindStatusAction(c *cli.Context) error {
	if err := needArgs(c, 0, 0, "[--json]"); err != nil {
		return err
	}
	return withProject(c, project.ReadOnly, func(p *project.Project) error {
		on, err := service.New(p).Blind(c.Context)
		if err != nil {
			return err
		}
		if c.Bool("json") {
			return writeJSON(c.App.Writer, struct {
				Blind bool `json:"blind"`
			}{on})
		}
		printf(c.App.Writer, "%s\n", blindSentence(on, false))
		return nil
	})
}
