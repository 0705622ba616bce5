package aggregate

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/webalyze/webalyze/aggregate/agents"
	"github.com/webalyze/webalyze/aggregate/content"
	"github.com/webalyze/webalyze/aggregate/dim"
	"github.com/webalyze/webalyze/aggregate/geo"
	"github.com/webalyze/webalyze/aggregate/refsites"
	"github.com/webalyze/webalyze/aggregate/search"
	"github.com/webalyze/webalyze/aggregate/users"
	"github.com/webalyze/webalyze/aggregate/vhosts"
	"github.com/webalyze/webalyze/aggregate/visits"
	"github.com/webalyze/webalyze/parser"
)

// sections are the dimensions a state file may hold, by section name: an
// empty aggregator for each, which [Decode] restores a section into. A
// dimension package adds its line here.
var sections = map[string]func() dim.Dimension{
	agents.Section:   agents.Empty,
	content.Section:  content.Empty,
	refsites.Section: refsites.Empty,
	search.Section:   search.Empty,
	users.Section:    users.Empty,
	vhosts.Section:   vhosts.Empty,
	geo.Section:      geo.NewEmpty,
}

// section is one dimension's part of a state file.
type section struct {
	Name    string
	Version uint32
	Data    []byte
}

// Dimension returns the State's aggregator of the named section ("agents",
// "geo", "visits"...), or nil when the State has none. A dimension that
// counts in batches (dim.Flusher) has counted every record when returned.
func (s *State) Dimension(name string) dim.Dimension {
	for _, d := range s.dims {
		if d.Section() == name {
			if f, ok := d.(dim.Flusher); ok {
				f.Flush()
			}
			return d
		}
	}
	return nil
}

// DimensionNames returns the sections of the State's dimensions, in order:
// the core's own ("latency", "win32") first, then those of
// Options.Dimensions.
func (s *State) DimensionNames() []string { return sectionNames(s.dims) }

func sectionNames(dims []dim.Dimension) []string {
	names := make([]string, len(dims))
	for i, d := range dims {
		names[i] = d.Section()
	}
	return names
}

// newDims gives s an empty aggregator for each prototype, and its filter.
func (s *State) newDims(protos []dim.Dimension, filter dim.Filter) {
	s.newCoreDims()
	for _, p := range protos {
		if s.Dimension(p.Section()) != nil {
			panic(fmt.Sprintf("aggregate: dimension %q given twice", p.Section()))
		}
		d := p.New()
		s.dims = append(s.dims, d)
		s.ext = append(s.ext, d)
	}
	s.wireExt()
	if filter != nil {
		s.filter = filter.New()
	}
}

// addDims hands one record, with the keys Add computed, to every
// dimension of Options.Dimensions (Add feeds the core's own directly).
// The Hit lives in the State so that passing it to an interface method
// does not allocate.
func (s *State) addDims(rec *parser.Record, client, path, agent, identity, visitor uint64, day int64, code uint16, hasCode, page, seen, external bool,
	refHost, ext []byte, vhost uint64, agentKey string) {
	h := &s.hit
	*h = dim.Hit{Rec: rec, Client: client, Path: path, Agent: agent, Identity: identity, Visitor: visitor,
		Day: day, Code: code, HasCode: hasCode, Page: page, SeenVisitor: seen, RefFromList: external && s.search != nil,
		Derived: true, RefHost: refHost, Ext: ext, VHost: vhost, AgentKey: agentKey}
	for _, d := range s.fed {
		d.Add(h)
	}
	if v := s.visits; v != nil && v.Take(h) {
		p, ph := visits.PagePath(rec.Path, path)
		s.route(shardOp{list: shardVisits, h: identity, time: rec.Time, day: day, pathHash: ph}, p)
	}
	h.Rec, h.RefHost, h.Ext, h.AgentKey = nil, nil, nil, "" // keep nothing of the record
}

// wireExt sets what addDims feeds from s.ext: the visits dimension, whose
// page requests go through route (sharded by identity among a run's
// workers, and batched), the countries, the referring sites and the
// search phrases, counted where the client and referrer lists count the
// record (by the worker that owns the key, from its entry or memo: see
// geo.Aggregator.AddClient, refsites.Sites.AddReferrer and
// search.Search.AddReferrer), and the others, handed each Hit (search
// too, for its site-search terms).
func (s *State) wireExt() {
	s.visits, s.geo, s.refsites, s.search, s.fed = nil, nil, nil, nil, nil
	// Only refsites and search read dim.Hit.RefHost: the sites when they
	// are handed every Hit, search for referrers it does not take from
	// the referrer list (those that are not external: the rule worked
	// out their host, see State.Add).
	s.refHostFed = false
	for _, d := range s.ext {
		switch d := d.(type) {
		case *visits.Visits:
			s.visits = d
		case *geo.Aggregator:
			if headroomNoLists { // no client list to count by
				s.fed = append(s.fed, d)
			} else {
				s.geo = d
			}
		case *refsites.Sites:
			// Only when the sites count the referrers the State's list
			// counts: the same site hosts left out.
			if headroomNoLists || !d.SameSites(s.Settings.SiteHosts) {
				s.fed = append(s.fed, d)
				s.refHostFed = true
			} else {
				s.refsites = d
			}
		case *search.Search:
			// Handed every Hit (the site-search terms, and the phrases of
			// referrers the referrer list does not count), and the
			// referrers that list counts from it.
			s.fed = append(s.fed, d)
			if !headroomNoLists {
				s.search = d
			} else {
				s.refHostFed = true
			}
		default:
			s.fed = append(s.fed, d)
		}
	}
}

