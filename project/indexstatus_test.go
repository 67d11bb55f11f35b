package project

import (
	"context"
	"testing"

	"github.com/qualgraph/qualgraph/corpus"
)

// TestIndexStatusFromPosition checks that IndexStatus, which takes the
// number of documents from the index's position when no entry since it
// changed documents, reports what the projection holds, as a command
// opening the project sees it after each kind of change to documents;
// and that while the index lags an import it says so.
func TestIndexStatusFromPosition(t *testing.T) {
	ctx := context.Background()
	dir, doc := recordProject(t)
	write := func(f func(p *Project) error) func() {
		return func() {
			p, err := Open(dir, ReadWrite)
			if err != nil {
				t.Fatal(err)
			}
			if err := f(p); err != nil {
				p.Close()
				t.Fatal(err)
			}
			if err := p.Close(); err != nil {
				t.Fatal(err)
			}
		}
	}
	importFiles := func(noWait bool, files ...DataFile) func() {
		return write(func(p *Project) error {
			_, err := p.ImportData(ctx, files, ImportOptions{Kind: corpus.KindInterview, By: "test", NoWait: noWait})
			return err
		})
	}
	for _, tc := range []struct {
		name     string
		change   func()
		mode     Mode
		indexed  int
		total    int
		caughtUp bool
	}{
		{"Start", func() {}, ReadOnly, 1, 1, true},
		{"Import", importFiles(false, DataFile{Path: "a.txt", Data: []byte("甲 🙂 a.\n")}, DataFile{Path: "b.txt", Data: []byte("B.\n")}), ReadOnly, 3, 3, true},
		{"ImportNoWait", importFiles(true, DataFile{Path: "c.txt", Data: []byte("C c.\n")}), ReadOnly, 3, 4, false},
		{"CaughtUpByWriter", func() {}, ReadWrite, 4, 4, true},
		{"ReadAfterCatchUp", func() {}, ReadOnly, 4, 4, true},
		{"SetAttrs", write(func(p *Project) error {
			_, err := p.SetAttrs(ctx, doc, corpus.Attrs{"region": corpus.Attr{Type: corpus.AttrText, Value: "north"}}, "test")
			return err
		}), ReadOnly, 4, 4, true},
		{"Reindex", write(func(p *Project) error {
			_, err := p.Reindex(ctx, nil)
			return err
		}), ReadOnly, 4, 4, true},
		{"ImportNoWaitShared", importFiles(true, DataFile{Path: "d.txt", Data: []byte("D.\n")}), Shared, 5, 5, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.change()
			p, err := Open(dir, tc.mode)
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			st, err := p.IndexStatus(ctx)
			if err != nil {
				t.Fatal(err)
			}
			names, err := p.DocNames(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if st.Total != len(names) {
				t.Errorf("IndexStatus: %d documents, the projection holds %d", st.Total, len(names))
			}
			want := Searchable{Indexed: tc.indexed, Total: tc.total, CaughtUp: tc.caughtUp}
			if st != want {
				t.Errorf("IndexStatus: %+v, want %+v", st, want)
			}
		})
	}
}
