package service_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/project"
	"github.com/qualgraph/qualgraph/service"
)

// emptyProject makes a project without documents in a temporary folder
// and opens it in mode; the caller closes it.
func emptyProject(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "proj")
	if err := project.Init(dir, project.InitOptions{Name: "users"}); err != nil {
		t.Fatal(err)
	}
	return dir
}

func openService(t *testing.T, dir string, mode project.Mode) (*service.Service, *project.Project) {
	t.Helper()
	p, err := project.Open(dir, mode)
	if err != nil {
		t.Fatal(err)
	}
	return service.New(p), p
}

// TestAuthorize checks every cell of the table of roles, actions and
// owners of the record changed.
func TestAuthorize(t *testing.T) {
	dir := emptyProject(t)
	svc, p := openService(t, dir, project.ReadOnly)
	defer p.Close()
	ctx := context.Background()
	// allowed[role][action] for a record of the user's own / another's.
	type cell struct{ own, other bool }
	allowed := map[service.Role]map[service.Action]cell{
		service.RoleOwner:  {service.ActRead: {true, true}, service.ActCode: {true, true}, service.ActChange: {true, true}, service.ActManage: {true, true}},
		service.RoleCoder:  {service.ActRead: {true, true}, service.ActCode: {true, true}, service.ActChange: {true, false}, service.ActManage: {false, false}},
		service.RoleViewer: {service.ActRead: {true, true}, service.ActCode: {false, false}, service.ActChange: {false, false}, service.ActManage: {false, false}},
		"":                 {service.ActRead: {false, false}, service.ActCode: {false, false}, service.ActChange: {false, false}, service.ActManage: {false, false}},
	}
	for role, acts := range allowed {
		for _, act := range service.Actions {
			want, ok := acts[act]
			if !ok {
				t.Fatalf("the table has no cell for %q %s", role, act)
			}
			for _, own := range []bool{true, false} {
				owner, wantOK := "other", want.other
				if own {
					owner, wantOK = "me", want.own
				}
				t.Run(fmt.Sprintf("%s/%s/own=%v", role, act, own), func(t *testing.T) {
					err := svc.Authorize(ctx, service.User{Name: "me", Role: role}, act, owner)
					if wantOK && err != nil {
						t.Fatalf("refused: %v", err)
					}
					if !wantOK {
						var pe *service.PermissionError
						if !errors.As(err, &pe) || !errors.Is(err, service.ErrPermission) {
							t.Fatalf("error %v, want a *PermissionError", err)
						}
						if pe.User != "me" || pe.Action != act || !strings.Contains(err.Error(), "me") {
							t.Fatalf("error %+v (%v) does not say who and what", pe, err)
						}
					}
				})
			}
		}
	}
	// A coder may not change a record that has no owner as their own.
	if err := svc.Authorize(ctx, service.User{Role: service.RoleCoder}, service.ActChange, ""); !errors.Is(err, service.ErrPermission) {
		t.Errorf("nameless coder changing an ownerless record: %v", err)
	}
}

func TestAddUser(t *testing.T) {
	dir := emptyProject(t)
	svc, p := openService(t, dir, project.ReadWrite)
	defer p.Close()
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		user string
		role service.Role
		want error // nil: added
	}{
		{"ErrFirstNotOwner", "bo", service.RoleCoder, service.ErrLastOwner},
		{"BadRole", "ann", "admin", nil},
		{"OK", "ann", service.RoleOwner, nil},
		{"ErrUserExists", "ann", service.RoleCoder, service.ErrUserExists},
		{"Coder", "bo", service.RoleCoder, nil},
		{"Viewer", "陈 静", service.RoleViewer, nil},
		{"ErrEmpty", "", service.RoleCoder, service.ErrBadUserName},
		{"ErrNewline", "eve\nroot", service.RoleCoder, service.ErrBadUserName},
		{"ErrTab", "eve\tx", service.RoleCoder, service.ErrBadUserName},
		{"ErrRTL", "eve\u202egnp", service.RoleCoder, service.ErrBadUserName},
		{"ErrBlankEnd", "eve ", service.RoleCoder, service.ErrBadUserName},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, err := svc.Users(ctx)
			if err != nil {
				t.Fatal(err)
			}
			token, err := svc.AddUser(ctx, "admin", tc.user, tc.role)
			var oe *service.OptionError
			switch {
			case tc.name == "BadRole":
				if !errors.As(err, &oe) || oe.Option != "role" {
					t.Fatalf("error %v, want an *OptionError on role", err)
				}
			case tc.want != nil:
				if !errors.Is(err, tc.want) {
					t.Fatalf("error %v, want %v", err, tc.want)
				}
			case err != nil:
				t.Fatal(err)
			}
			after, err := svc.Users(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if err != nil || tc.want != nil || tc.name == "BadRole" {
				if len(after) != len(before) || token != "" {
					t.Fatalf("refused, but users %v -> %v, token %q", before, after, token)
				}
				return
			}
			if len(token) != 64 {
				t.Fatalf("token %q: want 64 hex digits", token)
			}
			last := after[len(after)-1]
			if len(after) != len(before)+1 || last.Name != tc.user || last.Role != tc.role || last.AddedBy != "admin" || last.Added.IsZero() {
				t.Fatalf("users after: %+v", after)
			}
			u, err := svc.Authenticate(ctx, token)
			if err != nil || u.Name != tc.user || u.Role != tc.role {
				t.Fatalf("Authenticate(new token) = %+v, %v", u, err)
			}
		})
	}
}

