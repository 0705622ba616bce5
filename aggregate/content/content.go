package content

import (
	"fmt"

	"github.com/webalyze/webalyze/aggregate/dim"
	"github.com/webalyze/webalyze/aggregate/sketch"
)

// Section and Version name the state file section of [Content].
const (
	Section = "content"
	Version = 1
)

// DefaultCapacity is the exact capacity of the list of extensions.
const DefaultCapacity = 1000

// MaxExtLen is the most bytes of an extension kept.
const MaxExtLen = 16

// NoExt is the key of paths without an extension.
const NoExt = "(none)"

const maxCapacity = 1 << 24

// Count is a number of requests and their response bytes (saturating).
type Count struct {
	Hits, Bytes uint64
}

func (c *Count) add(n uint64) {
	c.Hits++
	c.Bytes = sketch.AddSat(c.Bytes, n)
}

func (c *Count) merge(o Count) {
	c.Hits += o.Hits
	c.Bytes = sketch.AddSat(c.Bytes, o.Bytes)
}

// Content counts pages, static files and extensions (see the package
// doc). Create one with [New]; the zero value is what a state file
// section decodes into.
type Content struct {
	Pages, Static Count
	// Types counts every request by extension: its Total is the number
	// of requests.
	Types *sketch.TopK

	scratch [MaxExtLen]byte
}

// New returns an empty Content whose extension list is exact up to
// capacity types (DefaultCapacity when 0 or less).
func New(capacity int) *Content {
	if capacity <= 0 {
		capacity = DefaultCapacity
	}
	t := sketch.NewTopK(capacity)
	t.NoVisitors = true
	return &Content{Types: t}
}

// Empty returns an aggregator to decode a section into.
func Empty() dim.Dimension { return &Content{} }

func (c *Content) Section() string { return Section }
func (c *Content) Version() uint32 { return Version }

// New returns an empty Content with the same capacity.
func (c *Content) New() dim.Dimension { return New(c.Types.Capacity) }

var noExt = []byte(NoExt)

// Ext returns the extension of path, lower case and cut to MaxExtLen
// bytes, in buf; nil when the last segment has no dot or ends with one.
func Ext(buf *[MaxExtLen]byte, path []byte) []byte {
	i := len(path) - 1
	for ; i >= 0; i-- {
		if c := path[i]; c == '.' {
			break
		} else if c == '/' {
			return nil
		}
	}
	if i < 0 {
		return nil
	}
	return lowerExt(buf, path[i+1:])
}

// lowerExt returns ext lower case and cut to MaxExtLen bytes, in buf; nil
// when ext is empty.
func lowerExt(buf *[MaxExtLen]byte, ext []byte) []byte {
	if len(ext) == 0 {
		return nil
	}
	if len(ext) > MaxExtLen {
		ext = ext[:MaxExtLen]
	}
	for j, c := range ext {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[j] = c
	}
	return buf[:len(ext)]
}

// Add counts one request.
func (c *Content) Add(h *dim.Hit) {
	r := h.Rec
	if h.Page {
		c.Pages.add(r.Bytes)
	} else {
		c.Static.add(r.Bytes)
	}
	var ext []byte
	if h.Derived {
		ext = lowerExt(&c.scratch, h.Ext)
	} else {
		ext = Ext(&c.scratch, r.Path)
	}
	if ext == nil {
		ext = noExt
	}
	c.Types.Add(ext, r.Bytes, 0)
}

// Merge folds other, a *Content of the same capacity, in.
func (c *Content) Merge(other dim.Dimension) error {
	o, ok := other.(*Content)
	if !ok {
		return fmt.Errorf("%s: cannot merge a %T", Section, other)
	}
	if c.Types.Capacity != o.Types.Capacity {
		return fmt.Errorf("%s: capacities differ (%d and %d)", Section, c.Types.Capacity, o.Types.Capacity)
	}
	c.Pages.merge(o.Pages)
	c.Static.merge(o.Static)
	c.Types.Merge(o.Types)
	return nil
}

// Check verifies that pages and static files, and the extension list,
// each count every parsed request once.
func (c *Content) Check(parsed uint64) error {
	if n := c.Pages.Hits + c.Static.Hits; n != parsed || n < c.Pages.Hits {
		return fmt.Errorf("%s: %d pages + %d static requests, %d requests parsed", Section, c.Pages.Hits, c.Static.Hits, parsed)
	}
	if c.Types.Total != parsed {
		return fmt.Errorf("%s: content types count %d requests, %d parsed", Section, c.Types.Total, parsed)
	}
	return checkList(c.Types)
}

func checkList(t *sketch.TopK) error {
	if err := t.CheckCounts(); err != nil {
		return fmt.Errorf("%s: %w", Section, err)
	}
	return nil
}

// Canonical puts c in a form for comparison (tests).
func (c *Content) Canonical() { c.Types.Canonical() }

type wire struct {
	Pages, Static Count
	Types         *sketch.TopK
}

// MarshalBinary encodes c (gob).
func (c *Content) MarshalBinary() ([]byte, error) {
	return dim.EncodeGob(wire{c.Pages, c.Static, c.Types})
}

// UnmarshalBinary decodes and validates what MarshalBinary wrote.
func (c *Content) UnmarshalBinary(data []byte) error {
	var w wire
	return dim.DecodeGob(Section, data, &w, func() error {
		if err := validList(w.Types); err != nil {
			return fmt.Errorf("corrupt %s section: %w", Section, err)
		}
		if w.Pages.Hits+w.Static.Hits != w.Types.Total || w.Pages.Hits+w.Static.Hits < w.Pages.Hits {
			return fmt.Errorf("corrupt %s section: %d pages + %d static requests, %d typed", Section, w.Pages.Hits, w.Static.Hits, w.Types.Total)
		}
		for i := range w.Types.Entries {
			if k := w.Types.Entries[i].Key; len(k) > MaxExtLen && k != NoExt {
				return fmt.Errorf("corrupt %s section: extension of %d bytes", Section, len(k))
			}
		}
		w.Types.NoVisitors = true
		*c = Content{Pages: w.Pages, Static: w.Static, Types: w.Types}
		return nil
	})
}

func validList(t *sketch.TopK) error { return sketch.CheckDecoded(t, maxCapacity) }
