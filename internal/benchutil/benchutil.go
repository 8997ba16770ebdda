// Package benchutil holds helpers shared by the benchmarks: a per-second
// rate measured against the process's CPU time, which stays meaningful on
// a shared, loaded machine where wall-clock rates do not.
package benchutil

import (
	"testing"
	"time"
)

// CPUTimer measures the CPU time a benchmark loop used.
type CPUTimer struct {
	start int64
}

// StartCPU starts measuring.
func StartCPU() CPUTimer { return CPUTimer{start: cpuNanos()} }

// Report reports n units per CPU-second as metric unit (for example
// "events/cpu-s"), and nothing when CPU time is not available.
func (c CPUTimer) Report(b *testing.B, n int, unit string) {
	d := cpuNanos() - c.start
	if d > 0 && c.start > 0 {
		b.ReportMetric(float64(n)/(float64(d)/1e9), unit)
	}
}

// CPUTime returns the user plus system CPU time the process has used so
// far, or 0 where the platform does not report it.
func CPUTime() time.Duration { return time.Duration(cpuNanos()) }
