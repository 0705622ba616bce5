package gobcheck

import (
	"bytes"
	"encoding/gob"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

type inner struct {
	N    int
	Tags map[string][]byte
}

type sample struct {
	A     int64
	U     uint64
	F     float64
	C     complex128
	B     bool
	S     string
	Bytes []byte
	Arr   [3]uint16
	M     map[int64]*inner
	L     []inner
	P     *inner
	MM    map[string]map[uint64]uint64
	E     struct{}
	T     textish
}

type textish struct{ v string }

func (t textish) MarshalBinary() ([]byte, error)  { return []byte(t.v), nil }
func (t *textish) UnmarshalBinary(b []byte) error { t.v = string(b); return nil }

func encode(t *testing.T, vs ...any) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := gob.NewEncoder(&buf)
	for _, v := range vs {
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

// TestPassesValid: a checked stream decodes to what was encoded, values of
// every kind, several per stream, top-level values that are no structs.
func TestPassesValid(t *testing.T) {
	full := sample{A: -5, U: 1 << 60, F: 2.5, C: 1i, B: true, S: "s", Bytes: []byte{1, 2},
		Arr: [3]uint16{1, 0, 3}, M: map[int64]*inner{-1: {N: 1, Tags: map[string][]byte{"x": {9}}}, 2: {}},
		L: []inner{{N: 3}, {}}, P: &inner{N: 4}, MM: map[string]map[uint64]uint64{"a": {1: 2}}, T: textish{"bin"}}
	for _, vs := range [][]any{
		{sample{}},
		{full},
		{full, sample{S: "second"}, full},
		{map[string]uint64{"a": 1, "b": 2}},
		{[]inner{{N: 1}}, int64(7), "str"},
	} {
		data := encode(t, vs...)
		dec := gob.NewDecoder(NewReader(bytes.NewReader(data)))
		for _, want := range vs {
			got := reflect.New(reflect.TypeOf(want))
			if err := dec.Decode(got.Interface()); err != nil {
				t.Fatalf("%T: %v", want, err)
			}
			if !reflect.DeepEqual(got.Elem().Interface(), want) {
				t.Errorf("decoded %+v, want %+v", got.Elem().Interface(), want)
			}
		}
	}
}

// patchCount replaces the first count byte 1 that is followed by tail in
// the last message of data with a count of n, fixing the message length.
func patchCount(t *testing.T, data []byte, tail []byte, n uint64) []byte {
	t.Helper()
	// Split into messages (lengths below 128 in these tests).
	p, last := 0, 0
	for p < len(data) {
		last = p
		p += 1 + int(data[p])
	}
	msg := data[last+1:]
	i := bytes.LastIndex(msg, append([]byte{1}, tail...))
	if i < 0 {
		t.Fatal("count not found")
	}
	cnt := []byte{0xF8, byte(n >> 56), byte(n >> 48), byte(n >> 40), byte(n >> 32), byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}
	nm := append(append(append([]byte{}, msg[:i]...), cnt...), msg[i+1:]...)
	out := append([]byte{}, data[:last]...)
	out = append(out, byte(len(nm)))
	return append(out, nm...)
}

type mapOnly struct{ M map[int64]int64 }
type nestedMap struct{ L []mapOnly }
type sliceOnly struct{ L []int64 }
type strOnly struct{ S string }

// TestRefusesHugeCounts: a map, a map nested in a slice element, a slice
// or a string claiming more elements than the message holds is refused
// before gob allocates for it (without the check, the map of 2^25 entries
// alone makes gob allocate over a gigabyte).
func TestRefusesHugeCounts(t *testing.T) {
	for _, c := range []struct {
		name string
		data []byte
		into any
	}{
		{"map", patchCount(t, encode(t, mapOnly{M: map[int64]int64{1: 1}}), []byte{2, 2}, 1<<25), &mapOnly{}},
		{"map in slice", patchCount(t, encode(t, nestedMap{L: []mapOnly{{M: map[int64]int64{3: 3}}}}), []byte{6, 6}, 1<<25), &nestedMap{}},
		{"top-level map", patchCount(t, encode(t, map[int64]int64{1: 1}), []byte{2, 2}, 1<<25), &map[int64]int64{}},
		{"slice", patchCount(t, encode(t, sliceOnly{L: []int64{1}}), []byte{2}, 1<<40), &sliceOnly{}},
		{"string", patchCount(t, encode(t, strOnly{S: "x"}), []byte("x"), 1<<40), &strOnly{}},
	} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		err := gob.NewDecoder(NewReader(bytes.NewReader(c.data))).Decode(c.into)
		runtime.ReadMemStats(&after)
		if err == nil || !strings.Contains(err.Error(), "exceeds") {
			t.Errorf("%s: got %v, want a refused count", c.name, err)
		}
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 16<<20 {
			t.Errorf("%s: decoding allocated %d bytes", c.name, grew)
		}
	}
}

// TestRefusesMalformed: truncated streams and bad type definitions are
// errors, never panics.
func TestRefusesMalformed(t *testing.T) {
	data := encode(t, sample{S: "x", M: map[int64]*inner{1: {}}})
	for i := range data {
		var s sample
		_ = gob.NewDecoder(NewReader(bytes.NewReader(data[:i]))).Decode(&s)
	}
	for _, bad := range [][]byte{{0xFF}, {3, 0x80, 0, 0}, {2, 1, 1}, {0xF7, 0, 0, 0, 0, 0, 0, 0, 0, 0}} {
		if err := gob.NewDecoder(NewReader(bytes.NewReader(bad))).Decode(new(sample)); err == nil {
			t.Errorf("%x decoded", bad)
		}
	}
}

func FuzzReader(f *testing.F) {
	f.Add(encode(&testing.T{}, sample{S: "x", M: map[int64]*inner{1: {Tags: map[string][]byte{"a": nil}}}, L: []inner{{}}}))
	f.Fuzz(func(t *testing.T, data []byte) {
		var s sample
		_ = gob.NewDecoder(NewReader(bytes.NewReader(data))).Decode(&s)
	})
}
