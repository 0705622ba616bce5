// Package users counts the remote (authenticated) users of a log: the
// user name the server logged for HTTP authentication (%u in Apache,
// $remote_user in nginx, cs-username in IIS), Webalizer's and AWStats's
// "users" panel, with requests and bytes per user.
//
// A request without a user (an empty field or "-") is anonymous: counted
// in [Users.Anonymous], never listed. Names are kept as logged, case
// included (servers compare them so), cut to MaxNameLen bytes. The list is
// a top list (sketch.TopK, no visitor counts), exact up to its capacity,
// with a stated error beyond.
//
// [Users] is the dimension; its state file section is "users".
package users

import (
	"fmt"

	"github.com/webalyze/webalyze/aggregate/dim"
	"github.com/webalyze/webalyze/aggregate/sketch"
)

// Section and Version name the state file section of [Users].
const (
	Section = "users"
	Version = 1
)

// DefaultCapacity is the exact capacity of the list of users.
const DefaultCapacity = 10_000

// MaxNameLen is the most bytes of a user name kept.
const MaxNameLen = 256

const maxCapacity = 1 << 24

// Count is a number of requests and their response bytes (saturating).
type Count struct {
	Hits, Bytes uint64
}

// Users counts remote users (see the package doc). Create one with
// [New]; the zero value is what a state file section decodes into.
type Users struct {
	// Anonymous counts the requests without a user; NamedBytes the bytes
	// of the others (all of them, listed or not).
	Anonymous  Count
	NamedBytes uint64
	// List counts the others by user: its Total is their number.
	List *sketch.TopK
}

// New returns an empty Users exact up to capacity names
// (DefaultCapacity when 0 or less).
func New(capacity int) *Users {
	if capacity <= 0 {
		capacity = DefaultCapacity
	}
	t := sketch.NewTopK(capacity)
	t.NoVisitors = true
	return &Users{List: t}
}

// Empty returns an aggregator to decode a section into.
func Empty() dim.Dimension { return &Users{} }

func (u *Users) Section() string { return Section }
func (u *Users) Version() uint32 { return Version }

// New returns an empty Users with the same capacity.
func (u *Users) New() dim.Dimension { return New(u.List.Capacity) }

// Add counts one request.
func (u *Users) Add(h *dim.Hit) {
	r := h.Rec
	name := r.User
	if len(name) == 0 || (len(name) == 1 && name[0] == '-') {
		u.Anonymous.Hits++
		u.Anonymous.Bytes = sketch.AddSat(u.Anonymous.Bytes, r.Bytes)
		return
	}
	if len(name) > MaxNameLen {
		name = name[:MaxNameLen]
	}
	u.NamedBytes = sketch.AddSat(u.NamedBytes, r.Bytes)
	u.List.Add(name, r.Bytes, 0)
}

// Merge folds other, a *Users of the same capacity, in.
func (u *Users) Merge(other dim.Dimension) error {
	o, ok := other.(*Users)
	if !ok {
		return fmt.Errorf("%s: cannot merge a %T", Section, other)
	}
	if u.List.Capacity != o.List.Capacity {
		return fmt.Errorf("%s: capacities differ (%d and %d)", Section, u.List.Capacity, o.List.Capacity)
	}
	u.Anonymous.Hits += o.Anonymous.Hits
	u.Anonymous.Bytes = sketch.AddSat(u.Anonymous.Bytes, o.Anonymous.Bytes)
	u.NamedBytes = sketch.AddSat(u.NamedBytes, o.NamedBytes)
	u.List.Merge(o.List)
	return nil
}

// Check verifies that anonymous and named requests add up to the parsed
// ones.
func (u *Users) Check(parsed uint64) error {
	if n := u.Anonymous.Hits + u.List.Total; n != parsed || n < u.Anonymous.Hits {
		return fmt.Errorf("%s: %d anonymous + %d named requests, %d requests parsed", Section, u.Anonymous.Hits, u.List.Total, parsed)
	}
	return checkList(u.List)
}

func checkList(t *sketch.TopK) error {
	if err := t.CheckCounts(); err != nil {
		return fmt.Errorf("%s: %w", Section, err)
	}
	return nil
}

// Canonical puts u in a form for comparison (tests).
func (u *Users) Canonical() { u.List.Canonical() }

type wire struct {
	Anonymous  Count
	NamedBytes uint64
	List       *sketch.TopK
}

// MarshalBinary encodes u (gob).
func (u *Users) MarshalBinary() ([]byte, error) {
	return dim.EncodeGob(wire{u.Anonymous, u.NamedBytes, u.List})
}

// UnmarshalBinary decodes and validates what MarshalBinary wrote.
func (u *Users) UnmarshalBinary(data []byte) error {
	var w wire
	return dim.DecodeGob(Section, data, &w, func() error {
		if err := validList(w.List); err != nil {
			return fmt.Errorf("corrupt %s section: %w", Section, err)
		}
		if w.Anonymous.Hits+w.List.Total < w.Anonymous.Hits {
			return fmt.Errorf("corrupt %s section: counts overflow", Section)
		}
		for i := range w.List.Entries {
			if k := w.List.Entries[i].Key; k == "" || k == "-" || len(k) > MaxNameLen {
				return fmt.Errorf("corrupt %s section: user name %q", Section, k)
			}
		}
		w.List.NoVisitors = true
		*u = Users{Anonymous: w.Anonymous, NamedBytes: w.NamedBytes, List: w.List}
		return nil
	})
}

func validList(t *sketch.TopK) error { return sketch.CheckDecoded(t, maxCapacity) }
