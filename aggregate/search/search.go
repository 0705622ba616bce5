package search

import (
	"fmt"

	"github.com/webalyze/webalyze/aggregate/dim"
	"github.com/webalyze/webalyze/aggregate/sketch"
)

// Section and Version name the state file section of [Search]. The
// version changes when the list of engines does.
const (
	Section = "search"
	Version = 1
)

// DefaultCapacity is the exact capacity of the term and phrase lists.
const DefaultCapacity = 10_000

const maxCapacity = 1 << 24

// Search counts site-search terms, search phrases and search engine
// referrals (see the package doc). Create one with [New]; the zero value
// is what a state file section decodes into.
type Search struct {
	// Terms counts the requests with a site-search term, by term.
	Terms *sketch.TopK
	// Phrases counts the engine referrals with a phrase, by phrase.
	Phrases *sketch.TopK
	// Engines counts the referrals from each engine (see EngineName).
	Engines [NumEngines]uint64

	out, buf []byte
	// additions to Terms and Phrases not yet made (see Flush)
	terms, phrases sketch.Pipe
}

// New returns an empty Search whose lists are exact up to capacity
// entries (DefaultCapacity when 0 or less).
func New(capacity int) *Search {
	if capacity <= 0 {
		capacity = DefaultCapacity
	}
	return &Search{Terms: sketch.NewTopK(capacity), Phrases: sketch.NewTopK(capacity)}
}

// Empty returns an aggregator to decode a section into.
func Empty() dim.Dimension { return &Search{} }

func (s *Search) Section() string { return Section }
func (s *Search) Version() uint32 { return Version }

// New returns an empty Search with the same capacity.
func (s *Search) New() dim.Dimension { return New(s.Terms.Capacity) }

// Add counts h's site-search term and search phrase, if any.
func (s *Search) Add(h *dim.Hit) {
	r := h.Rec
	var ok bool
	if len(r.Query) > 0 {
		if s.out, s.buf, ok = Param(s.out, s.buf, r.Query, Params); ok {
			s.terms.Add(s.Terms, s.out, r.Bytes, h.Visitor)
		}
	}
	if len(r.Referer) > 8 && !h.RefFromList {
		var e int
		var q []byte
		if h.Derived {
			e, q = engineOfHost(h.RefHost), nil
			if e >= 0 {
				q = queryAfter(r.Referer, h.RefHost)
			}
		} else {
			e, q = engineOf(r.Referer)
		}
		if e < 0 {
			return
		}
		s.Engines[e]++
		if s.out, s.buf, ok = Param(s.out, s.buf, q, engines[e].params); ok {
			s.phrases.Add(s.Phrases, s.out, r.Bytes, h.Visitor)
		}
	}
}

// The memo AddReferrer keeps of a referrer (dim.ReferrerMemo.Search): 0
// until worked out, then memoKnown, the engine + 1 (0: none) at
// memoEngineShift, and the kept index of its phrase in Phrases
// (sketch.TopK.KeptIndex; 0: no phrase; memoPhrase: one whose index is
// not kept).
const (
	memoKnown       = 1 << 31
	memoEngineShift = 24
	memoPhrase      = 1<<memoEngineShift - 1
)

// The engine + 1 takes 7 bits of the memo.
const _ = uint(127 - (NumEngines + 1))

// AddReferrer counts the search phrase and engine referral of a referrer
// ref, with bytes and visitor, which the State's referrer list has just
// counted (the State then sets dim.Hit.RefFromList, and Add leaves the
// referrer out); m is what the State keeps for the referrer while it
// stays in that list. A referrer's engine, and the index of its phrase in
// Phrases, are worked out once and kept in m.Search: its next records
// count with no parsing and no look-up, while the indexes of Phrases hold
// (sketch.TopK.IndexesHold; past that, the phrase is parsed and looked up
// again).
func (s *Search) AddReferrer(m *dim.ReferrerMemo, ref []byte, bytes, visitor uint64) {
	v := m.Search
	var q []byte // the query, once parsed
	if v == 0 {
		v = memoKnown
		if len(ref) > 8 {
			var e int
			if e, q = engineOf(ref); e >= 0 {
				v |= uint32(e+1)<<memoEngineShift | memoPhrase
			}
		}
		m.Search = v
	}
	e := int(v>>memoEngineShift&0x7f) - 1
	if e < 0 {
		return
	}
	s.Engines[e]++
	p := v & memoPhrase
	if p == 0 {
		return
	}
	if p != memoPhrase && s.Phrases.HitKept(int32(p), bytes, visitor, false) {
		return
	}
	if q == nil {
		_, q = engineOf(ref)
	}
	var ok bool
	if s.out, s.buf, ok = Param(s.out, s.buf, q, engines[e].params); !ok {
		m.Search = v &^ memoPhrase // no phrase
		return
	}
	pe := s.Phrases.AddHashed(s.out, sketch.HashKey(s.out), bytes, visitor)
	if k := s.Phrases.KeptIndex(pe); k != 0 && k < memoPhrase {
		m.Search = v&^memoPhrase | uint32(k)
	} else {
		m.Search = v | memoPhrase // parsed again next time
	}
}

