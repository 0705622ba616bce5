package clickhouse

import (
	"context"
	"testing"

	"github.com/webalyze/webalyze/aggregate"
	"github.com/webalyze/webalyze/aggregate/clickhouse/chserver"
	"github.com/webalyze/webalyze/parser"
	"github.com/webalyze/webalyze/report"
)

// A request line that is not HTTP (junk, a TLS handshake on a plain
// port) counts under aggregate.NotHTTPMethod in the methods, as in a
// local State, not under the empty method.
func TestNotHTTPMethod(t *testing.T) {
	srv := chserver.Start(t, chserver.Options{})
	c := newDatabase(t, srv, "web")
	ctx := context.Background()
	data := []byte(`1.2.3.4 - - [05/Mar/2024:14:00:00 +0000] "GET / HTTP/1.1" 200 10 "-" "a"
1.2.3.4 - - [05/Mar/2024:14:00:01 +0000] "\x16\x03\x01\x02" 400 0 "-" "-"
1.2.3.5 - - [05/Mar/2024:14:00:02 +0000] "-" 408 0 "-" "-"
1.2.3.6 - - [05/Mar/2024:14:00:03 +0000] "junk" 400 0 "-" "-"
`)
	l, err := NewLoader(ctx, c, LoaderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Begin(ctx, Source{Name: "x.log", ID: "x"}, 0); err != nil {
		t.Fatal(err)
	}
	st := aggregate.New(localOptions(nil, false))
	notHTTP := 0
	eachRecord(t, "x.log", data, nil, func(rec *parser.Record, pos Position) {
		if rec.NotHTTP() {
			notHTTP++
		}
		st.Add(rec)
		if err := l.Add(ctx, rec, pos); err != nil {
			t.Fatal(err)
		}
	})
	if err := l.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if notHTTP == 0 {
		t.Fatal("no record is not HTTP: the test proves nothing")
	}
	f, err := Query(ctx, c, QueryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	compareInputs(t, f.Input(), report.NewInput(st, report.BuildOptions{}))
}
