//go:build linux

package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestFormatErrorCaret runs the binary with format strings that do not
// compile: each is a usage error (exit 2, nothing on standard output)
// whose message is followed on standard error by the format as given,
// escaped, and a caret under the fault.
func TestFormatErrorCaret(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "access.log")
	if err := os.WriteFile(log, []byte(logLine(0, 200)), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"summary", "--log-format", "apache:'%h %Z'", log},
			"webalyze: --log-format: apache format: unknown directive %Z at offset 11\n" +
				"  apache:'%h %Z'\n" +
				"             ^\n"},
		{[]string{"report", "-o", filepath.Join(dir, "r.html"), "-f", `apache:%h \"%r%>s\"`, log},
			"webalyze: --log-format: apache format: two fields with nothing between them (%r%>s) at offset 14\n" +
				`  apache:%h \"%r%>s\"` + "\n" +
				"                ^\n"},
		{[]string{"parse", "-f", "nginx:$remote_addr\t$status$request_time", log},
			"webalyze: --log-format: nginx format: two fields with nothing between them ($status$request_time) at offset 26\n" +
				`  nginx:$remote_addr\t$status$request_time` + "\n" +
				"                             ^\n"},
		{[]string{"check", "--max", "5xx=1%", "-f", "nginx:log_format main '$remote_addr [$time_local] ${status';", log},
			"webalyze: --log-format: nginx format: unterminated ${ (no closing }) at offset 50\n" +
				"  nginx:log_format main '$remote_addr [$time_local] ${status';\n" +
				"                                                    ^\n"},
		{[]string{"summary", "-f", "apache:%{%d/%b/%Y %Q}t %h", log},
			"webalyze: --log-format: apache format: unsupported time layout (\"%Q\" is not supported) at offset 18\n" +
				"  apache:%{%d/%b/%Y %Q}t %h\n" +
				"                    ^\n"},
		{[]string{"summary", "-f", "apache:%h %{\x1b[2J}Z", log},
			"webalyze: --log-format: apache format: unknown directive %{\\x1b[2J}Z at offset 10\n" +
				"  apache:%h %{\\x1b[2J}Z\n" +
				"            ^\n"},
		{[]string{"summary", "--w3c-fields", "date time c-ip DATE", log},
			"webalyze: --w3c-fields: w3c fields: field named twice (\"DATE\") at offset 15\n" +
				"  date time c-ip DATE\n" +
				"                 ^\n"},
		{[]string{"summary", "--w3c-fields", "date\x1btime", log},
			"webalyze: --w3c-fields: w3c fields: invalid field name \"date\\x1btime\" (character '\\x1b') at offset 4\n" +
				"  date\\x1btime\n" +
				"      ^\n"},
	}
	for _, tt := range tests {
		r := runBinary(t, dir, tt.args...)
		if r.code != exitUsage || r.stdout != "" || r.stderr != tt.want {
			t.Errorf("webalyze %q: exit %d, stdout %q, stderr\n%s\nwant exit %d, stderr\n%s", tt.args, r.code, r.stdout, r.stderr, exitUsage, tt.want)
		}
	}
}
