// Command webalyze analyzes web server access logs (nginx, Apache, IIS)
// and writes reports: a self-contained HTML page, JSON, CSV or a terminal
// summary. Run "webalyze --help" for the commands.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"sync/atomic"

	"github.com/alecthomas/kong"
)

// version is set at build time with -ldflags "-X main.version=..." (make
// build sets it from git describe); when empty, the module version from
// the build information is shown (see readBuildInfo).
var version string

// versionString is the version a report names: the version of
// readBuildInfo (main.version, else the module version), followed by the
// VCS commit when the build recorded one.
func versionString() string {
	b := readBuildInfo()
	v := b.Version
	if b.Commit != "" {
		v += " (" + b.Commit[:min(12, len(b.Commit))]
		if b.Modified {
			v += ", modified"
		}
		v += ")"
	}
	return v
}

// Exit statuses, the same for every command (DESIGN "Output contract").
const (
	exitOK        = 0 // all went well
	exitBreached  = 1 // a threshold of "check" was breached
	exitUsage     = 2 // usage error or unreadable input
	exitDataError = 3 // completed, but with data errors (truncated stream, too many malformed lines)
	// 128 + the signal's number: interrupted by SIGINT (130), SIGTERM
	// (143) or SIGHUP (129), nothing written (see catchSignals).
)

// Globals are the flags every command takes.
type Globals struct {
	Verbose bool             `short:"v" help:"Say more on standard error: the format picked for each file, file-level details."`
	Quiet   bool             `short:"q" help:"Say nothing on standard error unless something is wrong."`
	Version kong.VersionFlag `help:"Print the version and exit."`

	stdout, stderr io.Writer
	guard          *guard                   // the end of the run against signals
	ends           []func()                 // run when the run returns (atEnd)
	progress       atomic.Pointer[progress] // the progress line, cleared on a signal
}

// CLI is the command line.
type CLI struct {
	Globals

	Summary  SummaryCmd  `cmd:"" help:"Print the headline numbers of logs: lines, requests, bytes, status classes and codes (text, or the JSON model with --json)."`
	Report   ReportCmd   `cmd:"" help:"Write a report: a self-contained HTML page with charts (default), or the JSON model (-o x.json), CSV tables (-o x.csv) or Prometheus metrics (-o x.prom)."`
	Check    CheckCmd    `cmd:"" help:"Check thresholds (--max 5xx=1% --max 499=500), over the whole run or every sliding --window: exit 0 when all hold, 1 when one is breached."`
	Timeline TimelineCmd `cmd:"" help:"Print requests per minute (or --step) with status classes, top codes and 5xx/499 rates, marking the incidents the report finds."`
	Merge    MergeCmd    `cmd:"" help:"Merge state files from several hosts, shards or periods into one (the same as one run over all their inputs)."`
	Export   ExportCmd   `cmd:"" help:"Write one Parquet row per parsed request (-o requests.parquet), for DuckDB, Spark, Trino or ClickHouse; prints the accounting of lines and rows."`
	Load     LoadCmd     `cmd:"" help:"Load logs into a ClickHouse table (--clickhouse URL), one row per parsed request, exactly once across crashes and reruns; with --state only what is new."`
	Parse    ParseCmd    `cmd:"" help:"Print each line of a log as a JSON record, and each malformed line with its reason and position: for debugging a format string."`
	GeoIP    GeoIPCmd    `cmd:"" name:"geoip" help:"GeoIP databases for --geoip-db: 'geoip build' makes a country database from Debian's tor-geoipdb."`
	Formats  FormatsCmd  `cmd:"" help:"List the named log formats and their definitions."`

	Completion CompletionCmd `cmd:"" help:"Print a shell completion script (bash, zsh or fish) to load in the shell or install."`
	Man        ManCmd        `cmd:"" hidden:"" help:"Print the manual page (roff), generated from the command line model."`
	Version    VersionCmd    `cmd:"" help:"Print the version, commit and Go version of this build."`
}

const description = `webalyze analyzes web server access logs: nginx, Apache and IIS (W3C), plain or
compressed (gzip, zstd, bzip2, found by content), and reports on every HTTP status
code with its reason phrase and source, per class, per day/hour/minute, with top
URLs, clients, referrers and agents.

Every line is accounted for: parsed, malformed (with a reason), skipped (directives,
blank lines) or filtered, and read = parsed + malformed + skipped + filtered.

Exit status: 0 ok; 1 a threshold was breached (check); 2 usage error or unreadable
input (nothing written, no state saved); 3 completed with data errors (truncated or
corrupt stream, or more malformed lines than --max-malformed); 130, 143, 129
interrupted by SIGINT, SIGTERM, SIGHUP (nothing written, no state saved).

Examples:
  webalyze summary /var/log/nginx/access.log*
  webalyze report -o report.html access.log.1 access.log.2.gz
  webalyze summary --json --log-format combined - < access.log
  webalyze check --max 5xx=1% --window 5m --state /var/lib/webalyze/check.state access.log
  webalyze timeline --since '2024-03-05 14:00' --until '2024-03-05 15:00' access.log*
  webalyze merge -o all.state web1.state web2.state
  webalyze report -q --state metrics.state -o /var/lib/prometheus/node-exporter/webalyze.prom access.log*
  webalyze parse --log-format 'nginx:$remote_addr [$time_local] "$request" $status' x.log`

