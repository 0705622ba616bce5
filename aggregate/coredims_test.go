package aggregate

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/gob"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"

	"github.com/webalyze/webalyze/aggregate/dim"
	"github.com/webalyze/webalyze/aggregate/timing"
	"github.com/webalyze/webalyze/aggregate/win32"
	"github.com/webalyze/webalyze/parser"
)

// v3State is a state file written by webalyze at commit 2decd56 (schema
// 3, response times and win32 statuses in the core) from the log beside it:
//
//	webalyze summary --state iis-v3-times-in-core.state iis-before-minute-subcodes.log
const v3State = "../testdata/states/iis-v3-times-in-core.state"

// TestOldStatesCoreDims: the response times and win32 statuses of a
// version 2 or 3 state file, which its core held, are read into their
// sections: the same figures as the log gives today, kept through a new
// file and merges.
func TestOldStatesCoreDims(t *testing.T) {
	fresh, _, err := Run(context.Background(), RunConfig{Workers: 1, Candidates: parser.AutoCandidates(nil)},
		[]string{"../testdata/states/iis-before-minute-subcodes.log"})
	if err != nil {
		t.Fatal(err)
	}
	want, wantW32 := fresh.Times(), fresh.Win32().List()
	if want.All.Count != 8 || len(want.Code) == 0 || len(wantW32) < 2 {
		t.Fatalf("the log's request times: %d in all, codes %v; win32 %v", want.All.Count, want.Code, wantW32)
	}
	for _, file := range []string{oldState, v3State} {
		old, err := LoadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if err := old.Check(); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if got := old.Times(); !sameTimes(got, want) || old.Dimension(timing.Section) != got {
			t.Errorf("%s: response times %+v, want %+v", file, got.All, want.All)
		}
		if got := old.Win32().List(); !reflect.DeepEqual(got, wantW32) || old.Dimension(win32.Section) != old.Win32() {
			t.Errorf("%s: win32 %v, want %v", file, got, wantW32)
		}
		if names := old.DimensionNames(); !slices.Equal(names, []string{timing.Section, win32.Section}) {
			t.Errorf("%s: dimensions %q", file, names)
		}
		back := roundTrip(t, old)
		if !sameTimes(back.Times(), want) || !reflect.DeepEqual(back.Win32().List(), wantW32) {
			t.Errorf("%s: response times or win32 lost in a new state file", file)
		}
		if err := back.Merge(fresh); err != nil {
			t.Fatal(err)
		}
		if back.Times().All.Count != 16 || back.Times().Code[404].Count != 2*want.Code[404].Count ||
			back.Win32().Total() != 2*fresh.Win32().Total() {
			t.Errorf("%s merged with the log's state: %d request times, %d win32", file, back.Times().All.Count, back.Win32().Total())
		}
		if err := back.Check(); err != nil {
			t.Error(err)
		}
	}
}

func sameTimes(a, b *timing.Times) bool {
	return reflect.DeepEqual(a.All, b.All) && reflect.DeepEqual(a.Class, b.Class) &&
		reflect.DeepEqual(a.Code, b.Code) && reflect.DeepEqual(a.Upstream, b.Upstream)
}

// encodeAs writes s as a state file of schema version v whose sections
// are secs, as a webalyze of that version, or a corrupt one, would.
func encodeAs(t *testing.T, s *State, v uint32, secs []section) []byte {
	t.Helper()
	var buf bytes.Buffer
	buf.Write(stateMagic)
	binary.Write(&buf, binary.BigEndian, v)
	zw, err := zstd.NewWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	enc := gob.NewEncoder(zw)
	if err := enc.Encode(s); err != nil {
		t.Fatal(err)
	}
	if v > 2 {
		if err := enc.Encode(secs); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestCoreSections: a new state file keeps the response times and win32
// statuses in their sections; one without them, or an older one with
// them, is refused.
func TestCoreSections(t *testing.T) {
	withSection(t, "tally", 1)
	s := New(Options{Dimensions: []dim.Dimension{newTally("tally")}})
	for i, r := range benchRecords(500) {
		r.HasWin32Status, r.Win32Status = i%3 != 0, uint32(i%5)
		s.Add(r)
	}
	if s.Times().All.Count != 250 {
		t.Fatalf("%d request times, want 250", s.Times().All.Count)
	}
	if n := s.Win32().Total(); n != 333 || s.Win32().Get(0) == 0 {
		t.Fatalf("%d records with a win32 status, want 333", n)
	}
	if names := s.DimensionNames(); !slices.Equal(names, []string{"latency", "win32", "tally"}) {
		t.Errorf("dimensions %q", names)
	}
	secs, err := s.encodeSections()
	if err != nil {
		t.Fatal(err)
	}
	if len(secs) != 3 || secs[0].Name != "latency" || secs[0].Version != timing.Version || secs[2].Name != "win32" {
		t.Fatalf("sections %+v", secs)
	}
	without := func(name string) []section {
		return slices.DeleteFunc(slices.Clone(secs), func(x section) bool { return x.Name == name })
	}
	back, err := Decode(bytes.NewReader(encodeAs(t, s, SchemaVersion, secs)))
	if err != nil {
		t.Fatal(err)
	}
	if !sameTimes(back.Times(), s.Times()) || !reflect.DeepEqual(back.Win32().List(), s.Win32().List()) ||
		back.Dimension("tally") == nil || !slices.Equal(back.DimensionNames(), []string{"latency", "win32", "tally"}) {
		t.Errorf("decoded: dimensions %q, %d request times", back.DimensionNames(), back.Times().All.Count)
	}

	for _, tt := range []struct {
		name string
		v    uint32
		secs []section
		want string
	}{
		{"version 4 without latency", SchemaVersion, without("latency"), `no "latency" section`},
		{"version 4 without win32", SchemaVersion, without("win32"), `no "win32" section`},
		{"version 3 with win32", 3, without("latency"), `a "latency" or "win32" section in a file of a version without them`},
		{"version 5", SchemaVersion + 1, secs, "schema version 5, this webalyze reads version 4"},
		{"version 1", 1, secs, "schema version 1"},
	} {
		if _, err := Decode(bytes.NewReader(encodeAs(t, s, tt.v, tt.secs))); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
	// A version 3 file without them is read, as one without response
	// times and win32 statuses (this core has none: see
	// TestOldStatesCoreDims for one that has).
	if v3, err := Decode(bytes.NewReader(encodeAs(t, s, 3, without("latency")[:1]))); err != nil || v3.Times().All.Count != 0 || v3.Win32().Total() != 0 || v3.Dimension("tally") == nil {
		t.Errorf("version 3: %v", err)
	}
	if err := New(Options{}).Merge(New(Options{})); err != nil {
		t.Error(err)
	}
}

// TestCoreDimensionRefused: the response times are the core's; giving
// them as a dimension of the Options is a programming error.
func TestCoreDimensionRefused(t *testing.T) {
	defer func() {
		if p := recover(); p == nil || !strings.Contains(p.(string), `"latency" given twice`) {
			t.Errorf("panic %v", p)
		}
	}()
	New(Options{Dimensions: []dim.Dimension{timing.New()}})
}
