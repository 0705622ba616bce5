package main

import (
	"fmt"
	"time"

	"github.com/webalyze/webalyze/aggregate"
	"github.com/webalyze/webalyze/report"
)

// MergeCmd merges state files.
type MergeCmd struct {
	Output    string        `short:"o" required:"" placeholder:"OUT" type:"path" help:"The merged state file to write (atomically)."`
	States    []string      `arg:"" name:"state" type:"existingfile" help:"State files written with --state (by other hosts, shards or periods)."`
	StateWait time.Duration `default:"10m" placeholder:"DURATION" help:"How long to wait for a run holding the lock of the output state (OUT.lock); 0 means do not wait."`
}

// Run merges the states: the result equals one run over all their inputs.
func (c *MergeCmd) Run(g *Globals) error {
	lock, err := lockState(c.Output, c.StateWait)
	if err != nil {
		return err
	}
	defer lock.Unlock()
	var total *aggregate.State
	for _, path := range c.States {
		st, err := aggregate.LoadFile(path)
		if err != nil {
			return usageError(err)
		}
		if st == nil {
			return usageError(fmt.Errorf("%s: no such file", report.Visible(path)))
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
	if err := aggregate.SaveFile(c.Output, total); err != nil {
		return err
	}
	if g.Verbose {
		fmt.Fprintf(g.stderr, "merged %d states into %s: %d requests, %d lines read\n", len(c.States), report.Visible(c.Output), total.Requests, total.Lines.Read)
	}
	return nil
}
