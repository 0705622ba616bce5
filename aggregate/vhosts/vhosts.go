// Package vhosts breaks the status of requests down by virtual host: for
// each host a log names (%v, $host, cs-host), its requests per status
// group, so that a report shows which site of a shared server fails.
//
// The groups are 2xx, 3xx, 4xx, 5xx and "other" (1xx, 000, the
// non-standard codes, and requests without a status). Hosts are kept as
// logged, as the State's list of virtual hosts keeps them, cut to
// MaxHostLen bytes; requests without a host are counted in
// [VHosts.NoVHost] only.
//
// Every list is a top list (sketch.TopK, no visitor counts): All by host,
// and one per group by host. Each is exact up to its capacity; past it,
// each keeps its heaviest hosts with a stated error (Space-Saving), so a
// host's group counts are then each within their list's bound.
//
// [VHosts] is the dimension; its state file section is "vhoststatus".
package vhosts

import (
	"fmt"

	"github.com/webalyze/webalyze/aggregate/dim"
	"github.com/webalyze/webalyze/aggregate/sketch"
	"github.com/webalyze/webalyze/aggregate/status"
)

// Section and Version name the state file section of [VHosts].
const (
	Section = "vhoststatus"
	Version = 1
)

// DefaultCapacity is the exact capacity of each list.
const DefaultCapacity = 1000

// MaxHostLen is the most bytes of a host kept.
const MaxHostLen = 255

const maxCapacity = 1 << 24

// The status groups, indexes of [VHosts.Groups].
const (
	Group2xx = iota
	Group3xx
	Group4xx
	Group5xx
	GroupOther
	NumGroups
)

// GroupNames name the groups by index.
var GroupNames = [NumGroups]string{"2xx", "3xx", "4xx", "5xx", "other"}

// groupOf maps a status class index to its group.
var groupOf = [status.NumClasses]uint8{
	status.Class2xx: Group2xx, status.Class3xx: Group3xx, status.Class4xx: Group4xx, status.Class5xx: Group5xx,
	status.Class0xx: GroupOther, status.Class1xx: GroupOther, status.ClassNonStandard: GroupOther,
}

// VHosts counts requests by virtual host and status group (see the
// package doc). Create one with [New]; the zero value is what a state
// file section decodes into.
type VHosts struct {
	// NoVHost counts the requests without a virtual host.
	NoVHost uint64
	// All counts requests by host; Groups[g] those of group g by host.
	All    *sketch.TopK
	Groups [NumGroups]*sketch.TopK
}

// New returns an empty VHosts whose lists are exact up to capacity hosts
// (DefaultCapacity when 0 or less).
func New(capacity int) *VHosts {
	if capacity <= 0 {
		capacity = DefaultCapacity
	}
	v := &VHosts{All: newList(capacity)}
	for g := range v.Groups {
		v.Groups[g] = newList(capacity)
	}
	return v
}

func newList(capacity int) *sketch.TopK {
	t := sketch.NewTopK(capacity)
	t.NoVisitors = true
	return t
}

// Empty returns an aggregator to decode a section into.
func Empty() dim.Dimension { return &VHosts{} }

func (v *VHosts) Section() string { return Section }
func (v *VHosts) Version() uint32 { return Version }

// New returns an empty VHosts with the same capacity.
func (v *VHosts) New() dim.Dimension { return New(v.All.Capacity) }

// Group returns the status group of a hit.
func Group(h *dim.Hit) int {
	if !h.HasCode {
		return GroupOther
	}
	return int(groupOf[status.ClassIndex(h.Code)])
}

// Add counts one request.
func (v *VHosts) Add(h *dim.Hit) {
	r := h.Rec
	host := r.VHost
	if len(host) == 0 {
		v.NoVHost++
		return
	}
	k := h.VHost // the State's hash of the whole host
	if len(host) > MaxHostLen {
		host = host[:MaxHostLen]
		k = sketch.HashKey(host)
	} else if !h.Derived {
		k = sketch.HashKey(host)
	}
	v.All.AddHashed(host, k, r.Bytes, 0)
	v.Groups[Group(h)].AddHashed(host, k, r.Bytes, 0)
}

