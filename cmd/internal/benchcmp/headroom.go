//go:build benchtools

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// The headroom mode (`benchcmp -headroom`, `make headroom`) answers "how
// fast could the report be without this part of its work?" for the parts
// the profile names: it builds webalyze again from the work tree with a
// part of its work taken out, and times those builds against the real one,
// `summary --json`, the floor and the parsing floor, in rotation, then
// GoAccess, on the 5M-line combined log. The variants compute less (or
// wrongly): they are built into a temporary folder, for this measurement.
//
//	benchcmp -headroom               # 5 runs of each, one GoAccess run
//	benchcmp -headroom -quick        # 50k lines, one run: a smoke test

// headroomVariant is webalyze with some of its work taken out, built with
// build tags (see aggregate/headroom.go and aggregate/sketch/headroom.go):
// the code is the same as the real build's, with constants that the
// compiler folds. With summary its `summary --json` is timed too.
type headroomVariant struct {
	name, leaves string
	tags         []string
	summary      bool
}

var headroomVariants = []headroomVariant{
	{name: "report", leaves: "nothing (the real one)", summary: true},
	{name: "report, no top lists", leaves: "every top list (URLs, URLs with query, clients, referrers, agents, methods, protocols, virtual hosts, drill-downs)", tags: []string{"headroom_nolists"}, summary: true},
	{name: "report, no visitors per entry", leaves: "the visitor counter of each top list entry", tags: []string{"headroom_noentryvisitors"}},
	{name: "report, no key compares", leaves: "comparing keys in the top lists (matched by 32-bit hash tag and length: wrong results)", tags: []string{"headroom_nokeycompares"}},
	{name: "report, neither", leaves: "both of the above", tags: []string{"headroom_noentryvisitors", "headroom_nokeycompares"}},
}

// buildArgs are the arguments of `go build` for variant v, writing bin.
func buildArgs(v headroomVariant, bin string) []string {
	return []string{"build", "-tags", strings.Join(v.tags, ","), "-o", bin, "./cmd/webalyze"}
}

// buildVariants builds each variant from the module in the current
// directory as dir/bin/<index>.
func buildVariants(dir string) ([]string, error) {
	var bins []string
	for i, v := range headroomVariants {
		bin := filepath.Join(dir, "bin", fmt.Sprint(i))
		build := exec.Command("go", buildArgs(v, bin)...)
		if out, err := build.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("variant %q (run from the repository): go build: %v\n%s", v.name, err, out)
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
