package main

import (
	"github.com/webalyze/webalyze/aggregate"
	"github.com/webalyze/webalyze/aggregate/content"
	"github.com/webalyze/webalyze/aggregate/dim"
	"github.com/webalyze/webalyze/aggregate/refsites"
	"github.com/webalyze/webalyze/aggregate/search"
	"github.com/webalyze/webalyze/aggregate/users"
	"github.com/webalyze/webalyze/aggregate/vhosts"
)

// extraDimensions are the dimensions every run counts, at their default
// capacities: referring sites (leaving out sites, the --site hosts), site
// search and search phrases, pages and content types, remote users, and
// the status by virtual host. A run that goes on from a state (prev, nil
// for none) counts those the state has: a state begun by a webalyze that
// did not count them goes on without them, rather than be refused.
func extraDimensions(sites []string, prev *aggregate.State) []dim.Dimension {
	all := []dim.Dimension{refsites.New(0, sites), search.New(0), content.New(0), users.New(0), vhosts.New(0)}
	var out []dim.Dimension
	for _, d := range all {
		if goesOn(prev, d.Section()) {
			out = append(out, d)
		}
	}
	return out
}

// goesOn reports whether a run that goes on from prev (nil for none)
// counts the dimension of section: a state begun by a webalyze that did
// not count it goes on without it, rather than be refused.
func goesOn(prev *aggregate.State, section string) bool {
	return prev == nil || prev.Dimension(section) != nil
}
