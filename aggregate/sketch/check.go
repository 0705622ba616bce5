package sketch

import (
	"errors"
	"fmt"
	"math"
)

// Check verifies a decoded list (capacity, no key twice, sound visitor
// counters and latency sketches) and readies its index for use.
func (t *TopK) Check() error {
	if t.Capacity <= 0 || len(t.Entries) > t.Capacity {
		return fmt.Errorf("top list of %d entries has capacity %d", len(t.Entries), t.Capacity)
	}
	seen := make(map[string]struct{}, len(t.Entries))
	for i := range t.Entries {
		e := &t.Entries[i]
		if _, dup := seen[e.Key]; dup {
			return fmt.Errorf("top list has key %q twice", e.Key)
		}
		seen[e.Key] = struct{}{}
		if e.Visitors.N > SmallExact || (e.Visitors.Regs != nil && !validRegs(e.Visitors.Regs[:], smallP)) {
			return fmt.Errorf("top list entry %q has a bad visitor counter", e.Key)
		}
		if e.Latency != nil {
			if err := e.Latency.Check(); err != nil {
				return err
			}
		}
	}
	t.resetIndex()
	return nil
}

// CheckCounts verifies that no entry's error exceeds its count and that
// the entries' exact counts (Hits - HitsErr) add up to at most Total.
func (t *TopK) CheckCounts() error {
	var sum uint64
	for i := range t.Entries {
		e := &t.Entries[i]
		if e.HitsErr > e.Hits {
			return fmt.Errorf("entry %q has error %d over its %d requests", e.Key, e.HitsErr, e.Hits)
		}
		sum = AddSat(sum, e.Hits-e.HitsErr)
	}
	if sum > t.Total {
		return fmt.Errorf("entries count %d requests, the total is %d", sum, t.Total)
	}
	return nil
}

// CheckDecoded verifies a list without request times read from a state
// file section: present, of a capacity in (0, maxCapacity], sound (Check),
// and with counts that add up (CheckCounts).
func CheckDecoded(t *TopK, maxCapacity int) error {
	if t == nil {
		return errors.New("no list")
	}
	if t.Capacity <= 0 || t.Capacity > maxCapacity {
		return fmt.Errorf("list capacity %d", t.Capacity)
	}
	if err := t.Check(); err != nil {
		return err
	}
	for i := range t.Entries {
		if t.Entries[i].Latency != nil {
			return errors.New("list entry with request times")
		}
	}
	return t.CheckCounts()
}

// latMaxIndex is the bucket of MaxInt64, the largest a Latency can have.
var latMaxIndex = latencyIndex(math.MaxInt64)

// Check verifies a decoded latency sketch: its shift, its bucket range and
// that its counts add up.
func (l *Latency) Check() error {
	if l.Shift > 6 {
		return fmt.Errorf("latency sketch has shift %d", l.Shift)
	}
	if len(l.Counts) > 0 && (l.Offset < 0 || int64(l.Offset)+int64(len(l.Counts)) > int64(latMaxIndex)+1 ||
		l.Counts[0] == 0 || l.Counts[len(l.Counts)-1] == 0) {
		return fmt.Errorf("latency sketch has buckets %d..%d", l.Offset, int64(l.Offset)+int64(len(l.Counts)))
	}
	if l.Count > 0 && (l.Min < 0 || l.Max < l.Min) {
		return fmt.Errorf("latency sketch has min %d, max %d", l.Min, l.Max)
	}
	var n uint64
	for _, c := range l.Counts {
		n += c
	}
	if n+l.Zero != l.Count {
		return fmt.Errorf("latency sketch counts %d values in buckets, says %d", n+l.Zero, l.Count)
	}
	return nil
}
