package clickhouse

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/webalyze/webalyze/aggregate/clickhouse/chserver"
	"github.com/webalyze/webalyze/parser"
)

// input is one sample's records, encoded, with their positions.
type input struct {
	src  Source
	data []byte
	f    parser.Format
	rows int
}

func nginxInput(t *testing.T) input { return nginxInputTimes(t, 1) }

// nginxInputTimes is nginx-access.log n times over, as one input: over
// the 1 MiB a server reads before it parses a block of an insert from
// n = 4.
func nginxInputTimes(t *testing.T, n int) input {
	t.Helper()
	data := bytes.Repeat(readInput(t, samplePath("nginx-access.log")), n)
	in := input{src: Source{Name: "nginx-access.log", ID: "dev1:ino42"}, data: data}
	eachRecord(t, in.src.Name, data, nil, func(*parser.Record, Position) { in.rows++ })
	return in
}

// load loads in from the first record at or after offset from, with a
// fresh Loader, and returns the batches committed.
func load(t *testing.T, c *Client, in input, from int64, batchRows int) []Batch {
	t.Helper()
	ctx := context.Background()
	var got []Batch
	l, err := NewLoader(ctx, c, LoaderOptions{BatchRows: batchRows, OnCommit: func(b Batch) { got = append(got, b) }})
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Begin(ctx, in.src, from); err != nil {
		t.Fatal(err)
	}
	eachRecord(t, in.src.Name, in.data, in.f, func(rec *parser.Record, pos Position) {
		if pos.Offset < from {
			return
		}
		if err := l.Add(ctx, rec, pos); err != nil {
			t.Fatal(err)
		}
	})
	if err := l.Close(ctx); err != nil {
		t.Fatal(err)
	}
	return got
}

