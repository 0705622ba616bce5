package aggregate

import (
	"syscall"
	"unsafe"
)

// hugePageSize is the size of a transparent huge page on Linux (x86-64,
// arm64 with 4 KiB base pages).
const hugePageSize = 2 << 20

// madvHugePage is MADV_HUGEPAGE.
const madvHugePage = 14

// adviseHuge asks Linux to back the n bytes at p with transparent huge
// pages, where the system leaves that to the program (the common
// "madvise" setting of /sys/kernel/mm/transparent_hugepage/enabled). The
// top lists' entry arrays and index tables are read at random, one cache
// line here and one there: with 4 KiB pages nearly every such read also
// misses the TLB, and under a hypervisor a TLB miss is a walk of two page
// tables. Only whole 2 MiB pages inside the block are advised, so nothing
// outside it is touched. The advice is
// a hint: errors are ignored, and it changes no byte of the memory.
func adviseHuge(p unsafe.Pointer, n uintptr) {
	if n < hugePageSize {
		return
	}
	start := (uintptr(p) + hugePageSize - 1) &^ (hugePageSize - 1)
	end := (uintptr(p) + n) &^ (hugePageSize - 1)
	if end <= start {
		return
	}
	syscall.Syscall(syscall.SYS_MADVISE, start, end-start, madvHugePage)
}
