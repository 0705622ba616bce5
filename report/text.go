package report

import (
	"bufio"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
)

// WriteText writes the terminal summary of m: headline numbers, status
// classes, codes with reasons, IIS sub-status codes with meanings, the
// client-aborted group, the top URLs, clients, 4xx and 5xx URLs (as many
// rows as the Model's lists hold: --top), response-time percentiles when
// the log has them, and the malformed-line reasons. Every string is passed through [Visible], so a log line cannot
// send escape sequences, carriage returns or bidi overrides to the
// terminal.
func WriteText(w io.Writer, m *Model) error {
	bw := bufio.NewWriter(w)
	tw := tabwriter.NewWriter(bw, 0, 4, 2, ' ', 0)
	v := Visible
	p := func(format string, args ...any) { fmt.Fprintf(tw, format, args...) }

	if m.Title != "" {
		p("%s\n", v(m.Title))
	}
	if m.Period.FirstRequest != "" {
		p("Period\tfirst request %s, last request %s\n", v(m.Period.FirstRequest), v(m.Period.LastRequest))
	} else if m.Period.Start != "" {
		p("Period\t%s to %s\n", v(m.Period.Start), v(m.Period.End))
	} else {
		p("Period\tno request parsed\n")
	}
	l := m.Lines
	p("Lines\tread %s\tparsed %s\tmalformed %s\tskipped %s\tfiltered %s\n",
		fmtInt(l.Read), fmtInt(l.Parsed), fmtInt(l.Malformed), fmtInt(l.Skipped), fmtInt(l.Filtered))
	bytes := fmtBytes(m.Bytes)
	if m.BytesSaturated {
		bytes = "≥" + bytes
	}
	if m.Requests > 0 && m.NoBytes >= m.Requests {
		bytes = "not logged"
	}
	p("Requests\t%s\tbytes %s\tvisitors %s\tpages %s\tfiles (2xx) %s\n",
		fmtInt(m.Requests), bytes, fmtCount(m.Visitors), fmtInt(m.Pages), fmtInt(m.Files))
	p("Clients\t%s", fmtCount(m.DistinctClients))
	if m.Status.NoStatus > 0 {
		p("\tno status %s", fmtInt(m.Status.NoStatus))
	}
	if m.Undated > 0 {
		p("\tno time %s", fmtInt(m.Undated))
	}
	p("\n")
	writeTextFiltered(tw, m)
	textVisits(tw, m)
	if line := geoText(m); line != "" {
		p("%s\n", line)
	}
	tw.Flush()
	for _, e := range m.Estimates {
		fmt.Fprintf(bw, "Estimate: %s: %s\n", v(e.What), v(e.Error))
	}

	if len(m.Classes) > 0 {
		p("\nClass\tRequests\tShare\n")
		for _, c := range m.Classes {
			p("%s\t%s\t%s\n", v(c.Class), fmtInt(c.Hits), fmtPct(c.Share))
		}
		if n := m.Status.NoStatus; n > 0 {
			p("no status\t%s\t%s\n", fmtInt(n), fmtPct(share(n, m.Requests)))
		}
		tw.Flush()
	}
	if len(m.Codes) > 0 {
		p("\nCode\tReason\tSource\tRequests\tShare\tCacheable\n")
		for _, c := range m.Codes {
			reason := c.Reason
			if !c.Known {
				reason = "(not registered)"
			}
			cache := ""
			if c.Cacheable {
				cache = "yes"
			}
			p("%s\t%s\t%s\t%s\t%s\t%s\n", v(c.Code), v(reason), v(c.Source), fmtInt(c.Hits), fmtPct(c.Share), cache)
		}
		tw.Flush()
	}
	if len(m.SubCodes) > 0 {
		p("\nSub-status\tMeaning\tRequests\tShare of code\n")
		for _, c := range m.SubCodes {
			p("%s\t%s\t%s\t%s\n", v(c.Code), v(c.Meaning), fmtInt(c.Hits), fmtPct(c.Share))
		}
		tw.Flush()
	}
	if a := m.ClientAborted; a.Hits > 0 {
		p("\nClient-aborted (499/444)\t%s\t%s\n", fmtInt(a.Hits), fmtPct(a.Share))
		for _, c := range a.Codes {
			p("  %s %s\t%s\t%s\n", v(c.Code), v(c.Reason), fmtInt(c.Hits), fmtPct(c.Share))
		}
		tw.Flush()
		writeTextTop(tw, "Top client-aborted URLs", a.TopURLs)
	}
	writeTextTop(tw, "Top URLs", m.TopURLs)
	writeTextTop(tw, "Top clients", m.Clients)
	writeTextTop(tw, "Top 404 URLs", m.Top404)
	for _, d := range m.Drill {
		if strings.HasPrefix(d.Code, "4") && d.Code != "404" && d.Code != "499" && d.Code != "444" {
			writeTextTop(tw, "Top "+d.Code+" URLs", d.URLs)
		}
	}
	writeTextTop(tw, "Top 5xx URLs", m.Top5xx)
	writeTextAgents(tw, m)
	writeTextExtras(tw, m)

	if len(m.Latency) > 0 {
		p("\nResponse time\tRequests\tp50\tp90\tp95\tp99\tMax\n")
		for _, l := range m.Latency {
			p("%s\t%s\t%s\t%s\t%s\t%s\t%s\n", v(l.Scope), fmtInt(l.Count), fmtMs(l.P50), fmtMs(l.P90), fmtMs(l.P95), fmtMs(l.P99), fmtMs(l.Max))
		}
		tw.Flush()
	}

	if len(m.MalformedReasons) > 0 {
		p("\nMalformed reason\tLines\n")
		for _, r := range slices.Sorted(maps.Keys(m.MalformedReasons)) {
			p("%s\t%s\n", v(r), fmtInt(m.MalformedReasons[r]))
		}
		tw.Flush()
	}
	if len(m.SkippedReasons) > 0 {
		p("\nSkipped reason\tLines\n")
		for _, r := range slices.Sorted(maps.Keys(m.SkippedReasons)) {
			p("%s\t%s\n", v(r), fmtInt(m.SkippedReasons[r]))
		}
		tw.Flush()
	}
	for _, fe := range m.Diagnostics.FileErrors {
		p("\nerror: %s: %s\n", v(fe.File), v(fe.Error))
	}
	if len(m.Diagnostics.EarlierFileErrors) > 0 {
		p("\nEarlier runs' file errors (history; not this run's):\n")
		for _, fe := range m.Diagnostics.EarlierFileErrors {
			at := fe.At
			if at == "" {
				at = "date unknown"
			}
			p("  %s: %s: %s\n", v(at), v(fe.File), v(fe.Error))
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return bw.Flush()
}

func writeTextTop(tw *tabwriter.Writer, title string, l TopList) {
	if len(l.Rows) == 0 {
		return
	}
	note := ""
	if !l.Exact {
		note = fmt.Sprintf(" (approximate, ±%s)", fmtInt(l.ErrorBound))
	}
	fmt.Fprintf(tw, "\n%s%s\tRequests\tShare\n", title, note)
	for i, r := range l.Rows {
		// Tabs in keys are already escaped by Visible, so they cannot
		// break the columns.
		key := Visible(r.Key)
		if key == "" {
			key = "(empty)"
		}
		fmt.Fprintf(tw, "%d. %s\t%s\t%s\n", i+1, key, fmtInt(r.Hits), fmtPct(r.Share))
	}
	tw.Flush()
}
