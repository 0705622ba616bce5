package agents_test

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/webalyze/webalyze/aggregate"
	"github.com/webalyze/webalyze/aggregate/agents"
	"github.com/webalyze/webalyze/aggregate/dim"
	"github.com/webalyze/webalyze/parser"
)

// realCorpus is the shared corpus of real logs (not part of the project).
const realCorpus = "../../../shared/testdata/real"

// TestRealLogsDimension runs the State with the agents dimension over the
// real logs, with one worker and with three: every request is in exactly
// one kind and one device class, the status classes of the kinds add up
// to the State's, and the figures do not depend on the workers.
func TestRealLogsDimension(t *testing.T) {
	if _, err := os.Stat(realCorpus); err != nil {
		t.Skipf("no real corpus at %s (the shared test data is not part of the project): %v", realCorpus, err)
	}
	var names []string
	filepath.WalkDir(realCorpus, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.HasSuffix(path, ".md") {
			names = append(names, path)
		}
		return err
	})
	run := func(workers int) (*aggregate.State, *agents.Aggregator) {
		opts := aggregate.Options{Dimensions: []dim.Dimension{agents.NewAggregator(agents.Options{TopCapacity: 100_000, DistinctCapacity: 100_000})}}
		st, _, err := aggregate.Run(context.Background(), aggregate.RunConfig{Workers: workers, Options: opts,
			Candidates: parser.AutoCandidates(nil)}, names)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Check(); err != nil {
			t.Fatal(err)
		}
		return st, st.Dimension(agents.Section).(*agents.Aggregator)
	}
	st, a := run(1)
	if st.Lines.Parsed == 0 {
		t.Fatal("no request parsed from the corpus")
	}
	if err := a.Check(st.Lines.Parsed); err != nil {
		t.Fatal(err)
	}
	var kinds, devices uint64
	var classes [len(a.Kinds[0].Classes)]uint64
	var noStatus, bytesSum uint64
	for k := range a.Kinds {
		f := &a.Kinds[k]
		kinds += f.Requests
		for i, c := range f.Classes {
			classes[i] += c
		}
		noStatus += f.NoStatus
		bytesSum += f.Bytes
	}
	for d := range a.Devices {
		devices += a.Devices[d].Requests
	}
	if kinds != st.Lines.Parsed || devices != st.Lines.Parsed {
		t.Errorf("kinds %d, devices %d, parsed %d", kinds, devices, st.Lines.Parsed)
	}
	if classes != st.Classes() || noStatus != st.NoStatus {
		t.Errorf("classes by kind %v (no status %d), the State's %v (%d)", classes, noStatus, st.Classes(), st.NoStatus)
	}
	if bytesSum != st.Bytes {
		t.Errorf("bytes by kind %d, the State's %d", bytesSum, st.Bytes)
	}
	s := a.Stats()
	t.Logf("%d requests: human %d, bot %d (AI %d), tool %d, unknown %d, empty %d; %d browser versions, %d bots and tools; cache hit rate %.3f, %d detector calls",
		st.Lines.Parsed, a.Kinds[agents.KindHuman].Requests, a.Kinds[agents.KindBot].Requests, a.AI.Requests,
		a.Kinds[agents.KindTool].Requests, a.Kinds[agents.KindUnknown].Requests, a.Kinds[agents.KindEmpty].Requests,
		a.BrowserVersions.Len(), a.Clients.Len(), s.HitRate(), s.Detector)
	for _, e := range a.Clients.Top(8) {
		t.Logf("  %q: %d", e.Key, e.Hits)
	}

	_, b := run(3)
	if x, y := canonical(t, a), canonical(t, b); !bytes.Equal(x, y) {
		t.Error("one worker and three give other figures")
	}
}

func canonical(t *testing.T, a *agents.Aggregator) []byte {
	t.Helper()
	for _, f := range append(a.Kinds[:], append(a.Devices[:], a.AI)...) {
		f.Visitors.Canonical()
	}
	for _, l := range []interface{ Canonical() }{a.BrowserVersions, a.SystemVersions, a.Clients, a.Clients4xx, a.Clients5xx} {
		l.Canonical()
	}
	out, err := a.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	return out
}
