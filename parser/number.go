package parser

import "math"

// ParseStatus parses an HTTP status: exactly three ASCII digits. "000" is a
// status (no response); "+200", "2e2", "20", "1000" are not.
func ParseStatus(b []byte) (uint16, bool) {
	if len(b) != 3 {
		return 0, false
	}
	d0, d1, d2 := b[0]-'0', b[1]-'0', b[2]-'0'
	if d0 > 9 || d1 > 9 || d2 > 9 {
		return 0, false
	}
	return uint16(d0)*100 + uint16(d1)*10 + uint16(d2), true
}

// parseUint parses a non-negative decimal integer of ASCII digits only (no
// sign, no spaces, no exponent) that fits in 64 bits.
func parseUint(b []byte) (uint64, bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	var n uint64
	if len(b) < 20 {
		// At most 19 digits cannot overflow: no check per digit.
		for _, c := range b {
			d := c - '0'
			if d > 9 {
				return 0, false
			}
			n = n*10 + uint64(d)
		}
		return n, true
	}
	for _, c := range b {
		d := c - '0'
		if d > 9 {
			return 0, false
		}
		if n > (math.MaxUint64-uint64(d))/10 {
			return 0, false
		}
		n = n*10 + uint64(d)
	}
	return n, true
}

// parseSize parses a byte count field: "-" is 0 (Apache %b writes "-" for no
// body), otherwise as [parseUint].
func parseSize(b []byte) (uint64, bool) {
	if isDash(b) {
		return 0, true
	}
	return parseUint(b)
}

// maxMicros bounds durations: a request lasting more than 100 years is
// garbage, and the bound keeps every sum far from int64 overflow.
const maxMicros = 100 * 365 * 86400 * 1_000_000

// parseDurationUnit parses a duration written as an integer count of unit
// microseconds (%D: unit 1; %{ms}T and IIS time-taken: 1000; %T: 1e6).
func parseDurationUnit(b []byte, unit int64) (int64, bool) {
	n, ok := parseUint(b)
	if !ok || n > uint64(maxMicros/unit) {
		return 0, false
	}
	return int64(n) * unit, true
}

// parseSecondsFrac parses seconds with an optional fraction ("0.123", "12",
// "1.5") into microseconds, as nginx's $request_time writes them. Digits
// beyond microseconds are truncated.
func parseSecondsFrac(b []byte) (int64, bool) {
	intPart, frac := b, []byte(nil)
	for i, c := range b {
		if c == '.' {
			intPart, frac = b[:i], b[i+1:]
			break
		}
	}
	if len(intPart) == 0 || (frac != nil && len(frac) == 0) {
		return 0, false
	}
	secs, ok := parseUint(intPart)
	if !ok || secs > maxMicros/1_000_000 {
		return 0, false
	}
	us := int64(secs) * 1_000_000
	scale := int64(100_000)
	for _, c := range frac {
		d := c - '0'
		if d > 9 {
			return 0, false
		}
		us += int64(d) * scale
		scale /= 10
	}
	return us, true
}

// parseUpstreamTimes parses nginx's $upstream_response_time, a list of
// times separated by ", " (several upstreams tried) and " : " (internal
// redirects), and returns their sum in microseconds. "-" entries (no
// response from that upstream) count as 0; a list of only "-" is absent
// (has=false, ok=true).
func parseUpstreamTimes(b []byte) (us int64, has bool, ok bool) {
	start := 0
	for i := 0; i <= len(b); i++ {
		if i < len(b) && b[i] != ',' && b[i] != ':' {
			continue
		}
		item := trimSpaces(b[start:i])
		start = i + 1
		if isDash(item) {
			continue
		}
		v, good := parseSecondsFrac(item)
		if !good {
			return 0, false, false
		}
		us += v
		has = true
		if us > maxMicros {
			return 0, false, false
		}
	}
	return us, has, true
}

func trimSpaces(b []byte) []byte {
	for len(b) > 0 && b[0] == ' ' {
		b = b[1:]
	}
	for len(b) > 0 && b[len(b)-1] == ' ' {
		b = b[:len(b)-1]
	}
	return b
}
