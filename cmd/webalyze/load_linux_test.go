//go:build linux

package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/webalyze/webalyze/aggregate/clickhouse/chserver"
)

// chQuery runs sql on the server at base and returns its TSV answer.
func chQuery(t *testing.T, base, sql string) string {
	t.Helper()
	resp, err := http.Post(base, "text/plain", strings.NewReader(sql))
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: %s: %s", sql, resp.Status, body)
	}
	return strings.TrimSpace(string(body))
}

// loadServer starts a private server with an empty database web and
// returns its URL for --clickhouse.
func loadServer(t *testing.T) (srv *chserver.Server, chURL string) {
	srv = chserver.Start(t, chserver.Options{})
	chQuery(t, srv.URL, "CREATE DATABASE web")
	return srv, srv.URL + "?database=web"
}

func chCount(t *testing.T, srv *chserver.Server, sql string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(chQuery(t, srv.URL+"?database=web", sql), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestLoadSamples loads every bundled sample and counts in SQL: as many
// rows as summary --json has requests, the same status counts; a second
// load without --state replaces the rows, and with --state a rerun
// inserts nothing.
func TestLoadSamples(t *testing.T) {
	srv, chURL := loadServer(t)
	samples, _ := filepath.Abs(sample)
	files, _ := filepath.Glob(filepath.Join(samples, "*.log*"))
	dir := t.TempDir()
	code, want, _ := summary(t, files...)
	for _, run := range []struct {
		name     string
		state    bool
		inserted int64
	}{
		{"first", false, want.Requests},
		{"again", false, want.Requests},
		{"state", true, want.Requests},
		{"state again", true, 0},
	} {
		args := []string{"load", "--clickhouse", chURL}
		if run.state {
			args = append(args, "--state", filepath.Join(dir, "load.state"))
		}
		r := runBinary(t, dir, append(args, files...)...)
		if r.code != code {
			t.Fatalf("%s: exit %d, summary %d\n%s", run.name, r.code, code, r.stderr)
		}
		c := accounting(t, r.stdout)
		if int64(c.Rows) != run.inserted {
			t.Errorf("%s: %d rows inserted, want %d", run.name, c.Rows, run.inserted)
		}
		if run.inserted > 0 && (int64(c.Read) != want.Lines.Read || int64(c.Parsed) != want.Lines.Parsed || int64(c.Malformed) != want.Lines.Malformed) {
			t.Errorf("%s: accounting %+v, summary %+v", run.name, c, want.Lines)
		}
		if n := chCount(t, srv, "SELECT count() FROM requests"); n != want.Requests {
			t.Errorf("%s: %d rows in the table, summary has %d requests", run.name, n, want.Requests)
		}
		codes := map[string]int64{}
		for _, line := range strings.Split(chQuery(t, srv.URL+"?database=web", "SELECT status, count() FROM requests WHERE has_status GROUP BY status"), "\n") {
			var st string
			var n int64
			fmt.Sscanf(line, "%s\t%d", &st, &n)
			codes[st] = n
		}
		if fmt.Sprint(codes) != fmt.Sprint(want.Status.Codes) {
			t.Errorf("%s: status counts\n got %v\nwant %v", run.name, codes, want.Status.Codes)
		}
	}
}

// holdingProxy stands between a load and the server: it holds the
// insert numbered at (from 1), before it reaches the server or after the
// server has committed it (the answer kept back), tells held, and waits
// for the load to die. Other requests pass.
func holdingProxy(t *testing.T, server string, at int, afterCommit bool, held chan<- struct{}) *httptest.Server {
	target, _ := url.Parse(server)
	var inserts atomic.Int32
	p := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		insert := strings.HasPrefix(strings.ToUpper(r.URL.Query().Get("query")), "INSERT")
		hold := insert && int(inserts.Add(1)) == at
		if hold && !afterCommit {
			io.Copy(io.Discard, r.Body)
			held <- struct{}{}
			<-r.Context().Done()
			return
		}
		out := r.Clone(r.Context())
		out.RequestURI, out.URL.Scheme, out.URL.Host = "", target.Scheme, target.Host
		resp, err := http.DefaultTransport.RoundTrip(out)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		if hold {
			io.Copy(io.Discard, resp.Body)
			held <- struct{}{}
			<-r.Context().Done()
			return
		}
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		io.Copy(w, resp.Body)
	}))
	t.Cleanup(p.Close)
	return p
}

