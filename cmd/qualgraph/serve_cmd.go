package main

import (
	"fmt"
	"net"
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
		},
		Action: serveAction,
	}}
}

func serveAction(c *cli.Context) error {
	if err := needArgs(c, 0, 0, "[--addr HOST:PORT]"); err != nil {
		return err
	}
	return withProject(c, project.Shared, func(p *project.Project) error { return serveProject(c, p) })
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
