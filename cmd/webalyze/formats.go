package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/webalyze/webalyze/parser"
	"github.com/webalyze/webalyze/report"
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
	var auto []string
	for _, f := range parser.AutoCandidates(nil) {
		auto = append(auto, f.Name())
	}
	fmt.Fprintf(g.stdout, "\nauto (the default) tries %s on the first lines of each file and picks the one that parses most.\n", strings.Join(auto, ", "))
	fmt.Fprintln(g.stdout, "When none fits but common, combined, vcombined or vhost reads each line up to a few more fields, it derives that format + trailing fields, and -v prints it as an -f value.")
	fmt.Fprintln(g.stdout, "Custom formats: --log-format apache:'<LogFormat string>' or --log-format nginx:'<log_format string>'.")
	return nil
}

// formatNote is what -v says of the format of input name: pf, found by d
// when d tried lines (--log-format auto). A derived format is given as the
// -f value that selects it.
func formatNote(name string, pf parser.Format, d parser.Detection) string {
	name = report.Visible(name)
	switch {
	case pf == nil:
		return fmt.Sprintf("%s: no format recognised in the first %d lines", name, d.Tried)
	case d.Derived != "":
		return fmt.Sprintf("%s: format %s, derived (parsed %d of the first %d lines); to use it as is: -f %s",
			name, d.Derived, d.Parsed, d.Tried, shellQuote(report.Visible(pf.Name())))
	case d.Tried > 0:
		return fmt.Sprintf("%s: format %s (parsed %d of the first %d lines)", name, report.Visible(pf.Name()), d.Parsed, d.Tried)
	}
	return fmt.Sprintf("%s: format %s", name, report.Visible(pf.Name()))
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