// TestLoadKilled kills a load with SIGKILL in the middle (after two
// committed batches, while the third is on its way to the server, or
// committed there with the answer not yet back), and runs it again with
// the same --state: every line is in the table exactly once.
func TestLoadKilled(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "access.log")
	const lines = 300000
	// Written here: the test needs no data from outside the project.
	writeMany(t, log, "load", lines)
	for _, tc := range []struct {
		name        string
		afterCommit bool
		committed   int64 // rows in the table at the kill
	}{
		{"insert in flight", false, 20000},
		{"insert committed, answer lost", true, 30000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := loadServer(t)
			held := make(chan struct{}, 1)
			proxy := holdingProxy(t, srv.URL, 3, tc.afterCommit, held)
			state := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-")+".state")
			args := []string{"load", "--clickhouse", proxy.URL + "/?database=web", "--state", state, "--batch-rows", "10000", log}
			cmd := exec.Command(binary(t), args...)
			cmd.Dir = dir
			var stderr strings.Builder
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan struct{})
			go func() { cmd.Wait(); close(exited) }()
			select {
			case <-held:
			case <-exited:
				t.Fatalf("the load ended before its third insert: %s\n%s", cmd.ProcessState, stderr.String())
			case <-time.After(2 * time.Minute):
				t.Fatal("no third insert in 2 minutes")
			}
			cmd.Process.Signal(syscall.SIGKILL)
			<-exited
			if n := chCount(t, srv, "SELECT count() FROM requests"); n != tc.committed {
				t.Fatalf("%d rows at the kill, want %d", n, tc.committed)
			}
			// The state records the two batches the load saw committed,
			// never the third: a rerun skips their lines and fences
			// after them.
			st, err := readLoadState(state)
			if err != nil || st == nil || len(st.Marks) != 0 || len(st.Loaded) != 1 {
				t.Fatalf("state after the kill: %+v, %v", st, err)
			}
			r := runBinary(t, dir, args...)
			if r.code != 0 {
				t.Fatalf("rerun: exit %d\n%s", r.code, r.stderr)
			}
			if c := accounting(t, r.stdout); c.Rows != lines-20000 || c.Parsed != lines || c.Read != lines {
				t.Errorf("rerun accounting %+v, want %d rows", c, lines-20000)
			}
			if !strings.Contains(r.stdout, "\n20000 rows were already loaded by an interrupted run\n") {
				t.Errorf("rerun output:\n%s", r.stdout)
			}
			if st, err := readLoadState(state); err != nil || len(st.Marks) != 1 || len(st.Loaded) != 0 {
				t.Errorf("state after the rerun: %+v, %v", st, err)
			}
			if n := chCount(t, srv, "SELECT count() FROM requests"); n != lines {
				t.Errorf("%d rows in the table, want %d", n, lines)
			}
			if n := chCount(t, srv, "SELECT toInt64(uniqExact(file_id, line_offset)) FROM requests"); n != lines {
				t.Errorf("%d distinct (file_id, line_offset), want %d", n, lines)
			}
			// Appended lines are loaded by the next run, and only they.
			// (Read the first line only: this test process's memory is
			// what other tests of the package measure as their children's.)
			fi, err := os.Stat(log)
			if err != nil {
				t.Fatal(err)
			}
			defer os.Truncate(log, fi.Size())
			in, err := os.Open(log)
			if err != nil {
				t.Fatal(err)
			}
			first, _ := bufio.NewReader(in).ReadString('\n')
			in.Close()
			f, err := os.OpenFile(log, os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprint(f, first+first)
			f.Close()
			r = runBinary(t, dir, args...)
			if c := accounting(t, r.stdout); r.code != 0 || c.Rows != 2 || c.Read != 2 {
				t.Errorf("append: exit %d, accounting %+v, want 2 rows\n%s", r.code, c, r.stderr)
			}
			if n := chCount(t, srv, "SELECT count() FROM requests"); n != lines+2 {
				t.Errorf("after the append: %d rows, want %d", n, lines+2)
			}
		})
	}
}