// exitError carries an exit status out of a command's Run method.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// atEnd runs f when the run returns, whatever its outcome: it releases what
// must be held until the outputs are in place (the state's lock).
func (g *Globals) atEnd(f func()) { g.ends = append(g.ends, f) }

func main() {
	setGCPercent()
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// gcPercent replaces Go's default GOGC of 100 once the heap is large. The
// heap of a run is mostly the aggregation state, which only grows until
// the report is written; with GOGC=100 the heap reaches twice that state
// before each collection, and that is the peak RSS. With 25 the peak is
// about 1.25 times the state (figures in docs/performance.md). But a heap
// that grows from nothing at 25 % steps is collected many times on the
// way, each time marking all of it; so the runtime's GOGC of 100 stays in
// force while the live heap is under gcSmallHeap, where a doubling costs
// little memory, and 25 applies above it (see tuneGC). A GOGC in the
// environment is obeyed.
const (
	gcPercent   = 25
	gcSmallHeap = 32 << 20
)

func setGCPercent() {
	if _, ok := os.LookupEnv("GOGC"); !ok {
		tuneGC(gcSmallHeap, gcPercent)
	}
}

// gcFoldPercent is GOGC while the workers' States are folded into one
// (see enterFold). The fold allocates on top of the whole State (the
// union of shards, merged visitor sets), and at 25 % the heap may grow a
// quarter past the State before a collection: that was the peak RSS.
// Building the report goes back to gcPercent: at 10 % it takes nearly
// twice as long, and the peak stays in the fold.
const gcFoldPercent = 10

// inFold is set from enterFold to leaveFold: tuneGC's switch to gcPercent
// must not undo it, nor come after it.
var inFold atomic.Bool

// enterFold is called when the workers of a run are done (RunConfig
// BeforeMerge), leaveFold when the run returned. A GOGC in the
// environment is obeyed.
func enterFold() {
	testPause("fold")
	if _, ok := os.LookupEnv("GOGC"); !ok {
		inFold.Store(true)
		debug.SetGCPercent(gcFoldPercent)
	}
}

func leaveFold() {
	if inFold.Swap(false) {
		debug.SetGCPercent(gcPercent)
	}
}

// gcSentinel is an object whose finalizer runs after each collection:
// it is allocated unreachable, so the next cycle finds it. It holds a
// pointer so that the tiny allocator does not pack it with other objects
// (which would delay its finalizer).
type gcSentinel struct{ _ *byte }

// tuneGC sets GOGC to percent as soon as a collection leaves at least
// threshold bytes of live heap.
func tuneGC(threshold uint64, percent int) {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	var arm func()
	arm = func() {
		runtime.SetFinalizer(&gcSentinel{}, func(*gcSentinel) {
			if inFold.Load() {
				return
			}
			metrics.Read(sample)
			if sample[0].Value.Kind() == metrics.KindUint64 && sample[0].Value.Uint64() >= threshold {
				debug.SetGCPercent(percent)
				return
			}
			arm()
		})
	}
	arm()
}

// cliVars are the variables the help texts interpolate.
func cliVars() kong.Vars {
	return kong.Vars{"version": readBuildInfo().Short(), "formats": formatNames(), "output_formats": outputFormatNames()}
}

// run runs the command line args and returns the exit status.
func run(args []string, stdout, stderr io.Writer) (code int) {
	var cli CLI
	cli.stdout, cli.stderr = stdout, stderr
	cli.guard = &guard{exit: os.Exit}
	defer cli.catchSignals()()
	defer func() {
		for _, f := range slices.Backward(cli.ends) {
			f()
		}
	}()
	exited := false
	parser, err := kong.New(&cli,
		kong.Name("webalyze"),
		kong.Description(description),
		kong.UsageOnError(),
		kong.WithHyphenPrefixedParameters(true), // --since -2h
		kong.Writers(stdout, stderr),
		cliVars(),
		kong.Exit(func(c int) { exited = true; code = c }),
		kong.ConfigureHelp(kong.HelpOptions{Compact: true}),
	)
	if err != nil {
		fmt.Fprintln(stderr, "webalyze:", err)
		return exitUsage
	}
	ctx, err := parser.Parse(args)
	if exited {
		return code
	}
	if err != nil {
		fmt.Fprintln(stderr, "webalyze:", err)
		if slices.Contains(args, "--nagios") {
			// A monitoring plugin says UNKNOWN for a bad command line.
			fmt.Fprintf(stdout, "WEBALYZE UNKNOWN - %s\n", oneLine(err.Error()))
			return nagiosUnknown
		}
		return exitUsage
	}
	err = ctx.Run(&cli.Globals)
	if exited {
		return code
	}
	if err != nil {
		var ee *exitError
		if errors.As(err, &ee) {
			if ee.err != nil {
				printError(stderr, ee.err)
			}
			return ee.code
		}
		printError(stderr, err)
		return exitUsage
	}
	return exitOK
}
