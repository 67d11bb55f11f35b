package main

import (
	"io"
	"sync"

	"github.com/schollz/progressbar/v3"
)

// progress shows a progress bar on a terminal and nothing elsewhere (the
// command prints a one-line summary when it ends).
type progress struct {
	mu  sync.Mutex
	bar *progressbar.ProgressBar
	w   io.Writer
	d   string
	byt bool
}

func newProgress(w io.Writer, desc, unit string) *progress {
	return &progress{w: w, d: desc, byt: unit == "bytes"}
}

// set reports done of total; it is safe for concurrent use.
func (p *progress) set(done, total int64) {
	if !isTerminal(p.w) || total <= 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar == nil {
		opts := []progressbar.Option{
			progressbar.OptionSetWriter(p.w),
			progressbar.OptionSetDescription(p.d),
			progressbar.OptionShowCount(),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionClearOnFinish(),
			progressbar.OptionEnableColorCodes(useColor(p.w)),
			progressbar.OptionThrottle(100e6),
		}
		if p.byt {
			opts = append(opts, progressbar.OptionShowBytes(true))
		}
		p.bar = progressbar.NewOptions64(total, opts...)
	}
	p.bar.Set64(done)
}

func (p *progress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		p.bar.Finish()
	}
}
