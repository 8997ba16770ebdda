// Package benchutil holds helpers shared by the benchmarks: a per-second
// rate measured against the process's CPU time, which stays meaningful on
// a shared, loaded machine where wall-clock rates do not.
package benchutil

import (
	"runtime"
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

// Meter measures what a benchmark loop cost per unit of work: CPU time,
// heap allocations, bytes allocated and garbage collections. Start it
// after the setup and report right after the loop; unlike b.ReportAllocs,
// which counts per iteration, it divides by the units the loop handled.
type Meter struct {
	cpu     CPUTimer
	mallocs uint64
	bytes   uint64
	gcs     uint32
}

// StartMeter starts measuring. It stops the world briefly to read the
// memory statistics, so call it outside the timed work.
func StartMeter() Meter {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return Meter{cpu: StartCPU(), mallocs: ms.Mallocs, bytes: ms.TotalAlloc, gcs: ms.NumGC}
}

// Report reports, for n units named unit (for example "event"): units per
// CPU-second (unit+"s/cpu-s"), allocations and bytes per unit
// ("allocs/"+unit, "B/"+unit) and garbage collections per million units
// ("GCs/M"+unit+"s").
func (m Meter) Report(b *testing.B, n int, unit string) {
	if n <= 0 {
		return
	}
	m.cpu.Report(b, n, unit+"s/cpu-s")
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.Mallocs-m.mallocs)/float64(n), "allocs/"+unit)
	b.ReportMetric(float64(ms.TotalAlloc-m.bytes)/float64(n), "B/"+unit)
	b.ReportMetric(float64(ms.NumGC-m.gcs)*1e6/float64(n), "GCs/M"+unit+"s")
}

// ReportPeakRSS reports the process's peak resident set size so far in
// MB ("peak-RSS-MB"), and nothing where the platform does not tell it.
func ReportPeakRSS(b *testing.B) {
	if n := peakRSS(); n > 0 {
		b.ReportMetric(float64(n)/(1<<20), "peak-RSS-MB")
	}
}
