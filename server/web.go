package server

import (
	"bytes"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/qualgraph/qualgraph/service"
)

//go:embed web/templates/*.html web/static/*
var webFS embed.FS

// pages parses the templates when a page is first rendered, not when
// the program starts: every command of the CLI links this package, and
// parsing them took a few milliseconds of each command's start.
var pages = sync.OnceValue(func() *template.Template {
	return template.Must(template.ParseFS(webFS, "web/templates/*.html"))
})

// navItem is one entry of the navigation.
type navItem struct {
	Page, Title, Href string
	API               string // the API endpoint of its data, for the pages not built yet
}

// nav is the workbench's navigation, in order.
var nav = []navItem{
	{"overview", "Overview", "/", "/api/overview"},
	{"documents", "Documents", "/documents", "/api/documents"},
	{"segments", "Segments", "/segments", "/api/segments"},
	{"assertions", "Assertions", "/assertions", "/api/links"},
	{"links", "Links", "/links", "/api/links"},
	{"search", "Search", "/search", "/api/search"},
	{"codebook", "Codebook", "/codebook", "/api/codes"},
	{"agreement", "Agreement", "/agreement", "/api/agreement"},
	{"memos", "Memos", "/memos", "/api/memos"},
	{"exports", "Exports", "/exports", "/api/exports"},
}

// pageData is what the layout renders.
type pageData struct {
	Page, Title string
	Nav         []navItem
	User        *Principal
	CSRF        string
	Query       map[string]string
	Data        any
	Error       string
}

func (s *Server) render(w http.ResponseWriter, status int, name string, d pageData) {
	d.Nav = nav
	t, err := pages().Clone()
	if err == nil {
		_, err = t.New("content").Parse(`{{template "` + name + `" .}}`)
	}
	var buf bytes.Buffer
	if err == nil {
		err = t.ExecuteTemplate(&buf, "base", d)
	}
	if err != nil {
		s.logf("qualgraph serve: page %s: %v", name, err)
		http.Error(w, "cannot render the page", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func (s *Server) pageFor(c *caller, page, title string) pageData {
	d := pageData{Page: page, Title: title}
	if c != nil {
		p := c.p
		d.User = &p
		if c.session != nil {
			d.CSRF = c.session.csrf
		}
	}
	return d
}

func (s *Server) overviewPage(w http.ResponseWriter, r *http.Request, c *caller) {
	o, err := s.svc.Overview(r.Context(), service.OverviewOptions{Visible: c.visible})
	if err != nil {
		s.writeError(w, err)
		return
	}
	d := s.pageFor(c, "overview", "Overview")
	d.Data = o
	s.render(w, http.StatusOK, "overview", d)
}

func (s *Server) documentsPage(w http.ResponseWriter, r *http.Request, c *caller) {
	d := s.pageFor(c, "documents", "Documents")
	cl := &call{r: r, c: c}
	d.Query = map[string]string{"kind": cl.q("kind"), "attr": cl.q("attr")}
	d.Data = []service.DocumentInfo{}
	attrs, err := cl.attrs()
	if err == nil {
		var docs []service.DocumentInfo
		if docs, err = s.svc.Documents(r.Context(), service.DocumentsOptions{Kind: cl.q("kind"), Attrs: attrs}); err == nil {
			d.Data = docs
		}
	}
	status := http.StatusOK
	if err != nil {
		d.Error = err.Error()
		status = kinds[kindOf(err)]
	}
	s.render(w, status, "documents", d)
}

func (s *Server) otherPage(w http.ResponseWriter, r *http.Request, c *caller) {
	for _, n := range nav {
		if n.Href == "/"+r.PathValue("page") {
			d := s.pageFor(c, n.Page, n.Title)
			d.Data = n.API
			s.render(w, http.StatusOK, "other", d)
			return
		}
	}
	s.writeError(w, ErrNotFound)
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request, _ *caller) {
	s.render(w, http.StatusOK, "login", pageData{Page: "login", Title: "Sign in"})
}

// login signs in with the token of the form and sets the session cookie:
// HttpOnly, SameSite=Strict, Secure unless on loopback.
func (s *Server) login(w http.ResponseWriter, r *http.Request, _ *caller) {
	fail := func(status int, msg string) {
		s.render(w, status, "login", pageData{Page: "login", Title: "Sign in", Error: msg})
	}
	if !sameOrigin(r) {
		fail(http.StatusForbidden, "Sign in from this server's own page.")
		return
	}
	if s.opt.Auth == nil {
		fail(http.StatusUnauthorized, "This project has no users: on 127.0.0.1 no sign-in is needed.")
		return
	}
	p, err := s.opt.Auth.Authenticate(r.Context(), r.PostFormValue("token"))
	if err != nil {
		fail(http.StatusUnauthorized, "Unknown token.")
		return
	}
	id, _ := s.sessions.add(p)
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: !s.loopback, Expires: time.Now().Add(sessionTTL)})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, c *caller) {
	if ck, err := r.Cookie(sessionCookie); err == nil {
		s.sessions.remove(ck.Value)
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode, MaxAge: -1})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// static serves the embedded files of web/static, and nothing else: the
// name is cleaned and looked up in the embedded tree only.
func (s *Server) static(w http.ResponseWriter, r *http.Request, _ *caller) {
	name := r.PathValue("file")
	if name == "" || strings.Contains(name, "..") || strings.HasPrefix(name, "/") || !fs.ValidPath(name) {
		s.writeError(w, ErrNotFound)
		return
	}
	b, err := webFS.ReadFile("web/static/" + path.Clean(name))
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			s.logf("qualgraph serve: %v", err)
		}
		s.writeError(w, ErrNotFound)
		return
	}
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(b)
}
