package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/webalyze/webalyze/report"
)

// progress draws one status line on a terminal's stderr: the input, bytes
// done, the rate and, for inputs of known size, the share and ETA. It is
// hand-written (a dozen lines) rather than a library: it needs no more.
type progress struct {
	w        io.Writer
	start    time.Time
	mu       sync.Mutex
	last     time.Time
	drawn    bool
	doneSize int64 // bytes of earlier inputs
	curName  string
	curDone  int64
}

// newProgress returns a progress line for g's stderr, or nil when stderr
// is not a terminal or --quiet is set.
func newProgress(g *Globals) *progress {
	if g.Quiet {
		return nil
	}
	f, ok := g.stderr.(*os.File)
	if !ok {
		return nil
	}
	fi, err := f.Stat()
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	return &progress{w: f, start: time.Now()}
}

// update is the pipeline's OnProgress callback.
func (p *progress) update(name string, done, size int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if name != p.curName {
		p.doneSize += p.curDone
		p.curName = name
	}
	p.curDone = done
	now := time.Now()
	if now.Sub(p.last) < 200*time.Millisecond || now.Sub(p.start) < time.Second {
		return
	}
	p.last = now
	total := p.doneSize + done
	rate := float64(total) / now.Sub(p.start).Seconds()
	line := fmt.Sprintf("%s: %s read, %s/s", report.Visible(name), mib(total), mib(int64(rate)))
	if size > 0 && done <= size && rate > 0 {
		left := time.Duration(float64(size-done) / rate * float64(time.Second))
		line += fmt.Sprintf(", %.0f%% of this file, about %s left", 100*float64(done)/float64(size), left.Round(time.Second))
	}
	fmt.Fprintf(p.w, "\r\x1b[K%s", line)
	p.drawn = true
}

// done clears the line.
func (p *progress) done() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }
