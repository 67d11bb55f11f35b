package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/qualgraph/qualgraph/demo"
	"github.com/qualgraph/qualgraph/project"
	"github.com/qualgraph/qualgraph/service"
)

// demoProject builds the coded demo in a temporary folder and opens it
// shared, as qualgraph demo --serve does.
func demoProject(t *testing.T) *service.Service {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "jinlan")
	if _, err := demo.Build(context.Background(), dir, demo.Options{}); err != nil {
		t.Fatal(err)
	}
	p, err := project.Open(dir, project.Shared)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return service.New(p)
}

// TestBrowserPages drives the list pages of the demo project in Chromium:
// retrieving a code's segments by type-ahead, the codebook's counts, the
// agreement figures, and searching and coding all hits with a preview.
func TestBrowserPages(t *testing.T) {
	svc := demoProject(t) // before the browser, whose time runs from its start
	ctx := browser(t)
	bg := context.Background()
	ts := httptest.NewServer(newServer(t, svc, Options{}).Handler())
	defer func() { ts.CloseClientConnections(); ts.Close() }()
	text := func(t *testing.T, sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("%s: %v", sel, err)
		}
		return strings.TrimSpace(s)
	}
	eval := func(t *testing.T, js string, v any) {
		t.Helper()
		// Evaluate as JSON, decoded into v by the test.
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string]("JSON.stringify("+js+")"))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		if err := jsonUnmarshal(s, v); err != nil {
			t.Fatalf("%s: %v: %s", js, err, s)
		}
	}

	t.Run("Segments", func(t *testing.T) {
		const code = "LegitimationPractice"
		want, err := svc.Segments(bg, service.SegmentsOptions{Code: code})
		if err != nil {
			t.Fatal(err)
		}
		if len(want) < 5 {
			t.Fatalf("the demo has %d segments of %s: too few to test", len(want), code)
		}
		// Type the code's name into the picker and press Enter.
		if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/segments"), chromedp.WaitVisible(chromedp.CSS("#segments-form input[name=code]")),
			chromedp.SendKeys(chromedp.CSS("#segments-form input[name=code]"), code+kb.Enter)); err != nil {
			t.Fatal(err)
		}
		wait(t, ctx, "#segments-count")
		if got := text(t, "#segments-count"); got != strconv.Itoa(len(want)) {
			t.Errorf("the page counts %s segments of %s, the service %d", got, code, len(want))
		}
		var rows []struct{ Href, Quote, Coder string }
		eval(t, `Array.from(document.querySelectorAll("#segments tbody tr")).map(r => ({Href: r.cells[0].querySelector("a").getAttribute("href"), Quote: r.cells[4].textContent, Coder: r.cells[2].textContent}))`, &rows)
		if len(rows) != len(want) {
			t.Fatalf("the page lists %d segments, the service %d", len(rows), len(want))
		}
		for _, i := range []int{0, len(want) / 2, len(want) - 1} {
			w := want[i]
			if rows[i].Quote != w.Text || rows[i].Coder != w.Coder || rows[i].Href != fmt.Sprintf("/documents/%s#s=%d-%d", w.Doc, w.Start, w.End) {
				t.Errorf("row %d: %+v, want %q by %s linked to %s at %d-%d", i, rows[i], w.Text, w.Coder, w.Doc, w.Start, w.End)
			}
		}
		shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		dir := screenshotDir(t)
		file := filepath.Join(dir, "segments.png")
		if err := os.WriteFile(file, shot, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot of the retrieved segments: %s (folder %s)", file, dir)
	})

	t.Run("Codebook", func(t *testing.T) {
		tree, err := svc.CodeTree(bg, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/codebook"), chromedp.WaitVisible(chromedp.CSS("#codebook"))); err != nil {
			t.Fatal(err)
		}
		var coders []string
		eval(t, `Array.from(document.querySelectorAll("#codebook thead th")).slice(4, -1).map(th => th.textContent)`, &coders)
		var rows map[string][]string
		eval(t, `Object.fromEntries(Array.from(document.querySelectorAll("#codebook tbody tr")).map(r => [r.dataset.code, Array.from(r.cells).slice(3, -1).map(c => c.textContent)]))`, &rows)
		if len(rows) != len(tree) || len(coders) < 2 {
			t.Fatalf("the codebook shows %d codes and coders %v, the service %d codes", len(rows), coders, len(tree))
		}
		coded := 0
		for _, n := range tree {
			want := []string{strconv.Itoa(n.Codings)}
			for _, k := range coders {
				want = append(want, strconv.Itoa(n.ByCoder[k]))
			}
			if got := rows[n.ID]; strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("code %s: the codebook shows %v (all, %v), the service %v", n.ID, got, coders, want)
			}
			if n.Codings > 0 {
				coded++
			}
		}
		if coded < 10 {
			t.Errorf("only %d codes have codings: the demo is not coded", coded)
		}
	})

	t.Run("Agreement", func(t *testing.T) {
		rep, err := svc.Agreement(bg, service.AgreementOptions{Coders: []string{"ann", "bo"}})
		if err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/agreement"), chromedp.WaitVisible(chromedp.CSS("select[name=a]")),
			chromedp.SetValue(chromedp.CSS("select[name=a]"), "ann"), chromedp.SetValue(chromedp.CSS("select[name=b]"), "bo"),
			chromedp.Click(chromedp.CSS(".pg-agreement-form button")), chromedp.WaitVisible(chromedp.CSS("#agreement"))); err != nil {
			t.Fatal(err)
		}
		var rows map[string][]string
		eval(t, `Object.fromEntries(Array.from(document.querySelectorAll("#agreement tbody tr")).map(r => [r.dataset.code, [r.querySelector(".pg-percent").textContent, r.querySelector(".pg-kappa").textContent, r.querySelector(".pg-alpha-u").textContent]]))`, &rows)
		if len(rows) != len(rep.Codes) || len(rep.Codes) == 0 {
			t.Fatalf("the page shows %d codes, the service %d", len(rows), len(rep.Codes))
		}
		for _, cr := range rep.Codes {
			p := cr.Pairs[0]
			want := []string{fmt.Sprintf("%.3f", p.Percent), fmt.Sprintf("%.3f", p.Kappa), alphaFigure(&cr.AlphaU)}
			if got := rows[cr.Code]; strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("code %s: the page shows %v, the service %v", cr.Code, got, want)
			}
		}
		if got, want := text(t, "#agreement-overall .pg-kappa"), fmt.Sprintf("%.3f", rep.Overall.Pairs[0].Kappa); got != want {
			t.Errorf("overall kappa %s, the service %s", got, want)
		}
		if got := text(t, "#agreement-docs"); got != strconv.Itoa(rep.Docs) {
			t.Errorf("the page compares %s documents, the service %d", got, rep.Docs)
		}
		var links []string
		eval(t, `Array.from(document.querySelectorAll("#agreement-documents a")).map(a => a.getAttribute("href"))`, &links)
		if len(links) == 0 {
			t.Fatal("no document links")
		}
		for _, l := range links {
			if !strings.HasPrefix(l, "/documents/") || !strings.HasSuffix(l, "?compare=ann,bo") {
				t.Errorf("document link %s, want /documents/ID?compare=ann,bo", l)
			}
		}
	})

	t.Run("SearchCodeAllHits", func(t *testing.T) {
		const query, code = "kilns", "Translation"
		before, err := svc.Codings(bg, service.CodingsOptions{Code: code, Coder: "ann"})
		if err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/search"), chromedp.WaitVisible(chromedp.CSS("input[name=q]")),
			chromedp.SendKeys(chromedp.CSS("input[name=q]"), query+kb.Enter), chromedp.WaitVisible(chromedp.CSS("#search-total"))); err != nil {
			t.Fatal(err)
		}
		total, err := strconv.Atoi(text(t, "#search-total"))
		if err != nil || total < 2 {
			t.Fatalf("search %q: %d hits (%v), want a few", query, total, err)
		}
		if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#autocode input[name=code]"), code),
			chromedp.Click(chromedp.CSS("#autocode-preview-button")),
			chromedp.WaitVisible(chromedp.CSS("#autocode-status[data-preview]"))); err != nil {
			t.Fatal(err)
		}
		var preview struct {
			N     string
			Items []string
		}
		eval(t, `({N: document.getElementById("autocode-status").dataset.preview, Items: Array.from(document.querySelectorAll("#autocode-preview q")).map(q => q.textContent)})`, &preview)
		if preview.N != strconv.Itoa(total) || len(preview.Items) != total {
			t.Fatalf("the preview plans %s codings, lists %d, want one per hit (%d)", preview.N, len(preview.Items), total)
		}
		var hits []string
		eval(t, `Array.from(document.querySelectorAll("#search-hits tbody .pg-hit")).map(td => td.textContent)`, &hits)
		if !sameTexts(preview.Items, hits) {
			t.Errorf("the preview would code %q, the hits are %q", preview.Items, hits)
		}
		if after, _ := svc.Codings(bg, service.CodingsOptions{Code: code, Coder: "ann"}); len(after) != len(before) {
			t.Fatalf("the preview wrote %d codings", len(after)-len(before))
		}
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#autocode-apply")),
			chromedp.WaitVisible(chromedp.CSS("#autocode-status[data-applied]"))); err != nil {
			t.Fatal(err)
		}
		applied, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("autocode-status").dataset.applied`))
		if applied != preview.N {
			t.Errorf("applied %s codings, previewed %s", applied, preview.N)
		}
		after, err := svc.Codings(bg, service.CodingsOptions{Code: code, Coder: "ann"})
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := strconv.Atoi(applied); len(after)-len(before) != n {
			t.Errorf("the service has %d new %s codings by ann, the page applied %s", len(after)-len(before), code, applied)
		}
		old := map[string]bool{}
		for _, c := range before {
			old[c.ID] = true
		}
		var coded []string
		for _, c := range after {
			if !old[c.ID] {
				coded = append(coded, c.Text)
			}
		}
		if !sameTexts(coded, hits) {
			t.Errorf("the new %s codings quote %q, the hits are %q", code, coded, hits)
		}
	})
}

// TestBrowserPagesWrite signs in as a coder and writes from the list
// pages: adds an emergent code in the codebook, is refused promoting it
// (owners only) with the server's message, and adds a memo on it.
func TestBrowserPagesWrite(t *testing.T) {
	svc, _ := testProject(t)
	ctx := browser(t)
	bg := context.Background()
	auth := &fakeAuth{users: map[string]string{"cy": "coder"}}
	h := newServer(t, svc, Options{Auth: auth}).Handler()
	ts := httptest.NewServer(h)
	defer func() { ts.CloseClientConnections(); ts.Close() }()
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/login"), chromedp.WaitVisible(chromedp.CSS("input[name=token]")),
		chromedp.SendKeys(chromedp.CSS("input[name=token]"), "cy-token"+kb.Enter)); err != nil {
		t.Fatal(err)
	}
	wait(t, ctx, "#count-documents")

	// Add an emergent code whose definition is markup.
	const def = "<b>personal ties</b> used for business"
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/codebook"), chromedp.WaitVisible(chromedp.CSS("#add-code")),
		chromedp.SendKeys(chromedp.CSS("#add-code input[name=id]"), "Guanxi"),
		chromedp.SetValue(chromedp.CSS("#add-code select[name=parent]"), "LegitimationPractice"),
		chromedp.SendKeys(chromedp.CSS("#add-code input[name=definition]"), def),
		chromedp.Click(chromedp.CSS("#add-code button"))); err != nil {
		t.Fatal(err)
	}
	wait(t, ctx, `tr[data-code="Guanxi"]`)
	tree, err := svc.CodeTree(bg, nil)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(tree, func(n service.CodeNode) bool { return n.ID == "Guanxi" })
	if i < 0 || !tree[i].Emergent || tree[i].Parent != "LegitimationPractice" || tree[i].Definition != def {
		t.Fatalf("the service has no emergent code Guanxi under LegitimationPractice defined %q: %+v", def, tree[max(i, 0)])
	}
	shown, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`tr[data-code="Guanxi"] td:nth-child(2)`)))
	if err != nil || strings.TrimSpace(shown) != def {
		t.Errorf("the codebook shows the definition as %q (%v), want the text %q", shown, err, def)
	}

	// Promote it: owners only; the page shows the server's refusal.
	refusal := (&client{t: t, h: h, auth: "cy-token"}).do("POST", "/api/codes/Guanxi/promote", PromoteRequest{})
	var e Error
	if err := json.Unmarshal(refusal.Body.Bytes(), &e); err != nil || refusal.Code != 403 || e.Error == "" {
		t.Fatalf("promote by a coder: %d %s, want 403 with a message", refusal.Code, refusal.Body.String())
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`button.promote[data-code="Guanxi"]`))); err != nil {
		t.Fatal(err)
	}
	msgSel := `tr[data-code="Guanxi"] .pg-msg`
	deadline := time.Now().Add(5 * time.Second)
	for {
		msg, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(msgSel)))
		if err != nil {
			t.Fatal(err)
		}
		if msg == e.Error {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after promoting as a coder the page says %q, want the server's %q", msg, e.Error)
		}
		time.Sleep(100 * time.Millisecond)
	}

	// A memo on the code.
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/memos"), chromedp.WaitVisible(chromedp.CSS("#add-memo")),
		chromedp.SendKeys(chromedp.CSS("#add-memo input[name=target]"), "code:Guanxi"),
		chromedp.SendKeys(chromedp.CSS("#add-memo textarea"), "关系 <i>matters</i> 😀"),
		chromedp.Click(chromedp.CSS("#add-memo button"))); err != nil {
		t.Fatal(err)
	}
	wait(t, ctx, "#memos-code")
	memos, err := svc.Memos(bg, "code:Guanxi", nil)
	if err != nil || len(memos) != 1 || memos[0].Author != "cy" || memos[0].Text != "关系 <i>matters</i> 😀" {
		t.Fatalf("memos on Guanxi %+v (%v), want one by cy", memos, err)
	}
	if got, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#memos-code .pg-memo-text"))); strings.TrimSpace(got) != memos[0].Text {
		t.Errorf("the memo shows as %q, want %q", got, memos[0].Text)
	}
}

// wait waits a few seconds for sel to be visible, and fails the test
// with the page's address and main text if it does not come.
func wait(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := chromedp.Do(wctx, chromedp.WaitVisible(chromedp.CSS(sel))); err != nil {
		url, _ := chromedp.Run(ctx, chromedp.Location())
		main, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
		t.Fatalf("%s did not show on %s: %v; the page says: %.500s", sel, url, err, main)
	}
}

// sameTexts reports whether a and b hold the same texts, in any order.
func sameTexts(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }
