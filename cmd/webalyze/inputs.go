package main

import (
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/webalyze/webalyze/aggregate"
	"github.com/webalyze/webalyze/aggregate/agents"
	"github.com/webalyze/webalyze/aggregate/ingest"
	"github.com/webalyze/webalyze/parser"
	"github.com/webalyze/webalyze/report"
)

// FileFlags are the flags of every command that reads logs: which files,
// in which format.
type FileFlags struct {
	Files        []string `arg:"" optional:"" name:"file" help:"Log files or globs (quoted globs are expanded by webalyze); - reads standard input, as does no file at all. A file given twice (or matched by two globs) is read once, with a warning."`
	LogFormat    string   `short:"f" default:"auto" placeholder:"FORMAT" help:"Log format: auto (detect per file; -v says what it picked, as an -f value when it derived a format), a name from 'webalyze formats' (${formats}), apache:'<LogFormat string>' or nginx:'<log_format string>'."`
	W3CFields    string   `name:"w3c-fields" placeholder:"FIELDS" help:"IIS/W3C: the #Fields list to use for data lines before any #Fields directive, e.g. \"date time c-ip cs-method cs-uri-stem sc-status\"."`
	MaxLine      int      `default:"262144" placeholder:"BYTES" help:"Longest line read, in bytes; longer lines are skipped to the next line end and counted as malformed (line_too_long)."`
	ClientFrom   string   `name:"client-from" enum:"peer,xff" default:"peer" help:"Where the client address comes from: peer, the address field as logged (%h, $remote_addr, c-ip); or xff, the X-Forwarded-For chain: its first public address, or with --trusted-proxy the right-most address not in a trusted range (falls back to the peer)."`
	TrustedProxy []string `name:"trusted-proxy" placeholder:"CIDR" help:"With --client-from xff: address ranges of your proxies (CIDR or single addresses, comma-separated or repeated); the client is then the right-most untrusted address of the chain."`
}

// InputFlags are the flags of commands that read logs and aggregate them.
type InputFlags struct {
	FileFlags
	GeoFlags
	Workers          int    `default:"0" help:"Parsing goroutines; 0 means one per CPU."`
	MaxMalformed     string `default:"1%" placeholder:"N|P%" help:"Exit with status 3 when more lines than this are malformed: a count, or a share of lines read such as 1%."`
	TopCapacity      int    `default:"100000" placeholder:"N" help:"Keys each top list (URLs, clients, agents...) counts exactly; past it the list keeps its N heaviest keys with a stated error bound (Space-Saving), and the report says which lists became approximate. Memory grows with it."`
	DrillCapacity    int    `default:"1000" placeholder:"N" help:"Keys each per-code drill-down list (URLs and clients of a status code) counts exactly."`
	DistinctCapacity int    `default:"100000" placeholder:"N" help:"Values a unique count (visitors of a day, distinct clients) counts exactly before it switches to HyperLogLog (about 0.8% error)."`
	VisitFlags
	NoVisitorPanels bool `name:"no-visitor-panels" help:"Count the core figures only: no user-agent panels (Browsers, Operating systems, Devices, Bots), visits, referring sites, site search, content types, remote users or status by virtual host. On logs with many distinct visitors the panels add about 40% to the time. A --state made so goes on without them."`
	NoAgents        bool `name:"no-agents" help:"Do not classify user agents: no Browsers, Operating systems, Devices or Bots panels and no split into people, bots and tools; the other panels stay. A --state made so goes on without them."`
	ExcludeBots     bool `name:"exclude-bots" help:"Leave crawlers (AI crawlers included) out of every figure: their lines count as filtered, reason \"bot\". Command-line tools (curl, Wget, python-requests...) are not bots and stay."`
}

// agentsNote says, for -v, how the user-agent classifier's caches did:
// each worker classifies a distinct string once, then answers from its
// cache.
func agentsNote(w io.Writer, st *aggregate.State) {
	a, ok := st.Dimension(agents.Section).(*agents.Aggregator)
	if !ok {
		return
	}
	s := a.Stats()
	fmt.Fprintf(w, "user agents: %d lookups, %.1f%% answered from the cache; %d strings classified, %d of them by the crawler detector\n",
		s.Hits+s.Misses, 100*s.HitRate(), s.Misses, s.Detector)
}

