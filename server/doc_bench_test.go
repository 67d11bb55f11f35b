package server

import (
	"context"
	"fmt"
	"math/rand"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/project"
	"github.com/qualgraph/qualgraph/service"
)

// BenchmarkBrowserDocument opens a 50,000-word transcript with 2,000
// codings in Chromium, scrolls it to the end and codes a selection there
// with the picker. It reports the milliseconds until the page is drawn
// (render-ms, from navigation start), until the scroll is painted
// (scroll-ms), until the new coding is drawn (code-ms, mouse selection to
// redraw) and their sum (total-ms); the target is a total under 1 s.
func BenchmarkBrowserDocument(b *testing.B) {
	bctx := browser(b)
	ctx := context.Background()
	dir := filepath.Join(b.TempDir(), "proj")
	if err := project.Init(dir, project.InitOptions{Name: "bench"}); err != nil {
		b.Fatal(err)
	}
	p, err := project.Open(dir, project.Shared)
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	svc := service.New(p)
	rng := rand.New(rand.NewSource(1))
	words := strings.Fields("the bureau gave us seed funding we lobbied for land and the association set a standard 协会 标准 政府 试点 farmers drones pilots licence ministry county")
	var sb strings.Builder
	speakers := []string{"Chen", "Lin"}
	for turn, n := 0, 0; n < 50000; turn++ {
		sb.WriteString(speakers[turn%2] + ":")
		for i := 0; i < 100 && n < 50000; i, n = i+1, n+1 {
			sb.WriteString(" " + words[rng.Intn(len(words))])
		}
		sb.WriteString("\n\n")
	}
	doc := importDoc(b, svc, "long.txt", sb.String())
	chars := len([]rune(sb.String()))
	codes := []string{"Lobbying", "Framing"}
	reqs := make([]project.CodeRequest, 2000)
	for i := range reqs {
		s := rng.Intn(chars - 300)
		reqs[i] = project.CodeRequest{Span: coding.Span{Doc: doc, Start: s, End: s + 5 + rng.Intn(250)}, Code: codes[i%2]}
	}
	if _, err := p.Code(ctx, reqs, "ann", "code"); err != nil {
		b.Fatal(err)
	}
	srv, err := New(svc, Options{Owner: "ann"})
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer func() { ts.CloseClientConnections(); ts.Close() }()
	var render, scroll, code time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		openDoc(b, bctx, ts.URL, doc)
		render += time.Duration(eval[float64](b, bctx, `Number(document.getElementById("docview").dataset.renderedAt)`) * float64(time.Millisecond))
		b.Logf("draw text+stripes ms: %s", eval[string](b, bctx, `document.getElementById("docview").dataset.drawMs`))
		t0 := time.Now()
		eval[bool](b, bctx, `(window.scrollTo(0, document.body.scrollHeight), document.elementFromPoint(600, 400) !== null)`)
		scroll += time.Since(t0)
		// The last turn's last words, in view.
		phrase := eval[string](b, bctx, `(function () { const runs = document.querySelectorAll("#doc-text .txt span[data-s]"); for (let i = runs.length - 1; i >= 0; i--) { const t = runs[i].textContent; const m = /([a-z]+ [a-z]+) *$/.exec(t); if (m) return m[1]; } return ""; })()`)
		before := eval[string](b, bctx, `document.getElementById("docview").dataset.rendered`)
		t1 := time.Now()
		selectByMouse(b, bctx, phrase)
		waitFor(b, bctx, "the code picker", `document.activeElement && document.activeElement.id === "qg-code-input"`)
		if err := chromedp.Do(bctx, chromedp.SendKeys("#qg-code-input", "游说"), chromedp.KeyEvent(kb.Enter)); err != nil {
			b.Fatal(err)
		}
		waitFor(b, bctx, "the redraw", fmt.Sprintf(`document.getElementById("docview").dataset.rendered !== %q`, before))
		code += time.Since(t1)
	}
	b.StopTimer()
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) / float64(b.N) }
	b.ReportMetric(ms(render), "render-ms")
	b.ReportMetric(ms(scroll), "scroll-ms")
	b.ReportMetric(ms(code), "code-ms")
	b.ReportMetric(ms(render+scroll+code), "total-ms")
}
