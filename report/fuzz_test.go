package report

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzVisible checks that Visible's output is valid UTF-8 with no
// character that needs escaping, and that clean input is unchanged.
func FuzzVisible(f *testing.F) {
	for _, s := range append(append([]string{"", "plain", "\xff"}, hostile...), hostileReferrers...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Visible(s)
		if !utf8.ValidString(got) {
			t.Fatalf("Visible(%q) = %q is not valid UTF-8", s, got)
		}
		for i, r := range got {
			if needsEscape(r, utf8.RuneLen(r)) {
				t.Fatalf("Visible(%q) = %q keeps %U at %d", s, got, r, i)
			}
		}
		clean := utf8.ValidString(s)
		for _, r := range s {
			clean = clean && !needsEscape(r, utf8.RuneLen(r))
		}
		if clean && got != s {
			t.Fatalf("Visible changed clean %q to %q", s, got)
		}
	})
}

// FuzzHTMLKeys renders a top-list key and referrer taken from the fuzzer
// and checks that it never becomes markup or a non-http(s) link.
func FuzzHTMLKeys(f *testing.F) {
	for _, s := range append(append([]string{}, hostile...), hostileReferrers...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m := &Model{}
		row := []TopRow{{Key: s, Hits: 1, Share: 1}}
		m.TopURLs = TopList{Total: 1, Exact: true, Rows: row}
		m.Referrers = TopList{Total: 1, Exact: true, Rows: row}
		m.Title = s
		var buf bytes.Buffer
		if err := WriteHTML(&buf, m); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		for _, tag := range tagRe.FindAllStringSubmatch(out, -1) {
			if !allowedTags[strings.ToLower(tag[2])] {
				t.Fatalf("key %q produced tag %q", s, tag[0])
			}
			for _, a := range attrRe.FindAllStringSubmatch(tag[3], -1) {
				if !allowedAttrs[a[1]] {
					t.Fatalf("key %q produced attribute %q", s, a[1])
				}
			}
		}
		for _, h := range hrefRe.FindAllStringSubmatch(out, -1) {
			if !strings.HasPrefix(h[1], "#") && !strings.HasPrefix(h[1], "http://") && !strings.HasPrefix(h[1], "https://") {
				t.Fatalf("key %q produced href %q", s, h[1])
			}
		}
	})
}
