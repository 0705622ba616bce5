package aggregate

import (
	"bytes"
	"encoding/binary"
	"io"
	"testing"

	"github.com/klauspost/compress/zstd"
)

// FuzzDecode: any input either decodes to a State that passes Check and
// can be merged and encoded again, or is refused with an error; it never
// panics.
func FuzzDecode(f *testing.F) {
	for _, evs := range [][]event{nil, randEvents(1, 200)} {
		var buf bytes.Buffer
		if err := aggregateAll(evs, testOpts).Encode(&buf); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes())
	}
	f.Add([]byte("WBLZSTAT\x00\x00\x00\x01garbage"))
	f.Fuzz(func(t *testing.T, data []byte) { checkDecoded(t, data) })
}

// FuzzDecodeStream is FuzzDecode past the compression: the fuzzer
// mutates the gob stream of a state file (what FuzzDecode reaches only
// through zstd frames), which is then compressed as a state file of
// version 2, 3 or 4.
func FuzzDecodeStream(f *testing.F) {
	for i, evs := range [][]event{nil, randEvents(1, 40), randEvents(2, 300)} {
		var buf bytes.Buffer
		if err := aggregateAll(evs, testOpts).Encode(&buf); err != nil {
			f.Fatal(err)
		}
		zr, err := zstd.NewReader(bytes.NewReader(buf.Bytes()[12:]))
		if err != nil {
			f.Fatal(err)
		}
		raw, err := io.ReadAll(zr)
		zr.Close()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw, uint8(SchemaVersion))
		if i == 1 {
			f.Add(raw, uint8(3))
		}
	}
	zw, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, stream []byte, version uint8) {
		data := binary.BigEndian.AppendUint32(append([]byte{}, stateMagic...), uint32(2+version%(SchemaVersion-1)))
		checkDecoded(t, zw.EncodeAll(stream, data))
	})
}

// checkDecoded decodes data: a State it gives passes Check, keeps it when
// merged, and saves as a file that decodes again.
func checkDecoded(t *testing.T, data []byte) {
	s, err := Decode(bytes.NewReader(data))
	if err != nil {
		return
	}
	if err := s.Check(); err != nil {
		t.Fatalf("decoded state fails Check: %v", err)
	}
	// Other settings are refused; what merges keeps the invariants.
	if o := New(testOpts); o.Merge(s) == nil {
		if err := o.Check(); err != nil {
			t.Fatalf("merged decoded state fails Check: %v", err)
		}
	}
	var buf bytes.Buffer
	if err := s.Encode(&buf); err != nil {
		t.Fatal(err)
	}
	back, err := Decode(&buf)
	if err != nil {
		t.Fatalf("re-encoded state does not decode: %v", err)
	}
	if err := back.Check(); err != nil {
		t.Fatalf("re-encoded state fails Check: %v", err)
	}
}
