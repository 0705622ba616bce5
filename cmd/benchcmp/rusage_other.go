//go:build !unix

package main

import "os"

// maxRSS is 0 where the process state does not carry a peak resident set
// (Windows gives it only through the process handle, which is closed by
// then).
func maxRSS(*os.ProcessState) int64 { return 0 }
