package report

import (
	"encoding/json"
	"io"
)

// WriteJSON writes m as indented JSON. Keys come in a stable order
// (struct fields in declaration order, map keys sorted), absent maps are
// written as {} and absent lists as [], so scripts can rely on every key.
func WriteJSON(w io.Writer, m *Model) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(normalized(m))
}

// normalized returns a shallow copy of m whose nil maps and lists are
// empty, and whose Schema is set.
func normalized(m *Model) *Model {
	c := *m
	if c.Schema == 0 {
		c.Schema = Schema
	}
	if c.Period.Zone == "" {
		c.Period.Zone = "UTC"
	}
	for _, p := range []*map[string]int64{&c.MalformedReasons, &c.SkippedReasons, &c.FilteredReasons, &c.Status.Classes, &c.Status.Codes, &c.Status.Subcodes} {
		if *p == nil {
			*p = map[string]int64{}
		}
	}
	if c.Formats == nil {
		c.Formats = map[string]string{}
	}
	if c.Generator.Name == "" {
		c.Generator.Name = "webalyze"
	}
	emptyIfNil(&c.Approximate)
	emptyIfNil(&c.Estimates)
	emptyIfNil(&c.PageExtensions)
	emptyIfNil(&c.SiteHosts)
	emptyIfNil(&c.Classes)
	emptyIfNil(&c.Codes)
	emptyIfNil(&c.SubCodes)
	emptyIfNil(&c.Win32)
	emptyIfNil(&c.Incidents)
	emptyIfNil(&c.Months)
	emptyIfNil(&c.Hourly)
	emptyIfNil(&c.Timeline)
	emptyIfNil(&c.HourOfDay)
	emptyIfNil(&c.Drill)
	emptyIfNil(&c.Latency)
	emptyIfNil(&c.ClientAborted.Codes)
	emptyIfNil(&c.ClientAborted.Series)
	emptyIfNil(&c.Diagnostics.Reasons)
	emptyIfNil(&c.Diagnostics.Samples)
	emptyIfNil(&c.Diagnostics.FileErrors)
	normalizeVisits(&c)
	c.Extras = normalizedExtras(c.Extras)
	for _, l := range []*TopList{&c.TopURLs, &c.TopURLsQuery, &c.Top404, &c.Top5xx, &c.Clients,
		&c.Referrers, &c.Agents, &c.Methods, &c.Protocols, &c.Vhosts, &c.ClientAborted.TopURLs} {
		emptyIfNil(&l.Rows)
	}
	return &c
}

func emptyIfNil[T any](s *[]T) {
	if *s == nil {
		*s = []T{}
	}
}
