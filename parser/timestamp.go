package parser

import "encoding/binary"

var monthAbbrev = [12][3]byte{
	{'J', 'a', 'n'}, {'F', 'e', 'b'}, {'M', 'a', 'r'}, {'A', 'p', 'r'}, {'M', 'a', 'y'}, {'J', 'u', 'n'},
	{'J', 'u', 'l'}, {'A', 'u', 'g'}, {'S', 'e', 'p'}, {'O', 'c', 't'}, {'N', 'o', 'v'}, {'D', 'e', 'c'},
}

// maxZoneMinutes bounds a UTC offset: real zones run from -12:00 to +14:00.
const maxZoneMinutes = 14 * 60

// parseCLFTime parses the Common Log Format time "10/Oct/2000:13:55:36 -0700"
// (without the brackets). Month names are English abbreviations, matched
// case-sensitively as Apache and nginx write them. Like the other time
// parsers of this file, it is strict (see the package doc) and returns
// seconds since the Unix epoch (UTC) and nanoseconds, or ok=false.
func parseCLFTime(b []byte) (sec int64, nsec int32, ok bool) {
	if len(b) != 26 || b[2] != '/' || b[6] != '/' || b[11] != ':' || b[14] != ':' || b[17] != ':' || b[20] != ' ' {
		return 0, 0, false
	}
	day, ok1 := digits2(b[0:2])
	month := -1
	for i := range monthAbbrev {
		m := &monthAbbrev[i]
		if b[3] == m[0] && b[4] == m[1] && b[5] == m[2] {
			month = i + 1
			break
		}
	}
	year, ok2 := digits4(b[7:11])
	hour, ok3 := digits2(b[12:14])
	minute, ok4 := digits2(b[15:17])
	second, ok5 := digits2(b[18:20])
	if !ok1 || month < 0 || !ok2 || !ok3 || !ok4 || !ok5 {
		return 0, 0, false
	}
	offset, ok := parseZoneHHMM(b[21:26])
	if !ok {
		return 0, 0, false
	}
	return civilToUnix(year, month, day, hour, minute, second, offset)
}

// clfTimeCache parses CLF times, remembering the date and zone of the last
// valid one: consecutive lines of a log almost always share them, and then
// only the clock is read (the month name and the calendar arithmetic were
// a tenth of parsing a combined line). The results are parseCLFTime's.
//
// A time is 26 bytes, "10/Oct/2000:13:55:36 -0700", read as 8-byte words:
// bytes 0-7 and 4-11 for the date, 18-25 less the seconds for the zone,
// and 12-19 for the clock, whose six digits and two colons are checked
// together.
type clfTimeCache struct {
	date, date4, zone uint64 // the words of the last valid time
	base              int64  // its Unix time at 00:00:00
	ok                bool
}

// The clock "HH:MM:SS" as a little-endian word: clockZero is its bytes
// for 00:00:00, and after XOR with it a byte of clockCarry added to a digit
// (0-9) or colon (0) byte stays below 0x80 (msb8).
const (
	clockZero  = 0x3030_3a30_303a_3030
	clockCarry = 0x7676_7f76_767f_7676
)

// clfTimeWords returns the words of a 26-byte time that hold its date
// and zone (see clfTimeCache).
func clfTimeWords(b []byte) (date, date4, zone uint64) {
	_ = b[25]
	return binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint64(b[4:]), binary.LittleEndian.Uint64(b[18:]) >> 16
}

func (c *clfTimeCache) parse(b []byte) (sec int64, nsec int32, ok bool) {
	if len(b) == 26 && c.ok {
		date, date4, zone := clfTimeWords(b)
		if (date^c.date)|(date4^c.date4)|(zone^c.zone) == 0 {
			y := binary.LittleEndian.Uint64(b[12:]) ^ clockZero
			if ((y+clockCarry)|y)&msb8 != 0 {
				return 0, 0, false // not digits and colons
			}
			hour := (y&0xff)*10 + (y>>8)&0xff
			minute := (y>>24&0xff)*10 + (y>>32)&0xff
			second := (y>>48&0xff)*10 + y>>56
			if hour > 23 || minute > 59 || second > 60 {
				return 0, 0, false
			}
			return c.base + int64(hour*3600+minute*60+second), 0, true
		}
	}
	sec, nsec, ok = parseCLFTime(b)
	if ok && len(b) == 26 {
		c.date, c.date4, c.zone = clfTimeWords(b)
		hour, _ := digits2(b[12:14])
		minute, _ := digits2(b[15:17])
		second, _ := digits2(b[18:20])
		c.base, c.ok = sec-int64(hour*3600+minute*60+second), true
	}
	return sec, nsec, ok
}

