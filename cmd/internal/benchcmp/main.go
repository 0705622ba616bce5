//go:build benchtools

// Command benchcmp is `make bench`'s end-to-end comparison: it generates
// logs with ../shared/bench/genlog.py (seeded, cached in the output
// folder), then runs webalyze, GoAccess and the floor program on them,
// alternating the tools run by run, and prints for each: median wall time,
// CPU time, peak RSS, lines/s, MB/s, and the ratios the performance issue
// asks for (webalyze/GoAccess, webalyze/floor, summary/floor, IIS and
// compressed inputs against plain combined, 2 workers against 1). The
// floor's -parse mode (webalyze's reader and parser alone, two workers)
// splits the gap to the floor into parsing and the rest.
//
//	benchcmp -webalyze bin/webalyze -floor bin/floor -out bench/out
//	benchcmp -quick                # small logs, one run each: a smoke test
//	benchcmp -headroom -runs 5     # what the report costs part by part
package main

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/klauspost/compress/zstd"
)

// measure is one run of one command.
type measure struct {
	wall, cpu time.Duration
	rssKiB    int64
}

// result is the medians of a command's runs.
type result struct {
	caseName, tool string
	lines, bytes   int64
	wall, cpu      time.Duration
	rssKiB         int64
	note           string
}

func (r result) linesPerSec() float64 { return float64(r.lines) / r.wall.Seconds() }
func (r result) mbPerSec() float64    { return float64(r.bytes) / 1e6 / r.wall.Seconds() }

// median returns the median of d (the lower middle for an even count).
func median(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[(len(s)-1)/2]
}

// medianInt is median for sizes.
func medianInt(v []int64) int64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return s[(len(s)-1)/2]
}

// ratio divides, or returns NaN-free 0 when b is 0.
func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// command is one tool run on one case.
type command struct {
	tool string
	args []string
	ok   func(exit int, outFile string) error // checks the run's outcome
	out  string
}

// bcase is one input with the commands run on it.
type bcase struct {
	name         string
	file         string
	lines, bytes int64
	cmds         []command
}

