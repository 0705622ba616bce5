package main

import (
	"fmt"
	"time"

	"github.com/webalyze/webalyze/aggregate/visits"
)

// VisitFlags configure the visits (see aggregate/visits).
type VisitFlags struct {
	NoVisits      bool          `help:"Do not count visits: the report has no visits panel (and a --state made so goes on without them)."`
	VisitTimeout  time.Duration `default:"30m" placeholder:"DURATION" help:"Longest gap between two page requests of one visit (same address and user agent), as in Webalizer. States made with different timeouts cannot be merged."`
	VisitCapacity int           `default:"100000" placeholder:"N" help:"Visits held open at most per worker (0: 100000); at it the finished ones are folded into the counts, and if that is not enough the earliest-ending ones are closed early, which the report names as an approximation."`
}

// validate rejects timeouts and capacities no run can use.
func (f *VisitFlags) validate() error {
	switch {
	case f.VisitTimeout < time.Second:
		return usageError(fmt.Errorf("--visit-timeout %v: want at least 1s", f.VisitTimeout))
	case f.VisitCapacity < 0:
		return usageError(fmt.Errorf("--visit-capacity %d: must not be negative", f.VisitCapacity))
	}
	return nil
}

// dimension returns the visits aggregator the flags describe; top is
// the capacity of its entry and exit page lists.
func (f *VisitFlags) dimension(top int) *visits.Visits {
	return visits.New(visits.Options{Timeout: f.VisitTimeout, Capacity: f.VisitCapacity, TopCapacity: top})
}
