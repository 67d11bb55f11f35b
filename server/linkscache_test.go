package server

import (
	"context"
	"testing"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/project"
)

// TestLinksFollowChanges checks that GET /api/links, whose links and
// JSON the server keeps while the project does not change, answers
// afresh after an assertion through the API and one by another process
// (the command line beside the server), with the new evidence quoted.
func TestLinksFollowChanges(t *testing.T) {
	svc, ids := testProject(t)
	c := &client{t: t, h: newServer(t, svc, Options{}).Handler()}
	for _, e := range []coding.Entity{{ID: "bureau", Type: "LocalGovernment", Name: "Science Bureau"}, {ID: "chen", Type: "SpinoffFounder", Name: "Chen"}} {
		decode[coding.Entity](t, c.do("POST", "/api/entities", e), 200)
	}
	funding := span(t, svc, ids["north.txt"], "The bureau gave us seed funding")
	lobbied := span(t, svc, ids["north.txt"], "We lobbied the bureau")
	for _, tc := range []struct {
		name   string
		change func()
		want   map[string]string // "subject relation object" → the quotes of its evidence, joined by |
	}{
		{"None", func() {}, map[string]string{}},
		{"AssertedThroughTheAPI", func() {
			decode[AssertResult](t, c.do("POST", "/api/assertions", AssertRequest{Subject: "bureau", Relation: "funds", Object: "chen", Confidence: 0.8, Evidence: []coding.Span{funding}}), 200)
		}, map[string]string{"bureau funds chen": "The bureau gave us seed funding"}},
		{"Again", func() {}, map[string]string{"bureau funds chen": "The bureau gave us seed funding"}},
		{"AssertedByAnotherProcess", func() {
			p, err := project.Open(svc.Project().Dir, project.ReadWrite)
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			if _, err := p.Assert(context.Background(), coding.Assertion{Subject: "chen", Relation: "lobbies", Object: "bureau", Confidence: 0.5,
				Polarity: coding.Positive, Evidence: []coding.Span{lobbied}}, "bo"); err != nil {
				t.Fatal(err)
			}
		}, map[string]string{"bureau funds chen": "The bureau gave us seed funding", "chen lobbies bureau": "We lobbied the bureau"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.change()
			links := decode[[]coding.Link](t, c.do("GET", "/api/links", nil), 200)
			got := map[string]string{}
			for _, l := range links {
				q := ""
				for i, e := range l.Evidence {
					if i > 0 {
						q += "|"
					}
					q += e.Text
				}
				got[l.Subject+" "+l.Relation+" "+l.Object] = q
			}
			if len(got) != len(tc.want) {
				t.Fatalf("links %q, want %q", got, tc.want)
			}
			for k, v := range tc.want {
				if got[k] != v {
					t.Fatalf("links %q, want %q", got, tc.want)
				}
			}
		})
	}
}
