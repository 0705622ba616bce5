package parser

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// timeParts collects the pieces of one line's time.
type timeParts struct {
	year, month, day     int
	hour, minute, second int
	pm, hour12           bool
	offset               int // seconds east of UTC
	nsec                 int32
	epochSec             int64
	epochNsec            int32
	hasDate, hasClock    bool
	hasZone, hasNsec     bool
	hasEpoch             bool
}

func (t *timeParts) setEpoch(sec int64, nsec int32) {
	t.epochSec, t.epochNsec, t.hasEpoch = sec, nsec, true
}

// assembleTime sets rec's time from the parts collected; a line with a date
// but no clock (or the reverse) has no known instant.
func (p *lineParser) assembleTime(rec *Record) (Result, bool) {
	t := &p.t
	switch {
	case t.hasEpoch:
		rec.Time, rec.Nanos, rec.HasTime = t.epochSec, t.epochNsec, true
	case t.hasDate && t.month > 0 && t.day > 0 && t.hasClock:
		h := t.hour
		if t.hour12 {
			h %= 12
			if t.pm {
				h += 12
			}
		}
		sec, _, ok := civilToUnix(t.year, t.month, t.day, h, t.minute, t.second, t.offset)
		if !ok {
			return Result{Kind: Malformed, Reason: ReasonInvalidTimestamp, Column: 1, Detail: "the time fields do not make a real instant"}, false
		}
		rec.Time, rec.HasTime = sec, true
	default:
		return Result{}, true
	}
	if t.hasNsec {
		rec.Nanos = t.nsec
	}
	return Result{}, true
}

// layoutOp is one step of a timeLayout: a literal byte or a conversion.
type layoutOp struct {
	conv byte // 0 for a literal
	lit  byte
}

// timeLayout is a compiled strftime layout (Apache's %{layout}t). Parsing
// a value fills a timeParts; the parts of all time fields of a line are
// assembled into the instant when the line is done.
type timeLayout struct {
	text string
	ops  []layoutOp
}

// compileTimeLayout compiles a strftime layout. Supported conversions:
// %Y %y %m %d %e %H %I %M %S %p %b %h %B %a %A %z %Z %T %F %D %R %s %j %n
// %t %%; composite ones are expanded. On failure it returns nil, the
// offset in text of the '%' of the faulty conversion and what is wrong.
func compileTimeLayout(text string) (*timeLayout, int, string) {
	l := &timeLayout{text: text}
	expand := map[byte]string{'T': "%H:%M:%S", 'F': "%Y-%m-%d", 'D': "%m/%d/%y", 'R': "%H:%M", 'h': "%b"}
	var walk func(s string, depth int)
	walk = func(s string, depth int) {
		for i := 0; i < len(s); i++ {
			if s[i] != '%' {
				l.ops = append(l.ops, layoutOp{lit: s[i]})
				continue
			}
			i++
			c := s[i] // expansions are well formed; text ends are checked below
			if e, ok := expand[c]; ok && depth == 0 {
				walk(e, 1)
				continue
			}
			switch c {
			case '%':
				l.ops = append(l.ops, layoutOp{lit: '%'})
			case 'n', 't':
				l.ops = append(l.ops, layoutOp{conv: 'n'})
			default:
				l.ops = append(l.ops, layoutOp{conv: c})
			}
		}
	}
	for i := 0; i < len(text); i++ {
		if text[i] != '%' {
			continue
		}
		if i+1 == len(text) {
			return nil, i, "(layout " + strconv.Quote(text) + " ends with %)"
		}
		i++
		switch text[i] {
		case '%', 'n', 't', 'T', 'F', 'D', 'R', 'h',
			'Y', 'y', 'm', 'd', 'e', 'H', 'I', 'M', 'S', 'p', 'b', 'B', 'a', 'A', 'z', 'Z', 's', 'j':
		default:
			r, n := utf8.DecodeRuneInString(text[i:])
			if r == utf8.RuneError {
				n = 1
			}
			return nil, i - 1, "(" + strconv.Quote(text[i-1:i+n]) + " is not supported)"
		}
	}
	walk(text, 0)
	return l, 0, ""
}

var monthNames = [12]string{"january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"}

// parse reads v by the layout into t. On failure it returns the 0-based
// index in v where the value stops matching.
func (l *timeLayout) parse(v []byte, t *timeParts) (int, bool) {
	i := 0
	num := func(min, max int) (int, bool) {
		n, j := 0, i
		for j < len(v) && j-i < max && v[j]-'0' < 10 {
			n = n*10 + int(v[j]-'0')
			j++
		}
		if j-i < min {
			return 0, false
		}
		i = j
		return n, true
	}
	for _, op := range l.ops {
		if op.conv == 0 {
			if i >= len(v) || v[i] != op.lit {
				return i, false
			}
			i++
			continue
		}
		var ok bool
		switch op.conv {
		case 'Y':
			t.year, ok = num(4, 4)
			t.hasDate = true
		case 'y':
			var y int
			if y, ok = num(2, 2); ok {
				if y < 69 {
					t.year = 2000 + y
				} else {
					t.year = 1900 + y
				}
			}
			t.hasDate = true
		case 'm':
			t.month, ok = num(2, 2)
		case 'd':
			t.day, ok = num(2, 2)
		case 'e':
			if i < len(v) && v[i] == ' ' {
				i++
			}
			t.day, ok = num(1, 2)
		case 'j':
			var yd int
			if yd, ok = num(3, 3); ok {
				ok = yd >= 1 && yd <= 366
			}
		case 'H':
			t.hour, ok = num(2, 2)
			t.hasClock = true
		case 'I':
			t.hour, ok = num(2, 2)
			ok = ok && t.hour >= 1 && t.hour <= 12
			t.hour12, t.hasClock = true, true
		case 'M':
			t.minute, ok = num(2, 2)
		case 'S':
			t.second, ok = num(2, 2)
		case 'p':
			if i+2 <= len(v) {
				switch strings.ToUpper(string(v[i : i+2])) {
				case "AM":
					ok = true
				case "PM":
					ok, t.pm = true, true
				}
				i += 2
			}
		case 'b', 'B':
			ok = false
			for m, name := range monthNames {
				n := len(name)
				if op.conv == 'b' {
					n = 3
				}
				if i+n <= len(v) && strings.EqualFold(string(v[i:i+n]), name[:n]) {
					t.month, ok = m+1, true
					i += n
					break
				}
			}
		case 'a', 'A', 'Z':
			j := i
			for j < len(v) && (v[j]|0x20)-'a' < 26 {
				j++
			}
			ok = j > i
			if op.conv == 'Z' {
				switch string(v[i:j]) {
				case "UTC", "GMT", "Z":
					t.offset, t.hasZone = 0, true
				}
			}
			i = j
		case 'z':
			if i+5 <= len(v) {
				if i+6 <= len(v) && v[i+3] == ':' {
					z := [5]byte{v[i], v[i+1], v[i+2], v[i+4], v[i+5]}
					t.offset, ok = parseZoneHHMM(z[:])
					i += 6
				} else {
					t.offset, ok = parseZoneHHMM(v[i : i+5])
					i += 5
				}
				t.hasZone = ok
			}
		case 's':
			var n int
			if n, ok = num(1, 12); ok {
				t.setEpoch(int64(n), 0)
			}
		case 'n':
			ok = i < len(v) && (v[i] == ' ' || v[i] == '\t')
			for i < len(v) && (v[i] == ' ' || v[i] == '\t') {
				i++
			}
		}
		if !ok {
			return min(i, len(v)), false
		}
	}
	if i != len(v) {
		return i, false
	}
	return 0, true
}
