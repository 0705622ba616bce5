package clickhouse

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/webalyze/webalyze/aggregate"
	"github.com/webalyze/webalyze/aggregate/clickhouse/chserver"
	"github.com/webalyze/webalyze/parser"
	"github.com/webalyze/webalyze/report"
)

// TestHostileInput loads every parsable hostile test file (NUL bytes,
// tabs, backslashes and invalid UTF-8 in fields, huge numbers, odd
// times) and the samples, and checks the figures, keys included byte for
// byte, against a local run, over the whole table and in a time window.
// Records whose time a DateTime cannot hold are refused by the Loader and
// left out of the local run too.
func TestHostileInput(t *testing.T) {
	srv := chserver.Start(t, chserver.Options{})
	c := newDatabase(t, srv, "web")
	ctx := context.Background()
	l, err := NewLoader(ctx, c, LoaderOptions{BatchRows: 50})
	if err != nil {
		t.Fatal(err)
	}
	var kept []parser.Record
	var refused int
	var names []string
	dir := filepath.Join("..", "..", "testdata", "hostile")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".log") {
			names = append(names, filepath.Join(dir, e.Name()))
		}
	}
	for _, s := range samples(t) {
		names = append(names, samplePath(s.name))
	}
	timed, _ := parser.CompileNginx("timed", timedNginx)
	for _, name := range names {
		in, err := parser.Open(name)
		if err != nil {
			continue // refused files (UTF-16...) have no records
		}
		in.Close()
		data := readInput(t, name)
		if parser.Detect(data[:min(len(data), 64<<10)], parser.AutoCandidates(nil)).Format == nil {
			continue
		}
		var f parser.Format
		if strings.HasSuffix(name, "nginx-timed.log") {
			f = timed
		}
		if err := l.Begin(ctx, Source{Name: name, ID: name}, 0); err != nil {
			t.Fatal(err)
		}
		eachRecord(t, name, data, f, func(r *parser.Record, pos Position) {
			err := l.Add(ctx, r, pos)
			if errors.Is(err, ErrTimeRange) {
				refused++
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			// Keep a deep copy for the local runs below.
			cp := *r
			for _, p := range []*[]byte{&cp.Host, &cp.User, &cp.Method, &cp.Path, &cp.Query, &cp.Protocol,
				&cp.Referer, &cp.UserAgent, &cp.VHost} {
				*p = append([]byte(nil), *p...)
			}
			cp.Request, cp.Ident, cp.Extra = nil, nil, nil
			kept = append(kept, cp)
		})
	}
	if err := l.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if refused == 0 {
		t.Log("no record outside the DateTime range in the hostile files")
	}
	var hostileKeys int
	for _, r := range kept {
		if strings.ContainsAny(string(r.Path)+string(r.UserAgent)+string(r.Referer), "\x00\t\\\n") {
			hostileKeys++
		}
	}
	if hostileKeys == 0 {
		t.Fatal("no key with NUL, tab, backslash or newline: the test proves nothing about escaping")
	}

	local := func(top int, keep func(r *parser.Record) bool) *report.Input {
		st := aggregate.New(aggregate.Options{})
		for i := range kept {
			if keep(&kept[i]) {
				st.Add(&kept[i])
			}
		}
		return report.NewInput(st, report.BuildOptions{TopN: top})
	}
	all := func(*parser.Record) bool { return true }
	f, err := Query(ctx, c, QueryOptions{ExactLatency: true, TopN: 1000})
	if err != nil {
		t.Fatal(err)
	}
	in := local(1000, all)
	compareInputs(t, f.Input(), in)

	// A window: [since, until) in whole seconds; undated rows are out.
	since := time.Date(2024, 2, 27, 0, 0, 0, 0, time.UTC).Unix()
	until := time.Date(2024, 3, 2, 12, 0, 0, 0, time.UTC).Unix()
	f, err = Query(ctx, c, QueryOptions{ExactLatency: true, Since: since, Until: until, HasSince: true, HasUntil: true})
	if err != nil {
		t.Fatal(err)
	}
	in = local(25, func(r *parser.Record) bool { return r.HasTime && r.Time >= since && r.Time < until })
	if in.Lines.Parsed == 0 || in.Lines.Parsed == int64(len(kept)) {
		t.Fatalf("the window holds %d of %d records: choose another", in.Lines.Parsed, len(kept))
	}
	compareInputs(t, f.Input(), in)
}
