package aggregate

import (
	"bytes"
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/webalyze/webalyze/aggregate/status"
	"github.com/webalyze/webalyze/parser"
)

// iisRec is an IIS record at t0+sec; sub < 0 means no sc-substatus.
func iisRec(sec int64, code uint16, sub int) *parser.Record {
	r := rec("10.0.0.1", "/cgi-bin/app.exe", code, subT0+sec)
	if sub >= 0 {
		r.HasSubStatus, r.SubStatus = true, uint32(sub)
	}
	return r
}

var subT0 = time.Date(2024, 3, 4, 10, 0, 0, 0, time.UTC).Unix()

// minuteSubs renders the minute buckets' sub-status counts as one string:
// "m0 404.0=1 404.2=2 | m1 nil", minutes in order, relative to subT0, and
// each minute's pairs sorted; "nil" is a minute whose SubCodes is nil.
func minuteSubs(s *State) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(s.Minutes)) {
		m := s.Minutes[k]
		p := fmt.Sprintf("m%d", k-subT0/60)
		if m.SubCodes == nil {
			p += " nil"
		}
		subs := slices.Clone(m.SubCodes)
		slices.SortFunc(subs, func(a, b SubCode) int { return cmp.Compare(status.SubKey(a.Code, a.Sub), status.SubKey(b.Code, b.Sub)) })
		for _, c := range subs {
			p += fmt.Sprintf(" %03d.%d=%d", c.Code, c.Sub, c.N)
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, " | ")
}