// excluded reports whether the State's filter leaves rec out, counting it
// as filtered with the filter's reason when it does.
func (s *State) excluded(rec *parser.Record) bool {
	reason, out := s.filter.Exclude(rec)
	if !out {
		return false
	}
	s.AddFilteredReason(reason, 1)
	return true
}

// AddFilteredReason counts n lines left out by a filter, for reason.
func (s *State) AddFilteredReason(reason string, n uint64) {
	s.Lines.Read += n
	s.Lines.Filtered += n
	if s.FilteredReasons == nil {
		s.FilteredReasons = map[string]uint64{}
	}
	s.FilteredReasons[reason] += n
}

// mergeDims merges o's dimensions into s's. Both must have the same
// sections: a state without one did not count what it holds. (Every State
// has the core's own.) sharded: s and o are workers of one run, whose
// visits hold disjoint identities.
func (s *State) mergeDims(o *State, sharded bool) error {
	if a, b := sectionNames(s.ext), sectionNames(o.ext); !slices.Equal(sortedNames(a), sortedNames(b)) {
		return fmt.Errorf("cannot merge states made with different dimensions (%s and %s): a state keeps the options it was made with (--geoip-db...)", describeNames(a), describeNames(b))
	}
	for _, od := range o.dims {
		d := s.Dimension(od.Section())
		merge := d.Merge
		if v, ok := d.(*visits.Visits); ok && sharded {
			merge = v.MergeDisjoint
		}
		if err := merge(od); err != nil {
			return fmt.Errorf("%s: %w", od.Section(), err)
		}
	}
	for r, n := range o.FilteredReasons {
		if s.FilteredReasons == nil {
			s.FilteredReasons = map[string]uint64{}
		}
		s.FilteredReasons[r] += n
	}
	return nil
}

func sortedNames(names []string) []string {
	names = slices.Clone(names)
	slices.Sort(names)
	return names
}

func describeNames(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return fmt.Sprintf("%q", sortedNames(names))
}

// checkDims verifies every dimension's invariants, and that the filter
// reasons are part of the filtered lines.
func (s *State) checkDims() error {
	var filtered uint64
	for _, n := range s.FilteredReasons {
		filtered += n
	}
	if filtered > s.Lines.Filtered {
		return fmt.Errorf("filter reasons sum to %d, more than the %d lines filtered", filtered, s.Lines.Filtered)
	}
	for _, d := range s.dims {
		if err := d.Check(s.Lines.Parsed); err != nil {
			return fmt.Errorf("%s: %w", d.Section(), err)
		}
	}
	return nil
}

// encodeSections returns the dimensions' sections, sorted by name.
func (s *State) encodeSections() ([]section, error) {
	out := make([]section, 0, len(s.dims))
	for _, d := range s.dims {
		data, err := d.MarshalBinary()
		if err != nil {
			return nil, fmt.Errorf("encoding the %s section: %w", d.Section(), err)
		}
		out = append(out, section{Name: d.Section(), Version: d.Version(), Data: data})
	}
	slices.SortFunc(out, func(a, b section) int { return cmp.Compare(a.Name, b.Name) })
	return out, nil
}

// decodeSections restores the dimensions of a decoded State.
func (s *State) decodeSections(secs []section) error {
	s.dims = nil
	for _, sec := range secs {
		empty, ok := sections[sec.Name]
		if !ok {
			return fmt.Errorf("state file has a %q section, which this webalyze does not know (written by a newer version?)", sec.Name)
		}
		d := empty()
		if d.Version() != sec.Version {
			return fmt.Errorf("state file's %q section has version %d, this webalyze reads version %d: rebuild it from the logs", sec.Name, sec.Version, d.Version())
		}
		if s.Dimension(sec.Name) != nil {
			return fmt.Errorf("corrupt state file: two %q sections", sec.Name)
		}
		if err := d.UnmarshalBinary(sec.Data); err != nil {
			return fmt.Errorf("corrupt state file: %s section: %w", sec.Name, err)
		}
		s.dims = append(s.dims, d)
	}
	return nil
}
