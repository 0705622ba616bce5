package agents

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzClassify checks that no string panics, that the cached and uncached
// paths agree, and that names stay bounded.
func FuzzClassify(f *testing.F) {
	for _, tt := range classifyTests {
		if len(tt.ua) < 4096 {
			f.Add(tt.ua)
		}
	}
	c := NewClassifier(16)
	f.Fuzz(func(t *testing.T, ua string) {
		a := Parse(ua)
		if b := c.Classify([]byte(ua)); a != b {
			t.Fatalf("cached %s, uncached %s", describe(b), describe(a))
		}
		if b := c.Classify([]byte(ua)); a != b {
			t.Fatalf("warm %s, cold %s", describe(b), describe(a))
		}
		if c.Stats().Recovered != 0 {
			t.Fatalf("a library panicked on %q", ua)
		}
		for _, n := range []Name{a.Browser, a.OS, a.OSVersion, a.Bot} {
			if s := n.String(); len(s) > maxName || !utf8.ValidString(s) || strings.ContainsAny(s, "\x00\n\"<>") {
				t.Fatalf("name %q out of bounds", s)
			}
		}
		if a.Kind > KindEmpty || a.Device > DeviceTool {
			t.Fatalf("bad enum in %+v", a)
		}
	})
}
