package main

import (
	"fmt"
	"strings"
	"time"
)

// WindowFlags select a time window [since, until) and the zone for day and
// hour buckets.
type WindowFlags struct {
	Since      string `placeholder:"TIME" help:"Only requests at or after TIME: RFC 3339 (2024-03-05T14:00:00Z, with an offset), YYYY-MM-DD, 'YYYY-MM-DD HH:MM', or relative (-2h, -30m, -1d) before now or, with --relative-to end, before the end of the data. Others count as filtered."`
	Until      string `placeholder:"TIME" help:"Only requests before TIME (same forms as --since); an instant equal to TIME is excluded."`
	RelativeTo string `default:"now" enum:"now,end" help:"What relative --since/--until count back from: now, or the end (latest request) of the data."`
	TZ         string `name:"tz" default:"UTC" placeholder:"ZONE" help:"Time zone for day and hour buckets, and for --since/--until without an offset (IANA name such as Europe/Paris, or Local)."`
}

// location returns the --tz zone.
func (w *WindowFlags) location() (*time.Location, error) {
	if w.TZ == "" || w.TZ == "UTC" {
		return time.UTC, nil
	}
	loc, err := time.LoadLocation(w.TZ)
	if err != nil {
		return nil, usageError(fmt.Errorf("--tz %q: %v", w.TZ, err))
	}
	return loc, nil
}

// relative reports whether either bound is relative (needs an anchor).
func (w *WindowFlags) relative() bool {
	return strings.HasPrefix(w.Since, "-") || strings.HasPrefix(w.Until, "-")
}

// bounds resolves --since and --until against anchor (now, or the end of
// the data) in loc.
func (w *WindowFlags) bounds(anchor time.Time, loc *time.Location) (since, until time.Time, hasSince, hasUntil bool, err error) {
	if w.Since != "" {
		if since, err = parseWhen(w.Since, anchor, loc); err != nil {
			return since, until, false, false, usageError(fmt.Errorf("--since: %w", err))
		}
		hasSince = true
	}
	if w.Until != "" {
		if until, err = parseWhen(w.Until, anchor, loc); err != nil {
			return since, until, false, false, usageError(fmt.Errorf("--until: %w", err))
		}
		hasUntil = true
	}
	if hasSince && hasUntil && !since.Before(until) {
		return since, until, false, false, usageError(fmt.Errorf("--since %s is not before --until %s", since.Format(time.RFC3339), until.Format(time.RFC3339)))
	}
	return since, until, hasSince, hasUntil, nil
}

// parseWhen parses a --since/--until value. Forms without an offset are in
// loc; relative forms ("-2h", "-30m", "-1d", "-1h30m") count back from
// anchor.
func parseWhen(s string, anchor time.Time, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "-") {
		d, err := parseSpan(s[1:])
		if err != nil {
			return time.Time{}, fmt.Errorf("%q: %v", s, err)
		}
		return anchor.Add(-d), nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02", "2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q: want RFC 3339 (2024-03-05T14:00:00Z), YYYY-MM-DD, 'YYYY-MM-DD HH:MM' or relative (-2h)", s)
}

// parseSpan parses a duration with Go's units plus d for days: "2h",
// "30m", "1d", "1d12h".
func parseSpan(s string) (time.Duration, error) {
	var days time.Duration
	if i := strings.IndexByte(s, 'd'); i > 0 {
		var n int
		if _, err := fmt.Sscanf(s[:i], "%d", &n); err != nil || fmt.Sprint(n) != s[:i] || n < 0 {
			return 0, fmt.Errorf("bad day count %q", s[:i])
		}
		days = time.Duration(n) * 24 * time.Hour
		s = s[i+1:]
		if s == "" {
			return days, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("bad duration %q", s)
	}
	return days + d, nil
}
