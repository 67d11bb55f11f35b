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

	"github.com/chromedp/chromedp"

	"github.com/qualgraph/qualgraph/service"
)

// chromium is Debian's browser, which scripts/test.sh installs.
const chromium = "/usr/bin/chromium"

// browser starts headless Chromium with a fresh profile and returns its
// context, or skips loudly if there is no Chromium.
func browser(t testing.TB) context.Context {
	t.Helper()
	if _, err := exec.LookPath(chromium); err != nil {
		t.Skipf("!!! %s not found (scripts/test.sh installs Debian's chromium): the browser test is SKIPPED", chromium)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1200, 900),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	// A bound on the whole session, generous: CI runs the browser
	// tests while other packages' tests load both cores.
	ctx, cancel3 := context.WithTimeout(ctx, 4*time.Minute)
	t.Cleanup(cancel3)
	if err := chromedp.Do(ctx); err != nil {
		t.Skipf("!!! cannot start %s: %v: the browser test is SKIPPED", chromium, err)
	}
	return ctx
}

// screenshotDir is where the browser tests save screenshots; it is named
// in the test output.
func screenshotDir(t *testing.T) string {
	dir := filepath.Join(os.TempDir(), "qualgraph-screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestBrowserOverview opens the overview page of a real project in
// Chromium and checks that it shows the project's counts, and that a
// coding made meanwhile (as by another coder or the CLI) appears without
// reloading.
func TestBrowserOverview(t *testing.T) {
	ctx := browser(t)
	svc, ids := testProject(t)
	sp := span(t, svc, ids["north.txt"], "seed funding")
	if _, err := svc.Code(context.Background(), "bo", service.CodeOptions{Span: sp, Code: "Lobbying"}); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(newServer(t, svc, Options{}).Handler())
	defer func() { ts.CloseClientConnections(); ts.Close() }() // the page's event stream stays open
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/"), chromedp.WaitVisible("#count-documents")); err != nil {
		t.Fatal(err)
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(sel))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	docs, codings, nav := text("#count-documents"), text("#count-codings"), text("nav")
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if docs != "2" || codings != "1" {
		t.Fatalf("overview shows %s documents and %s codings, want 2 and 1", docs, codings)
	}
	for _, item := range []string{"Overview", "Documents", "Segments", "Assertions", "Links", "Search", "Codebook", "Agreement", "Memos", "Exports"} {
		if !containsWord(nav, item) {
			t.Errorf("navigation %q lacks %s", nav, item)
		}
	}
	dir := screenshotDir(t)
	file := filepath.Join(dir, "overview.png")
	if err := os.WriteFile(file, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot of the overview: %s (folder %s)", file, dir)

	// A second coding, written outside the page, shows up live.
	sp2 := span(t, svc, ids["north.txt"], "lobbied the bureau")
	time.Sleep(500 * time.Millisecond) // the event stream is open
	if _, err := svc.Code(context.Background(), "cy", service.CodeOptions{Span: sp2, Code: "Lobbying"}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if codings = text("#count-codings"); codings == "2" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the overview still shows %s codings, want 2 without reloading", codings)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func containsWord(s, w string) bool { return strings.Contains(s, w) }
