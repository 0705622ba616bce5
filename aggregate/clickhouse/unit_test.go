package clickhouse

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/webalyze/webalyze/aggregate"
	"github.com/webalyze/webalyze/parser"
)

func TestOpenRedacts(t *testing.T) {
	t.Setenv(PasswordEnv, "")
	for _, tc := range []struct{ url, shown, user, password string }{
		{"http://127.0.0.1:8123/?database=web", "http://127.0.0.1:8123/?database=web", "", ""},
		{"http://127.0.0.1:8123", "http://127.0.0.1:8123/", "", ""},
		{"http://bob:pw@h:8123/?database=web", "http://bob:xxxxx@h:8123/?database=web", "bob", "pw"},
		{"http://h:8123/?database=web&user=bob&password=pw", "http://bob:xxxxx@h:8123/?database=web", "bob", "pw"},
		{"http://:pw@h/", "http://default:xxxxx@h/", "default", "pw"},
		{"https://bob@h/", "https://bob@h/", "bob", ""},
	} {
		c, err := Open(tc.url)
		if err != nil {
			t.Errorf("%s: %v", tc.url, err)
			continue
		}
		if c.String() != tc.shown || c.user != tc.user || c.password != tc.password || strings.Contains(c.base.String(), "pw") {
			t.Errorf("%s: shown %s user %q password %q base %s", tc.url, c.String(), c.user, c.password, c.base)
		}
	}
	t.Setenv(PasswordEnv, "from-env")
	c, err := Open("http://bob@h/")
	if err != nil || c.password != "from-env" || strings.Contains(c.String(), "from-env") {
		t.Errorf("password from the environment: %v %q %s", err, c.password, c.String())
	}
	for _, bad := range []string{"ftp://bob:pw@h/", "http://bob:pw@%zz/", "http:///x?password=pw", "bob:pw@h"} {
		_, err := Open(bad)
		if err == nil || strings.Contains(err.Error(), "pw") {
			t.Errorf("%s: error %v", bad, err)
		}
	}
}

func TestTSVUnescape(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`plain`, "plain"},
		{`a\tb\nc\\d\'e\0f\rg\bh\fi\x`, "a\tb\nc\\d'e\x00f\rg\bh\fix"},
		{`end\`, `end\`},
	} {
		if got := string(unescapeTSV([]byte(tc.in))); got != tc.want {
			t.Errorf("unescape %q = %q, want %q", tc.in, got, tc.want)
		}
	}
	got := splitTSV([]byte("a\t\tb\\tc"), nil)
	if len(got) != 3 || string(got[0]) != "a" || string(got[1]) != "" || string(got[2]) != "b\tc" {
		t.Errorf("split: %q", got)
	}
}

func TestQuoteAndNames(t *testing.T) {
	if got := quote("a'b\\c\x00d"); got != `'a\'b\\c\0d'` {
		t.Errorf("quote = %s", got)
	}
	for name, ok := range map[string]bool{"requests": true, "web.requests": true, "_x1": true,
		"1x": false, "a.b.c": false, "": false, "a;drop": false, "a b": false, "a.": false, "`a`": false} {
		if err := checkTable(name); (err == nil) != ok {
			t.Errorf("checkTable(%q) = %v", name, err)
		}
	}
}

func TestJoinBytes(t *testing.T) {
	var sat bool
	if got := joinBytes(3, 5, &sat); got != 3<<32+5 || sat {
		t.Errorf("joinBytes(3, 5) = %d, %v", got, sat)
	}
	if got := joinBytes(1<<32, 0, &sat); got != math.MaxUint64 || !sat {
		t.Errorf("joinBytes(2^32, 0) = %d, %v", got, sat)
	}
	sat = false
	if got := joinBytes(math.MaxUint32, math.MaxUint32+1, &sat); got != math.MaxUint64 || !sat {
		t.Errorf("joinBytes over 2^64 = %d, %v", got, sat)
	}
}

func TestTimeRange(t *testing.T) {
	l := &Loader{begun: true, opts: LoaderOptions{BatchRows: 10}, src: Source{Name: "x.log"}}
	for _, sec := range []int64{-1, math.MaxUint32 + 1} {
		rec := parser.Record{Time: sec, HasTime: true}
		err := l.Add(context.Background(), &rec, Position{Line: 3, Offset: 100})
		if !errors.Is(err, ErrTimeRange) || !strings.Contains(err.Error(), "x.log:3") {
			t.Errorf("time %d: %v", sec, err)
		}
	}
	rec := parser.Record{Time: math.MaxUint32, HasTime: true}
	if err := l.Add(context.Background(), &rec, Position{Line: 4, Offset: 200}); err != nil || l.rows != 1 {
		t.Errorf("after refused records: %v, %d rows", err, l.rows)
	}
	if err := l.Add(context.Background(), &rec, Position{Line: 2, Offset: 50}); err == nil {
		t.Error("a record before the last one was taken")
	}
}

func TestExternalReferrer(t *testing.T) {
	for _, tc := range []struct {
		ref, vhost string
		want       bool
	}{
		{"", "h", false}, {"-", "", false}, {"https://a/", "", true}, {"https://A:8080/x", "a:443", false},
		{"https://u@a/x", "a", false}, {"https://b/", "a", true}, {"/relative", "a", true}, {"https://[::1]:80/", "[::1]", false},
	} {
		if got := aggregate.IsExternalReferrer([]byte(tc.ref), []byte(tc.vhost), nil); got != tc.want {
			t.Errorf("IsExternalReferrer(%q, %q) = %v", tc.ref, tc.vhost, got)
		}
	}
}
