package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/webalyze/webalyze/report"
)

// Monitoring-plugin output (--nagios), as the Monitoring Plugins
// Development Guidelines describe it: one line "WEBALYZE STATE - text |
// perfdata" on standard output, further breaches on the lines after it,
// and the exit status 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. A --max
// breach is CRITICAL, a --warn breach WARNING; a run that cannot judge
// (usage error, unreadable input) or that met data errors without a
// breach is UNKNOWN.

const (
	nagiosOK       = 0
	nagiosWarning  = 1
	nagiosCritical = 2
	nagiosUnknown  = 3
)

var nagiosNames = [...]string{"OK", "WARNING", "CRITICAL", "UNKNOWN"}

// perfItem is one threshold's performance data: the worst value judged
// (NaN: none judged).
type perfItem struct {
	t     threshold
	warn  bool
	worst float64
}

// perfData renders the items, one label per threshold key, with its
// warning and critical limits: '5xx'=3.20%;1;5;0;100.
func perfData(items []perfItem, requests uint64) string {
	type entry struct {
		key        string
		isShare    bool
		value      float64
		warn, crit string
	}
	var order []string
	byKey := map[string]*entry{}
	for _, it := range items {
		k := it.t.key
		if it.t.isShare {
			k += "%"
		}
		e := byKey[k]
		if e == nil {
			e = &entry{key: it.t.key, isShare: it.t.isShare, value: math.NaN()}
			byKey[k] = e
			order = append(order, k)
		}
		if !math.IsNaN(it.worst) && (math.IsNaN(e.value) || it.worst > e.value) {
			e.value = it.worst
		}
		limit := strconv.FormatFloat(it.t.limit, 'f', -1, 64)
		if it.t.isShare {
			limit = strconv.FormatFloat(100*it.t.limit, 'f', -1, 64)
		}
		if it.warn {
			e.warn = limit
		} else {
			e.crit = limit
		}
	}
	var parts []string
	for _, k := range order {
		e := byKey[k]
		label := e.key
		if e.isShare && byKey[e.key] != nil {
			label += " share" // a share and a count of the same key
		}
		v := "U"
		uom, max := "", ""
		if e.isShare {
			uom, max = "%", "100"
			if !math.IsNaN(e.value) {
				v = strconv.FormatFloat(100*e.value, 'f', 2, 64)
			}
		} else if !math.IsNaN(e.value) {
			v = strconv.FormatFloat(e.value, 'f', 0, 64)
		}
		if v == "U" {
			uom = ""
		}
		parts = append(parts, fmt.Sprintf("'%s'=%s%s;%s;%s;0;%s", label, v, uom, e.warn, e.crit, max))
	}
	parts = append(parts, fmt.Sprintf("requests=%d;;;0;", requests))
	return strings.Join(parts, " ")
}

// runNagios is Run with monitoring-plugin output and exit status.
func (c *CheckCmd) runNagios(g *Globals) error {
	r, col, err := c.evaluate(g)
	e := newEnding(g)
	if err == nil {
		err = col.saveState(e)
	}
	if err != nil {
		msg := err.Error()
		var ee *exitError
		if errors.As(err, &ee) && ee.err == nil {
			msg = "the run failed (see standard error)"
		}
		fmt.Fprintf(g.stdout, "WEBALYZE UNKNOWN - %s\n", oneLine(msg))
		return &exitError{code: nagiosUnknown}
	}
	state := nagiosOK
	var text string
	var lines []string
	breaches := append(append([]breach(nil), r.crit...), r.warn...)
	switch {
	case len(r.crit) > 0:
		state = nagiosCritical
	case len(r.warn) > 0:
		state = nagiosWarning
	}
	dataErr := outcome(g, &c.InputFlags, col.st, col.res)
	if state == nagiosOK && dataErr != nil {
		state = nagiosUnknown
	}
	switch {
	case len(breaches) > 0:
		text = breaches[0].String()
		if len(breaches) > 1 {
			text += fmt.Sprintf(" (and %d more)", len(breaches)-1)
		}
		for _, b := range breaches[1:] {
			kind := "CRITICAL"
			if b.warn {
				kind = "WARNING"
			}
			lines = append(lines, kind+" "+b.String())
		}
	case state == nagiosUnknown:
		text = "completed with data errors (see standard error)"
	default:
		text = fmt.Sprintf("%s over %d requests%s", holds(r.thresholds), r.requests, c.scope(col))
	}
	e.print(func(w io.Writer) error {
		fmt.Fprintf(w, "WEBALYZE %s - %s | %s\n", nagiosNames[state], oneLine(text), perfData(r.perf, r.requests))
		for _, l := range lines {
			fmt.Fprintln(w, oneLine(l))
		}
		return nil
	})
	if err := e.commit(); err != nil {
		return &exitError{code: nagiosUnknown, err: err}
	}
	if state == nagiosOK {
		return nil
	}
	return &exitError{code: state}
}

// oneLine makes s safe for one line of plugin output: visible escapes
// for control characters, and no '|', which starts the performance data.
func oneLine(s string) string {
	return strings.ReplaceAll(report.Visible(s), "|", "/")
}
