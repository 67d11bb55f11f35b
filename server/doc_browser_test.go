package server

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/service"
)

// importDoc imports one more document named name with text into svc's
// project and returns its id.
func importDoc(t testing.TB, svc *service.Service, name, text string) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(f, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Import(context.Background(), "ann", service.ImportOptions{Paths: []string{f}, Kind: "interview"}); err != nil {
		t.Fatal(err)
	}
	docs, err := svc.Documents(context.Background(), service.DocumentsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		if d.Name == name {
			return d.ID
		}
	}
	t.Fatalf("%s not imported", name)
	return ""
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](t testing.TB, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// waitFor polls a JavaScript condition until it is true.
func waitFor(t testing.TB, ctx context.Context, what, cond string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !eval[bool](t, ctx, "!!("+cond+")") {
		if time.Now().After(deadline) {
			body := eval[string](t, ctx, "document.body ? document.body.innerText.slice(0, 500) : ''")
			t.Fatalf("waited 10 s for %s (%s); the page shows %q", what, cond, body)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// openDoc opens the document view of doc and waits until it is drawn.
func openDoc(t testing.TB, ctx context.Context, base, doc string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/documents/"+doc)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the document to be drawn", `document.getElementById("docview") && document.getElementById("docview").dataset.rendered`)
}

// phraseRect returns the points to press and release the mouse at to
// select phrase (its last occurrence) in the document view: just inside
// its first and last characters.
func phraseRect(t testing.TB, ctx context.Context, phrase string) (x1, y1, x2, y2 float64) {
	t.Helper()
	js := `(function (phrase) {
  for (const r of Array.from(document.querySelectorAll("#doc-text .txt span[data-s]")).reverse()) {
    const t = r.firstChild;
    if (!t) continue;
    const i = t.data.indexOf(phrase);
    if (i < 0) continue;
    r.scrollIntoView({block: "center"});
    const first = String.fromCodePoint(phrase.codePointAt(0)).length;
    const last = Array.from(phrase).pop().length;
    const rg = document.createRange();
    rg.setStart(t, i); rg.setEnd(t, i + first);
    const a = rg.getBoundingClientRect();
    rg.setStart(t, i + phrase.length - last); rg.setEnd(t, i + phrase.length);
    const b = rg.getBoundingClientRect();
    return [a.left + 1, (a.top + a.bottom) / 2, b.right - 1, (b.top + b.bottom) / 2];
  }
  return null;
})(` + strconv.Quote(phrase) + `)`
	p := eval[[]float64](t, ctx, js)
	if len(p) != 4 {
		t.Fatalf("%q is not in one run of the page", phrase)
	}
	return p[0], p[1], p[2], p[3]
}

// selectByMouse drags the mouse over phrase, as a researcher selects.
func selectByMouse(t testing.TB, ctx context.Context, phrase string) {
	t.Helper()
	x1, y1, x2, y2 := phraseRect(t, ctx, phrase)
	if err := chromedp.Do(ctx, chromedp.DragAndDropXY(x1, y1, x2, y2, 6)); err != nil {
		t.Fatal(err)
	}
}

type jsSel struct {
	Doc   string `json:"doc"`
	Start int    `json:"start"`
	End   int    `json:"end"`
	Text  string `json:"text"`
}

// login signs in with token in the browser.
func login(t testing.TB, ctx context.Context, base, token string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/login"), chromedp.WaitVisible(`input[name="token"]`),
		chromedp.SendKeys(`input[name="token"]`, token), chromedp.Submit(`input[name="token"]`)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the overview after signing in", `document.getElementById("count-documents")`)
}

// TestBrowserDocumentCoding codes spans of a document by mouse selection
// and the keyboard-driven code picker in real Chromium, as the project's
// owner, while a coder's browser shows the new codings without
// reloading; after a reload the codings are kept with the exact code-point
// offsets the service reports. The coder may not remove the owner's coding
// and sees the server's refusal.
func TestBrowserDocumentCoding(t *testing.T) {
	olgaCtx := browser(t)
	caiCtx := browser(t)
	svc, ids := testProject(t)
	ctx := context.Background()
	olgaTok, err := svc.AddUser(ctx, "olga", "olga", service.RoleOwner)
	if err != nil {
		t.Fatal(err)
	}
	caiTok, err := svc.AddUser(ctx, "olga", "cai", service.RoleCoder)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(newServer(t, svc, Options{Auth: ProjectUsers(svc)}).Handler())
	defer func() { ts.CloseClientConnections(); ts.Close() }()
	login(t, olgaCtx, ts.URL, olgaTok)
	login(t, caiCtx, ts.URL, caiTok)

	// The Documents list links to the document view.
	if err := chromedp.Do(olgaCtx, chromedp.Navigate(ts.URL+"/documents"), chromedp.WaitVisible(`a[href="/documents/`+ids["east.txt"]+`"]`)); err != nil {
		t.Fatal(err)
	}
	doc := ids["east.txt"]
	openDoc(t, olgaCtx, ts.URL, doc)
	openDoc(t, caiCtx, ts.URL, doc)
	eval[bool](t, caiCtx, `(window.qgNotReloaded = true)`)

	tests := []struct {
		name, phrase, query, code string
		keys                      []string // keys pressed in the picker before Enter
	}{
		{"ChineseAfterEmoji", "协会制定了标准", "游说", "Lobbying", nil},
		{"English", "bureau funded training", "fram", "Framing", nil},
		{"ArrowKeys", "是的", "lobbying", "Lobbying", []string{kb.ArrowDown, kb.ArrowUp}},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want := span(t, svc, doc, tc.phrase)
			selectByMouse(t, olgaCtx, tc.phrase)
			waitFor(t, olgaCtx, "the code picker", `document.activeElement && document.activeElement.id === "qg-code-input"`)
			sel := eval[jsSel](t, olgaCtx, `window.qgSelection()`)
			if sel.Doc != doc || sel.Start != want.Start || sel.End != want.End || sel.Text != tc.phrase {
				t.Fatalf("selection %+v, want %s %d-%d %q", sel, doc, want.Start, want.End, tc.phrase)
			}
			if err := chromedp.Do(olgaCtx, chromedp.SendKeys("#qg-code-input", tc.query)); err != nil {
				t.Fatal(err)
			}
			for _, k := range tc.keys {
				if err := chromedp.Do(olgaCtx, chromedp.KeyEvent(k)); err != nil {
					t.Fatal(err)
				}
			}
			if got := eval[string](t, olgaCtx, `document.querySelector('#qg-code-list li[aria-selected="true"]').dataset.code`); got != tc.code {
				t.Fatalf("the picker offers %q first for %q, want %s", got, tc.query, tc.code)
			}
			if err := chromedp.Do(olgaCtx, chromedp.KeyEvent(kb.Enter)); err != nil {
				t.Fatal(err)
			}
			stripe := fmt.Sprintf(`.stripe[data-code=%q][data-start="%d"][data-end="%d"][data-coder="olga"]`, tc.code, want.Start, want.End)
			waitFor(t, olgaCtx, "the coding's stripe", `document.querySelector('`+stripe+`')`)
			waitFor(t, olgaCtx, "the highlight", fmt.Sprintf(`Array.from(document.querySelectorAll("#doc-text .hl")).some(e => e.dataset.s === "%d" && e.title.includes("olga"))`, want.Start))
			cs, err := svc.Codings(ctx, service.CodingsOptions{Doc: doc, Coder: "olga"})
			if err != nil {
				t.Fatal(err)
			}
			if len(cs) != i+1 {
				t.Fatalf("%d codings by olga, want %d", len(cs), i+1)
			}
			found := false
			for _, c := range cs {
				found = found || (c.Start == want.Start && c.End == want.End && c.Code == tc.code && c.Text == tc.phrase)
			}
			if !found {
				t.Fatalf("the service has %+v, want %s at %d-%d", cs, tc.code, want.Start, want.End)
			}
			// The coder's page shows it without reloading.
			waitFor(t, caiCtx, "olga's coding on cai's page", `document.querySelector('`+stripe+`')`)
		})
	}
	if !eval[bool](t, caiCtx, `window.qgNotReloaded === true`) {
		t.Fatal("cai's page was reloaded")
	}

	// Reloaded, the page shows every coding at the service's offsets.
	if err := chromedp.Do(olgaCtx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, olgaCtx, "the document to be drawn again", `document.getElementById("docview").dataset.rendered`)
	type stripeData struct {
		ID, Code, Coder string
		Start, End      int
	}
	got := eval[[]stripeData](t, olgaCtx, `Array.from(document.querySelectorAll(".stripe")).map(s => ({ID: s.dataset.id, Code: s.dataset.code, Coder: s.dataset.coder, Start: Number(s.dataset.start), End: Number(s.dataset.end)}))`)
	cs, err := svc.Codings(ctx, service.CodingsOptions{Doc: doc})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(cs) {
		t.Fatalf("%d stripes after reload, the service has %d codings", len(got), len(cs))
	}
	byID := map[string]stripeData{}
	for _, s := range got {
		byID[s.ID] = s
	}
	for _, c := range cs {
		if s := byID[c.ID]; s.Start != c.Start || s.End != c.End || s.Code != c.Code || s.Coder != c.Coder {
			t.Errorf("coding %s: page has %+v, service %d-%d %s by %s", c.ID, s, c.Start, c.End, c.Code, c.Coder)
		}
	}
	dir := screenshotDir(t)
	shot, err := chromedp.Run(olgaCtx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "document.png")
	if err := os.WriteFile(file, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot of the document view: %s (folder %s)", file, dir)

	// The coder may not remove the owner's coding: the refusal shows.
	first := cs[0]
	if err := chromedp.Do(caiCtx, chromedp.Click(fmt.Sprintf(`.stripe[data-id=%q]`, first.ID))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, caiCtx, "the coding menu", `Array.from(document.querySelectorAll("#qg-pop button")).some(b => b.textContent === "Remove")`)
	eval[bool](t, caiCtx, `(Array.from(document.querySelectorAll("#qg-pop button")).find(b => b.textContent === "Remove").click(), true)`)
	waitFor(t, caiCtx, "the refusal", `!document.getElementById("doc-msg").hidden && document.getElementById("doc-msg").textContent.startsWith("403")`)

	// The owner recodes and removes from the highlight's menu.
	if err := chromedp.Do(olgaCtx, chromedp.Click(fmt.Sprintf(`.stripe[data-id=%q]`, first.ID))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, olgaCtx, "the coding menu", `document.querySelector("#qg-pop button")`)
	eval[bool](t, olgaCtx, `(Array.from(document.querySelectorAll("#qg-pop button")).find(b => b.textContent === "Recode…").click(), true)`)
	waitFor(t, olgaCtx, "the picker", `document.activeElement && document.activeElement.id === "qg-code-input"`)
	if err := chromedp.Do(olgaCtx, chromedp.SendKeys("#qg-code-input", "Framing"), chromedp.KeyEvent(kb.Enter)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, olgaCtx, "the recoded stripe", fmt.Sprintf(`document.querySelector('.stripe[data-code="Framing"][data-start="%d"][data-end="%d"]')`, first.Start, first.End))
	after, _ := svc.Codings(ctx, service.CodingsOptions{Doc: doc, Code: "Framing"})
	recoded := false
	for _, c := range after {
		recoded = recoded || (c.Start == first.Start && c.End == first.End)
	}
	if !recoded {
		t.Fatalf("after recoding, Framing codings are %+v", after)
	}
}

// TestBrowserSelectionOffsets selects text by DOM ranges in documents
// holding CJK (also beyond the BMP), emoji with joiners and skin tones,
// combining marks and Arabic, and checks that the page maps each selection
// to the code points the service counts.
func TestBrowserSelectionOffsets(t *testing.T) {
	bctx := browser(t)
	svc, _ := testProject(t)
	// The importer keeps text in NFC: q with an acute accent and
	// Devanagari have no precomposed forms.
	text := "Wang: 😀 我们的协会 𠀀𠀁 制定了标准。\n\nLi: Caq\u0301 नमस्ते 👩‍👩‍👧‍👦 and 👍🏽 done.\n\nWang: مرحبا بالعالم ok\n\nLi: bye\n"
	doc := importDoc(t, svc, "mixed.txt", text)
	c := decode[CodingResult](t, (&client{t: t, h: newServer(t, svc, Options{}).Handler()}).do("POST", "/api/codings",
		CodeRequest{Doc: doc, Quote: "协会 𠀀", Code: "Lobbying"}), 200)
	ts := httptest.NewServer(newServer(t, svc, Options{}).Handler())
	defer func() { ts.CloseClientConnections(); ts.Close() }()
	openDoc(t, bctx, ts.URL, doc)
	for _, tc := range []struct{ name, phrase string }{
		{"AfterEmoji", "我们的协会"},
		{"AcrossHighlight", "的协会 𠀀𠀁 制"},
		{"BeyondBMP", "𠀁"},
		{"CombiningMarks", "Caq\u0301 नमस्ते"},
		{"ZWJFamily", "👩‍👩‍👧‍👦 and 👍🏽"},
		{"Arabic", "بالعالم"},
		{"AcrossTurns", "标准。\n\nLi: Caq\u0301"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := span(t, svc, doc, tc.phrase)
			// Select from the phrase's first to its last UTF-16 unit in
			// the runs' text nodes, as the mouse would.
			js := `(function (phrase) {
  const nodes = Array.from(document.querySelectorAll("#doc-text .txt span[data-s]")).map(r => r.firstChild).filter(Boolean);
  let all = "", at = [];
  for (const n of nodes) { at.push(all.length); all += n.data; }
  // The turns' blank lines are not drawn: find the phrase without them.
  const flat = phrase.replace(/\n\n/g, "");
  const i = all.indexOf(flat);
  if (i < 0) return "not found";
  const point = (k) => { let j = at.length - 1; while (at[j] > k) j--; return [nodes[j], k - at[j]]; };
  const [sn, so] = point(i), [en, eo] = point(i + flat.length - 1);
  const r = document.createRange();
  r.setStart(sn, so); r.setEnd(en, eo + 1);
  const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(r);
  return "";
})(` + strconv.Quote(tc.phrase) + `)`
			if msg := eval[string](t, bctx, js); msg != "" {
				t.Fatalf("%q: %s", tc.phrase, msg)
			}
			got := eval[jsSel](t, bctx, `window.qgSelection()`)
			if got.Start != want.Start || got.End != want.End || got.Text != tc.phrase || got.Doc != doc {
				t.Fatalf("selection %+v, want %d-%d %q", got, want.Start, want.End, tc.phrase)
			}
		})
	}
	// A selection starting in a speaker's label starts at the turn.
	got := eval[jsSel](t, bctx, `(function () {
  const who = document.querySelectorAll("#doc-text .who")[1];
  const run = document.querySelectorAll("#doc-text .turn")[1].querySelector(".txt span").firstChild;
  const r = document.createRange(); r.setStart(who.firstChild.firstChild, 0); r.setEnd(run, 4);
  const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(r);
  return window.qgSelection();
})()`)
	if want := span(t, svc, doc, "Li: "); got.Start != want.Start || got.End != want.End {
		t.Fatalf("selection from the label: %+v, want %d-%d", got, want.Start, want.End)
	}
	if c.Coding.Start != span(t, svc, doc, "协会 𠀀").Start {
		t.Fatalf("coded %+v", c.Coding)
	}
}

// TestBrowserDocumentHostile imports a transcript full of script,
// event-handler and javascript: payloads and bidi overrides, and shows in
// Chromium that nothing of it runs and the page keeps its order.
func TestBrowserDocumentHostile(t *testing.T) {
	bctx := browser(t)
	svc, _ := testProject(t)
	hostile := strings.Join([]string{
		`Mallory: <script>window.qgPwned = 1; alert("script")</script> hello`,
		`Eve: <img src=x onerror="window.qgPwned = 2; alert('img')"> <svg onload="window.qgPwned=3">`,
		`Trudy: <a href="javascript:window.qgPwned=4">click</a> javascript:alert(5) "><iframe src=javascript:alert(6)>`,
		"Oscar: invoice\u202Efdp.exe and \u2067isolate\u2069 end",
		`Ivan: </div></section><style>body{display:none}</style> after`,
	}, "\n\n") + "\n"
	doc := importDoc(t, svc, "hostile.txt", hostile)
	sp := span(t, svc, doc, "<img src=x")
	if _, err := svc.Code(context.Background(), "ann", service.CodeOptions{Span: coding.Span{Doc: doc, Start: sp.Start, End: sp.End + 3}, Code: "Lobbying"}); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(newServer(t, svc, Options{}).Handler())
	defer func() { ts.CloseClientConnections(); ts.Close() }()
	dctx, cancel := context.WithCancel(bctx)
	defer cancel()
	dialogs := chromedp.Events(dctx, page.JavascriptDialogOpening)
	opened := make(chan string, 8)
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			opened <- ev.Message
			chromedp.Call(dctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}()
	openDoc(t, bctx, ts.URL, doc)
	time.Sleep(300 * time.Millisecond) // what would run has run
	select {
	case m := <-opened:
		t.Fatalf("a dialog opened: %q", m)
	default:
	}
	if v := eval[string](t, bctx, `String(window.qgPwned)`); v != "undefined" {
		t.Fatalf("a payload ran: window.qgPwned = %s", v)
	}
	if n := eval[int](t, bctx, `document.querySelectorAll("#doc-text script, #doc-text img, #doc-text svg, #doc-text a, #doc-text iframe, #doc-text style").length`); n != 0 {
		t.Fatalf("%d elements made from the text", n)
	}
	if s := eval[string](t, bctx, `document.getElementById("doc-text").textContent`); !strings.Contains(s, `<script>window.qgPwned = 1;`) || !strings.Contains(s, `<a href="javascript:`) {
		t.Fatalf("the payloads are not shown as text: %q", s)
	}
	// The overrides are shown as markers, not obeyed: "fdp.exe" stays
	// right of "invoice", and the turns keep their order.
	if v := eval[string](t, bctx, `Array.from(document.querySelectorAll("#doc-text .ctl")).map(e => e.dataset.cp).join(" ")`); v != "U+202E U+2067 U+2069" {
		t.Fatalf("bidi markers %q, want U+202E U+2067 U+2069", v)
	}
	if s := eval[string](t, bctx, `document.getElementById("doc-text").textContent`); strings.ContainsAny(s, "\u202E\u2067\u2069") {
		t.Fatal("a bidi control is in the page's text")
	}
	order := eval[bool](t, bctx, `(function () {
  const find = (w) => { const r = document.createRange();
    for (const s of document.querySelectorAll("#doc-text span[data-s]")) { const t = s.firstChild; if (!t) continue; const i = t.data.indexOf(w); if (i >= 0) { r.setStart(t, i); r.setEnd(t, i + w.length); return r.getBoundingClientRect(); } }
    return null; };
  const a = find("invoice"), b = find("fdp.exe"), c = find("after");
  return a && b && c && b.left > a.right - 1 && Math.abs(a.top - b.top) < 2 && c.top > b.top;
})()`)
	if !order {
		t.Fatal("the override reordered the text or the turns")
	}
	dir := screenshotDir(t)
	shot, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "document-hostile.png")
	if err := os.WriteFile(file, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot of the hostile document: %s (folder %s)", file, dir)
}
