package aggregate

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/webalyze/webalyze/parser"
)

// growing returns its parts one after the other with an io.EOF between
// them (each part, once read, gives one io.EOF): a file that grows while
// it is read.
type growing struct{ parts []string }

func (g *growing) Read(p []byte) (int, error) {
	if len(g.parts) == 0 {
		return 0, io.EOF
	}
	if g.parts[0] == "" {
		g.parts = g.parts[1:]
		return 0, io.EOF
	}
	n := copy(p, g.parts[0])
	g.parts[0] = g.parts[0][n:]
	return n, nil
}

func combinedLines(tag string, n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `10.0.0.1 - - [05/Mar/2024:14:00:%02d +0000] "GET /%s%d HTTP/1.1" 200 1 "-" "ua"`+"\n", i%60, tag, i)
	}
	return b.String()
}

// TestFingerprintCoversWhatWasRead: a small file that grew while it was
// read is fingerprinted over what was read, not only over its first
// bytes: once truncated in place and written again with those first bytes
// and others, it is read from the start, not resumed where the first run
// stopped.
func TestFingerprintCoversWhatWasRead(t *testing.T) {
	format, err := parser.ParseFormatSpec("combined")
	if err != nil {
		t.Fatal(err)
	}
	a, b, c := combinedLines("a", 2), combinedLines("b", 5), combinedLines("c", 12)
	cfg := RunConfig{Workers: 1, Format: format, Incremental: true,
		Open: func(name string) (*parser.Input, error) {
			return parser.NewInput(name, &growing{parts: []string{a, b}}, -1)
		}}
	st, res, err := Run(context.Background(), cfg, []string{"access.log"})
	if err != nil || st.Requests != 7 {
		t.Fatalf("first run: %d requests, %v; want 7", st.Requests, err)
	}
	if m := res.Marks[0]; m.Offset != int64(len(a)+len(b)) || m.FingerprintLen != len(a)+len(b) {
		t.Errorf("mark %+v: want offset and fingerprint length %d", m, len(a)+len(b))
	}

	// Truncated, then a's lines again and c's: 14 new lines.
	cfg.Marks = res.Marks
	cfg.Open = func(name string) (*parser.Input, error) {
		data := a + c
		return parser.NewInput(name, bytes.NewReader([]byte(data)), int64(len(data)))
	}
	st, _, err = Run(context.Background(), cfg, []string{"access.log"})
	if err != nil || st.Requests != 14 {
		t.Errorf("rewritten file: %d requests, %v; want 14 (read from the start)", st.Requests, err)
	}
}
