package report

import (
	"bytes"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// parseProm parses text with the Prometheus library's own parser, with
// the strict (legacy) metric and label names.
func parseProm(t *testing.T, text []byte) map[string]*dto.MetricFamily {
	t.Helper()
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(text))
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	return fams
}

// promValue finds the value of the series of family name whose labels
// include want (name, value pairs); ok is false when there is none.
func promValue(fams map[string]*dto.MetricFamily, name string, want ...string) (v float64, ok bool) {
	f := fams[name]
	if f == nil {
		return 0, false
	}
next:
	for _, m := range f.Metric {
		got := map[string]string{}
		for _, l := range m.Label {
			got[l.GetName()] = l.GetValue()
		}
		for i := 0; i+1 < len(want); i += 2 {
			if got[want[i]] != want[i+1] {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		}
	}
	return 0, false
}

func TestPrometheusSample(t *testing.T) {
	m := sampleModel()
	m.Period.LastRequest = "2026-02-01T23:59:58+01:00"
	var buf bytes.Buffer
	if err := WritePrometheus(&buf, m); err != nil {
		t.Fatal(err)
	}
	fams := parseProm(t, buf.Bytes())
	for _, c := range m.Codes {
		if v, _ := promValue(fams, "webalyze_requests_total", "code", c.Code, "class", c.Class); v != float64(c.Hits) {
			t.Errorf("requests %s = %v, want %d", c.Code, v, c.Hits)
		}
		if v, _ := promValue(fams, "webalyze_response_bytes_total", "code", c.Code); v != float64(c.Bytes) {
			t.Errorf("bytes %s = %v, want %d", c.Code, v, c.Bytes)
		}
	}
	for _, s := range m.SubCodes {
		code, sub, _ := strings.Cut(s.Code, ".")
		if v, _ := promValue(fams, "webalyze_iis_substatus_requests_total", "code", code, "substatus", sub); v != float64(s.Hits) {
			t.Errorf("sub-status %s = %v, want %d", s.Code, v, s.Hits)
		}
	}
	for r, n := range m.MalformedReasons {
		if v, _ := promValue(fams, "webalyze_malformed_lines_total", "reason", r); v != float64(n) {
			t.Errorf("malformed %s = %v, want %d", r, v, n)
		}
	}
	if v, _ := promValue(fams, "webalyze_lines_read_total"); v != float64(m.Lines.Read) {
		t.Errorf("lines read = %v", v)
	}
	if v, _ := promValue(fams, "webalyze_lines_total", "outcome", "filtered"); v != float64(m.Lines.Filtered) {
		t.Errorf("lines filtered = %v", v)
	}
	if v, _ := promValue(fams, "webalyze_client_aborted_requests_total", "code", "499"); v != 30 {
		t.Errorf("aborted 499 = %v", v)
	}
	if v, _ := promValue(fams, "webalyze_last_request_timestamp_seconds"); v != 1769986798 {
		t.Errorf("last request = %v", v)
	}
	l := m.Latency[0]
	if v, _ := promValue(fams, "webalyze_request_duration_seconds", "scope", l.Scope, "quantile", "0.99"); v != l.P99/1000 {
		t.Errorf("p99 of %s = %v, want %v ms", l.Scope, v, l.P99)
	}
	if v, _ := promValue(fams, "webalyze_request_duration_seconds", "scope", l.Scope, "quantile", "1"); v != l.Max/1000 {
		t.Errorf("max of %s = %v, want %v ms", l.Scope, v, l.Max)
	}
	if fams["webalyze_requests_total"].GetType() != dto.MetricType_COUNTER {
		t.Error("webalyze_requests_total is not a counter")
	}
}

// Label values from anywhere are escaped: the parser gives them back.
func TestPrometheusHostileLabels(t *testing.T) {
	hostile := []string{`a"b`, `c\d`, "e\nf", "g\xffh", `\"` + "\n" + `\n`, "}{ x=\"1\"", "\u202e\x00"}
	m := &Model{MalformedReasons: map[string]int64{}, Latency: []Latency{}}
	for i, h := range hostile {
		m.MalformedReasons[h] = int64(i + 1)
		m.Latency = append(m.Latency, Latency{Scope: h, Count: int64(i + 1), P50: 1})
	}
	var buf bytes.Buffer
	if err := WritePrometheus(&buf, m); err != nil {
		t.Fatal(err)
	}
	fams := parseProm(t, buf.Bytes())
	for i, h := range hostile {
		want := strings.ToValidUTF8(h, "\uFFFD")
		if v, ok := promValue(fams, "webalyze_malformed_lines_total", "reason", want); !ok || v != float64(i+1) {
			t.Errorf("reason %q: %v %v", h, v, ok)
		}
		if v, ok := promValue(fams, "webalyze_timed_requests_total", "scope", want); !ok || v != float64(i+1) {
			t.Errorf("scope %q: %v %v", h, v, ok)
		}
	}
}
