package report

import (
	"encoding/csv"
	"io"
	"maps"
	"slices"
	"strconv"
)

// csvTable is one table of the CSV output: its name (the file name in
// [WriteCSVDir]), its column names, as the JSON model names the same
// figures, and its rows (log text not yet escaped).
type csvTable struct {
	name string
	cols []string
	rows [][]string
}

// WriteCSV writes m as a sequence of CSV tables in one stream. Each table
// starts with a row "table,NAME", then a row of column names, then its
// rows, and ends with an empty line. Spreadsheets and data frames load
// one table per file: [WriteCSVDir] writes them so. Log-derived text
// passes through [Visible], and any cell that starts with '=', '+', '-',
// '@', tab or CR gets a leading "'", so a spreadsheet never evaluates it
// as a formula.
func WriteCSV(w io.Writer, m *Model) error {
	c := &csvOut{w: csv.NewWriter(w)}
	for k, t := range csvTables(m) {
		if k > 0 {
			c.write([]string{})
		}
		c.write([]string{"table", t.name})
		c.table(t)
	}
	return c.flush()
}

// CSVTableNames lists the tables of the CSV output, in order: each is a
// file NAME.csv of [WriteCSVDir].
func CSVTableNames() []string {
	var out []string
	for _, t := range csvTables(&Model{}) {
		out = append(out, t.name)
	}
	return out
}

