package aggregate

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/webalyze/webalyze/aggregate/dim"
	"github.com/webalyze/webalyze/aggregate/sketch"
	"github.com/webalyze/webalyze/parser"
)

// tally is a test dimension: it counts records per code and sums the keys
// the State hands over, so that a test sees every Hit went through.
type tally struct {
	name    string
	version uint32
	n       uint64
	codes   map[uint16]uint64
	keys    uint64 // sum of Client+Path+Agent+Identity+Visitor+Day
	pages   uint64
}

func newTally(name string) *tally { return &tally{name: name, version: 1, codes: map[uint16]uint64{}} }

func (t *tally) Section() string { return t.name }
func (t *tally) Version() uint32 { return t.version }
func (t *tally) New() dim.Dimension {
	return &tally{name: t.name, version: t.version, codes: map[uint16]uint64{}}
}
func (t *tally) Check(parsed uint64) error {
	if t.n != parsed {
		return fmt.Errorf("tally counted %d records, the State parsed %d", t.n, parsed)
	}
	return nil
}

func (t *tally) Add(h *dim.Hit) {
	t.n++
	if h.HasCode {
		t.codes[h.Code]++
	}
	if h.Page {
		t.pages++
	}
	t.keys += h.Client + h.Path + h.Agent + h.Identity + h.Visitor + uint64(h.Day)
}

func (t *tally) Merge(o dim.Dimension) error {
	ot := o.(*tally)
	t.n += ot.n
	t.pages += ot.pages
	t.keys += ot.keys
	for c, n := range ot.codes {
		t.codes[c] += n
	}
	return nil
}

func (t *tally) MarshalBinary() ([]byte, error) {
	b := binary.AppendUvarint(nil, t.n)
	b = binary.AppendUvarint(b, t.keys)
	return binary.AppendUvarint(b, t.pages), nil
}

func (t *tally) UnmarshalBinary(b []byte) error {
	var vals [3]uint64
	for i := range vals {
		v, k := binary.Uvarint(b)
		if k <= 0 {
			return errors.New("short tally")
		}
		vals[i], b = v, b[k:]
	}
	t.n, t.keys, t.pages = vals[0], vals[1], vals[2]
	return nil
}

// agentFilter leaves out records whose agent contains "bot".
type agentFilter struct{}

func (agentFilter) Exclude(rec *parser.Record) (string, bool) {
	return "bot", bytes.Contains(rec.UserAgent, []byte("bot"))
}
func (agentFilter) New() dim.Filter { return agentFilter{} }

func withSection(t *testing.T, name string, version uint32) {
	t.Helper()
	old, had := sections[name]
	sections[name] = func() dim.Dimension { d := newTally(name); d.version = version; return d }
	t.Cleanup(func() {
		if had {
			sections[name] = old
		} else {
			delete(sections, name)
		}
	})
}

func TestDimensionHit(t *testing.T) {
	s := New(Options{Dimensions: []dim.Dimension{newTally("tally")}})
	r := rec("192.0.2.1", "/index.html", 503, 86400*3+5)
	r.UserAgent = []byte("Mozilla/5.0")
	s.Add(r)
	r2 := rec("192.0.2.2", "/a.png", 200, 0)
	r2.HasTime = false
	s.Add(r2)
	d := s.Dimension("tally").(*tally)
	client, path, agent := sketch.HashKey(r.Host), sketch.HashKey(r.Path), sketch.HashKey(r.UserAgent)
	id := sketch.VisitorHash(client, agent)
	want := client + path + agent + id + sketch.VisitorDay(id, 3) + 3
	c2, p2, a2 := sketch.HashKey(r2.Host), sketch.HashKey(r2.Path), sketch.HashKey(r2.UserAgent)
	id2 := sketch.VisitorHash(c2, a2)
	want += c2 + p2 + a2 + 2*id2 // undated: Visitor is the identity, Day 0
	if d.n != 2 || d.codes[503] != 1 || d.codes[200] != 1 || d.pages != 1 || d.keys != want {
		t.Errorf("tally %+v, want 2 records, one page, keys %d", d, want)
	}
	if s.hit.Rec != nil {
		t.Error("the State keeps a pointer to the last record")
	}
	if s.Dimension("none") != nil {
		t.Error("Dimension of an absent section is not nil")
	}
	if err := s.Check(); err != nil {
		t.Error(err)
	}
}

