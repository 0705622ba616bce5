// Package chserver starts a private ClickHouse server for tests: its own
// config, users and data in a temporary directory, listening on
// 127.0.0.1 on free ports, never the system service. [Start] waits for
// /ping and registers a cleanup that stops the server by its PID.
//
// Outside CI a test skips, with a message, when clickhouse-server is not
// installed; with CI=true it fails instead, so that a CI machine without
// the package cannot pass by skipping (.ci/run installs Debian's
// clickhouse-server).
package chserver

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// User and Password are a second account every server has, for tests of
// authentication; the default user has no password.
const (
	User     = "tester"
	Password = "s3cret-Pa55"
)

// Server is a running clickhouse-server.
type Server struct {
	Dir      string // its directory: config, data, logs
	HTTPPort int
	TCPPort  int
	// URL is its HTTP interface, "http://127.0.0.1:PORT/".
	URL string

	t      testing.TB
	cmd    *exec.Cmd
	config string
	exited chan struct{}
}

// Options configure [Start].
type Options struct {
	// Shards, when not empty, adds a cluster named "two_shards" to the
	// config whose shards are the given TCP ports on 127.0.0.1 (0 stands
	// for the server's own port).
	Shards []int
}

// Binary returns the path of clickhouse-server, or skips t (fails it
// under CI=true) when it is not installed.
func Binary(t testing.TB) string {
	t.Helper()
	for _, name := range []string{"clickhouse-server", "/usr/sbin/clickhouse-server"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("clickhouse-server is not installed (CI=true: apt-get install -y clickhouse-server)")
	}
	t.Skip("clickhouse-server is not installed: apt-get install -y clickhouse-server to run this test")
	return ""
}

// Start starts a server and stops it when the test ends.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	bin := Binary(t)
	dir := t.TempDir()
	s := &Server{Dir: dir, t: t, config: filepath.Join(dir, "config.xml")}
	s.HTTPPort, s.TCPPort = freePort(t), freePort(t)
	s.URL = fmt.Sprintf("http://127.0.0.1:%d/", s.HTTPPort)
	if err := os.WriteFile(filepath.Join(dir, "users.xml"), []byte(usersXML), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(s.config, []byte(s.configXML(opts)), 0o600); err != nil {
		t.Fatal(err)
	}
	s.cmd = exec.Command(bin, "--config-file="+s.config)
	s.start()
	t.Cleanup(s.Stop)
	return s
}

func (s *Server) start() {
	t := s.t
	t.Helper()
	out, err := os.OpenFile(filepath.Join(s.Dir, "stdout.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(s.cmd.Path, s.cmd.Args[1:]...)
	cmd.Dir = s.Dir
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		out.Close()
		t.Fatalf("start clickhouse-server: %v", err)
	}
	s.cmd = cmd
	s.exited = make(chan struct{})
	go func() { cmd.Wait(); out.Close(); close(s.exited) }()
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(s.URL + "ping")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-s.exited:
			t.Fatalf("clickhouse-server exited at start: %s", s.logTail())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.Stop()
			t.Fatalf("clickhouse-server did not answer /ping in 60 s: %s", s.logTail())
		}
	}
}

// Stop stops the server by its PID (SIGTERM, then SIGKILL after 20 s)
// and waits for it to exit. Stopping a stopped server does nothing.
func (s *Server) Stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	select {
	case <-s.exited:
		return
	default:
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(20 * time.Second):
		s.cmd.Process.Kill()
		<-s.exited
	}
}

// Kill kills the server by its PID with SIGKILL, as a crash would, and
// waits for it to exit.
func (s *Server) Kill() {
	s.cmd.Process.Kill()
	<-s.exited
}

// Restart starts the stopped or killed server again on the same ports
// and data.
func (s *Server) Restart() {
	s.t.Helper()
	s.Stop()
	s.removeTemporaryParts()
	s.start()
}

// removeTemporaryParts removes the tmp_* part directories a killed server
// left behind (a merge or insert cut short). ClickHouse 18.16 removes them
// itself only after temporary_directories_lifetime (a day); until then
// every merge of those parts fails ("Directory tmp_merge_… already
// exists"), and so does every mutation waiting for them, such as the
// loader's fence.
func (s *Server) removeTemporaryParts() {
	dirs, _ := filepath.Glob(filepath.Join(s.Dir, "data", "data", "*", "*", "tmp_*"))
	for _, d := range dirs {
		os.RemoveAll(d)
	}
}

func (s *Server) logTail() string {
	var b strings.Builder
	for _, f := range []string{"stdout.log", "server.err"} {
		data, _ := os.ReadFile(filepath.Join(s.Dir, f))
		if len(data) > 4000 {
			data = data[len(data)-4000:]
		}
		b.Write(data)
	}
	return b.String()
}

// freePort asks the kernel for a free TCP port on 127.0.0.1.
func freePort(t testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func (s *Server) configXML(opts Options) string {
	var cluster string
	if len(opts.Shards) > 0 {
		var b strings.Builder
		b.WriteString("<remote_servers><two_shards>")
		for _, p := range opts.Shards {
			if p == 0 {
				p = s.TCPPort
			}
			fmt.Fprintf(&b, "<shard><replica><host>127.0.0.1</host><port>%d</port></replica></shard>", p)
		}
		b.WriteString("</two_shards></remote_servers>")
		cluster = b.String()
	}
	d := s.Dir
	// <yandex> is the root 18.16 reads; current releases accept it too.
	return fmt.Sprintf(`<yandex>
  <logger><level>warning</level><log>%[1]s/server.log</log><errorlog>%[1]s/server.err</errorlog><console>0</console></logger>
  <http_port>%[2]d</http_port>
  <tcp_port>%[3]d</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <path>%[1]s/data/</path>
  <tmp_path>%[1]s/tmp/</tmp_path>
  <user_files_path>%[1]s/user_files/</user_files_path>
  <format_schema_path>%[1]s/format_schemas/</format_schema_path>
  <users_config>%[1]s/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>67108864</mark_cache_size>
  <timezone>UTC</timezone>
  %[4]s
</yandex>
`, d, s.HTTPPort, s.TCPPort, cluster)
}

const usersXML = `<yandex>
  <profiles><default></default></profiles>
  <users>
    <default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default>
    <` + User + `><password>` + Password + `</password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></` + User + `>
  </users>
  <quotas><default></default></quotas>
</yandex>
`
