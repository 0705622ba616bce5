package parquet

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/webalyze/webalyze/parser"
)

// describe gives a row as one comparable string.
func describe(r Row) string {
	opt := func(p any) string {
		v := reflect.ValueOf(p)
		if v.IsNil() {
			return "null"
		}
		return fmt.Sprint(v.Elem().Interface())
	}
	return fmt.Sprintf("t=%s n=%d st=%s sub=%s w32=%s %q %q %q %q %q %q %q %q %q b=%s rb=%s d=%s u=%s %s %s %d@%d",
		opt(r.Time), r.Nanos, opt(r.Status), opt(r.SubStatus), opt(r.Win32Status), r.Method, r.Protocol, r.VHost,
		r.Path, r.Query, r.Client, r.RemoteUser, r.Referrer, r.Agent, opt(r.Bytes), opt(r.RequestBytes),
		opt(r.DurationUS), opt(r.UpstreamUS), r.File, r.FileID, r.Line, r.LineOffset)
}

// want builds the expected row of a record independently of the Writer.
func want(rec *parser.Record, file string, line, off int64) string {
	r := Row{Nanos: rec.Nanos, Method: string(rec.Method), Protocol: string(rec.Protocol), VHost: string(rec.VHost),
		Path: string(rec.Path), Query: string(rec.Query), Client: string(rec.Host), RemoteUser: string(rec.User),
		Referrer: string(rec.Referer), Agent: string(rec.UserAgent), File: file, FileID: "id:" + file, Line: line, LineOffset: off}
	if rec.HasTime {
		t := rec.Time*1e6 + int64(rec.Nanos/1000)
		r.Time = &t
	}
	if rec.HasStatus {
		s := rec.Status
		r.Status = &s
	}
	if rec.HasSubStatus {
		s := rec.SubStatus
		r.SubStatus = &s
	}
	if rec.HasWin32Status {
		s := rec.Win32Status
		r.Win32Status = &s
	}
	if rec.HasBytes {
		b := rec.Bytes
		r.Bytes = &b
	}
	if rec.HasRequestBytes {
		b := rec.RequestBytes
		r.RequestBytes = &b
	}
	if rec.HasDuration {
		d := rec.Duration
		r.DurationUS = &d
	}
	if rec.HasUpstream {
		d := rec.Upstream
		r.UpstreamUS = &d
	}
	return describe(r)
}

func TestRoundTrip(t *testing.T) {
	timed, err := parser.CompileNginx("timed", `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time $upstream_response_time`)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	w := NewWriter(&out)
	var wanted []string
	statuses := map[uint16]int{}
	for _, s := range []struct {
		name string
		f    parser.Format
	}{{"apache-vhost.log", nil}, {"iis-u_ex240304.log", nil}, {"nginx-access.log.1.gz", nil}, {"nginx-timed.log", timed}} {
		in, err := parser.Open(filepath.Join("..", "..", "testdata", "samples", s.name))
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(in)
		in.Close()
		if err != nil {
			t.Fatal(err)
		}
		f := s.f
		if f == nil {
			f = parser.Detect(data, parser.AutoCandidates(nil)).Format
		}
		p := f.NewParser()
		var rec parser.Record
		c := parser.Chunk{Data: data, Line: 1}
		it := c.Lines()
		for line, ok := it.Next(); ok; line, ok = it.Next() {
			if p.Parse(line, &rec).Kind != parser.Parsed {
				continue
			}
			wanted = append(wanted, want(&rec, s.name, it.Line, it.Offset))
			if rec.HasStatus {
				statuses[rec.Status]++
			}
			if err := w.Add(&rec, s.name, "id:"+s.name, Position{Line: it.Line, Offset: it.Offset}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if w.Rows() != uint64(len(wanted)) || len(wanted) < 2000 {
		t.Fatalf("%d rows written, %d records", w.Rows(), len(wanted))
	}

	rows, err := parquet.Read[Row](bytes.NewReader(out.Bytes()), int64(out.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(wanted) {
		t.Fatalf("read %d rows, wrote %d", len(rows), len(wanted))
	}
	got := map[uint16]int{}
	for i, r := range rows {
		if d := describe(r); d != wanted[i] {
			t.Fatalf("row %d:\ngot  %s\nwant %s", i, d, wanted[i])
		}
		if r.Status != nil {
			got[*r.Status]++
		}
	}
	if !reflect.DeepEqual(got, statuses) {
		t.Errorf("status counts %v, want %v", got, statuses)
	}

	// The schema as another engine sees it.
	f, err := parquet.OpenFile(bytes.NewReader(out.Bytes()), int64(out.Len()))
	if err != nil {
		t.Fatal(err)
	}
	for _, col := range []struct{ name, typ string }{
		{"time", "TIMESTAMP(isAdjustedToUTC=true,unit=MICROS)"}, {"status", "INT(16,false)"}, {"bytes", "INT(64,false)"}, {"path", "STRING"},
	} {
		leaf, ok := f.Schema().Lookup(col.name)
		if !ok {
			t.Errorf("no column %s", col.name)
			continue
		}
		if lt := leaf.Node.Type().LogicalType(); lt == nil || lt.String() != col.typ {
			t.Errorf("column %s: logical type %v, want %s", col.name, lt, col.typ)
		}
	}
}

// BenchmarkWriter measures writing one record (row building, encoding,
// zstd), rows per second being 1e9 / ns/op.
func BenchmarkWriter(b *testing.B) {
	f, _ := parser.Named("combined", nil)
	p := f.NewParser()
	line := []byte(`203.0.113.9 - - [26/Feb/2024:00:13:19 +0000] "GET /search?q=shoes&page=3 HTTP/1.1" 200 88562 "https://www.google.com/" "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/124.0 Safari/537.36"`)
	var rec parser.Record
	if p.Parse(line, &rec).Kind != parser.Parsed {
		b.Fatal("sample line does not parse")
	}
	w := NewWriter(io.Discard)
	b.ReportAllocs()
	b.SetBytes(int64(len(line) + 1))
	i := int64(0)
	for b.Loop() {
		i++
		if err := w.Add(&rec, "access.log", "id", Position{Line: i, Offset: i * 200}); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
}