func main() {
	var (
		webalyze = flag.String("webalyze", "bin/webalyze", "webalyze binary")
		floor    = flag.String("floor", "bin/floor", "floor binary")
		goaccess = flag.String("goaccess", "goaccess", "GoAccess binary (skipped when not found)")
		genlog   = flag.String("genlog", "../shared/bench/genlog.py", "the log generator")
		outDir   = flag.String("out", "bench/out", "folder for generated logs, reports and bench.md")
		runs     = flag.Int("runs", 3, "runs per command (the median is reported)")
		quick    = flag.Bool("quick", false, "small logs and one run: a smoke test of the harness")
		doRoom   = flag.Bool("headroom", false, "time builds of webalyze with parts of its work taken out, on the 5M log (see headroom.go)")
		gaRuns   = flag.Int("goaccess-runs", 1, "GoAccess runs with -headroom")
		geoipDB  = flag.String("geoip", "", "a country database (.mmdb): the 5M report is also run with --geoip-db FILE")
	)
	flag.Parse()
	if *quick {
		*runs = 1
	}
	if err := os.MkdirAll(*outDir, 0o755); err != nil {
		fatal(err)
	}
	gaPath, gaErr := exec.LookPath(*goaccess)
	sizes := map[string]int{"1M": 1_000_000, "5M": 5_000_000, "distinct": 5_000_000}
	if *quick {
		sizes = map[string]int{"1M": 20_000, "5M": 50_000, "distinct": 50_000}
	}
	gen := func(name string, n int, extra ...string) string {
		path := filepath.Join(*outDir, fmt.Sprintf("%s-%d.log", name, n))
		if _, err := os.Stat(path); err == nil {
			return path
		}
		fmt.Fprintf(os.Stderr, "generating %s (%d lines)...\n", path, n)
		args := append([]string{*genlog, "-n", strconv.Itoa(n), "--seed", "1", "-o", path + ".tmp"}, extra...)
		if out, err := exec.Command("python3", args...).CombinedOutput(); err != nil {
			fatal(fmt.Errorf("genlog: %v\n%s", err, out))
		}
		if err := os.Rename(path+".tmp", path); err != nil {
			fatal(err)
		}
		return path
	}
	if *doRoom {
		c5 := gen("combined", sizes["5M"])
		lines, _ := countLines(c5, c5)
		if gaErr != nil {
			gaPath = ""
		}
		table, err := headroom(c5, lines, *floor, gaPath, *outDir, *runs, *gaRuns)
		if err != nil {
			fatal(err)
		}
		fmt.Print(table)
		if err := os.WriteFile(filepath.Join(*outDir, "headroom.md"), []byte(table), 0o644); err != nil {
			fatal(err)
		}
		return
	}
	c1 := gen("combined", sizes["1M"])
	c5 := gen("combined", sizes["5M"])
	iis := gen("iis", sizes["1M"], "--mode", "w3c")
	// Uniform URLs over 4× the line count: about 88 % of lines have a URL
	// of their own (4.4M distinct in 5M lines), and 1M+ distinct clients.
	many := gen("distinct", sizes["distinct"], "--urls", strconv.Itoa(4*sizes["distinct"]), "--url-zipf", "0", "--clients", strconv.Itoa(sizes["distinct"]/4))
	gz := compress(c1, ".gz")
	zst := compress(c1, ".zst")

	report := func(file, tag string, extra ...string) command {
		out := filepath.Join(*outDir, "webalyze-"+tag+".html")
		return command{tool: "webalyze report" + suffix(extra), out: out,
			args: append(append([]string{*webalyze, "report", "-q", "-o", out}, extra...), file), ok: webalyzeOK}
	}
	summary := func(file string, extra ...string) command {
		return command{tool: "webalyze summary --json" + suffix(extra),
			args: append(append([]string{*webalyze, "summary", "--json"}, extra...), file), ok: webalyzeOK}
	}
	fl := func(file string) command {
		return command{tool: "floor", args: []string{*floor, file}, ok: exitZero}
	}
	// The parsing floor: webalyze's reader and parser, two workers, no
	// aggregation.
	pfl := func(file, format string) command {
		return command{tool: parseFloorTool, args: []string{*floor, "-parse", format, "-workers", "2", file}, ok: exitZero}
	}
	ga := func(file, tag string) []command {
		if gaErr != nil {
			return nil
		}
		out := filepath.Join(*outDir, "goaccess-"+tag+".html")
		lines, _ := countLines(file, file)
		return []command{{tool: "goaccess", out: out, ok: func(exit int, out string) error { return goaccessOK(exit, out, lines) },
			args: []string{gaPath, file, "--log-format=COMBINED", "--no-global-config", "-o", out}}}
	}
	geoReport := func(file string) []command {
		if *geoipDB == "" {
			return nil
		}
		return []command{report(file, "c5geo", "--geoip-db", *geoipDB)}
	}
	// The machine's own ceiling for two workers: two one-worker runs side
	// by side, each on half of the log, share the cores, caches and memory
	// as two workers do, but nothing else.
	h1, h2 := halves(c1)
	pair := command{tool: pairTool, ok: webalyzeOK, args: []string{"sh", "-c",
		`"$0" report -q --workers 1 -o "$1" "$2" & p=$!; "$0" report -q --workers 1 -o "$3" "$4"; s=$?; wait $p || exit $?; exit $s`,
		*webalyze, filepath.Join(*outDir, "webalyze-h1.html"), h1, filepath.Join(*outDir, "webalyze-h2.html"), h2}}
	cases := []bcase{
		{name: "combined " + label(sizes["1M"]), file: c1, cmds: append([]command{report(c1, "c1"), summary(c1), fl(c1), pfl(c1, "combined"),
			report(c1, "c1w1", "--workers", "1"), report(c1, "c1w2", "--workers", "2"), pair}, ga(c1, "c1")...)},
		// The visitor panels side by side: the report with them (the
		// default), without any, without the agents and visits (the
		// panels the budget names, with countries), without the visits,
		// and with countries when a database is given (see
		// docs/performance.md, "Visitor panels").
		{name: "combined " + label(sizes["5M"]), file: c5, cmds: append(append([]command{report(c5, "c5"),
			report(c5, "c5np", "--no-visitor-panels"), report(c5, "c5na", "--no-agents", "--no-visits"),
			report(c5, "c5nv", "--no-visits")}, geoReport(c5)...),
			append([]command{summary(c5), fl(c5), pfl(c5, "combined")}, ga(c5, "c5")...)...)},
		{name: "iis " + label(sizes["1M"]), file: iis, cmds: []command{report(iis, "iis", "-f", "iis"), summary(iis, "-f", "iis"), fl(iis), pfl(iis, "iis")}},
		{name: "combined " + label(sizes["1M"]) + " .gz", file: gz, cmds: []command{report(gz, "gz"), fl(gz)}},
		{name: "combined " + label(sizes["1M"]) + " .zst", file: zst, cmds: []command{report(zst, "zst"), fl(zst)}},
		{name: "distinct " + label(sizes["distinct"]), file: many, cmds: []command{report(many, "many")}},
	}
	var results []result
	for i := range cases {
		c := &cases[i]
		c.lines, c.bytes = countLines(c.file, c1, gz, zst)
		per := make([][]measure, len(c.cmds))
		notes := make([]string, len(c.cmds))
		for run := range *runs {
			for k, cmd := range c.cmds { // alternate: one run of each tool in turn
				fmt.Fprintf(os.Stderr, "%s: %s (run %d)\n", c.name, cmd.tool, run+1)
				m, note, err := runOnce(cmd)
				if err != nil {
					fatal(fmt.Errorf("%s: %s: %w", c.name, cmd.tool, err))
				}
				per[k] = append(per[k], m)
				if note != "" {
					notes[k] = note
				}
			}
		}
		for k, cmd := range c.cmds {
			var walls, cpus []time.Duration
			var rss []int64
			for _, m := range per[k] {
				walls, cpus, rss = append(walls, m.wall), append(cpus, m.cpu), append(rss, m.rssKiB)
			}
			results = append(results, result{caseName: c.name, tool: cmd.tool, lines: c.lines, bytes: c.bytes,
				wall: median(walls), cpu: median(cpus), rssKiB: medianInt(rss), note: notes[k]})
		}
	}
	table := formatTable(results, *runs)
	if gaErr != nil {
		table += "\nGoAccess not found: install Debian's goaccess for the comparison.\n"
	}
	fmt.Print(table)
	if err := os.WriteFile(filepath.Join(*outDir, "bench.md"), []byte(table), 0o644); err != nil {
		fatal(err)
	}
}

