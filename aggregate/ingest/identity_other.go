//go:build !unix && !windows

package ingest

import "os"

// fileIdentity is unknown on this system: marks rely on the fingerprint
// alone.
func fileIdentity(*os.File) (dev, ino uint64) { return 0, 0 }
