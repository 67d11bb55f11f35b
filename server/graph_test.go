package server

import (
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/service"
)

// hostileName is an entity name that would run script, break out of an
// attribute or reorder the drawing if the SVG did not escape it.
const hostileName = `<script>alert(1)</script><img src=x onerror=alert(2)> "q" & \N` + "\u202eevil"

// graphFixture adds two entities and a hostile one, and two assertions
// by ann through the API.
func graphFixture(t *testing.T, c *client, ids map[string]string) (funds, lobbies AssertResult) {
	t.Helper()
	for _, e := range []coding.Entity{
		{ID: "bureau", Type: "LocalGovernment", Name: "Science Bureau"},
		{ID: "chen", Type: "SpinoffFounder", Name: "Chen"},
		{ID: "hostile", Type: "SpinoffFounder", Name: hostileName},
	} {
		decode[coding.Entity](t, c.do("POST", "/api/entities", e), 200)
	}
	funds = decode[AssertResult](t, c.do("POST", "/api/assertions", AssertRequest{Subject: "bureau", Relation: "funds", Object: "chen",
		Phase: "Formation", Confidence: 0.8, EvidenceQuotes: []QuoteRequest{{Doc: "north.txt", Text: "The bureau gave us seed funding"}}}), 200)
	lobbies = decode[AssertResult](t, c.do("POST", "/api/assertions", AssertRequest{Subject: "hostile", Relation: "lobbies", Object: "bureau",
		Confidence: 1, EvidenceQuotes: []QuoteRequest{{Doc: ids["north.txt"], Text: "We lobbied the bureau for land"}}}), 200)
	return funds, lobbies
}

// TestAssertionsList lists assertions with their quoted evidence and
// filters them.
func TestAssertionsList(t *testing.T) {
	svc, ids := testProject(t)
	c := &client{t: t, h: newServer(t, svc, Options{}).Handler()}
	funds, lobbies := graphFixture(t, c, ids)
	all := decode[[]service.AssertionRow](t, c.do("GET", "/api/assertions", nil), 200)
	if len(all) != 2 || all[0].ID != funds.Assertion.ID || all[1].ID != lobbies.Assertion.ID {
		t.Fatalf("assertions %+v, want funds then lobbies", all)
	}
	q := all[0].Quotes
	if all[0].SubjectName != "Science Bureau" || all[0].ObjectName != "Chen" || len(q) != 1 ||
		q[0].Text != "The bureau gave us seed funding" || q[0].DocName != "north.txt" || q[0].Doc != ids["north.txt"] || q[0].End-q[0].Start != 31 {
		t.Fatalf("funds row %+v", all[0])
	}
	if all[1].SubjectName != hostileName {
		t.Fatalf("subject name %q, want the name as given", all[1].SubjectName)
	}
	for _, tc := range []struct {
		name, query string
		want        int
	}{
		{"Relation", "relation=funds", 1},
		{"Phase", "phase=Formation", 1},
		{"Coder", "coder=ann", 2},
		{"OtherCoder", "coder=bo", 0},
		{"Practice", "practice=Lobbying", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := decode[[]service.AssertionRow](t, c.do("GET", "/api/assertions?"+tc.query, nil), 200)
			if len(got) != tc.want {
				t.Fatalf("%s: %d assertions, want %d", tc.query, len(got), tc.want)
			}
		})
	}
	if w := c.do("GET", "/api/assertions?relation=fundz", nil); w.Code != 404 || !strings.Contains(w.Body.String(), "funds") {
		t.Fatalf("unknown relation: %d %s, want 404 naming funds", w.Code, w.Body.String())
	}
	v := decode[service.Vocabulary](t, c.do("GET", "/api/vocabulary", nil), 200)
	if len(v.Actors) == 0 || v.Actors[0] != coding.RootActor || len(v.Concepts) < 2 || len(v.Phases) < 2 {
		t.Fatalf("vocabulary %+v", v)
	}
}

