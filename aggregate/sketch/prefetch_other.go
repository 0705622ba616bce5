//go:build !amd64 && !arm64

package sketch

import "unsafe"

// prefetch and prefetch2 do nothing on this architecture (see
// prefetch_asm.go).
func prefetch(p unsafe.Pointer)     {}
func prefetch2(p, q unsafe.Pointer) {}
