package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/webalyze/webalyze/report"
)

// promSeries reads a metrics file with the Prometheus library's parser
// into one map: `name{l1=v1,l2=v2}` (labels sorted by name) to value.
func promSeries(t *testing.T, path string) map[string]float64 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	out := map[string]float64{}
	for name, f := range fams {
		for _, m := range f.Metric {
			var ls []string
			for _, l := range m.Label {
				ls = append(ls, l.GetName()+"="+l.GetValue())
			}
			slices.Sort(ls)
			key := name + "{" + strings.Join(ls, ",") + "}"
			switch f.GetType() {
			case dto.MetricType_COUNTER:
				out[key] = m.Counter.GetValue()
			case dto.MetricType_GAUGE:
				out[key] = m.Gauge.GetValue()
			default:
				t.Errorf("%s: unexpected type %v", name, f.GetType())
			}
		}
	}
	return out
}

// expectedSeries is what a metrics file must hold for the JSON model m.
func expectedSeries(t *testing.T, m *report.Model) map[string]float64 {
	t.Helper()
	want := map[string]float64{
		"webalyze_lines_read_total{}":             float64(m.Lines.Read),
		"webalyze_lines_total{outcome=parsed}":    float64(m.Lines.Parsed),
		"webalyze_lines_total{outcome=malformed}": float64(m.Lines.Malformed),
		"webalyze_lines_total{outcome=skipped}":   float64(m.Lines.Skipped),
		"webalyze_lines_total{outcome=filtered}":  float64(m.Lines.Filtered),
		"webalyze_input_errors{}":                 float64(len(m.Diagnostics.FileErrors)),
	}
	for _, c := range m.Codes {
		want["webalyze_requests_total{class="+c.Class+",code="+c.Code+"}"] = float64(c.Hits)
		want["webalyze_response_bytes_total{class="+c.Class+",code="+c.Code+"}"] = float64(c.Bytes)
	}
	if m.Status.NoStatus > 0 {
		want["webalyze_requests_total{class=none,code=none}"] = float64(m.Status.NoStatus)
	}
	for _, c := range m.ClientAborted.Codes {
		want["webalyze_client_aborted_requests_total{code="+c.Code+"}"] = float64(c.Hits)
	}
	for _, s := range m.SubCodes {
		code, sub, _ := strings.Cut(s.Code, ".")
		want["webalyze_iis_substatus_requests_total{code="+code+",substatus="+sub+"}"] = float64(s.Hits)
	}
	for _, w := range m.Win32 {
		want["webalyze_iis_win32_status_requests_total{win32_status="+strconv.FormatInt(w.Status, 10)+"}"] = float64(w.Hits)
	}
	for r, n := range m.MalformedReasons {
		want["webalyze_malformed_lines_total{reason="+r+"}"] = float64(n)
	}
	for r, n := range m.SkippedReasons {
		want["webalyze_skipped_lines_total{reason="+r+"}"] = float64(n)
	}
	for _, l := range m.Latency {
		want["webalyze_timed_requests_total{scope="+l.Scope+"}"] = float64(l.Count)
		for q, ms := range map[string]float64{"0.5": l.P50, "0.9": l.P90, "0.95": l.P95, "0.99": l.P99, "1": l.Max} {
			want["webalyze_request_duration_seconds{quantile="+q+",scope="+l.Scope+"}"] = ms / 1000
		}
	}
	if m.Period.LastRequest != "" {
		last, err := time.Parse(time.RFC3339, m.Period.LastRequest)
		if err != nil {
			t.Fatal(err)
		}
		want["webalyze_last_request_timestamp_seconds{}"] = float64(last.Unix())
	}
	return want
}

// checkSeries compares a metrics file with the JSON model: the same
// series, the same values.
func checkSeries(t *testing.T, got, want map[string]float64) {
	t.Helper()
	for k, v := range want {
		if g, ok := got[k]; !ok || g != v {
			t.Errorf("%s = %v (present %v), want %v", k, g, ok, v)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("unexpected series %s", k)
		}
	}
}

// jsonModel runs summary --json and decodes the model.
func jsonModel(t *testing.T, args ...string) *report.Model {
	t.Helper()
	code, out, errs := runCLI(t, append([]string{"summary", "--json"}, args...)...)
	if code != exitOK {
		t.Fatalf("summary: exit %d: %s", code, errs)
	}
	var m report.Model
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatal(err)
	}
	return &m
}

