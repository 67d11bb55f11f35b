package server

import (
	"slices"
	"strings"
	"testing"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/service"
)

// TestGraphEndpoints adds entities, a mention, an assertion and a memo
// through the API and reads them back: admissible relations, links with
// evidence, memos, the code tree, search with KWIC, code all hits with a
// preview, and every export format.
func TestGraphEndpoints(t *testing.T) {
	svc, ids := testProject(t)
	c := &client{t: t, h: newServer(t, svc, Options{}).Handler()}
	for _, e := range []coding.Entity{{ID: "bureau", Type: "LocalGovernment", Name: "Science Bureau"}, {ID: "chen", Type: "SpinoffFounder", Name: "Chen"}} {
		decode[coding.Entity](t, c.do("POST", "/api/entities", e), 200)
	}
	sp := span(t, svc, ids["north.txt"], "The bureau gave us seed funding")
	m := decode[coding.Mention](t, c.do("POST", "/api/mentions", MentionRequest{Doc: "north.txt", Start: sp.Start, End: sp.Start + 10, Entity: "bureau"}), 200)
	if m.Entity != "bureau" || m.Coder != "ann" {
		t.Fatalf("mention %+v", m)
	}
	rels := decode[[]service.RelationChoice](t, c.do("GET", "/api/relations?subject=bureau&object=chen", nil), 200)
	back := decode[[]service.RelationChoice](t, c.do("GET", "/api/relations?subject=chen&object=bureau", nil), 200)
	has := func(rs []service.RelationChoice, id string) bool {
		return slices.ContainsFunc(rs, func(r service.RelationChoice) bool { return r.ID == id })
	}
	if !has(rels, "funds") || has(back, "funds") || !has(back, "lobbies") {
		t.Fatalf("relations bureau→chen %v, chen→bureau %v: want funds only the first way, lobbies the second", rels, back)
	}
	as := decode[AssertResult](t, c.do("POST", "/api/assertions", AssertRequest{Subject: "bureau", Relation: "funds", Object: "chen", Confidence: 0.8, Evidence: []coding.Span{sp}}), 200)
	if as.Assertion.Coder != "ann" || as.Existing {
		t.Fatalf("assertion %+v", as)
	}
	if w := c.do("POST", "/api/assertions", AssertRequest{Subject: "chen", Relation: "funds", Object: "bureau", Evidence: []coding.Span{sp}}); w.Code != 422 {
		t.Fatalf("assertion outside the domain: %d %s", w.Code, w.Body.String())
	}
	links := decode[[]coding.Link](t, c.do("GET", "/api/links?relation=funds", nil), 200)
	if len(links) != 1 || len(links[0].Evidence) != 1 || links[0].Evidence[0].Text != "The bureau gave us seed funding" {
		t.Fatalf("links %+v", links)
	}
	decode[coding.Memo](t, c.do("POST", "/api/memos", MemoRequest{Target: as.Assertion.ID, Text: "check the date"}), 200)
	memos := decode[[]coding.Memo](t, c.do("GET", "/api/memos?target="+as.Assertion.ID[:8], nil), 200)
	if len(memos) != 1 || memos[0].Text != "check the date" {
		t.Fatalf("memos %+v", memos)
	}

	res := decode[service.SearchResult](t, c.do("GET", "/api/search?q=bureau&width=10", nil), 200)
	if res.Total != 3 || len(res.Hits) != 3 || res.Hits[0].Text != "bureau" || res.Hits[0].Left == "" {
		t.Fatalf("search %+v", res)
	}
	preview := decode[AutoCodeResult](t, c.do("POST", "/api/autocode", AutoCodeRequest{Query: "bureau", Code: "Lobbying", DryRun: true}), 200)
	if !preview.DryRun || len(preview.Codings) != 3 {
		t.Fatalf("preview %+v", preview)
	}
	if doc := decode[service.DocumentView](t, c.do("GET", "/api/documents/north.txt", nil), 200); len(doc.Codings) != 0 {
		t.Fatalf("a preview wrote %d codings", len(doc.Codings))
	}
	applied := decode[AutoCodeResult](t, c.do("POST", "/api/autocode", AutoCodeRequest{Query: "bureau", Code: "Lobbying"}), 200)
	if applied.DryRun || len(applied.Codings) != 3 {
		t.Fatalf("applied %+v", applied)
	}
	tree := decode[[]service.CodeNode](t, c.do("GET", "/api/codes", nil), 200)
	i := slices.IndexFunc(tree, func(n service.CodeNode) bool { return n.ID == "Lobbying" })
	if i < 0 || tree[i].Codings != 3 || tree[i].ByCoder["ann"] != 3 || tree[i].Labels["en"] == "" {
		t.Fatalf("code tree node %+v", tree[max(i, 0)])
	}
	for _, f := range service.ExportFormats {
		w := c.do("GET", "/api/exports/"+f, nil)
		if w.Code != 200 || w.Body.Len() == 0 || !strings.Contains(w.Header().Get("Content-Disposition"), "qualgraph."+f) {
			t.Errorf("export %s: %d, %d bytes, %q", f, w.Code, w.Body.Len(), w.Header().Get("Content-Disposition"))
		}
	}
}
