package main

import (
	"testing"

	"github.com/webalyze/webalyze/parser"
)

func TestShowFormatError(t *testing.T) {
	tests := []struct {
		format string
		offset int
		want   string
	}{
		{"%h %Z", 3, "  %h %Z\n     ^\n"},
		{"%h %Z", 0, "  %h %Z\n  ^\n"},
		{"%h %", 4, "  %h %\n      ^\n"}, // at the end
		{"$a\t$b$c", 5, "  $a\\t$b$c\n        ^\n"},
		{"\x1b[31m$a$b", 7, "  \\x1b[31m$a$b\n            ^\n"},
		{"é€ $a$b", 8, "  é€ $a$b\n       ^\n"},
		{"日本 $a$b", 9, "  日本 $a$b\n         ^\n"},
		{"e\u0301 $a$b", 6, "  e\u0301 $a$b\n      ^\n"},
		{"\u202e$a$b", 5, "  \\u202e$a$b\n          ^\n"},
		{"\xff$a$b", 3, "  \\xff$a$b\n        ^\n"},
		{"é$a", 1, "  é$a\n  ^\n"}, // inside a rune: under the rune
		{"ab", 7, "  ab\n    ^\n"}, // out of range: clamped
	}
	for _, tt := range tests {
		got := showFormatError(&parser.FormatError{Format: tt.format, Offset: tt.offset})
		if got != tt.want {
			t.Errorf("showFormatError(%q, %d) =\n%s\nwant\n%s", tt.format, tt.offset, got, tt.want)
		}
	}
}
