//go:build !unix

package main

import (
	"os"
	"syscall"
)

// exitSignals stop a run (see catchSignals): Ctrl-C (os.Interrupt), and on
// Windows the console's close, logoff and shutdown events (SIGTERM).
var exitSignals = []os.Signal{os.Interrupt, syscall.SIGTERM}

// quietSignals are caught and ignored (see the Unix version): none here.
var quietSignals []os.Signal

func signalName(s os.Signal) string {
	if s == os.Interrupt {
		return "SIGINT"
	}
	return "SIGTERM"
}
