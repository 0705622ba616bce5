package clickhouse_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/webalyze/webalyze/aggregate/clickhouse"
	"github.com/webalyze/webalyze/parser"
)

// Load one nginx log and read its status codes back. The mark returned
// by OnCommit is where a rerun starts: it replaces whatever an
// interrupted run left past it.
func Example() {
	ctx := context.Background()
	c, err := clickhouse.Open("http://127.0.0.1:8123/?database=web")
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	var mark int64 // the input's incremental mark, 0 the first time
	l, err := clickhouse.NewLoader(ctx, c, clickhouse.LoaderOptions{
		OnCommit: func(b clickhouse.Batch) { mark = b.End }, // save it with the run's state
	})
	if err != nil {
		log.Fatal(err)
	}
	data, err := os.ReadFile("access.log")
	if err != nil {
		log.Fatal(err)
	}
	format, _ := parser.Named("nginx", nil)
	p := format.NewParser()
	if err := l.Begin(ctx, clickhouse.Source{Name: "access.log", ID: "dev:inode or a digest of its head"}, mark); err != nil {
		log.Fatal(err)
	}
	var rec parser.Record
	chunk := parser.Chunk{Data: data, Line: 1}
	it := chunk.Lines()
	for line, ok := it.Next(); ok; line, ok = it.Next() {
		if it.Offset < mark || p.Parse(line, &rec).Kind != parser.Parsed {
			continue
		}
		end := it.Offset + int64(len(line)) + 1 // assumes LF endings
		if err := l.Add(ctx, &rec, clickhouse.Position{Line: it.Line, Offset: it.Offset, End: end}); err != nil {
			log.Fatal(err)
		}
	}
	if err := l.Close(ctx); err != nil {
		log.Fatal(err)
	}
	f, err := clickhouse.Query(ctx, c, clickhouse.QueryOptions{})
	if err != nil {
		log.Fatal(err)
	}
	for _, code := range f.Codes {
		fmt.Println(code.Code, code.Hits)
	}
}
