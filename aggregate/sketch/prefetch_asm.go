//go:build amd64 || arm64

package sketch

import "unsafe"

// prefetch asks the processor to bring the cache line at p into the
// cache, without waiting for it and without faulting: p may be anything.
// Unlike a load, it does not hold up the instructions after it, so a loop
// can have many misses in flight (see [State.applyOps]). It is a few
// instructions of assembly (PREFETCHT0 on amd64, PRFM on arm64); Go has no
// portable prefetch. An assembly call costs a few nanoseconds, so
// prefetch2 asks for two lines in one.
//
//go:noescape
func prefetch(p unsafe.Pointer)

//go:noescape
func prefetch2(p, q unsafe.Pointer)
