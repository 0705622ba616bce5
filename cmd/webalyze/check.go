package main

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"slices"
	"time"

	"github.com/webalyze/webalyze/aggregate"
	"github.com/webalyze/webalyze/aggregate/status"
	"github.com/webalyze/webalyze/report"
)

// CheckCmd evaluates thresholds, for cron alerting.
type CheckCmd struct {
	InputFlags
	WindowFlags
	StateFlags
	ClickHouseSource
	Max         []string `required:"" placeholder:"KEY=LIMIT" help:"A threshold: a class (5xx; 0xx is 000, non-standard is 001-099 and 600-999), a code (499) or an IIS code.sub (404.2), with a share of requests (1%) or a count (500). Repeatable: --max 5xx=1% --max 499=5% --max 404=500."`
	Warn        []string `placeholder:"KEY=LIMIT" help:"A warning threshold, as --max: reported as WARNING (exit 1 with --nagios; without it, printed and exit 0 unless a --max is breached)."`
	Window      string   `placeholder:"SPAN" help:"Check every sliding window of SPAN (5m, 1h) instead of the whole run; every breaching stretch (overlapping or touching breaching windows) is reported, worst first."`
	MinRequests uint64   `default:"20" placeholder:"N" help:"A share (5xx=1%) is not judged over fewer than N requests (in a window, or the whole run): a percentage of a handful of requests is noise. Counts are always judged."`
	Nagios      bool     `help:"Print one monitoring-plugin status line (WEBALYZE OK/WARNING/CRITICAL/UNKNOWN - text | perfdata) and exit 0/1/2/3 as Nagios, Icinga and Sensu expect."`
}

// checkResult is what a check found.
type checkResult struct {
	crit, warn []breach // worst first
	perf       []perfItem
	requests   uint64 // requests judged: this run's with --state
	thresholds int
}

