package main

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestUserCommands runs user add|list|remove and blind on|off|status on
// a real project, in order, and checks what each prints and refuses.
func TestUserCommands(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "p")
	must(t, ".", "init", dir)
	tokenRE := regexp.MustCompile(`(?m)^    ([0-9a-f]{64})$`)
	tokens := map[string]string{}
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stdout []string // each must appear
		stderr string
	}{
		{"ListEmpty", []string{"user", "list"}, 0, []string{"No users", "user add NAME --role owner"}, ""},
		{"ListEmptyJSON", []string{"user", "list", "--json"}, 0, []string{"[]"}, ""},
		{"FirstMustBeOwner", []string{"user", "add", "bo", "--role", "coder"}, 1, nil, "the first user must be an owner"},
		{"NoRole", []string{"user", "add", "bo"}, 2, nil, "--role is required"},
		{"BadRole", []string{"user", "add", "ann", "--role", "admin"}, 1, nil, `--role "admin": want owner, coder or viewer`},
		{"AddOwner", []string{"user", "add", "ann", "--role", "owner"}, 0, []string{"Added user ann (owner).", "shown only this once"}, ""},
		{"AddCoder", []string{"user", "add", "bo", "--role", "coder"}, 0, []string{"Added user bo (coder).", "shown only this once"}, ""},
		{"Duplicate", []string{"user", "add", "bo", "--role", "viewer"}, 1, nil, "user exists"},
		{"ControlChars", []string{"user", "add", "e\x1b[31mve", "--role", "viewer"}, 1, nil, "control or formatting character U+001B"},
		{"AddViewerJSON", []string{"user", "add", "陈静", "--role", "viewer", "--json"}, 0, []string{`"name":"陈静"`, `"role":"viewer"`, `"token":"`}, ""},
		{"List", []string{"user", "list"}, 0, []string{"NAME", "ROLE", "ann", "owner", "bo", "coder", "陈静", "viewer", "3 users"}, ""},
		{"RemoveLastOwner", []string{"user", "remove", "ann"}, 1, nil, "last owner"},
		{"RemoveUnknown", []string{"user", "remove", "zed"}, 1, nil, "no such user"},
		{"Remove", []string{"user", "remove", "bo"}, 0, []string{"Removed user bo"}, ""},
		{"BlindStatus", []string{"blind", "status"}, 0, []string{"Blind coding is off"}, ""},
		{"BlindOn", []string{"blind", "on"}, 0, []string{"Blind coding is on"}, ""},
		{"BlindOnAgain", []string{"blind", "on"}, 0, []string{"already was"}, ""},
		{"BlindStatusJSON", []string{"blind", "status", "--json"}, 0, []string{`{"blind":true}`}, ""},
		{"BlindOff", []string{"blind", "off"}, 0, []string{"Blind coding is off"}, ""},
		{"Check", []string{"check"}, 0, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := qg(t, dir, tc.args...)
			if r.code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", r.code, tc.code, r.stdout, r.stderr)
			}
			for _, s := range tc.stdout {
				if !strings.Contains(r.stdout, s) {
					t.Errorf("stdout lacks %q:\n%s", s, r.stdout)
				}
			}
			if !strings.Contains(r.stderr, tc.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tc.stderr, r.stderr)
			}
			if strings.Contains(r.stdout+r.stderr, "\x1b") {
				t.Errorf("output holds an escape character: %q", r.stdout+r.stderr)
			}
			if strings.HasPrefix(tc.name, "Add") && tc.code == 0 {
				var tok string
				if m := tokenRE.FindStringSubmatch(r.stdout); m != nil {
					tok = m[1]
				} else {
					var u struct{ Token string }
					if json.Unmarshal([]byte(r.stdout), &u) == nil {
						tok = u.Token
					}
				}
				if len(tok) != 64 {
					t.Fatalf("no token of 64 hex digits in %q", r.stdout)
				}
				tokens[tc.name] = tok
			}
		})
	}
	if len(tokens) != 3 || tokens["AddOwner"] == tokens["AddCoder"] {
		t.Fatalf("tokens %v", tokens)
	}
	// The list shows no token and no hash; the JSON has the README's keys.
	out := must(t, dir, "user", "list", "--json")
	for _, tok := range tokens {
		if strings.Contains(out, tok) {
			t.Errorf("user list shows a token: %s", out)
		}
	}
	var users []map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &users); err != nil || len(users) != 2 {
		t.Fatalf("user list --json: %v\n%s", err, out)
	}
	for _, u := range users {
		if len(u) != 4 || u["name"] == nil || u["role"] == nil || u["added"] == nil || u["added_by"] == nil {
			t.Errorf("user keys %v, want name, role, added, added_by", u)
		}
		if string(u["added_by"]) != `"tester"` {
			t.Errorf("added_by %s, want the acting user", u["added_by"])
		}
	}
	// The change log lists each change, as every other.
	log := must(t, dir, "log")
	for _, s := range []string{"user add", "ann (owner)", "user remove", "blind on", "blind off"} {
		if !strings.Contains(log, s) {
			t.Errorf("log lacks %q:\n%s", s, log)
		}
	}
	if strings.Count(log, "blind on") != 1 {
		t.Errorf("switching blind coding on twice logged twice:\n%s", log)
	}
}

// TestUsersOldProject adds users to a project made by an older qualgraph
// (before users existed, before the record): it has none, takes them, and
// check finds its graph and projection agree.
func TestUsersOldProject(t *testing.T) {
	dir := unpackOldProject(t, "project.tar.gz")
	if out := must(t, dir, "user", "list", "--json"); strings.TrimSpace(out) != "[]" {
		t.Fatalf("users of an old project: %s", out)
	}
	if out := must(t, dir, "blind", "status"); !strings.Contains(out, "off") {
		t.Fatalf("blind status of an old project: %s", out)
	}
	must(t, dir, "user", "add", "ann", "--role", "owner")
	must(t, dir, "blind", "on")
	if out := must(t, dir, "user", "list"); !strings.Contains(out, "ann") || !strings.Contains(out, "1 user") {
		t.Fatalf("user list: %s", out)
	}
	if r := qg(t, dir, "check"); r.code != 0 {
		t.Fatalf("check: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// The old listings are as they were.
	if got, want := strings.TrimSpace(must(t, dir, "codings", "--json")), readOldWant(t, "codings.json"); got != want {
		t.Errorf("codings --json changed after adding a user")
	}
}
