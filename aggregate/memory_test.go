package aggregate

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/webalyze/webalyze/parser"
)

// peakHeap runs f and returns the highest HeapInuse seen while it ran,
// sampled every few milliseconds, above the heap in use before it.
func peakHeap(f func()) uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var m runtime.MemStats
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	f()
	close(stop)
	wg.Wait()
	if p := peak.Load(); p > base {
		return p - base
	}
	return 0
}

// repeatReader yields n bytes of b repeated, without holding them.
type repeatReader struct {
	b    byte
	left int64
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.left == 0 {
		return 0, io.EOF
	}
	n := int(min(int64(len(p)), r.left))
	// Fill by doubling copies rather than byte by byte: under -race each
	// byte store would be checked.
	if n > 0 {
		p[0] = r.b
		for k := 1; k < n; k *= 2 {
			copy(p[k:n], p[:k])
		}
	}
	r.left -= int64(n)
	return n, nil
}

// TestBoundedMemory feeds a 64 MiB input without any LF, and a gzip bomb
// (256 MiB of NULs in a few hundred KiB), through the pipeline, and checks
// that the heap stays near the line limit: such inputs are skipped as one
// long record, never buffered whole.
func TestBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 320 MiB; skipped with -short")
	}
	// The bomb is 256 gzip members of 1 MiB of NULs each, one stream to a
	// reader: as bad as one member of 256 MiB, and quick to build under
	// -race.
	var member, bomb bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&member, gzip.BestCompression)
	io.Copy(zw, &repeatReader{b: 0, left: 1 << 20})
	zw.Close()
	for range 256 {
		bomb.Write(member.Bytes())
	}
	cases := []struct {
		name   string
		open   func() io.Reader
		reason parser.Reason
	}{
		{"64 MiB without LF", func() io.Reader { return &repeatReader{b: 'x', left: 64 << 20} }, parser.ReasonLineTooLong},
		{"gzip bomb", func() io.Reader { return bytes.NewReader(bomb.Bytes()) }, parser.ReasonNULRun},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			format, _ := parser.ParseFormatSpec("combined")
			cfg := RunConfig{Workers: 2, Format: format, Open: func(name string) (*parser.Input, error) {
				return parser.NewInput(name, c.open(), -1)
			}}
			var st *State
			var err error
			peak := peakHeap(func() { st, _, err = Run(context.Background(), cfg, []string{c.name}) })
			if err != nil {
				t.Fatal(err)
			}
			if st.Lines.Read != 1 || st.MalformedReasons[c.reason] != 1 {
				t.Errorf("lines %+v, reasons %v: want one %s record", st.Lines, st.MalformedReasons, c.reason)
			}
			t.Logf("peak heap above baseline: %.1f MiB", float64(peak)/(1<<20))
			// Blocks of parser.DefaultBlockSize in flight per worker plus
			// the line limit; far below the input size.
			if peak > 32<<20 {
				t.Errorf("peak heap %.1f MiB, want under 32 MiB", float64(peak)/(1<<20))
			}
		})
	}
}
