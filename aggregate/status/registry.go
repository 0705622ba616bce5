package status

import (
	"cmp"
	_ "embed"
	"fmt"
	"strconv"
	"strings"
)

// statusTSV is a byte-for-byte copy of ../shared/data/status-codes.tsv, the
// single source of truth for status semantics (see its README there).
//
//go:embed status-codes.tsv
var statusTSV string

// Status is one row of the status registry: the meaning of a status code,
// or of an IIS sub-status when Sub is set.
type Status struct {
	Code      uint16
	Sub       uint32 // IIS sc-substatus; meaningful when HasSub
	HasSub    bool
	Reason    string // reason phrase or short description
	Class     string // "0xx" .. "5xx"
	Source    string // RFC9110, nginx, iis, iis-arr, cloudflare, aws-elb, ...
	Cacheable bool   // heuristically cacheable (RFC 9110 section 15.1)
	Note      string
}

// SubStatus is a registry row for an IIS sub-status code such as 404.2.
type SubStatus = Status

// registry holds the parsed table. Rows with the same key keep the
// table's order: the standards-track (or IIS core) row first.
type registry struct {
	codes [1000][]Status
	subs  map[uint64][]Status // SubKey(code, sub)
}

var reg = mustParseRegistry(statusTSV)

func SubKey(code uint16, sub uint32) uint64 { return uint64(code)<<32 | uint64(sub) }

func mustParseRegistry(tsv string) *registry {
	r, err := parseRegistry(tsv)
	if err != nil {
		panic("status: embedded status-codes.tsv: " + err.Error())
	}
	return r
}

func parseRegistry(tsv string) (*registry, error) {
	r := &registry{subs: map[uint64][]Status{}}
	lines := strings.Split(strings.TrimSuffix(tsv, "\n"), "\n")
	if len(lines) == 0 || !strings.HasPrefix(lines[0], "code\tsubcode\treason\tclass\tsource\theuristically_cacheable\tnote") {
		return nil, fmt.Errorf("unexpected header %q", lines[0])
	}
	for i, line := range lines[1:] {
		f := strings.Split(line, "\t")
		if len(f) != 7 {
			return nil, fmt.Errorf("line %d: %d fields, want 7", i+2, len(f))
		}
		code, err := strconv.ParseUint(f[0], 10, 16)
		if err != nil || len(f[0]) != 3 || code > 999 {
			return nil, fmt.Errorf("line %d: bad code %q", i+2, f[0])
		}
		st := Status{Code: uint16(code), Reason: f[2], Class: f[3], Source: f[4], Cacheable: f[5] == "yes", Note: f[6]}
		if f[3] != ClassOf(st.Code) {
			return nil, fmt.Errorf("line %d: class %q does not match code %s", i+2, f[3], f[0])
		}
		if f[1] == "" {
			r.codes[code] = append(r.codes[code], st)
			continue
		}
		sub, err := strconv.ParseUint(f[1], 10, 32)
		if err != nil {
			return nil, fmt.Errorf("line %d: bad subcode %q", i+2, f[1])
		}
		st.Sub, st.HasSub = uint32(sub), true
		k := SubKey(st.Code, st.Sub)
		r.subs[k] = append(r.subs[k], st)
	}
	return r, nil
}

// Lookup returns the registry's meaning of code: the first row of the
// table, which is the standards-track meaning when a code has several
// (418, 451). ok is false for codes the registry does not list.
func Lookup(code uint16) (Status, bool) {
	if code > 999 || len(reg.codes[code]) == 0 {
		return Status{}, false
	}
	return reg.codes[code][0], true
}

// LookupFrom is [Lookup] for a log whose origin is known: "iis", "nginx",
// "aws-elb", "cloudflare"... It returns the row whose source is origin, or
// starts with origin+"-" (origin "iis" matches "iis-arr"), and otherwise
// the first row. For an IIS log, LookupFrom(451, "iis") is Exchange
// ActiveSync's "Redirect" where Lookup(451) is "Unavailable For Legal
// Reasons".
func LookupFrom(code uint16, origin string) (Status, bool) {
	if code > 999 {
		return Status{}, false
	}
	return pick(reg.codes[code], origin)
}

// Meanings returns every registry row for code, in table order.
func Meanings(code uint16) []Status {
	if code > 999 {
		return nil
	}
	return append([]Status(nil), reg.codes[code]...)
}

// LookupSub returns the meaning of IIS sub-status code.sub (404.2 is
// "ISAPI or CGI restriction"). Where the table has two rows (500.0, 502.5)
// it prefers the IIS core row ("iis"), then the first row.
func LookupSub(code uint16, sub uint32) (SubStatus, bool) {
	return LookupSubFrom(code, sub, "iis")
}

// LookupSubFrom is [LookupSub] preferring rows from origin, as
// [LookupFrom] does: LookupSubFrom(502, 5, "iis-aspnetcore") is "Process
// failure".
func LookupSubFrom(code uint16, sub uint32, origin string) (SubStatus, bool) {
	return pick(reg.subs[SubKey(code, sub)], origin)
}

// SubMeaning is the meaning of sub-status sub of code, as a report shows
// it: the registry's row preferring origin (IIS when origin is ""), and
// for a sub-status 0 the registry has no row of, the code's reason with
// "(no sub-status)": IIS logs 0 when there is none, so 200.0 is a plain
// 200 and 304.0 a plain 304.
func SubMeaning(code uint16, sub uint32, origin string) string {
	s, ok := LookupSubFrom(code, sub, cmp.Or(origin, "iis"))
	if !ok && sub == 0 {
		if r, ok := LookupFrom(code, origin); ok && r.Reason != "" {
			return r.Reason + " (no sub-status)"
		}
	}
	return s.Reason
}

func pick(rows []Status, origin string) (Status, bool) {
	if len(rows) == 0 {
		return Status{}, false
	}
	if origin != "" {
		for _, r := range rows {
			if r.Source == origin {
				return r, true
			}
		}
		for _, r := range rows {
			if strings.HasPrefix(r.Source, origin+"-") {
				return r, true
			}
		}
	}
	return rows[0], true
}
