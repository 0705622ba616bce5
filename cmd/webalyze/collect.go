package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/webalyze/webalyze/aggregate"
	"github.com/webalyze/webalyze/aggregate/agents"
	"github.com/webalyze/webalyze/aggregate/visits"
	"github.com/webalyze/webalyze/parser"
	"github.com/webalyze/webalyze/report"
)

// StateFlags select an incremental state file.
type StateFlags struct {
	State     string        `placeholder:"PATH" help:"Incremental state file: load it if present, read only what is new in the inputs (appended, rotated and truncated files are recognised), fold it in, save it atomically, and report the cumulative result. Without inputs, report from the state alone. The state is locked (PATH.lock) from load to save."`
	StateWait time.Duration `default:"10m" placeholder:"DURATION" help:"How long to wait for another run holding the --state lock; past it, exit 2 with \"state in use by PID n\". Default 10m; 0 means do not wait."`
}

// lockState takes the lock of the state path (given as flag, for
// messages) for the whole load-read-save.
func lockState(flag, path string, wait time.Duration) (*aggregate.StateLock, error) {
	if wait < 0 {
		return nil, usageError(fmt.Errorf("--state-wait %s: want a duration of 0 or more", wait))
	}
	l, err := aggregate.LockState(path, wait)
	var pe *fs.PathError
	if err != nil && !errors.Is(err, aggregate.ErrStateInUse) && errors.As(err, &pe) {
		err = fmt.Errorf("%s %s: locking state: %w", flag, report.Visible(path), pe.Err)
	}
	if err != nil {
		return nil, usageError(err)
	}
	return l, nil
}

// job is what the commands that read logs share: inputs, window, state.
type job struct {
	in    *InputFlags
	win   *WindowFlags
	state *StateFlags
	// drillAll keeps drill-down lists for every code (--drill-all-codes);
	// sites are the site's own hosts (--site).
	drillAll bool
	sites    []string
	// ch, when its URL is set, is the source instead of files; top is
	// the rows of its top lists (--top).
	ch  *ClickHouseSource
	top int
	// countsOnly: the command reads the counts and minutes only (check,
	// timeline), so ClickHouse is not asked for the lists.
	countsOnly bool
	// now is the clock for relative windows; tests set it.
	now func() time.Time
	// checkState, when set, vets the loaded state file (path, state)
	// before any input is read; its error ends the run.
	checkState func(path string, st *aggregate.State) error
	// keepFresh keeps, with --state, what this run read before it is
	// folded into the state (collected.fresh).
	keepFresh bool
}

// collected is the outcome of reading.
type collected struct {
	st              *aggregate.State
	res             aggregate.RunResult
	since, until    time.Time
	hasSince, hasUn bool
	// statePath is the --state file to save, by saveState.
	statePath string
	// fresh is what this run read, when job.keepFresh and a state was
	// loaded; nil otherwise (everything is this run's).
	fresh *freshData
	// in and loc are set instead of st when the figures come from
	// ClickHouse (see collectClickHouse).
	in  *report.Input
	loc *time.Location
}

// freshData is what one run read, before it joins the state.
type freshData struct {
	counts  counts
	minutes []int64 // minute numbers with records, ascending
}

