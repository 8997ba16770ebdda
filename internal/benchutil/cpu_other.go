//go:build !unix

package benchutil

func cpuNanos() int64 { return 0 }

func peakRSS() int64 { return 0 }
