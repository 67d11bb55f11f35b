package project

import (
	"bytes"
	"context"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/internal/pgstore"
	"github.com/qualgraph/qualgraph/internal/pgtest"
	"github.com/qualgraph/qualgraph/internal/record"
	"github.com/qualgraph/qualgraph/kg"
)

func TestRedactDSN(t *testing.T) {
	for _, c := range []struct{ name, dsn, want string }{
		{"URLPassword", "postgres://ann:s3cret@db.example.org:5432/study?sslmode=require", "postgres://ann@db.example.org:5432/study?sslmode=require"},
		{"URLNoPassword", "postgres://ann@db.example.org/study", "postgres://ann@db.example.org/study"},
		{"URLPasswordParam", "postgresql://db/study?password=s3cret&sslmode=disable", "postgresql://db/study?sslmode=disable"},
		{"KeyValue", "host=db dbname=study user=ann password=s3cret sslmode=disable", "host=db dbname=study user=ann sslmode=disable"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := RedactDSN(c.dsn); got != c.want {
				t.Errorf("RedactDSN(%q) = %q, want %q", c.dsn, got, c.want)
			}
		})
	}
}

// pgTestProject makes a local project in a temporary folder with a
// document, codings, an entity and a memo.
func pgTestProject(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "local")
	if err := Init(dir, InitOptions{Name: "resume"}); err != nil {
		t.Fatal(err)
	}
	p, err := Open(dir, ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	res, err := p.ImportData(ctx, []DataFile{{Path: "a.txt", Data: []byte("Chen: The bureau gave us seed funding. 陈浩说：协会要成立专委会。🚁")}}, ImportOptions{By: "ann"})
	if err != nil {
		t.Fatal(err)
	}
	doc := res.Imported[0].ID
	for i, code := range []string{"Lobbying", "Framing", "Certification"} {
		if _, err := p.Code(ctx, []CodeRequest{{Span: coding.Span{Doc: doc, Start: i, End: i + 5}, Code: code}}, "ann", "code"); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.AddEntities(ctx, []coding.Entity{{ID: "bureau", Type: "LocalGovernment"}}, "ann"); err != nil {
		t.Fatal(err)
	}
	if _, err := p.AddMemo(ctx, coding.Memo{Target: "doc:" + doc, Text: "seed funding", Author: "ann"}); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

// joinShared makes dir a cache folder of the project in the database at
// dsn and opens it Shared, as a second server would, until the test ends.
func joinShared(t *testing.T, dir, dsn string) *Project {
	t.Helper()
	if err := Init(dir, InitOptions{DB: dsn, Join: true}); err != nil {
		t.Fatal(err)
	}
	p, err := Open(dir, Shared)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// TestMigrateResumes interrupts a migration after some of its entries, as
// a failure of its third transaction would, and checks that migrating
// again goes on from there: the database's record is the project's, and
// the project moved back has the same record.log.
func TestMigrateResumes(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	dir := pgTestProject(t)
	want, err := os.ReadFile(filepath.Join(dir, RecordFile))
	if err != nil {
		t.Fatal(err)
	}
	// An interrupted migration: the tables, the settings, and the first
	// two entries with their sources.
	p, err := Open(dir, ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	st, err := createOrResume(ctx, dsn, p.Meta)
	if err != nil {
		t.Fatal(err)
	}
	if err := writeSettings(ctx, st, p.Meta, []byte("classes: []\n")); err != nil {
		t.Fatal(err)
	}
	var entries []pgstore.Entry
	if _, err := p.be.scan(ctx, record.Start, func(end record.Position, payload []byte) error {
		if end.Seq > 2 {
			return errStopScan
		}
		ev, err := coding.UnmarshalEvent(payload)
		if err != nil {
			return err
		}
		e := pgstore.Entry{Payload: payload, Claim: claims(ev)}
		for _, d := range eventDocuments(ev) {
			text, _ := p.be.text(d)
			segs, _ := p.be.segments(d)
			e.Sources = append(e.Sources, pgstore.Source{Doc: d, Text: text, Segments: segs})
		}
		entries = append(entries, e)
		return nil
	}); err != nil && !errors.Is(err, errStopScan) {
		t.Fatal(err)
	}
	if _, err := st.Write(ctx, entries...); err != nil {
		t.Fatal(err)
	}
	st.Close()
	p.Close()

	if err := MigrateToDB(ctx, dir, dsn, nil); err != nil {
		t.Fatalf("migrate after an interruption: %v", err)
	}
	if err := MigrateToLocal(ctx, dir, MigrateBackOptions{}); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, RecordFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("record.log after the resumed migration and back: %d bytes, want %d", len(got), len(want))
	}
}

// TestMigrateRefusesAnotherProject checks that a project does not move
// into a database that holds another project's record.
func TestMigrateRefusesAnotherProject(t *testing.T) {
	dsn := pgtest.DSN(t)
	if err := Init(filepath.Join(t.TempDir(), "other"), InitOptions{DB: dsn}); err != nil {
		t.Fatal(err)
	}
	dir := pgTestProject(t)
	err := MigrateToDB(context.Background(), dir, dsn, nil)
	if !errors.Is(err, ErrDBExists) {
		t.Fatalf("migrate into another project's database: %v, want ErrDBExists", err)
	}
	if _, err := os.Stat(filepath.Join(dir, RecordFile)); err != nil {
		t.Fatalf("the refused migration touched the project: %v", err)
	}
}

// TestDuplicateAcrossCaches adds an entity through one cache folder and
// the same id through another, open all along as a server keeps it: the
// second is refused as a duplicate, and the record holds one entity.
func TestDuplicateAcrossCaches(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	a, b := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	if err := Init(a, InitOptions{DB: dsn}); err != nil {
		t.Fatal(err)
	}
	pb := joinShared(t, b, dsn)
	pa, err := Open(a, ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	if err := pa.AddEntities(ctx, []coding.Entity{{ID: "bureau", Type: "LocalGovernment"}}, "ann"); err != nil {
		t.Fatal(err)
	}
	if err := pa.Close(); err != nil {
		t.Fatal(err)
	}
	err = pb.AddEntities(ctx, []coding.Entity{{ID: "bureau", Type: "IncumbentFirm"}}, "bo")
	if !errors.Is(err, coding.ErrDuplicate) {
		t.Fatalf("the same entity through the other cache: %v, want a duplicate", err)
	}
	// The database refuses it too, whoever asks: an entry claiming the
	// id again is not written.
	pg := pb.be.(*pgBackend)
	if _, err := pg.st.Write(ctx, pgstore.Entry{Payload: []byte(`{}`), Claim: []pgstore.Key{{Kind: "entity", Key: "bureau"}}}); !errors.Is(err, coding.ErrDuplicate) {
		t.Fatalf("a second claim of entity bureau in the database: %v, want a duplicate", err)
	}
	v, err := pb.View(false)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Entities) != 1 || v.Entities[0].Type != "LocalGovernment" {
		t.Fatalf("entities %+v, want bureau once, as a LocalGovernment", v.Entities)
	}
}

// TestDBPasswordNotKept makes a project in PostgreSQL with a password in
// its DSN: the project file keeps the DSN without it, and the project
// opens with the password from OpenDB or $QUALGRAPH_DB. (The test server
// trusts local connections, so any password is accepted.)
func TestDBPasswordNotKept(t *testing.T) {
	dsn := pgtest.DSN(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(u.User.Username(), "s3cret-word")
	withPassword := u.String()
	dir := filepath.Join(t.TempDir(), "p")
	if err := Init(dir, InitOptions{DB: withPassword}); err != nil {
		t.Fatal(err)
	}
	meta, err := os.ReadFile(filepath.Join(dir, MetaFile))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(meta, []byte("s3cret-word")) || !bytes.Contains(meta, []byte(RedactDSN(withPassword))) {
		t.Fatalf("%s keeps the password or lacks the database: %s", MetaFile, meta)
	}
	for _, c := range []struct {
		name string
		open func() (*Project, error)
		err  string
	}{
		{"OpenDB", func() (*Project, error) { return OpenDB(dir, ReadWrite, withPassword) }, ""},
		{"Env", func() (*Project, error) { t.Setenv(DBEnv, withPassword); return Open(dir, ReadOnly) }, ""},
		{"OpenDBOtherDatabase", func() (*Project, error) { return OpenDB(dir, ReadOnly, pgtest.DSN(t)) }, "is the cache of database"},
		{"OpenDBLocal", func() (*Project, error) { return OpenDB(pgTestProject(t), ReadOnly, withPassword) }, "is a local project"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := c.open()
			if c.err == "" {
				if err != nil {
					t.Fatal(err)
				}
				if p.Meta.DB != RedactDSN(withPassword) {
					t.Errorf("Meta.DB = %q", p.Meta.DB)
				}
				if err := p.Close(); err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil {
				p.Close()
				t.Fatalf("opened; want an error containing %q", c.err)
			}
			if !strings.Contains(err.Error(), c.err) {
				t.Fatalf("%v; want an error containing %q", err, c.err)
			}
		})
	}
}

// TestViewSeesOtherFolders codes through one cache folder while another
// is open as a server keeps it, its view cached: the other's next view
// holds the coding at once, before it catches up.
func TestViewSeesOtherFolders(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	a, b := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	if err := Init(a, InitOptions{DB: dsn}); err != nil {
		t.Fatal(err)
	}
	pa, err := Open(a, ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	res, err := pa.ImportData(ctx, []DataFile{{Path: "a.txt", Data: []byte("陈浩说：协会要成立专委会。🚁 The bureau funds us.")}}, ImportOptions{By: "ann"})
	if err != nil {
		t.Fatal(err)
	}
	if err := pa.Close(); err != nil {
		t.Fatal(err)
	}
	pb := joinShared(t, b, dsn)
	for i, code := range []string{"Lobbying", "Framing"} {
		if _, err := pb.View(false); err != nil { // cached
			t.Fatal(err)
		}
		pa, err := Open(a, ReadWrite)
		if err != nil {
			t.Fatal(err)
		}
		cs, err := pa.Code(ctx, []CodeRequest{{Span: coding.Span{Doc: res.Imported[0].ID, Start: i, End: i + 4}, Code: code}}, "ann", "code")
		if err != nil {
			t.Fatal(err)
		}
		if err := pa.Close(); err != nil {
			t.Fatal(err)
		}
		v, err := pb.View(false)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Codings) != i+1 || v.Codings[i].ID != cs[0].ID {
			t.Fatalf("after coding %d through the other folder, the view holds %d codings, want %d ending with %s", i+1, len(v.Codings), i+1, cs[0].ID)
		}
	}
}

// TestMigrateBack checks what migrate --to bbolt leaves in the database:
// by default the project as it was, readable, refusing every change (a
// cache folder still pointed at it must not take changes the folder moved
// back never sees) until the project is migrated into it again; with
// Drop, no project at all.
func TestMigrateBack(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name string
		drop bool
	}{{"Keep", false}, {"Drop", true}} {
		t.Run(c.name, func(t *testing.T) {
			dsn := pgtest.DSN(t)
			dir := pgTestProject(t)
			if err := MigrateToDB(ctx, dir, dsn, nil); err != nil {
				t.Fatal(err)
			}
			other := filepath.Join(t.TempDir(), "other")
			if err := Init(other, InitOptions{DB: dsn, Join: true}); err != nil {
				t.Fatal(err)
			}
			if err := MigrateToLocal(ctx, dir, MigrateBackOptions{Drop: c.drop}); err != nil {
				t.Fatal(err)
			}
			codeOne := func(dir string, start int) error {
				p, err := Open(dir, ReadWrite)
				if err != nil {
					return err
				}
				defer p.Close()
				v, err := p.View(false)
				if err != nil {
					return err
				}
				if len(v.Codings) != 3+start {
					t.Errorf("%s: %d codings before the write, want %d", dir, len(v.Codings), 3+start)
				}
				_, err = p.Code(ctx, []CodeRequest{{Span: coding.Span{Doc: v.Codings[0].Doc, Start: 10 + start, End: 20 + start}, Code: "Lobbying"}}, "bo", "code")
				return err
			}
			if err := codeOne(dir, 0); err != nil {
				t.Fatalf("a write in the folder moved back: %v", err)
			}
			if c.drop {
				_, err := pgstore.Open(ctx, dsn)
				if !errors.Is(err, pgstore.ErrNotProject) {
					t.Fatalf("the database after migrate back with Drop: %v, want %v", err, pgstore.ErrNotProject)
				}
				if _, err := Open(other, ReadOnly); err == nil {
					t.Fatal("a cache folder of the dropped project opens")
				}
				return
			}
			err := codeOne(other, 0)
			var moved *MovedOutError
			if !errors.As(err, &moved) || !errors.Is(err, ErrMovedOut) || !strings.Contains(err.Error(), filepath.Base(dir)) {
				t.Fatalf("a write through another cache of the database moved out of: %v, want a %T naming %s", err, moved, dir)
			}
			// Moved into the database again, it takes the folder's
			// changes and new ones.
			if err := MigrateToDB(ctx, dir, dsn, nil); err != nil {
				t.Fatalf("migrate into the database moved out of: %v", err)
			}
			if err := codeOne(other, 1); err != nil {
				t.Fatalf("a write through the other cache once the project is back: %v", err)
			}
		})
	}
}

// TestMigrateKeepsDerived checks that a migration each way keeps the
// graph and the index the folder holds, which hold the same entries,
// instead of making them afresh, and that the project then checks clean
// and takes changes; and that stores behind the record are made afresh.
func TestMigrateKeepsDerived(t *testing.T) {
	ctx := context.Background()
	// bolt returns the graph file's identity. It holds the file open
	// until the test ends, so that a graph made afresh cannot get the
	// removed file's inode number and pass for it.
	bolt := func(dir string) os.FileInfo {
		f, err := os.Open(filepath.Join(dir, GraphDir, "indexes.bolt"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		fi, err := f.Stat()
		if err != nil {
			t.Fatal(err)
		}
		return fi
	}
	checkAndCode := func(t *testing.T, dir string, start int) {
		t.Helper()
		p, err := Open(dir, ReadWrite)
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		r, err := p.Check(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Problems) > 0 {
			t.Fatalf("check: %+v", r.Problems)
		}
		v, err := p.View(false)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.Code(ctx, []CodeRequest{{Span: coding.Span{Doc: v.Codings[0].Doc, Start: start, End: start + 4}, Code: "Framing"}}, "bo", "code"); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		name string
		keep bool
	}{{"Kept", true}, {"GraphBehind", false}} {
		t.Run(c.name, func(t *testing.T) {
			dsn := pgtest.DSN(t)
			dir := pgTestProject(t)
			if !c.keep {
				// As if the graph had not applied the last entry.
				gp, err := kg.ReadGraphPosition(filepath.Join(dir, GraphDir))
				if err != nil {
					t.Fatal(err)
				}
				gp.Seq--
				if err := kg.SetGraphPosition(filepath.Join(dir, GraphDir), gp); err != nil {
					t.Fatal(err)
				}
			}
			before := bolt(dir)
			if err := MigrateToDB(ctx, dir, dsn, nil); err != nil {
				t.Fatal(err)
			}
			if got := os.SameFile(before, bolt(dir)); got != c.keep {
				t.Errorf("into the database: the graph kept is %v, want %v", got, c.keep)
			}
			checkAndCode(t, dir, 12)
			before = bolt(dir)
			if err := MigrateToLocal(ctx, dir, MigrateBackOptions{Drop: true}); err != nil {
				t.Fatal(err)
			}
			if !os.SameFile(before, bolt(dir)) {
				t.Error("back into the folder: the graph was made afresh, want it kept")
			}
			checkAndCode(t, dir, 20)
		})
	}
}
