package server

import (
	"context"
	"net/url"
	"slices"
	"testing"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/coding/suggest"
	"github.com/qualgraph/qualgraph/service"
)

// suggestedDoc returns a document of the project with at least min
// suggested codings and one suggested assertion, and those suggestions.
func suggestedDoc(t *testing.T, svc *service.Service, min int) (string, []service.Suggestion, []suggest.Proposal) {
	t.Helper()
	ctx := context.Background()
	docs, err := svc.Documents(ctx, service.DocumentsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		gs, err := svc.Suggest(ctx, service.SuggestOptions{Docs: []string{d.ID}})
		if err != nil {
			t.Fatal(err)
		}
		ps, err := svc.SuggestAssertions(ctx, service.AssertSuggestOptions{Docs: []string{d.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if len(gs) >= min && len(ps) > 0 {
			return d.ID, gs, ps
		}
	}
	t.Fatalf("no document of the demo has %d suggested codings and a suggested assertion", min)
	return "", nil, nil
}

func idsOf[T any](xs []T, id func(T) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = id(x)
	}
	return out
}

func suggestionID(g service.Suggestion) string { return g.ID }
func proposalID(p suggest.Proposal) string     { return p.ID }

// TestSuggestionsAPI lists a demo document's suggested codings and
// assertions through the API, as the service makes them, accepts and
// rejects some, and checks the errors.
func TestSuggestionsAPI(t *testing.T) {
	svc := demoProject(t)
	p := svc.Project()
	doc, gs, ps := suggestedDoc(t, svc, 2)
	c := &client{t: t, h: newServer(t, svc, Options{Owner: "ann"}).Handler()}
	base := "/api/documents/" + url.PathEscape(doc)

	got := decode[[]service.Suggestion](t, c.do("GET", base+"/suggestions", nil), 200)
	if !slices.Equal(idsOf(got, suggestionID), idsOf(gs, suggestionID)) {
		t.Fatalf("API suggestions %v, service's %v", idsOf(got, suggestionID), idsOf(gs, suggestionID))
	}
	for i := range got {
		if got[i].Start != gs[i].Start || got[i].End != gs[i].End || got[i].Code != gs[i].Code || got[i].Score != gs[i].Score ||
			len(got[i].Terms) != len(gs[i].Terms) || len(got[i].Similar) != len(gs[i].Similar) {
			t.Fatalf("suggestion %d: API %+v, service %+v", i, got[i], gs[i])
		}
	}
	t.Run("CodeFilter", func(t *testing.T) {
		code := gs[0].Code
		one := decode[[]service.Suggestion](t, c.do("GET", base+"/suggestions?code="+url.QueryEscape(code), nil), 200)
		if len(one) == 0 {
			t.Fatalf("no suggestions of %s", code)
		}
		for _, g := range one {
			if g.Code != code {
				t.Fatalf("code=%s gave a suggestion of %s", code, g.Code)
			}
		}
	})
	t.Run("MinScore", func(t *testing.T) {
		all := decode[[]service.Suggestion](t, c.do("GET", base+"/suggestions?min_score=0", nil), 200)
		if len(all) < len(gs) {
			t.Fatalf("min_score=0 gave %d suggestions, fewer than the default threshold's %d", len(all), len(gs))
		}
		high := decode[[]service.Suggestion](t, c.do("GET", base+"/suggestions?min_score=0.99999", nil), 200)
		for _, g := range high {
			if g.Score < 0.99999 {
				t.Fatalf("min_score=0.99999 gave score %v", g.Score)
			}
		}
	})
	gotP := decode[[]suggest.Proposal](t, c.do("GET", base+"/assertion-suggestions", nil), 200)
	if !slices.Equal(idsOf(gotP, proposalID), idsOf(ps, proposalID)) {
		t.Fatalf("API assertion suggestions %v, service's %v", idsOf(gotP, proposalID), idsOf(ps, proposalID))
	}

	// Accept the first coding suggestion, reject the second.
	acc := decode[[]coding.Coding](t, c.do("POST", base+"/suggestions/accept", SuggestionIDs{IDs: []string{gs[0].ID}}), 200)
	if len(acc) != 1 || acc[0].Coder != "ann" || acc[0].Suggested == nil || acc[0].Code != gs[0].Code ||
		acc[0].Start != gs[0].Start || acc[0].End != gs[0].End {
		t.Fatalf("accepted %+v, want %s at %d-%d by ann, suggested", acc, gs[0].Code, gs[0].Start, gs[0].End)
	}
	rej := decode[[]coding.Rejection](t, c.do("POST", base+"/suggestions/reject", SuggestionIDs{IDs: []string{gs[1].ID}}), 200)
	if len(rej) != 1 || rej[0].ID != gs[1].ID || rej[0].Code != gs[1].Code {
		t.Fatalf("rejected %+v, want %s", rej, gs[1].ID)
	}
	v, err := p.View(false)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(v.Rejections, func(r coding.Rejection) bool { return r.ID == gs[1].ID && r.Coder == "ann" }) {
		t.Fatalf("rejection of %s by ann not recorded: %+v", gs[1].ID, v.Rejections)
	}
	after := idsOf(decode[[]service.Suggestion](t, c.do("GET", base+"/suggestions", nil), 200), suggestionID)
	if slices.Contains(after, gs[0].ID) || slices.Contains(after, gs[1].ID) {
		t.Fatalf("accepted %s or rejected %s still suggested: %v", gs[0].ID, gs[1].ID, after)
	}

	// Accept the first assertion suggestion; reject the second if any.
	accA := decode[[]AssertResult](t, c.do("POST", base+"/assertion-suggestions/accept", SuggestionIDs{IDs: []string{ps[0].ID}}), 200)
	if len(accA) != 1 || accA[0].Assertion.Suggested == nil || accA[0].Assertion.Coder != "ann" ||
		accA[0].Assertion.Subject != ps[0].Subject || accA[0].Assertion.Relation != ps[0].Relation || accA[0].Assertion.Object != ps[0].Object {
		t.Fatalf("accepted assertion %+v, want %s %s %s by ann, suggested", accA, ps[0].Subject, ps[0].Relation, ps[0].Object)
	}
	if len(ps) > 1 {
		rejA := decode[[]coding.Rejection](t, c.do("POST", base+"/assertion-suggestions/reject", SuggestionIDs{IDs: []string{ps[1].ID}}), 200)
		if len(rejA) != 1 || rejA[0].ID != ps[1].ID {
			t.Fatalf("rejected assertion %+v, want %s", rejA, ps[1].ID)
		}
	}
	afterP := idsOf(decode[[]suggest.Proposal](t, c.do("GET", base+"/assertion-suggestions", nil), 200), proposalID)
	if slices.Contains(afterP, ps[0].ID) || len(ps) > 1 && slices.Contains(afterP, ps[1].ID) {
		t.Fatalf("accepted or rejected assertion still suggested: %v", afterP)
	}

	tests := []struct {
		name, method, path string
		body               any
		status             int
		kind               string
	}{
		{"UnknownDoc", "GET", "/api/documents/nope.txt/suggestions", nil, 404, KindNotFound},
		{"UnknownDocAssertions", "GET", "/api/documents/nope.txt/assertion-suggestions", nil, 404, KindNotFound},
		{"UnknownCode", "GET", base + "/suggestions?code=NoSuchCode", nil, 404, KindNotFound},
		{"BadUnit", "GET", base + "/suggestions?unit=word", nil, 422, KindInvalid},
		{"BadMinScore", "GET", base + "/suggestions?min_score=high", nil, 422, KindInvalid},
		{"NoIDs", "POST", base + "/suggestions/accept", SuggestionIDs{}, 422, KindInvalid},
		{"NoIDsReject", "POST", base + "/assertion-suggestions/reject", SuggestionIDs{}, 422, KindInvalid},
		{"AcceptedAgain", "POST", base + "/suggestions/accept", SuggestionIDs{IDs: []string{gs[0].ID}}, 404, KindNotFound},
		{"RejectedAgain", "POST", base + "/suggestions/reject", SuggestionIDs{IDs: []string{gs[1].ID}}, 404, KindNotFound},
		{"AssertionAcceptedAgain", "POST", base + "/assertion-suggestions/accept", SuggestionIDs{IDs: []string{ps[0].ID}}, 404, KindNotFound},
		{"CodingIDAsAssertion", "POST", base + "/assertion-suggestions/accept", SuggestionIDs{IDs: []string{gs[1].ID}}, 404, KindNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := decode[Error](t, c.do(tt.method, tt.path, tt.body), tt.status)
			if e.Kind != tt.kind || e.Error == "" {
				t.Fatalf("error %+v, want kind %s", e, tt.kind)
			}
		})
	}
}

// TestSuggestionsPermissions checks who may list, accept and reject
// suggestions: viewers read only, coders accept and reject as
// themselves, and in blind mode a coder's explanations quote no one
// else's codings.
func TestSuggestionsPermissions(t *testing.T) {
	svc := demoProject(t)
	p := svc.Project()
	doc, gs, ps := suggestedDoc(t, svc, 2)
	auth := &fakeAuth{users: map[string]string{"olga": RoleOwner, "cora": "coder", "vic": "viewer"}}
	h := newServer(t, svc, Options{Auth: auth}).Handler()
	as := func(name string) *client { return &client{t: t, h: h, auth: name + "-token"} }
	base := "/api/documents/" + url.PathEscape(doc)

	similarCoders := func(c *client) map[string]bool {
		out := map[string]bool{}
		for _, g := range decode[[]service.Suggestion](t, c.do("GET", base+"/suggestions?min_score=0", nil), 200) {
			for _, x := range g.Similar {
				out[x.Coder] = true
			}
		}
		return out
	}
	setBlind := func(on bool) { auth.blind = on } // the client calls the handler in this goroutine

	t.Run("ViewerReads", func(t *testing.T) {
		decode[[]service.Suggestion](t, as("vic").do("GET", base+"/suggestions", nil), 200)
		decode[[]suggest.Proposal](t, as("vic").do("GET", base+"/assertion-suggestions", nil), 200)
	})
	for _, path := range []string{"/suggestions/accept", "/suggestions/reject", "/assertion-suggestions/accept", "/assertion-suggestions/reject"} {
		t.Run("ViewerMayNot"+path, func(t *testing.T) {
			id := gs[0].ID
			if path[1] == 'a' {
				id = ps[0].ID
			}
			e := decode[Error](t, as("vic").do("POST", base+path, SuggestionIDs{IDs: []string{id}}), 403)
			if e.Kind != KindForbidden {
				t.Fatalf("error %+v, want forbidden", e)
			}
		})
	}
	t.Run("NoToken", func(t *testing.T) {
		decode[Error](t, (&client{t: t, h: h}).do("GET", base+"/suggestions", nil), 401)
	})
	t.Run("CoderAcceptsAsThemselves", func(t *testing.T) {
		cs := decode[[]coding.Coding](t, as("cora").do("POST", base+"/suggestions/accept", SuggestionIDs{IDs: []string{gs[0].ID}}), 200)
		if len(cs) != 1 || cs[0].Coder != "cora" || cs[0].Suggested == nil {
			t.Fatalf("accepted %+v, want one suggested coding by cora", cs)
		}
		rs := decode[[]coding.Rejection](t, as("cora").do("POST", base+"/suggestions/reject", SuggestionIDs{IDs: []string{gs[1].ID}}), 200)
		if len(rs) != 1 {
			t.Fatalf("rejected %+v", rs)
		}
		v, err := p.View(false)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(v.Rejections, func(r coding.Rejection) bool { return r.ID == gs[1].ID && r.Coder == "cora" }) {
			t.Fatalf("rejection by cora not recorded")
		}
		a := decode[[]AssertResult](t, as("cora").do("POST", base+"/assertion-suggestions/accept", SuggestionIDs{IDs: []string{ps[0].ID}}), 200)
		if len(a) != 1 || a[0].Assertion.Coder != "cora" || a[0].Assertion.Suggested == nil {
			t.Fatalf("accepted assertion %+v, want one by cora, suggested", a)
		}
	})
	t.Run("Blind", func(t *testing.T) {
		all := similarCoders(as("olga"))
		if len(all) == 0 {
			t.Fatal("no similar coded segments in the explanations")
		}
		setBlind(true)
		defer setBlind(false)
		if owner := similarCoders(as("olga")); len(owner) != len(all) {
			t.Fatalf("blind mode: the owner sees similar segments of %v, want %v", owner, all)
		}
		for k := range similarCoders(as("cora")) {
			if k != "cora" {
				t.Fatalf("blind mode: coder cora sees a similar segment coded by %s", k)
			}
		}
	})
}
