package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/webalyze/webalyze/parser"
)

// FormatsCmd lists the named formats.
type FormatsCmd struct{}

// Run prints the named formats with their definitions.
func (c *FormatsCmd) Run(g *Globals) error {
	tw := tabwriter.NewWriter(g.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tSYNTAX\tDEFINITION")
	for _, nf := range parser.NamedFormats() {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", nf.Name, nf.Syntax, nf.Definition)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(g.stdout, "\nauto (the default) tries common, combined, vcombined, vhost and iis on the first lines of each file and picks the one that parses most.")
	fmt.Fprintln(g.stdout, "Custom formats: --log-format apache:'<LogFormat string>' or --log-format nginx:'<log_format string>'.")
	return nil
}
