package server

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/chromedp/chromedp"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/demo"
	"github.com/qualgraph/qualgraph/project"
	"github.com/qualgraph/qualgraph/service"
)

// TestBrowserMentionDialog selects a span by mouse in the document view of
// the demo project, chooses Mention…, and saves it in the dialog: once as
// a mention of an existing entity picked by its name, once as a mention of
// a new entity named, with a class chosen, in the dialog. The service then
// holds both mentions at the selections' exact code points, and the new
// entity with its class.
func TestBrowserMentionDialog(t *testing.T) {
	if _, err := exec.LookPath(chromium); err != nil {
		t.Skipf("!!! %s not found (scripts/test.sh installs Debian's chromium): the browser test is SKIPPED", chromium)
	}
	bg := context.Background()
	dir := filepath.Join(t.TempDir(), "demo")
	if _, err := demo.Build(bg, dir, demo.Options{}); err != nil {
		t.Fatal(err)
	}
	p, err := project.Open(dir, project.Shared)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	svc := service.New(p)
	v, err := p.View(false)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Entities) == 0 {
		t.Fatal("the demo has no entities")
	}
	existing := v.Entities[0]
	voc, err := svc.Vocabulary(bg)
	if err != nil {
		t.Fatal(err)
	}
	if len(voc.Actors) < 2 {
		t.Fatalf("the vocabulary has %d actor classes, want two to choose from", len(voc.Actors))
	}
	newClass := voc.Actors[len(voc.Actors)-1] // not the dialog's default

	// Three quotes in Chinese (code points differ from UTF-16 units and
	// bytes) that each occur once in their document and lie in one run of
	// the view: no coding starts or ends inside them.
	type quoted struct {
		doc, text  string
		start, end int
	}
	var quotes []quoted
	docs, err := svc.Documents(bg, service.DocumentsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	inOneRun := func(doc string, start, end int) bool {
		for _, c := range v.Codings {
			if c.Doc == doc && (c.Start > start && c.Start < end || c.End > start && c.End < end) {
				return false
			}
		}
		return true
	}
	for _, d := range docs {
		text, err := p.Text(d.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(text, "\n") {
			r := []rune(line)
			if len(quotes) == 3 || len(r) < 30 {
				continue
			}
			q := string(r[10:22])
			if strings.Count(text, q) != 1 || strings.ContainsAny(q, ":：\u200b") || utf8.RuneCountInString(q) == len(q) || strings.TrimSpace(q) != q {
				continue
			}
			at := utf8.RuneCountInString(text[:strings.Index(text, q)])
			if inOneRun(d.ID, at, at+12) {
				quotes = append(quotes, quoted{d.ID, q, at, at + 12})
			}
		}
	}
	if len(quotes) < 3 {
		t.Fatalf("found %d Chinese quotes in one run of the demo, want 3", len(quotes))
	}

	ctx := browser(t)
	ts := httptest.NewServer(newServer(t, svc, Options{Owner: "ann"}).Handler())
	defer func() { ts.CloseClientConnections(); ts.Close() }()
	const dialog = "dialog.qg-dialog"
	tests := []struct {
		name string
		q    quoted
		fill func(t *testing.T)
		// entity checks the mention's entity; it returns what is wrong.
		entity func(id string) string
	}{
		{"ExistingEntity", quotes[0], func(t *testing.T) {
			if err := chromedp.Do(ctx,
				chromedp.SendKeys(dialog+" input[aria-label='Filter entity']", existing.Name),
				chromedp.WaitReady(dialog+" select[data-role=entity] option[value='"+existing.ID+"']"),
				chromedp.SetValue(dialog+" select[data-role=entity]", existing.ID),
			); err != nil {
				t.Fatal(err)
			}
		}, func(id string) string {
			if id != existing.ID {
				return "entity " + id + ", want " + existing.ID
			}
			return ""
		}},
		{"NewEntity", quotes[1], func(t *testing.T) {
			if err := chromedp.Do(ctx,
				chromedp.SendKeys(dialog+" input[name=name]", "Lakeside Growers 湖畔合作社"),
				chromedp.SetValue(dialog+" select[name=class]", newClass),
			); err != nil {
				t.Fatal(err)
			}
			shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
			if err != nil {
				t.Fatal(err)
			}
			sdir := screenshotDir(t)
			file := filepath.Join(sdir, "mention-dialog.png")
			if err := os.WriteFile(file, shot, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("screenshot of the mention dialog: %s (folder %s)", file, sdir)
		}, func(id string) string {
			w, err := p.View(false)
			if err != nil {
				return err.Error()
			}
			for _, e := range w.Entities {
				if e.ID == id {
					if e.Name != "Lakeside Growers 湖畔合作社" || e.Type != newClass {
						return "new entity " + e.Name + " (" + e.Type + "), want Lakeside Growers 湖畔合作社 (" + newClass + ")"
					}
					return ""
				}
			}
			return "no entity " + id
		}},
		// The entity was looked for first and not found: the empty list
		// must not keep the new one from being saved.
		{"NewEntityAfterFilter", quotes[2], func(t *testing.T) {
			if err := chromedp.Do(ctx,
				chromedp.SendKeys(dialog+" input[aria-label='Filter entity']", "nobody by this name"),
				chromedp.SendKeys(dialog+" input[name=name]", "Hilltop Union 山顶联合会"),
			); err != nil {
				t.Fatal(err)
			}
			if n := eval[int](t, ctx, `document.querySelectorAll("`+dialog+` select[data-role=entity] option").length`); n != 0 {
				t.Fatalf("the filter left %d entities", n)
			}
		}, func(id string) string {
			w, err := p.View(false)
			if err != nil {
				return err.Error()
			}
			for _, e := range w.Entities {
				if e.ID == id {
					if e.Name != "Hilltop Union 山顶联合会" || e.Type != voc.Actors[0] {
						return "new entity " + e.Name + " (" + e.Type + "), want Hilltop Union 山顶联合会 (" + voc.Actors[0] + ")"
					}
					return ""
				}
			}
			return "no entity " + id
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want := span(t, svc, tc.q.doc, tc.q.text)
			if want.Start != tc.q.start || want.End != tc.q.end {
				t.Fatalf("%q is at %d-%d, the service counts %d-%d", tc.q.text, tc.q.start, tc.q.end, want.Start, want.End)
			}
			openDoc(t, ctx, ts.URL, tc.q.doc)
			settle(t, ctx, tc.q.text)
			selectByMouse(t, ctx, tc.q.text)
			if err := chromedp.Do(ctx,
				chromedp.WaitVisible(`button[data-event="qg-mention"]`),
				chromedp.Click(`button[data-event="qg-mention"]`),
				chromedp.WaitVisible(dialog+" select[data-role=entity]"),
			); err != nil {
				t.Fatal(err)
			}
			if got := eval[string](t, ctx, `document.querySelector("`+dialog+` .qg-selection").textContent`); got != tc.q.text {
				t.Errorf("the dialog quotes %q, want %q", got, tc.q.text)
			}
			tc.fill(t)
			if err := chromedp.Do(ctx, chromedp.Click(dialog+" button[type=submit]")); err != nil {
				t.Fatal(err)
			}
			var got *coding.Mention
			deadline := time.Now().Add(10 * time.Second)
			for got == nil {
				w, err := p.View(false)
				if err != nil {
					t.Fatal(err)
				}
				for _, m := range w.Mentions {
					if m.Doc == tc.q.doc && m.Coder == "ann" && m.Start == want.Start && m.End == want.End {
						got = &m
					}
				}
				if got == nil && time.Now().After(deadline) {
					msg, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(function () { const d = document.querySelector("dialog.qg-dialog"); return d ? "open: " + d.querySelector(".error").textContent : "closed"; })()`))
					t.Fatalf("no mention by ann at %d-%d of %s (%q); the dialog is %s", want.Start, want.End, tc.q.doc, tc.q.text, msg)
				}
				time.Sleep(100 * time.Millisecond)
			}
			if bad := tc.entity(got.Entity); bad != "" {
				t.Error(bad)
			}
			waitFor(t, ctx, "the dialog to close", `!document.querySelector("`+dialog+`")`)
		})
	}
}

// settle scrolls phrase into view and waits until it stays where it is:
// turns that come into view are laid out then, and those above it may
// move it.
func settle(t *testing.T, ctx context.Context, phrase string) {
	t.Helper()
	var last [4]float64
	for i := 0; i < 50; i++ {
		x1, y1, x2, y2 := phraseRect(t, ctx, phrase)
		now := [4]float64{x1, y1, x2, y2}
		if now == last {
			return
		}
		last = now
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%q keeps moving on the page", phrase)
}