func label(n int) string {
	if n%1_000_000 == 0 {
		return strconv.Itoa(n/1_000_000) + "M lines"
	}
	return strconv.Itoa(n/1000) + "k lines"
}

func suffix(extra []string) string {
	if len(extra) == 0 {
		return ""
	}
	return " " + strings.Join(extra, " ")
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "benchcmp:", err)
	os.Exit(1)
}

// runOnce runs cmd with its output discarded and measures it.
func runOnce(cmd command) (measure, string, error) {
	c := exec.Command(cmd.args[0], cmd.args[1:]...)
	c.Stdout = io.Discard
	var stderr bytes.Buffer
	c.Stderr = &stderr
	start := time.Now()
	err := c.Run()
	wall := time.Since(start)
	exit := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		exit = ee.ExitCode()
	} else if err != nil {
		return measure{}, "", err
	}
	cpu, rss := rusage(c.ProcessState)
	note := ""
	if cerr := cmd.ok(exit, cmd.out); cerr != nil {
		return measure{}, "", fmt.Errorf("%v; stderr: %.500s", cerr, stderr.String())
	}
	if exit == 3 {
		note = "exit 3: data errors"
	}
	return measure{wall: wall, cpu: cpu, rssKiB: rss}, note, nil
}

func exitZero(exit int, _ string) error {
	if exit != 0 {
		return fmt.Errorf("exit status %d", exit)
	}
	return nil
}

// webalyzeOK accepts 0 and 3 (completed with data errors: genlog writes a
// few junk lines on purpose).
func webalyzeOK(exit int, _ string) error {
	if exit != 0 && exit != 3 {
		return fmt.Errorf("exit status %d", exit)
	}
	return nil
}

// goaccessOK checks that GoAccess wrote a complete report: a large HTML
// file that ends its document and whose embedded total_requests is the
// number of lines of the input (wantLines; 0 skips that check).
func goaccessOK(exit int, out string, wantLines int64) error {
	if exit != 0 {
		return fmt.Errorf("exit status %d", exit)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		return err
	}
	if len(b) < 100_000 || !bytes.Contains(b, []byte("</html>")) {
		return fmt.Errorf("GoAccess's report %s is incomplete (%d bytes)", out, len(b))
	}
	if wantLines > 0 {
		if n := goaccessTotal(b); n != wantLines {
			return fmt.Errorf("GoAccess's report %s counts %d requests, the input has %d lines", out, n, wantLines)
		}
	}
	return nil
}

