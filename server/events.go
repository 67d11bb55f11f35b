package server

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/qualgraph/qualgraph/project"
	"github.com/qualgraph/qualgraph/service"
)

// Position is where the project's record stands: its sequence number (the
// entries written) and its size in bytes.
type Position struct {
	Seq    uint64 `json:"seq"`
	Offset int64  `json:"offset"`
}

// watcher polls the project's record for growth, cheaply (a stat), and
// tells the event streams. One poller runs while any stream listens.
type watcher struct {
	svc    *service.Service
	every  time.Duration
	mu     sync.Mutex
	subs   map[chan Position]bool
	cancel context.CancelFunc
}

func newWatcher(svc *service.Service, every time.Duration) *watcher {
	return &watcher{svc: svc, every: every, subs: map[chan Position]bool{}}
}

// position reads the record's position: its size by stat, and its
// sequence number from the project.
func (w *watcher) position() (Position, error) {
	p := w.svc.Project()
	pos, err := p.RecordHead()
	if err != nil {
		return Position{}, err
	}
	fi, err := os.Stat(filepath.Join(p.Dir, project.RecordFile))
	if p.Meta.DB != "" {
		return Position{Seq: pos.Seq, Offset: pos.Offset}, nil // no record file
	} else if err != nil {
		return Position{}, err
	}
	return Position{Seq: pos.Seq, Offset: max(pos.Offset, fi.Size())}, nil
}

func (w *watcher) subscribe() chan Position {
	ch := make(chan Position, 1)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.subs[ch] = true
	if w.cancel == nil {
		ctx, cancel := context.WithCancel(context.Background())
		w.cancel = cancel
		// The size now, before the stream says where it starts: a write
		// between that and the poller's first look is a change to tell.
		var size int64 = -1
		if fi, err := os.Stat(filepath.Join(w.svc.Project().Dir, project.RecordFile)); err == nil {
			size = fi.Size()
		}
		go w.run(ctx, size)
	}
	return ch
}

func (w *watcher) unsubscribe(ch chan Position) {
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.subs, ch)
	if len(w.subs) == 0 && w.cancel != nil {
		w.cancel()
		w.cancel = nil
	}
}

// run polls the record, whose size was size when the first stream
// subscribed (-1 if unknown), until ctx is done.
func (w *watcher) run(ctx context.Context, size int64) {
	t := time.NewTicker(w.every)
	defer t.Stop()
	p := w.svc.Project()
	name := filepath.Join(p.Dir, project.RecordFile)
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		now, err := recordSize(p, name)
		if err != nil || now == size {
			continue
		}
		first := size < 0
		size = now
		if first {
			continue // the streams said where they start
		}
		pos, err := w.position()
		if err != nil {
			continue
		}
		w.mu.Lock()
		for ch := range w.subs {
			select {
			case <-ch: // drop a position the stream has not sent yet
			default:
			}
			ch <- pos
		}
		w.mu.Unlock()
	}
}

// recordSize is what tells the watcher that the record has grown: the
// size of the record file, or for a project kept in PostgreSQL (whose
// record is in the database) the entries its projection has applied, so
// that a change is announced once this server shows it.
func recordSize(p *project.Project, name string) (int64, error) {
	if p.Meta.DB != "" {
		pos, err := p.ProjectionPosition()
		return int64(pos.Seq), err
	}
	fi, err := os.Stat(name)
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

// events streams server-sent events: "position" once with where the record
// stands, then "change" with the new position whenever the record grows,
// by this server's writes or another process's.
func (s *Server) events(w http.ResponseWriter, r *http.Request, c *caller) {
	fl, ok := w.(http.Flusher)
	if !ok {
		s.writeError(w, fmt.Errorf("event stream: the connection cannot stream"))
		return
	}
	ch := s.watch.subscribe()
	defer s.watch.unsubscribe(ch)
	pos, err := s.watch.position()
	if err != nil {
		s.writeError(w, err)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	send := func(event string, p Position) {
		fmt.Fprintf(w, "event: %s\ndata: {\"seq\":%d,\"offset\":%d}\n\n", event, p.Seq, p.Offset)
		fl.Flush()
	}
	send("position", pos)
	keep := time.NewTicker(20 * time.Second)
	defer keep.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case p := <-ch:
			send("change", p)
		case <-keep.C:
			fmt.Fprint(w, ": keep-alive\n\n")
			fl.Flush()
		}
	}
}
