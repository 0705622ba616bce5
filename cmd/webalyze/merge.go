package main

import (
	"fmt"

	"github.com/webalyze/webalyze/aggregate"
	"github.com/webalyze/webalyze/report"
)

// MergeCmd merges state files.
type MergeCmd struct {
	Output string   `short:"o" required:"" placeholder:"OUT" help:"The merged state file to write (atomically); - writes it to standard output."`
	States []string `arg:"" name:"state" help:"State files written with --state (by other hosts, shards or periods)."`
}

// Run merges the states: the result equals one run over all their inputs.
func (c *MergeCmd) Run(g *Globals) error {
	var total *aggregate.State
	for _, path := range c.States {
		st, err := aggregate.LoadFile(path)
		if err != nil {
			return usageError(outputError("", path, err))
		}
		if st == nil {
			return usageError(fmt.Errorf("%s: no such file or directory", report.Visible(path)))
		}
		st.Marks = nil // where one host stopped reading means nothing for the merged whole
		if total == nil {
			total = st
			continue
		}
		if err := total.Merge(st); err != nil {
			return usageError(fmt.Errorf("%s: %w", report.Visible(path), err))
		}
	}
	e := newEnding(g)
	if c.Output == "-" {
		e.print(total.Encode)
	} else if err := e.file("-o", c.Output, 0o600, total.Encode); err != nil {
		return err
	}
	if err := e.commit(); err != nil {
		return err
	}
	if g.Verbose {
		fmt.Fprintf(g.stderr, "merged %d states into %s: %d requests, %d lines read\n", len(c.States), report.Visible(c.Output), total.Requests, total.Lines.Read)
	}
	return nil
}
