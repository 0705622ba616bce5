package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/webalyze/webalyze/aggregate"
	"github.com/webalyze/webalyze/report"
)

// A run writes nothing until its end: the results printed on standard
// output, the output files and the state file are gathered in an ending
// and put in place together by commit, once everything was read, folded
// and rendered. A run that fails before (an unreadable input, a usage
// error) or is interrupted by a signal leaves every earlier file as it
// was and prints no result.
//
// commit first writes the streams (standard output, then outputs that are
// devices, FIFOs or descriptors, see aggregate.Prepare), then renames the
// prepared files into place, the state file last: if a rename fails, the
// outputs may be new and the state old, and the next run reads the same
// data again rather than losing it.
type ending struct {
	g      *Globals
	prints []func(io.Writer) error // results on standard output
	files  []endingFile            // in commit order
}

type endingFile struct {
	flag, path string // for messages: "-o report.html"
	p          *aggregate.Pending
}

func newEnding(g *Globals) *ending {
	testPause("render")
	return &ending{g: g}
}

// print adds a result for standard output, rendered by commit.
func (e *ending) print(write func(io.Writer) error) { e.prints = append(e.prints, write) }

// file prepares path (named by flag in messages, -o or --state) with the
// content write makes, and adds it to the ending.
func (e *ending) file(flag, path string, perm os.FileMode, write func(io.Writer) error) error {
	p, err := aggregate.Prepare(path, perm, write)
	if err != nil {
		e.abort()
		return outputError(flag, path, err)
	}
	e.files = append(e.files, endingFile{flag, path, p})
	return nil
}

// abort drops every prepared file.
func (e *ending) abort() {
	for _, f := range e.files {
		f.p.Abort()
	}
	e.files = nil
}

// commit writes the streams and puts the files in place; see ending.
func (e *ending) commit() error {
	testPause("commit")
	for _, write := range e.prints {
		out := bufio.NewWriter(e.g.stdout)
		err := write(out)
		if err == nil {
			err = out.Flush()
		}
		if err != nil {
			e.abort()
			return err
		}
	}
	var renamed []endingFile
	for _, f := range e.files {
		if !f.p.Direct() {
			renamed = append(renamed, f)
			continue
		}
		if err := f.p.Commit(); err != nil {
			e.abort() // the ones done are left as they are
			return outputError(f.flag, f.path, err)
		}
	}
	// The renames are not interrupted by a signal: once the first is done
	// the others follow, and the run ends as it would have without it.
	gd := e.g.guard
	gd.mu.Lock()
	defer gd.mu.Unlock()
	for i, f := range renamed {
		if err := f.p.Commit(); err != nil {
			for _, r := range renamed[i+1:] {
				r.p.Abort()
			}
			return outputError(f.flag, f.path, err)
		}
	}
	gd.committed = true
	e.files = nil
	return nil
}

// outputError names a file by the flag and path the user gave ("-o
// x.html: ..."), or by its path alone when flag is "", and says the cause
// once.
func outputError(flag, path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Path == path {
		err = pe.Err
	}
	if flag == "" {
		return fmt.Errorf("%s: %w", report.Visible(path), err)
	}
	return fmt.Errorf("%s %s: %w", flag, report.Visible(path), err)
}

// guard stands between the end of a run and the signals that stop it.
type guard struct {
	mu        sync.Mutex
	committed bool // the files are in place: a signal changes nothing
	exit      func(int)
}

// catchSignals makes SIGINT, SIGTERM and SIGHUP stop the run the same way
// at every stage: the temporary files of prepared outputs are removed,
// nothing is written or changed, and the exit status is 128 + the
// signal's number (130, 143, 129). A signal that comes while the prepared
// files are being renamed into place waits for the renames, then changes
// nothing. A signal the program was started with ignored (nohup) stays
// ignored. It returns the function that stops catching.
func (g *Globals) catchSignals() (stop func()) {
	var sigs []os.Signal
	for _, s := range exitSignals {
		if !signal.Ignored(s) {
			sigs = append(sigs, s)
		}
	}
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, sigs...)
	quiet := make(chan os.Signal, 1)
	if len(quietSignals) > 0 {
		signal.Notify(quiet, quietSignals...)
	}
	quit := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-ch:
				g.onSignal(s)
			case <-quiet:
			case <-quit:
				return
			}
		}
	}()
	return func() {
		signal.Stop(ch)
		signal.Stop(quiet)
		close(quit)
	}
}

func (g *Globals) onSignal(s os.Signal) {
	gd := g.guard
	gd.mu.Lock()
	if gd.committed {
		gd.mu.Unlock()
		return
	}
	// The lock is kept: no rename may start now.
	aggregate.RemoveTemporaries()
	g.progress.Load().done()
	fmt.Fprintf(g.stderr, "webalyze: interrupted by %s: no file was written or changed\n", signalName(s))
	code := 128 + 2
	if n, ok := s.(syscall.Signal); ok {
		code = 128 + int(n)
	}
	gd.exit(code)
}

// testPause stops the run at stage when the environment variable
// WEBALYZE_TEST_PAUSE names it: the signal tests interrupt the binary at
// known points this way ("fold": the workers are done and their States
// are being folded; "render": the report is built, nothing is prepared;
// "commit": the files are prepared and not yet in place). It says so on
// standard error and waits, for a signal.
func testPause(stage string) {
	if os.Getenv("WEBALYZE_TEST_PAUSE") != stage {
		return
	}
	fmt.Fprintf(os.Stderr, "webalyze: paused at %s\n", stage)
	for {
		time.Sleep(time.Hour)
	}
}
