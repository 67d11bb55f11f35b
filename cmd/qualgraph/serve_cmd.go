package main

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/qualgraph/qualgraph/project"
	"github.com/qualgraph/qualgraph/server"
	"github.com/qualgraph/qualgraph/service"
)

func serveCommands() []*cli.Command {
	return []*cli.Command{{
		Name:  "serve",
		Usage: "serve the web workbench and the JSON API (Ctrl-C stops it)",
		Flags: []cli.Flag{
			addrFlag,
			&cli.StringFlag{Name: "coder", Usage: "the local owner's name on 127.0.0.1 (default: $QUALGRAPH_CODER, else the OS user)"},
			&cli.StringFlag{Name: "db", Usage: "serve the project in the PostgreSQL database at `DSN` (postgres://...), with --cache"},
			&cli.StringFlag{Name: "cache", Usage: "with --db: the local cache `DIR` of the database's project, made if missing"},
		},
		Action: serveAction,
	}}
}

func serveAction(c *cli.Context) error {
	if err := needArgs(c, 0, 0, "[--addr HOST:PORT]"); err != nil {
		return err
	}
	if dsn := c.String("db"); dsn != "" {
		return serveDB(c, dsn, c.String("cache"))
	}
	if c.IsSet("cache") {
		return usagef("serve --cache: needs --db DSN")
	}
	return withProject(c, project.Shared, func(p *project.Project) error { return serveProject(c, p) })
}

// serveDB serves the project in the database at dsn from the cache folder
// dir, which it makes (init --db --join) if it holds no project.
func serveDB(c *cli.Context, dsn, dir string) (err error) {
	if dir == "" {
		return usagef("serve --db: needs --cache DIR, the folder of the local cache")
	}
	if _, err := os.Stat(filepath.Join(dir, project.MetaFile)); errors.Is(err, os.ErrNotExist) {
		if err := project.Init(dir, project.InitOptions{DB: dsn, Join: true}); err != nil {
			return err
		}
		printf(c.App.ErrWriter, "qualgraph: made %s, a cache of the project in database %s\n", dir, project.RedactDSN(dsn))
	}
	p, err := project.OpenDB(dir, project.Shared, dsn)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, p.Close()) }()
	for _, n := range p.Notices {
		fmt.Fprintln(c.App.ErrWriter, "qualgraph:", n)
	}
	return serveProject(c, p)
}

// addrFlag is the --addr of serve and demo --serve.
var addrFlag = &cli.StringFlag{Name: "addr", Value: server.DefaultAddr, Usage: "listen on `HOST:PORT`"}

// serveProject serves p, open shared, until the command is interrupted.
func serveProject(c *cli.Context, p *project.Project) error {
	opt := server.Options{Addr: c.String("addr"), Owner: whoAmI(c), Logf: func(format string, args ...any) {
		fmt.Fprintf(c.App.ErrWriter, format+"\n", args...)
	}}
	if _, _, err := net.SplitHostPort(opt.Addr); err != nil {
		return usagef("--addr %q: want HOST:PORT", opt.Addr)
	}
	opt.Listening = func(addr net.Addr) {
		host, port, _ := net.SplitHostPort(addr.String())
		if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
			host = "127.0.0.1"
		}
		if strings.Contains(host, ":") {
			host = "[" + host + "]"
		}
		printf(c.App.Writer, "qualgraph: serving %s at http://%s:%s/ (Ctrl-C stops)\n", p.Dir, host, port)
	}
	svc := service.New(p)
	opt.Auth = server.ProjectUsers(svc)
	return server.ListenAndServe(c.Context, svc, opt)
}
