package aggregate

import (
	"bytes"
	"encoding/binary"
	"encoding/gob"
	"runtime"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"

	"github.com/webalyze/webalyze/aggregate/timing"
)

// hugeMapGob gob-encodes v, whose only map holds one entry encoded as
// entry, and rewrites that map's count to n: a stream of a hundred bytes
// that claims n entries.
func hugeMapGob(t *testing.T, v any, entry []byte, n uint64) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(v); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	// The value is the last message; its lengths are below 128 here.
	last := 0
	for p := 0; p < len(data); p += 1 + int(data[p]) {
		last = p
	}
	msg := data[last+1:]
	i := bytes.LastIndex(msg, append([]byte{1}, entry...)) // count 1, then the entry
	if i < 0 {
		t.Fatal("map not found")
	}
	cnt := binary.BigEndian.AppendUint64([]byte{0xF8}, n)
	nm := append(append(append([]byte{}, msg[:i]...), cnt...), msg[i+1:]...)
	return append(append(append([]byte{}, data[:last]...), byte(len(nm))), nm...)
}

// stateFile wraps a gob stream as a state file of the current version.
func stateFile(t *testing.T, stream []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	buf.Write(stateMagic)
	buf.Write(binary.BigEndian.AppendUint32(nil, SchemaVersion))
	zw, err := zstd.NewWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	zw.Write(stream)
	zw.Close()
	return buf.Bytes()
}

// TestDecodeHugeMapCount: a state file or a section whose gob stream
// claims a map of 2^25 entries in a hundred bytes is refused without
// allocating for them (gob sizes a map from the claimed count; at 2^30
// the process dies of it).
func TestDecodeHugeMapCount(t *testing.T) {
	const n = 1 << 25
	for _, c := range []struct {
		name   string
		decode func() error
	}{
		{"core", func() error {
			_, err := Decode(bytes.NewReader(stateFile(t, hugeMapGob(t, struct{ SubCodes map[uint64]uint64 }{map[uint64]uint64{1: 5}}, []byte{1, 5}, n))))
			return err
		}},
		{"timing section", func() error {
			type latency struct{ Count uint64 }
			return timing.New().UnmarshalBinary(hugeMapGob(t, struct{ Code map[uint16]latency }{map[uint16]latency{1: {Count: 5}}}, []byte{1, 1, 5, 0}, n))
		}},
	} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		err := c.decode()
		runtime.ReadMemStats(&after)
		if err == nil || !strings.Contains(err.Error(), "exceeds") {
			t.Errorf("%s: got %v, want a refused count", c.name, err)
		}
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 64<<20 {
			t.Errorf("%s: decoding allocated %d MB", c.name, grew>>20)
		}
	}
}

// TestDecodeRefusesBrokenInvariants: a state file whose counts break the
// invariants of every run (tampered, or written by a faulty webalyze) is
// refused as corrupt rather than loaded and merged into later runs.
func TestDecodeRefusesBrokenInvariants(t *testing.T) {
	for _, c := range []struct {
		name   string
		mutate func(s *State)
		want   string
	}{
		{"read", func(s *State) { s.Lines.Read++ }, "lines read"},
		{"requests", func(s *State) { s.Requests++ }, "requests"},
		{"codes", func(s *State) { s.Codes[200] += 7 }, "codes"},
		{"minutes", func(s *State) { s.Undated++ }, "minute buckets"},
	} {
		s := aggregateAll(randEvents(3, 100), testOpts)
		var buf bytes.Buffer
		if err := s.Encode(&buf); err != nil {
			t.Fatal(err)
		}
		if _, err := Decode(bytes.NewReader(buf.Bytes())); err != nil {
			t.Fatalf("%s: intact state refused: %v", c.name, err)
		}
		c.mutate(s)
		buf.Reset()
		if err := s.Encode(&buf); err != nil {
			t.Fatal(err)
		}
		if _, err := Decode(&buf); err == nil || !strings.Contains(err.Error(), "corrupt") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want a corrupt state naming %q", c.name, err, c.want)
		}
	}
}

// TestDecodeBomb: a state file whose zstd stream inflates thousands of
// times (megabytes of zeros in a few hundred bytes) is refused once it
// passes the bound, with memory bounded by it, whatever the version
// (versions 2 and 3 are read whole before decoding).
func TestDecodeBomb(t *testing.T) {
	defer func(f int64) { decodeFloor = f }(decodeFloor)
	decodeFloor = 1 << 20
	zw, err := zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1))
	if err != nil {
		t.Fatal(err)
	}
	zeros := make([]byte, 128<<20)
	// A gob message of 124 MB of zeros, so that a version 4 file streams
	// into the gob decoder too.
	msg := append([]byte{0xFC, 0x07, 0xC0, 0x00, 0x00}, zeros...)
	for _, v := range []uint32{2, 3, SchemaVersion} {
		hdr := binary.BigEndian.AppendUint32(append([]byte{}, stateMagic...), v)
		data := zw.EncodeAll(msg, hdr)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, err := Decode(bytes.NewReader(data))
		runtime.ReadMemStats(&after)
		if err == nil || !strings.Contains(err.Error(), "decompresses to over") {
			t.Errorf("version %d: %d bytes: got %v, want a bomb refused", v, len(data), err)
		}
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 48<<20 {
			t.Errorf("version %d: decoding allocated %d MB", v, grew>>20)
		}
	}
}

// TestDecodeHugeWindow: a state file of 26 bytes whose zstd frame asks
// for a window of 512 MB or more is refused without allocating it.
func TestDecodeHugeWindow(t *testing.T) {
	// Frame: magic, no flags, window descriptor (exponent e: 2^(10+e)),
	// then one last raw block of 3 bytes.
	for _, wd := range []byte{0x78, 0x98, 0xA0} { // 32 MB, 512 MB, 1 GB
		data := append(append([]byte{}, stateMagic...), 0, 0, 0, SchemaVersion, 0x28, 0xB5, 0x2F, 0xFD, 0x00, wd, 0x19, 0, 0, 1, 2, 3)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, err := Decode(bytes.NewReader(data))
		runtime.ReadMemStats(&after)
		if err == nil {
			t.Errorf("window %#x: decoded", wd)
		}
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 16<<20 {
			t.Errorf("window %#x: decoding allocated %d MB", wd, grew>>20)
		}
	}
}
