package main

import (
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// The headroom mode (`benchcmp -headroom`, `make headroom`) answers "how
// fast could the report be without this part of its work?" for the parts
// the profile names: it builds webalyze again from the work tree with a
// part of its work taken out, and times those builds against the real one,
// `summary --json`, the floor and the parsing floor, in rotation, then
// GoAccess, on the 5M-line combined log. The variants compute less (or
// wrongly): they exist only in a temporary folder, for this measurement.
//
//	benchcmp -headroom               # 5 runs of each, one GoAccess run
//	benchcmp -headroom -quick        # 50k lines, one run: a smoke test

// sourceEdit replaces text in one source file of a variant: from up to
// (not including) to when to is set, else every occurrence of from, which
// must occur want times (at least once when want is 0). An edit that no
// longer matches the code fails loudly (TestHeadroomEditsApply).
type sourceEdit struct {
	file, from, to, repl string
	want                 int
}

// headroomVariant is webalyze with some of its work taken out; with
// summary its `summary --json` is timed too.
type headroomVariant struct {
	name, leaves string
	edits        []sourceEdit
	summary      bool
}

var (
	noLists = []sourceEdit{
		{file: "aggregate/state.go", from: "\tsink := s.Agents.Peek(hAgent, visitor)", to: "\ts.sink = sink\n",
			repl: "\tvar sink uint64\n"},
		{file: "aggregate/state.go", from: "\ts.route(shardOp{list: shardURLs", to: "\tif rec.HasDuration {\n\t\ts.Latency.AddIndex",
			repl: "\t_, _, _ = hPath, hRef, hQuery\n"},
	}
	noEntryVisitors = []sourceEdit{
		{file: "aggregate/sketch/topk.go", from: "e.Visitors.Add(visitor)", repl: "_ = visitor", want: 3},
	}
	noKeyCompares = []sourceEdit{
		{file: "aggregate/sketch/keyindex.go", from: "entries[i].Key == string(key) {", repl: "len(entries[i].Key) == len(key) {", want: 1},
		{file: "aggregate/sketch/topk.go", from: "t.Entries[i].Key == string(key)", repl: "len(t.Entries[i].Key) == len(key)", want: 3},
		{file: "aggregate/sketch/topk.go", from: "\t\tprefetch2(p, unsafe.Add(p, n-1))\n", repl: "\t\t_ = p\n", want: 1},
	}
	headroomVariants = []headroomVariant{
		{name: "report", leaves: "nothing (the real one)", summary: true},
		{name: "report, no top lists", leaves: "every top list (URLs, URLs with query, clients, referrers, agents, methods, protocols, virtual hosts, drill-downs)", edits: noLists, summary: true},
		{name: "report, no visitors per entry", leaves: "the visitor counter of each top list entry", edits: noEntryVisitors},
		{name: "report, no key compares", leaves: "comparing keys in the top lists (matched by 32-bit hash tag and length: wrong results)", edits: noKeyCompares},
		{name: "report, neither", leaves: "both of the above", edits: append(append([]sourceEdit(nil), noEntryVisitors...), noKeyCompares...)},
	}
)

// applyEdits returns src with the edits for file applied.
func applyEdits(file string, src []byte, edits []sourceEdit) ([]byte, error) {
	s := string(src)
	for _, e := range edits {
		if e.file != file {
			continue
		}
		if e.to != "" {
			i := strings.Index(s, e.from)
			if i < 0 {
				return nil, fmt.Errorf("%s: %q not found", file, e.from)
			}
			j := strings.Index(s[i:], e.to)
			if j < 0 {
				return nil, fmt.Errorf("%s: %q not found after %q", file, e.to, e.from)
			}
			s = s[:i] + e.repl + s[i+j:]
			continue
		}
		n := strings.Count(s, e.from)
		if n == 0 || (e.want > 0 && n != e.want) {
			return nil, fmt.Errorf("%s: %q occurs %d times, want %d", file, e.from, n, max(e.want, 1))
		}
		s = strings.ReplaceAll(s, e.from, e.repl)
	}
	if _, err := parser.ParseFile(token.NewFileSet(), file, s, parser.SkipObjectResolution); err != nil {
		return nil, fmt.Errorf("%s after the edits: %w", file, err)
	}
	return []byte(s), nil
}

// editedFiles lists the files a variant changes, each once.
func editedFiles(v headroomVariant) []string {
	var files []string
	for _, e := range v.edits {
		if !slices.Contains(files, e.file) {
			files = append(files, e.file)
		}
	}
	return files
}

// buildVariants copies the work tree's tracked files into dir and builds
// each variant there as dir/bin/<index>, restoring the edited files after
// each build.
func buildVariants(dir string) ([]string, error) {
	out, err := exec.Command("git", "ls-files", "-z").Output()
	if err != nil {
		return nil, fmt.Errorf("git ls-files (run from the repository): %w", err)
	}
	src := filepath.Join(dir, "src")
	for _, f := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		b, err := os.ReadFile(f)
		if errors.Is(err, os.ErrNotExist) {
			continue // deleted in the work tree
		} else if err != nil {
			return nil, err
		}
		dst := filepath.Join(src, f)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(dst, b, 0o644); err != nil {
			return nil, err
		}
	}
	var bins []string
	for i, v := range headroomVariants {
		orig := map[string][]byte{}
		for _, f := range editedFiles(v) {
			b, err := os.ReadFile(filepath.Join(src, f))
			if err != nil {
				return nil, err
			}
			orig[f] = b
			edited, err := applyEdits(f, b, v.edits)
			if err != nil {
				return nil, fmt.Errorf("variant %q: %w", v.name, err)
			}
			if err := os.WriteFile(filepath.Join(src, f), edited, 0o644); err != nil {
				return nil, err
			}
		}
		bin := filepath.Join(dir, "bin", fmt.Sprint(i))
		build := exec.Command("go", "build", "-o", bin, "./cmd/webalyze")
		build.Dir = src
		if out, err := build.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("variant %q: go build: %v\n%s", v.name, err, out)
		}
		for f, b := range orig {
			if err := os.WriteFile(filepath.Join(src, f), b, 0o644); err != nil {
				return nil, err
			}
		}
		bins = append(bins, bin)
	}
	return bins, nil
}