// WriteCSVDir writes m as one tidy CSV file per table, NAME.csv (see
// [CSVTableNames]), each with one header row of column names, through
// create (which opens, for instance, dir/NAME.csv). Every table is
// written, empty ones as a header alone, so a script finds the same files
// every run. Cells are escaped as by [WriteCSV].
func WriteCSVDir(m *Model, create func(name string, write func(io.Writer) error) error) error {
	for _, t := range csvTables(m) {
		err := create(t.name+".csv", func(w io.Writer) error {
			c := &csvOut{w: csv.NewWriter(w)}
			c.table(t)
			return c.flush()
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// csvTables is the CSV output of m, table by table.
func csvTables(m *Model) []csvTable {
	var tables []csvTable
	c := &tables
	table := func(name string, cols ...string) {
		*c = append(*c, csvTable{name: name, cols: cols})
	}
	row := func(cells ...string) {
		t := &(*c)[len(*c)-1]
		t.rows = append(t.rows, cells)
	}
	i := strconv.FormatInt
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', 6, 64) }
	b := strconv.FormatBool
	opt := func(p *int64) string {
		if p == nil {
			return ""
		}
		return i(*p, 10)
	}

	table("summary", "key", "value")
	row("title", m.Title)
	row("period_start", m.Period.Start)
	row("period_end", m.Period.End)
	row("first_request", m.Period.FirstRequest)
	row("last_request", m.Period.LastRequest)
	row("requests", i(m.Requests, 10))
	row("bytes", i(m.Bytes, 10))
	row("no_bytes", i(m.NoBytes, 10))
	row("visitors", i(m.Visitors.N, 10))
	row("visitors_exact", b(m.Visitors.Exact))
	row("distinct_clients", i(m.DistinctClients.N, 10))
	row("distinct_clients_exact", b(m.DistinctClients.Exact))
	row("bytes_saturated", b(m.BytesSaturated))
	row("no_status", i(m.Status.NoStatus, 10))
	row("undated", i(m.Undated, 10))
	row("zone", m.Period.Zone)
	row("pages", i(m.Pages, 10))
	row("files", i(m.Files, 10))
	row("lines_read", i(m.Lines.Read, 10))
	row("lines_parsed", i(m.Lines.Parsed, 10))
	row("lines_malformed", i(m.Lines.Malformed, 10))
	row("lines_skipped", i(m.Lines.Skipped, 10))
	row("lines_filtered", i(m.Lines.Filtered, 10))
	row("generator_version", m.Generator.Version)
	row("generator_time", m.Generator.Time)

	table("classes", "class", "requests", "share", "bytes")
	for _, r := range m.Classes {
		row(r.Class, i(r.Hits, 10), f(r.Share), i(r.Bytes, 10))
	}
	if n := m.Status.NoStatus; n > 0 {
		row("no_status", i(n, 10), f(share(n, m.Requests)), "")
	}
	table("codes", "code", "reason", "class", "source", "known", "cacheable", "requests", "share", "bytes")
	for _, r := range m.Codes {
		row(r.Code, r.Reason, r.Class, r.Source, b(r.Known), b(r.Cacheable), i(r.Hits, 10), f(r.Share), i(r.Bytes, 10))
	}
	table("sub_codes", "code", "meaning", "requests", "share")
	for _, r := range m.SubCodes {
		row(r.Code, r.Meaning, i(r.Hits, 10), f(r.Share))
	}
	table("win32", "status", "meaning", "requests", "share")
	for _, r := range m.Win32 {
		row(i(r.Status, 10), r.Meaning, i(r.Hits, 10), f(r.Share))
	}
	table("client_aborted", "code", "reason", "requests", "share")
	for _, r := range m.ClientAborted.Codes {
		row(r.Code, r.Reason, i(r.Hits, 10), f(r.Share))
	}

	// One column per class, in [ClassNames] order ("0xx" … "5xx",
	// "non-standard"): with no_status, they sum to requests. Visitors
	// are empty where they are not counted (null in the JSON).
	bucketCols := slices.Concat([]string{"requests", "pages", "visitors", "bytes"}, ClassNames[:], []string{"aborted", "no_status"})
	bucketRow := func(lead []string, k Bucket) {
		r := append(lead, i(k.Hits, 10), i(k.Pages, 10), opt(k.Visitors), i(k.Bytes, 10))
		for ci := range ClassNames {
			r = append(r, i(k.Classes.At(ci), 10))
		}
		row(append(r, i(k.Aborted, 10), i(k.NoStatus, 10))...)
	}
	table("months", append([]string{"month"}, bucketCols...)...)
	for _, mo := range m.Months {
		bucketRow([]string{mo.Key}, mo.Total)
	}
	table("days", append([]string{"day", "start"}, bucketCols...)...)
	for _, mo := range m.Months {
		for _, d := range mo.Days {
			bucketRow([]string{d.Label, d.Start}, d)
		}
	}
	table("hourly", append([]string{"hour", "start"}, bucketCols...)...)
	for _, h := range m.Hourly {
		bucketRow([]string{h.Label, h.Start}, h)
	}
	table("hour_of_day", append([]string{"hour"}, bucketCols...)...)
	for _, h := range m.HourOfDay {
		bucketRow([]string{h.Label}, h)
	}
	table("timeline", append([]string{"step", "label", "start"}, bucketCols...)...)
	for _, h := range m.Timeline {
		bucketRow([]string{m.TimelineStep, h.Label, h.Start}, h)
	}
	table("client_aborted_series", "label", "start", "requests")
	for _, h := range m.ClientAborted.Series {
		row(h.Label, h.Start, i(h.Hits, 10))
	}
	table("incidents", append([]string{"incident", "window_start", "window_end", "what", "minute", "start"}, bucketCols...)...)
	for n, inc := range m.Incidents {
		for _, k := range inc.Minutes {
			bucketRow([]string{strconv.Itoa(n + 1), inc.Start, inc.End, inc.What, k.Label, k.Start}, k)
		}
	}

	table("top", "list", "rank", "key", "requests", "share", "bytes", "visitors", "visitors_exact", "err", "exact",
		"p50_ms", "p95_ms", "p99_ms")
	top := func(name string, l TopList) {
		for n, r := range l.Rows {
			lat := []string{"", "", ""}
			if r.Latency != nil {
				lat = []string{f(r.Latency.P50), f(r.Latency.P95), f(r.Latency.P99)}
			}
			row(append([]string{name, strconv.Itoa(n + 1), r.Key, i(r.Hits, 10), f(r.Share), i(r.Bytes, 10),
				i(r.Visitors, 10), b(r.VisitorsExact), i(r.Err, 10), b(l.Exact)}, lat...)...)
		}
	}
	top("top_urls", m.TopURLs)
	top("top_urls_query", m.TopURLsQuery)
	top("top_404_urls", m.Top404)
	top("top_5xx_urls", m.Top5xx)
	top("client_aborted.top_urls", m.ClientAborted.TopURLs)
	for _, d := range m.Drill {
		top("drill_down."+d.Code+".urls", d.URLs)
		top("drill_down."+d.Code+".clients", d.Clients)
	}
	top("clients", m.Clients)
	top("referrers", m.Referrers)
	top("agents", m.Agents)
	top("methods", m.Methods)
	top("protocols", m.Protocols)
	top("vhosts", m.Vhosts)
	if m.Visits != nil {
		top("visits.entry_pages", m.Visits.EntryPages)
		top("visits.exit_pages", m.Visits.ExitPages)
	}
	for _, l := range extraLists(&m.Extras) {
		top(l.path, *l.l)
	}
	extrasCSV(m, table, row)

	csvVisits(m, table, row)
	agentTables(table, row, m)

	table("latency", "scope", "count", "p50_ms", "p90_ms", "p95_ms", "p99_ms", "max_ms", "rel_err")
	for _, r := range m.Latency {
		row(r.Scope, i(r.Count, 10), f(r.P50), f(r.P90), f(r.P95), f(r.P99), f(r.Max), f(r.RelErr))
	}
	table("malformed_reasons", "reason", "lines")
	for _, r := range slices.Sorted(maps.Keys(m.MalformedReasons)) {
		row(r, i(m.MalformedReasons[r], 10))
	}
	table("skipped_reasons", "reason", "lines")
	for _, r := range slices.Sorted(maps.Keys(m.SkippedReasons)) {
		row(r, i(m.SkippedReasons[r], 10))
	}
	table("malformed_samples", "file", "line", "offset", "column", "field", "reason", "detail", "text", "text_len")
	for _, s := range m.Diagnostics.Samples {
		row(s.File, i(s.Line, 10), i(s.Offset, 10), strconv.Itoa(s.Column), s.Field, s.Reason, s.Detail, s.Text, strconv.Itoa(s.TextLen))
	}
	table("file_errors", "file", "error")
	for _, e := range m.Diagnostics.FileErrors {
		row(e.File, e.Error)
	}
	table("estimates", "path", "what", "error")
	for _, e := range m.Estimates {
		row(e.Path, e.What, e.Error)
	}
	table("formats", "file", "format")
	for _, k := range slices.Sorted(maps.Keys(m.Formats)) {
		row(k, m.Formats[k])
	}
	geoCSV(m, table, func(cells ...string) { row(cells...) })
	return tables
}

type csvOut struct {
	w   *csv.Writer
	err error
}

func (c *csvOut) row(cells ...string) {
	out := make([]string, len(cells))
	for k, s := range cells {
		out[k] = csvCell(s)
	}
	c.write(out)
}

// table writes t's header row and its rows.
func (c *csvOut) table(t csvTable) {
	c.write(t.cols)
	for _, r := range t.rows {
		c.row(r...)
	}
}

// flush ends the output: the first error met, if any.
func (c *csvOut) flush() error {
	c.w.Flush()
	if c.err != nil {
		return c.err
	}
	return c.w.Error()
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
