package aggregate

import (
	"github.com/webalyze/webalyze/aggregate/dim"
	"github.com/webalyze/webalyze/aggregate/visits"
)

// The visits section (see sections); its settings come from the file.
func init() {
	sections[visits.Section] = func() dim.Dimension { return visits.New(visits.Options{}) }
}