func TestDimensionWorkersAndState(t *testing.T) {
	withSection(t, "tally", 1)
	dir := t.TempDir()
	var lines strings.Builder
	for i := range 20000 {
		fmt.Fprintf(&lines, "10.0.%d.%d - - [02/Jan/2026:10:%02d:%02d +0000] \"GET /p%d.html HTTP/1.1\" %d 10 \"-\" \"%s\"\n",
			i%7, i%251, i/600%60, i%60, i%97, 200+i%4*100, []string{"Mozilla/5.0", "Googlebot/2.1", "curl/8"}[i%3])
	}
	name := filepath.Join(dir, "access.log")
	if err := os.WriteFile(name, []byte(lines.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	var got []*State
	for _, w := range []int{1, 3} {
		st, _, err := Run(context.Background(), RunConfig{Workers: w, Candidates: parser.AutoCandidates(nil),
			Options: Options{Dimensions: []dim.Dimension{newTally("tally")}, Filter: agentFilter{}}}, []string{name})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Check(); err != nil {
			t.Fatal(err)
		}
		if st.Lines.Filtered != 6667 || st.FilteredReasons["bot"] != 6667 || st.Lines.Parsed != 20000-6667 {
			t.Errorf("workers=%d: lines %+v, filter reasons %v", w, st.Lines, st.FilteredReasons)
		}
		got = append(got, st)
	}
	a, b := got[0].Dimension("tally").(*tally), got[1].Dimension("tally").(*tally)
	if a.n != b.n || a.keys != b.keys || a.pages != b.pages || fmt.Sprint(a.codes) != fmt.Sprint(b.codes) {
		t.Errorf("1 and 3 workers disagree: %+v and %+v", a, b)
	}

	// The section goes through a state file, and merges.
	var buf bytes.Buffer
	if err := got[0].Encode(&buf); err != nil {
		t.Fatal(err)
	}
	back, err := Decode(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if d := back.Dimension("tally").(*tally); d.n != a.n || d.keys != a.keys || back.FilteredReasons["bot"] != 6667 {
		t.Errorf("decoded tally %+v, filter reasons %v", d, back.FilteredReasons)
	}
	if err := back.Merge(got[1]); err != nil {
		t.Fatal(err)
	}
	if err := back.Check(); err != nil {
		t.Error(err)
	}
	if d := back.Dimension("tally").(*tally); d.n != 2*a.n || back.FilteredReasons["bot"] != 2*6667 {
		t.Errorf("merged tally %+v, filter reasons %v", d, back.FilteredReasons)
	}
}

func TestDimensionSectionsRefused(t *testing.T) {
	withSection(t, "tally", 1)
	s := New(Options{Dimensions: []dim.Dimension{newTally("tally")}})
	s.Add(rec("192.0.2.1", "/", 200, 60))
	var buf bytes.Buffer
	if err := s.Encode(&buf); err != nil {
		t.Fatal(err)
	}
	file := buf.Bytes()

	plain := New(Options{})
	if err := plain.Merge(s); err == nil || !strings.Contains(err.Error(), `different dimensions (none and ["tally"])`) {
		t.Errorf("merging a state without the section: %v", err)
	}
	if err := s.Merge(New(Options{Dimensions: []dim.Dimension{newTally("other")}})); err == nil {
		t.Error("states with other sections merged")
	}

	withSection(t, "tally", 2)
	if _, err := Decode(bytes.NewReader(file)); err == nil || !strings.Contains(err.Error(), `"tally" section has version 1, this webalyze reads version 2`) {
		t.Errorf("a section of another version: %v", err)
	}
	delete(sections, "tally")
	if _, err := Decode(bytes.NewReader(file)); err == nil || !strings.Contains(err.Error(), `a "tally" section, which this webalyze does not know`) {
		t.Errorf("an unknown section: %v", err)
	}
}

func TestDimensionAddAllocs(t *testing.T) {
	recs := benchRecords(256)
	s := New(Options{Dimensions: []dim.Dimension{newTally("tally")}, Filter: agentFilter{}})
	for _, r := range recs {
		s.Add(r)
	}
	if n := testing.AllocsPerRun(20, func() {
		for _, r := range recs {
			s.Add(r)
		}
	}); n != 0 {
		t.Errorf("Add with a dimension and a filter allocates %v times per %d known records", n, len(recs))
	}
}
