package service_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/service"
)

// TestLinksCache checks that the links that Links keeps for the next
// call are found again when the project changes (an assertion made or
// retracted, a code added), for another filter, and always for a filter
// by document attributes.
func TestLinksCache(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	var newID string
	var last []coding.Link
	for _, tc := range []struct {
		name   string
		change func()
		opt    service.LinksOptions
		want   []string // subject relation object: quotes
		same   bool     // the links of the call before are still right
	}{
		{"All", func() {}, service.LinksOptions{Quotes: true},
			[]string{"assoc setsStandardsFor lin: The association set a standard", "bureau funds chen: The bureau gave us seed funding", "lin lobbies bureau: We lobbied the bureau"}, false},
		{"Again", func() {}, service.LinksOptions{Quotes: true},
			[]string{"assoc setsStandardsFor lin: The association set a standard", "bureau funds chen: The bureau gave us seed funding", "lin lobbies bureau: We lobbied the bureau"}, true},
		{"Asserted", func() {
			a, err := f.p.Assert(ctx, coding.Assertion{Subject: "chen", Relation: "lobbies", Object: "bureau", Polarity: coding.Positive,
				Confidence: 1, Evidence: []coding.Span{f.span(t, "north.txt", "Lin: We lobbied")}}, "bo")
			if err != nil {
				t.Fatal(err)
			}
			newID = a.ID
		}, service.LinksOptions{Quotes: true},
			[]string{"assoc setsStandardsFor lin: The association set a standard", "bureau funds chen: The bureau gave us seed funding",
				"chen lobbies bureau: Lin: We lobbied", "lin lobbies bureau: We lobbied the bureau"}, false},
		{"OtherFilter", func() {}, service.LinksOptions{Filter: coding.LinkFilter{Relation: "lobbies"}},
			[]string{"chen lobbies bureau", "lin lobbies bureau"}, false},
		{"Retracted", func() {
			if err := f.p.Retract(ctx, newID, "wrong speaker", "bo"); err != nil {
				t.Fatal(err)
			}
		}, service.LinksOptions{Filter: coding.LinkFilter{Relation: "lobbies"}},
			[]string{"lin lobbies bureau"}, false},
		{"AttrFilter", func() {}, service.LinksOptions{Filter: coding.LinkFilter{Attrs: map[string]string{"region": "south"}}},
			[]string{"assoc setsStandardsFor lin"}, false},
		{"AttrFilterAgain", func() {}, service.LinksOptions{Filter: coding.LinkFilter{Attrs: map[string]string{"region": "south"}}},
			[]string{"assoc setsStandardsFor lin"}, false},
		{"CodebookChanged", func() {
			if err := f.p.AddCode(ctx, coding.Code{ID: "SeedMoney", By: "ann"}); err != nil {
				t.Fatal(err)
			}
		}, service.LinksOptions{Filter: coding.LinkFilter{Relation: "funds"}}, []string{"bureau funds chen"}, false},
		{"Unchanged", func() {}, service.LinksOptions{Filter: coding.LinkFilter{Relation: "funds"}}, []string{"bureau funds chen"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.change()
			links, err := f.svc.Links(ctx, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, l := range links {
				s := l.Subject + " " + l.Relation + " " + l.Object
				if tc.opt.Quotes {
					var qs []string
					for _, e := range l.Evidence {
						qs = append(qs, e.Text)
					}
					s += ": " + strings.Join(qs, " | ")
				}
				got = append(got, s)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("links %q\nwant %q", got, tc.want)
			}
			kept := len(links) > 0 && len(last) > 0 && &links[0] == &last[0]
			if kept != tc.same {
				t.Fatalf("the links of the call before were returned again: %v, want %v", kept, tc.same)
			}
			last = links
		})
	}
}
