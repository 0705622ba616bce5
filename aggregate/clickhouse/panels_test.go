package clickhouse

import (
	"context"
	"maps"
	"strconv"
	"strings"
	"testing"

	"github.com/webalyze/webalyze/aggregate/clickhouse/chserver"
)

// TestGroupVisitorsCollision: values whose cityHash64 collide are told
// apart by sipHash64, with the same counts; a collision of both is an
// error, not a wrong count. The collisions are made by overwriting the
// hashes the server gave.
func TestGroupVisitorsCollision(t *testing.T) {
	srv := chserver.Start(t, chserver.Options{})
	c := newDatabase(t, srv, "web")
	loadSamples(t, c, "requests", 5000)
	ctx := context.Background()
	q, err := newQuerier(c, QueryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, limit := range []int{3, 1000} {
		rows, _, distinct, err := q.rawRows(ctx, "agents", "agent", "1", limit)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) < 3 || limit == 3 && distinct <= 3 {
			t.Fatalf("%d agents of %d: the samples prove nothing", len(rows), distinct)
		}
		tuples := make([]string, len(rows))
		for i := range rows {
			tuples[i] = "[" + strconv.Itoa(i+1) + "]"
		}
		all := uint64(len(rows)) >= distinct
		want, err := q.groupVisitors(ctx, "agents", "agent", "1", rows, tuples, "[0]", limit, all)
		if err != nil {
			t.Fatal(err)
		}
		if len(want) != len(rows)+min(int(distinct)-len(rows), 1) {
			t.Fatalf("limit %d: visitors of %d groups: %v", limit, len(want), want)
		}
		rows[1].hash = rows[0].hash
		got, err := q.groupVisitors(ctx, "agents", "agent", "1", rows, tuples, "[0]", limit, all)
		if err != nil || !maps.Equal(got, want) {
			t.Errorf("limit %d: cityHash64 collision: %v, %v; want %v", limit, got, err, want)
		}
		rows[1].hash2 = rows[0].hash2
		if _, err := q.groupVisitors(ctx, "agents", "agent", "1", rows, tuples, "[0]", limit, all); err == nil || !strings.Contains(err.Error(), "sipHash64") {
			t.Errorf("limit %d: both hashes collide: %v", limit, err)
		}
	}
}
