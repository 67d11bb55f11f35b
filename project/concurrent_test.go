package project

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/corpus/fts"
	"github.com/qualgraph/qualgraph/internal/record"
	"github.com/qualgraph/qualgraph/kg"
)

// TestConcurrentWritesAndReads has goroutines code (three spans at a time),
// recode, uncode and assert on one open project while others read views,
// search and list links. Run it with -race (scripts/test.sh does). Every
// acknowledged write must be in the final state, no reader may see part
// of a write, and the graph derived from the record alone must agree with
// the projection.
func TestConcurrentWritesAndReads(t *testing.T) {
	ctx := context.Background()
	p := autoCodeProject(t, map[string]string{"chen.txt": chenText, "lin.txt": linText})
	docs, err := p.Documents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	doc := docs[0].ID
	for _, d := range docs {
		if d.Name == "chen.txt" {
			doc = d.ID
		}
	}
	if err := p.AddEntities(ctx, []coding.Entity{{ID: "bureau", Type: "LocalGovernment"}, {ID: "chen", Type: "ExperienceBasedFounder"}}, "setup"); err != nil {
		t.Fatal(err)
	}

	const writers, rounds = 4, 12
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		acked   = map[string]string{} // coding id -> code it must end with ("" if uncoded)
		asserts = map[string]bool{}
		errs    = make(chan error, 64)
	)
	stop := make(chan struct{})
	// Readers: every view must hold each batch whole or not at all.
	for r := 0; r < 3; r++ {
		wg.Add(1)
		go func(r int) {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				switch r {
				case 0:
					v, err := p.View(false)
					if err != nil {
						errs <- err
						return
					}
					batches := map[string]int{}
					for _, c := range v.Codings {
						if strings.HasPrefix(c.Memo, "batch ") {
							batches[c.Memo]++
						}
					}
					for _, c := range v.Changes {
						if c.Op == "code" {
							batches["batch "+c.ID] += 0 // the change is there
						}
					}
					for b, n := range batches {
						// A batch's codings may since have been
						// uncoded one by one, never added in part.
						if n > 3 {
							errs <- fmt.Errorf("reader saw %d codings of %s", n, b)
							return
						}
					}
				case 1:
					ix, err := p.Index()
					if err != nil {
						errs <- err
						return
					}
					if hits, err := ix.Search(fts.SearchRequest{Query: "Science Bureau"}); err != nil || len(hits) == 0 {
						errs <- fmt.Errorf("search: %d hits, %v", len(hits), err)
						return
					}
				case 2:
					v, err := p.ViewOf(kg.PartEntities | kg.PartAssertions)
					if err != nil {
						errs <- err
						return
					}
					cb, err := p.Codebook()
					if err != nil {
						errs <- err
						return
					}
					for _, l := range coding.Links(v, cb, coding.LinkFilter{}, nil, nil) {
						if len(l.Evidence) == 0 {
							errs <- fmt.Errorf("link %s %s %s without evidence", l.Subject, l.Relation, l.Object)
							return
						}
					}
				}
			}
		}(r)
	}
	var writersWG sync.WaitGroup
	for w := 0; w < writers; w++ {
		writersWG.Add(1)
		go func(w int) {
			defer writersWG.Done()
			by := fmt.Sprintf("coder%d", w)
			for i := 0; i < rounds; i++ {
				start := (w*rounds + i) % 60
				memo := fmt.Sprintf("batch %d-%d", w, i)
				cs, err := p.Code(ctx, []CodeRequest{
					{Span: coding.Span{Doc: doc, Start: start, End: start + 5}, Code: "Lobbying", Memo: memo},
					{Span: coding.Span{Doc: doc, Start: start + 1, End: start + 6}, Code: "Lobbying", Memo: memo},
					{Span: coding.Span{Doc: doc, Start: start + 2, End: start + 7}, Code: "Lobbying", Memo: memo},
				}, by, "code")
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				for _, c := range cs {
					acked[c.ID] = c.Code
				}
				mu.Unlock()
				switch i % 3 {
				case 1:
					if _, err := p.Recode(ctx, cs[0].ID, "LocalGovernment", by); err != nil {
						errs <- err
						return
					}
					mu.Lock()
					acked[cs[0].ID] = "LocalGovernment"
					mu.Unlock()
				case 2:
					if err := p.Uncode(ctx, []string{cs[1].ID}, by); err != nil {
						errs <- err
						return
					}
					mu.Lock()
					acked[cs[1].ID] = ""
					mu.Unlock()
				}
				if i%4 == 0 {
					a, err := p.Assert(ctx, coding.Assertion{Subject: "bureau", Relation: "funds", Object: "chen", Confidence: 0.7,
						Polarity: coding.Positive, Evidence: []coding.Span{{Doc: doc, Start: start, End: start + 9}}}, by)
					if err != nil {
						errs <- err
						return
					}
					mu.Lock()
					asserts[a.ID] = true
					mu.Unlock()
				}
			}
		}(w)
	}
	writersWG.Wait()
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if t.Failed() {
		return
	}

	v, err := p.View(false)
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]string{}
	for _, c := range v.Codings {
		have[c.ID] = c.Code
	}
	for id, code := range acked {
		if have[id] != code {
			t.Errorf("coding %s: %q in the final state, acknowledged %q", id, have[id], code)
		}
	}
	got := 0
	for _, a := range v.Assertions {
		if asserts[a.ID] {
			got++
		}
	}
	if got != len(asserts) {
		t.Errorf("%d of %d acknowledged assertions in the final state", got, len(asserts))
	}
	// The record holds every write once, and the graph derived from it
	// alone agrees with the projection.
	g := kg.OpenMemory()
	_, err = record.Scan(filepath.Join(p.Dir, RecordFile), record.Start, func(end record.Position, b []byte) error {
		ev, err := coding.UnmarshalEvent(b)
		if err != nil {
			return err
		}
		return g.Apply(end, ev)
	})
	if err != nil {
		t.Fatal(err)
	}
	fromRecord, err := g.View()
	if err != nil {
		t.Fatal(err)
	}
	sameRecords(t, fromRecord, v)
	r, err := p.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() {
		t.Errorf("check: %q", problems(r))
	}
	wantEntries := uint64(1 + 1 + writers*rounds + writers*(rounds/3) + writers*(rounds/3) + writers*((rounds+3)/4))
	if r.Positions.Record != wantEntries || r.Positions.Projection != wantEntries || r.Positions.Graph != wantEntries {
		t.Errorf("positions %+v, want %d entries applied", r.Positions, wantEntries)
	}
}

