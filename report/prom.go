package report

import (
	"bufio"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// WritePrometheus writes the figures of m in the Prometheus text
// exposition format (version 0.0.4), for node_exporter's textfile
// collector: requests and bytes by status class and code, IIS sub-status
// and win32 status, client-aborted requests, lines by outcome, malformed
// and skipped lines by reason, latency quantiles, and the time of the
// last request.
//
// Counters (the _total metrics) count what the Model holds: with an
// incremental state file (--state) that is everything since the state
// began, so they only grow, as Prometheus expects; without one, each run
// starts from zero, which Prometheus reads as a counter reset.
//
// Label values are escaped as the format requires (backslash, double
// quote and line feed) and made valid UTF-8. Series come in a fixed
// order, so the same Model always gives the same bytes.
func WritePrometheus(w io.Writer, m *Model) error {
	p := &promOut{w: bufio.NewWriter(w)}

	p.family("webalyze_requests_total", "counter", "Requests parsed, by status class and code (class and code \"none\" for lines without a status).")
	for _, c := range m.Codes {
		p.sample("webalyze_requests_total", labels{"class", c.Class, "code", c.Code}, promInt(c.Hits))
	}
	if m.Status.NoStatus > 0 {
		p.sample("webalyze_requests_total", labels{"class", "none", "code", "none"}, promInt(m.Status.NoStatus))
	}

	p.family("webalyze_response_bytes_total", "counter", "Response bytes sent, by status class and code.")
	for _, c := range m.Codes {
		p.sample("webalyze_response_bytes_total", labels{"class", c.Class, "code", c.Code}, promInt(c.Bytes))
	}

	p.family("webalyze_iis_substatus_requests_total", "counter", "IIS requests by status code and sub-status (sc-substatus), such as 404.2.")
	for _, s := range m.SubCodes {
		code, sub, _ := strings.Cut(s.Code, ".")
		p.sample("webalyze_iis_substatus_requests_total", labels{"code", code, "substatus", sub}, promInt(s.Hits))
	}

	p.family("webalyze_iis_win32_status_requests_total", "counter", "IIS requests by sc-win32-status.")
	for _, s := range m.Win32 {
		p.sample("webalyze_iis_win32_status_requests_total", labels{"win32_status", strconv.FormatInt(s.Status, 10)}, promInt(s.Hits))
	}

	p.family("webalyze_client_aborted_requests_total", "counter", "Requests the client gave up on, or that were closed without a response (nginx 499 and 444), by code.")
	for _, c := range m.ClientAborted.Codes {
		p.sample("webalyze_client_aborted_requests_total", labels{"code", c.Code}, promInt(c.Hits))
	}

	p.family("webalyze_lines_read_total", "counter", "Log lines read: the sum of webalyze_lines_total over its outcomes.")
	p.sample("webalyze_lines_read_total", nil, promInt(m.Lines.Read))
	p.family("webalyze_lines_total", "counter", "Log lines read, by outcome: parsed, malformed, skipped (directives, blank lines) or filtered (outside --since/--until).")
	for _, o := range []struct {
		name string
		n    int64
	}{{"parsed", m.Lines.Parsed}, {"malformed", m.Lines.Malformed}, {"skipped", m.Lines.Skipped}, {"filtered", m.Lines.Filtered}} {
		p.sample("webalyze_lines_total", labels{"outcome", o.name}, promInt(o.n))
	}
	p.family("webalyze_malformed_lines_total", "counter", "Malformed log lines, by reason.")
	for _, r := range slices.Sorted(maps.Keys(m.MalformedReasons)) {
		p.sample("webalyze_malformed_lines_total", labels{"reason", r}, promInt(m.MalformedReasons[r]))
	}
	p.family("webalyze_skipped_lines_total", "counter", "Skipped log lines, by reason.")
	for _, r := range slices.Sorted(maps.Keys(m.SkippedReasons)) {
		p.sample("webalyze_skipped_lines_total", labels{"reason", r}, promInt(m.SkippedReasons[r]))
	}

	p.family("webalyze_request_duration_seconds", "gauge", "Request duration quantiles (quantile 1 is the maximum), by scope: all, a status class or code, or upstream (the backend's time); within the sketch's relative error.")
	for _, l := range m.Latency {
		for _, q := range []struct {
			q  string
			ms float64
		}{{"0.5", l.P50}, {"0.9", l.P90}, {"0.95", l.P95}, {"0.99", l.P99}, {"1", l.Max}} {
			p.sample("webalyze_request_duration_seconds", labels{"scope", l.Scope, "quantile", q.q}, promFloat(q.ms/1000))
		}
	}
	p.family("webalyze_timed_requests_total", "counter", "Requests with a duration in the log, by scope (see webalyze_request_duration_seconds).")
	for _, l := range m.Latency {
		p.sample("webalyze_timed_requests_total", labels{"scope", l.Scope}, promInt(l.Count))
	}

	if t, err := time.Parse(time.RFC3339, m.Period.LastRequest); err == nil {
		p.family("webalyze_last_request_timestamp_seconds", "gauge", "Time of the last request in the logs, in seconds since the Unix epoch.")
		p.sample("webalyze_last_request_timestamp_seconds", nil, promInt(t.Unix()))
	}
	p.family("webalyze_input_errors", "gauge", "Inputs of this run that could not be read to their end (unreadable, truncated or corrupt); earlier runs' are not counted.")
	p.sample("webalyze_input_errors", nil, promInt(int64(len(m.Diagnostics.FileErrors))))
	return p.w.Flush()
}

// labels are label names and values, alternating.
type labels []string

type promOut struct {
	w *bufio.Writer
}

// family writes the HELP and TYPE lines of a metric.
func (p *promOut) family(name, typ, help string) {
	fmt.Fprintf(p.w, "# HELP %s %s\n# TYPE %s %s\n", name, promHelp.Replace(help), name, typ)
}

// sample writes one sample line.
func (p *promOut) sample(name string, ls labels, v string) {
	p.w.WriteString(name)
	if len(ls) > 0 {
		p.w.WriteByte('{')
		for i := 0; i+1 < len(ls); i += 2 {
			if i > 0 {
				p.w.WriteByte(',')
			}
			p.w.WriteString(ls[i])
			p.w.WriteString(`="`)
			p.w.WriteString(promLabel.Replace(strings.ToValidUTF8(ls[i+1], "\uFFFD")))
			p.w.WriteByte('"')
		}
		p.w.WriteByte('}')
	}
	p.w.WriteByte(' ')
	p.w.WriteString(v)
	p.w.WriteByte('\n')
}

// promInt formats a count exactly (a float64 would round past 2^53).
func promInt(n int64) string { return strconv.FormatInt(n, 10) }

// promFloat formats a measure.
func promFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// promLabel escapes a label value; promHelp a HELP text.
var (
	promLabel = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	promHelp  = strings.NewReplacer(`\`, `\\`, "\n", `\n`)
)