func TestMinuteSubCodes(t *testing.T) {
	undated := func(code uint16, sub int) *parser.Record {
		r := iisRec(0, code, sub)
		r.HasTime = false
		return r
	}
	noStatus := iisRec(5, 0, 3)
	noStatus.HasStatus = false
	tests := []struct {
		name string
		recs []*parser.Record
		want string
	}{
		{"nginx: no sub-status, nothing kept", []*parser.Record{iisRec(0, 200, -1), iisRec(70, 404, -1)}, "m0 nil | m1 nil"},
		{"one minute", []*parser.Record{iisRec(0, 404, 2), iisRec(10, 404, 2), iisRec(20, 404, 0), iisRec(30, 200, 0)},
			"m0 200.0=1 404.0=1 404.2=2"},
		{"per minute", []*parser.Record{iisRec(59, 404, 2), iisRec(60, 404, 2), iisRec(61, 500, 19), iisRec(300, 200, -1)},
			"m0 404.2=1 | m1 404.2=1 500.19=1 | m5 nil"},
		{"undated: in SubCodes only", []*parser.Record{undated(404, 2), iisRec(0, 404, 2)}, "m0 404.2=1"},
		{"no status: no code.sub", []*parser.Record{noStatus}, "m0 nil"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(Options{})
			for _, r := range tt.recs {
				s.Add(r)
			}
			if err := s.Check(); err != nil {
				t.Fatal(err)
			}
			if got := minuteSubs(s); got != tt.want {
				t.Errorf("minutes\n got %s\nwant %s", got, tt.want)
			}
			if got := minuteSubs(roundTrip(t, s)); got != tt.want {
				t.Errorf("after Encode/Decode\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

// spikeRecords are 30 minutes of IIS traffic with a 404.2 spike in
// minutes 20-24, some 404.2 outside it, and undated and sub-status-less
// records.
func spikeRecords() []*parser.Record {
	var out []*parser.Record
	for m := range int64(30) {
		for i := range int64(10) {
			code, sub := uint16(200), 0
			switch {
			case m >= 20 && m < 25 && i < 3, m%7 == 2 && i == 0:
				code, sub = 404, 2
			case i == 9:
				code, sub = 404, 0
			case i == 8:
				code, sub = 500, 19
			case i == 7:
				sub = -1
			}
			out = append(out, iisRec(m*60+i*5, code, sub))
		}
	}
	u := iisRec(0, 404, 2)
	u.HasTime = false
	return append(out, u)
}

// TestSubMinutesMerge: the records split in two States, merged either way
// and through state files, give the whole run's State.
func TestSubMinutesMerge(t *testing.T) {
	recs := spikeRecords()
	whole := New(Options{})
	for _, r := range recs {
		whole.Add(r)
	}
	if got := whole.Minutes[subT0/60+20].SubCodes; !slices.Contains(got, SubCode{404, 2, 3}) {
		t.Fatalf("spike minute has %v, want 404.2=3 among them", got)
	}
	want := normalize(roundTrip(t, whole))
	for _, split := range []struct {
		name string
		left func(i int) bool
	}{
		{"alternate", func(i int) bool { return i%2 == 0 }},
		{"halves", func(i int) bool { return i < len(recs)/2 }},
		{"one minute apart", func(i int) bool { return (i/10)%5 == 3 }},
	} {
		for _, viaFile := range []bool{false, true} {
			for _, flip := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/file=%v/flip=%v", split.name, viaFile, flip), func(t *testing.T) {
					a, b := New(Options{}), New(Options{})
					for i, r := range recs {
						if split.left(i) {
							a.Add(r)
						} else {
							b.Add(r)
						}
					}
					if viaFile {
						a, b = roundTrip(t, a), roundTrip(t, b)
					}
					if flip {
						a, b = b, a
					}
					if err := a.Merge(b); err != nil {
						t.Fatal(err)
					}
					if err := a.Check(); err != nil {
						t.Fatal(err)
					}
					if f := diffStates(normalize(roundTrip(t, a)), want); f != "" {
						t.Errorf("merged differs from the whole in %s:\n got %s\nwant %s", f, minuteSubs(a), minuteSubs(want))
					}
				})
			}
		}
	}
}

// oldState is a state file written by webalyze at commit b4e9d4a, before
// minute buckets kept sub-statuses (schema 2, no MinuteSubCodes), from
// iis-before-minute-subcodes.log beside it:
//
//	webalyze summary --state small.state iis-before-minute-subcodes.log
//	webalyze merge -o iis-before-minute-subcodes.state small.state
const oldState = "../testdata/states/iis-before-minute-subcodes.state"

func loadOld(t *testing.T) *State {
	t.Helper()
	s, err := LoadFile(oldState)
	if err != nil || s == nil {
		t.Fatalf("LoadFile(%s) = %v, %v", oldState, s, err)
	}
	return s
}

// TestOldStateSubMinutes: a state written before minute buckets kept
// sub-statuses still decodes; its sub-status counts are untimed (so a
// window check can refuse them), and stay so through merges and files.
func TestOldStateSubMinutes(t *testing.T) {
	old := loadOld(t)
	if err := old.Check(); err != nil {
		t.Fatal(err)
	}
	if !old.MinuteSubCodes || !maps.Equal(old.SubCodesUntimed, old.SubCodes) || old.SubCodesUntimed[SubKey(404, 2)] != 3 {
		t.Fatalf("old state: MinuteSubCodes %v, untimed %v, sub-codes %v", old.MinuteSubCodes, old.SubCodesUntimed, old.SubCodes)
	}
	if got := minuteSubs(old); strings.Contains(got, "=") {
		t.Errorf("old state's minutes have sub-statuses: %s", got)
	}

	newer := New(Options{})
	for _, r := range spikeRecords() {
		newer.Add(r)
	}
	for _, flip := range []bool{false, true} {
		a, b := loadOld(t), roundTrip(t, newer)
		if flip {
			a, b = b, a
		}
		if err := a.Merge(b); err != nil {
			t.Fatal(err)
		}
		a = roundTrip(t, a)
		if err := a.Check(); err != nil {
			t.Fatal(err)
		}
		if !maps.Equal(a.SubCodesUntimed, old.SubCodesUntimed) {
			t.Errorf("flip=%v: untimed %v after merge, want %v", flip, a.SubCodesUntimed, old.SubCodesUntimed)
		}
		if n := a.Minutes[subT0/60+20].SubCodes; !slices.Contains(n, SubCode{404, 2, 3}) {
			t.Errorf("flip=%v: the new state's minute lost its sub-statuses: %v", flip, n)
		}
	}

	// An old state without any sub-status (nginx, Apache) has nothing
	// untimed: windowed checks of it are exact.
	plain := New(Options{})
	plain.Add(iisRec(0, 404, -1))
	plain.MinuteSubCodes = false
	if got := roundTrip(t, plain); got.SubCodesUntimed != nil || !got.MinuteSubCodes {
		t.Errorf("old state without sub-statuses: untimed %v, MinuteSubCodes %v", got.SubCodesUntimed, got.MinuteSubCodes)
	}
}

// TestCheckSubMinutes: Check and Decode refuse sub-status counts that
// exceed what they are part of.
func TestCheckSubMinutes(t *testing.T) {
	m0 := subT0 / 60
	tests := []struct {
		name  string
		spoil func(s *State)
		want  string // in the error
	}{
		{"more sub-statuses than the code", func(s *State) { s.Minutes[m0].SubCodes[0].N = 5 }, "sub-statuses of 404"},
		{"two subs over the code", func(s *State) {
			s.Minutes[m0].SubCodes = append(s.Minutes[m0].SubCodes, SubCode{404, 7, 2})
		}, "sub-statuses of 404"},
		{"a code the minute lacks", func(s *State) { s.Minutes[m0].SubCodes[0].Code = 503 }, "503"},
		{"minutes over the run", func(s *State) { s.SubCodes[SubKey(404, 2)] = 1 }, "404.2"},
		{"untimed over the run", func(s *State) { s.SubCodesUntimed = map[uint64]uint64{SubKey(404, 2): 2} }, "404.2"},
		{"untimed alone over the run", func(s *State) { s.SubCodesUntimed = map[uint64]uint64{SubKey(401, 1): 1} }, "401.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(Options{})
			s.Add(iisRec(0, 404, 2))
			s.Add(iisRec(1, 404, 2))
			s.Add(iisRec(2, 404, -1))
			if err := s.Check(); err != nil {
				t.Fatal(err)
			}
			tt.spoil(s)
			if err := s.Check(); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Check = %v, want an error naming %s", err, tt.want)
			}
			var buf bytes.Buffer
			if err := s.Encode(&buf); err != nil {
				t.Fatal(err)
			}
			if _, err := Decode(&buf); err == nil || !strings.Contains(err.Error(), "corrupt") {
				t.Errorf("Decode = %v, want a corrupt state", err)
			}
		})
	}
}
