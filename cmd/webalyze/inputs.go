package main

import (
	"errors"
	"fmt"
	"net/netip"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/webalyze/webalyze/aggregate"
	"github.com/webalyze/webalyze/parser"
	"github.com/webalyze/webalyze/report"
)

// InputFlags are the flags of commands that read logs.
type InputFlags struct {
	Files            []string `arg:"" optional:"" name:"file" help:"Log files or globs (quoted globs are expanded by webalyze); - reads standard input, as does no file at all."`
	LogFormat        string   `short:"f" default:"auto" placeholder:"FORMAT" help:"Log format: auto (detect per file; -v says what it picked, as an -f value when it derived a format), a name from 'webalyze formats' (combined, common, vcombined, nginx, iis, elb, alb, cloudfront, traefik, traefik-json, caddy, haproxy, envoy, ingress-nginx), apache:'<LogFormat string>' or nginx:'<log_format string>'."`
	W3CFields        string   `name:"w3c-fields" placeholder:"FIELDS" help:"IIS/W3C: the #Fields list to use for data lines before any #Fields directive, e.g. \"date time c-ip cs-method cs-uri-stem sc-status\"."`
	ClientFrom       string   `name:"client-from" enum:"peer,xff" default:"peer" help:"Where the client address comes from: peer, the address field as logged (%h, $remote_addr, c-ip); or xff, the X-Forwarded-For chain: its first public address, or with --trusted-proxy the right-most address not in a trusted range (falls back to the peer)."`
	TrustedProxy     []string `name:"trusted-proxy" placeholder:"CIDR" help:"With --client-from xff: address ranges of your proxies (CIDR or single addresses, comma-separated or repeated); the client is then the right-most untrusted address of the chain."`
	MaxLine          int      `default:"262144" placeholder:"BYTES" help:"Longest line read, in bytes; longer lines are skipped to the next line end and counted as malformed (line_too_long)."`
	Workers          int      `default:"0" help:"Parsing goroutines; 0 means one per CPU."`
	MaxMalformed     string   `default:"1%" placeholder:"N|P%" help:"Exit with status 3 when more lines than this are malformed: a count, or a share of lines read such as 1%."`
	TopCapacity      int      `default:"100000" placeholder:"N" help:"Keys each top list (URLs, clients, agents...) counts exactly; past it the list keeps its N heaviest keys with a stated error bound (Space-Saving), and the report says which lists became approximate. Memory grows with it."`
	DrillCapacity    int      `default:"1000" placeholder:"N" help:"Keys each per-code drill-down list (URLs and clients of a status code) counts exactly."`
	DistinctCapacity int      `default:"100000" placeholder:"N" help:"Values a unique count (visitors of a day, distinct clients) counts exactly before it switches to HyperLogLog (about 0.8% error)."`
}

// formatConfig turns the format flags into the pipeline's format and
// detection candidates.
func (f *InputFlags) formatConfig() (parser.Format, []parser.Format, error) {
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
func (f *InputFlags) clientFrom() (*parser.ClientFrom, error) {
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
// that opening it reports the missing file.
func (f *InputFlags) expandFiles() []string {
	if len(f.Files) == 0 {
		return []string{"-"}
	}
	var out []string
	for _, arg := range f.Files {
		if arg != "-" && strings.ContainsAny(arg, "*?[") {
			if matches, err := filepath.Glob(arg); err == nil && len(matches) > 0 {
				out = append(out, matches...)
				continue
			}
		}
		out = append(out, arg)
	}
	return out
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

// outcome turns what a run met into the exit status, after the output is
// written: unreadable inputs → 2; file-level errors or too many malformed
// lines → 3.
func outcome(g *Globals, f *InputFlags, st *aggregate.State, res aggregate.RunResult) error {
	for _, err := range res.Unreadable {
		fmt.Fprintln(g.stderr, "webalyze:", report.Visible(err.Error()))
	}
	if len(res.Unreadable) > 0 {
		return &exitError{code: exitUsage}
	}
	bad := false
	for _, fe := range st.FileErrors {
		fmt.Fprintf(g.stderr, "webalyze: %s: %s\n", report.Visible(fe.File), report.Visible(fe.Err))
		bad = true
	}
	count, share, isShare, _ := f.maxMalformed()
	mal, read := st.Lines.Malformed, st.Lines.Read
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
