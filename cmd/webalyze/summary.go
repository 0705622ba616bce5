package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/webalyze/webalyze/aggregate/atomicfile"
	"github.com/webalyze/webalyze/report"
)

// ReportFlags are the flags that shape a report's content.
type ReportFlags struct {
	Title         string   `default:"Web access log report" help:"Title of the report."`
	Top           int      `default:"25" help:"Rows per top list (URLs, clients, referrers, agents...), in every output; at least 1."`
	Site          []string `placeholder:"HOST" help:"The site's own host name (repeatable): referrers on it are internal and left out of the referrer list. Without it, only a request's logged virtual host (%v, $host, cs-host) is; a log without one then counts every referrer as external."`
	DrillAllCodes bool     `help:"Drill down (top URLs and clients) into every status code, 2xx and 3xx included; by default only error codes (4xx, 5xx, 000, non-standard), which is a third faster."`
}

// validate rejects a --top no list can have.
func (f *ReportFlags) validate() error {
	if f.Top < 1 {
		return usageError(fmt.Errorf("--top %d: want 1 or more rows", f.Top))
	}
	return nil
}

// SummaryCmd prints the headline tables or the JSON model.
type SummaryCmd struct {
	InputFlags
	WindowFlags
	StateFlags
	ClickHouseSource
	ReportFlags
	JSON bool `help:"Print the JSON model (the same document as report -o x.json) instead of text."`
}

// Run reads the inputs and prints the summary.
func (c *SummaryCmd) Run(g *Globals) error {
	if err := c.ReportFlags.validate(); err != nil {
		return err
	}
	j := &job{in: &c.InputFlags, win: &c.WindowFlags, state: &c.StateFlags, drillAll: c.DrillAllCodes, sites: c.Site,
		ch: &c.ClickHouseSource, top: c.Top}
	col, err := j.collect(g)
	if err != nil {
		return err
	}
	m := col.model(col.buildOptions(&c.ReportFlags))
	e := newEnding(g)
	if c.JSON {
		e.print(func(w io.Writer) error { return report.WriteJSON(w, m) })
	} else {
		e.print(func(w io.Writer) error { return report.WriteText(w, m) })
	}
	if err := col.saveState(e); err != nil {
		return err
	}
	if err := e.commit(); err != nil {
		return err
	}
	return outcome(g, &c.InputFlags, col.st, col.res)
}

// ReportCmd writes a report file.
type ReportCmd struct {
	InputFlags
	WindowFlags
	StateFlags
	ClickHouseSource
	ReportFlags
	Output       string `short:"o" default:"report.html" placeholder:"FILE" help:"Output file, its format chosen by its extension: .html or .htm the HTML report, .json the JSON model, .csv the CSV tables, .prom Prometheus metrics (for node_exporter's textfile collector); a further .gz or .zst compresses it. A name without an extension, and - (standard output), get HTML unless --output-format says otherwise. A device, FIFO or /dev/fd/N is written in place, a regular file replaced atomically."`
	OutputFormat string `placeholder:"FORMAT" help:"Format of the output whatever its name: ${output_formats}."`
	CSVDir       string `name:"csv-dir" placeholder:"DIR" help:"Also write every table as its own CSV file DIR/NAME.csv (created if need be), one header row each, with the JSON model's column names: for spreadsheets and data frames."`
}

// Run reads the inputs and writes the report.
func (c *ReportCmd) Run(g *Globals) error {
	if err := c.ReportFlags.validate(); err != nil {
		return err
	}
	kind, err := chooseOutput(c.Output, c.OutputFormat)
	if err != nil {
		return err
	}
	if c.Output != "-" {
		if err := atomicfile.CheckOutput(c.Output); err != nil {
			return usageError(outputError("-o", c.Output, err)) // before reading for nothing
		}
	}
	j := &job{in: &c.InputFlags, win: &c.WindowFlags, state: &c.StateFlags, drillAll: c.DrillAllCodes, sites: c.Site,
		ch: &c.ClickHouseSource, top: c.Top}
	col, err := j.collect(g)
	if err != nil {
		return err
	}
	m := col.model(col.buildOptions(&c.ReportFlags))
	e := newEnding(g)
	write := func(w io.Writer) error { return kind.render(w, m) }
	if c.Output == "-" {
		e.print(write)
	} else if err := e.file("-o", c.Output, 0o666, write); err != nil {
		return err
	}
	if c.CSVDir != "" {
		if err := os.MkdirAll(c.CSVDir, 0o777); err != nil {
			return usageError(outputError("--csv-dir", c.CSVDir, err))
		}
		err := report.WriteCSVDir(m, func(name string, write func(io.Writer) error) error {
			return e.file("--csv-dir", filepath.Join(c.CSVDir, name), 0o666, write)
		})
		if err != nil {
			return err
		}
	}
	if err := col.saveState(e); err != nil {
		return err
	}
	if err := e.commit(); err != nil {
		return err
	}
	if !g.Quiet {
		if c.Output != "-" {
			fmt.Fprintf(g.stderr, "wrote %s (%d requests, %d lines read)\n", report.Visible(c.Output), m.Requests, m.Lines.Read)
		}
		if c.CSVDir != "" {
			fmt.Fprintf(g.stderr, "wrote %d CSV tables in %s\n", len(report.CSVTableNames()), report.Visible(c.CSVDir))
		}
	}
	return outcome(g, &c.InputFlags, col.st, col.res)
}