// collect reads the inputs (and the --state file) into one State. An input
// that cannot be read ends the run with status 2, before anything is
// written; the state file is saved by saveState, at the run's end.
func (j *job) collect(g *Globals) (*collected, error) {
	if err := j.in.validate(); err != nil {
		return nil, err
	}
	if j.ch.enabled() {
		return j.collectClickHouse(g)
	}
	geoDim, err := j.in.geoDimension(g, j.in.DistinctCapacity)
	if err != nil {
		return nil, err
	}
	loc, err := j.win.location()
	if err != nil {
		return nil, err
	}
	format, candidates, err := j.in.formatConfig()
	if err != nil {
		return nil, err
	}
	if _, _, _, err := j.in.maxMalformed(); err != nil {
		return nil, err
	}
	var prev *aggregate.State
	statePath := ""
	if j.state != nil && j.state.State != "" {
		statePath = j.state.State
		// A run that reads inputs saves the state: lock it from load to
		// save. A report from an existing state alone only reads it (a
		// save is a rename, so it reads a whole state), and may do so
		// where it cannot write, as with a merged state copied elsewhere.
		if _, serr := os.Stat(statePath); len(j.in.Files) > 0 || serr != nil {
			lock, err := lockState("--state", statePath, j.state.StateWait)
			if err != nil {
				return nil, err
			}
			// Held until the run ends (after the state is put in
			// place, see ending), or the process does.
			g.atEnd(func() { lock.Unlock() })
		}
		if prev, err = aggregate.LoadFile(statePath); err != nil {
			return nil, usageError(outputError("--state", statePath, err))
		}
		if prev != nil {
			prev.RetireFileErrors()
		}
		if prev != nil && prev.Settings.Zone != loc.String() {
			return nil, usageError(fmt.Errorf("--state %s was built with --tz %s, not %s: use the same zone, or another state file", report.Visible(statePath), prev.Settings.Zone, loc))
		}
		if prev != nil && j.checkState != nil {
			if err := j.checkState(statePath, prev); err != nil {
				return nil, err
			}
		}
	}
	if prev != nil && len(j.in.Files) == 0 {
		// Render from the state alone.
		if j.win.Since != "" || j.win.Until != "" {
			return nil, usageError(fmt.Errorf("--since and --until filter lines as they are read; with --state and no input there is nothing to read"))
		}
		return &collected{st: prev}, nil // nothing new: the state file stays as it is
	}
	now := time.Now
	if j.now != nil {
		now = j.now
	}
	names := j.in.expandNames(g)
	anchor := now()
	started := anchor
	// Signals end the process (see catchSignals), whatever it is doing.
	ctx := context.Background()
	opts := aggregate.Options{Location: loc, DrillAllCodes: j.drillAll, SiteHosts: j.sites,
		TopCapacity: j.in.TopCapacity, DrillCapacity: j.in.DrillCapacity, DistinctCapacity: j.in.DistinctCapacity}
	noAgents, err := j.in.noAgents()
	if err != nil {
		return nil, err
	}
	switch {
	case noAgents:
		// --no-agents, or --no-visitor-panels: no agent classes.
	case goesOn(prev, agents.Section):
		// As for visits below: a state made before agents were counted
		// goes on without them.
		j.in.addAgents(&opts)
	case j.in.ExcludeBots:
		return nil, usageError(fmt.Errorf("--exclude-bots: --state %s was made without user-agent classes (--no-agents, --no-visitor-panels, or a webalyze before them): start a new state", report.Visible(statePath)))
	}
	if geoDim != nil {
		opts.Dimensions = append(opts.Dimensions, geoDim)
	}
	if !j.in.NoVisits && !j.in.NoVisitorPanels && goesOn(prev, visits.Section) {
		// A state made without visits (before they existed) goes on
		// without them: a state keeps what it was made with.
		opts.Dimensions = append(opts.Dimensions, j.in.VisitFlags.dimension(j.in.TopCapacity))
	}
	if !j.in.NoVisitorPanels {
		opts.Dimensions = append(opts.Dimensions, extraDimensions(j.sites, prev)...)
	}
	client, err := j.in.clientFrom()
	if err != nil {
		return nil, err
	}
	base := aggregate.RunConfig{
		ClientFrom:  client,
		Workers:     j.in.Workers,
		MaxLine:     j.in.MaxLine,
		Format:      format,
		Candidates:  candidates,
		Options:     opts,
		BeforeMerge: enterFold,
	}
	if j.win.relative() && j.win.RelativeTo == "end" {
		// The end of the data is known only after reading it: a first pass.
		for _, n := range names {
			if err := twiceReadable(n); err != nil {
				return nil, usageError(err)
			}
		}
		pass := base
		pass.BeforeMerge = nil // the run that counts is the second
		first, _, err := aggregate.Run(ctx, pass, names)
		if err != nil {
			return nil, err
		}
		if prev != nil {
			if err := first.Merge(prev); err != nil {
				return nil, usageError(outputError("--state", statePath, err))
			}
		}
		if first.Requests == first.Undated {
			return nil, usageError(errors.New("--relative-to end: the inputs hold no dated request"))
		}
		anchor = time.Unix(first.Latest+1, 0)
	}
	c := &collected{}
	c.since, c.until, c.hasSince, c.hasUn, err = j.win.bounds(anchor, loc)
	if err != nil {
		return nil, err
	}
	cfg := base
	cfg.Since, cfg.HasSince = c.since.Unix(), c.hasSince
	cfg.Until, cfg.HasUntil = c.until.Unix(), c.hasUn
	if statePath != "" {
		cfg.Incremental = true
		if prev != nil {
			cfg.Marks = prev.Marks
		}
	}
	if g.Verbose {
		cfg.OnFormat = func(name string, pf parser.Format, d parser.Detection) {
			fmt.Fprintln(g.stderr, formatNote(name, pf, d))
		}
	}
	prog := newProgress(g, names)
	if prog != nil {
		cfg.OnProgress = prog.update
		g.progress.Store(prog)
	}
	st, res, err := aggregate.Run(ctx, cfg, names)
	leaveFold()
	prog.done()
	if err != nil {
		return nil, err
	}
	if g.Verbose {
		agentsNote(g.stderr, st)
	}
	if len(res.Unreadable) > 0 {
		// Half the inputs would make a report that looks complete, and
		// a state that never reads the missing part: write nothing.
		for _, err := range res.Unreadable {
			fmt.Fprintln(g.stderr, "webalyze:", report.Visible(inputError(err)))
		}
		return nil, &exitError{code: exitUsage, err: errors.New("nothing was written: an input could not be read")}
	}
	warnSameData(g, res.SameData)
	c.res = res
	if prev != nil && j.keepFresh {
		fin := report.NewInput(st, report.BuildOptions{})
		minutes := make([]int64, len(fin.Minutes))
		for i, mi := range fin.Minutes {
			minutes[i] = mi.Start.Unix() / 60
		}
		c.fresh = &freshData{counts: countsOf(fin), minutes: minutes}
	}
	if prev != nil {
		marks := res.Marks
		if err := prev.Merge(st); err != nil {
			return nil, usageError(outputError("--state", statePath, err))
		}
		st = prev
		st.Marks = marks
	} else {
		st.Marks = res.Marks
	}
	if statePath != "" {
		st.DateFileErrors(started.Unix())
	}
	c.st, c.statePath = st, statePath
	return c, nil
}

