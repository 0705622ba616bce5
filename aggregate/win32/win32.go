// Package win32 is the dimension of a State that counts IIS
// sc-win32-status values: the Windows error behind a response (0 for
// success, 64 for a connection the client closed, 1236 for one the server
// aborted...). The counts are exact; their meanings are package status's
// (status.Win32Text).
//
// Every State has one (section "win32" of the state file, see
// State.Win32 in package aggregate) and feeds it with [Counts.Count]. Status 0,
// which most IIS lines have, is a plain counter: a map increment per line
// would cost some 60 instructions.
//
// The IIS sub-statuses (sc-substatus) stay in the State's core: they are
// counted per minute as well, for windowed checks of a code.sub.
package win32

import (
	"bytes"
	"cmp"
	"encoding/gob"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/webalyze/webalyze/aggregate/dim"
	"github.com/webalyze/webalyze/aggregate/dim/gobcheck"
)

// Section is the name of the dimension's section of a state file, and
// Version the layout version of that section.
const (
	Section        = "win32"
	Version uint32 = 1
)

// Counts counts records by sc-win32-status. Use [New]; a Counts is used
// by one goroutine at a time.
type Counts struct {
	zero  uint64            // status 0
	other map[uint32]uint64 // the others, all non-zero counts
}

// New returns an empty Counts.
func New() *Counts { return &Counts{other: map[uint32]uint64{}} }

// Section implements dim.Dimension.
func (c *Counts) Section() string { return Section }

// Version implements dim.Dimension.
func (c *Counts) Version() uint32 { return Version }

// New implements dim.Dimension: an empty Counts.
func (c *Counts) New() dim.Dimension { return New() }

// Add implements dim.Dimension: it counts the record's win32 status, when
// it has one.
func (c *Counts) Add(h *dim.Hit) {
	if h.Rec.HasWin32Status {
		c.Count(h.Rec.Win32Status)
	}
}

// Count counts one record of win32 status v.
func (c *Counts) Count(v uint32) {
	if v == 0 {
		c.zero++
		return
	}
	c.other[v]++
}

// Get returns the records of win32 status v.
func (c *Counts) Get(v uint32) uint64 {
	if v == 0 {
		return c.zero
	}
	return c.other[v]
}

// Status is the count of one win32 status.
type Status struct {
	Status uint32
	N      uint64
}

// List returns the statuses seen, in order.
func (c *Counts) List() []Status {
	out := make([]Status, 0, len(c.other)+1)
	if c.zero > 0 {
		out = append(out, Status{0, c.zero})
	}
	for _, v := range slices.Sorted(maps.Keys(c.other)) {
		out = append(out, Status{v, c.other[v]})
	}
	return out
}

// Total returns the records that have a win32 status.
func (c *Counts) Total() uint64 {
	n := c.zero
	for _, k := range c.other {
		n += k
	}
	return n
}

// Merge implements dim.Dimension: it adds o's counts to c's.
func (c *Counts) Merge(o dim.Dimension) error {
	oc, ok := o.(*Counts)
	if !ok {
		return fmt.Errorf("cannot merge %T into win32 statuses", o)
	}
	if oc == c {
		return errors.New("cannot merge win32 statuses into themselves")
	}
	c.zero += oc.zero
	for v, n := range oc.other {
		c.other[v] += n
	}
	return nil
}

// Check implements dim.Dimension: no more records have a win32 status
// than were parsed.
func (c *Counts) Check(parsed uint64) error {
	if n := c.Total(); n > parsed {
		return fmt.Errorf("%d records with a win32 status, %d parsed", n, parsed)
	}
	return nil
}

// wire is the section's encoding.
type wire struct {
	Statuses []Status
}

// MarshalBinary implements dim.Dimension.
func (c *Counts) MarshalBinary() ([]byte, error) { return c.marshal(wire{c.List()}) }

func (c *Counts) marshal(w wire) ([]byte, error) {
	var b bytes.Buffer
	if err := gob.NewEncoder(&b).Encode(w); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// UnmarshalBinary implements dim.Dimension: it restores what
// MarshalBinary wrote into c and validates it.
func (c *Counts) UnmarshalBinary(b []byte) error {
	var w wire
	if err := gob.NewDecoder(gobcheck.NewReader(bytes.NewReader(b))).Decode(&w); err != nil {
		return fmt.Errorf("win32 statuses: %w", err)
	}
	if !slices.IsSortedFunc(w.Statuses, func(a, b Status) int { return cmp.Compare(a.Status, b.Status) }) {
		return errors.New("win32 statuses out of order")
	}
	m := make(map[uint32]uint64, len(w.Statuses))
	for _, s := range w.Statuses {
		m[s.Status] = s.N
	}
	if len(m) != len(w.Statuses) {
		return errors.New("win32 statuses: a status twice")
	}
	return c.Restore(m)
}

// Restore sets c's counts from a map by status, as decoded from a state
// file (this section, or the core of a state file written before it
// existed). A status counted 0 is left out.
func (c *Counts) Restore(m map[uint32]uint64) error {
	nc := Counts{other: make(map[uint32]uint64, len(m))}
	var total uint64
	for v, n := range m {
		if total+n < total {
			return errors.New("win32 statuses: counts overflow")
		}
		total += n
		switch {
		case n == 0:
		case v == 0:
			nc.zero = n
		default:
			nc.other[v] = n
		}
	}
	*c = nc
	return nil
}
