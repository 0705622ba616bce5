package clickhouse

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/webalyze/webalyze/aggregate/clickhouse/chserver"
	"github.com/webalyze/webalyze/parser"
)

// sample is a log of testdata/samples and its format.
type sample struct {
	name   string
	format parser.Format
}

const timedNginx = `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time $upstream_response_time`

func samples(t testing.TB) []sample {
	t.Helper()
	timed, err := parser.CompileNginx("timed", timedNginx)
	if err != nil {
		t.Fatal(err)
	}
	return []sample{
		{"apache-vhost.log", nil},
		{"iis-u_ex240304.log", nil},
		{"nginx-access.log", nil},
		{"nginx-access.log.1.gz", nil},
		{"nginx-timed.log", timed},
	}
}

// readInput returns the decompressed bytes of a file.
func readInput(t testing.TB, path string) []byte {
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

// eachRecord parses data (detecting the format when f is nil) and calls
// fn for every parsed record with its position. It returns how many
// lines were read.
func eachRecord(t testing.TB, name string, data []byte, f parser.Format, fn func(rec *parser.Record, pos Position)) int {
	t.Helper()
	if f == nil {
		d := parser.Detect(data[:min(len(data), 64<<10)], parser.AutoCandidates(nil))
		if d.Format == nil {
			t.Fatalf("%s: no format detected", name)
		}
		f = d.Format
	}
	p := f.NewParser()
	var rec parser.Record
	c := parser.Chunk{Data: data, Line: 1}
	it := c.Lines()
	n := 0
	for line, ok := it.Next(); ok; line, ok = it.Next() {
		n++
		if parser.IsBlank(line) {
			continue
		}
		if p.Parse(line, &rec).Kind != parser.Parsed {
			continue
		}
		end := int64(len(data))
		if i := bytes.IndexByte(data[it.Offset:], '\n'); i >= 0 {
			end = it.Offset + int64(i) + 1
		}
		fn(&rec, Position{Line: it.Line, Offset: it.Offset, End: end})
	}
	return n
}

// newDatabase creates database name on srv and returns a client for it.
func newDatabase(t testing.TB, srv *chserver.Server, name string) *Client {
	t.Helper()
	root, err := Open(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	if err := root.Exec(context.Background(), "create database", "CREATE DATABASE IF NOT EXISTS "+name); err != nil {
		t.Fatal(err)
	}
	return openClient(t, srv.URL+"?database="+name)
}

// openClient opens a client whose connections are closed before the
// server is stopped (cleanups run last registered first).
func openClient(t testing.TB, u string) *Client {
	t.Helper()
	c, err := Open(u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func samplePath(name string) string { return filepath.Join("..", "..", "testdata", "samples", name) }

func nowPlus(seconds int) time.Time { return time.Now().Add(time.Duration(seconds) * time.Second) }