// headroom builds the variants, runs them (and the summaries asked for)
// with the floors in rotation, then GoAccess gaRuns times when gaPath is
// set, all on log, and returns the table.
func headroom(log string, lines int64, floor, gaPath, outDir string, runs, gaRuns int) (string, error) {
	dir, err := os.MkdirTemp("", "webalyze-headroom-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	fmt.Fprintf(os.Stderr, "building %d variants in %s...\n", len(headroomVariants), dir)
	bins, err := buildVariants(dir)
	if err != nil {
		return "", err
	}
	var cmds []command
	leaves := map[string]string{} // by tool
	for i, v := range headroomVariants {
		cmds = append(cmds, command{tool: v.name, ok: webalyzeOK,
			args: []string{bins[i], "report", "-q", "-o", filepath.Join(dir, fmt.Sprintf("report-%d.html", i)), log}})
		leaves[v.name] = v.leaves
	}
	for i, v := range headroomVariants {
		if v.summary {
			cmds = append(cmds, command{tool: "summary --json" + strings.TrimPrefix(v.name, "report"), ok: webalyzeOK,
				args: []string{bins[i], "summary", "--json", log}})
		}
	}
	cmds = append(cmds,
		command{tool: parseFloorTool, ok: exitZero, args: []string{floor, "-parse", "combined", "-workers", "2", log}},
		command{tool: "floor", ok: exitZero, args: []string{floor, log}})
	per := make([][]measure, len(cmds))
	for run := range runs {
		for k, cmd := range cmds {
			fmt.Fprintf(os.Stderr, "headroom: %s (run %d)\n", cmd.tool, run+1)
			m, _, err := runOnce(cmd)
			if err != nil {
				return "", fmt.Errorf("%s: %w", cmd.tool, err)
			}
			per[k] = append(per[k], m)
		}
	}
	var gaWall time.Duration
	if gaPath != "" && gaRuns > 0 {
		out := filepath.Join(outDir, "goaccess-headroom.html")
		ga := command{tool: "goaccess", out: out, ok: func(exit int, out string) error { return goaccessOK(exit, out, lines) },
			args: []string{gaPath, log, "--log-format=COMBINED", "--no-global-config", "-o", out}}
		var walls []time.Duration
		for run := range gaRuns {
			fmt.Fprintf(os.Stderr, "headroom: goaccess (run %d)\n", run+1)
			m, _, err := runOnce(ga)
			if err != nil {
				return "", fmt.Errorf("goaccess: %w", err)
			}
			walls = append(walls, m.wall)
		}
		gaWall = median(walls)
	}
	rows := make([]headroomRow, len(cmds))
	for k, cmd := range cmds {
		var walls, cpus []time.Duration
		for _, m := range per[k] {
			walls, cpus = append(walls, m.wall), append(cpus, m.cpu)
		}
		rows[k] = headroomRow{tool: cmd.tool, leaves: leaves[cmd.tool], wall: median(walls), cpu: median(cpus)}
	}
	return formatHeadroom(rows, gaWall, runs, gaRuns), nil
}

type headroomRow struct {
	tool, leaves string
	wall, cpu    time.Duration
}

// formatHeadroom renders the rows as Markdown with each one's throughput
// against the floor (the last row), the full report (the first) and
// GoAccess (gaWall; its column is left out when 0).
func formatHeadroom(rows []headroomRow, gaWall time.Duration, runs, gaRuns int) string {
	var b strings.Builder
	floor, full := rows[len(rows)-1].wall, rows[0].wall
	fmt.Fprintf(&b, "| run | leaves out | wall (median of %d) | CPU | throughput ÷ floor | time ÷ report's |", runs)
	if gaWall > 0 {
		fmt.Fprintf(&b, " throughput ÷ GoAccess (%.1f s, median of %d) |", gaWall.Seconds(), gaRuns)
	}
	b.WriteString("\n|---|---|---:|---:|---:|---:|")
	if gaWall > 0 {
		b.WriteString("---:|")
	}
	b.WriteString("\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s | %.2f s | %.2f s | %.2f | %.2f |", r.tool, r.leaves, r.wall.Seconds(), r.cpu.Seconds(),
			ratio(floor.Seconds(), r.wall.Seconds()), ratio(r.wall.Seconds(), full.Seconds()))
		if gaWall > 0 {
			fmt.Fprintf(&b, " %.1f× |", ratio(gaWall.Seconds(), r.wall.Seconds()))
		}
		b.WriteString("\n")
	}
	return b.String()
}
