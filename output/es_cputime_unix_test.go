//go:build unix

package output_test

import (
	"syscall"
	"time"
)

// esCPUTime returns the CPU time (user + system) the process has used.
func esCPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
