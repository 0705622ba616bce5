package parser

import (
	"strings"
	"testing"
)

// TestDetectLongLines: lines over detectMaxLine are passed over by the
// sample, and DetectNeedsMore asks for a longer head when nothing else is
// in it.
func TestDetectLongLines(t *testing.T) {
	line := `10.0.0.1 - - [05/Mar/2024:14:00:00 +0000] "GET / HTTP/1.1" 200 100 "-" "ua"` + "\n"
	junk := strings.Repeat("z", detectMaxLine+1) + "\n"
	tests := []struct {
		name      string
		head      string
		needsMore bool
		format    string
	}{
		{"plain", strings.Repeat(line, 3), false, "combined"},
		{"long junk first", junk + strings.Repeat(line, 3), false, "combined"},
		{"only long lines", junk + junk, true, ""},
		{"one line cut by the head", strings.Repeat("x", DetectHead), true, ""},
		{"blank then cut", "\n\n" + strings.Repeat("x", DetectHead), true, ""},
	}
	for _, tt := range tests {
		if got := DetectNeedsMore([]byte(tt.head)); got != tt.needsMore {
			t.Errorf("%s: DetectNeedsMore = %v, want %v", tt.name, got, tt.needsMore)
		}
		d := Detect([]byte(tt.head), AutoCandidates(nil))
		name := ""
		if d.Format != nil {
			name = d.Format.Name()
		}
		if name != tt.format {
			t.Errorf("%s: detected %q, want %q", tt.name, name, tt.format)
		}
	}
}
