package refsites

import (
	"fmt"
	"slices"

	"github.com/webalyze/webalyze/aggregate/dim"
	"github.com/webalyze/webalyze/aggregate/sketch"
)

// Section and Version name the state file section of [Sites].
const (
	Section = "refsites"
	Version = 1
)

// DefaultCapacity is the exact capacity of the list of sites.
const DefaultCapacity = 10_000

// maxCapacity bounds the capacity a decoded section may claim.
const maxCapacity = 1 << 24

// Sites counts referring sites (see the package doc). Create one with
// [New]; the zero value is what a state file section decodes into.
type Sites struct {
	// SiteHosts are the site's own hosts (lower case, without port).
	SiteHosts []string
	// List holds the sites: Total counts every external referrer.
	List *sketch.TopK

	scratch []byte
	pipe    sketch.Pipe // additions to List not yet made (see Flush)
}

// New returns an empty Sites exact up to capacity hosts (DefaultCapacity
// when 0 or less), leaving out referrers on siteHosts (--site, in any
// form SiteHost accepts).
func New(capacity int, siteHosts []string) *Sites {
	if capacity <= 0 {
		capacity = DefaultCapacity
	}
	s := &Sites{List: sketch.NewTopK(capacity)}
	for _, h := range siteHosts {
		if h = SiteHost(h); h != "" && !slices.Contains(s.SiteHosts, h) {
			s.SiteHosts = append(s.SiteHosts, h)
		}
	}
	return s
}

// Empty returns an aggregator to decode a section into.
func Empty() dim.Dimension { return &Sites{} }

func (s *Sites) Section() string { return Section }
func (s *Sites) Version() uint32 { return Version }

// New returns an empty Sites with the same settings.
func (s *Sites) New() dim.Dimension {
	return &Sites{SiteHosts: slices.Clone(s.SiteHosts), List: sketch.NewTopK(s.List.Capacity)}
}

// Add counts h's referrer when it is external.
func (s *Sites) Add(h *dim.Hit) {
	r := h.Rec
	ref := r.Referer
	if len(ref) == 0 || (len(ref) == 1 && ref[0] == '-') {
		return
	}
	// IsExternal with the host the State found (this list's site hosts
	// may not be the State's).
	host := h.RefHost
	if !h.Derived {
		host = HostOf(ref)
	}
	if !externalHost(host, r.VHost, s.SiteHosts) {
		return
	}
	s.scratch = lowerHost(s.scratch[:0], host)
	s.pipe.Add(s.List, s.scratch, r.Bytes, h.Visitor)
}

// SameSites reports whether s leaves out the same site hosts as hosts
// (lower case, without port): then it counts the referrers the State's
// referrer list counts, and the State may feed it with AddReferrer.
func (s *Sites) SameSites(hosts []string) bool { return sameSet(s.SiteHosts, hosts) }

// AddReferrer counts an external referrer ref, with bytes and visitor,
// which the State's referrer list has just counted; m is what the State
// keeps for the referrer while it stays in that list. The State calls it
// instead of Add when s counts what that list counts (SameSites): where
// the list counts the record, by the worker that owns the referrer.
//
// The kept index of the referrer's site in List (sketch.TopK.KeptIndex)
// is in m.Site: a known referrer's next records count there with no host
// to find, copy or hash, and no look-up, while it names the entry; past
// that, every record is looked up.
func (s *Sites) AddReferrer(m *dim.ReferrerMemo, ref []byte, bytes, visitor uint64) {
	if s.List.HitKept(int32(m.Site), bytes, visitor, false) {
		return
	}
	s.scratch = lowerHost(s.scratch[:0], HostOf(ref))
	m.Site = uint32(s.List.KeptIndex(s.List.AddHashed(s.scratch, sketch.HashKey(s.scratch), bytes, visitor)))
}

// PrefetchReferrer asks for the site entry AddReferrer will update for a
// referrer whose memo is m, and PrefetchVisitor, once that entry is in
// the cache, for its register of visitor (see aggregate.State.applyOps).
func (s *Sites) PrefetchReferrer(m *dim.ReferrerMemo) { s.List.PrefetchKept(int32(m.Site)) }

// PrefetchVisitor: see PrefetchReferrer.
func (s *Sites) PrefetchVisitor(m *dim.ReferrerMemo, visitor uint64) {
	s.List.PrefetchKeptVisitor(int32(m.Site), visitor)
}

// Flush makes the additions to List that Add queued (dim.Flusher): they
// are made in batches, whose cache misses overlap.
func (s *Sites) Flush() { s.pipe.Flush(s.List) }

// Merge folds other, a *Sites with the same site hosts and capacity, in.
func (s *Sites) Merge(other dim.Dimension) error {
	o, ok := other.(*Sites)
	if !ok {
		return fmt.Errorf("%s: cannot merge a %T", Section, other)
	}
	s.Flush()
	o.Flush()
	if !sameSet(s.SiteHosts, o.SiteHosts) {
		return fmt.Errorf("%s: site hosts differ (%q and %q)", Section, s.SiteHosts, o.SiteHosts)
	}
	if s.List.Capacity != o.List.Capacity {
		return fmt.Errorf("%s: capacities differ (%d and %d)", Section, s.List.Capacity, o.List.Capacity)
	}
	s.List.Merge(o.List)
	return nil
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// Check verifies that no more referrers were counted than records parsed.
func (s *Sites) Check(parsed uint64) error {
	s.Flush()
	if s.List.Total > parsed {
		return fmt.Errorf("%s: %d referrers counted, more than the %d requests", Section, s.List.Total, parsed)
	}
	return checkList(s.List)
}

// checkList verifies the counts of a list: no key counted more often
// than the list's total.
func checkList(t *sketch.TopK) error {
	if err := t.CheckCounts(); err != nil {
		return fmt.Errorf("%s: %w", Section, err)
	}
	return nil
}

// Canonical puts s in a form for comparison (tests).
func (s *Sites) Canonical() {
	s.Flush()
	slices.Sort(s.SiteHosts)
	s.List.Canonical()
}

type wire struct {
	SiteHosts []string
	List      *sketch.TopK
}

// MarshalBinary encodes s (gob).
func (s *Sites) MarshalBinary() ([]byte, error) {
	s.Flush()
	return dim.EncodeGob(wire{s.SiteHosts, s.List})
}

// UnmarshalBinary decodes and validates what MarshalBinary wrote.
func (s *Sites) UnmarshalBinary(data []byte) error {
	var w wire
	return dim.DecodeGob(Section, data, &w, func() error {
		if err := validList(w.List); err != nil {
			return fmt.Errorf("corrupt %s section: %w", Section, err)
		}
		for _, h := range w.SiteHosts {
			if h == "" || h != SiteHost(h) {
				return fmt.Errorf("corrupt %s section: site host %q", Section, h)
			}
		}
		*s = Sites{SiteHosts: w.SiteHosts, List: w.List}
		return nil
	})
}

// validList verifies a decoded list: present, a sane capacity, no
// latency sketches, sound counts.
func validList(t *sketch.TopK) error { return sketch.CheckDecoded(t, maxCapacity) }
