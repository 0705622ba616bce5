package main

import (
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/webalyze/webalyze/aggregate"
	"github.com/webalyze/webalyze/report"
)

// CheckCmd evaluates thresholds, for cron alerting.
type CheckCmd struct {
	InputFlags
	WindowFlags
	StateFlags
	Max    []string `required:"" placeholder:"KEY=LIMIT" help:"A threshold: a class (5xx; 0xx is 000, non-standard is 001-099 and 600-999), a code (499) or an IIS code.sub (404.2), with a share of requests (1%) or a count (500). Repeatable: --max 5xx=1% --max 499=5% --max 404=500."`
	Window string   `placeholder:"SPAN" help:"Check every sliding window of SPAN (5m, 1h) instead of the whole run; the worst window per threshold is reported."`
}

// Run checks the thresholds: exit 0 when all hold, 1 when any is breached.
func (c *CheckCmd) Run(g *Globals) error {
	var ts []threshold
	for _, s := range c.Max {
		t, err := parseThreshold(s)
		if err != nil {
			return usageError(err)
		}
		ts = append(ts, t)
	}
	var window time.Duration
	if c.Window != "" {
		w, err := parseSpan(c.Window)
		if err != nil || w < time.Minute {
			return usageError(fmt.Errorf("--window %q: want a span of at least one minute, such as 5m", c.Window))
		}
		window = w
	}
	j := &job{in: &c.InputFlags, win: &c.WindowFlags, state: &c.StateFlags}
	if window > 0 {
		j.checkState = func(path string, st *aggregate.State) error { return untimedSubs(ts, c.Window, path, st) }
	}
	col, err := j.collect(g)
	if err != nil {
		return err
	}
	var breaches []breach
	if window > 0 {
		breaches = checkWindows(ts, minutesOf(col.st), window)
	} else {
		total := countsOf(col.st)
		for _, t := range ts {
			if b, over := t.check(&total); over {
				breaches = append(breaches, b)
			}
		}
	}
	e := newEnding(g)
	e.print(func(w io.Writer) error {
		for _, b := range breaches {
			fmt.Fprintln(w, "BREACHED", report.Visible(b.String()))
		}
		if g.Verbose && len(breaches) == 0 {
			fmt.Fprintf(w, "ok: %d thresholds hold over %d requests\n", len(ts), col.st.Requests)
		}
		return nil
	})
	if err := col.saveState(e); err != nil {
		return err
	}
	if err := e.commit(); err != nil {
		return err
	}
	if err := outcome(g, &c.InputFlags, col.st, col.res); err != nil {
		return err
	}
	if len(breaches) > 0 {
		return &exitError{code: exitBreached}
	}
	return nil
}

// countsOf gives the whole-run counts of a State.
func countsOf(st *aggregate.State) counts {
	c := counts{requests: st.Requests, codes: map[uint16]uint64{}, subcodes: map[[2]uint32]uint64{}}
	for code, n := range st.Codes {
		if n == 0 {
			continue
		}
		c.codes[uint16(code)] = n
		c.classes[aggregate.ClassIndex(uint16(code))] += n
	}
	for _, sc := range st.SubCodeList() {
		c.subcodes[[2]uint32{uint32(sc.Code), sc.Sub}] = sc.N
	}
	return c
}

// untimedSubs refuses the windowed code.sub thresholds for which the
// state file at path holds records in no minute: it was written before
// minute buckets kept sub-statuses, and counting those records as 0 in
// every window would hide a breach.
func untimedSubs(ts []threshold, window, path string, st *aggregate.State) error {
	for _, t := range ts {
		if !t.hasSub {
			continue
		}
		if n := st.SubCodesUntimed[aggregate.SubKey(t.code, t.sub)]; n > 0 {
			return usageError(fmt.Errorf("--max %s --window %s: state %s holds %d %03d.%d requests whose minute is unknown (it was written by a webalyze that kept sub-status counts for the whole run only); drop --window, check the code (%03d), or start a new state file",
				t.spec, window, report.Visible(path), n, t.code, t.sub, t.code))
		}
	}
	return nil
}

// minutesOf gives the per-minute counts of a State, oldest first.
func minutesOf(st *aggregate.State) []minute {
	out := make([]minute, 0, len(st.Minutes))
	for m, b := range st.Minutes {
		x := minute{start: m * 60}
		x.requests = b.Requests
		x.codes = map[uint16]uint64{}
		for _, cc := range b.Codes {
			x.codes[cc.Code] += cc.N
			x.classes[aggregate.ClassIndex(cc.Code)] += cc.N
		}
		if len(b.SubCodes) > 0 {
			x.subcodes = make(map[[2]uint32]uint64, len(b.SubCodes))
			for _, sc := range b.SubCodes {
				x.subcodes[[2]uint32{uint32(sc.Code), sc.Sub}] += sc.N
			}
		}
		out = append(out, x)
	}
	slices.SortFunc(out, func(a, b minute) int { return int(a.start - b.start) })
	return out
}