// addAgents gives opts the agents dimension (browsers, systems, devices,
// bots), with the run's capacities, and the bot filter of --exclude-bots.
func (f *InputFlags) addAgents(opts *aggregate.Options) {
	top, distinct := f.TopCapacity, f.DistinctCapacity
	if top == 0 {
		top = aggregate.DefaultTopCapacity
	}
	if distinct == 0 {
		distinct = aggregate.DefaultDistinctCapacity
	}
	opts.Dimensions = append(opts.Dimensions, agents.NewAggregator(agents.Options{TopCapacity: top, DistinctCapacity: distinct, ExcludeBots: f.ExcludeBots}))
	if f.ExcludeBots {
		opts.Filter = agents.NewBotFilter(0)
	}
}

// noAgents reports whether the run leaves the user agents unclassified
// (--no-agents, --no-visitor-panels): a usage error with --exclude-bots,
// which needs their classes.
func (f *InputFlags) noAgents() (bool, error) {
	switch {
	case f.ExcludeBots && f.NoVisitorPanels:
		return true, usageError(errors.New("--exclude-bots needs the user-agent classes that --no-visitor-panels leaves out"))
	case f.ExcludeBots && f.NoAgents:
		return true, usageError(errors.New("--exclude-bots needs the user-agent classes that --no-agents leaves out"))
	}
	return f.NoAgents || f.NoVisitorPanels, nil
}

// validate rejects values no run can use, as usage errors.
func (f *InputFlags) validate() error {
	switch {
	case f.Workers < 0:
		return usageError(fmt.Errorf("--workers %d: want 0 (one per CPU) or more", f.Workers))
	case f.MaxLine <= 0:
		return usageError(fmt.Errorf("--max-line %d: want a positive number of bytes", f.MaxLine))
	case f.TopCapacity < 0, f.DrillCapacity < 0, f.DistinctCapacity < 0:
		return usageError(fmt.Errorf("--top-capacity, --drill-capacity and --distinct-capacity must not be negative"))
	}
	return f.VisitFlags.validate()
}

// formatNames lists the named formats for help and errors, from the
// parser's registry.
func formatNames() string {
	var names []string
	for _, nf := range parser.NamedFormats() {
		names = append(names, nf.Name)
	}
	return strings.Join(names, ", ")
}

// formatConfig turns the format flags into the pipeline's format and
// detection candidates.
func (f *FileFlags) formatConfig() (parser.Format, []parser.Format, error) {
	var defaults []string
	if f.W3CFields != "" {
		var err error
		if defaults, err = parser.ParseW3CFieldsList(f.W3CFields); err != nil {
			return nil, nil, usageError(fmt.Errorf("--w3c-fields: %w", err))
		}
	}
	if f.LogFormat == "" || f.LogFormat == "auto" {
		return nil, parser.AutoCandidates(defaults), nil
	}
	if f.LogFormat == "iis" || f.LogFormat == "w3c" {
		return parser.NewW3C(defaults), nil, nil
	}
	if f.LogFormat == "cloudfront" {
		return parser.NewCloudFront(defaults), nil, nil
	}
	format, err := parser.ParseFormatSpec(f.LogFormat)
	if err != nil {
		return nil, nil, usageError(fmt.Errorf("--log-format: %w", err))
	}
	return format, nil, nil
}

// clientFrom turns --client-from and --trusted-proxy into the rule the
// pipeline applies, nil for the peer address.
func (f *FileFlags) clientFrom() (*parser.ClientFrom, error) {
	if f.ClientFrom != "xff" {
		if len(f.TrustedProxy) > 0 {
			return nil, usageError(errors.New("--trusted-proxy needs --client-from xff"))
		}
		return nil, nil
	}
	c := &parser.ClientFrom{}
	for _, item := range f.TrustedProxy {
		for s := range strings.SplitSeq(item, ",") {
			s = strings.TrimSpace(s)
			if s == "" {
				continue
			}
			p, err := netip.ParsePrefix(s)
			if err != nil {
				a, aerr := netip.ParseAddr(s)
				if aerr != nil {
					return nil, usageError(fmt.Errorf("--trusted-proxy %q: not an address or CIDR range", s))
				}
				p = netip.PrefixFrom(a, a.BitLen())
			}
			c.Trusted = append(c.Trusted, p.Masked())
		}
	}
	return c, nil
}

