// Package apibench measures the latency of the workbench's JSON API
// against a running server, as issue 10 sets its targets: the project is
// opened Shared (as qualgraph serve opens it), served by package server on
// a real loopback listener, and every call goes through real HTTP.
//
// Start serves a project; (*Bench).Measure makes one kind of call a given
// number of times after a warm-up that checks the answers, and returns the
// durations (until each answer's body is read) and the processor time per
// call; Memory reads the server's heap and the process's resident set.
// The server benchmarks (server/bench_test.go) and the benchmark command
// (cmd/qgbench) share it:
//
//	b, err := apibench.Start(ctx, dir)
//	...
//	defer b.Close()
//	res, err := b.Measure(ctx, apibench.Search, 3, 20)
//	fmt.Println(apibench.Percentile(res.Durations, 50), res.CPU)
package apibench

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/qualgraph/qualgraph/project"
	"github.com/qualgraph/qualgraph/server"
	"github.com/qualgraph/qualgraph/service"
)

// A Call is one kind of API call the targets name.
type Call struct {
	Name   string        // for tables: "search a phrase"
	Target time.Duration // the median must stay below
	do     func(ctx context.Context, b *Bench, i int) error
}

// Phrase is the phrase Search looks for; the generated corpus
// (corpus/synth) holds it in most documents.
const Phrase = `"industrial upgrading"`

// The calls of issue 10's targets.
var (
	// Search is GET /api/search with a phrase, with the API's default
	// limit and width of the keyword-in-context lines.
	Search = Call{Name: "search a phrase (GET /api/search)", Target: 15 * time.Millisecond, do: func(ctx context.Context, b *Bench, _ int) error {
		var r service.SearchResult
		if err := b.get(ctx, "/api/search?q="+url.QueryEscape(Phrase), &r); err != nil {
			return err
		}
		if r.Total == 0 {
			return fmt.Errorf("search %s: no hits", Phrase)
		}
		return nil
	}}
	// Code is POST /api/codings of a new span (a different one each time)
	// in the document of Document.
	Code = Call{Name: "apply a coding (POST /api/codings)", Target: 20 * time.Millisecond, do: func(ctx context.Context, b *Bench, i int) error {
		// Spans the generator never makes (its codings are at least 20
		// code points long) so that each call writes a coding; seq starts
		// at random, so that a run on a project measured before does not
		// code the spans the last run coded (which writes nothing).
		start := (b.seq * 7) % max(1, b.docChars-10)
		b.seq++
		body, _ := json.Marshal(server.CodeRequest{Doc: b.Doc, Start: start, End: start + 3 + b.seq%5, Code: "LocalGovernment"})
		var r server.CodingResult
		if err := b.do(ctx, http.MethodPost, "/api/codings", body, &r); err != nil {
			return err
		}
		if r.Coding.ID == "" {
			return errors.New("code: no coding in the answer")
		}
		return nil
	}}
	// Document is GET /api/documents/{doc}: the text of a document of
	// about 20 KB with its segments, codings and mentions.
	Document = Call{Name: "a 20 KB document with its codings (GET /api/documents/{doc})", Target: 30 * time.Millisecond, do: func(ctx context.Context, b *Bench, _ int) error {
		var r service.DocumentView
		if err := b.get(ctx, "/api/documents/"+url.PathEscape(b.Doc), &r); err != nil {
			return err
		}
		if r.Text == "" {
			return fmt.Errorf("document %s: no text", b.Doc)
		}
		b.DocCodings = len(r.Codings)
		return nil
	}}
	// Links is GET /api/links: every link with its evidence quotes.
	Links = Call{Name: "links (GET /api/links)", Target: 50 * time.Millisecond, do: func(ctx context.Context, b *Bench, _ int) error {
		var r []json.RawMessage
		if err := b.get(ctx, "/api/links", &r); err != nil {
			return err
		}
		if len(r) == 0 {
			return errors.New("links: none")
		}
		return nil
	}}
)

// Calls are the calls of the targets, in the order of the issue.
var Calls = []Call{Search, Code, Document, Links}

// Bench is a project served on a loopback listener.
type Bench struct {
	URL string // http://127.0.0.1:PORT
	// Doc is the id of the document Document reads and Code codes: the
	// one whose text is nearest 20,000 bytes.
	Doc        string
	DocBytes   int
	DocCodings int // codings of Doc in the last Document answer

	p        *project.Project
	client   *http.Client
	cancel   context.CancelFunc
	served   chan error
	docChars int
	seq      int
	check    bool // decode and check answers (the warm-up)
}

// errUnchecked ends a call whose answer is not decoded (see Measure).
var errUnchecked = errors.New("answer not checked")

