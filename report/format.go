package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// fmtInt formats n with thousands separators: 1234567 → "1,234,567".
func fmtInt(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	if len(s) <= 3 {
		if neg {
			return "-" + s
		}
		return s
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	head := len(s) % 3
	if head > 0 {
		b.WriteString(s[:head])
	}
	for i := head; i < len(s); i += 3 {
		if b.Len() > 0 && !(neg && b.Len() == 1) {
			b.WriteByte(',')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

// fmtPct formats a share (0–1) as a percentage with one decimal. A
// non-zero share that would round to 0.0 % shows as "<0.1%", so a rare
// error never looks like none.
func fmtPct(share float64) string {
	switch {
	case math.IsNaN(share) || share <= 0:
		return "0%"
	case share < 0.0005:
		return "<0.1%"
	case share > 0.9995 && share < 1:
		return ">99.9%"
	}
	return strconv.FormatFloat(share*100, 'f', 1, 64) + "%"
}

// fmtBytes formats a byte count with IEC units: 1536 → "1.5 KiB".
func fmtBytes(n int64) string {
	if n < 1024 && n > -1024 {
		return fmt.Sprintf("%d B", n)
	}
	f := float64(n)
	for _, u := range []string{"KiB", "MiB", "GiB", "TiB", "PiB"} {
		f /= 1024
		if math.Abs(f) < 1024 || u == "PiB" {
			return strconv.FormatFloat(f, 'f', 1, 64) + " " + u
		}
	}
	panic("unreachable")
}

// fmtMs formats a duration in milliseconds with three significant digits.
func fmtMs(ms float64) string {
	switch {
	case math.IsNaN(ms) || math.IsInf(ms, 0):
		return "–"
	case ms >= 10000:
		return strconv.FormatFloat(ms/1000, 'f', 1, 64) + " s"
	case ms >= 1000:
		return strconv.FormatFloat(ms/1000, 'f', 2, 64) + " s"
	case ms >= 100:
		return strconv.FormatFloat(ms, 'f', 0, 64) + " ms"
	case ms >= 10:
		return strconv.FormatFloat(ms, 'f', 1, 64) + " ms"
	}
	return strconv.FormatFloat(ms, 'f', 2, 64) + " ms"
}

// fmtCount formats a possibly estimated count: "≈1,234 (±1%)".
func fmtCount(c Count) string {
	if c.Exact || c.N == 0 {
		return fmtInt(c.N)
	}
	s := "≈" + fmtInt(c.N)
	if c.RelErr > 0 {
		s += " (±" + strconv.FormatFloat(c.RelErr*100, 'g', 2, 64) + "%)"
	}
	return s
}

// share returns n/total, or 0 when total is 0.
func share(n, total int64) float64 {
	if total <= 0 {
		return 0
	}
	return float64(n) / float64(total)
}
