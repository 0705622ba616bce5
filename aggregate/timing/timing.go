// Package timing is the response-time dimension of a State: the
// distribution of request times of the records that have one, overall,
// per status class and per status code, and that of upstream (backend)
// times. Each is a [sketch.Latency]: Count, Sum, Min and Max exact,
// quantiles within [sketch.LatencyAccuracy].
//
// Every State has one (section "latency" of the state file, see
// State.Times in package aggregate): the State feeds it with [Times.AddTimed],
// handing over the request time's sketch bucket it computed once for this
// and for the per-URL sketch of its URL list. Fed as a plain dimension
// ([Times.Add], from a [dim.Hit]), it computes the bucket itself.
//
// Merging adds bucket counts: exact, associative and commutative.
package timing

import (
	"bytes"
	"encoding/gob"
	"errors"
	"fmt"

	"github.com/webalyze/webalyze/aggregate/dim"
	"github.com/webalyze/webalyze/aggregate/dim/gobcheck"
	"github.com/webalyze/webalyze/aggregate/sketch"
	"github.com/webalyze/webalyze/aggregate/status"
	"github.com/webalyze/webalyze/parser"
)

// Section is the name of the dimension's section of a state file, and
// Version the layout version of that section.
const (
	Section        = "latency"
	Version uint32 = 1
)

// Times is the response-time aggregator. Use [New]; a Times is used by
// one goroutine at a time.
type Times struct {
	// All is the distribution of request times (records with a duration,
	// in microseconds); Class and Code split it by status class (see
	// status.ClassIndex) and code, for records with a status. Upstream is
	// that of upstream times (records with one).
	All      sketch.Latency
	Class    [status.NumClasses]sketch.Latency
	Code     map[uint16]*sketch.Latency
	Upstream sketch.Latency

	code [1000]*sketch.Latency  // Code by index: no map lookup per record
	idx  *sketch.LatencyIndexes // bucket cache of Add, made on first use
}

// New returns an empty Times.
func New() *Times { return &Times{Code: map[uint16]*sketch.Latency{}} }

// Section implements dim.Dimension.
func (t *Times) Section() string { return Section }

// Version implements dim.Dimension.
func (t *Times) Version() uint32 { return Version }

// New implements dim.Dimension: an empty Times.
func (t *Times) New() dim.Dimension { return New() }

// Add implements dim.Dimension. It computes the request time's bucket
// itself; the State, which has it already, calls AddTimed.
func (t *Times) Add(h *dim.Hit) {
	rec := h.Rec
	var lat int64
	var idx int32
	if rec.HasDuration {
		if t.idx == nil {
			t.idx = new(sketch.LatencyIndexes)
		}
		lat = max(rec.Duration, 0)
		idx = t.idx.Index(lat)
	}
	t.AddTimed(rec, lat, idx, h.Code, h.HasCode)
}

// AddTimed counts rec's request time and upstream time. When
// rec.HasDuration, lat is rec.Duration clamped at 0 and idx its bucket
// (sketch.LatencyIndexes.Index); code is rec's status when hasCode (a
// status below 1000).
func (t *Times) AddTimed(rec *parser.Record, lat int64, idx int32, code uint16, hasCode bool) {
	if rec.HasDuration {
		t.All.AddIndex(lat, idx)
		if hasCode {
			t.Class[status.ClassIndex(code)].AddIndex(lat, idx)
			l := t.code[code]
			if l == nil {
				l = &sketch.Latency{}
				t.code[code] = l
				t.Code[code] = l
			}
			l.AddIndex(lat, idx)
		}
	}
	if rec.HasUpstream {
		t.Upstream.Add(rec.Upstream)
	}
}

// Merge implements dim.Dimension: it adds o's distributions to t's.
func (t *Times) Merge(o dim.Dimension) error {
	ot, ok := o.(*Times)
	if !ok {
		return fmt.Errorf("cannot merge %T into response times", o)
	}
	if ot == t {
		return errors.New("cannot merge response times into themselves")
	}
	t.All.Merge(&ot.All)
	for i := range t.Class {
		t.Class[i].Merge(&ot.Class[i])
	}
	for code, ol := range ot.Code {
		if code >= 1000 {
			continue
		}
		l := t.code[code]
		if l == nil {
			l = &sketch.Latency{}
			t.code[code] = l
			t.Code[code] = l
		}
		l.Merge(ol)
	}
	t.Upstream.Merge(&ot.Upstream)
	return nil
}

// Check implements dim.Dimension: no distribution counts more records
// than were parsed, and the classes count what the codes do.
func (t *Times) Check(parsed uint64) error {
	if t.All.Count > parsed || t.Upstream.Count > parsed {
		return fmt.Errorf("%d request times and %d upstream times for %d parsed records", t.All.Count, t.Upstream.Count, parsed)
	}
	var classes, codes uint64
	for i := range t.Class {
		classes += t.Class[i].Count
	}
	for _, l := range t.Code {
		codes += l.Count
	}
	if classes != codes || classes > t.All.Count {
		return fmt.Errorf("request times: classes count %d, codes %d, all %d", classes, codes, t.All.Count)
	}
	return nil
}

// wire is the section's encoding.
type wire struct {
	All      sketch.Latency
	Class    [status.NumClasses]sketch.Latency
	Code     map[uint16]*sketch.Latency
	Upstream sketch.Latency
}

// MarshalBinary implements dim.Dimension.
func (t *Times) MarshalBinary() ([]byte, error) {
	var b bytes.Buffer
	w := wire{All: t.All, Class: t.Class, Code: t.Code, Upstream: t.Upstream}
	if err := gob.NewEncoder(&b).Encode(&w); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// UnmarshalBinary implements dim.Dimension: it restores what
// MarshalBinary wrote into t and validates it.
func (t *Times) UnmarshalBinary(b []byte) error {
	var w wire
	if err := gob.NewDecoder(gobcheck.NewReader(bytes.NewReader(b))).Decode(&w); err != nil {
		return fmt.Errorf("response times: %w", err)
	}
	return t.Restore(w.All, w.Class, w.Code, w.Upstream)
}

// Restore sets t's distributions, as decoded from a state file (this
// section, or the core of a state file written before it existed), and
// validates them.
func (t *Times) Restore(all sketch.Latency, class [status.NumClasses]sketch.Latency, code map[uint16]*sketch.Latency, upstream sketch.Latency) error {
	nt := Times{All: all, Class: class, Code: code, Upstream: upstream}
	if nt.Code == nil {
		nt.Code = map[uint16]*sketch.Latency{}
	}
	lats := []*sketch.Latency{&nt.All, &nt.Upstream}
	for i := range nt.Class {
		lats = append(lats, &nt.Class[i])
	}
	for c, l := range nt.Code {
		if c >= 1000 || l == nil {
			return fmt.Errorf("latency of code %d is incomplete", c)
		}
		lats = append(lats, l)
		nt.code[c] = l
	}
	for _, l := range lats {
		if err := l.Check(); err != nil {
			return err
		}
	}
	*t = nt
	return nil
}