// rowsOf returns the rows of the table for a source and how many distinct
// line offsets they have.
func rowsOf(t *testing.T, c *Client, id string) (rows, distinct uint64) {
	t.Helper()
	err := c.Query(context.Background(), "count", fmt.Sprintf(
		"SELECT count(), uniqExact(line_offset) FROM requests WHERE file_id = %s FORMAT TabSeparated", quote(id)),
		func(f [][]byte) error {
			rows, _ = strconv.ParseUint(string(f[0]), 10, 64)
			distinct, _ = strconv.ParseUint(string(f[1]), 10, 64)
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	return rows, distinct
}

// exactlyOnce fails unless every record of in is in the table once.
func exactlyOnce(t *testing.T, c *Client, in input) {
	t.Helper()
	rows, distinct := rowsOf(t, c, in.src.ID)
	if rows != uint64(in.rows) || distinct != uint64(in.rows) {
		t.Fatalf("%d rows, %d distinct lines; want each of the %d records once", rows, distinct, in.rows)
	}
}

// encodeAll encodes every record of in as one body.
func encodeAll(t *testing.T, in input) []byte {
	t.Helper()
	var buf []byte
	eachRecord(t, in.src.Name, in.data, in.f, func(rec *parser.Record, pos Position) {
		var err error
		buf, err = appendRow(buf, rec, []byte(in.src.Name), []byte(in.src.ID), pos, 0)
		if err != nil {
			t.Fatal(err)
		}
	})
	return buf
}

// rawInsert inserts body as a crashed loader's insert, with small blocks
// that the server does not squash, so that it commits blocks while the
// body is still coming: the partial insert a batch over a month boundary,
// or one over a million rows, can leave.
func rawInsert(ctx context.Context, c *Client, in input, body io.Reader) error {
	return c.Insert(ctx, "raw insert", insertSQL("requests"), body, url.Values{
		"max_insert_block_size":       {"100"},
		"min_insert_block_size_rows":  {"0"},
		"min_insert_block_size_bytes": {"0"},
		"query_id":                    {loaderQueryID(in.src.ID) + "0"},
	})
}

// waitIdle waits until the server has ended the inserts of in.
func waitIdle(t *testing.T, c *Client, in input) {
	t.Helper()
	l := &Loader{c: c, opts: LoaderOptions{MutationTimeout: time.Minute}}
	err := l.waitFor(context.Background(), "wait", time.Now().Add(time.Minute), "inserts", func() (uint64, error) {
		return l.countSQL(context.Background(), runningLoadsSQL(loaderQueryID(in.src.ID)))
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestReloadReplaces(t *testing.T) {
	srv := chserver.Start(t, chserver.Options{})
	c := newDatabase(t, srv, "web")
	in := nginxInput(t)
	first := load(t, c, in, 0, 400)
	if len(first) != (in.rows+399)/400 {
		t.Fatalf("%d batches for %d rows of 400", len(first), in.rows)
	}
	exactlyOnce(t, c, in)
	// A rerun from the start (no marks), with other batch sizes.
	load(t, c, in, 0, 333)
	exactlyOnce(t, c, in)
	// A rerun from the end of the second batch, as if the marks of the
	// later batches had not been saved.
	load(t, c, in, first[1].End, 1000)
	exactlyOnce(t, c, in)
	if got := first[0].ID(); got != fmt.Sprintf("dev1:ino42:%d-%d", first[0].Start, first[0].End) || first[0].Start != 0 || first[1].Start != first[0].End {
		t.Errorf("batches %+v", first[:2])
	}
}

// TestInterruptedInsert: a load dies in the middle of an insert (its
// body cut: the client died), or the server is killed in the middle of
// one; the server has committed part of it. A rerun from the same place
// leaves every row exactly once.
func TestInterruptedInsert(t *testing.T) {
	for _, killServer := range []bool{false, true} {
		t.Run(fmt.Sprintf("killServer=%v", killServer), func(t *testing.T) {
			srv := chserver.Start(t, chserver.Options{})
			c := newDatabase(t, srv, "web")
			in := nginxInputTimes(t, 12)
			if _, err := NewLoader(context.Background(), c, LoaderOptions{}); err != nil {
				t.Fatal(err)
			}
			body := encodeAll(t, in)
			pr, pw := io.Pipe()
			done := make(chan error, 1)
			go func() { done <- rawInsert(context.Background(), c, in, pr) }()
			// Send two thirds, wait until the server has committed some of
			// it, then cut the body or kill the server.
			go pw.Write(body[:len(body)*2/3])
			deadline := time.Now().Add(30 * time.Second)
			for n, _ := rowsOf(t, c, in.src.ID); n == 0; n, _ = rowsOf(t, c, in.src.ID) {
				if time.Now().After(deadline) {
					t.Fatal("no block committed in 30 s")
				}
				time.Sleep(20 * time.Millisecond)
			}
			if killServer {
				srv.Kill()
			}
			pw.CloseWithError(errors.New("client died"))
			if err := <-done; err == nil {
				t.Fatal("the interrupted insert succeeded")
			}
			if killServer {
				srv.Restart()
			}
			waitIdle(t, c, in)
			rows, _ := rowsOf(t, c, in.src.ID)
			if rows == 0 || rows >= uint64(in.rows) {
				t.Fatalf("after the interrupted insert %d rows of %d: the test needs a partial insert", rows, in.rows)
			}
			load(t, c, in, 0, 5000)
			exactlyOnce(t, c, in)
		})
	}
}

func TestServerDown(t *testing.T) {
	chserver.Binary(t)
	srv := chserver.Start(t, chserver.Options{})
	c := newDatabase(t, srv, "web")
	in := nginxInput(t)
	ctx := context.Background()
	committed := 0
	l, err := NewLoader(ctx, c, LoaderOptions{BatchRows: 300, OnCommit: func(Batch) { committed++ }})
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Begin(ctx, in.src, 0); err != nil {
		t.Fatal(err)
	}
	c.Close()
	srv.Stop()
	var addErr error
	eachRecord(t, in.src.Name, in.data, nil, func(rec *parser.Record, pos Position) {
		if addErr == nil {
			addErr = l.Add(ctx, rec, pos)
		}
	})
	var ce *Error
	if !errors.As(addErr, &ce) || ce.Status != 0 || !strings.Contains(addErr.Error(), srv.URL) || !strings.Contains(addErr.Error(), "insert 300 rows") {
		t.Fatalf("error %v: want an *Error naming %s and the insert", addErr, srv.URL)
	}
	if l.Loaded() != 0 || committed != 0 {
		t.Errorf("loaded %d, %d batches committed, with the server down", l.Loaded(), committed)
	}
	if err := l.Close(ctx); err != addErr {
		t.Errorf("Close after a failure: %v, want the first error", err)
	}
	if _, err := NewLoader(ctx, c, LoaderOptions{}); err == nil || !strings.Contains(err.Error(), "ping") {
		t.Errorf("NewLoader with the server down: %v", err)
	}
}

func TestInsertRefused(t *testing.T) {
	srv := chserver.Start(t, chserver.Options{})
	c := newDatabase(t, srv, "web")
	ctx := context.Background()
	// A table of the same name but another shape refuses the rows.
	if err := c.Exec(ctx, "create", "CREATE TABLE requests (time DateTime, x String) ENGINE = MergeTree() ORDER BY time"); err != nil {
		t.Fatal(err)
	}
	in := nginxInput(t)
	committed := 0
	l, err := NewLoader(ctx, c, LoaderOptions{OnCommit: func(Batch) { committed++ }})
	if err != nil {
		t.Fatal(err)
	}
	err = l.Begin(ctx, in.src, 0)
	if err == nil {
		eachRecord(t, in.src.Name, in.data, nil, func(rec *parser.Record, pos Position) {
			if err == nil {
				err = l.Add(ctx, rec, pos)
			}
		})
		if err == nil {
			err = l.Close(ctx)
		}
	}
	var ce *Error
	if !errors.As(err, &ce) || ce.Status == 0 || !strings.Contains(err.Error(), srv.URL) {
		t.Fatalf("error %v: want the server's refusal naming %s", err, srv.URL)
	}
	if l.Loaded() != 0 || committed != 0 {
		t.Errorf("loaded %d, %d batches committed, into a table that refuses them", l.Loaded(), committed)
	}
}

func TestCredentialsNeverShown(t *testing.T) {
	srv := chserver.Start(t, chserver.Options{})
	newDatabase(t, srv, "web")
	ctx := context.Background()
	base := strings.TrimPrefix(srv.URL, "http://")
	good := "http://" + chserver.User + ":" + chserver.Password + "@" + base + "?database=web"
	c := openClient(t, good)
	if strings.Contains(c.String(), chserver.Password) || !strings.Contains(c.String(), "xxxxx") {
		t.Errorf("String() = %s", c.String())
	}
	if _, err := NewLoader(ctx, c, LoaderOptions{}); err != nil {
		t.Fatalf("with the right password: %v", err)
	}
	t.Setenv(PasswordEnv, chserver.Password)
	c = openClient(t, "http://"+chserver.User+"@"+base+"?database=web")
	if err := c.Exec(ctx, "select", "SELECT 1"); err != nil {
		t.Fatalf("password from $%s: %v", PasswordEnv, err)
	}
	t.Setenv(PasswordEnv, "")

	wrong := "Wr0ng-pw-" + strconv.Itoa(time.Now().Nanosecond())
	down := fmt.Sprintf("127.0.0.1:%d", freeTCPPort(t))
	for _, u := range []string{
		"http://" + chserver.User + ":" + wrong + "@" + base + "?database=web",
		"http://" + base + "?database=web&user=" + chserver.User + "&password=" + wrong,
		"http://" + chserver.User + ":" + wrong + "@" + down + "/?database=web",
		"http://" + chserver.User + ":" + wrong + "@" + base + "?database=nosuchdb",
		"http://" + chserver.User + ":" + wrong + "@%zz" + base,
		"ftp://" + chserver.User + ":" + wrong + "@" + base,
	} {
		c, err := Open(u)
		if err == nil {
			defer c.Close()
			_, err = NewLoader(ctx, c, LoaderOptions{})
			if err == nil {
				err = c.Exec(ctx, "select", "SELECT 1")
			}
		}
		if err == nil {
			t.Errorf("%s: no error", u)
			continue
		}
		if strings.Contains(err.Error(), wrong) {
			t.Errorf("the password shows in: %v", err)
		}
	}
}

func freeTCPPort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
