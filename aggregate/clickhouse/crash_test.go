package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/webalyze/webalyze/aggregate/clickhouse/chserver"
	"github.com/webalyze/webalyze/parser"
)

// faultAt fails the request numbered at (from 1) of a client: before it
// reaches the server, or after the server has done it (the answer lost,
// as when the loader dies before it reads it).
type faultAt struct {
	next      http.RoundTripper
	at, n     int
	afterward bool
}

func (f *faultAt) RoundTrip(req *http.Request) (*http.Response, error) {
	f.n++
	if f.n != f.at {
		return f.next.RoundTrip(req)
	}
	if !f.afterward {
		return nil, errors.New("injected: died before sending")
	}
	resp, err := f.next.RoundTrip(req)
	if err == nil {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	return nil, errors.New("injected: died before the answer")
}

// TestCrashAtEveryRequest kills a load (as seen from the server) at each
// of its requests in turn, before and after the server acts on it, then
// resumes from the mark the first load recorded, as an incremental rerun
// would: every row is there exactly once.
func TestCrashAtEveryRequest(t *testing.T) {
	srv := chserver.Start(t, chserver.Options{})
	c := newDatabase(t, srv, "web")
	in := nginxInput(t)
	ctx := context.Background()
	// A first, clean load of another input, so that the table has rows
	// the fences must leave alone.
	other := in
	other.src = Source{Name: "other.log", ID: "other"}
	load(t, c, other, 0, 1000)

	for at := 1; ; at++ {
		done := false
		for _, afterward := range []bool{false, true} {
			name := fmt.Sprintf("request %d, %s", at, map[bool]string{false: "before", true: "after"}[afterward])
			if err := c.Exec(ctx, "clean", "ALTER TABLE requests DELETE WHERE file_id = "+quote(in.src.ID)); err != nil {
				t.Fatal(err)
			}
			waitGone(t, c, in)
			// An earlier load of the first 900 records whose mark recorded
			// only its first batch: the crashing run resumes from there,
			// and its fence has 600 rows to delete.
			mark := loadPart(t, c, in, 900, 300)

			fc := *c
			fc.http = &http.Client{Transport: &faultAt{next: c.http.Transport, at: at, afterward: afterward}}
			var got int64 = mark
			l, err := NewLoader(ctx, &fc, LoaderOptions{BatchRows: 250, OnCommit: func(b Batch) { got = b.End }})
			if err == nil {
				err = l.Begin(ctx, in.src, mark)
			}
			if err == nil {
				eachRecord(t, in.src.Name, in.data, nil, func(rec *parser.Record, pos Position) {
					if err == nil && pos.Offset >= mark {
						err = l.Add(ctx, rec, pos)
					}
				})
			}
			if err == nil {
				err = l.Close(ctx)
			}
			if err == nil {
				// The fault came after the last request: every point is done.
				done = true
				exactlyOnce(t, c, in)
				break
			}
			// The rerun, from the mark the crashed run left.
			load(t, c, in, got, 400)
			rows, distinct := rowsOf(t, c, in.src.ID)
			if rows != uint64(in.rows) || distinct != uint64(in.rows) {
				t.Fatalf("%s (%v): after the rerun %d rows, %d distinct; want %d once", name, err, rows, distinct, in.rows)
			}
		}
		if done {
			t.Logf("a crash at each of %d requests, before and after the server acted, left every row once", at-1)
			break
		}
	}
	exactlyOnce(t, c, other)
}

// loadPart loads the first n records of in in batches of batch rows and
// returns the end of the first batch: the mark of a run that died before
// it recorded the others.
func loadPart(t *testing.T, c *Client, in input, n, batch int) int64 {
	t.Helper()
	ctx := context.Background()
	var end int64
	l, err := NewLoader(ctx, c, LoaderOptions{BatchRows: batch, OnCommit: func(b Batch) {
		if end == 0 {
			end = b.End
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Begin(ctx, in.src, 0); err != nil {
		t.Fatal(err)
	}
	k := 0
	eachRecord(t, in.src.Name, in.data, nil, func(rec *parser.Record, pos Position) {
		if k < n {
			k++
			if err := l.Add(ctx, rec, pos); err != nil {
				t.Fatal(err)
			}
		}
	})
	if err := l.Close(ctx); err != nil {
		t.Fatal(err)
	}
	return end
}

func waitGone(t *testing.T, c *Client, in input) {
	t.Helper()
	l := &Loader{c: c, opts: LoaderOptions{MutationTimeout: 60e9}}
	if err := l.waitFor(context.Background(), "clean", nowPlus(60), "rows", func() (uint64, error) {
		n, _ := rowsOf(t, c, in.src.ID)
		return n, nil
	}); err != nil {
		t.Fatal(err)
	}
}