// TestLinksSVG draws the links and checks that the drawing names the
// entities, carries the assertion ids on its edges, escapes a hostile
// name and follows the filter.
func TestLinksSVG(t *testing.T) {
	svc, ids := testProject(t)
	c := &client{t: t, h: newServer(t, svc, Options{}).Handler()}
	funds, lobbies := graphFixture(t, c, ids)
	for _, tc := range []struct {
		name, query string
		has, lacks  []string
	}{
		{"All", "", []string{"Science Bureau", "Chen", `>&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt; &quot;q&quot; &amp; \Nevil</text>`,
			"a-" + funds.Assertion.ID, "a-" + lobbies.Assertion.ID, ">funds<", ">lobbies<"},
			[]string{"<script", "<img", "\u202e"}},
		{"Relation", "?relation=funds", []string{"Science Bureau", "Chen", "a-" + funds.Assertion.ID},
			[]string{"alert", "a-" + lobbies.Assertion.ID}},
		{"Nothing", "?coder=bo", nil, []string{"Science Bureau", "qg-edge"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := c.do("GET", "/api/links.svg"+tc.query, nil)
			if w.Code != 200 || w.Header().Get("Content-Type") != "image/svg+xml" {
				t.Fatalf("status %d, %q: %s", w.Code, w.Header().Get("Content-Type"), w.Body.String())
			}
			if csp := w.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
				t.Fatalf("CSP %q", csp)
			}
			svg := w.Body.String()
			dec := xml.NewDecoder(strings.NewReader(svg))
			dec.Strict = true
			for {
				tok, err := dec.Token()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatalf("not well-formed XML: %v\n%s", err, svg)
				}
				// Nothing in the drawing can run script or load anything.
				if el, ok := tok.(xml.StartElement); ok {
					if n := el.Name.Local; n == "script" || n == "img" || n == "foreignObject" || n == "a" || n == "image" {
						t.Errorf("SVG has a %s element", n)
					}
					for _, a := range el.Attr {
						if strings.HasPrefix(a.Name.Local, "on") || a.Name.Local == "href" || a.Name.Local == "style" {
							t.Errorf("SVG element %s has attribute %s=%q", el.Name.Local, a.Name.Local, a.Value)
						}
					}
				}
			}
			for _, s := range tc.has {
				if !strings.Contains(svg, s) {
					t.Errorf("SVG lacks %q:\n%s", s, svg)
				}
			}
			for _, s := range tc.lacks {
				if strings.Contains(svg, s) {
					t.Errorf("SVG holds %q:\n%s", s, svg)
				}
			}
		})
	}
}

