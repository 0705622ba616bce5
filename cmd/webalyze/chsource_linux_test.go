//go:build linux

package main

// Tests of --clickhouse through the built binary, against a private
// clickhouse-server (skipped when it is not installed).

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/webalyze/webalyze/aggregate/clickhouse"
	"github.com/webalyze/webalyze/aggregate/clickhouse/chserver"
	"github.com/webalyze/webalyze/parser"
)

// chSamples are the bundled samples the ClickHouse tests load.
var chSamples = []string{"apache-vhost.log", "iis-u_ex240304.log", "nginx-access.log", "nginx-access.log.1.gz", "nginx-timed.log"}

// chTable starts a server, loads the samples into web.requests with the
// package's Loader (each file's format detected as a local run does) and
// returns the server's URL for database web.
func chTable(t *testing.T) (srvURL string, files []string) {
	t.Helper()
	u, c := chDatabase(t)
	for _, name := range chSamples {
		path, err := filepath.Abs(filepath.Join("..", "..", "testdata", "samples", name))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, path)
	}
	loadFiles(t, c, 700, files)
	return u, files
}

// chDatabase starts a server with an empty database web and returns its
// URL and a client for it.
func chDatabase(t testing.TB) (string, *clickhouse.Client) {
	t.Helper()
	if testing.Short() {
		t.Skip("starts clickhouse-server")
	}
	srv := chserver.Start(t, chserver.Options{})
	ctx := context.Background()
	root, err := clickhouse.Open(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	if err := root.Exec(ctx, "create database", "CREATE DATABASE web"); err != nil {
		t.Fatal(err)
	}
	u := srv.URL + "?database=web"
	c, err := clickhouse.Open(u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return u, c
}

// loadFiles loads the parsed records of files (each file's format
// detected as a local run does) into c's table "requests".
func loadFiles(t testing.TB, c *clickhouse.Client, batchRows int, files []string) {
	t.Helper()
	ctx := context.Background()
	l, err := clickhouse.NewLoader(ctx, c, clickhouse.LoaderOptions{BatchRows: batchRows})
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range files {
		data := readAll(t, path)
		if err := l.Begin(ctx, clickhouse.Source{Name: path, ID: "test:" + path}, 0); err != nil {
			t.Fatal(err)
		}
		d := parser.Detect(data[:min(len(data), 64<<10)], parser.AutoCandidates(nil))
		if d.Format == nil {
			t.Fatalf("%s: no format detected", path)
		}
		p := d.Format.NewParser()
		var rec parser.Record
		chunk := parser.Chunk{Data: data, Line: 1}
		it := chunk.Lines()
		for line, ok := it.Next(); ok; line, ok = it.Next() {
			if parser.IsBlank(line) || p.Parse(line, &rec).Kind != parser.Parsed {
				continue
			}
			end := int64(len(data))
			if i := bytes.IndexByte(data[it.Offset:], '\n'); i >= 0 {
				end = it.Offset + int64(i) + 1
			}
			if err := l.Add(ctx, &rec, clickhouse.Position{Line: it.Line, Offset: it.Offset, End: end}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := l.Close(ctx); err != nil {
		t.Fatal(err)
	}
}

// readAll returns the decompressed content of a file.
func readAll(t testing.TB, path string) []byte {
	t.Helper()
	in, err := parser.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	data, err := io.ReadAll(in)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// chDifferent are the JSON model's members a ClickHouse run leaves as
// documented: the lines accounting (lines = rows), the formats and what
// names the run.
var chDifferent = []string{"lines", "malformed_reasons", "skipped_reasons", "formats", "generator", "diagnostics"}

// sameModel compares two JSON models but for chDifferent; it returns
// the parsed ClickHouse model.
func sameModel(t *testing.T, what string, ch, local []byte) map[string]any {
	t.Helper()
	var a, b map[string]any
	if err := json.Unmarshal(ch, &a); err != nil {
		t.Fatalf("%s from ClickHouse: %v\n%s", what, err, ch)
	}
	if err := json.Unmarshal(local, &b); err != nil {
		t.Fatalf("%s local: %v", what, err)
	}
	for _, k := range chDifferent {
		delete(a, k)
		delete(b, k)
	}
	// The visits' capacity of open visits: the server has none (0).
	if va, ok := a["visits"].(map[string]any); ok {
		if va["capacity"] != 0.0 {
			t.Errorf("%s: visits capacity %v from ClickHouse, want 0", what, va["capacity"])
		}
		if vb, ok := b["visits"].(map[string]any); ok {
			delete(va, "capacity")
			delete(vb, "capacity")
		}
	}
	estimatesClose(t, what, a, b)
	for k := range b {
		if !reflect.DeepEqual(a[k], b[k]) {
			path, x, y := firstDiff(k, a[k], b[k])
			t.Errorf("%s: %s differs: clickhouse %.300s, local %.300s", what, path, x, y)
		}
	}
	for k := range a {
		if _, ok := b[k]; !ok {
			t.Errorf("%s: %q only from ClickHouse", what, k)
		}
	}
	return a
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

func num(v any) float64 {
	f, _ := v.(float64)
	return f
}

// firstDiff names the first place where two JSON values differ.
func firstDiff(path string, a, b any) (string, string, string) {
	switch y := b.(type) {
	case map[string]any:
		if x, ok := a.(map[string]any); ok && len(x) == len(y) {
			keys := slices.Sorted(maps.Keys(y))
			for _, k := range keys {
				if !reflect.DeepEqual(x[k], y[k]) {
					return firstDiff(path+"."+k, x[k], y[k])
				}
			}
		}
	case []any:
		if x, ok := a.([]any); ok && len(x) == len(y) {
			for i := range y {
				if !reflect.DeepEqual(x[i], y[i]) {
					return firstDiff(fmt.Sprintf("%s[%d]", path, i), x[i], y[i])
				}
			}
		}
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return path, string(ja), string(jb)
}

// estimatesClose walks two JSON models side by side and takes out the
// rows' visitor counts that the local run estimated (visitors_exact
// false), once checked: ClickHouse counts them exactly, the State with a
// HyperLogLog of about 6.5 % standard error (4 of them allowed).
func estimatesClose(t *testing.T, what string, ch, local any) {
	t.Helper()
	switch l := local.(type) {
	case map[string]any:
		c, ok := ch.(map[string]any)
		if !ok {
			return
		}
		if ex, ok := l["visitors_exact"].(bool); ok && !ex {
			x, _ := c["visitors"].(float64)
			y, _ := l["visitors"].(float64)
			// The "(others)" row of a panel cut at --top counts no
			// visitors on either side.
			same := c["visitors_exact"] == false && x == y && c["name"] == l["name"]
			if !same && (c["visitors_exact"] != true || math.Abs(x-y) > 0.26*x) {
				t.Errorf("%s: row %v: %v visitors (exact %v), local estimate %v", what, c["key"], x, c["visitors_exact"], y)
			}
			for _, k := range []string{"visitors", "visitors_exact"} {
				delete(c, k)
				delete(l, k)
			}
		}
		if l["exact"] == false && c["exact"] == false {
			// A list cut past its capacity: each side states its own
			// bound (Space-Saving's locally, the last row's hits from
			// ClickHouse). A local row may overstate its requests by
			// its err, and its bytes are those of the keys it replaced:
			// the rows are checked against those bounds and taken out.
			exact := map[any]float64{}
			for _, r := range asList(c["rows"]) {
				m, _ := r.(map[string]any)
				exact[m["key"]] = num(m["requests"])
			}
			for _, r := range asList(l["rows"]) {
				m, _ := r.(map[string]any)
				n, ok := exact[m["key"]]
				if ok && (n > num(m["requests"]) || n < num(m["requests"])-num(m["err"])) {
					t.Errorf("%s: %v: %v requests, local %v (err %v)", what, m["key"], n, m["requests"], m["err"])
				}
			}
			for _, k := range []string{"error_bound", "rows"} {
				delete(c, k)
				delete(l, k)
			}
		}
		if l["path"] != nil && l["what"] != nil && l["error"] != nil {
			// An estimate's text states the list's own bound.
			delete(c, "error")
			delete(l, "error")
		}
		if _, ok := l["p50_ms"]; ok {
			// Latency quantiles are estimates on both sides, each
			// within its rel_err (the count and maximum are exact).
			rel := num(c["rel_err"]) + num(l["rel_err"])
			for _, k := range []string{"p50_ms", "p90_ms", "p95_ms", "p99_ms"} {
				x, y := num(c[k]), num(l[k])
				if math.Abs(x-y) > rel*max(x, y)+0.001 {
					t.Errorf("%s: latency %v: %s %v, local %v (over %.2f%%)", what, c["scope"], k, x, y, 100*rel)
				}
			}
			for _, k := range []string{"p50_ms", "p90_ms", "p95_ms", "p99_ms", "rel_err"} {
				delete(c, k)
				delete(l, k)
			}
		}
		for k, v := range l {
			estimatesClose(t, what, c[k], v)
		}
	case []any:
		c, ok := ch.([]any)
		if !ok {
			return
		}
		for i := range min(len(c), len(l)) {
			estimatesClose(t, what, c[i], l[i])
		}
	}
}

func TestClickHouseSource(t *testing.T) {
	u, files := chTable(t)
	dir := t.TempDir()
	run := func(t *testing.T, args ...string) binResult {
		t.Helper()
		r := runBinary(t, dir, args...)
		if r.code != 0 && r.code != 1 {
			t.Fatalf("%v: exit %d\n%s", args, r.code, r.stderr)
		}
		return r
	}
	ch := []string{"--clickhouse", u}

	demoDB, err := filepath.Abs(filepath.Join("..", "..", "testdata", "geo", "demo.mmdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Run("summary", func(t *testing.T) {
		all := 0.0
		for _, extra := range [][]string{nil, {"--tz", "America/New_York", "--top", "7", "--drill-all-codes"},
			{"--since", "-30m", "--relative-to", "end"}, {"--exclude-bots", "--top", "9"}, {"--no-visitor-panels"},
			{"--geoip-db", demoDB, "--top", "3"}, {"--visit-timeout", "2m", "--tz", "Asia/Kolkata"}, {"--no-visits"}, {"--no-agents"}} {
			local := run(t, append(append([]string{"summary", "--json"}, extra...), files...)...)
			remote := run(t, append(append([]string{"summary", "--json"}, extra...), ch...)...)
			m := sameModel(t, fmt.Sprint("summary --json ", extra), []byte(remote.stdout), []byte(local.stdout))
			n := num(m["requests"])
			if extra == nil {
				all = n
			}
			if n == 0 || extra != nil && (extra[0] == "--since" || extra[0] == "--exclude-bots") && n >= all {
				t.Errorf("summary %v: %v requests of %v", extra, n, all)
			}
			if v, _ := m["visits"].(map[string]any); (v == nil) != (extra != nil && (extra[0] == "--no-visits" || extra[0] == "--no-visitor-panels")) ||
				v != nil && num(v["visits"]) == 0 {
				t.Errorf("summary %v: visits %v", extra, m["visits"])
			}
			if a, _ := m["agent_panels"].(map[string]any); (a == nil) != (extra != nil && (extra[0] == "--no-agents" || extra[0] == "--no-visitor-panels")) {
				t.Errorf("summary %v: agent_panels %.80v", extra, m["agent_panels"])
			}
			if extra != nil && extra[0] == "--geoip-db" && (m["geo"] == nil || len(asList(m["geo"].(map[string]any)["networks"].(map[string]any)["rows"])) != 3) {
				t.Errorf("--geoip-db: geo %v", m["geo"])
			}
			if !strings.Contains(remote.stderr, "lines = rows") {
				t.Errorf("stderr does not say lines = rows: %s", remote.stderr)
			}
		}
	})
	t.Run("report", func(t *testing.T) {
		run(t, append([]string{"report", "-o", "local.json"}, files...)...)
		run(t, append([]string{"report", "-o", "ch.json"}, ch...)...)
		local, _ := os.ReadFile(filepath.Join(dir, "local.json"))
		remote, _ := os.ReadFile(filepath.Join(dir, "ch.json"))
		m := sameModel(t, "report -o x.json", remote, local)
		if v, _ := m["visits"].(map[string]any); v == nil || num(v["visits"]) == 0 || len(asList(v["entry_pages"].(map[string]any)["rows"])) == 0 {
			t.Errorf("report -o x.json: no visits from ClickHouse: %v", m["visits"])
		}
	})
	same := func(t *testing.T, what string, local, remote binResult) {
		t.Helper()
		if local.code != remote.code || local.stdout != remote.stdout {
			t.Errorf("%s: exit %d from ClickHouse, %d local; stdout differs:\nclickhouse:\n%s\nlocal:\n%s", what, remote.code, local.code, remote.stdout, local.stdout)
		}
	}
	t.Run("check", func(t *testing.T) {
		for _, args := range [][]string{
			{"check", "--max", "5xx=1%", "--window", "5m"},
			{"check", "--max", "5xx=1%", "--max", "404.0=1", "--warn", "503.2=1", "--window", "5m"},
			{"check", "--max", "5xx=90%", "--max", "401.2=3", "--window", "10m"},
			{"check", "--max", "5xx=1%", "--max", "404.7=5"},
			{"check", "--max", "5xx=1%", "--window", "5m", "--since", "-1h", "--relative-to", "end", "--nagios"},
		} {
			local := run(t, append(args, files...)...)
			remote := run(t, append(args, ch...)...)
			same(t, fmt.Sprint(args), local, remote)
			if local.stdout == "" {
				t.Errorf("%v: no output", args)
			}
		}
	})
	t.Run("timeline", func(t *testing.T) {
		for _, args := range [][]string{
			{"timeline"}, {"timeline", "--json", "--step", "5m", "--tz", "Asia/Kolkata"},
			{"timeline", "--since", "2024-03-05 13:00", "--until", "2024-03-05 15:00", "--top", "5"},
		} {
			local := run(t, append(args, files...)...)
			remote := run(t, append(args, ch...)...)
			same(t, fmt.Sprint(args), local, remote)
		}
	})
	t.Run("usage", func(t *testing.T) {
		for _, c := range []struct {
			args []string
			want string // in stderr
		}{
			{append([]string{"summary", "--clickhouse", u}, files[0]), "no FILE"},
			{[]string{"report", "-o", "x.json", "--clickhouse", u, "--state", "x.state"}, "--state"},
			{[]string{"summary", "--clickhouse", u, "--site", "example.org"}, "--site"},
			{[]string{"report", "-o", "x.json", "--clickhouse", u, "--table", "no_such_table"}, "no_such_table"},
			{[]string{"summary", "--clickhouse", u, "--table", "bad;name"}, "bad;name"},
			{[]string{"summary", "--clickhouse", u, "--tz", "Local"}, "Local"},
			{[]string{"summary", "--clickhouse", u, "--exclude-bots", "--no-visitor-panels"}, "--exclude-bots"},
			{[]string{"summary", "--clickhouse", u, "--geoip-db", "no-such.mmdb"}, "no-such.mmdb"},
			{[]string{"timeline", "--clickhouse", "ftp://x/"}, "http://"},
		} {
			r := runBinary(t, dir, c.args...)
			if r.code != exitUsage || r.stdout != "" || !strings.Contains(r.stderr, "webalyze:") || !strings.Contains(r.stderr, c.want) {
				t.Errorf("%v: exit %d, stdout %q, stderr %q; want a usage error naming %q", c.args, r.code, r.stdout, r.stderr, c.want)
			}
			if strings.Contains(c.want, "no_such") {
				if !strings.Contains(r.stderr, u) {
					t.Errorf("the error does not name the URL %s: %s", u, r.stderr)
				}
			}
		}
		if _, err := os.Stat(filepath.Join(dir, "x.json")); err == nil {
			t.Error("x.json written by a failed run")
		}
	})
}

// A server that is down is exit 2, with a message that names the URL
// without its password, for every command; nothing is written.
func TestClickHouseSourceDown(t *testing.T) {
	dir := t.TempDir()
	port := closedPort(t)
	const secret = "s3cr3t-Pa55"
	for _, args := range [][]string{
		{"summary", "--json"}, {"report", "-o", "x.html"}, {"check", "--max", "5xx=1%", "--window", "5m"},
		{"timeline"}, {"summary", "--since", "-1h", "--relative-to", "end"},
	} {
		for _, env := range []bool{false, true} {
			u := fmt.Sprintf("http://web:%s@127.0.0.1:%d/?database=web", secret, port)
			if env {
				u = fmt.Sprintf("http://web@127.0.0.1:%d/?database=web", port)
			}
			cmd := exec.Command(binary(t), append(args, "--clickhouse", u)...)
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), clickhouse.PasswordEnv+"="+secret)
			var out, errb bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errb
			cmd.Run()
			code := cmd.ProcessState.ExitCode()
			stderr := errb.String()
			want := fmt.Sprintf("http://web:xxxxx@127.0.0.1:%d/", port)
			if code != exitUsage || out.Len() != 0 || !strings.Contains(stderr, want) || strings.Contains(stderr, secret) {
				t.Errorf("%v (password in env %v): exit %d, stdout %q, stderr %q; want exit 2 naming %s, no password", args, env, code, out.String(), stderr, want)
			}
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) > 0 {
		t.Errorf("a failed run wrote %v", ents)
	}
}

// closedPort returns a loopback TCP port nothing listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port
}

// TestClickHouseSourceLog compares summary --json from ClickHouse with a
// local run on a big log named by $WEBALYZE_CLICKHOUSE_LOG (e.g. from
// ../shared/bench/genlog.py), and logs the time each takes.
func TestClickHouseSourceLog(t *testing.T) {
	path := os.Getenv("WEBALYZE_CLICKHOUSE_LOG")
	if path == "" {
		t.Skip("set WEBALYZE_CLICKHOUSE_LOG to a log file to run")
	}
	path, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	u, c := chDatabase(t)
	start := time.Now()
	loadFiles(t, c, 0, []string{path})
	t.Logf("loaded in %v (test loader)", time.Since(start).Round(time.Millisecond))
	dir := t.TempDir()
	timed := func(args ...string) (binResult, time.Duration) {
		best := time.Duration(math.MaxInt64)
		var r binResult
		for range 3 {
			start := time.Now()
			r = runBinary(t, dir, args...)
			best = min(best, time.Since(start))
			if r.code > 3 || r.code == exitUsage {
				t.Fatalf("%v: exit %d\n%s", args, r.code, r.stderr)
			}
		}
		return r, best
	}
	local, lt := timed("summary", "--json", path)
	remote, rt := timed("summary", "--json", "--clickhouse", u)
	t.Logf("summary --json, best of 3: local %v, from ClickHouse %v", lt.Round(time.Millisecond), rt.Round(time.Millisecond))
	sameModel(t, "summary --json", []byte(remote.stdout), []byte(local.stdout))
	for _, args := range [][]string{{"check", "--max", "5xx=1%", "--max", "499=2%", "--window", "5m"}, {"timeline", "--json", "--step", "5m"}} {
		local, lt := timed(append(args, path)...)
		remote, rt := timed(append(args, "--clickhouse", u)...)
		t.Logf("%v, best of 3: local %v, from ClickHouse %v", args, lt.Round(time.Millisecond), rt.Round(time.Millisecond))
		if local.code != remote.code || local.stdout != remote.stdout {
			t.Errorf("%v: exit %d from ClickHouse, %d local; the outputs differ", args, remote.code, local.code)
		}
	}
}