func TestAuthenticate(t *testing.T) {
	dir := emptyProject(t)
	svc, p := openService(t, dir, project.ReadWrite)
	defer p.Close()
	ctx := context.Background()
	tokens := map[string]string{}
	for _, u := range []struct {
		name string
		role service.Role
	}{{"ann", service.RoleOwner}, {"bo", service.RoleCoder}, {"cy", service.RoleViewer}} {
		tok, err := svc.AddUser(ctx, "ann", u.name, u.role)
		if err != nil {
			t.Fatal(err)
		}
		tokens[u.name] = tok
	}
	if tokens["ann"] == tokens["bo"] {
		t.Fatal("two users got one token")
	}
	if err := svc.RemoveUser(ctx, "ann", "cy"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, token, want string // want "" for ErrBadToken
	}{
		{"Owner", tokens["ann"], "ann"},
		{"Coder", tokens["bo"], "bo"},
		{"Removed", tokens["cy"], ""},
		{"Wrong", strings.Repeat("0", 64), ""},
		{"OneDigitOff", tokens["bo"][:63] + string("01"[map[bool]int{true: 1}[tokens["bo"][63] == '0']]), ""},
		{"Empty", "", ""},
		{"TheHash", hashHex(tokens["ann"]), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u, err := svc.Authenticate(ctx, tc.token)
			if tc.want == "" {
				if !errors.Is(err, service.ErrBadToken) || u.Name != "" {
					t.Fatalf("Authenticate = %+v, %v; want ErrBadToken", u, err)
				}
				return
			}
			if err != nil || u.Name != tc.want {
				t.Fatalf("Authenticate = %+v, %v; want %s", u, err, tc.want)
			}
		})
	}
}

func hashHex(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func TestRemoveUser(t *testing.T) {
	dir := emptyProject(t)
	svc, p := openService(t, dir, project.ReadWrite)
	defer p.Close()
	ctx := context.Background()
	for _, u := range []struct {
		name string
		role service.Role
	}{{"ann", service.RoleOwner}, {"bo", service.RoleCoder}, {"dee", service.RoleOwner}} {
		if _, err := svc.AddUser(ctx, "ann", u.name, u.role); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name, user string
		want       error
		left       string
	}{
		{"ErrUnknownUser", "zed", service.ErrUnknownUser, "ann bo dee"},
		{"Owner", "dee", nil, "ann bo"},
		{"ErrLastOwner", "ann", service.ErrLastOwner, "ann bo"},
		{"Coder", "bo", nil, "ann"},
		{"ErrLastOwnerAlone", "ann", service.ErrLastOwner, "ann"},
		{"ErrRemovedTwice", "bo", service.ErrUnknownUser, "ann"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := svc.RemoveUser(ctx, "ann", tc.user)
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
			if got := userNames(t, svc); got != tc.left {
				t.Fatalf("users left %q, want %q", got, tc.left)
			}
		})
	}
	// A name removed may be added again, with a new token.
	if _, err := svc.AddUser(ctx, "ann", "bo", service.RoleViewer); err != nil {
		t.Fatal(err)
	}
	if got := userNames(t, svc); got != "ann bo" {
		t.Fatalf("users %q after adding bo again", got)
	}
}

