package aggregate

import (
	"bytes"
	"encoding/gob"
	"fmt"

	"github.com/webalyze/webalyze/aggregate/dim"
	"github.com/webalyze/webalyze/aggregate/dim/gobcheck"
	"github.com/webalyze/webalyze/aggregate/sketch"
	"github.com/webalyze/webalyze/aggregate/status"
	"github.com/webalyze/webalyze/aggregate/timing"
	"github.com/webalyze/webalyze/aggregate/win32"
)

// The core's own dimensions: every State has them, whatever its Options,
// and Add feeds them with direct calls, with what it computed once
// (the request time's sketch bucket). They come first in State.dims.

func init() {
	sections[timing.Section] = func() dim.Dimension { return timing.New() }
	sections[win32.Section] = func() dim.Dimension { return win32.New() }
}

// Times returns the State's response times: the distributions of request
// and upstream times, overall, per class and per code (section "latency").
// The per-URL request times are in the URL list ([State.URLs]).
func (s *State) Times() *timing.Times { return s.times }

// Win32 returns the State's counts of IIS sc-win32-status values (section
// "win32").
func (s *State) Win32() *win32.Counts { return s.win32 }

// newCoreDims gives a new State the core's dimensions.
func (s *State) newCoreDims() {
	s.times, s.win32 = timing.New(), win32.New()
	s.dims = []dim.Dimension{s.times, s.win32}
}

// attachCore finds the core's dimensions among those decodeSections
// restored, and puts them first. legacy are those of a file whose core
// held them (schema versions 2 and 3), nil for a newer one.
func (s *State) attachCore(legacy *legacyDims) error {
	s.times, s.win32, s.ext = nil, nil, nil
	for _, d := range s.dims {
		switch d := d.(type) {
		case *timing.Times:
			s.times = d
		case *win32.Counts:
			s.win32 = d
		default:
			s.ext = append(s.ext, d)
		}
	}
	if legacy != nil {
		if s.times != nil || s.win32 != nil {
			return fmt.Errorf("corrupt state file: a %q or %q section in a file of a version without them", timing.Section, win32.Section)
		}
		s.times, s.win32 = legacy.times, legacy.win32
	}
	if s.times == nil {
		return fmt.Errorf("corrupt state file: no %q section", timing.Section)
	}
	if s.win32 == nil {
		return fmt.Errorf("corrupt state file: no %q section", win32.Section)
	}
	s.dims = append([]dim.Dimension{s.times, s.win32}, s.ext...)
	s.wireExt()
	return nil
}

// legacyCore are the fields of the core State, in schema versions 2 and
// 3, that are dimensions now: gob matches fields by name, so decoding the
// core State's gob value into it reads them alone. Requests, which every
// core has, is there because gob refuses a value with no field in common.
type legacyCore struct {
	Requests     uint64
	Latency      sketch.Latency
	ClassLatency [status.NumClasses]sketch.Latency
	CodeLatency  map[uint16]*sketch.Latency
	Upstream     sketch.Latency
	Win32        map[uint32]uint64
}

// legacyDims are the core's dimensions as read from a version 2 or 3 file.
type legacyDims struct {
	times *timing.Times
	win32 *win32.Counts
}

// decodeLegacy reads the dimensions' part of a version 2 or 3 core State,
// the gob stream that starts raw.
func decodeLegacy(raw []byte) (*legacyDims, error) {
	var l legacyCore
	if err := gob.NewDecoder(gobcheck.NewReader(bytes.NewReader(raw))).Decode(&l); err != nil {
		return nil, err
	}
	d := &legacyDims{times: timing.New(), win32: win32.New()}
	if err := d.times.Restore(l.Latency, l.ClassLatency, l.CodeLatency, l.Upstream); err != nil {
		return nil, fmt.Errorf("response times: %w", err)
	}
	if err := d.win32.Restore(l.Win32); err != nil {
		return nil, err
	}
	return d, nil
}
