package aggregate

import (
	"bytes"
	"testing"
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
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Decode(bytes.NewReader(data))
		if err != nil {
			return
		}
		if err := New(testOpts).Merge(s); err != nil && s.Settings.Zone == "UTC" {
			t.Fatalf("decoded state does not merge: %v", err)
		}
		var buf bytes.Buffer
		if err := s.Encode(&buf); err != nil {
			t.Fatal(err)
		}
	})
}