// Start opens the project in dir Shared and serves it on 127.0.0.1 with
// no users (everyone is the local owner), as qualgraph serve does, until
// Close.
func Start(ctx context.Context, dir string) (*Bench, error) {
	p, err := project.Open(dir, project.Shared)
	if err != nil {
		return nil, err
	}
	svc := service.New(p)
	b := &Bench{p: p, client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}, served: make(chan error, 1), seq: rand.IntN(1 << 20)}
	if err := b.pickDoc(ctx, svc); err != nil {
		p.Close()
		return nil, err
	}
	s, err := server.New(svc, server.Options{Addr: "127.0.0.1:0", Owner: "apibench"})
	if err != nil {
		p.Close()
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		p.Close()
		return nil, err
	}
	b.URL = "http://" + ln.Addr().String()
	sctx, cancel := context.WithCancel(context.Background())
	b.cancel = cancel
	go func() { b.served <- s.Serve(sctx, ln) }()
	return b, nil
}

// pickDoc sets Doc to the document whose size is nearest 20,000 bytes.
func (b *Bench) pickDoc(ctx context.Context, svc *service.Service) error {
	docs, err := svc.Documents(ctx, service.DocumentsOptions{})
	if err != nil {
		return err
	}
	best := math.MaxInt
	for _, d := range docs {
		text, err := b.p.Text(d.ID)
		if err != nil {
			return err
		}
		if diff := abs(len(text) - 20000); diff < best {
			best, b.Doc, b.DocBytes, b.docChars = diff, d.ID, len(text), d.Chars
		}
	}
	if b.Doc == "" {
		return errors.New("apibench: the project has no documents")
	}
	return nil
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// Close stops the server and closes the project.
func (b *Bench) Close() error {
	b.cancel()
	err := <-b.served
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	b.client.CloseIdleConnections()
	return errors.Join(err, b.p.Close())
}

// Result is what Measure measured.
type Result struct {
	Durations []time.Duration // of each timed call, in order
	// CPU is the processor time this process spent per timed call,
	// server and client together (0 where it cannot be read): on a busy
	// machine, where a call waits for a core, the durations grow and it
	// does not.
	CPU time.Duration
}

// Measure makes call warm times, checking each answer, then n times
// timed, from the request until the answer's body is read (answers are
// not decoded then), and returns the durations and the processor time.
func (b *Bench) Measure(ctx context.Context, c Call, warm, n int) (Result, error) {
	b.check = true
	for i := 0; i < warm; i++ {
		if err := c.call(ctx, b, i); err != nil {
			return Result{}, err
		}
	}
	b.check = false
	res := Result{Durations: make([]time.Duration, 0, n)}
	cpu0 := cpuTime()
	for i := 0; i < n; i++ {
		start := time.Now()
		if err := c.call(ctx, b, i); err != nil {
			return Result{}, err
		}
		res.Durations = append(res.Durations, time.Since(start))
	}
	if n > 0 {
		res.CPU = (cpuTime() - cpu0) / time.Duration(n)
	}
	return res, nil
}

func (b *Bench) get(ctx context.Context, path string, out any) error {
	return b.do(ctx, http.MethodGet, path, nil, out)
}

// call makes c once, a success if its answer is not checked.
func (c Call) call(ctx context.Context, b *Bench, i int) error {
	if err := c.do(ctx, b, i); err != nil && err != errUnchecked {
		return err
	}
	return nil
}

func (b *Bench) do(ctx context.Context, method, path string, body []byte, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, b.URL+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := b.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: %s: %.300s", method, path, resp.Status, data)
	}
	if !b.check {
		return errUnchecked
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	return nil
}

// Percentile returns the p-th percentile (0-100, nearest rank) of ds.
func Percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	return s[min(max(i, 0), len(s)-1)]
}

// Mem is the memory of the process serving the project.
type Mem struct {
	HeapInuse uint64 // the Go heap in use (runtime.MemStats.HeapInuse)
	RSS       uint64 // resident set size (VmRSS of /proc/self/status); 0 where there is none
}

// Memory returns the heap in use after a garbage collection, and the
// resident set of this process.
func Memory() (Mem, error) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	m := Mem{HeapInuse: ms.HeapInuse}
	f, err := os.Open("/proc/self/status")
	if errors.Is(err, os.ErrNotExist) {
		return m, nil
	}
	if err != nil {
		return m, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				return m, fmt.Errorf("/proc/self/status: VmRSS %q: %w", v, err)
			}
			m.RSS = kb * 1024
		}
	}
	return m, cmp.Or(sc.Err(), nil)
}
