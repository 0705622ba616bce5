package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/webalyze/webalyze/aggregate/clickhouse"
	"github.com/webalyze/webalyze/report"
)

// ClickHouseSource reads the report's figures from a ClickHouse table
// (filled by "webalyze load") instead of reading log files: ClickHouse
// runs the aggregates, and the same report.Input as a local run's is
// rendered the same way.
type ClickHouseSource struct {
	ClickHouse string `name:"clickhouse" placeholder:"URL" help:"Build the figures from a ClickHouse table instead of log files: URL is its HTTP interface, e.g. http://user@127.0.0.1:8123/?database=web (password from the URL or $WEBALYZE_CLICKHOUSE_PASSWORD, never printed). No FILE nor --state with it; --since/--until/--tz select the rows; lines count the table's rows (a load's malformed lines and log formats are not in the table)."`
	Table      string `default:"requests" placeholder:"NAME" help:"With --clickhouse: the table (or Distributed table) to read, NAME or DATABASE.NAME."`
}

// enabled reports whether the figures come from ClickHouse.
func (s *ClickHouseSource) enabled() bool { return s != nil && s.ClickHouse != "" }

// collectClickHouse builds the run's report.Input from ClickHouse: the
// window flags become the query's, and nothing is read from files.
func (j *job) collectClickHouse(g *Globals) (*collected, error) {
	if len(j.in.Files) > 0 {
		return nil, usageError(errors.New("--clickhouse reads a table, not files: give no FILE with it"))
	}
	if j.state != nil && j.state.State != "" {
		return nil, usageError(errors.New("--clickhouse and --state do not go together: the table is the state"))
	}
	noAgents, err := j.in.noAgents()
	if err != nil {
		return nil, err
	}
	if len(j.sites) > 0 {
		return nil, usageError(errors.New("--site with --clickhouse: the table's referrer_external column is computed at load without --site hosts; drop --site"))
	}
	loc, err := j.win.location()
	if err != nil {
		return nil, err
	}
	if loc.String() == "Local" {
		return nil, usageError(errors.New("--tz Local with --clickhouse: give the zone's name (Europe/Paris), which ClickHouse must know"))
	}
	client, err := clickhouse.Open(j.ch.ClickHouse)
	if err != nil {
		return nil, usageError(fmt.Errorf("--clickhouse: %w", err))
	}
	defer client.Close()
	ctx := context.Background() // signals end the process (see catchSignals)
	now := time.Now
	if j.now != nil {
		now = j.now
	}
	anchor := now()
	if j.win.relative() && j.win.RelativeTo == "end" {
		latest, ok, err := clickhouse.LatestTime(ctx, client, j.ch.Table)
		if err != nil {
			return nil, usageError(fmt.Errorf("--clickhouse: %w", err))
		}
		if !ok {
			return nil, usageError(fmt.Errorf("--relative-to end: table %s holds no dated request", report.Visible(j.ch.Table)))
		}
		anchor = time.Unix(latest+1, 0)
	}
	c := &collected{loc: loc}
	c.since, c.until, c.hasSince, c.hasUn, err = j.win.bounds(anchor, loc)
	if err != nil {
		return nil, err
	}
	opts := clickhouse.QueryOptions{Table: j.ch.Table, Location: loc, TopN: max(j.top, 1), CountsOnly: j.countsOnly,
		DrillRows: j.in.DrillCapacity, DrillAllCodes: j.drillAll,
		NoAgentPanels: noAgents, NoExtras: j.in.NoVisitorPanels, ExcludeBots: j.in.ExcludeBots,
		NoVisits: j.in.NoVisits || j.in.NoVisitorPanels, VisitTimeout: j.in.VisitTimeout,
		Since: c.since.Unix(), HasSince: c.hasSince, Until: c.until.Unix(), HasUntil: c.hasUn}
	if opts.DrillRows == 0 {
		opts.DrillRows = 1
	}
	if opts.Geo, err = j.in.geoSet(g); err != nil {
		return nil, err
	}
	f, err := clickhouse.Query(ctx, client, opts)
	if err != nil {
		return nil, usageError(fmt.Errorf("--clickhouse: %w", err))
	}
	c.in = f.Input()
	if !g.Quiet {
		fmt.Fprintf(g.stderr, "webalyze: %d rows of %s from %s (lines = rows: malformed lines and log formats are accounted by the load, not in the table)\n",
			f.Requests+f.Bots, report.Visible(j.ch.Table), report.Visible(client.String()))
	}
	return c, nil
}

// input is the run's report.Input: from ClickHouse, or converted from
// the State with opts.
func (c *collected) input(opts report.BuildOptions) *report.Input {
	if c.in != nil {
		return c.in
	}
	return report.NewInput(c.st, opts)
}

// model builds the report Model of the run.
func (c *collected) model(opts report.BuildOptions) *report.Model {
	if c.in != nil {
		opts.Location = c.loc
		return report.BuildFrom(c.in, opts)
	}
	return report.Build(c.st, opts)
}

// location is the zone of the run's days and hours (--tz).
func (c *collected) location() *time.Location {
	if c.in != nil {
		return c.loc
	}
	return c.st.Location()
}
