package aggregate_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/webalyze/webalyze/aggregate"
	"github.com/webalyze/webalyze/aggregate/dim"
	"github.com/webalyze/webalyze/aggregate/geo"
	"github.com/webalyze/webalyze/parser"
)

// TestGeoWorkersAgree checks the countries and networks a State counts
// through its client list (by the worker that owns each client, with the
// client's place kept in its entry of the list) against a geo aggregator
// fed every record itself (Add), over the same lines: with 1 and 4
// workers, and a client list small enough that clients leave it and come
// back, so that their places are looked up again. The clients are
// addresses of the demo database's ranges (countries and networks), others
// it does not know, local ones, fields that are not addresses and one too
// long to be one.
func TestGeoWorkersAgree(t *testing.T) {
	set, err := geo.OpenAll(filepath.Join("..", "testdata", "geo", "demo.mmdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer set.Close()
	rng := rand.New(rand.NewPCG(3, 11))
	clients := []string{"-", "localhost", "127.0.0.1", "10.1.2.3", "::1", "8.8.8.8", "2001:4860::8888",
		"x" + string(bytes.Repeat([]byte("1.2.3.4:"), 9))}
	for i := range 1500 {
		switch i % 4 {
		case 0:
			clients = append(clients, fmt.Sprintf("192.0.2.%d", i%256))
		case 1:
			clients = append(clients, fmt.Sprintf("198.51.100.%d", i%256))
		case 2:
			clients = append(clients, fmt.Sprintf("203.0.113.%d", i%256))
		default:
			clients = append(clients, fmt.Sprintf("2001:db8::%x", i))
		}
	}
	codes := []int{200, 200, 304, 404, 410, 500, 503, 499}
	start := time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC).Unix()
	var log bytes.Buffer
	for i := range 60_000 {
		// Zipf-like: a few clients make most requests, the rest come
		// and go.
		c := clients[int(float64(len(clients))*rng.Float64()*rng.Float64()*rng.Float64())]
		fmt.Fprintf(&log, "%s - - [%s] \"GET /p/%d HTTP/1.1\" %d %d \"-\" \"agent %d\"\n", c,
			time.Unix(start+int64(i*7), 0).UTC().Format("02/Jan/2006:15:04:05 -0700"),
			rng.IntN(50), codes[rng.IntN(len(codes))], rng.IntN(5000), rng.IntN(3))
	}
	name := logFile(t, log.Bytes())
	if log.Len() < 8*parser.DefaultBlockSize {
		t.Fatalf("log of %d bytes: too few blocks", log.Len())
	}

	// The reference: every record handed to Add.
	want := geo.NewAggregator(set, geo.Options{})
	format, _ := parser.ParseFormatSpec("combined")
	feed(t, format, log.Bytes(), want)

	for _, workers := range []int{1, 4} {
		st := runChecked(t, workers, format, aggregate.Options{TopCapacity: 100,
			Dimensions: []dim.Dimension{geo.NewAggregator(set, geo.Options{})}}, name)
		if st.Clients.Exact() {
			t.Fatalf("workers=%d: the client list held every client: no client left it", workers)
		}
		got := st.Dimension(geo.Section).(*geo.Aggregator)
		for _, c := range []struct {
			what      string
			got, want any
		}{
			{"countries", got.Countries(), want.Countries()},
			{"local", got.Local(), want.Local()},
			{"not an address", got.NotIP(), want.NotIP()},
			{"not found", got.NotFound(), want.NotFound()},
			{"no ASN", got.NoASN(), want.NoASN()},
			{"networks", got.Networks(100), want.Networks(100)},
		} {
			if !reflect.DeepEqual(c.got, c.want) {
				t.Errorf("workers=%d: %s:\n got %+v\nwant %+v", workers, c.what, c.got, c.want)
			}
		}
		if len(want.Countries()) < 3 || want.NotIP().Hits == 0 || want.Local().Hits == 0 || want.NotFound().Hits == 0 {
			t.Fatalf("the log misses a kind of client: countries %+v", want.Countries())
		}
	}
}
