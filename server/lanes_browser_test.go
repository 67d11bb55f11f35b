package server

import (
	"net/http/httptest"
	"testing"
)

// TestBrowserLanesNarrow checks that the margin of coding stripes
// narrows again when codings are removed: three overlapping codings take
// three lanes; after two are removed through the API (as another coder
// would), the live view needs one lane and draws one.
func TestBrowserLanesNarrow(t *testing.T) {
	bctx := browser(t)
	svc, _ := testProject(t)
	doc := importDoc(t, svc, "lanes.txt", "Wang: alpha beta gamma delta epsilon zeta.\n\nLi: and the rest of it.\n")
	api := &client{t: t, h: newServer(t, svc, Options{}).Handler()}
	var ids []string
	for _, q := range []string{"alpha beta gamma", "beta gamma delta", "gamma delta epsilon"} {
		c := decode[CodingResult](t, api.do("POST", "/api/codings", CodeRequest{Doc: doc, Quote: q, Code: "Lobbying"}), 200)
		ids = append(ids, c.Coding.ID)
	}
	ts := httptest.NewServer(newServer(t, svc, Options{}).Handler())
	defer func() { ts.CloseClientConnections(); ts.Close() }()
	openDoc(t, bctx, ts.URL, doc)
	const gut = `getComputedStyle(document.getElementById("doc-text")).getPropertyValue("--qg-gut").trim()`
	waitFor(t, bctx, "three lanes", gut+` === "21px"`)
	waitFor(t, bctx, "the live updates", `document.body.dataset.events === "open"`)
	for _, id := range ids[1:] {
		decode[[]any](t, api.do("DELETE", "/api/codings/"+id, nil), 200)
	}
	waitFor(t, bctx, "the removals drawn", `document.querySelectorAll("#doc-text .gut > *").length === 1`)
	waitFor(t, bctx, "one lane", gut+` === "7px"`)
}
