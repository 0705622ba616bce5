//go:build unix

package main

import (
	"os"
	"syscall"
)

// exitSignals stop a run (see catchSignals).
var exitSignals = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP}

// quietSignals are caught and ignored: with SIGPIPE caught, a write to a
// closed pipe fails with EPIPE instead of killing the process, so that the
// run ends cleanly, its files not put in place.
var quietSignals = []os.Signal{syscall.SIGPIPE}

func signalName(s os.Signal) string {
	switch s {
	case syscall.SIGINT:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	case syscall.SIGHUP:
		return "SIGHUP"
	}
	return s.String()
}
