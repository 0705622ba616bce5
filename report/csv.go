package report

import (
	"encoding/csv"
	"io"
	"maps"
	"slices"
	"strconv"
)

// WriteCSV writes m as a sequence of CSV tables. Each table starts with a
// row "table,NAME", then a row of column names, then its rows, and ends
// with an empty line. Log-derived text passes through [Visible], and any
// cell that starts with '=', '+', '-', '@', tab or CR gets a leading "'",
// so a spreadsheet never evaluates it as a formula.
func WriteCSV(w io.Writer, m *Model) error {
	cw := csv.NewWriter(w)
	c := &csvOut{w: cw}
	i := strconv.FormatInt
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', 6, 64) }
	b := strconv.FormatBool

	c.table("summary", "key", "value")
	c.row("title", m.Title)
	c.row("period_start", m.Period.Start)
	c.row("period_end", m.Period.End)
	c.row("requests", i(m.Requests, 10))
	c.row("bytes", i(m.Bytes, 10))
	c.row("visitors", i(m.Visitors.N, 10))
	c.row("visitors_exact", b(m.Visitors.Exact))
	c.row("distinct_clients", i(m.DistinctClients.N, 10))
	c.row("distinct_clients_exact", b(m.DistinctClients.Exact))
	c.row("bytes_saturated", b(m.BytesSaturated))
	c.row("no_status", i(m.Status.NoStatus, 10))
	c.row("undated", i(m.Undated, 10))
	c.row("zone", m.Period.Zone)
	c.row("pages", i(m.Pages, 10))
	c.row("files", i(m.Files, 10))
	c.row("lines_read", i(m.Lines.Read, 10))
	c.row("lines_parsed", i(m.Lines.Parsed, 10))
	c.row("lines_malformed", i(m.Lines.Malformed, 10))
	c.row("lines_skipped", i(m.Lines.Skipped, 10))
	c.row("lines_filtered", i(m.Lines.Filtered, 10))

	c.table("classes", "class", "requests", "share", "bytes")
	for _, r := range m.Classes {
		c.row(r.Class, i(r.Hits, 10), f(r.Share), i(r.Bytes, 10))
	}
	if n := m.Status.NoStatus; n > 0 {
		c.row("no_status", i(n, 10), f(share(n, m.Requests)), "")
	}
	c.table("codes", "code", "reason", "class", "source", "known", "cacheable", "requests", "share", "bytes")
	for _, r := range m.Codes {
		c.row(r.Code, r.Reason, r.Class, r.Source, b(r.Known), b(r.Cacheable), i(r.Hits, 10), f(r.Share), i(r.Bytes, 10))
	}
	c.table("subcodes", "code", "meaning", "requests", "share_of_code")
	for _, r := range m.SubCodes {
		c.row(r.Code, r.Meaning, i(r.Hits, 10), f(r.Share))
	}
	c.table("win32", "status", "meaning", "requests", "share")
	for _, r := range m.Win32 {
		c.row(i(r.Status, 10), r.Meaning, i(r.Hits, 10), f(r.Share))
	}
	c.table("client_aborted", "code", "reason", "requests", "share")
	for _, r := range m.ClientAborted.Codes {
		c.row(r.Code, r.Reason, i(r.Hits, 10), f(r.Share))
	}

	// One column per class, in [ClassNames] order ("0xx" … "5xx",
	// "non-standard"): with no_status, they sum to requests.
	bucketCols := slices.Concat([]string{"requests", "pages", "visitors", "bytes"}, ClassNames[:], []string{"aborted", "no_status"})
	bucketRow := func(lead []string, k Bucket) {
		visitors := "" // not counted
		if k.Visitors != nil {
			visitors = i(*k.Visitors, 10)
		}
		row := append(lead, i(k.Hits, 10), i(k.Pages, 10), visitors, i(k.Bytes, 10))
		for ci := range ClassNames {
			row = append(row, i(k.Classes.At(ci), 10))
		}
		c.row(append(row, i(k.Aborted, 10), i(k.NoStatus, 10))...)
	}
	c.table("months", append([]string{"month"}, bucketCols...)...)
	for _, mo := range m.Months {
		bucketRow([]string{mo.Key}, mo.Total)
	}
	c.table("days", append([]string{"day", "start"}, bucketCols...)...)
	for _, mo := range m.Months {
		for _, d := range mo.Days {
			bucketRow([]string{d.Label, d.Start}, d)
		}
	}
	c.table("hourly", append([]string{"hour", "start"}, bucketCols...)...)
	for _, h := range m.Hourly {
		bucketRow([]string{h.Label, h.Start}, h)
	}
	c.table("hour_of_day", append([]string{"hour"}, bucketCols...)...)
	for _, h := range m.HourOfDay {
		bucketRow([]string{h.Label}, h)
	}
	c.table("timeline", append([]string{"step", "label", "start"}, bucketCols...)...)
	for _, h := range m.Timeline {
		bucketRow([]string{m.TimelineStep, h.Label, h.Start}, h)
	}
	c.table("client_aborted_series", "label", "start", "aborted")
	for _, h := range m.ClientAborted.Series {
		c.row(h.Label, h.Start, i(h.Hits, 10))
	}
	c.table("incidents", append([]string{"incident", "window_start", "window_end", "what", "minute", "start"}, bucketCols...)...)
	for n, inc := range m.Incidents {
		for _, k := range inc.Minutes {
			bucketRow([]string{strconv.Itoa(n + 1), inc.Start, inc.End, inc.What, k.Label, k.Start}, k)
		}
	}

	c.table("top", "list", "rank", "key", "requests", "share", "bytes", "visitors", "err", "exact")
	top := func(name string, l TopList) {
		for n, r := range l.Rows {
			c.row(name, strconv.Itoa(n+1), r.Key, i(r.Hits, 10), f(r.Share), i(r.Bytes, 10), i(r.Visitors, 10), i(r.Err, 10), b(l.Exact))
		}
	}
	top("urls", m.TopURLs)
	top("urls_query", m.TopURLsQuery)
	top("urls_404", m.Top404)
	top("urls_5xx", m.Top5xx)
	top("urls_client_aborted", m.ClientAborted.TopURLs)
	for _, d := range m.Drill {
		top("code_"+d.Code+"_urls", d.URLs)
		top("code_"+d.Code+"_clients", d.Clients)
	}
	top("clients", m.Clients)
	top("referrers", m.Referrers)
	top("agents", m.Agents)
	top("methods", m.Methods)
	top("protocols", m.Protocols)
	top("vhosts", m.Vhosts)

	c.table("latency", "scope", "count", "p50_ms", "p90_ms", "p95_ms", "p99_ms", "max_ms", "rel_err")
	for _, r := range m.Latency {
		c.row(r.Scope, i(r.Count, 10), f(r.P50), f(r.P90), f(r.P95), f(r.P99), f(r.Max), f(r.RelErr))
	}
	c.table("malformed_reasons", "reason", "lines")
	for _, r := range slices.Sorted(maps.Keys(m.MalformedReasons)) {
		c.row(r, i(m.MalformedReasons[r], 10))
	}
	c.table("skipped_reasons", "reason", "lines")
	for _, r := range slices.Sorted(maps.Keys(m.SkippedReasons)) {
		c.row(r, i(m.SkippedReasons[r], 10))
	}
	c.table("malformed_samples", "file", "line", "offset", "column", "field", "reason", "detail", "text", "text_len")
	for _, s := range m.Diagnostics.Samples {
		c.row(s.File, i(s.Line, 10), i(s.Offset, 10), strconv.Itoa(s.Column), s.Field, s.Reason, s.Detail, s.Text, strconv.Itoa(s.TextLen))
	}
	c.table("file_errors", "file", "error")
	for _, e := range m.Diagnostics.FileErrors {
		c.row(e.File, e.Error)
	}
	c.table("approximate", "path")
	for _, a := range m.Approximate {
		c.row(a)
	}
	c.table("formats", "file", "format")
	for _, k := range slices.Sorted(maps.Keys(m.Formats)) {
		c.row(k, m.Formats[k])
	}
	cw.Flush()
	if c.err != nil {
		return c.err
	}
	return cw.Error()
}

type csvOut struct {
	w       *csv.Writer
	started bool
	err     error
}

func (c *csvOut) table(name string, cols ...string) {
	if c.started {
		c.write([]string{})
	}
	c.started = true
	c.write([]string{"table", name})
	c.write(cols)
}

func (c *csvOut) row(cells ...string) {
	out := make([]string, len(cells))
	for k, s := range cells {
		out[k] = csvCell(s)
	}
	c.write(out)
}

func (c *csvOut) write(rec []string) {
	if c.err == nil {
		c.err = c.w.Write(rec)
	}
}

// csvCell escapes s for a spreadsheet: visible control characters, and a
// leading "'" before a character that would start a formula.
func csvCell(s string) string {
	s = Visible(s)
	if s != "" {
		switch s[0] {
		case '=', '+', '-', '@', '\t', '\r':
			return "'" + s
		}
	}
	return s
}
