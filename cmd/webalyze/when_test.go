package main

import (
	"testing"
	"time"
)

func TestParseWhen(t *testing.T) {
	anchor := time.Date(2024, 3, 5, 15, 0, 0, 0, time.UTC)
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	tests := []struct {
		in   string
		loc  *time.Location
		want string // RFC 3339 in UTC, or "error"
	}{
		{"2024-03-05T14:00:00Z", time.UTC, "2024-03-05T14:00:00Z"},
		{"2024-03-05T14:00:00+02:00", time.UTC, "2024-03-05T12:00:00Z"},
		{"2024-03-05", time.UTC, "2024-03-05T00:00:00Z"},
		{"2024-03-05", paris, "2024-03-04T23:00:00Z"},
		{"2024-03-05 14:30", time.UTC, "2024-03-05T14:30:00Z"},
		{"2024-07-05 14:30", paris, "2024-07-05T12:30:00Z"}, // summer time
		{"-2h", time.UTC, "2024-03-05T13:00:00Z"},
		{"-30m", time.UTC, "2024-03-05T14:30:00Z"},
		{"-1d", time.UTC, "2024-03-04T15:00:00Z"},
		{"-1d2h", time.UTC, "2024-03-04T13:00:00Z"},
		{"-2x", time.UTC, "error"},
		{"yesterday", time.UTC, "error"},
		{"2024-02-30", time.UTC, "error"},
		{"--2h", time.UTC, "error"},
	}
	for _, tt := range tests {
		got, err := parseWhen(tt.in, anchor, tt.loc)
		s := "error"
		if err == nil {
			s = got.UTC().Format(time.RFC3339)
		}
		if s != tt.want {
			t.Errorf("parseWhen(%q, %v) = %s (%v), want %s", tt.in, tt.loc, s, err, tt.want)
		}
	}
}

func TestBoundsOrder(t *testing.T) {
	w := WindowFlags{Since: "2024-03-05 15:00", Until: "2024-03-05 14:00"}
	if _, _, _, _, err := w.bounds(time.Now(), time.UTC); err == nil {
		t.Error("since after until accepted")
	}
}
