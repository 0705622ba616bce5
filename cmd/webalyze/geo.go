package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/webalyze/webalyze/aggregate/dim"
	"github.com/webalyze/webalyze/aggregate/geo"
	"github.com/webalyze/webalyze/report"
)

// GeoFlags select the GeoIP databases of a run.
type GeoFlags struct {
	GeoIPDB []string `name:"geoip-db" sep:"none" placeholder:"FILE.mmdb" help:"A MaxMind-format database (GeoLite2, DB-IP Lite, IPinfo Lite, or one made by 'webalyze geoip build'): adds the Countries panel, and the Networks (ASN) panel with an ASN database. Repeatable (a country and an ASN database); looked up locally, no network access."`
}

// geoDimension opens the --geoip-db databases, before any log is read,
// and returns the geo dimension over them (nil without a database). The
// databases are closed when the run ends. A file that is missing,
// unreadable or not a country or ASN database is a usage error naming it.
func (f *GeoFlags) geoDimension(g *Globals, distinct int) (dim.Dimension, error) {
	set, err := f.geoSet(g)
	if set == nil || err != nil {
		return nil, err
	}
	return geo.NewAggregator(set, geo.Options{DistinctCapacity: distinct}), nil
}

// geoSet opens the --geoip-db databases, closed at the run's end; nil
// without any.
func (f *GeoFlags) geoSet(g *Globals) (*geo.Set, error) {
	if len(f.GeoIPDB) == 0 {
		return nil, nil
	}
	set, err := geo.OpenAll(f.GeoIPDB...)
	if err != nil {
		var oe *geo.OpenError
		if errors.As(err, &oe) {
			return nil, usageError(fmt.Errorf("--geoip-db %s: %w", report.Visible(oe.Path), oe.Err))
		}
		return nil, usageError(fmt.Errorf("--geoip-db: %w", err))
	}
	g.atEnd(func() { set.Close() })
	return set, nil
}

// GeoIPCmd groups the GeoIP database commands.
type GeoIPCmd struct {
	Build GeoIPBuildCmd `cmd:"" help:"Build a country database (.mmdb) for --geoip-db from the IPFire data that Debian's tor-geoipdb package installs (apt-get install tor-geoipdb): countries with no account anywhere. Reports made with it credit the data (CC BY-SA 4.0)."`
}

// GeoIPBuildCmd builds a country .mmdb from Tor's geoip files.
type GeoIPBuildCmd struct {
	TorDir string `name:"tor-dir" default:"/usr/share/tor" placeholder:"DIR" help:"Directory holding Tor's geoip (IPv4) and geoip6 (IPv6) files; default /usr/share/tor, where tor-geoipdb installs them."`
	Output string `short:"o" required:"" placeholder:"FILE.mmdb" help:"The database to write (atomically), e.g. countries.mmdb."`
}

// Run builds the database; either family's file may be missing, not both.
func (c *GeoIPBuildCmd) Run(g *Globals) error {
	v4, v6 := filepath.Join(c.TorDir, "geoip"), filepath.Join(c.TorDir, "geoip6")
	var found []string
	for _, p := range []*string{&v4, &v6} {
		fi, err := os.Stat(*p)
		switch {
		case err == nil && fi.Mode().IsRegular():
			found = append(found, *p)
		case err == nil || errors.Is(err, fs.ErrNotExist):
			*p = ""
		default:
			return usageError(fmt.Errorf("--tor-dir: %s: %w", report.Visible(*p), unwrapPathError(err)))
		}
	}
	if v4 == "" && v6 == "" {
		return usageError(fmt.Errorf("--tor-dir %s has neither a geoip nor a geoip6 file: install Debian's tor-geoipdb package (apt-get install tor-geoipdb), or give the directory that holds them", report.Visible(c.TorDir)))
	}
	if err := geo.BuildFromTorGeoIP(v4, v6, c.Output); err != nil {
		return usageError(fmt.Errorf("building %s: %w", report.Visible(c.Output), err))
	}
	db, err := geo.Open(c.Output)
	if err != nil {
		return usageError(err)
	}
	defer db.Close()
	if !g.Quiet {
		fmt.Fprintf(g.stderr, "webalyze: wrote %s from %s: %s\n", report.Visible(c.Output), report.Visible(strings.Join(found, ", ")), db.Description())
	}
	return nil
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
