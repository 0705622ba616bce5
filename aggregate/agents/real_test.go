package agents

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// realDir holds the shared corpus of real logs (not part of the project).
const realDir = "../../../shared/testdata/real"

// userAgents pulls the user-agent field out of a log without the parser
// package: the last quoted field of a combined-style line, or the
// cs(User-Agent) column of a W3C log.
func userAgents(r io.Reader, emit func(string)) {
	br := bufio.NewReaderSize(r, 1<<16)
	uaCol := -1
	for {
		line, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			for err == bufio.ErrBufferFull { // skip an over-long line
				_, err = br.ReadSlice('\n')
			}
			continue
		}
		line = bytes.TrimRight(line, "\r\n")
		switch {
		case bytes.HasPrefix(line, []byte("#Fields:")):
			uaCol = -1
			for i, f := range strings.Fields(string(line[len("#Fields:"):])) {
				if strings.EqualFold(f, "cs(User-Agent)") {
					uaCol = i
				}
			}
		case bytes.HasPrefix(line, []byte("#")):
		case uaCol >= 0:
			if f := bytes.Fields(line); uaCol < len(f) {
				emit(string(f[uaCol]))
			}
		default:
			// "request" status bytes "referer" "agent" ...: the third quoted
			// field, \" escapes honoured.
			if q := quoted(line, 3); len(q) == 3 {
				emit(string(q[2]))
			}
		}
		if err != nil {
			return
		}
	}
}

// quoted returns up to n double-quoted fields of line.
func quoted(line []byte, n int) [][]byte {
	var out [][]byte
	for i := 0; i < len(line) && len(out) < n; i++ {
		if line[i] != '"' {
			continue
		}
		j := i + 1
		for j < len(line) && line[j] != '"' {
			if line[j] == '\\' {
				j++
			}
			j++
		}
		if j >= len(line) {
			break
		}
		out = append(out, line[i+1:j])
		i = j
	}
	return out
}

// TestRealLogs classifies every user agent of the shared corpus: nothing
// may panic (not even inside a library), and the share classified is
// reported.
func TestRealLogs(t *testing.T) {
	if _, err := os.Stat(realDir); err != nil {
		t.Skipf("no real corpus at %s: %v", realDir, err)
	}
	c := NewClassifier(1 << 14)
	kinds := map[Kind]int{}
	distinct := map[string]Agent{}
	seen := map[string]int{}
	ai := 0
	err := filepath.WalkDir(realDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, ".md") || strings.HasSuffix(path, ".bz2") || strings.HasSuffix(path, ".zst") {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		var r io.Reader = f
		if strings.HasSuffix(path, ".gz") {
			zr, err := gzip.NewReader(f)
			if err != nil {
				return nil
			}
			r = zr
		}
		userAgents(r, func(ua string) {
			a := c.Classify([]byte(ua))
			kinds[a.Kind]++
			distinct[ua] = a
			seen[ua]++
			if a.AI {
				ai++
			}
			if b := Parse(ua); b != a {
				t.Errorf("%s: cached and uncached classification differ for %q", path, ua)
			}
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	s := c.Stats()
	if s.Recovered != 0 {
		t.Errorf("a library panicked on %d strings", s.Recovered)
	}
	total := 0
	for _, n := range kinds {
		total += n
	}
	if total == 0 {
		t.Fatal("no user agents found in the corpus")
	}
	nonEmpty := total - kinds[KindEmpty]
	t.Logf("%d agents (%d distinct): human %d, bot %d, tool %d, empty %d, unknown %d; classified %.1f %% of the non-empty",
		total, len(distinct), kinds[KindHuman], kinds[KindBot], kinds[KindTool], kinds[KindEmpty], kinds[KindUnknown],
		100*float64(nonEmpty-kinds[KindUnknown])/float64(max(nonEmpty, 1)))
	t.Logf("AI crawlers: %d requests", ai)
	t.Logf("cache: %d hits, %d misses (hit rate %.3f), %d detector calls", s.Hits, s.Misses, s.HitRate(), s.Detector)
	if testing.Verbose() {
		var unknown []string
		for ua, a := range distinct {
			if a.Kind == KindUnknown {
				unknown = append(unknown, ua)
			}
		}
		sort.Slice(unknown, func(i, j int) bool {
			if seen[unknown[i]] != seen[unknown[j]] {
				return seen[unknown[i]] > seen[unknown[j]]
			}
			return unknown[i] < unknown[j]
		})
		for i, ua := range unknown {
			if i == 30 {
				break
			}
			t.Logf("unknown, %d times: %.120q", seen[ua], ua)
		}
	}
}

// realAgents returns the distinct user agents of the shared corpus, none
// when it is absent.
func realAgents(tb testing.TB) [][]byte {
	tb.Helper()
	if _, err := os.Stat(realDir); err != nil {
		return nil
	}
	seen := map[string]bool{}
	var out [][]byte
	filepath.WalkDir(realDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".log") {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		userAgents(f, func(ua string) {
			if !seen[ua] {
				seen[ua] = true
				out = append(out, []byte(ua))
			}
		})
		return nil
	})
	return out
}
