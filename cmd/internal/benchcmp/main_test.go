//go:build benchtools

package main

import (
	"os/exec"
	"path/filepath"
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
	checkContains(t, "formatTable", out,
		"| combined 1M lines | webalyze report | 1.00 s | 0.00 s | 100 MiB | 1000000 | 200.0 |",
		"| report throughput / GoAccess (combined 1M) | 20.00 | ≥ 50 |",
		"| report peak RSS / GoAccess (combined 1M) | 0.25 | ≤ 0.25 |",
		"| report throughput / floor (combined 1M) | 0.50 | ≥ 0.33 |",
		"| 2 workers / 1 worker throughput | 2.00 | ≥ 1.7 |",
	)
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

// TestHeadroomVariantsBuild builds every headroom variant, so that a
// change to the code a build tag guards is caught by the tests rather
// than by `make headroom`.
func TestHeadroomVariantsBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds webalyze once per variant")
	}
	for _, v := range headroomVariants[1:] {
		cmd := exec.Command("go", buildArgs(v, filepath.Join(t.TempDir(), "webalyze"))...)
		cmd.Dir = filepath.Join("..", "..", "..")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("variant %q: go %v: %v\n%s", v.name, buildArgs(v, "BIN"), err, out)
		}
	}
}

func TestFormatHeadroom(t *testing.T) {
	rows := []headroomRow{
		{tool: "report", leaves: "nothing", wall: 4 * time.Second, cpu: 8 * time.Second},
		{tool: "report, no top lists", leaves: "the lists", wall: 2 * time.Second, cpu: 3 * time.Second},
		{tool: "floor", wall: time.Second, cpu: time.Second},
	}
	checkContains(t, "formatHeadroom", formatHeadroom(rows, 100*time.Second, 5, 1),
		"throughput ÷ GoAccess (100.0 s, median of 1)",
		"| report | nothing | 4.00 s | 8.00 s | 0.25 | 1.00 | 25.0× |",
		"| report, no top lists | the lists | 2.00 s | 3.00 s | 0.50 | 0.50 | 50.0× |",
		"| floor |  | 1.00 s | 1.00 s | 1.00 | 0.25 | 100.0× |",
	)
	if strings.Contains(formatHeadroom(rows, 0, 5, 0), "GoAccess") {
		t.Error("a GoAccess column without a GoAccess run")
	}
}

// checkContains reports each of wants that out lacks.
func checkContains(t *testing.T, what, out string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(out, want) {
			t.Errorf("%s lacks %q:\n%s", what, want, out)
		}
	}
}