func userNames(t *testing.T, svc *service.Service) string {
	t.Helper()
	us, err := svc.Users(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, u := range us {
		names = append(names, u.Name)
	}
	return strings.Join(names, " ")
}

func TestBlindVisible(t *testing.T) {
	dir := emptyProject(t)
	svc, p := openService(t, dir, project.ReadWrite)
	defer p.Close()
	ctx := context.Background()
	owner := service.User{Name: "ann", Role: service.RoleOwner}
	coder := service.User{Name: "bo", Role: service.RoleCoder}
	viewer := service.User{Name: "cy", Role: service.RoleViewer}
	check := func(blind bool) {
		t.Helper()
		on, err := svc.Blind(ctx)
		if err != nil || on != blind {
			t.Fatalf("Blind = %v, %v; want %v", on, err, blind)
		}
		for _, tc := range []struct {
			u           service.User
			coder       string
			wantVisible bool
		}{
			{owner, "ann", true}, {owner, "bo", true},
			{coder, "bo", true}, {coder, "ann", !blind}, {coder, "", !blind},
			{viewer, "cy", true}, {viewer, "bo", !blind},
		} {
			if got := svc.Visible(ctx, tc.u)(tc.coder); got != tc.wantVisible {
				t.Errorf("blind %v: %s (%s) sees %q's codings: %v, want %v", blind, tc.u.Name, tc.u.Role, tc.coder, got, tc.wantVisible)
			}
		}
	}
	check(false)
	if err := svc.SetBlind(ctx, "ann", true); err != nil {
		t.Fatal(err)
	}
	check(true)
	if err := svc.SetBlind(ctx, "ann", true); err != nil { // no change: nothing recorded
		t.Fatal(err)
	}
	check(true)
	if err := svc.SetBlind(ctx, "ann", false); err != nil {
		t.Fatal(err)
	}
	check(false)
	v, err := p.View(true)
	if err != nil {
		t.Fatal(err)
	}
	var ops []string
	for _, ch := range v.Changes {
		ops = append(ops, ch.Op)
	}
	if got := strings.Join(ops, ","); got != "blind on,blind off" {
		t.Errorf("change log %q, want one change each way", got)
	}
}

// TestUsersRecorded checks that users and blind mode are in the record:
// they survive reopening the project, a rebuild of the projection from
// the graph, and a read-only reader sees them; check finds the graph and
// projection agree.
func TestUsersRecorded(t *testing.T) {
	dir := emptyProject(t)
	ctx := context.Background()
	svc, p := openService(t, dir, project.ReadWrite)
	tokens := map[string]string{}
	for _, u := range []struct {
		name string
		role service.Role
	}{{"ann", service.RoleOwner}, {"bo", service.RoleCoder}, {"cy", service.RoleViewer}, {"dee", service.RoleCoder}} {
		tok, err := svc.AddUser(ctx, "ann", u.name, u.role)
		if err != nil {
			t.Fatal(err)
		}
		tokens[u.name] = tok
	}
	if err := svc.RemoveUser(ctx, "ann", "cy"); err != nil {
		t.Fatal(err)
	}
	if err := svc.SetBlind(ctx, "ann", true); err != nil {
		t.Fatal(err)
	}
	want, err := svc.Users(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	// The token is in no file of the project, its hash is.
	var hashSeen bool
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.Contains(string(b), tokens["bo"]) {
			t.Errorf("%s holds bo's token", path)
		}
		hashSeen = hashSeen || strings.Contains(string(b), hashHex(tokens["bo"]))
		return nil
	})
	if !hashSeen {
		t.Error("no file holds the hash of bo's token")
	}

	same := func(t *testing.T, svc *service.Service) {
		t.Helper()
		got, err := svc.Users(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) || userNames(t, svc) != "ann bo dee" {
			t.Fatalf("users %v, want %v", got, want)
		}
		if on, err := svc.Blind(ctx); err != nil || !on {
			t.Fatalf("Blind = %v, %v after reopening", on, err)
		}
		if u, err := svc.Authenticate(ctx, tokens["dee"]); err != nil || u.Name != "dee" || u.Role != service.RoleCoder {
			t.Fatalf("Authenticate(dee) = %+v, %v", u, err)
		}
		if _, err := svc.Authenticate(ctx, tokens["cy"]); !errors.Is(err, service.ErrBadToken) {
			t.Fatalf("removed cy's token: %v", err)
		}
	}
	t.Run("ReadOnly", func(t *testing.T) {
		svc, p := openService(t, dir, project.ReadOnly)
		defer p.Close()
		same(t, svc)
	})
	t.Run("Check", func(t *testing.T) {
		svc, p := openService(t, dir, project.ReadWrite)
		defer p.Close()
		same(t, svc)
		r, err := p.Check(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !r.OK() {
			t.Fatalf("check: %v", r.Problems)
		}
	})
	t.Run("Rebuilt", func(t *testing.T) {
		svc, p := openService(t, dir, project.ReadWrite)
		defer p.Close()
		if err := p.RebuildView(); err != nil {
			t.Fatal(err)
		}
		same(t, svc)
		r, err := p.Check(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !r.OK() {
			t.Fatalf("check after rebuild: %v", r.Problems)
		}
	})
	t.Run("CheckFindsLostUser", func(t *testing.T) {
		// A projection that lost the last user change differs from
		// the graph, and check says so.
		name := filepath.Join(dir, project.GraphDir, "records.log")
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.SplitAfter(string(b), "\n")
		var kept strings.Builder
		for _, l := range lines {
			if !strings.Contains(l, `{"k":"user","user":{"name":"dee"`) {
				kept.WriteString(l)
			}
		}
		if kept.Len() == len(b) {
			t.Fatalf("no user line for dee in %s:\n%s", name, b)
		}
		if err := os.WriteFile(name, []byte(kept.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		_, p := openService(t, dir, project.ReadWrite)
		defer p.Close()
		r, err := p.Check(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if r.OK() || !strings.Contains(fmt.Sprint(r.Problems), "users") {
			t.Fatalf("check of a projection without dee: %v", r.Problems)
		}
	})
}

// TestOldEvents checks that a record entry written before users existed
// still decodes, and that an entry with a user change says so.
func TestOldEvents(t *testing.T) {
	for _, tc := range []struct {
		name, json, kind string
	}{
		{"Memo", `{"change":{"id":"c1","by":"ann","at":"2024-01-02T03:04:05Z","op":"memo add","detail":"x"},"memo":{"id":"m","target":"doc:d","text":"hi","author":"ann","created":"2024-01-02T03:04:05Z"}}`, "memo"},
		{"User", `{"change":{"id":"c2","by":"ann","at":"2024-01-02T03:04:05Z","op":"user add","detail":"bo"},"user":{"name":"bo","role":"coder","token_sha256":"ab"}}`, "user"},
		{"Removal", `{"change":{"id":"c3","by":"ann","at":"2024-01-02T03:04:05Z","op":"user remove","detail":"bo"},"user":{"name":"bo","removed":true}}`, "user"},
		{"Blind", `{"change":{"id":"c4","by":"ann","at":"2024-01-02T03:04:05Z","op":"blind on","detail":""},"blind":{"on":true}}`, "blind"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev, err := coding.UnmarshalEvent([]byte(tc.json))
			if err != nil {
				t.Fatal(err)
			}
			if k, _ := ev.Kind(); k != tc.kind {
				t.Fatalf("kind %q, want %q", k, tc.kind)
			}
		})
	}
	if _, err := coding.UnmarshalEvent([]byte(`{"change":{"id":"c5"},"user":{"name":"bo","role":"coder"}}`)); !errors.Is(err, coding.ErrBadEvent) {
		t.Errorf("user change without a token hash: %v", err)
	}
}

// TestUsersSeenByReader checks that a reader that has read the users
// sees those a writer adds and removes afterwards, and their tokens.
func TestUsersSeenByReader(t *testing.T) {
	dir := emptyProject(t)
	ctx := context.Background()
	reader, rp := openService(t, dir, project.ReadOnly)
	defer rp.Close()
	writer, wp := openService(t, dir, project.ReadWrite)
	defer wp.Close()
	for i, step := range []struct {
		do    func() (string, error)
		names string
	}{
		{func() (string, error) { return "", nil }, ""},
		{func() (string, error) { return writer.AddUser(ctx, "ann", "ann", service.RoleOwner) }, "ann"},
		{func() (string, error) { return writer.AddUser(ctx, "ann", "bo", service.RoleCoder) }, "ann bo"},
		{func() (string, error) { return "", writer.RemoveUser(ctx, "ann", "bo") }, "ann"},
	} {
		tok, err := step.do()
		if err != nil {
			t.Fatal(err)
		}
		if got := userNames(t, reader); got != step.names {
			t.Fatalf("step %d: reader sees users %q, want %q", i, got, step.names)
		}
		if tok != "" {
			if _, err := reader.Authenticate(ctx, tok); err != nil {
				t.Fatalf("step %d: reader does not know the new token: %v", i, err)
			}
		}
	}
	if err := writer.SetBlind(ctx, "ann", true); err != nil {
		t.Fatal(err)
	}
	if on, err := reader.Blind(ctx); err != nil || !on {
		t.Fatalf("reader: Blind = %v, %v after the writer switched it on", on, err)
	}
}
