package agents

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

func TestClassifierWarmDoesNotAllocate(t *testing.T) {
	c := NewClassifier(64)
	for _, ua := range benchAgents {
		c.Classify(ua)
	}
	allocs := testing.AllocsPerRun(100, func() {
		for _, ua := range benchAgents {
			sinkAgent = c.Classify(ua)
		}
	})
	if allocs != 0 {
		t.Errorf("warm Classify allocates %.1f times per round", allocs)
	}
}

func TestClassifierBounded(t *testing.T) {
	const capacity = 100
	c := NewClassifier(capacity)
	hot := []byte("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36")
	for i := range 5000 {
		c.Classify([]byte("curl/" + strconv.Itoa(i)))
		c.Classify(hot)
		if c.Len() > capacity {
			t.Fatalf("after %d strings the cache holds %d, capacity %d", i+1, c.Len(), capacity)
		}
	}
	s := c.Stats()
	if s.Misses != 5001 || s.Hits != 4999 {
		t.Errorf("misses %d hits %d, want 5001 and 4999 (the hot string stays cached)", s.Misses, s.Hits)
	}
	if s.Rotated == 0 {
		t.Error("the cache never dropped a generation")
	}
	// Long strings are keyed by their first MaxLen bytes: memory per entry
	// is bounded too.
	long := []byte(strings.Repeat("x", 10*MaxLen))
	c.Classify(long)
	c.Classify(long[:MaxLen+1])
	if got := c.Stats().Hits; got != s.Hits+1 {
		t.Errorf("a string sharing the first MaxLen bytes missed the cache")
	}
}

func TestClassifierNoCache(t *testing.T) {
	c := NewClassifier(0)
	for range 3 {
		if a := c.Classify([]byte("curl/8.5.0")); a.Kind != KindTool {
			t.Fatalf("got %s", describe(a))
		}
	}
	if s := c.Stats(); s.Misses != 3 || s.Hits != 0 || c.Len() != 0 {
		t.Errorf("capacity 0: %+v, len %d", s, c.Len())
	}
}

func TestStrings(t *testing.T) {
	var got []string
	for k := KindUnknown; k <= KindEmpty+1; k++ {
		got = append(got, k.String())
	}
	for d := DeviceUnknown; d <= DeviceTool+1; d++ {
		got = append(got, d.String())
	}
	want := "unknown human bot tool (empty) unknown unknown desktop mobile tablet bot tool unknown"
	if s := strings.Join(got, " "); s != want {
		t.Errorf("got  %s\nwant %s", s, want)
	}
	if n := (Name{}); n.String() != "" || !n.IsZero() || MakeName("") != n {
		t.Error("the zero Name is not empty")
	}
}

// TestClassifiersConcurrent runs one Classifier per goroutine, as workers
// do, over the shared libraries; run with -race.
func TestClassifiersConcurrent(t *testing.T) {
	want := make([]Agent, len(classifyTests))
	for i, tt := range classifyTests {
		want[i] = Parse(tt.ua)
	}
	done := make(chan error, 4)
	for w := range 4 {
		go func() {
			c := NewClassifier(8) // small: rotations too
			for round := range 3 {
				for i := range classifyTests {
					j := (i + w*7 + round) % len(classifyTests)
					if got := c.Classify([]byte(classifyTests[j].ua)); got != want[j] {
						done <- fmt.Errorf("worker %d: %s, want %s", w, describe(got), describe(want[j]))
						return
					}
				}
			}
			done <- nil
		}()
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