// w3cDateCache parses W3C date and time fields, remembering the last valid
// date: a log's lines share it for a day, and then only the clock is read
// (the date and its calendar arithmetic were 240 instructions a line, the
// cache is 47: 300k IIS lines, cachegrind). The results are
// parseW3CDateTime's.
type w3cDateCache struct {
	date uint64 // the last valid date's first 8 bytes
	tail uint16 // and its last 2
	base int64  // its Unix time at 00:00:00
	ok   bool
}

func (c *w3cDateCache) parse(date, clock []byte) (sec int64, nsec int32, ok bool) {
	if len(date) == 10 && c.ok && binary.LittleEndian.Uint64(date) == c.date && binary.LittleEndian.Uint16(date[8:]) == c.tail {
		hour, minute, second, frac, n, ok := parseClock(clock)
		if !ok || n != len(clock) || hour > 23 || minute > 59 || second > 60 {
			return 0, 0, false
		}
		return c.base + int64(hour*3600+minute*60+second), frac, true
	}
	sec, nsec, ok = parseW3CDateTime(date, clock)
	if ok {
		hour, minute, second, _, _, _ := parseClock(clock)
		c.date, c.tail = binary.LittleEndian.Uint64(date), binary.LittleEndian.Uint16(date[8:])
		c.base, c.ok = sec-int64(hour*3600+minute*60+second), true
	}
	return sec, nsec, ok
}

// parseISO8601 parses RFC 3339 / ISO 8601 times as nginx's $time_iso8601
// writes them: "2024-03-05T14:00:00+01:00", "2024-03-05T14:00:00Z", with an
// optional fraction ("14:00:00.123Z") and 'T' or a space between date and
// time. The zone is required: a time without one is ambiguous.
func parseISO8601(b []byte) (sec int64, nsec int32, ok bool) {
	if len(b) < 20 || (b[10] != 'T' && b[10] != ' ' && b[10] != 't') {
		return 0, 0, false
	}
	year, month, day, ok := parseDate(b[:10])
	if !ok {
		return 0, 0, false
	}
	hour, minute, second, frac, n, ok := parseClock(b[11:])
	if !ok {
		return 0, 0, false
	}
	zone := b[11+n:]
	var offset int
	switch {
	case len(zone) == 1 && (zone[0] == 'Z' || zone[0] == 'z'):
	case len(zone) == 6 && zone[3] == ':':
		var z [5]byte
		z[0], z[1], z[2], z[3], z[4] = zone[0], zone[1], zone[2], zone[4], zone[5]
		if offset, ok = parseZoneHHMM(z[:]); !ok {
			return 0, 0, false
		}
	case len(zone) == 5:
		if offset, ok = parseZoneHHMM(zone); !ok {
			return 0, 0, false
		}
	default:
		return 0, 0, false
	}
	if sec, _, ok = civilToUnix(year, month, day, hour, minute, second, offset); !ok {
		return 0, 0, false
	}
	return sec, frac, true
}

// parseW3CDateTime parses the W3C extended log format's separate date
// ("2024-03-05") and time ("14:00:00", optionally with a fraction) fields.
// W3C logs are in UTC by definition.
func parseW3CDateTime(date, clock []byte) (sec int64, nsec int32, ok bool) {
	if len(date) != 10 {
		return 0, 0, false
	}
	year, month, day, ok := parseDate(date)
	if !ok {
		return 0, 0, false
	}
	hour, minute, second, frac, n, ok := parseClock(clock)
	if !ok || n != len(clock) {
		return 0, 0, false
	}
	if sec, _, ok = civilToUnix(year, month, day, hour, minute, second, 0); !ok {
		return 0, 0, false
	}
	return sec, frac, true
}

