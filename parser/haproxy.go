package parser

import "bytes"

// haproxyFormat is HAProxy's HTTP log (option httplog), read by its own
// parser: the line is found after a syslog prefix by its time field.
type haproxyFormat struct{}

func (haproxyFormat) Name() string          { return "haproxy" }
func (haproxyFormat) NewParser() LineParser { return &haproxyParser{} }

type haproxyParser struct{}

// haproxyTimeStart returns the index of the '[' that opens the request
// time ("[06/Feb/2009:"), after a space, or -1.
func haproxyTimeStart(line []byte) int {
	for i := 0; i < len(line); {
		k := bytes.IndexByte(line[i:], '[')
		if k < 0 {
			return -1
		}
		j := i + k
		if j > 0 && line[j-1] == ' ' && j+13 <= len(line) && line[j+3] == '/' && line[j+7] == '/' && line[j+12] == ':' {
			return j
		}
		i = j + 1
	}
	return -1
}

func (p *haproxyParser) Parse(line []byte, rec *Record) Result {
	rec.Reset()
	line = trimRight(line)
	if len(line) == 0 {
		return Result{Kind: Skipped, Reason: ReasonBlank}
	}
	bad := func(reason Reason, col int, field, detail string) Result {
		return Result{Kind: Malformed, Reason: reason, Column: col + 1, Field: field, Detail: detail}
	}
	t := haproxyTimeStart(line)
	if t < 0 {
		return bad(ReasonLiteralMismatch, 0, "%tr", "no [dd/Mon/yyyy:...] request time: not an HAProxy log line")
	}
	cs := bytes.LastIndexByte(line[:t-1], ' ') + 1 // the client token
	if cs >= t-1 {
		return bad(ReasonMissingFields, cs, "%ci", "no client address before the time")
	}
	rec.Host = stripPort(line[cs : t-1])

	// [dd/Mon/yyyy:HH:MM:SS.mmm]
	end := bytes.IndexByte(line[t:], ']')
	if end < 0 {
		return bad(ReasonMissingFields, len(line), "%tr", "no closing ']'")
	}
	end += t
	if !p.setTime(line[t+1:end], rec) {
		return bad(ReasonInvalidTimestamp, t+1, "%tr", "not a valid time")
	}

	// Ten space-separated fields, then captures and the request.
	pos := end + 1
	var tok [10][]byte
	var at [10]int
	for i := range tok {
		if pos >= len(line) || line[pos] != ' ' {
			return bad(ReasonMissingFields, pos, "", "not an HTTP log line (option httplog): the line ends or breaks before its fields")
		}
		pos++
		k := bytes.IndexByte(line[pos:], ' ')
		if k < 0 {
			k = len(line) - pos
		}
		tok[i], at[i] = line[pos:pos+k], pos
		pos += k
	}
	timers := tok[2]
	if bytes.Count(timers, []byte{'/'}) != 4 || bytes.IndexByte(tok[1], '/') < 0 {
		return bad(ReasonMissingFields, at[2], "%Ta", "not an HTTP log line (option httplog): no TR/Tw/Tc/Tr/Ta timers")
	}
	total := timers[bytes.LastIndexByte(timers, '/')+1:]
	total = bytes.TrimPrefix(total, []byte{'+'})
	if string(total) != "-1" {
		d, ok := parseDurationUnit(total, 1000)
		if !ok {
			return bad(ReasonInvalidNumber, at[2], "%Ta", "not a time in milliseconds")
		}
		rec.Duration, rec.HasDuration = d, true
	}
	if string(tok[3]) != "-1" {
		s, ok := ParseStatus(tok[3])
		if !ok {
			return bad(ReasonInvalidStatus, at[3], "%ST", "status is not three digits")
		}
		rec.Status, rec.HasStatus = s, true
	}
	n, ok := parseUint(bytes.TrimPrefix(tok[4], []byte{'+'}))
	if !ok {
		return bad(ReasonInvalidNumber, at[4], "%B", "not a byte count")
	}
	rec.Bytes, rec.HasBytes = n, true
	rec.Extra = append(rec.Extra, Field{Name: "frontend", Value: tok[0]}, Field{Name: "backend", Value: tok[1]},
		Field{Name: "termination_state", Value: tok[7]})

	// Optional {captured headers}, then the quoted request, last.
	for pos < len(line) && line[pos] == ' ' && pos+1 < len(line) && line[pos+1] == '{' {
		k := bytes.IndexByte(line[pos+1:], '}')
		if k < 0 {
			return bad(ReasonUnterminatedQuote, pos+1, "%hr", "no closing '}'")
		}
		pos += 1 + k + 1
	}
	if pos+2 >= len(line) || line[pos] != ' ' || line[pos+1] != '"' {
		return bad(ReasonMissingFields, pos, "%r", "no quoted request")
	}
	if line[len(line)-1] != '"' || len(line)-1 == pos+1 {
		return bad(ReasonUnterminatedQuote, pos+1, "%r", "no closing quote")
	}
	rec.Request = line[pos+2 : len(line)-1]
	splitRequest(rec)
	return Result{Kind: Parsed}
}

// setTime reads "06/Feb/2009:12:14:14.655" (local time, no zone: taken as
// UTC) into rec.
func (p *haproxyParser) setTime(v []byte, rec *Record) bool {
	if len(v) < 20 {
		return false
	}
	var b [26]byte
	copy(b[:], v[:20])
	copy(b[20:], " +0000")
	sec, _, ok := parseCLFTime(b[:])
	if !ok {
		return false
	}
	var nsec int32
	if frac := v[20:]; len(frac) > 0 {
		if frac[0] != '.' || len(frac) < 2 || len(frac) > 10 {
			return false
		}
		scale := int32(1e9)
		for _, c := range frac[1:] {
			if c-'0' > 9 {
				return false
			}
			scale /= 10
			nsec += int32(c-'0') * scale
		}
	}
	rec.Time, rec.Nanos, rec.HasTime = sec, nsec, true
	return true
}
