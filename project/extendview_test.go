package project

import (
	"context"
	"reflect"
	"testing"

	"github.com/qualgraph/qualgraph/coding"
)

// TestViewFollowsCodings checks that a writer's cached view follows its
// own codings without loading the projection again (as a long-running
// server codes one span after another), that it is dropped after other
// changes, and that each view is the one a fresh reader loads, in both
// writing modes.
func TestViewFollowsCodings(t *testing.T) {
	ctx := context.Background()
	for _, mode := range []Mode{ReadWrite, Shared} {
		t.Run(map[Mode]string{ReadWrite: "ReadWrite", Shared: "Shared"}[mode], func(t *testing.T) {
			dir, doc := recordProject(t)
			p, err := Open(dir, mode)
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			if _, err := p.View(false); err != nil {
				t.Fatal(err)
			}
			code := func(start int) {
				if _, _, err := p.CodeOne(ctx, CodeRequest{Span: coding.Span{Doc: doc, Start: start, End: start + 5}, Code: "LocalGovernment"}, "bo", "code"); err != nil {
					t.Fatal(err)
				}
			}
			for _, step := range []struct {
				name   string
				write  func()
				cached bool // the write leaves a view cached
			}{
				{"CodeOne", func() { code(10) }, true},
				{"CodeTwo", func() {
					if _, err := p.Code(ctx, []CodeRequest{
						{Span: coding.Span{Doc: doc, Start: 20, End: 30}, Code: "LocalGovernment"},
						{Span: coding.Span{Doc: doc, Start: 21, End: 31}, Code: "LocalGovernment"},
					}, "chen", "code"); err != nil {
						t.Fatal(err)
					}
				}, true},
				{"Memo", func() {
					if _, err := p.AddMemo(ctx, coding.Memo{Target: doc, Text: "a memo", Author: "bo"}); err != nil {
						t.Fatal(err)
					}
				}, false},
				{"CodeAgain", func() { code(50) }, true},
				{"Uncode", func() {
					v, err := p.View(false)
					if err != nil {
						t.Fatal(err)
					}
					if err := p.Uncode(ctx, []string{v.Codings[0].ID}, "ana"); err != nil {
						t.Fatal(err)
					}
				}, false},
			} {
				step.write()
				p.mu.Lock()
				cached := p.view != nil
				p.mu.Unlock()
				if cached != step.cached {
					t.Errorf("%s: view cached after the write: %v, want %v", step.name, cached, step.cached)
				}
				got, err := p.View(false)
				if err != nil {
					t.Fatal(err)
				}
				r, err := Open(dir, ReadOnly)
				if err != nil {
					t.Fatal(err)
				}
				want, err := r.View(false)
				r.Close()
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s: the writer's view (%d codings, %d changes) differs from a reader's (%d codings, %d changes)",
						step.name, len(got.Codings), len(got.Changes), len(want.Codings), len(want.Changes))
				}
			}
		})
	}
}
