package ingest

import "testing"

func TestCompressedCopy(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want bool
	}{
		{"access.log.1", "access.log.1.gz", true},
		{"access.log.1.gz", "access.log.1", true},
		{"/var/log/nginx/access.log.1", "/var/log/nginx/access.log.1.zst", true},
		{"./access.log.1", "access.log.1.bz2", true},
		{"access.log.1", "access.log.1", false},
		{"access.log.1", "access.log.2.gz", false},
		{"access.log", "access.log.1.gz", false},
		{"a.log", "b.log.gz", false},
		{"access.log.1", "access.log.1.gz.gz", false},
		{"logs/access.log.1", "other/access.log.1.gz", false},
	} {
		if got := compressedCopy(tt.a, tt.b); got != tt.want {
			t.Errorf("compressedCopy(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
