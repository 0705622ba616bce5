package aggregate

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"

	"github.com/webalyze/webalyze/aggregate/sketch"
)

// Merge folds o into s; o is not changed (apart from internal indexes) and
// shares no memory with s afterwards. The result does not depend on the
// order in which States are merged, except for the order of FileErrors
// (appended) and, for top lists that overflowed their capacity, within
// their stated error bounds. States built with different locations or page
// extensions count different things and are refused; capacities may
// differ, s's are kept. Marks are not merged: they describe where one
// incremental series stopped reading, and s keeps its own.
func (s *State) Merge(o *State) error { return s.merge(o, false) }

// mergeShard folds the State of another worker of the same sharded Run
// into s: the sharded lists hold disjoint keys (see shard.go). o's sharded
// lists are taken over and emptied: o must not be used afterwards.
func (s *State) mergeShard(o *State) error { return s.merge(o, true) }

func (s *State) merge(o *State, sharded bool) error {
	if s == o {
		return errors.New("cannot merge a State into itself")
	}
	if s.Settings.Zone != o.Settings.Zone {
		return fmt.Errorf("cannot merge states of different time zones (%s and %s)", s.Settings.Zone, o.Settings.Zone)
	}
	if !slices.Equal(s.Settings.PageExtensions, o.Settings.PageExtensions) {
		return fmt.Errorf("cannot merge states with different page extensions (%q and %q)", s.Settings.PageExtensions, o.Settings.PageExtensions)
	}
	if err := s.mergeDims(o, sharded); err != nil {
		return err
	}
	s.Lines.Read += o.Lines.Read
	s.Lines.Parsed += o.Lines.Parsed
	s.Lines.Malformed += o.Lines.Malformed
	s.Lines.Skipped += o.Lines.Skipped
	s.Lines.Filtered += o.Lines.Filtered
	for r, n := range o.MalformedReasons {
		s.MalformedReasons[r] += n
	}
	for r, n := range o.SkippedReasons {
		s.SkippedReasons[r] += n
	}
	for r, list := range o.Samples {
		for _, x := range list {
			s.addSample(r, x)
		}
	}
	s.FileErrors = append(s.FileErrors, o.FileErrors...)
	s.addEarlier(o.EarlierErrors)
	for f, name := range o.Formats {
		if old, ok := s.Formats[f]; !ok || name < old {
			s.Formats[f] = name // a file read twice with two formats: keep one, whatever the order
		}
	}

	s.Requests += o.Requests
	s.addBytes(&s.Bytes, o.Bytes)
	s.BytesSaturated = s.BytesSaturated || o.BytesSaturated
	s.Pages += o.Pages
	s.Files += o.Files
	s.NoBytes += o.NoBytes
	for c := range s.Codes {
		s.Codes[c] += o.Codes[c]
		s.addBytes(&s.CodeBytes[c], o.CodeBytes[c])
	}
	s.NoStatus += o.NoStatus
	for k, n := range o.SubCodes {
		s.SubCodes[k] += n
	}

	s.mergeSubUntimed(o)
	if o.Requests > o.Undated {
		if s.Requests-o.Requests == s.Undated || o.Earliest < s.Earliest {
			s.Earliest = o.Earliest
		}
		if s.Requests-o.Requests == s.Undated || o.Latest > s.Latest {
			s.Latest = o.Latest
		}
	}
	s.Undated += o.Undated

	// The rest are the bulk of a merge, in parts that touch disjoint
	// memory: the top lists, the minutes, each day's visitors, the
	// distinct clients. They run concurrently, the big ones first (the
	// lists, of which the URLs are the longest part, then the days and
	// the minutes).
	list := func(dst, src *sketch.TopK, disjoint bool) func() {
		if disjoint {
			return func() { dst.MergeDisjoint(src) }
		}
		return func() { dst.Merge(src) }
	}
	parts := []func(){list(s.URLs, o.URLs, sharded), list(s.Clients, o.Clients, sharded),
		func() { s.mergeMinutes(o, sharded) }, list(s.URLsQuery, o.URLsQuery, sharded), list(s.Referrers, o.Referrers, sharded)}
	for day, od := range o.Visitors {
		d := s.Visitors[day]
		if d == nil {
			d = sketch.NewDistinct(s.Settings.DistinctCapacity)
			s.Visitors[day] = d
		}
		parts = append(parts, func() { d.Merge(od) })
	}
	parts = append(parts, func() { s.ClientAddrs.Merge(o.ClientAddrs) }, func() { s.UndatedVisitors.Merge(o.UndatedVisitors) },
		list(s.Agents, o.Agents, false), list(s.Methods, o.Methods, false),
		list(s.Protocols, o.Protocols, false), list(s.VHosts, o.VHosts, false))
	for code, od := range o.Drills {
		if code >= 1000 {
			continue
		}
		d := s.drillFor(code)
		parts = append(parts, list(d.URLs, od.URLs, false), list(d.Clients, od.Clients, false))
	}
	runConcurrently(parts)
	return nil
}

// mergeMinutes adds o's minute buckets to s's. With take, o is another
// worker's State that is dropped after the merge: a minute s lacks gets
// o's bucket itself. Each worker reads about half of a log's minutes (a
// chunk goes to whichever worker is free, so about in turn; a 512 KiB
// chunk of a month of 5M combined lines spans some 20 minutes), so most
// of o's buckets are new to s: taking them instead of copying them is
// most of the merge's saving.
func (s *State) mergeMinutes(o *State, take bool) {
	for minute, om := range o.Minutes {
		m := s.Minutes[minute]
		if m == nil && take {
			s.Minutes[minute] = om
			continue
		}
		if m == nil {
			m = &MinuteBucket{}
			s.Minutes[minute] = m
		}
		m.Requests += om.Requests
		m.Pages += om.Pages
		s.addBytes(&m.Bytes, om.Bytes)
		for _, c := range om.Codes {
			m.addCode(c.Code, c.N)
		}
		for _, c := range om.SubCodes {
			m.addSub(c.Code, c.Sub, c.N)
		}
	}
}

// runConcurrently runs the parts, in their order, on up to GOMAXPROCS
// goroutines, and returns when all are done. Each part must touch memory
// no other part does.
func runConcurrently(parts []func()) {
	work := make(chan func(), len(parts))
	for _, p := range parts {
		work <- p
	}
	close(work)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(parts)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range work {
				p()
			}
		}()
	}
	wg.Wait()
}
