package server

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/coding/suggest"
	"github.com/qualgraph/qualgraph/service"
)

// TestBrowserSuggestions drives the suggestions of the document view in
// Chromium on the demo project: nothing is fetched while they are off;
// turned on, each suggested coding is a dashed highlight at the service's
// offsets, hovering explains it, the keyboard accepts one (an ordinary
// coding by the local owner, marked as suggested) and rejects one (gone
// after a reload), the per-code switch hides a code's suggestions and is
// remembered, and a suggested assertion's card accepts it.
func TestBrowserSuggestions(t *testing.T) {
	svc := demoProject(t) // before the browser, whose time runs from its start
	bg := context.Background()
	docs, err := svc.Documents(bg, service.DocumentsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// A document with suggested codings of two codes at least, and one
	// with suggested assertions.
	var codeDoc, assertDoc string
	var gs []service.Suggestion
	var ps []suggest.Proposal
	for _, d := range docs {
		g, err := svc.Suggest(bg, service.SuggestOptions{Docs: []string{d.ID}})
		if err != nil {
			t.Fatal(err)
		}
		codes := map[string]bool{}
		for _, x := range g {
			codes[x.Code] = true
		}
		if codeDoc == "" && len(g) >= 3 && len(codes) >= 2 {
			codeDoc, gs = d.ID, g
		}
		p, err := svc.SuggestAssertions(bg, service.AssertSuggestOptions{Docs: []string{d.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if assertDoc == "" && len(p) > 0 {
			assertDoc, ps = d.ID, p
		}
	}
	if codeDoc == "" || assertDoc == "" {
		t.Fatalf("the demo has no document with 3 suggested codings of 2 codes (%q) or none with a suggested assertion (%q)", codeDoc, assertDoc)
	}
	codeProps, err := svc.SuggestAssertions(bg, service.AssertSuggestOptions{Docs: []string{codeDoc}})
	if err != nil {
		t.Fatal(err)
	}

	ctx := browser(t)
	ts := httptest.NewServer(newServer(t, svc, Options{Owner: "ann"}).Handler())
	defer func() { ts.CloseClientConnections(); ts.Close() }()
	run := func(as ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, as...); err != nil {
			t.Fatal(err)
		}
	}
	key := func(k string) { t.Helper(); run(chromedp.KeyEvent(k)) }
	turnOn := func(want int) {
		t.Helper()
		run(chromedp.Click("#sugg-toggle"))
		waitFor(t, ctx, "the suggestions to be drawn", `document.getElementById("docview").dataset.suggestions === "`+strconv.Itoa(want)+`"`)
	}

	openDoc(t, ctx, ts.URL, codeDoc)
	t.Run("OffFetchesNothing", func(t *testing.T) {
		n := eval[int](t, ctx, `performance.getEntriesByType("resource").filter((e) => e.name.includes("suggestions")).length + document.querySelectorAll("[data-sugg]").length`)
		if n != 0 {
			t.Fatalf("with suggestions off, %d suggestion fetches or marks", n)
		}
	})
	turnOn(len(gs) + len(codeProps))

	// Each suggestion's runs, drawn, span the service's offsets.
	spans := eval[map[string][2]int](t, ctx, `(function (ids) {
  const out = {};
  for (const [id, s] of ids) {
    window.qgDocview.build(s);
  }
  for (const [id] of ids) {
    let s = -1, e = -1;
    for (const r of document.querySelectorAll('#doc-text [data-sugg~="' + id + '"]')) {
      if (getComputedStyle(r).outlineStyle !== "dashed") { return {bad: [0, 0]}; }
      const a = Number(r.dataset.s), b = a + Array.from(r.textContent).length;
      if (s < 0 || a < s) s = a;
      if (b > e) e = b;
    }
    out[id] = [s, e];
  }
  return out;
})(`+jsJSON(t, idStarts(gs))+`)`)
	for _, g := range gs {
		if got := spans[g.ID]; got != [2]int{g.Start, g.End} {
			t.Fatalf("suggestion %s (%s) drawn at %v, service says %d-%d (all drawn: %v)", g.ID, g.Code, got, g.Start, g.End, spans)
		}
	}

	t.Run("HoverExplains", func(t *testing.T) {
		g := gs[0]
		pt := eval[[2]float64](t, ctx, `(function () {
  const r = document.querySelector('#doc-text [data-sugg~="`+g.ID+`"]');
  r.scrollIntoView({block: "center"});
  const b = r.getClientRects()[0];
  return [b.left + 3, b.top + b.height / 2];
})()`)
		run(chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, pt[0], pt[1]))
		waitFor(t, ctx, "the explanation", `!document.getElementById("sugg-tip").hidden`)
		tip := eval[string](t, ctx, `document.getElementById("sugg-tip").textContent`)
		for _, tw := range g.Terms {
			if !strings.Contains(tip, tw.Term) {
				t.Fatalf("the explanation %q lacks the term %q", tip, tw.Term)
			}
		}
		for _, s := range g.Similar {
			if !strings.Contains(tip, s.Coder) {
				t.Fatalf("the explanation %q lacks the similar segment's coder %q", tip, s.Coder)
			}
		}
		if !strings.Contains(tip, g.Code) || len(g.Terms) == 0 {
			t.Fatalf("the explanation %q lacks the code %s or terms %v", tip, g.Code, g.Terms)
		}
		run(chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, 2, 2))
	})

	// n focuses the first suggestion in text order; a accepts it.
	key("n")
	first := eval[string](t, ctx, `document.getElementById("docview").dataset.suggFocus || ""`)
	i := slices.IndexFunc(gs, func(g service.Suggestion) bool { return g.ID == first })
	if i < 0 {
		t.Fatalf("n focused %q, no suggested coding of the document", first)
	}
	acc := gs[i]
	fetches := `performance.getEntriesByType("resource").filter((e) => /\/suggestions$/.test(e.name)).length`
	before := eval[int](t, ctx, fetches)
	key("a")
	waitFor(t, ctx, "the accepted suggestion drawn as a coding", `!document.querySelector('[data-sugg~="`+acc.ID+`"]') && document.querySelector('#doc-text .hl[data-s="`+strconv.Itoa(acc.Start)+`"]')`)
	cs, err := svc.Codings(bg, service.CodingsOptions{Doc: codeDoc, Code: acc.Code})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(cs, func(c service.QuotedCoding) bool {
		return c.Start == acc.Start && c.End == acc.End && c.Code == acc.Code && c.Coder == "ann" && c.Suggested != nil && c.Suggested.Score == acc.Score
	}) {
		t.Fatalf("accepted %s (%s %d-%d) is not a suggested coding by ann: %+v", acc.ID, acc.Code, acc.Start, acc.End, cs)
	}

	// The acceptance changed the project, so the page fetches the
	// suggestions again, from a model that learnt from it: one it focused
	// after the acceptance may be gone once that fetch is drawn. r rejects
	// a suggested coding of the service's now, focused after that draw
	// (n moves the focus on until it is one).
	cur, err := svc.Suggest(bg, service.SuggestOptions{Docs: []string{codeDoc}})
	if err != nil {
		t.Fatal(err)
	}
	curP, err := svc.SuggestAssertions(bg, service.AssertSuggestOptions{Docs: []string{codeDoc}})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the suggestions fetched again after the acceptance", fetches+` > `+strconv.Itoa(before))
	waitFor(t, ctx, "the suggestions fetched again drawn", `document.getElementById("docview").dataset.suggestions === "`+strconv.Itoa(len(cur)+len(curP))+`"`)
	focus := func() string {
		return eval[string](t, ctx, `document.getElementById("docview").dataset.suggFocus || ""`)
	}
	isCur := func(id string) bool {
		return slices.ContainsFunc(cur, func(g service.Suggestion) bool { return g.ID == id })
	}
	for n := 0; !isCur(focus()) && n <= len(cur)+len(curP); n++ {
		key("n")
	}
	rejID := focus()
	if rejID == acc.ID || !isCur(rejID) {
		t.Fatalf("focused %q after the acceptance of %s, not one of the suggested codings now", rejID, acc.ID)
	}
	key("r")
	waitFor(t, ctx, "the rejected suggestion gone", `!document.querySelector('[data-sugg~="`+rejID+`"]')`)
	v, err := svc.Project().View(false)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(v.Rejections, func(r coding.Rejection) bool { return r.ID == rejID && r.Coder == "ann" }) {
		t.Fatalf("rejection of %s by ann not recorded", rejID)
	}

	dir := screenshotDir(t)
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(90))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "suggestions.jpg"), shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", filepath.Join(dir, "suggestions.jpg"))

	// After a reload, the rejected suggestion is not suggested again.
	now, err := svc.Suggest(bg, service.SuggestOptions{Docs: []string{codeDoc}})
	if err != nil {
		t.Fatal(err)
	}
	nowP, err := svc.SuggestAssertions(bg, service.AssertSuggestOptions{Docs: []string{codeDoc}})
	if err != nil {
		t.Fatal(err)
	}
	openDoc(t, ctx, ts.URL, codeDoc)
	turnOn(len(now) + len(nowP))
	if eval[bool](t, ctx, `(function () { for (const g of `+jsJSON(t, idStarts(gs))+`) window.qgDocview.build(g[1]); return !!document.querySelector('[data-sugg~="`+rejID+`"]'); })()`) {
		t.Fatalf("rejected %s drawn again after a reload", rejID)
	}

	t.Run("PerCodeSwitch", func(t *testing.T) {
		if len(now) == 0 {
			t.Fatal("no suggestions left to switch off")
		}
		code := now[0].Code
		var of, others []string
		for _, g := range now {
			if g.Code == code {
				of = append(of, g.ID)
			} else {
				others = append(others, g.ID)
			}
		}
		run(chromedp.Click(`#sugg-codes input[data-code="` + code + `"]`))
		waitFor(t, ctx, "the code's suggestions hidden", `document.getElementById("docview").dataset.suggestions === "`+strconv.Itoa(len(now)+len(nowP)-len(of))+`"`)
		drawnIDs := func() []string {
			return eval[[]string](t, ctx, `(function () {
  for (const g of `+jsJSON(t, idStarts(now))+`) window.qgDocview.build(g[1]);
  return Array.from(new Set(Array.from(document.querySelectorAll("#doc-text [data-sugg]")).flatMap((r) => r.dataset.sugg.split(" "))));
})()`)
		}
		got := drawnIDs()
		for _, id := range of {
			if slices.Contains(got, id) {
				t.Fatalf("%s switched off, its suggestion %s still drawn", code, id)
			}
		}
		for _, id := range others {
			if !slices.Contains(got, id) {
				t.Fatalf("suggestion %s of another code than %s not drawn", id, code)
			}
		}
		// Remembered: after a reload the code stays off.
		openDoc(t, ctx, ts.URL, codeDoc)
		turnOn(len(now) + len(nowP) - len(of))
		if eval[bool](t, ctx, `document.querySelector('#sugg-codes input[data-code="`+code+`"]').checked`) {
			t.Fatalf("the switch of %s is on again after a reload", code)
		}
	})

	t.Run("AcceptAssertion", func(t *testing.T) {
		openDoc(t, ctx, ts.URL, assertDoc)
		nowG, err := svc.Suggest(bg, service.SuggestOptions{Docs: []string{assertDoc}})
		if err != nil {
			t.Fatal(err)
		}
		turnOn(len(nowG) + len(ps) - countOff(nowG, now[0].Code))
		p := ps[0]
		run(chromedp.Click(`.sugg-card[data-id="` + p.ID + `"]`))
		waitFor(t, ctx, "the card's suggestion focused", `document.getElementById("docview").dataset.suggFocus === "`+p.ID+`"`)
		if eval[string](t, ctx, `document.querySelector('.sugg-card[data-id="`+p.ID+`"] .stmt').textContent`) == "" {
			t.Fatal("the card says no statement")
		}
		run(chromedp.Focus(`.sugg-card[data-id="` + p.ID + `"]`))
		key("a")
		waitFor(t, ctx, "the card gone", `!document.querySelector('.sugg-card[data-id="`+p.ID+`"]')`)
		var found bool
		deadline := time.Now().Add(5 * time.Second)
		for !found && time.Now().Before(deadline) {
			v, err := svc.Project().View(false)
			if err != nil {
				t.Fatal(err)
			}
			found = slices.ContainsFunc(v.Assertions, func(a coding.Assertion) bool {
				return a.Subject == p.Subject && a.Relation == p.Relation && a.Object == p.Object && a.Coder == "ann" && a.Suggested != nil
			})
			time.Sleep(50 * time.Millisecond)
		}
		if !found {
			t.Fatalf("the accepted assertion %s %s %s is not recorded by ann as suggested", p.Subject, p.Relation, p.Object)
		}
	})
}

// countOff counts the suggestions of gs with code.
func countOff(gs []service.Suggestion, code string) int {
	n := 0
	for _, g := range gs {
		if g.Code == code {
			n++
		}
	}
	return n
}

// idStarts gives each suggestion's id and start.
func idStarts(gs []service.Suggestion) [][2]any {
	out := make([][2]any, len(gs))
	for i, g := range gs {
		out[i] = [2]any{g.ID, g.Start}
	}
	return out
}

func jsJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