// TestConcurrentRecodeConflict has two coders recode one coding at once,
// each from the code they saw: one recode goes through, the other is
// refused as a conflict and writes nothing.
func TestConcurrentRecodeConflict(t *testing.T) {
	ctx := context.Background()
	dir, doc := recordProject(t)
	p, err := Open(dir, ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	cs, err := p.Code(ctx, []CodeRequest{{Span: coding.Span{Doc: doc, Start: 10, End: 20}, Code: "Lobbying"}}, "ana", "code")
	if err != nil {
		t.Fatal(err)
	}
	head := p.be.appendHead()
	for round := 0; round < 5; round++ {
		v, err := p.View(false)
		if err != nil {
			t.Fatal(err)
		}
		saw := ""
		for _, c := range v.Codings {
			if c.ID == cs[0].ID {
				saw = c.Code
			}
		}
		// Two codes other than the one both coders saw.
		var targets []string
		for _, c := range []string{"LocalGovernment", "SpinoffFounder", "Lobbying"} {
			if c != saw && len(targets) < 2 {
				targets = append(targets, c)
			}
		}
		errs := make([]error, 2)
		var wg sync.WaitGroup
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = p.RecodeFrom(ctx, cs[0].ID, saw, targets[i], fmt.Sprintf("coder%d", i))
			}()
		}
		wg.Wait()
		ok, conflicts := 0, 0
		var won string
		for i, err := range errs {
			var ce *coding.ConflictError
			switch {
			case err == nil:
				ok++
				won = targets[i]
			case errors.As(err, &ce) && ce.Saw == saw && ce.Now == targets[1-i]:
				conflicts++
			default:
				t.Fatalf("round %d: coder%d: %v", round, i, err)
			}
		}
		if ok != 1 || conflicts != 1 {
			t.Fatalf("round %d: %d recodes went through, %d conflicts; want 1 and 1 (%v)", round, ok, conflicts, errs)
		}
		if got := p.be.appendHead(); got.Seq != head.Seq+1 {
			t.Fatalf("round %d: the record grew by %d entries, want 1", round, got.Seq-head.Seq)
		}
		head = p.be.appendHead()
		v, err = p.View(false)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range v.Codings {
			if c.ID == cs[0].ID && c.Code != won {
				t.Fatalf("round %d: coding is %s, the recode that went through gave %s", round, c.Code, won)
			}
		}
	}
}
