package main

import (
	"fmt"
	"os"
	"time"

	"github.com/webalyze/webalyze/aggregate"
	"github.com/webalyze/webalyze/report"
)

// MergeCmd merges state files.
type MergeCmd struct {
	Output    string        `short:"o" required:"" placeholder:"OUT" help:"The merged state file to write (atomically); - writes it to standard output. When OUT is also one of the states merged, its read marks are kept, so that the next --state OUT run reads only what is new."`
	States    []string      `arg:"" name:"state" help:"State files written with --state (by other hosts, shards or periods). The same file twice (by any path or link) is refused."`
	StateWait time.Duration `default:"10m" placeholder:"DURATION" help:"How long to wait for a run holding the lock of the output state (OUT.lock). Default 10m; 0 means do not wait."`
}

// Run merges the states: the result equals one run over all their inputs.
// Read marks say where one incremental series stopped reading its logs:
// they mean nothing for another series, so only those of the state merged
// into itself (-o X ... X ...) are kept.
func (c *MergeCmd) Run(g *Globals) error {
	if c.Output != "-" {
		lock, err := lockState("-o", c.Output, c.StateWait)
		if err != nil {
			return err
		}
		defer lock.Unlock()
	}
	infos := make([]os.FileInfo, len(c.States))
	for i, path := range c.States {
		fi, err := os.Stat(path)
		if err != nil {
			return usageError(outputError("", path, err))
		}
		for j := range i {
			if os.SameFile(fi, infos[j]) {
				return usageError(fmt.Errorf("%s and %s are the same state file: merging it twice would count its data twice", report.Visible(c.States[j]), report.Visible(path)))
			}
		}
		infos[i] = fi
	}
	outInfo, _ := os.Stat(c.Output)
	var total *aggregate.State
	var marks []aggregate.InputMark
	for i, path := range c.States {
		st, err := aggregate.LoadFile(path)
		if err != nil {
			return usageError(outputError("", path, err))
		}
		if st == nil {
			return usageError(fmt.Errorf("%s: no such file or directory", report.Visible(path)))
		}
		if outInfo != nil && os.SameFile(infos[i], outInfo) {
			marks = st.Marks
		}
		st.Marks = nil
		if total == nil {
			total = st
			continue
		}
		if err := total.Merge(st); err != nil {
			return usageError(fmt.Errorf("%s: %w", report.Visible(path), err))
		}
	}
	total.Marks = marks
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
		fmt.Fprintf(g.stderr, "merged %d states into %s: %d requests, %d lines read; %d read marks kept\n", len(c.States), report.Visible(c.Output), total.Requests, total.Lines.Read, len(marks))
	}
	return nil
}
