package aggregate

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/webalyze/webalyze/parser"
)

// TestShardedListsPastCapacity runs a log with far more URLs, clients and
// referrers than the lists hold on 1 and 3 workers (3 shards of each big
// list) and checks the Space-Saving promises of every sharded list against
// the true counts (checkSpaceSaving), and that its index finds every key.
func TestShardedListsPastCapacity(t *testing.T) {
	var log bytes.Buffer
	truth := map[string]map[string]uint64{"url": {}, "client": {}, "ref": {}}
	for i := range 40000 {
		// Skewed keys: the modulus varies, so small numbers come up far
		// more often than large ones.
		u, c, r := (i*7919)%(1+i%600), (i*104729)%(1+i%900), (i*31)%(1+i%300)
		fmt.Fprintf(&log, "10.2.%d.%d - - [05/Mar/2024:10:%02d:%02d +0000] \"GET /u/%d HTTP/1.1\" 200 10 \"https://ref%d.example/\" \"a\"\n",
			c/250, c%250, i/60%60, i%60, u, r)
		truth["url"][fmt.Sprintf("/u/%d", u)]++
		truth["client"][fmt.Sprintf("10.2.%d.%d", c/250, c%250)]++
		truth["ref"][fmt.Sprintf("https://ref%d.example/", r)]++
	}
	format, _ := parser.ParseFormatSpec("combined")
	for _, workers := range []int{1, 3} {
		t.Run(fmt.Sprint(workers), func(t *testing.T) {
			cfg := RunConfig{Workers: workers, Format: format, Options: Options{TopCapacity: 40},
				Open: func(name string) (*parser.Input, error) {
					return parser.NewInput(name, bytes.NewReader(log.Bytes()), int64(log.Len()))
				}}
			st, _, err := Run(context.Background(), cfg, []string{"many.log"})
			if err != nil {
				t.Fatal(err)
			}
			for name, list := range map[string]*TopK{"url": st.URLs, "client": st.Clients, "ref": st.Referrers} {
				if list.Exact() || list.Len() != 40 {
					t.Fatalf("%s: exact %v, %d entries: want a full, approximate list", name, list.Exact(), list.Len())
				}
				checkSpaceSaving(t, list, truth[name])
				checkIndex(t, list)
			}
		})
	}
}
