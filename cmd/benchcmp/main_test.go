package main

import (
	"strings"
	"testing"
	"time"
)

func TestMedian(t *testing.T) {
	tests := []struct {
		in   []time.Duration
		want time.Duration
	}{
		{nil, 0},
		{[]time.Duration{3}, 3},
		{[]time.Duration{5, 1, 3}, 3},
		{[]time.Duration{4, 1, 3, 2}, 2},
	}
	for _, tt := range tests {
		if got := median(tt.in); got != tt.want {
			t.Errorf("median(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
	if got := medianInt([]int64{9, 1, 5}); got != 5 {
		t.Errorf("medianInt = %d", got)
	}
}

func TestFormatTable(t *testing.T) {
	rs := []result{
		{caseName: "combined 1M lines", tool: "webalyze report", lines: 1_000_000, bytes: 200e6, wall: time.Second, rssKiB: 100 * 1024},
		{caseName: "combined 1M lines", tool: "floor", lines: 1_000_000, bytes: 200e6, wall: time.Second / 2},
		{caseName: "combined 1M lines", tool: "goaccess", lines: 1_000_000, bytes: 200e6, wall: 20 * time.Second, rssKiB: 400 * 1024},
		{caseName: "combined 1M lines", tool: "webalyze report --workers 1", lines: 1_000_000, wall: 2 * time.Second},
		{caseName: "combined 1M lines", tool: "webalyze report --workers 2", lines: 1_000_000, wall: time.Second},
	}
	out := formatTable(rs, 3)
	for _, want := range []string{
		"| combined 1M lines | webalyze report | 1.00 s | 0.00 s | 100 MiB | 1000000 | 200.0 |",
		"| report throughput / GoAccess (combined 1M) | 20.00 | ≥ 50 |",
		"| report peak RSS / GoAccess (combined 1M) | 0.25 | ≤ 0.25 |",
		"| report throughput / floor (combined 1M) | 0.50 | ≥ 0.33 |",
		"| 2 workers / 1 worker throughput | 2.00 | ≥ 1.7 |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if ratio(1, 0) != 0 {
		t.Error("ratio by zero")
	}
}

func TestGoaccessTotal(t *testing.T) {
	tests := []struct {
		in   string
		want int64
	}{
		{`var json_data={"general":{"total_requests": 1000000,"valid_requests": 999000}}; "total_requests": `, 1000000},
		{`no numbers here`, -1},
		{`"total_requests":12 "total_requests": 7`, 12},
	}
	for _, tt := range tests {
		if got := goaccessTotal([]byte(tt.in)); got != tt.want {
			t.Errorf("goaccessTotal(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}