// PrefetchReferrer asks for the phrase entry AddReferrer will update for
// a referrer whose memo is m, and PrefetchVisitor, once that entry is in
// the cache, for its register of visitor (see aggregate.State.applyOps).
func (s *Search) PrefetchReferrer(m *dim.ReferrerMemo) {
	if p := m.Search & memoPhrase; p != memoPhrase {
		s.Phrases.PrefetchKept(int32(p))
	}
}

// PrefetchVisitor: see PrefetchReferrer.
func (s *Search) PrefetchVisitor(m *dim.ReferrerMemo, visitor uint64) {
	if p := m.Search & memoPhrase; p != memoPhrase {
		s.Phrases.PrefetchKeptVisitor(int32(p), visitor)
	}
}

// Flush makes the additions to Terms and Phrases that Add queued
// (dim.Flusher): they are made in batches, whose cache misses overlap.
func (s *Search) Flush() {
	s.terms.Flush(s.Terms)
	s.phrases.Flush(s.Phrases)
}

// Referrals returns the number of referrals from engines.
func (s *Search) Referrals() uint64 {
	var n uint64
	for _, c := range s.Engines {
		n += c
	}
	return n
}

// Merge folds other, a *Search of the same capacity, in.
func (s *Search) Merge(other dim.Dimension) error {
	o, ok := other.(*Search)
	if !ok {
		return fmt.Errorf("%s: cannot merge a %T", Section, other)
	}
	s.Flush()
	o.Flush()
	if s.Terms.Capacity != o.Terms.Capacity {
		return fmt.Errorf("%s: capacities differ (%d and %d)", Section, s.Terms.Capacity, o.Terms.Capacity)
	}
	s.Terms.Merge(o.Terms)
	s.Phrases.Merge(o.Phrases)
	for i, n := range o.Engines {
		s.Engines[i] += n
	}
	return nil
}

// Check verifies that at most one term and one engine referral were
// counted per parsed request, and a phrase only with a referral.
func (s *Search) Check(parsed uint64) error {
	s.Flush()
	if s.Terms.Total > parsed {
		return fmt.Errorf("%s: %d site-search terms, more than the %d requests", Section, s.Terms.Total, parsed)
	}
	var n uint64
	for _, c := range s.Engines {
		if n += c; n < c {
			return fmt.Errorf("%s: engine referrals overflow", Section)
		}
	}
	if n > parsed {
		return fmt.Errorf("%s: %d engine referrals, more than the %d requests", Section, n, parsed)
	}
	if s.Phrases.Total > n {
		return fmt.Errorf("%s: %d search phrases, more than the %d engine referrals", Section, s.Phrases.Total, n)
	}
	if err := checkList(s.Terms); err != nil {
		return err
	}
	return checkList(s.Phrases)
}

func checkList(t *sketch.TopK) error {
	if err := t.CheckCounts(); err != nil {
		return fmt.Errorf("%s: %w", Section, err)
	}
	return nil
}

// Canonical puts s in a form for comparison (tests).
func (s *Search) Canonical() {
	s.Flush()
	s.Terms.Canonical()
	s.Phrases.Canonical()
}

type wire struct {
	Terms, Phrases *sketch.TopK
	Engines        []uint64
}

// MarshalBinary encodes s (gob).
func (s *Search) MarshalBinary() ([]byte, error) {
	s.Flush()
	return dim.EncodeGob(wire{s.Terms, s.Phrases, s.Engines[:]})
}

// UnmarshalBinary decodes and validates what MarshalBinary wrote.
func (s *Search) UnmarshalBinary(data []byte) error {
	var w wire
	return dim.DecodeGob(Section, data, &w, func() error {
		if len(w.Engines) != NumEngines {
			return fmt.Errorf("corrupt %s section: %d engines, this webalyze knows %d", Section, len(w.Engines), NumEngines)
		}
		for _, t := range []*sketch.TopK{w.Terms, w.Phrases} {
			if err := validList(t); err != nil {
				return fmt.Errorf("corrupt %s section: %w", Section, err)
			}
			for i := range t.Entries {
				if k := t.Entries[i].Key; k == "" || len(k) > MaxLen {
					return fmt.Errorf("corrupt %s section: term of %d bytes", Section, len(k))
				}
			}
		}
		if w.Terms.Capacity != w.Phrases.Capacity {
			return fmt.Errorf("corrupt %s section: lists of capacities %d and %d", Section, w.Terms.Capacity, w.Phrases.Capacity)
		}
		out := Search{Terms: w.Terms, Phrases: w.Phrases}
		copy(out.Engines[:], w.Engines)
		var n uint64
		for _, c := range out.Engines {
			if n += c; n < c {
				return fmt.Errorf("corrupt %s section: engine referrals overflow", Section)
			}
		}
		if out.Phrases.Total > n {
			return fmt.Errorf("corrupt %s section: %d phrases, %d engine referrals", Section, out.Phrases.Total, n)
		}
		*s = out
		return nil
	})
}

func validList(t *sketch.TopK) error { return sketch.CheckDecoded(t, maxCapacity) }
