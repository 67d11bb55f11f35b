package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/qualgraph/qualgraph/project"
	"github.com/qualgraph/qualgraph/service"
)

// The speaker commands: speakers (the list), speaker alias and speaker
// unalias.
func speakerCommands() []*cli.Command {
	coderFlag := &cli.StringFlag{Name: "coder", Usage: "who records the change (default: $QUALGRAPH_CODER, else the OS user)"}
	return []*cli.Command{
		{
			Name:  "speakers",
			Usage: "list the speakers of the documents' turns, with their turns per document and their aliases",
			Flags: []cli.Flag{
				&cli.StringSliceFlag{Name: "doc", Usage: "only document `DOC` (id or name), repeatable"},
				jsonFlag,
			},
			Action: speakersAction,
		},
		{
			Name:  "speaker",
			Usage: "merge speakers: give a speaker label the name of another speaker",
			Description: `"qualgraph speaker alias 受访者林 Lin" merges the turns labelled 受访者林 into
   the speaker Lin (the name kept): search --speaker, code --speaker,
   --skip-speaker and speakers then treat them as Lin's, while the
   documents' text keeps its labels. Names compare ignoring case.
   "qualgraph speaker unalias 受访者林" undoes it. Both are recorded changes
   (qualgraph log lists them).`,
			Subcommands: []*cli.Command{
				{
					Name:      "alias",
					Usage:     "merge the turns of speaker label ALIAS into speaker NAME",
					ArgsUsage: "ALIAS NAME",
					Flags:     []cli.Flag{coderFlag, jsonFlag},
					Action:    speakerAliasAction,
				},
				{
					Name:      "unalias",
					Usage:     "undo the alias ALIAS: its turns are its own speaker's again",
					ArgsUsage: "ALIAS",
					Flags:     []cli.Flag{coderFlag, jsonFlag},
					Action:    speakerUnaliasAction,
				},
			},
		},
	}
}

// speakerAliasJSON is the shape of speaker alias|unalias --json.
type speakerAliasJSON struct {
	Alias    string `json:"alias"`
	Name     string `json:"name"` // "" after unalias
	Removed  bool   `json:"removed"`
	Existing bool   `json:"existing"` // nothing written: it was so already
}

func speakerAliasAction(c *cli.Context) error {
	if err := needArgs(c, 2, 2, "ALIAS NAME"); err != nil {
		return err
	}
	return runSpeakerAlias(c, service.SpeakerAliasOptions{Alias: c.Args().Get(0), Name: c.Args().Get(1)})
}

func speakerUnaliasAction(c *cli.Context) error {
	if err := needArgs(c, 1, 1, "ALIAS"); err != nil {
		return err
	}
	return runSpeakerAlias(c, service.SpeakerAliasOptions{Alias: c.Args().Get(0), Remove: true})
}

func runSpeakerAlias(c *cli.Context, o service.SpeakerAliasOptions) error {
	by := whoAmI(c)
	return withProject(c, project.ReadWrite, func(p *project.Project) error {
		res, err := service.New(p).SpeakerAlias(c.Context, by, o)
		if err != nil {
			return err
		}
		if c.Bool("json") {
			return writeJSON(c.App.Writer, speakerAliasJSON{res.Alias, res.Name, res.Remove, res.Existing})
		}
		switch {
		case res.Remove:
			printf(c.App.Writer, "%s is no longer an alias: its turns are its own again\n", visible(res.Alias))
		case res.Existing:
			printf(c.App.Writer, "%s is an alias of %s already (nothing written)\n", visible(res.Alias), visible(res.Name))
		default:
			printf(c.App.Writer, "%s is now an alias of %s: its turns count as %s's\n", visible(res.Alias), visible(res.Name), visible(res.Name))
		}
		return nil
	})
}

func speakersAction(c *cli.Context) error {
	if err := needArgs(c, 0, 0, "[--doc DOC]... [--json]"); err != nil {
		return err
	}
	o := service.SpeakersOptions{Docs: c.StringSlice("doc")}
	return withProject(c, project.ReadOnly, func(p *project.Project) error {
		sps, err := service.New(p).Speakers(c.Context, o)
		if err != nil {
			return docHint(err)
		}
		if c.Bool("json") {
			return writeJSON(c.App.Writer, sps)
		}
		if len(sps) == 0 {
			printf(c.App.Writer, "No speaker turns: no document has speaker labels (\"Name: text\")\n")
			return nil
		}
		t := newTable("SPEAKER", "TURNS", "ALIASES", "DOCUMENTS")
		for _, sp := range sps {
			docs := make([]string, len(sp.Docs))
			for i, d := range sp.Docs {
				docs[i] = fmt.Sprintf("%s %d", d.DocName, d.Turns)
				if d.Label != sp.Name {
					docs[i] = fmt.Sprintf("%s %d (as %s)", d.DocName, d.Turns, d.Label)
				}
			}
			t.add(sp.Name, strconv.Itoa(sp.Turns), strings.Join(sp.Aliases, ", "), strings.Join(docs, "; "))
		}
		return t.write(c.App.Writer, style{useColor(c.App.Writer)}, 0)
	})
}
