// Package server is qualgraph's web workbench and JSON API: one HTTP
// handler, over package service, served by `qualgraph serve` and
// `qualgraph demo --serve`.
//
// # Routes
//
// Every route, page or API, is one row of the route table (routes.go): its
// method and pattern, summary, query parameters, request and response
// types, the permission it needs and its handler. The mux and the OpenAPI
// 3.0 document served at /api/openapi.json are both made from that table
// (openapi.go), so they cannot disagree. Errors are JSON {error, kind} with
// the HTTP status of their kind (errors.go).
//
// # Who may do what
//
// An Authenticator knows the users (ProjectUsers: the project's own users,
// package service). On a loopback address a project without users needs no
// sign-in: everyone there is the local owner. Any other address is refused
// until the project has users. Programs send a bearer token; browsers sign
// in at /login and get an HttpOnly, SameSite=Strict session cookie, and
// their unsafe requests carry the session's CSRF token. Each route's
// permission is checked against the acting user and, for a change to
// someone's coding, assertion or memo, its owner; in blind coding mode the
// reads show coders only their own records (auth.go).
//
// # The project beside other processes
//
// The server works on a project opened project.Shared: it takes the
// project's lock for each change only, so commands keep reading and
// writing while it runs. Every CatchUpEvery it brings the graph and the
// full-text index up to the record (service.CatchUp), and /api/events
// tells the pages, by server-sent events, when the record has grown,
// whichever process wrote (events.go). For a project kept in PostgreSQL
// it also catches up as soon as another server writes (service.Changes,
// LISTEN/NOTIFY), and the events follow its projection, since there is no
// record file to watch.
//
// # Pages
//
// The pages are html/template templates and plain JavaScript and CSS,
// embedded in the binary (web/); nothing is fetched from elsewhere, and
// the Content-Security-Policy admits no inline script or style. Document
// text is untrusted: templates escape it, and the scripts set it as text
// only. Every page loads web/static/qg.js first, the scripts' one client
// of the JSON API (the CSRF token on writes, errors with the server's
// message) and their element helper. The document view (docview.go,
// web/static/docview.js) draws turns,
// highlights and coding stripes and codes a mouse selection with exact
// code-point offsets; with its Suggestions switch on (web/static/suggest.js,
// over the routes of suggest.go) it draws the document's suggested
// codings and assertions, explains them and accepts or rejects them; the
// list pages (pages.go) and the assertion dialogs
// and links explorer (graph.go) are rendered from the same service calls
// as the API.
package server
