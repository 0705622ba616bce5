package content

import (
	"testing"

	"github.com/webalyze/webalyze/aggregate/dim/dimtest"
	"github.com/webalyze/webalyze/parser"
)

func TestExt(t *testing.T) {
	var buf [MaxExtLen]byte
	for _, tt := range []struct {
		path string
		want string
		none bool
	}{
		{"/a/b.PNG", "png", false},
		{"/a.b/c", "", true},
		{"/", "", true},
		{"/x.", "", true},
		{"/archive.tar.GZ", "gz", false},
		{"/x.abcdefghijklmnopqrstuvwxyz", "abcdefghijklmnop", false},
		{"", "", true},
	} {
		got := Ext(&buf, []byte(tt.path))
		if (got == nil) != tt.none || string(got) != tt.want {
			t.Errorf("Ext(%q) = %q (nil %v)", tt.path, got, got == nil)
		}
	}
}

func TestContent(t *testing.T) {
	c := New(0)
	for _, p := range []struct {
		path string
		n    uint64
	}{{"/", 100}, {"/index.html", 50}, {"/logo.PNG", 7}, {"/a.png", 3}, {"/app.js", 1}, {"/x.", 1}} {
		rec := parser.Record{Path: []byte(p.path), Bytes: p.n}
		h := dimtest.Hit(&rec)
		c.Add(&h)
	}
	if err := c.Check(6); err != nil {
		t.Fatal(err)
	}
	if c.Pages != (Count{3, 151}) || c.Static != (Count{3, 11}) {
		t.Fatalf("pages %+v, static %+v", c.Pages, c.Static)
	}
	if e := c.Types.Get("png"); e == nil || e.Hits != 2 || e.Bytes != 10 {
		t.Fatalf("png: %+v", e)
	}
	if e := c.Types.Get(NoExt); e == nil || e.Hits != 2 {
		t.Fatalf("(none): %+v", e)
	}
	if err := c.Check(7); err == nil {
		t.Error("Check accepts a count that is not the parsed count")
	}
	if err := c.Merge(New(3)); err == nil {
		t.Error("Merge accepts another capacity")
	}
}

func TestContentMerge(t *testing.T) {
	dimtest.MergeProperty(t, New(0), Empty, dimtest.Records(1, 3000), 20)
	d := New(2)
	dimtest.PastCapacity(t, d, d.Types.Exact)
}

func TestContentAllocs(t *testing.T) {
	if n := dimtest.Allocs(New(0), dimtest.Records(3, 500)); n != 0 {
		t.Errorf("Add allocates %v times per run when warm", n)
	}
}

func FuzzUnmarshal(f *testing.F) { dimtest.FuzzUnmarshal(f, New(0), Empty) }

func BenchmarkAdd(b *testing.B) { dimtest.BenchmarkAdd(b, New(0)) }
