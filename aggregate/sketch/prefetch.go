package sketch

import "unsafe"

// Prefetch asks the processor to bring the cache line at p into the
// cache without waiting for it (see prefetch): for other packages'
// tables that pipeline their lookups as applyOps does.
func Prefetch(p unsafe.Pointer) { prefetch(p) }
