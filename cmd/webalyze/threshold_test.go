package main

import (
	"fmt"
	"strconv"
	"testing"
	"time"
)

func TestParseThreshold(t *testing.T) {
	tests := []struct {
		in   string
		want string // "key class code sub share limit" or "error"
	}{
		{"5xx=1%", "5xx class=5 share=0.01"},
		{"499=5%", "499 code=499 share=0.05"},
		{"404=500", "404 code=404 count=500"},
		{"404.2=10", "404.2 code=404.2 count=10"},
		{"0xx=0", "0xx class=0 count=0"},
		{"non-standard=0", "non-standard class=6 count=0"},
		{"Non-Standard=1%", "non-standard class=6 share=0.01"},
		{"nonstandard=0", "error"},
		{"6xx=0", "error"},
		{"6xx=1", "error"},
		{"42=1", "error"},
		{"404=1.5", "error"},
		{"404=101%", "error"},
		{"404.x=1", "error"},
		{"5xx", "error"},
		{"=3", "error"},
	}
	for _, tt := range tests {
		th, err := parseThreshold(tt.in)
		got := "error"
		if err == nil {
			got = th.key + " "
			switch {
			case th.class >= 0:
				got += "class=" + string(rune('0'+th.class))
			case th.hasSub:
				got += fmt.Sprintf("code=%d.%d", th.code, th.sub)
			default:
				got += fmt.Sprintf("code=%d", th.code)
			}
			if th.isShare {
				got += " share=" + strconv.FormatFloat(th.limit, 'f', -1, 64)
			} else {
				got += fmt.Sprintf(" count=%.0f", th.limit)
			}
		}
		if got != tt.want {
			t.Errorf("parseThreshold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func mins(spec ...[3]uint64) []minute {
	// each spec: {minute index, requests, 5xx count}
	var out []minute
	for _, s := range spec {
		m := minute{start: int64(s[0]) * 60}
		m.requests = s[1]
		m.classes[5] = s[2]
		m.classes[2] = s[1] - s[2]
		out = append(out, m)
	}
	return out
}

func TestCheckWindows(t *testing.T) {
	share, _ := parseThreshold("5xx=10%")
	count, _ := parseThreshold("5xx=5")
	data := mins([3]uint64{0, 100, 1}, [3]uint64{1, 100, 2}, [3]uint64{10, 10, 4}, [3]uint64{11, 10, 4}, [3]uint64{20, 100, 0})
	got := checkWindows([]threshold{share, count}, data, 2*time.Minute)
	if len(got) != 2 {
		t.Fatalf("got %d breaches, want 2: %v", len(got), got)
	}
	// Worst 2-minute window for the share: minutes 10-11, 8 of 20 = 40 %.
	if got[0].from.Unix() != 600 || got[0].n != 8 || got[0].total != 20 {
		t.Errorf("share breach = %+v", got[0])
	}
	if got[1].from.Unix() != 600 || got[1].n != 8 {
		t.Errorf("count breach = %+v", got[1])
	}
	// Window boundary: a 1-minute window never joins minutes 0 and 1.
	one := checkWindows([]threshold{mustThreshold(t, "5xx=2")}, data, time.Minute)
	if len(one) != 1 || one[0].n != 4 {
		t.Errorf("1-minute windows: %v", one)
	}
	// Nothing breached.
	if b := checkWindows([]threshold{mustThreshold(t, "5xx=50%")}, data, 5*time.Minute); len(b) != 0 {
		t.Errorf("unexpected breach %v", b)
	}
}

func mustThreshold(t *testing.T, s string) threshold {
	t.Helper()
	th, err := parseThreshold(s)
	if err != nil {
		t.Fatal(err)
	}
	return th
}
