package templates

import (
	"strings"
	"testing"
)

// TestSelfContained checks that nothing in the template or stylesheet can
// make the report fetch anything or run script.
func TestSelfContained(t *testing.T) {
	for _, tt := range []struct {
		file      string
		forbidden []string
	}{
		{"report.css", []string{"url(", "@import", "</style", "expression(", "@font-face"}},
		{"report.html", []string{"<script", "<link", "<img", "<iframe", "<object", "src=", "@import", "url(", "style=\""}},
	} {
		b, err := FS.ReadFile(tt.file)
		if err != nil {
			t.Fatal(err)
		}
		s := strings.ToLower(string(b))
		for _, f := range tt.forbidden {
			if strings.Contains(s, strings.ToLower(f)) {
				t.Errorf("%s contains %q", tt.file, f)
			}
		}
	}
}
