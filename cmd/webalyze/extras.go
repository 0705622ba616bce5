package main

import (
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
// the status by virtual host.
func extraDimensions(sites []string) []dim.Dimension {
	return []dim.Dimension{refsites.New(0, sites), search.New(0), content.New(0), users.New(0), vhosts.New(0)}
}