// goaccessTotal returns the largest "total_requests" number embedded in a
// GoAccess HTML report (-1 when there is none).
func goaccessTotal(b []byte) int64 {
	best := int64(-1)
	key := []byte(`"total_requests":`)
	for {
		i := bytes.Index(b, key)
		if i < 0 {
			return best
		}
		b = bytes.TrimLeft(b[i+len(key):], " ")
		j := 0
		for j < len(b) && b[j] >= '0' && b[j] <= '9' {
			j++
		}
		if n, err := strconv.ParseInt(string(b[:j]), 10, 64); err == nil && n > best {
			best = n
		}
	}
}

// parseFloorTool names the parsing floor: `floor -parse`, webalyze's
// reader and parser on two workers with nothing counted but statuses.
const parseFloorTool = "floor -parse (webalyze's parser, 2 workers, no aggregation)"

// pairTool names the two side-by-side one-worker runs on the halves of a
// log. Their CPU is the sum of both, their peak RSS the larger one's.
const pairTool = "2 x webalyze report --workers 1, a half each, side by side"

// halves cuts path at the first line end after its middle byte and writes
// the two parts (cached), streaming: see countLines on why the harness
// must stay small.
func halves(path string) (string, string) {
	a, b := path+".h1", path+".h2"
	if _, err := os.Stat(b); err == nil {
		return a, b
	}
	in, err := os.Open(path)
	if err != nil {
		fatal(err)
	}
	defer in.Close()
	st, err := in.Stat()
	if err != nil {
		fatal(err)
	}
	// The cut: the first LF at or after the middle.
	mid := st.Size() / 2
	buf := make([]byte, 64<<10)
	for {
		n, err := in.ReadAt(buf, mid)
		if i := bytes.IndexByte(buf[:n], '\n'); i >= 0 {
			mid += int64(i) + 1
			break
		}
		mid += int64(n)
		if err != nil {
			break // no LF after the middle: the second half is empty
		}
	}
	for _, part := range []struct {
		name     string
		from, to int64
	}{{a, 0, mid}, {b, mid, st.Size()}} {
		f, err := os.Create(part.name + ".tmp")
		if err != nil {
			fatal(err)
		}
		if _, err := io.Copy(f, io.NewSectionReader(in, part.from, part.to-part.from)); err != nil {
			fatal(err)
		}
		if err := cmp.Or(f.Close(), os.Rename(part.name+".tmp", part.name)); err != nil {
			fatal(err)
		}
	}
	return a, b
}

// compress writes a .gz or .zst copy of path (cached).
func compress(path, ext string) string {
	out := path + ext
	if _, err := os.Stat(out); err == nil {
		return out
	}
	in, err := os.Open(path)
	if err != nil {
		fatal(err)
	}
	defer in.Close()
	f, err := os.Create(out + ".tmp")
	if err != nil {
		fatal(err)
	}
	var w io.WriteCloser
	if ext == ".gz" {
		w = gzip.NewWriter(f)
	} else if w, err = zstd.NewWriter(f); err != nil {
		fatal(err)
	}
	if _, err := io.Copy(w, in); err != nil {
		fatal(err)
	}
	if err := cmp.Or(w.Close(), f.Close()); err != nil {
		fatal(err)
	}
	if err := os.Rename(out+".tmp", out); err != nil {
		fatal(err)
	}
	return out
}

// countLines returns the lines and uncompressed bytes of file (for a
// compressed copy, those of the plain original). It streams: the harness
// must stay small, since a child's peak RSS as the kernel reports it can
// include what its parent held when it was forked.
func countLines(file, plain string, compressed ...string) (int64, int64) {
	if slices.Contains(compressed, file) && file != plain {
		file = plain
	}
	if c, ok := counted[file]; ok {
		return c[0], c[1]
	}
	lines, size := countFile(file)
	counted[file] = [2]int64{lines, size}
	return lines, size
}

// counted caches countLines: a 5M-line log is 1.2 GB to read again.
var counted = map[string][2]int64{}

// countFile streams file and counts its lines and bytes.
func countFile(file string) (int64, int64) {
	f, err := os.Open(file)
	if err != nil {
		fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 1<<20)
	var lines, size int64
	for {
		n, err := f.Read(buf)
		lines += int64(bytes.Count(buf[:n], []byte{'\n'}))
		size += int64(n)
		if err == io.EOF {
			return lines, size
		}
		if err != nil {
			fatal(err)
		}
	}
}

