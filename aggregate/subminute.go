package aggregate

import (
	"fmt"

	"github.com/webalyze/webalyze/aggregate/status"
)

// Per-minute IIS sub-status counts (MinuteBucket.SubCodes) let a check
// count a code.sub such as 404.2 in any window of minutes. Records without
// a sub-status (nginx, Apache) add nothing to them.
//
// State files written before minute buckets kept sub-statuses still
// decode (the field is additive): their MinuteSubCodes is false, and
// restoreSubMinutes moves their SubCodes into SubCodesUntimed, so that a
// windowed check of those code.sub pairs can tell that some of their
// records are in no minute and refuse, rather than count them as 0.

// mergeSubUntimed adds o's untimed sub-status counts to s's.
func (s *State) mergeSubUntimed(o *State) {
	for k, n := range o.SubCodesUntimed {
		if s.SubCodesUntimed == nil {
			s.SubCodesUntimed = map[uint64]uint64{}
		}
		s.SubCodesUntimed[k] += n
	}
}

// restoreSubMinutes validates the per-minute sub-status counts of a
// decoded State and upgrades a State written before they were kept.
func (s *State) restoreSubMinutes() error {
	if !s.MinuteSubCodes {
		for k, n := range s.SubCodes {
			if n == 0 {
				continue
			}
			if s.SubCodesUntimed == nil {
				s.SubCodesUntimed = map[uint64]uint64{}
			}
			s.SubCodesUntimed[k] += n
		}
		s.MinuteSubCodes = true
	}
	for k, n := range s.SubCodesUntimed {
		if k>>32 > 999 || n == 0 {
			return fmt.Errorf("untimed sub-status %d.%d has count %d", k>>32, uint32(k), n)
		}
	}
	for minute, m := range s.Minutes {
		for _, c := range m.SubCodes {
			if c.Code > 999 || c.N == 0 {
				return fmt.Errorf("minute %d has sub-status %d.%d with count %d", minute, c.Code, c.Sub, c.N)
			}
		}
	}
	return s.checkSubMinutes()
}

// checkSubMinutes verifies the sub-status invariants of [State]: in each
// minute a code's sub-status counts sum to at most the code's count, and a
// code.sub's minute counts plus its untimed count are at most its count in
// SubCodes.
func (s *State) checkSubMinutes() error {
	var perKey map[uint64]uint64
	for minute, m := range s.Minutes {
		if len(m.SubCodes) == 0 {
			continue
		}
		if perKey == nil {
			perKey = map[uint64]uint64{}
		}
		for i, c := range m.SubCodes {
			perKey[status.SubKey(c.Code, c.Sub)] += c.N
			if i > 0 && codeSeen(m.SubCodes[:i], c.Code) {
				continue // this code's sum is checked at its first entry
			}
			var subs, codes uint64
			for _, d := range m.SubCodes[i:] {
				if d.Code == c.Code {
					subs += d.N
				}
			}
			for _, d := range m.Codes {
				if d.Code == c.Code {
					codes += d.N
				}
			}
			if subs > codes {
				return fmt.Errorf("minute %d has %d sub-statuses of %03d but %d records of it", minute, subs, c.Code, codes)
			}
		}
	}
	for k, n := range perKey {
		if u := s.SubCodesUntimed[k]; n+u > s.SubCodes[k] {
			return fmt.Errorf("%03d.%d is %d in the minutes and %d untimed, but %d in all", k>>32, uint32(k), n, u, s.SubCodes[k])
		}
	}
	for k, u := range s.SubCodesUntimed {
		if _, ok := perKey[k]; !ok && u > s.SubCodes[k] {
			return fmt.Errorf("%03d.%d is %d untimed, but %d in all", k>>32, uint32(k), u, s.SubCodes[k])
		}
	}
	return nil
}

func codeSeen(list []SubCode, code uint16) bool {
	for _, c := range list {
		if c.Code == code {
			return true
		}
	}
	return false
}
