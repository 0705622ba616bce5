package parser

import "testing"

func TestIsBlank(t *testing.T) {
	tests := []struct {
		line string
		want bool
	}{
		{"", true},
		{" ", true},
		{"\t \t", true},
		{"a", false},
		{" a", false},
		{"a ", false},
		{" \t x \t ", false},
		{"\r", false}, // a lone CR is not white space here: the splitter drops CRLF's CR
		{"\x00", false},
		{"\v", false},
	}
	for _, tt := range tests {
		if got := IsBlank([]byte(tt.line)); got != tt.want {
			t.Errorf("IsBlank(%q) = %v, want %v", tt.line, got, tt.want)
		}
	}
}
