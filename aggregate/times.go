package aggregate

import (
	"bytes"
	"encoding/gob"
	"fmt"

	"github.com/webalyze/webalyze/aggregate/dim"
	"github.com/webalyze/webalyze/aggregate/sketch"
	"github.com/webalyze/webalyze/aggregate/status"
	"github.com/webalyze/webalyze/aggregate/timing"
)

// The core's own dimensions: every State has them, whatever its Options,
// and Add feeds them with direct calls. Today that is the response times
// (package timing).

func init() {
	sections[timing.Section] = func() dim.Dimension { return timing.New() }
}

// Times returns the State's response times: the distributions of request
// and upstream times, overall, per class and per code (section "latency").
// The per-URL request times are in the URL list ([State.URLs]).
func (s *State) Times() *timing.Times { return s.times }

// newCoreDims gives a new State the core's dimensions, first in dims.
func (s *State) newCoreDims() {
	s.times = timing.New()
	s.dims = []dim.Dimension{s.times}
}

// attachCore finds the core's dimensions among those decodeSections
// restored, and puts them first. legacy are the response times of a file
// whose core held them (schema versions 2 and 3), nil for a newer one.
func (s *State) attachCore(legacy *timing.Times) error {
	s.times, s.ext = nil, nil
	for _, d := range s.dims {
		if t, ok := d.(*timing.Times); ok {
			s.times = t
		} else {
			s.ext = append(s.ext, d)
		}
	}
	switch {
	case legacy != nil && s.times != nil:
		return fmt.Errorf("corrupt state file: a %q section in a file of a version without it", timing.Section)
	case legacy != nil:
		s.times = legacy
	case s.times == nil:
		return fmt.Errorf("corrupt state file: no %q section", timing.Section)
	}
	s.dims = append([]dim.Dimension{s.times}, s.ext...)
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
}

// decodeLegacy reads the dimensions' part of a version 2 or 3 core State,
// the gob stream that starts raw.
func decodeLegacy(raw []byte) (*timing.Times, error) {
	var l legacyCore
	if err := gob.NewDecoder(bytes.NewReader(raw)).Decode(&l); err != nil {
		return nil, err
	}
	t := timing.New()
	if err := t.Restore(l.Latency, l.ClassLatency, l.CodeLatency, l.Upstream); err != nil {
		return nil, fmt.Errorf("response times: %w", err)
	}
	return t, nil
}
