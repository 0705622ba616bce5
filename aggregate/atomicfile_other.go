//go:build !unix

package aggregate

import (
	"io/fs"
	"os"
)

// descriptorPath reports whether path names an open descriptor: there is
// no such path outside Unix.
func descriptorPath(string) bool { return false }

// keepOwner does nothing: file ownership is not set this way outside Unix.
func keepOwner(*os.File, fs.FileInfo) {}