// twiceReadable says why --relative-to end cannot read input name twice:
// standard input, and anything that is not a regular file (by what it is,
// not by its name: /dev/stdin on a pipe, a FIFO, a device), would give its
// data to the first pass only, or block. A name that cannot be examined is
// left to the run to report.
func twiceReadable(name string) error {
	if name == "-" {
		return errors.New("--relative-to end reads the inputs twice and cannot read standard input; save it to a file first")
	}
	fi, err := os.Stat(name)
	if err != nil || fi.Mode().IsRegular() {
		return nil
	}
	what := "not a regular file"
	switch {
	case fi.IsDir():
		return nil // reported as a directory by the run
	case fi.Mode()&os.ModeNamedPipe != 0:
		what = "a pipe or FIFO"
	case fi.Mode()&os.ModeDevice != 0:
		what = "a device"
	case fi.Mode()&os.ModeSocket != 0:
		what = "a socket"
	}
	return fmt.Errorf("--relative-to end reads the inputs twice, and %s is %s; save it to a file first", report.Visible(name), what)
}

// saveState prepares the --state file, if any, in the run's ending.
func (c *collected) saveState(e *ending) error {
	if c.statePath == "" {
		return nil
	}
	return e.file("--state", c.statePath, 0o600, c.st.Encode)
}

// inputError describes an input that could not be read, naming it once.
func inputError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Path + ": " + pe.Err.Error()
	}
	return err.Error()
}

// reportVersion and reportTime stamp reports; golden tests fix them.
var (
	reportVersion = versionString
	reportTime    = time.Now
)

// buildOptions are the report options common to commands.
func (c *collected) buildOptions(f *ReportFlags) report.BuildOptions {
	o := report.BuildOptions{Title: f.Title, TopN: f.Top, DrillAll: f.DrillAllCodes,
		Version: reportVersion(), Generated: reportTime()}
	if c.hasSince {
		o.Since = c.since
	}
	if c.hasUn {
		o.Until = c.until
	}
	return o
}
