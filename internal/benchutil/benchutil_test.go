package benchutil

import (
	"runtime"
	"testing"
)

var sink []*[64]byte

func TestMeter(t *testing.T) {
	const units = 10000
	r := testing.Benchmark(func(b *testing.B) {
		for b.Loop() {
			m := StartMeter()
			sink = sink[:0]
			for range units {
				sink = append(sink, new([64]byte)) // one 64-byte allocation per unit
			}
			runtime.GC()
			runtime.GC()
			b.StopTimer()
			m.Report(b, units, "event")
			b.StartTimer()
		}
	})
	// The slice's growth adds a few allocations and bytes per 10,000 units.
	if got := r.Extra["allocs/event"]; got < 1 || got > 1.01 {
		t.Errorf("allocs/event = %v, want 1 plus the slice's growth", got)
	}
	if got := r.Extra["B/event"]; got < 64 || got > 64+40 {
		t.Errorf("B/event = %v, want 64 plus the slice's growth", got)
	}
	if got := r.Extra["GCs/Mevents"]; got < 2e6/units {
		t.Errorf("GCs/Mevents = %v, want at least %v (two forced collections)", got, 2e6/units)
	}
}

func TestReportPeakRSS(t *testing.T) {
	if peakRSS() == 0 {
		t.Skip("the platform does not report the peak RSS")
	}
	r := testing.Benchmark(func(b *testing.B) {
		for b.Loop() {
		}
		ReportPeakRSS(b)
	})
	// A Go test process holds at least its binary's touched pages and a
	// heap: more than 1 MB, far less than 10 GB.
	if got := r.Extra["peak-RSS-MB"]; got < 1 || got > 10<<10 {
		t.Errorf("peak-RSS-MB = %v", got)
	}
}