// Run checks the thresholds: exit 0 when all hold, 1 when any is breached
// (--nagios: see runNagios).
func (c *CheckCmd) Run(g *Globals) error {
	if c.Nagios {
		return c.runNagios(g)
	}
	r, col, err := c.evaluate(g)
	if err != nil {
		return err
	}
	e := newEnding(g)
	e.print(func(w io.Writer) error {
		for _, b := range r.crit {
			fmt.Fprintln(w, "BREACHED", report.Visible(b.String()))
		}
		for _, b := range r.warn {
			fmt.Fprintln(w, "WARNING", report.Visible(b.String()))
		}
		if len(r.crit) == 0 && len(r.warn) == 0 && !g.Quiet {
			fmt.Fprintf(w, "ok: %s over %d requests%s\n", holds(r.thresholds), r.requests, c.scope(col))
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
	if len(r.crit) > 0 {
		return &exitError{code: exitBreached}
	}
	return nil
}

// scope says what was judged, for the ok line.
func (c *CheckCmd) scope(col *collected) string {
	s := ""
	if col.fresh != nil {
		s = " new since the last run"
	}
	if c.Window != "" {
		s += " in every " + c.Window + " window"
	}
	return s
}

// holds says that n thresholds hold.
func holds(n int) string {
	if n == 1 {
		return "1 threshold holds"
	}
	return fmt.Sprintf("%d thresholds hold", n)
}

// evaluate reads the inputs and judges the thresholds.
func (c *CheckCmd) evaluate(g *Globals) (*checkResult, *collected, error) {
	parse := func(specs []string) ([]threshold, error) {
		var ts []threshold
		for _, s := range specs {
			t, err := parseThreshold(s)
			if err != nil {
				return nil, usageError(err)
			}
			ts = append(ts, t)
		}
		return ts, nil
	}
	crit, err := parse(c.Max)
	if err != nil {
		return nil, nil, err
	}
	warn, err := parse(c.Warn)
	if err != nil {
		return nil, nil, err
	}
	var window time.Duration
	if c.Window != "" {
		w, err := parseSpan(c.Window)
		if err != nil || w < time.Minute {
			return nil, nil, usageError(fmt.Errorf("--window %q: want a span of at least one minute, such as 5m", c.Window))
		}
		window = w
	}
	all := append(slices.Clone(crit), warn...)
	j := &job{in: &c.InputFlags, win: &c.WindowFlags, state: &c.StateFlags, keepFresh: true, ch: &c.ClickHouseSource, top: 1, countsOnly: true}
	if window > 0 {
		j.checkState = func(path string, st *aggregate.State) error { return untimedSubs(all, c.Window, path, st) }
	}
	col, err := j.collect(g)
	if err != nil {
		return nil, nil, err
	}
	// The thresholds read the report's Input, as every output does.
	in := col.input(report.BuildOptions{})
	r := &checkResult{thresholds: len(all), requests: uint64(in.Lines.Parsed)}
	var found [][]breach
	var worst []float64
	if window > 0 {
		var judge func(from, to int64) bool
		if col.fresh != nil {
			// With --state, the windows that hold a minute read by this
			// run: what is new, with the tail of the state a window needs.
			fresh := col.fresh.minutes
			judge = func(from, to int64) bool {
				i, _ := slices.BinarySearch(fresh, from/60)
				return i < len(fresh) && fresh[i] < to/60
			}
			r.requests = col.fresh.counts.requests
		}
		for _, res := range checkWindows(all, minutesOf(in), window, c.MinRequests, judge) {
			found = append(found, res.breaches)
			worst = append(worst, res.worst)
		}
	} else {
		total := countsOf(in)
		if col.fresh != nil {
			total = col.fresh.counts
		}
		r.requests = total.requests
		for _, t := range all {
			b, over, judged := t.check(&total, c.MinRequests)
			var bs []breach
			if over {
				bs = append(bs, b)
			}
			found = append(found, bs)
			w := math.NaN()
			if judged {
				w = b.value()
			}
			worst = append(worst, w)
		}
	}
	for i, t := range all {
		isWarn := i >= len(crit)
		for _, b := range found[i] {
			b.warn = isWarn
			if isWarn {
				r.warn = append(r.warn, b)
			} else {
				r.crit = append(r.crit, b)
			}
		}
		r.perf = append(r.perf, perfItem{t: t, warn: isWarn, worst: worst[i]})
	}
	// A warning that a --max breach of the same key covers says nothing
	// more.
	r.warn = slices.DeleteFunc(r.warn, func(w breach) bool {
		return slices.ContainsFunc(r.crit, func(c breach) bool { return c.t.key == w.t.key && c.overlaps(w) })
	})
	for _, l := range []*[]breach{&r.crit, &r.warn} {
		slices.SortStableFunc(*l, func(a, b breach) int {
			ar, ae := a.severity()
			br, be := b.severity()
			if c := cmp.Compare(br, ar); c != 0 {
				return c
			}
			return cmp.Compare(be, ae)
		})
	}
	return r, col, nil
}

// countsOf gives the whole-run counts of an Input.
func countsOf(in *report.Input) counts {
	c := counts{requests: uint64(in.NoStatus), codes: map[uint16]uint64{}, subcodes: map[[2]uint32]uint64{}}
	for _, cc := range in.Codes {
		if cc.Hits <= 0 || cc.Code < 0 || cc.Code > 999 {
			continue
		}
		n := uint64(cc.Hits)
		c.requests += n
		c.codes[uint16(cc.Code)] = n
		c.classes[status.ClassIndex(uint16(cc.Code))] += n
	}
	for _, sc := range in.SubCodes {
		c.subcodes[[2]uint32{uint32(sc.Code), sc.Sub}] = uint64(sc.Hits)
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

// minutesOf gives the per-minute counts of an Input, oldest first.
func minutesOf(in *report.Input) []minute {
	out := make([]minute, 0, len(in.Minutes))
	at := make(map[int64]int, len(in.Minutes)) // Unix minute → index in out
	for _, mi := range in.Minutes {
		x := minute{start: mi.Start.Unix()}
		x.requests = uint64(mi.Hits)
		x.codes = map[uint16]uint64{}
		for _, cc := range mi.Codes {
			if cc.Code < 0 || cc.Code > 999 {
				continue
			}
			x.codes[uint16(cc.Code)] += uint64(cc.N)
			x.classes[status.ClassIndex(uint16(cc.Code))] += uint64(cc.N)
		}
		at[x.start] = len(out)
		out = append(out, x)
	}
	for _, sm := range in.SubMinutes {
		i, ok := at[sm.Start.Unix()]
		if !ok {
			continue
		}
		x := &out[i]
		if x.subcodes == nil {
			x.subcodes = map[[2]uint32]uint64{}
		}
		x.subcodes[[2]uint32{uint32(sm.Code), sm.Sub}] += uint64(sm.N)
	}
	slices.SortFunc(out, func(a, b minute) int { return int(a.start - b.start) })
	return out
}