// TestLoadServerDown: a closed port is exit 2, and the state is not
// written; a wrong password is not printed.
func TestLoadServerDown(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	dir := t.TempDir()
	samples, _ := filepath.Abs(sample)
	state := filepath.Join(dir, "load.state")
	u := fmt.Sprintf("http://u:%s@127.0.0.1:%d/?database=web", url.QueryEscape("pa55-Word"), port)
	r := runBinary(t, dir, "load", "--clickhouse", u, "--state", state, filepath.Join(samples, "nginx-access.log"))
	if r.code != 2 {
		t.Fatalf("exit %d, want 2\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(state); err == nil {
		t.Error("the state was written")
	}
	if strings.Contains(r.stdout+r.stderr, "pa55-Word") {
		t.Errorf("the password is printed:\n%s", r.stderr)
	}
	if !strings.Contains(r.stderr, "127.0.0.1:"+strconv.Itoa(port)) {
		t.Errorf("the error does not name the server:\n%s", r.stderr)
	}
}

// TestLoadTimeRange: a request whose time ClickHouse cannot hold (before
// 1970) is not inserted and counts as malformed (exit 3 past
// --max-malformed); the others are loaded.
func TestLoadTimeRange(t *testing.T) {
	srv, chURL := loadServer(t)
	dir := t.TempDir()
	log := filepath.Join(dir, "old.log")
	data := `1.2.3.4 - - [31/Dec/1969:23:59:59 +0000] "GET /old HTTP/1.1" 200 5 "-" "a"
1.2.3.4 - - [05/Mar/2024:14:00:00 +0000] "GET /new HTTP/1.1" 404 5 "-" "a"
`
	if err := os.WriteFile(log, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runBinary(t, dir, "load", "--clickhouse", chURL, log)
	if r.code != 3 {
		t.Fatalf("exit %d, want 3\n%s", r.code, r.stderr)
	}
	if c := accounting(t, r.stdout); c.Read != 2 || c.Parsed != 1 || c.Malformed != 1 || c.Rows != 1 {
		t.Errorf("accounting %+v", c)
	}
	if got := chQuery(t, srv.URL+"?database=web", "SELECT path, status FROM requests"); got != "/new\t404" {
		t.Errorf("table holds %q", got)
	}
}

// TestLoadRate measures webalyze load through the binary into a private
// server on the log named by $WEBALYZE_LOAD_BENCH_LOG (skipped without
// it), e.g. one made by ../shared/bench/genlog.py -n 1000000.
func TestLoadRate(t *testing.T) {
	log := os.Getenv("WEBALYZE_LOAD_BENCH_LOG")
	if log == "" {
		t.Skip("set WEBALYZE_LOAD_BENCH_LOG to a log file to measure the load rate")
	}
	srv, chURL := loadServer(t)
	dir := t.TempDir()
	for i := range 3 {
		chQuery(t, srv.URL, "DROP TABLE IF EXISTS web.requests") // a first load, not a replacement
		start := time.Now()
		r := runBinary(t, dir, "load", "--clickhouse", chURL, log)
		el := time.Since(start)
		if r.code != 0 {
			t.Fatalf("exit %d\n%s", r.code, r.stderr)
		}
		c := accounting(t, r.stdout)
		if n := chCount(t, srv, "SELECT count() FROM requests"); uint64(n) != c.Rows {
			t.Fatalf("%d rows in the table, %d inserted", n, c.Rows)
		}
		t.Logf("run %d: %d rows in %v: %.0f rows/s", i+1, c.Rows, el.Round(time.Millisecond), float64(c.Rows)/el.Seconds())
	}
}
