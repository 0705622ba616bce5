package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/webalyze/webalyze/parser"
	"github.com/webalyze/webalyze/report"
)

// printError writes err to w as "webalyze: <err>" and, when err holds a
// *parser.FormatError, the user's format on the next line with a caret
// under the byte the error points at (the message and the format escaped
// as report.Visible does).
func printError(w io.Writer, err error) {
	var fe *parser.FormatError
	if !errors.As(err, &fe) {
		fmt.Fprintln(w, "webalyze:", err)
		return
	}
	// The message quotes the user's directives: escaped like the format.
	fmt.Fprintln(w, "webalyze:", report.Visible(err.Error()))
	io.WriteString(w, showFormatError(fe))
}

// showFormatError returns fe's format, indented, with control characters
// and other invisible or reordering text escaped as [report.Visible] does
// (a tab as \t), and a line with a caret under fe.Offset: the caret's
// column counts the escapes as they are shown (an offset inside a rune
// puts it under that rune), a wide (East Asian) rune
// as two columns and a combining mark as none.
func showFormatError(fe *parser.FormatError) string {
	s := fe.Format
	off := min(max(fe.Offset, 0), len(s))
	col := 0
	for i := 0; i < off; {
		r, n := utf8.DecodeRuneInString(s[i:])
		if i+n > off {
			break // the offset is inside a rune: the caret goes under it
		}
		col += displayWidth(r, report.Visible(s[i:i+n]))
		i += n
	}
	return "  " + report.Visible(s) + "\n  " + strings.Repeat(" ", col) + "^\n"
}

// displayWidth is how many terminal columns the text shown for r takes.
func displayWidth(r rune, shown string) int {
	switch {
	case len(shown) > 0 && shown[0] == '\\' && r != '\\':
		return len(shown) // an escape: ASCII
	case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r) || r == 0x200B || r == 0x200D:
		return 0
	case wide(r):
		return 2
	}
	return 1
}

// wide reports whether r takes two columns in a terminal: the East Asian
// wide and fullwidth blocks, and emoji.
func wide(r rune) bool {
	return r >= 0x1100 && r <= 0x115F || r >= 0x2E80 && r <= 0xA4CF && r != 0x303F ||
		r >= 0xAC00 && r <= 0xD7A3 || r >= 0xF900 && r <= 0xFAFF || r >= 0xFE30 && r <= 0xFE4F ||
		r >= 0xFF00 && r <= 0xFF60 || r >= 0xFFE0 && r <= 0xFFE6 ||
		r >= 0x1F300 && r <= 0x1F64F || r >= 0x1F900 && r <= 0x1F9FF || r >= 0x20000 && r <= 0x3FFFD
}
