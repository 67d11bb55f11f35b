package server

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
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

// TestBrowserAssertionToLinks makes an assertion from a quote in the
// demo project on the assertions page, with the keyboard-driven dialog,
// finds it in the links explorer and clicks its edge to see its evidence
// quote.
func TestBrowserAssertionToLinks(t *testing.T) {
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

	// A subject and an object the ontology relates, and a quote that
	// occurs once in a document.
	v, err := p.View(true)
	if err != nil {
		t.Fatal(err)
	}
	var subj, obj coding.Entity
	var rel string
	for _, s := range v.Entities {
		for _, o := range v.Entities {
			if rel != "" || s.ID == o.ID {
				continue
			}
			rs, err := svc.Relations(bg, s.ID, o.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(rs) > 0 {
				subj, obj, rel = s, o, rs[0].ID
			}
		}
	}
	if rel == "" {
		t.Fatal("the demo has no two entities the ontology relates")
	}
	docs, err := svc.Documents(bg, service.DocumentsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Two quotes that each occur once: one for each way of starting an
	// assertion.
	type quoted struct{ docID, docName, text string }
	var quotes []quoted
	cv, err := p.View(false)
	if err != nil {
		t.Fatal(err)
	}
	// inOneRun says no coding begins or ends inside [start, end) of doc:
	// the document view draws such a stretch as one run of text.
	inOneRun := func(doc string, start, end int) bool {
		for _, c := range cv.Codings {
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
			if r := []rune(line); len(quotes) < 2 && len(r) > 60 {
				q := strings.TrimSpace(string(r[12:52]))
				if strings.Count(text, q) != 1 || strings.ContainsAny(q, ":：") {
					continue
				}
				at := utf8.RuneCountInString(text[:strings.Index(text, q)])
				if len(quotes) == 0 || inOneRun(d.ID, at, at+utf8.RuneCountInString(q)) {
					quotes = append(quotes, quoted{d.ID, d.Name, q})
				}
			}
		}
	}
	if len(quotes) < 2 {
		t.Fatal("no two quotes found in the demo")
	}
	before, err := svc.Assertions(bg, service.AssertionsOptions{})
	if err != nil {
		t.Fatal(err)
	}

	// The browser session's time starts now, after building the demo.
	ctx := browser(t)
	ts := httptest.NewServer(newServer(t, svc, Options{Owner: "ann"}).Handler())
	defer func() { ts.CloseClientConnections(); ts.Close() }()
	dialog := "dialog.qg-dialog"
	// From the assertions page's "new assertion from a quote", and from a
	// selection made with the mouse in the document view.
	for i, via := range []string{"quote form", "document selection"} {
		docName, quote := quotes[i].docName, quotes[i].text
		t.Logf("an assertion from the %s: %q in %s", via, quote, docName)
		if via == "quote form" {
			if err := chromedp.Do(ctx,
				chromedp.Navigate(ts.URL+"/assertions"),
				chromedp.WaitVisible("#assertions"),
				chromedp.Click(".qg-quote-form summary"),
				chromedp.SendKeys("#assert-from-quote input[name=doc]", docName),
				chromedp.SendKeys("#assert-from-quote input[name=quote]", quote),
				chromedp.Click("#assert-from-quote button[type=submit]"),
			); err != nil {
				t.Fatal(err)
			}
		} else {
			openDoc(t, ctx, ts.URL, quotes[i].docID)
			selectByMouse(t, ctx, quote)
			if err := chromedp.Do(ctx, chromedp.WaitVisible(`button[data-event="qg-assert"]`), chromedp.Click(`button[data-event="qg-assert"]`)); err != nil {
				t.Fatal(err)
			}
		}
		if err := chromedp.Do(ctx,
			chromedp.WaitVisible(dialog+" select[data-role=subject]"),
			// The subject filter has the focus: type the name, as a user does.
			chromedp.SendKeys(dialog+" input[aria-label='Filter subject']", subj.Name),
			chromedp.SendKeys(dialog+" input[aria-label='Filter object']", obj.Name),
			chromedp.WaitReady(dialog+" select[name=relation] option[value='"+rel+"']"),
			chromedp.SetValue(dialog+" select[name=relation]", rel),
			chromedp.SetValue(dialog+" input[name=confidence]", "0.7"),
			chromedp.Click(dialog+" button[type=submit]"),
		); err != nil {
			t.Fatal(err)
		}
		// The assertion is recorded with the quote as evidence.
		var made service.AssertionRow
		deadline := time.Now().Add(10 * time.Second)
		for made.ID == "" {
			after, err := svc.Assertions(bg, service.AssertionsOptions{Filter: coding.LinkFilter{Coder: "ann", Relation: rel}})
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range after {
				if a.Subject == subj.ID && a.Object == obj.ID && len(a.Quotes) == 1 && a.Quotes[0].Text == quote {
					made = a
				}
			}
			if made.ID == "" && time.Now().After(deadline) {
				msg, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(function(){const d=document.querySelector("dialog");if(!d){return "no dialog; "+document.getElementById("assertions-msg").textContent}const f=d.querySelector("form");return d.querySelector(".error").textContent+" valid="+f.checkValidity()+" "+Array.from(f.elements).map(function(e){return e.name+"="+e.value+(e.validity&&!e.validity.valid?"!":"")}).join(" ")})()`))
				t.Fatalf("no assertion %s %s %s by ann with evidence %q (dialog says %q); %d before", subj.ID, rel, obj.ID, quote, msg, len(before))
			}
			time.Sleep(100 * time.Millisecond)
		}
		if made.Confidence != 0.7 {
			t.Errorf("confidence %v, want 0.7 as typed", made.Confidence)
		}

		// The links explorer draws it; its edge lists the quote with a link
		// into the document at the span.
		edge := "#links-graph g.a-" + made.ID
		if err := chromedp.Do(ctx,
			chromedp.Navigate(ts.URL+"/links?relation="+rel),
			chromedp.WaitVisible(edge),
			chromedp.Click(edge+" text"),
			chromedp.WaitVisible("#links-evidence ul.qg-evidence a"),
		); err != nil {
			t.Fatal(err)
		}
		evidence, err := chromedp.Run(ctx, chromedp.Text("#links-evidence"))
		if err != nil {
			t.Fatal(err)
		}
		// The edge may carry other assertions too: the link of the one
		// whose text is this quote.
		href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(function (q) {
  for (const a of document.querySelectorAll("#links-evidence ul.qg-evidence a")) {
    if (a.closest("li") && a.closest("li").textContent.includes(q)) return a.getAttribute("href");
  }
  return "";
})(`+strconv.Quote(quote)+`)`))
		if err != nil {
			t.Fatal(err)
		}
		q := made.Quotes[0]
		if !strings.Contains(evidence, quote) || !strings.HasSuffix(href, "#s="+strconv.Itoa(q.Start)+"-"+strconv.Itoa(q.End)) || !strings.Contains(href, q.Doc) {
			t.Errorf("evidence %q with link %q, want the quote %q linked to %s#s=%d-%d", evidence, href, quote, q.Doc, q.Start, q.End)
		}
	}
	scripts, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#links-graph script, #links-graph a, #links-graph foreignObject").length`))
	if err != nil || scripts != 0 {
		t.Errorf("the inserted drawing holds %d script, link or foreign elements (%v)", scripts, err)
	}
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	sdir := screenshotDir(t)
	file := filepath.Join(sdir, "links-explorer.png")
	if err := os.WriteFile(file, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot of the links explorer: %s (folder %s)", file, sdir)
}
