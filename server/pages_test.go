package server

import (
	"context"
	"fmt"
	"html"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qualgraph/qualgraph/service"
)

// pagesProject is the test project with a policy document (a hostile
// one: markup and an RTL override in its text), codings by two coders, an
// emergent code whose definition is markup, and a memo, for the list
// pages.
func pagesProject(t *testing.T) (*service.Service, map[string]string) {
	t.Helper()
	ctx := context.Background()
	svc, ids := testProject(t)
	f := filepath.Join(t.TempDir(), "plan.md")
	if err := os.WriteFile(f, []byte("The bureau will <script>alert(1)</script> fund \u202Egnitsil\u202C parks.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Import(ctx, "ann", service.ImportOptions{Paths: []string{f}, Kind: "policy"}); err != nil {
		t.Fatal(err)
	}
	docs, err := svc.Documents(ctx, service.DocumentsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		ids[d.Name] = d.ID
	}
	for _, c := range []struct{ by, doc, phrase, code string }{
		{"ann", "north.txt", "lobbied the bureau", "Lobbying"},
		{"bo", "north.txt", "lobbied the bureau", "Lobbying"},
		{"ann", "north.txt", "seed funding", "Lobbying"},
		{"bo", "plan.md", "<script>alert(1)</script>", "Lobbying"},
		{"ann", "east.txt", "协会制定了标准", "LegitimationPractice"},
	} {
		if _, err := svc.Code(ctx, c.by, service.CodeOptions{Span: span(t, svc, ids[c.doc], c.phrase), Code: c.code}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := svc.AddCode(ctx, "bo", service.AddCodeOptions{ID: "Face", Parent: "LegitimationPractice", Definition: "<img src=x onerror=alert(2)>"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddMemo(ctx, "ann", service.MemoOptions{Target: "doc:" + ids["north.txt"], Text: "<b>check</b> the date"}); err != nil {
		t.Fatal(err)
	}
	return svc, ids
}

// TestSegmentsFilters retrieves a code's segments through the API, with
// its subcodes, by kind, attribute and coder.
func TestSegmentsFilters(t *testing.T) {
	svc, _ := pagesProject(t)
	c := &client{t: t, h: newServer(t, svc, Options{}).Handler()}
	tests := []struct {
		name, query string
		want        int
	}{
		{"WithSubcodes", "code=LegitimationPractice", 5},
		{"Code", "code=Lobbying", 4},
		{"Kind", "code=LegitimationPractice&kind=policy", 1},
		{"KindInterview", "code=LegitimationPractice&kind=interview", 4},
		{"Coder", "code=Lobbying&coder=bo", 2},
		{"KindAndCoder", "code=Lobbying&kind=interview&coder=bo", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := decode[[]service.CodedSpan](t, c.do("GET", "/api/segments?"+tt.query, nil), 200)
			if len(got) != tt.want {
				t.Fatalf("%s: %d segments, want %d: %+v", tt.query, len(got), tt.want, got)
			}
		})
	}
	t.Run("ErrUnknownKind", func(t *testing.T) {
		w := c.do("GET", "/api/segments?code=Lobbying&kind=novel", nil)
		if w.Code == 200 || !strings.Contains(w.Body.String(), "novel") {
			t.Fatalf("unknown kind: %d %s, want an error naming it", w.Code, w.Body.String())
		}
	})
}

// TestAutoCodeTexts checks that "code all hits" says the text of every
// coding it plans and writes.
func TestAutoCodeTexts(t *testing.T) {
	svc, _ := testProject(t)
	c := &client{t: t, h: newServer(t, svc, Options{}).Handler()}
	for _, dry := range []bool{true, false} {
		res := decode[AutoCodeResult](t, c.do("POST", "/api/autocode", AutoCodeRequest{Query: "bureau", Code: "Lobbying", DryRun: dry}), 200)
		if len(res.Codings) != 3 || len(res.Texts) != 3 {
			t.Fatalf("dry run %v: %d codings, %d texts, want 3 and 3", dry, len(res.Codings), len(res.Texts))
		}
		for i, text := range res.Texts {
			if !strings.EqualFold(text, "bureau") {
				t.Errorf("dry run %v: coding %d %+v has text %q, want bureau", dry, i, res.Codings[i], text)
			}
		}
	}
}

// TestListPages renders each list page of a real project and checks what
// it shows, and that the project's text comes escaped.
func TestListPages(t *testing.T) {
	ctx := context.Background()
	svc, ids := pagesProject(t)
	c := &client{t: t, h: newServer(t, svc, Options{}).Handler()}
	rep, err := svc.Agreement(ctx, service.AgreementOptions{Coders: []string{"ann", "bo"}, Codes: []string{"Lobbying"}})
	if err != nil {
		t.Fatal(err)
	}
	kappa := fmt.Sprintf(`class="num pg-kappa">%.3f<`, rep.Codes[0].Pairs[0].Kappa)
	percent := fmt.Sprintf(`class="num pg-percent">%.3f<`, rep.Codes[0].Pairs[0].Percent)
	lobbied := span(t, svc, ids["north.txt"], "lobbied the bureau")
	tests := []struct {
		name, path string
		status     int
		want       []string
		not        []string
	}{
		{"Segments", "/segments?code=LegitimationPractice", 200, []string{
			`id="segments-count">5<`, `id="segments-docs">3<`, "协会制定了标准", "lobbied the bureau",
			fmt.Sprintf(`href="/documents/%s#s=%d-%d"`, ids["north.txt"], lobbied.Start, lobbied.End),
			"&lt;script&gt;alert(1)&lt;/script&gt;"}, []string{"<script>alert"}},
		{"SegmentsEmptyFilters", "/segments?code=Lobbying&coder=&kind=&attr=", 200, []string{`id="segments-count">4<`}, nil},
		{"SegmentsCoder", "/segments?code=Lobbying&coder=bo", 200, []string{`id="segments-count">2<`, `id="segments-docs">2<`}, nil},
		{"SegmentsAttrUnknown", "/segments?code=Lobbying&attr=region=North", 422, []string{`role="alert"`, "region"}, nil},
		{"SegmentsUnknownCode", "/segments?code=NoSuchCode", 404, []string{"NoSuchCode"}, nil},
		{"SegmentsPick", "/segments", 200, []string{"Pick a code", `<option value="Lobbying">`}, []string{`id="segments-count"`}},
		{"Search", "/search?q=bureau", 200, []string{`id="search-total">4<`, `id="autocode"`, `data-q="bureau"`, `class="pg-hit"><bdi>bureau</bdi>`}, []string{"<script>alert"}},
		{"SearchEmptyFilters", "/search?q=bureau&kind=&speaker=&attr=", 200, []string{`id="search-total">4<`}, nil},
		{"SearchKind", "/search?q=bureau&kind=policy", 200, []string{`id="search-total">1<`, `data-kind="policy"`}, nil},
		{"SearchNothing", "/search?q=zeppelin", 200, []string{`id="search-total">0<`}, []string{`id="autocode"`}},
		{"Codebook", "/codebook", 200, []string{`data-code="Lobbying"`, `title="with its subcodes: 4">4<`, `data-code="Face"`,
			"&lt;img src=x onerror=alert(2)&gt;", `class="promote" data-code="Face"`}, []string{"<img src=x"}},
		{"Agreement", "/agreement?a=ann&b=bo&code=Lobbying", 200, []string{kappa, percent,
			fmt.Sprintf(`href="/documents/%s?compare=ann,bo"`, ids["north.txt"]), `<option value="Lobbying" class="pg-depth-2" selected>`}, nil},
		{"AgreementSameCoder", "/agreement?a=ann&b=ann", 422, []string{"two different coders"}, nil},
		{"AgreementChoose", "/agreement", 200, []string{"Choose two coders", "<option>bo</option>"}, nil},
		{"Memos", "/memos", 200, []string{`id="memos-count">1<`, `id="memos-doc"`, "&lt;b&gt;check&lt;/b&gt; the date", "north.txt",
			fmt.Sprintf(`<option value="doc:%s">Document north.txt<`, ids["north.txt"]), `value="code:Lobbying"`}, []string{"<b>check"}},
		{"Exports", "/exports", 200, []string{`href="/api/exports/qdpx"`, "REFI-QDA"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := c.do("GET", tt.path, nil)
			body := w.Body.String()
			if w.Code != tt.status {
				t.Fatalf("GET %s: status %d, want %d: %s", tt.path, w.Code, tt.status, errorOf(body))
			}
			for _, s := range tt.want {
				if !strings.Contains(body, s) {
					t.Errorf("GET %s lacks %s", tt.path, s)
				}
			}
			for _, s := range tt.not {
				if strings.Contains(body, s) {
					t.Errorf("GET %s holds %s", tt.path, s)
				}
			}
		})
	}
	t.Run("ExportsEveryFormat", func(t *testing.T) {
		body := c.do("GET", "/exports", nil).Body.String()
		for _, f := range service.ExportFormats {
			if !strings.Contains(body, `href="/api/exports/`+f+`" download>`+f+`<`) || exportDescriptions[f] == "" {
				t.Errorf("exports page: no link or description for %s", f)
			}
			if !strings.Contains(body, html.EscapeString(exportDescriptions[f])) {
				t.Errorf("exports page: no description for %s", f)
			}
		}
	})
}

// errorOf returns the error a page shows, or the start of its main part.
func errorOf(page string) string {
	if i := strings.Index(page, `role="alert">`); i >= 0 {
		page = page[i:]
	} else if i := strings.Index(page, "<main>"); i >= 0 {
		page = page[i:]
	}
	return page[:min(len(page), 400)]
}

// TestLoginOriginNull signs in by the login form as Chromium posts it
// from a page with Referrer-Policy no-referrer: Origin null, and
// Sec-Fetch-Site saying whose page it was.
func TestLoginOriginNull(t *testing.T) {
	svc, _ := testProject(t)
	h := newServer(t, svc, Options{Auth: &fakeAuth{users: map[string]string{"cy": "coder"}}}).Handler()
	tests := []struct {
		name   string
		header map[string]string
		want   int
	}{
		{"OK", map[string]string{"Origin": "null", "Sec-Fetch-Site": "same-origin"}, 303},
		{"SameOriginHeader", map[string]string{"Origin": "http://127.0.0.1:7474", "Sec-Fetch-Site": "same-origin"}, 303},
		{"NullWithoutFetchSite", map[string]string{"Origin": "null"}, 403},
		{"NullCrossSite", map[string]string{"Origin": "null", "Sec-Fetch-Site": "cross-site"}, 403},
		{"OtherOrigin", map[string]string{"Origin": "http://evil.example", "Sec-Fetch-Site": "same-origin"}, 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("POST", "/login", strings.NewReader("token=cy-token"))
			req.Host, req.RemoteAddr = "127.0.0.1:7474", "127.0.0.1:4000"
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for k, v := range tt.header {
				req.Header.Set(k, v)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != tt.want {
				t.Fatalf("login with %v: %d, want %d", tt.header, w.Code, tt.want)
			}
		})
	}
}
