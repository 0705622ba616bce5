package aggregate

import (
	"math"
	"time"
)

// zoneCache gives the UTC offset of a Unix second in one location without a
// time.Time per record: it remembers the zone period (from one transition
// to the next, see time.Time.ZoneBounds) that the last second fell in, so
// a daylight-saving change is honoured at the exact second it happens.
type zoneCache struct {
	loc        *time.Location
	start, end int64 // [start, end) in Unix seconds
	off        int64 // seconds east of UTC
}

func newZoneCache(loc *time.Location) zoneCache {
	return zoneCache{loc: loc, start: 1, end: 0} // empty: first call fills it
}

func (z *zoneCache) offset(sec int64) int64 {
	if sec >= z.start && sec < z.end {
		return z.off
	}
	t := time.Unix(sec, 0).In(z.loc)
	_, off := t.Zone()
	s, e := t.ZoneBounds()
	z.off, z.start, z.end = int64(off), math.MinInt64, math.MaxInt64
	if !s.IsZero() {
		z.start = s.Unix()
	}
	if !e.IsZero() {
		z.end = e.Unix()
	}
	return z.off
}

// floorDiv divides rounding toward minus infinity, for times before 1970.
func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// CodeCount is a number of records with one status code.
type CodeCount struct {
	Code uint16
	N    uint64
}

// MinuteBucket is what one Unix minute (Unix seconds / 60, UTC) holds: the
// finest time series, from which all others are derived.
type MinuteBucket struct {
	Requests uint64
	Pages    uint64      // requests for pages (see Options.PageExtensions)
	Bytes    uint64      // saturating
	Codes    []CodeCount // records with a status, one entry per code seen
	// SubCodes counts the records that have an IIS sub-status, one entry
	// per code.sub seen, as [State.SubCodes] does for the whole run. It
	// stays nil in logs without sc-substatus (nginx, Apache). A code's
	// entries sum to at most its count in Codes.
	SubCodes []SubCode
}

func (m *MinuteBucket) addSub(code uint16, sub uint32, n uint64) {
	for i := range m.SubCodes {
		if m.SubCodes[i].Code == code && m.SubCodes[i].Sub == sub {
			m.SubCodes[i].N += n
			return
		}
	}
	m.SubCodes = append(m.SubCodes, SubCode{code, sub, n})
}

func (m *MinuteBucket) addCode(code uint16, n uint64) {
	for i := range m.Codes {
		if m.Codes[i].Code == code {
			m.Codes[i].N += n
			return
		}
	}
	m.Codes = append(m.Codes, CodeCount{code, n})
}
