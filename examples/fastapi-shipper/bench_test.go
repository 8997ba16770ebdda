package main

import (
	"io"
	"testing"

	"github.com/logpipe/logpipe/internal/benchutil"
	"github.com/logpipe/logpipe/output"
)

// BenchmarkShipper runs the whole tutorial pipeline (file input, grok,
// json, date, JSON lines to io.Discard) on 50,000 genlogs.py lines per
// iteration, with the command's garbage collector setting (tuneGC), and
// reports events/s of wall time and events per CPU-second (the process's
// CPU time, meaningful on a loaded machine).
func BenchmarkShipper(b *testing.B) {
	defer tuneGC()()
	path, lines := genlogs(b, "--lines", "50000", "--seed", "5")
	codec := output.JSONLines
	b.ReportAllocs()
	cpu := benchutil.StartCPU()
	for b.Loop() {
		p, err := build(config{Paths: []string{path}, Once: true, Stdout: &codec, Timezone: "UTC"}, io.Discard)
		if err != nil {
			b.Fatal(err)
		}
		if err := p.Run(b.Context()); err != nil {
			b.Fatal(err)
		}
		if s := p.Stats(); s.Delivered != uint64(len(lines)) {
			b.Fatalf("%d events out, want %d", s.Delivered, len(lines))
		}
	}
	cpu.Report(b, b.N*len(lines), "events/cpu-s")
	b.ReportMetric(float64(b.N*len(lines))/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(lines)), "ns/event")
}
