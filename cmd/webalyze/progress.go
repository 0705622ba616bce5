package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/webalyze/webalyze/report"
)

// progress draws one status line on a terminal's stderr for the whole
// run: which input of how many, bytes done, the rate and, when the sizes
// of the inputs are known (files, not pipes), the share of all input read
// and the time left. It is hand-written (a few dozen lines) rather than
// a library: it needs no more.
type progress struct {
	w     io.Writer
	now   func() time.Time
	start time.Time
	mu    sync.Mutex
	last  time.Time
	drawn bool

	index map[string]int // input name → 1-based position
	n     int            // number of inputs
	total int64          // bytes of all inputs, when every size is known; else 0

	doneSize int64 // bytes of the inputs finished
	curName  string
	curDone  int64
}

// newProgress returns a progress line for g's stderr over the inputs
// names, or nil when stderr is not a terminal or --quiet is set.
func newProgress(g *Globals, names []string) *progress {
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
	return newProgressTo(f, names, time.Now, statSizes(names))
}

// statSizes returns the sizes of names, or nil when one is unknown
// (standard input, a pipe, an unreadable file).
func statSizes(names []string) []int64 {
	sizes := make([]int64, len(names))
	for i, n := range names {
		fi, err := os.Stat(n)
		if n == "-" || err != nil || !fi.Mode().IsRegular() {
			return nil
		}
		sizes[i] = fi.Size()
	}
	return sizes
}

func newProgressTo(w io.Writer, names []string, now func() time.Time, sizes []int64) *progress {
	p := &progress{w: w, now: now, start: now(), index: map[string]int{}, n: len(names)}
	for i, n := range names {
		if _, ok := p.index[n]; !ok {
			p.index[n] = i + 1
		}
	}
	for _, s := range sizes {
		p.total += s
	}
	return p
}

// update is the pipeline's OnProgress callback: done of size bytes of
// input name are read.
func (p *progress) update(name string, done, size int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if name != p.curName {
		p.doneSize += p.curDone
		p.curName = name
	}
	p.curDone = done
	now := p.now()
	if now.Sub(p.last) < 200*time.Millisecond || now.Sub(p.start) < time.Second {
		return
	}
	p.last = now
	all := p.doneSize + done
	rate := float64(all) / now.Sub(p.start).Seconds()
	line := ""
	if p.n > 1 {
		line = fmt.Sprintf("file %d of %d, ", p.index[name], p.n)
	}
	line += fmt.Sprintf("%s: %s read, %s/s", report.Visible(name), mib(all), mib(int64(rate)))
	if p.total > 0 && all <= p.total && rate > 0 {
		left := time.Duration(float64(p.total-all) / rate * float64(time.Second))
		line += fmt.Sprintf(", %.0f%% of all input, about %s left", 100*float64(all)/float64(p.total), left.Round(time.Second))
	} else if size > 0 && done <= size && rate > 0 {
		line += fmt.Sprintf(", %.0f%% of this input", 100*float64(done)/float64(size))
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
