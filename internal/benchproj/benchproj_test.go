package benchproj

import (
	"context"
	"testing"

	"github.com/qualgraph/qualgraph/project"
)

// TestBuildSmall builds a small project and checks that it holds what was
// asked for and passes the project's integrity check.
func TestBuildSmall(t *testing.T) {
	opt := Options{Docs: 20, DocSize: 4000, Codings: 3000, Entities: 30, Assertions: 200}
	dir, _, err := Ensure(t.TempDir(), opt)
	if err != nil {
		t.Fatal(err)
	}
	p, err := project.Open(dir, project.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	v, err := p.View(false)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Codings) != opt.Codings || len(v.Entities) != opt.Entities || len(v.Assertions) != opt.Assertions {
		t.Fatalf("got %d codings, %d entities, %d assertions; want %d, %d, %d",
			len(v.Codings), len(v.Entities), len(v.Assertions), opt.Codings, opt.Entities, opt.Assertions)
	}
	r, err := p.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() {
		t.Fatalf("check: %v", r.Problems)
	}
	g, err := p.Graph()
	if err != nil {
		t.Fatal(err)
	}
	full, err := g.View()
	if err != nil {
		t.Fatal(err)
	}
	if len(full.Codings) != len(v.Codings) || len(full.Assertions) != len(v.Assertions) {
		t.Fatalf("graph has %d codings and %d assertions, projection %d and %d",
			len(full.Codings), len(full.Assertions), len(v.Codings), len(v.Assertions))
	}
}
