package server

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/service"
)

// TestBrowserLiveLists opens the list pages in Chromium and writes
// through the service meanwhile, as another coder or the CLI would: each
// page shows the change without reloading, keeping its filters, what the
// user is typing and where the page is scrolled.
func TestBrowserLiveLists(t *testing.T) {
	ctx := browser(t)
	bg := context.Background()
	svc, ids := testProject(t)
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(svc.Code(bg, "bo", service.CodeOptions{Span: span(t, svc, ids["north.txt"], "seed funding"), Code: "Lobbying"}))
	for _, e := range []coding.Entity{
		{ID: "bureau", Type: "LocalGovernment", Name: "Science Bureau"},
		{ID: "chen", Type: "SpinoffFounder", Name: "Chen"},
		{ID: "lin", Type: "SpinoffFounder", Name: "Lin"},
	} {
		must(svc.AddEntity(bg, "ann", service.AddEntityOptions{Entity: e}))
	}
	ts := httptest.NewServer(newServer(t, svc, Options{}).Handler())
	defer func() { ts.CloseClientConnections(); ts.Close() }() // the pages' event streams stay open

	run := func(actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatal(err)
		}
	}
	do := func(js string) { t.Helper(); run(chromedp.Evaluate[chromedp.Void](js)) }
	// open loads path and waits until its event stream is open, so that
	// the next write reaches it.
	open := func(path, ready string) {
		t.Helper()
		run(chromedp.Navigate(ts.URL+path), chromedp.WaitVisible(ready), chromedp.WaitReady(`body[data-events="open"]`))
	}
	// waitFor polls js until it is true, or fails with what.
	waitFor := func(js, what string) {
		t.Helper()
		// Generous: CI runs this beside the other packages' tests on
		// two cores.
		deadline := time.Now().Add(30 * time.Second)
		for {
			if liveEval[bool](t, ctx, js) {
				return
			}
			if time.Now().After(deadline) {
				body := liveEval[string](t, ctx, `document.querySelector("main").innerText`)
				state := liveEval[string](t, ctx, `JSON.stringify({events: document.body.dataset.events, changed: document.body.dataset.changed, refreshed: document.body.dataset.refreshed})`)
				t.Fatalf("without reloading, the page does not show %s (%s):\n%s", what, state, body)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	// The marker survives only if the page is not reloaded.
	const marker = `window.qgNotReloaded = true`
	notReloaded := func() {
		t.Helper()
		if !liveEval[bool](t, ctx, `window.qgNotReloaded === true`) {
			t.Fatal("the page was reloaded")
		}
	}
	// section names a part of the test in its output; the parts run in
	// turn on the one browser and server.
	section := func(name string, fn func()) {
		t.Helper()
		t.Logf("--- %s", name)
		fn()
	}
	shot := func(name string) {
		t.Helper()
		b, err := chromedp.Run(ctx, chromedp.FullScreenshot(90))
		if err != nil {
			t.Fatal(err)
		}
		dir := screenshotDir(t)
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", filepath.Join(dir, name))
	}

	section("OverviewRecentChanges", func() {
		open("/", "#recent")
		do(marker)
		must(svc.AddMemo(bg, "cy", service.MemoOptions{Target: "entity:chen", Text: "live memo"}))
		waitFor(`document.querySelector("#recent tbody tr") !== null && document.querySelector("#recent tbody tr").innerText.includes("cy") &&
			document.getElementById("count-memos").textContent === "1"`, "cy's memo among the recent changes")
		notReloaded()
	})

	section("Segments", func() {
		open("/segments?code=Lobbying&coder=", "#segments")
		do(marker)
		// Someone is typing in the filter form meanwhile.
		run(chromedp.SendKeys(`#segments-form input[name="attr"]`, "region=nor"))
		must(svc.Code(bg, "cy", service.CodeOptions{Span: span(t, svc, ids["east.txt"], "我们的协会"), Code: "Lobbying"}))
		waitFor(`document.getElementById("segments-count").textContent === "2" && document.querySelector("#segments").innerText.includes("我们的协会")`, "cy's segment")
		var typed string
		var focused bool
		typed = liveEval[string](t, ctx, `document.querySelector('#segments-form input[name="attr"]').value`)
		focused = liveEval[bool](t, ctx, `document.activeElement === document.querySelector('#segments-form input[name="attr"]')`)
		if typed != "region=nor" || !focused {
			t.Errorf("the filter being typed reads %q (focused %v), want %q, still focused", typed, focused, "region=nor")
		}
		var tree string
		tree = liveEval[string](t, ctx, `document.querySelector('[data-live="segments-tree"] a[aria-current] + .pg-n').textContent`)
		if tree != "2" {
			t.Errorf("the code tree counts %s codings of Lobbying, want 2", tree)
		}
		var coloured bool
		coloured = liveEval[bool](t, ctx, `Array.from(document.querySelectorAll("#segments .pg-swatch")).every(e => e.style.backgroundColor !== "" || e.classList.contains("pg-nocolour"))`)
		if !coloured {
			t.Error("the refreshed segments' swatches are not coloured")
		}
		notReloaded()
		shot("live-segments.png")
	})

	section("Assertions", func() {
		// A short window, scrolled down, with the quote form open and
		// being typed in, and the list filtered to bo's assertions.
		run(chromedp.EmulateViewport(1200, 240))
		defer run(chromedp.EmulateViewport(1200, 900))
		open("/assertions?coder=bo", "#assertions")
		do(marker)
		run(chromedp.Click(`details.qg-quote-form summary`), chromedp.SendKeys(`#assert-from-quote input[name="quote"]`, "lobbied"))
		// Rows of other coders: the filter must keep them out.
		must(svc.Assert(bg, "cy", service.AssertOptions{Assertion: coding.Assertion{Subject: "lin", Relation: "lobbies", Object: "bureau",
			Polarity: coding.Positive, Confidence: 1}, EvidenceQuotes: []service.QuoteRef{{Doc: "north.txt", Text: "We lobbied the bureau"}}}))
		a, err := svc.Assert(bg, "bo", service.AssertOptions{Assertion: coding.Assertion{Subject: "bureau", Relation: "funds", Object: "chen",
			Polarity: coding.Positive, Confidence: 0.8}, EvidenceQuotes: []service.QuoteRef{{Doc: "north.txt", Text: "The bureau gave us seed funding"}}})
		if err != nil {
			t.Fatal(err)
		}
		waitFor(fmt.Sprintf(`document.querySelectorAll("#assertions tbody tr").length === 1 && document.querySelector('#assertions tr[data-assertion="%s"]') !== null`, a.Assertion.ID), "bo's assertion, alone")
		do(`window.scrollTo(0, 120)`)
		// More evidence: the same row, with two quotes.
		must(svc.AddEvidence(bg, "bo", service.AddEvidenceOptions{Ref: a.Assertion.ID, Quotes: []service.QuoteRef{{Doc: "east.txt", Text: "我们的协会"}}}))
		waitFor(fmt.Sprintf(`document.querySelectorAll('#assertions tr[data-assertion="%s"] .qg-evidence li').length === 2`, a.Assertion.ID), "the evidence added to bo's assertion")
		var y float64
		var typed string
		var formOpen bool
		y = liveEval[float64](t, ctx, `window.scrollY`)
		typed = liveEval[string](t, ctx, `document.querySelector('#assert-from-quote input[name="quote"]').value`)
		formOpen = liveEval[bool](t, ctx, `document.querySelector("details.qg-quote-form").open`)
		if y != 120 || typed != "lobbied" || !formOpen {
			t.Errorf("after the refresh: scrolled to %v (want 120), quote form open %v with %q (want open with %q)", y, formOpen, typed, "lobbied")
		}
		var rows int
		rows = liveEval[int](t, ctx, `document.querySelectorAll("#assertions tbody tr").length`)
		if rows != 1 {
			t.Errorf("the filter to bo's assertions lets %d rows through, want 1", rows)
		}
		notReloaded()
	})

	section("MemosAndCodebook", func() {
		open("/memos", "#memos-count")
		do(marker)
		run(chromedp.SendKeys(`#add-memo textarea[name="text"]`, "half a thought"))
		must(svc.AddMemo(bg, "bo", service.MemoOptions{Target: "entity:lin", Text: "another live memo"}))
		waitFor(`document.getElementById("memos-count").textContent === "2" && document.querySelector('[data-live="memos"]').innerText.includes("another live memo")`, "bo's memo")
		var typed string
		typed = liveEval[string](t, ctx, `document.querySelector('#add-memo textarea[name="text"]').value`)
		if typed != "half a thought" {
			t.Errorf("the memo being written reads %q", typed)
		}
		notReloaded()

		open("/codebook", "#codebook")
		do(marker)
		must(svc.Code(bg, "bo", service.CodeOptions{Span: span(t, svc, ids["north.txt"], "lobbied the bureau"), Code: "Lobbying"}))
		waitFor(`document.querySelector('#codebook tr[data-code="Lobbying"] .pg-total').textContent.trim() === "3"`, "the third Lobbying coding in the codebook's counts")
		notReloaded()
	})

	section("Documents", func() {
		open("/documents", "#documents")
		do(marker)
		src := filepath.Join(t.TempDir(), "west.txt")
		if err := os.WriteFile(src, []byte("Li: A third interview.\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		must(svc.Import(bg, "ann", service.ImportOptions{Paths: []string{src}, Kind: "interview"}))
		waitFor(`document.querySelectorAll("#documents tbody tr").length === 3`, "the document imported")
		var names string
		names = liveEval[string](t, ctx, `document.querySelector("#documents").innerText`)
		if !strings.Contains(names, "west.txt") {
			t.Errorf("documents list %q lacks west.txt", names)
		}
		notReloaded()
	})
}

// liveEval evaluates js in the page of ctx and returns its value.
func liveEval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}
