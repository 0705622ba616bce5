package clickhouse

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/webalyze/webalyze/aggregate"
	"github.com/webalyze/webalyze/aggregate/clickhouse/chserver"
	"github.com/webalyze/webalyze/parser"
)

// BenchmarkLoad compares, in one run, the Loader (parse + RowBinary +
// HTTP) with clickhouse-client inserting the same rows pre-converted to
// TSV, on the log named by $WEBALYZE_BENCH_LOG (e.g. 1M lines from
// ../shared/bench/genlog.py), each into a fresh table of a private
// server. Run with -benchtime=1x; it reports rows/s.
func BenchmarkLoad(b *testing.B) {
	path := os.Getenv("WEBALYZE_BENCH_LOG")
	if path == "" {
		b.Skip("set WEBALYZE_BENCH_LOG to a log file")
	}
	client, err := exec.LookPath("clickhouse-client")
	if err != nil {
		b.Skip("clickhouse-client is not installed")
	}
	data := readInput(b, path)
	srv := chserver.Start(b, chserver.Options{})
	c := newDatabase(b, srv, "bench")
	ctx := context.Background()

	// The same rows as TSV, for clickhouse-client.
	tsv := filepath.Join(b.TempDir(), "rows.tsv")
	rows := writeTSV(b, path, data, tsv)

	run := 0
	table := func() string {
		run++
		t := fmt.Sprintf("requests_%d", run)
		if err := CreateTable(ctx, c, t); err != nil {
			b.Fatal(err)
		}
		return t
	}
	b.Run("loader", func(b *testing.B) {
		for b.Loop() {
			t := table()
			start := time.Now()
			l, err := NewLoader(ctx, c, LoaderOptions{Table: t})
			if err != nil {
				b.Fatal(err)
			}
			if err := l.Begin(ctx, Source{Name: path, ID: "bench"}, 0); err != nil {
				b.Fatal(err)
			}
			eachRecord(b, path, data, nil, func(rec *parser.Record, pos Position) {
				if err := l.Add(ctx, rec, pos); err != nil {
					b.Fatal(err)
				}
			})
			if err := l.Close(ctx); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(l.Loaded())/time.Since(start).Seconds(), "rows/s")
		}
	})
	b.Run("clickhouse-client-tsv", func(b *testing.B) {
		for b.Loop() {
			t := table()
			f, err := os.Open(tsv)
			if err != nil {
				b.Fatal(err)
			}
			start := time.Now()
			cmd := exec.Command(client, "--host", "127.0.0.1", "--port", strconv.Itoa(srv.TCPPort), "--database", "bench",
				"--query", "INSERT INTO "+t+" FORMAT TSV")
			cmd.Stdin = f
			if out, err := cmd.CombinedOutput(); err != nil {
				b.Fatalf("clickhouse-client: %v: %s", err, out)
			}
			b.ReportMetric(float64(rows)/time.Since(start).Seconds(), "rows/s")
			f.Close()
		}
	})
}

// writeTSV writes the rows the Loader would send as TSV, in column order.
func writeTSV(b *testing.B, name string, data []byte, path string) int {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	n := 0
	var line []byte
	eachRecord(b, name, data, nil, func(rec *parser.Record, pos Position) {
		line = appendTSVRow(line[:0], rec, name, "bench", pos)
		w.Write(line)
		n++
	})
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	return n
}

func appendTSVRow(buf []byte, rec *parser.Record, file, id string, pos Position) []byte {
	u := func(v uint64) { buf = strconv.AppendUint(buf, v, 10); buf = append(buf, '\t') }
	i := func(v int64) { buf = strconv.AppendInt(buf, v, 10); buf = append(buf, '\t') }
	fl := func(v bool) { u(uint64(flag(v))) }
	s := func(v []byte) {
		for _, c := range v {
			switch c {
			case '\\':
				buf = append(buf, `\\`...)
			case '\t':
				buf = append(buf, `\t`...)
			case '\n':
				buf = append(buf, `\n`...)
			default:
				buf = append(buf, c)
			}
		}
		buf = append(buf, '\t')
	}
	var t int64
	if rec.HasTime {
		t = rec.Time
	}
	i(t) // DateTime accepts a Unix timestamp in TSV
	u(uint64(max(rec.Nanos, 0)))
	fl(rec.HasTime)
	u(uint64(rec.Status))
	fl(rec.HasStatus)
	u(uint64(rec.SubStatus))
	fl(rec.HasSubStatus)
	u(uint64(rec.Win32Status))
	fl(rec.HasWin32Status)
	for _, v := range [][]byte{rec.Method, rec.Protocol, rec.VHost, rec.Path, rec.Query, rec.Host, rec.User, rec.Referer} {
		s(v)
	}
	fl(aggregate.IsExternalReferrer(rec.Referer, rec.VHost, nil))
	s(rec.UserAgent)
	u(rec.Bytes)
	fl(rec.HasBytes)
	u(rec.RequestBytes)
	fl(rec.HasRequestBytes)
	i(rec.Duration)
	fl(rec.HasDuration)
	i(rec.Upstream)
	fl(rec.HasUpstream)
	s([]byte(file))
	s([]byte(id))
	i(pos.Line)
	i(pos.Offset)
	buf = append(buf, '0', '\n')
	return buf
}

// BenchmarkAppendRow measures the RowBinary encoding of one record.
func BenchmarkAppendRow(b *testing.B) {
	data := readInput(b, samplePath("nginx-timed.log"))
	timed, err := parser.CompileNginx("timed", timedNginx)
	if err != nil {
		b.Fatal(err)
	}
	var recs []parser.Record
	var poss []Position
	eachRecord(b, "nginx-timed.log", data, timed, func(rec *parser.Record, pos Position) {
		r := *rec
		recs, poss = append(recs, r), append(poss, pos)
	})
	var buf []byte
	file, id := []byte("nginx-timed.log"), []byte("dev:ino")
	b.ReportAllocs()
	b.SetBytes(int64(len(data) / len(recs)))
	i := 0
	for b.Loop() {
		if len(buf) > 1<<20 {
			buf = buf[:0]
		}
		buf, err = appendRow(buf, &recs[i], file, id, poss[i], 0)
		if err != nil {
			b.Fatal(err)
		}
		i = (i + 1) % len(recs)
	}
}
