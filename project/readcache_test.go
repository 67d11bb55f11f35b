package project

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/qualgraph/qualgraph/corpus"
)

// TestReadCache checks that the documents and texts a long-running
// process keeps follow the changes of the project, of this process and of
// another, and that what a caller changes in an answer stays its own.
func TestReadCache(t *testing.T) {
	ctx := context.Background()
	dir, doc := recordProject(t)
	p, err := Open(dir, Shared)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	attr := func(p *Project, key string) string {
		t.Helper()
		d, err := p.DocumentRecord(ctx, doc)
		if err != nil {
			t.Fatal(err)
		}
		return d.Attrs[key].Value
	}
	set := func(p *Project, value string) {
		t.Helper()
		_, a, err := corpus.ParseAttr("region=" + value)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.SetAttrs(ctx, doc, corpus.Attrs{"region": a}, "ana"); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name   string
		change func()
		want   string
	}{
		{"Unset", func() {}, ""},
		{"SetHere", func() { set(p, "Foshan") }, "Foshan"},
		{"CallerChangesItsCopy", func() {
			docs, err := p.Documents(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range docs {
				d.Attrs["region"] = corpus.Attrs{}["none"]
				d.Name = "changed"
			}
			d, err := p.Document(ctx, doc) // fills in the text
			if err != nil {
				t.Fatal(err)
			}
			d.Attrs["region"] = corpus.Attrs{}["none"]
		}, "Foshan"},
		{"SetByAnotherProcess", func() {
			q, err := Open(dir, ReadWrite)
			if err != nil {
				t.Fatal(err)
			}
			set(q, "Jinlan")
			if err := q.Close(); err != nil {
				t.Fatal(err)
			}
		}, "Jinlan"},
	} {
		tc.change()
		if got := attr(p, "region"); got != tc.want {
			t.Errorf("%s: region %q, want %q", tc.name, got, tc.want)
		}
		if d, err := p.DocumentRecord(ctx, doc); err != nil || d.Name == "changed" || d.Text != "" {
			t.Errorf("%s: the record was changed by a caller: %+v, %v", tc.name, d, err)
		}
	}

	// Texts: read again when the file changes.
	first, err := p.Text(doc)
	if err != nil {
		t.Fatal(err)
	}
	if first != chenText {
		t.Fatalf("text %q, want %q", first, chenText)
	}
	changed := chenText + "More.\n"
	if err := os.WriteFile(p.textPath(doc), []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	future := time.Now().Add(time.Hour)
	if err := os.Chtimes(p.textPath(doc), future, future); err != nil {
		t.Fatal(err)
	}
	if got, err := p.Text(doc); err != nil || got != changed {
		t.Errorf("text after the file changed: %q, %v; want %q", got, err, changed)
	}
}