// expandFiles expands globs; a pattern matching nothing is kept as is, so
// that opening it reports the missing file. A file named twice (the same
// path, or two names of one file: a link, ./x and x) is kept once, where
// it first appears, and reported in dups: reading it twice would count
// every request twice.
func (f *FileFlags) expandFiles() (names, dups []string) {
	if len(f.Files) == 0 {
		return []string{"-"}, nil
	}
	var all []string
	for _, arg := range f.Files {
		if arg != "-" && strings.ContainsAny(arg, "*?[") {
			if matches, err := filepath.Glob(arg); err == nil && len(matches) > 0 {
				all = append(all, matches...)
				continue
			}
		}
		all = append(all, arg)
	}
	var seen []os.FileInfo
	stdin := false
	for _, name := range all {
		if name == "-" {
			if stdin {
				dups = append(dups, name)
				continue
			}
			stdin = true
			names = append(names, name)
			continue
		}
		fi, err := os.Stat(name)
		if err != nil { // opening it will say why
			names = append(names, name)
			continue
		}
		if slices.ContainsFunc(seen, func(o os.FileInfo) bool { return os.SameFile(o, fi) }) {
			dups = append(dups, name)
			continue
		}
		seen = append(seen, fi)
		names = append(names, name)
	}
	return names, dups
}

// maxMalformed parses --max-malformed into a count or a share.
func (f *InputFlags) maxMalformed() (count uint64, share float64, isShare bool, err error) {
	s := strings.TrimSpace(f.MaxMalformed)
	if p, ok := strings.CutSuffix(s, "%"); ok {
		v, err := strconv.ParseFloat(p, 64)
		if err != nil || v < 0 || v > 100 {
			return 0, 0, false, usageError(fmt.Errorf("--max-malformed %q: want a count or a percentage such as 1%%", s))
		}
		return 0, v / 100, true, nil
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, 0, false, usageError(fmt.Errorf("--max-malformed %q: want a count or a percentage such as 1%%", s))
	}
	return n, 0, false, nil
}

func usageError(err error) error { return &exitError{code: exitUsage, err: err} }

// outcome turns what this run met into the exit status, after the output
// is written: file-level errors or too many malformed lines → 3. (An
// unreadable input ended the run before, with 2, writing nothing: see
// collect.) With --state, st holds earlier runs too, but their file errors
// are in st.EarlierErrors and res.Lines counts this run's lines only: the
// status reflects this run.
func outcome(g *Globals, f *InputFlags, st *aggregate.State, res aggregate.RunResult) error {
	bad := false
	var fileErrors []aggregate.FileError
	if st != nil { // nil when the figures come from ClickHouse
		fileErrors = st.FileErrors
	}
	for _, fe := range fileErrors {
		fmt.Fprintf(g.stderr, "webalyze: %s: %s\n", report.Visible(fe.File), report.Visible(fe.Err))
		bad = true
	}
	count, share, isShare, _ := f.maxMalformed()
	mal, read := res.Lines.Malformed, res.Lines.Read
	if isShare {
		if read > 0 && float64(mal) > share*float64(read) {
			fmt.Fprintf(g.stderr, "webalyze: %d of %d lines malformed (%.2f%%), over --max-malformed %s\n", mal, read, 100*float64(mal)/float64(read), f.MaxMalformed)
			bad = true
		}
	} else if mal > count {
		fmt.Fprintf(g.stderr, "webalyze: %d lines malformed, over --max-malformed %s\n", mal, f.MaxMalformed)
		bad = true
	}
	if bad {
		return &exitError{code: exitDataError}
	}
	return nil
}

// warnSameData warns on stderr of the inputs that held the data of one read
// before them in the run (a rotated file and its compressed copy while
// logrotate compresses, a copy), which were read on from there: their
// data is counted once.
func warnSameData(g *Globals, same []ingest.SameData) {
	for _, d := range same {
		fmt.Fprintf(g.stderr, "webalyze: warning: %s holds the same data as %s (a copy, or a compressed copy being written): its lines are counted once\n",
			report.Visible(d.Name), report.Visible(d.Of))
	}
}

// stdinTerminal reports whether standard input is a terminal; tests
// replace it.
var stdinTerminal = func() bool {
	fi, err := os.Stdin.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// expandNames is expandFiles for a command: it warns on stderr of files
// given twice (read once), and, when standard input is read from a
// terminal, says so rather than wait in silence.
func (f *FileFlags) expandNames(g *Globals) []string {
	names, dups := f.expandFiles()
	for _, d := range dups {
		fmt.Fprintf(g.stderr, "webalyze: warning: %s is given more than once: read once\n", report.Visible(d))
	}
	if !g.Quiet && slices.Contains(names, "-") && stdinTerminal() {
		fmt.Fprintln(g.stderr, "webalyze: reading standard input (Ctrl-D to end; give log files as arguments)")
	}
	return names
}