func TestReportPrometheus(t *testing.T) {
	inputs := []string{sample + "nginx-access.log", sample + "apache-vhost.log", sample + "iis-u_ex240304.log", sample + "nginx-timed.log"}
	dir := t.TempDir()
	out := filepath.Join(dir, "webalyze.prom")
	if code, _, errs := runCLI(t, append([]string{"report", "-q", "-o", out}, inputs...)...); code != exitOK {
		t.Fatalf("report: exit %d: %s", code, errs)
	}
	m := jsonModel(t, inputs...)
	if len(m.SubCodes) == 0 || len(m.Latency) == 0 || len(m.ClientAborted.Codes) == 0 || len(m.MalformedReasons) == 0 {
		t.Fatalf("the samples should have sub-status, latency, aborted and malformed lines: %+v", m.Lines)
	}
	checkSeries(t, promSeries(t, out), expectedSeries(t, m))
	// Written atomically: nothing but the file is left in the directory.
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("directory holds %d entries, want the metrics file only", len(ents))
	}
}

// With --state, the counters are cumulative: the second run's file holds
// the figures of both runs, as one run over all the lines would.
func TestReportPrometheusState(t *testing.T) {
	lines, err := os.ReadFile(sample + "nginx-access.log")
	if err != nil {
		t.Fatal(err)
	}
	cut := bytes.IndexByte(lines[len(lines)/2:], '\n') + len(lines)/2 + 1
	dir := t.TempDir()
	log, state := filepath.Join(dir, "access.log"), filepath.Join(dir, "webalyze.state")
	first, second := filepath.Join(dir, "1.prom"), filepath.Join(dir, "2.prom")
	if err := os.WriteFile(log, lines[:cut], 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := runCLI(t, "report", "-q", "--state", state, "-o", first, log); code != exitOK {
		t.Fatalf("first run: exit %d: %s", code, errs)
	}
	if err := os.WriteFile(log, lines, 0o644); err != nil { // the same file, grown
		t.Fatal(err)
	}
	if code, _, errs := runCLI(t, "report", "-q", "--state", state, "-o", second, log); code != exitOK {
		t.Fatalf("second run: exit %d: %s", code, errs)
	}
	whole := filepath.Join(dir, "whole.log")
	if err := os.WriteFile(whole, lines, 0o644); err != nil {
		t.Fatal(err)
	}
	want := expectedSeries(t, jsonModel(t, whole))
	got1, got2 := promSeries(t, first), promSeries(t, second)
	checkSeries(t, got2, want)
	grew := false
	for k, v := range got1 {
		if strings.Contains(k, "_total{") && got2[k] < v {
			t.Errorf("counter %s went down: %v, then %v", k, v, got2[k])
		}
		if k == "webalyze_lines_read_total{}" && got2[k] > v {
			grew = true
		}
	}
	if !grew {
		t.Error("the second run did not add to lines read")
	}
}

// webalyze_input_errors counts the inputs of this run that failed: with
// --state, a truncated file of the first run is not counted by the next.
func TestReportPrometheusInputErrors(t *testing.T) {
	gz, err := os.ReadFile(sample + "nginx-access.log.1.gz")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	bad, state := filepath.Join(dir, "cut.gz"), filepath.Join(dir, "s.state")
	if err := os.WriteFile(bad, gz[:len(gz)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	for i, run := range []struct {
		inputs []string
		code   int
		errors float64
	}{
		{[]string{sample + "nginx-access.log", bad}, exitDataError, 1},
		{[]string{sample + "nginx-access.log"}, exitOK, 0},
	} {
		out := filepath.Join(dir, strconv.Itoa(i)+".prom")
		code, _, errs := runCLI(t, append([]string{"report", "-q", "--state", state, "-o", out}, run.inputs...)...)
		if code != run.code {
			t.Fatalf("run %d: exit %d, want %d: %s", i+1, code, run.code, errs)
		}
		if got := promSeries(t, out)["webalyze_input_errors{}"]; got != run.errors {
			t.Errorf("run %d: webalyze_input_errors %v, want %v", i+1, got, run.errors)
		}
	}
}