// TestAssertionChanges adds evidence to an assertion and retracts
// assertions, as owner, coder and viewer.
func TestAssertionChanges(t *testing.T) {
	svc, ids := testProject(t)
	auth := &fakeAuth{users: map[string]string{"ann": RoleOwner, "bo": "coder", "cy": "coder", "vi": "viewer"}}
	h := newServer(t, svc, Options{Auth: auth}).Handler()
	as := func(name string) *client { return &client{t: t, h: h, auth: name + "-token"} }
	graphFixture(t, as("ann"), ids)
	old := decode[AssertResult](t, as("bo").do("POST", "/api/assertions", AssertRequest{Subject: "chen", Relation: "lobbies", Object: "bureau",
		Confidence: 0.5, EvidenceQuotes: []QuoteRequest{{Doc: "north.txt", Text: "lobbied the bureau"}}}), 200).Assertion
	more := EvidenceRequest{Quotes: []QuoteRequest{{Doc: "north.txt", Text: "seed funding"}}}
	var now coding.Assertion
	for _, tc := range []struct {
		name, who, method string
		path              func() string
		body              any
		status            int
	}{
		{"OtherCoderAddsEvidence", "cy", "POST", func() string { return "/api/assertions/" + old.ID + "/evidence" }, more, 403},
		{"ViewerAddsEvidence", "vi", "POST", func() string { return "/api/assertions/" + old.ID + "/evidence" }, more, 403},
		{"CoderAddsEvidence", "bo", "POST", func() string { return "/api/assertions/" + old.ID[:8] + "/evidence" }, more, 200},
		{"AddsItAgain", "bo", "POST", func() string { return "/api/assertions/" + now.ID + "/evidence" }, more, 200},
		{"NoEvidence", "bo", "POST", func() string { return "/api/assertions/" + now.ID + "/evidence" }, EvidenceRequest{}, 422},
		{"UnknownAssertion", "bo", "POST", func() string { return "/api/assertions/nosuch/evidence" }, more, 404},
		{"OtherCoderRetracts", "cy", "DELETE", func() string { return "/api/assertions/" + now.ID }, nil, 403},
		{"OwnerAddsEvidence", "ann", "POST", func() string { return "/api/assertions/" + old.ID + "/evidence" },
			EvidenceRequest{Quotes: []QuoteRequest{{Doc: "north.txt", Text: "seed funding"}, {Doc: "north.txt", Text: "lobbied the bureau"}, {Doc: "east.txt", Text: "我们的协会"}}}, 200},
		{"OwnerRetracts", "ann", "DELETE", func() string { return "/api/assertions/" + now.ID + "?reason=wrong" }, nil, 200},
		{"RetractAgain", "bo", "DELETE", func() string { return "/api/assertions/" + now.ID }, nil, 409},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := as(tc.who).do(tc.method, tc.path(), tc.body)
			if w.Code != tc.status {
				t.Fatalf("%s %s by %s: %d, want %d: %s", tc.method, tc.path(), tc.who, w.Code, tc.status, w.Body.String())
			}
			switch tc.name {
			case "CoderAddsEvidence":
				r := decode[service.EvidenceAdded](t, w, 200)
				if r.Added != 1 || r.Assertion.ID != old.ID || r.Assertion.Coder != "bo" || len(r.Assertion.Evidence) != 2 ||
					len(r.Assertion.Additions) != 1 || r.Assertion.Additions[0].From != 1 || r.Assertion.Additions[0].Coder != "bo" ||
					len(r.Quotes) != 2 || r.Quotes[0] != "lobbied the bureau" || r.Quotes[1] != "seed funding" {
					t.Fatalf("evidence added %+v", r)
				}
				now = r.Assertion
				rows := decode[[]service.AssertionRow](t, as("vi").do("GET", "/api/assertions?coder=bo", nil), 200)
				if len(rows) != 1 || rows[0].ID != now.ID || len(rows[0].Quotes) != 2 || rows[0].Quotes[1].Text != "seed funding" {
					t.Fatalf("bo's assertions after adding evidence %+v", rows)
				}
			case "AddsItAgain":
				if r := decode[service.EvidenceAdded](t, w, 200); r.Added != 0 || r.Assertion.ID != now.ID || len(r.Assertion.Evidence) != 2 {
					t.Fatalf("adding the same evidence again %+v, want nothing written", r)
				}
			case "OwnerAddsEvidence":
				// Only the span that is new is added, by ann; the spans
				// before stay bo's.
				r := decode[service.EvidenceAdded](t, w, 200)
				a := r.Assertion
				if r.Added != 1 || a.ID != old.ID || len(a.Evidence) != 3 || len(a.Additions) != 2 || a.Additions[1].From != 2 || r.Quotes[2] != "我们的协会" {
					t.Fatalf("owner's evidence added %+v", r)
				}
				for i, want := range []string{"bo", "bo", "ann"} {
					if by, _ := a.EvidenceBy(i); by != want {
						t.Errorf("evidence %d added by %s, want %s", i, by, want)
					}
				}
				now = a
			case "OwnerRetracts":
				if r := decode[coding.Assertion](t, w, 200); r.ID != now.ID {
					t.Fatalf("retracted %+v", r)
				}
			}
		})
	}
	if rows := decode[[]service.AssertionRow](t, as("vi").do("GET", "/api/assertions", nil), 200); len(rows) != 2 || rows[0].Coder != "ann" || rows[1].Coder != "ann" {
		t.Fatalf("after the retraction %+v, want ann's two", rows)
	}
	links := decode[[]coding.Link](t, as("vi").do("GET", "/api/links?coder=bo", nil), 200)
	if len(links) != 0 {
		t.Fatalf("links of bo after the retraction %+v", links)
	}
}

// TestLinksSVGSame draws the same links several times: the layout, and so
// the drawing, must not change between two loads of the page.
func TestLinksSVGSame(t *testing.T) {
	svc, ids := testProject(t)
	c := &client{t: t, h: newServer(t, svc, Options{}).Handler()}
	graphFixture(t, c, ids)
	first := c.do("GET", "/api/links.svg", nil).Body.String()
	for i := 0; i < 5; i++ {
		if again := c.do("GET", "/api/links.svg", nil).Body.String(); again != first {
			t.Fatalf("drawing %d differs from the first:\n%s\n---\n%s", i+2, first, again)
		}
	}
}