// Merge folds other, a *VHosts of the same capacity, in.
func (v *VHosts) Merge(other dim.Dimension) error {
	o, ok := other.(*VHosts)
	if !ok {
		return fmt.Errorf("%s: cannot merge a %T", Section, other)
	}
	if v.All.Capacity != o.All.Capacity {
		return fmt.Errorf("%s: capacities differ (%d and %d)", Section, v.All.Capacity, o.All.Capacity)
	}
	v.NoVHost += o.NoVHost
	v.All.Merge(o.All)
	for g := range v.Groups {
		v.Groups[g].Merge(o.Groups[g])
	}
	return nil
}

// Check verifies that the requests with and without a host add up to the
// parsed ones, and the groups to those with a host.
func (v *VHosts) Check(parsed uint64) error {
	if n := v.NoVHost + v.All.Total; n != parsed || n < v.NoVHost {
		return fmt.Errorf("%s: %d requests with a virtual host + %d without, %d parsed", Section, v.All.Total, v.NoVHost, parsed)
	}
	var sum uint64
	for _, t := range v.Groups {
		sum += t.Total
	}
	if sum != v.All.Total {
		return fmt.Errorf("%s: status groups count %d requests, hosts %d", Section, sum, v.All.Total)
	}
	if err := checkList(v.All); err != nil {
		return err
	}
	for _, t := range v.Groups {
		if err := checkList(t); err != nil {
			return err
		}
	}
	return nil
}

func checkList(t *sketch.TopK) error {
	if err := t.CheckCounts(); err != nil {
		return fmt.Errorf("%s: %w", Section, err)
	}
	return nil
}

// Canonical puts v in a form for comparison (tests).
func (v *VHosts) Canonical() {
	v.All.Canonical()
	for _, t := range v.Groups {
		t.Canonical()
	}
}

type wire struct {
	NoVHost uint64
	All     *sketch.TopK
	Groups  []*sketch.TopK
}

// MarshalBinary encodes v (gob).
func (v *VHosts) MarshalBinary() ([]byte, error) {
	return dim.EncodeGob(wire{v.NoVHost, v.All, v.Groups[:]})
}

// UnmarshalBinary decodes and validates what MarshalBinary wrote.
func (v *VHosts) UnmarshalBinary(data []byte) error {
	var w wire
	return dim.DecodeGob(Section, data, &w, func() error {
		if len(w.Groups) != NumGroups {
			return fmt.Errorf("corrupt %s section: %d status groups", Section, len(w.Groups))
		}
		out := VHosts{NoVHost: w.NoVHost, All: w.All}
		var sum uint64
		for g, t := range append([]*sketch.TopK{w.All}, w.Groups...) {
			if err := validList(t); err != nil {
				return fmt.Errorf("corrupt %s section: %w", Section, err)
			}
			if t.Capacity != w.All.Capacity {
				return fmt.Errorf("corrupt %s section: lists of capacities %d and %d", Section, w.All.Capacity, t.Capacity)
			}
			for i := range t.Entries {
				if k := t.Entries[i].Key; k == "" || len(k) > MaxHostLen {
					return fmt.Errorf("corrupt %s section: host of %d bytes", Section, len(k))
				}
			}
			t.NoVisitors = true
			if g > 0 {
				out.Groups[g-1] = t
				if sum += t.Total; sum < t.Total {
					return fmt.Errorf("corrupt %s section: counts overflow", Section)
				}
			}
		}
		if sum != w.All.Total || w.NoVHost+sum < sum {
			return fmt.Errorf("corrupt %s section: status groups count %d requests, hosts %d", Section, sum, w.All.Total)
		}
		*v = out
		return nil
	})
}

func validList(t *sketch.TopK) error { return sketch.CheckDecoded(t, maxCapacity) }