// parseEpoch parses seconds since the epoch with an optional fraction, as
// nginx's $msec ("1700000000.123") and Apache's %{sec}t write them.
func parseEpoch(b []byte) (sec int64, nsec int32, ok bool) {
	intPart, frac := b, []byte(nil)
	for i, c := range b {
		if c == '.' {
			intPart, frac = b[:i], b[i+1:]
			break
		}
	}
	if len(intPart) == 0 || len(intPart) > 12 || len(frac) > 9 || (frac != nil && len(frac) == 0) {
		return 0, 0, false
	}
	for _, c := range intPart {
		if c < '0' || c > '9' {
			return 0, 0, false
		}
		sec = sec*10 + int64(c-'0')
	}
	var scale int32 = 1e9
	for _, c := range frac {
		if c < '0' || c > '9' {
			return 0, 0, false
		}
		scale /= 10
		nsec += int32(c-'0') * scale
	}
	return sec, nsec, true
}

// parseDate parses "YYYY-MM-DD".
func parseDate(b []byte) (year, month, day int, ok bool) {
	if len(b) != 10 || b[4] != '-' || b[7] != '-' {
		return 0, 0, 0, false
	}
	year, ok1 := digits4(b[0:4])
	month, ok2 := digits2(b[5:7])
	day, ok3 := digits2(b[8:10])
	return year, month, day, ok1 && ok2 && ok3
}

// parseClock parses "HH:MM:SS" with an optional ".fraction" (up to 9
// digits) at the start of b, returning how many bytes it used.
func parseClock(b []byte) (hour, minute, second int, nsec int32, n int, ok bool) {
	if len(b) < 8 || b[2] != ':' || b[5] != ':' {
		return 0, 0, 0, 0, 0, false
	}
	hour, ok1 := digits2(b[0:2])
	minute, ok2 := digits2(b[3:5])
	second, ok3 := digits2(b[6:8])
	if !ok1 || !ok2 || !ok3 {
		return 0, 0, 0, 0, 0, false
	}
	n = 8
	if n < len(b) && (b[n] == '.' || b[n] == ',') {
		n++
		start := n
		var scale int32 = 1e9
		for n < len(b) && b[n] >= '0' && b[n] <= '9' {
			if n-start < 9 {
				scale /= 10
				nsec += int32(b[n]-'0') * scale
			}
			n++
		}
		if n == start {
			return 0, 0, 0, 0, 0, false
		}
	}
	return hour, minute, second, nsec, n, true
}

// parseZoneHHMM parses "+hhmm" / "-hhmm" into an offset in seconds east of UTC.
func parseZoneHHMM(b []byte) (int, bool) {
	if len(b) != 5 || (b[0] != '+' && b[0] != '-') {
		return 0, false
	}
	h, ok1 := digits2(b[1:3])
	m, ok2 := digits2(b[3:5])
	if !ok1 || !ok2 || m >= 60 || h*60+m > maxZoneMinutes {
		return 0, false
	}
	off := (h*60 + m) * 60
	if b[0] == '-' {
		off = -off
	}
	return off, true
}

func digits2(b []byte) (int, bool) {
	d0, d1 := b[0]-'0', b[1]-'0'
	if d0 > 9 || d1 > 9 {
		return 0, false
	}
	return int(d0)*10 + int(d1), true
}

func digits4(b []byte) (int, bool) {
	hi, ok1 := digits2(b[0:2])
	lo, ok2 := digits2(b[2:4])
	return hi*100 + lo, ok1 && ok2
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

var daysIn = [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

// civilToUnix validates a civil date and time and converts it, with a UTC
// offset in seconds, to seconds since the epoch.
func civilToUnix(year, month, day, hour, minute, second, offset int) (int64, int32, bool) {
	if month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 60 {
		return 0, 0, false
	}
	dim := daysIn[month]
	if month == 2 && isLeap(year) {
		dim = 29
	}
	if day > dim {
		return 0, 0, false
	}
	return daysFromCivil(year, month, day)*86400 + int64(hour*3600+minute*60+second-offset), 0, true
}

// daysFromCivil returns the number of days since 1970-01-01 of a proleptic
// Gregorian date (Howard Hinnant's algorithm).
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}
