package aggregate

import "syscall"

// threadCPU returns the CPU time of the calling thread (Linux
// RUSAGE_THREAD) in nanoseconds: on a machine shared with other work it
// varies far less than the wall time a benchmark measures.
func threadCPU() (int64, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(1, &ru); err != nil { // RUSAGE_THREAD
		return 0, false
	}
	return ru.Utime.Nano() + ru.Stime.Nano(), true
}
