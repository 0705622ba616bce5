//go:build linux

package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/webalyze/webalyze/aggregate/clickhouse"
	"github.com/webalyze/webalyze/aggregate/clickhouse/chserver"
)

// TestClickHouseTwoShards is the scale-out end to end: two servers, each
// loaded by `webalyze load` with its own half of the samples (as each web
// server loads its own logs), and `summary --json` and `report -o x.json`
// through a Distributed table over both equal a local run over all the
// samples.
func TestClickHouseTwoShards(t *testing.T) {
	if testing.Short() {
		t.Skip("starts clickhouse-server")
	}
	second := chserver.Start(t, chserver.Options{})
	first := chserver.Start(t, chserver.Options{Shards: []int{0, second.TCPPort}})
	ctx := context.Background()
	var urls []string
	for _, srv := range []*chserver.Server{first, second} {
		root, err := clickhouse.Open(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		err = root.Exec(ctx, "create database", "CREATE DATABASE web")
		root.Close()
		if err != nil {
			t.Fatal(err)
		}
		urls = append(urls, srv.URL+"?database=web")
	}
	var files []string
	for _, name := range chSamples {
		path, err := filepath.Abs(filepath.Join("..", "..", "testdata", "samples", name))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, path)
	}
	dir := t.TempDir()
	run := func(args ...string) binResult {
		t.Helper()
		r := runBinary(t, dir, args...)
		if r.code != 0 {
			t.Fatalf("%v: exit %d\n%s", args, r.code, r.stderr)
		}
		return r
	}
	half := len(files) / 2
	run(append([]string{"load", "-q", "--clickhouse", urls[0]}, files[:half]...)...)
	run(append([]string{"load", "-q", "--clickhouse", urls[1]}, files[half:]...)...)

	c, err := clickhouse.Open(urls[0])
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := clickhouse.CreateDistributed(ctx, c, "requests_all", "two_shards", "web", "requests"); err != nil {
		t.Fatal(err)
	}
	ch := []string{"--clickhouse", urls[0], "--table", "requests_all"}

	local := run(append([]string{"summary", "--json"}, files...)...)
	remote := run(append([]string{"summary", "--json"}, ch...)...)
	m := sameModel(t, "summary --json over two shards", []byte(remote.stdout), []byte(local.stdout))
	one := run("summary", "--json", "--clickhouse", urls[0])
	var mOne map[string]any
	if err := json.Unmarshal([]byte(one.stdout), &mOne); err != nil {
		t.Fatal(err)
	}
	if n, all := num(mOne["requests"]), num(m["requests"]); n == 0 || n >= all {
		t.Fatalf("first shard %v requests of %v: the samples are not spread", n, all)
	}

	run(append([]string{"report", "-o", "local.json"}, files...)...)
	run(append([]string{"report", "-o", "ch.json"}, ch...)...)
	lj, _ := os.ReadFile(filepath.Join(dir, "local.json"))
	rj, _ := os.ReadFile(filepath.Join(dir, "ch.json"))
	sameModel(t, "report -o x.json over two shards", rj, lj)
}