// formatTable renders the results and the ratios as Markdown.
func formatTable(rs []result, runs int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "| case | tool | wall (median of %d) | CPU | peak RSS | lines/s | MB/s | note |\n|---|---|---:|---:|---:|---:|---:|---|\n", runs)
	for _, r := range rs {
		fmt.Fprintf(&b, "| %s | %s | %.2f s | %.2f s | %.0f MiB | %.0f | %.1f | %s |\n", r.caseName, r.tool,
			r.wall.Seconds(), r.cpu.Seconds(), float64(r.rssKiB)/1024, r.linesPerSec(), r.mbPerSec(), r.note)
	}
	find := func(casePrefix, tool string) *result {
		for i := range rs {
			if strings.HasPrefix(rs[i].caseName, casePrefix) && rs[i].tool == tool {
				return &rs[i]
			}
		}
		return nil
	}
	b.WriteString("\n| ratio | value | target |\n|---|---:|---:|\n")
	row := func(name string, a, c *result, value func(a, c *result) float64, target string) {
		if a == nil || c == nil {
			return
		}
		fmt.Fprintf(&b, "| %s | %.2f | %s |\n", name, value(a, c), target)
	}
	thr := func(a, c *result) float64 { return ratio(a.linesPerSec(), c.linesPerSec()) }
	rss := func(a, c *result) float64 { return ratio(float64(a.rssKiB), float64(c.rssKiB)) }
	for _, size := range []string{"combined 5M", "combined 1M", "combined 50k", "combined 20k"} {
		row("report throughput / GoAccess ("+size+")", find(size, "webalyze report"), find(size, "goaccess"), thr, "≥ 50")
		row("report peak RSS / GoAccess ("+size+")", find(size, "webalyze report"), find(size, "goaccess"), rss, "≤ 0.25")
		row("report throughput / floor ("+size+")", find(size, "webalyze report"), find(size, "floor"), thr, "≥ 0.33")
		row("summary --json throughput / floor ("+size+")", find(size, "webalyze summary --json"), find(size, "floor"), thr, "≥ 0.5")
		row("parsing floor throughput / floor ("+size+")", find(size, parseFloorTool), find(size, "floor"), thr, "—")
		row("report throughput / parsing floor ("+size+")", find(size, "webalyze report"), find(size, parseFloorTool), thr, "—")
		// The visitor panels' budget (issue 19): wall time with the
		// agents, visits and countries over the report without them (the
		// other panels on), as the budget reads; and the report with all
		// panels, and with countries, over the report with none.
		noPanels := find(size, "webalyze report --no-visitor-panels")
		noBudgeted := find(size, "webalyze report --no-agents --no-visits")
		wall := func(a, c *result) float64 { return ratio(a.wall.Seconds(), c.wall.Seconds()) }
		var withGeo *result
		for i := range rs {
			if strings.HasPrefix(rs[i].caseName, size) && strings.HasPrefix(rs[i].tool, "webalyze report --geoip-db") {
				withGeo = &rs[i]
			}
		}
		row("report --geoip-db / report --no-agents --no-visits wall time ("+size+")", withGeo, noBudgeted, wall, "≤ 1.15")
		row("report / report --no-agents --no-visits wall time ("+size+")", find(size, "webalyze report"), noBudgeted, wall, "—")
		row("report / report --no-visitor-panels wall time ("+size+")", find(size, "webalyze report"), noPanels, wall, "—")
		row("report --geoip-db / report --no-visitor-panels wall time ("+size+")", withGeo, noPanels, wall, "—")
	}
	for _, size := range []string{"combined 1M", "combined 20k"} {
		plain := find(size+" lines", "webalyze report")
		if plain == nil {
			continue
		}
		walls := func(a, c *result) float64 { return ratio(a.wall.Seconds(), c.wall.Seconds()) }
		row("IIS / combined wall time per line", find("iis", "webalyze report -f iis"), plain, func(a, c *result) float64 {
			return ratio(a.wall.Seconds()/float64(a.lines), c.wall.Seconds()/float64(c.lines))
		}, "≤ 1.5")
		row(".gz / plain wall time", find(size+" lines .gz", "webalyze report"), plain, walls, "≤ 1.5")
		row(".zst / plain wall time", find(size+" lines .zst", "webalyze report"), plain, walls, "≤ 1.5")
		row("2 workers / 1 worker throughput", find(size+" lines", "webalyze report --workers 2"), find(size+" lines", "webalyze report --workers 1"), thr, "≥ 1.7")
		row("ceiling: 2 one-worker runs on halves / 1 worker", find(size+" lines", pairTool), find(size+" lines", "webalyze report --workers 1"), thr, "—")
	}
	return b.String()
}
