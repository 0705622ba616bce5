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

// textTop is how many URLs the text summary lists per group.
const textTop = 5

// WriteText writes the terminal summary of m: headline numbers, status
// classes, codes with reasons, IIS sub-status codes with meanings, the
// client-aborted group, the top 4xx and 5xx URLs and the malformed-line
// reasons. Every string is passed through [Visible], so a log line cannot
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
	if m.Period.Start != "" {
		p("Period\t%s to %s\n", v(m.Period.Start), v(m.Period.End))
	} else {
		p("Period\tno request parsed\n")
	}
	l := m.Lines
	p("Lines\tread %s\tparsed %s\tmalformed %s\tskipped %s\tfiltered %s\n",
		fmtInt(l.Read), fmtInt(l.Parsed), fmtInt(l.Malformed), fmtInt(l.Skipped), fmtInt(l.Filtered))
	sat := ""
	if m.BytesSaturated {
		sat = "≥"
	}
	p("Requests\t%s\tbytes %s%s\tvisitors %s\tpages %s\tfiles %s\n",
		fmtInt(m.Requests), sat, fmtBytes(m.Bytes), fmtCount(m.Visitors), fmtInt(m.Pages), fmtInt(m.Files))
	p("Clients\t%s", fmtCount(m.DistinctClients))
	if m.Status.NoStatus > 0 {
		p("\tno status %s", fmtInt(m.Status.NoStatus))
	}
	if m.Undated > 0 {
		p("\tno time %s", fmtInt(m.Undated))
	}
	p("\n")
	if len(m.Approximate) > 0 {
		p("Approximate\t%s\n", v(strings.Join(m.Approximate, ", ")))
	}
	tw.Flush()

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
	writeTextTop(tw, "Top 404 URLs", m.Top404)
	for _, d := range m.Drill {
		if strings.HasPrefix(d.Code, "4") && d.Code != "404" && d.Code != "499" && d.Code != "444" {
			writeTextTop(tw, "Top "+d.Code+" URLs", d.URLs)
		}
	}
	writeTextTop(tw, "Top 5xx URLs", m.Top5xx)

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
		if i == textTop {
			break
		}
		// Tabs in keys are already escaped by Visible, so they cannot
		// break the columns.
		fmt.Fprintf(tw, "%d. %s\t%s\t%s\n", i+1, Visible(r.Key), fmtInt(r.Hits), fmtPct(r.Share))
	}
	tw.Flush()
}
