package status

import (
	"errors"
	"io/fs"
	"os"
	"testing"
)

// sharedTSV are where the shared copy is from a checkout at /work/main
// (../../../shared) and from a worktree at /work/wt/NAME (../../../shared,
// a link, or ../../../../shared).
var sharedTSV = []string{"../../../shared/data/status-codes.tsv", "../../../../shared/data/status-codes.tsv"}

func TestEmbeddedRegistryMatchesShared(t *testing.T) {
	for _, p := range sharedTSV {
		want, err := os.ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if string(want) != statusTSV {
			t.Fatalf("aggregate/status/status-codes.tsv differs from %s: copy it again byte for byte", p)
		}
		return
	}
	t.Skipf("no shared/data/status-codes.tsv at %v (a fresh clone elsewhere): nothing to compare the embedded copy with", sharedTSV)
}

func TestRegistryRows(t *testing.T) {
	rows := 0
	for c := range reg.codes {
		rows += len(reg.codes[c])
	}
	for _, r := range reg.subs {
		rows += len(r)
	}
	if rows != 213 {
		t.Errorf("registry has %d rows, the table's README says 213", rows)
	}
}

func TestLookup(t *testing.T) {
	tests := []struct {
		code      uint16
		origin    string
		ok        bool
		reason    string
		source    string
		cacheable bool
	}{
		{200, "", true, "OK", "RFC9110", true},
		{404, "", true, "Not Found", "RFC9110", true},
		{499, "", true, "Client Closed Request", "nginx", false},
		{444, "nginx", true, "No Response", "nginx", false},
		{0, "", true, "No Response", "aws-elb", false},
		{451, "", true, "Unavailable For Legal Reasons", "RFC7725", false},
		{451, "iis", true, "Redirect", "iis", false},
		{451, "nginx", true, "Unavailable For Legal Reasons", "RFC7725", false},
		{418, "", true, "(Unused)", "RFC9110", false},
		{418, "RFC2324", true, "I'm a teapot", "RFC2324", false},
		{600, "", false, "", "", false},
		{299, "", false, "", "", false},
		{1000, "", false, "", "", false},
	}
	for _, tt := range tests {
		var st Status
		var ok bool
		if tt.origin == "" {
			st, ok = Lookup(tt.code)
		} else {
			st, ok = LookupFrom(tt.code, tt.origin)
		}
		if ok != tt.ok || st.Reason != tt.reason || st.Source != tt.source || st.Cacheable != tt.cacheable {
			t.Errorf("Lookup(%03d, %q) = %q %q cacheable=%v ok=%v, want %q %q %v %v",
				tt.code, tt.origin, st.Reason, st.Source, st.Cacheable, ok, tt.reason, tt.source, tt.cacheable, tt.ok)
		}
	}
	if got := len(Meanings(451)); got != 2 {
		t.Errorf("Meanings(451) has %d rows, want 2", got)
	}
}

func TestLookupSub(t *testing.T) {
	tests := []struct {
		code   uint16
		sub    uint32
		origin string
		ok     bool
		reason string
		source string
	}{
		{404, 2, "", true, "ISAPI or CGI restriction", "iis"},
		{500, 0, "", true, "Module or ISAPI error occurred", "iis"},
		{500, 0, "iis-aspnetcore", true, "ANCM in-process handler load failure", "iis-aspnetcore"},
		{502, 5, "", true, "WebSocket failure (ARR)", "iis-arr"},
		{502, 5, "iis-aspnetcore", true, "Process failure", "iis-aspnetcore"},
		{404, 999, "", false, "", ""},
		{503, 1, "", false, "", ""},
	}
	for _, tt := range tests {
		var st SubStatus
		var ok bool
		if tt.origin == "" {
			st, ok = LookupSub(tt.code, tt.sub)
		} else {
			st, ok = LookupSubFrom(tt.code, tt.sub, tt.origin)
		}
		if ok != tt.ok || st.Reason != tt.reason || st.Source != tt.source {
			t.Errorf("LookupSub(%d.%d, %q) = %q %q %v, want %q %q %v", tt.code, tt.sub, tt.origin, st.Reason, st.Source, ok, tt.reason, tt.source, tt.ok)
		}
		if ok && (!st.HasSub || st.Sub != tt.sub || st.Code != tt.code) {
			t.Errorf("LookupSub(%d.%d) row is %d.%d (HasSub %v)", tt.code, tt.sub, st.Code, st.Sub, st.HasSub)
		}
	}
}

func TestClassOf(t *testing.T) {
	tests := []struct {
		code uint16
		want string
	}{
		{0, "0xx"}, {1, "non-standard"}, {99, "non-standard"}, {100, "1xx"}, {199, "1xx"},
		{200, "2xx"}, {304, "3xx"}, {444, "4xx"}, {499, "4xx"}, {599, "5xx"},
		{600, "non-standard"}, {999, "non-standard"},
	}
	for _, tt := range tests {
		if got := ClassOf(tt.code); got != tt.want {
			t.Errorf("ClassOf(%03d) = %q, want %q", tt.code, got, tt.want)
		}
	}
}

func TestIsClientAborted(t *testing.T) {
	for code := uint16(0); code < 1000; code++ {
		if got, want := IsClientAborted(code), code == 499 || code == 444; got != want {
			t.Errorf("IsClientAborted(%d) = %v", code, got)
		}
	}
}

func TestParseRegistryErrors(t *testing.T) {
	const hdr = "code\tsubcode\treason\tclass\tsource\theuristically_cacheable\tnote\n"
	bad := []string{
		"nope\n",
		hdr + "200\t\tOK\t2xx\tRFC9110\tyes\n",
		hdr + "20\t\tOK\t2xx\tRFC9110\tyes\t\n",
		hdr + "200\t\tOK\t3xx\tRFC9110\tyes\t\n",
		hdr + "200\tx\tOK\t2xx\tRFC9110\tyes\t\n",
	}
	for _, in := range bad {
		if _, err := parseRegistry(in); err == nil {
			t.Errorf("parseRegistry(%q) succeeded", in)
		}
	}
}

func TestWin32Text(t *testing.T) {
	for _, tt := range []struct {
		status uint32
		want   string
	}{
		{0, "The operation completed successfully"},
		{64, "The specified network name is no longer available"},
		{1236, "The network connection was aborted by the local system"},
		{0x8009030E, "No credentials are available in the security package"},
		{4242, ""},
	} {
		if got := Win32Text(tt.status); got != tt.want {
			t.Errorf("Win32Text(%d) = %q, want %q", tt.status, got, tt.want)
		}
	}
}

func TestHasDrill(t *testing.T) {
	for code := range uint16(1000) {
		want := code < 100 || code >= 400
		if got := HasDrill(code); got != want {
			t.Errorf("HasDrill(%d) = %v", code, got)
		}
		if got := ClassHasDrill(ClassOf(code)); got != want {
			t.Errorf("ClassHasDrill(%q) = %v for code %d", ClassOf(code), got, code)
		}
	}
	for _, code := range ClientAbortedCodes {
		if !IsClientAborted(code) {
			t.Errorf("%d is listed as client-aborted, IsClientAborted says no", code)
		}
	}
	if ClassHasDrill("unknown") {
		t.Error(`ClassHasDrill("unknown") = true`)
	}
}
