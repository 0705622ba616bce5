//go:build !linux

package aggregate

func threadCPU() int64 { return 0 }
