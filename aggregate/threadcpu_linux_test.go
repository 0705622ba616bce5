package aggregate

import "syscall"

// threadCPU returns the CPU time the calling thread has used, in
// nanoseconds (the goroutine must be locked to its thread): unlike wall
// time, it does not count the time other processes had the CPU.
func threadCPU() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(1 /* RUSAGE_THREAD */, &ru) != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
