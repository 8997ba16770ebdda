package main

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/logpipe/logpipe/internal/benchutil"
	"github.com/logpipe/logpipe/internal/testlog"
	"github.com/logpipe/logpipe/output"
)

// BenchmarkShipper runs the whole tutorial pipeline (file input, grok,
// json, date, JSON lines to io.Discard) on 50,000 genlogs.py lines per
// iteration, with the command's garbage collector setting (tuneGC), and
// reports events/s of wall time, events per CPU-second (the process's
// CPU time, meaningful on a loaded machine), and allocations, bytes and
// garbage collections per event.
func BenchmarkShipper(b *testing.B) {
	defer tuneGC()()
	path, lines := genlogs(b, "--lines", "50000", "--seed", "5")
	benchShip(b, path, len(lines), io.Discard)
}

// BenchmarkShipperMillion is the end-to-end measure in a test:
// the command's pipeline on a generated file of 1,000,000 lines (551 MB,
// written once to the test's temporary directory), its JSON lines written
// to a file there, as `fastapi-shipper -once -stdout json > file` does.
// Besides BenchmarkShipper's figures it reports the process's peak RSS,
// which includes the benchmark's own few MB.
func BenchmarkShipperMillion(b *testing.B) {
	defer tuneGC()()
	const lines = 1_000_000
	dir := b.TempDir()
	path := filepath.Join(dir, "app.log")
	testlog.Write(b, path, "--lines", "1000000", "--seed", "1")
	out, err := os.Create(filepath.Join(dir, "out.json"))
	if err != nil {
		b.Fatal(err)
	}
	defer out.Close()
	benchShip(b, path, lines, &rewinding{out})
	benchutil.ReportPeakRSS(b)
}

// rewinding is a file that each run of the pipeline writes from its start.
type rewinding struct{ f *os.File }

func (r *rewinding) Write(p []byte) (int, error) { return r.f.Write(p) }

func (r *rewinding) rewind(b *testing.B) {
	if err := r.f.Truncate(0); err != nil {
		b.Fatal(err)
	}
	if _, err := r.f.Seek(0, io.SeekStart); err != nil {
		b.Fatal(err)
	}
}

// benchShip runs the command's pipeline with -once -stdout json on path,
// which holds events lines, once per iteration, writing to out.
func benchShip(b *testing.B, path string, events int, out io.Writer) {
	b.Helper()
	codec := output.JSONLines
	b.ReportAllocs()
	meter := benchutil.StartMeter()
	for b.Loop() {
		if r, ok := out.(*rewinding); ok {
			r.rewind(b)
		}
		p, err := build(config{Paths: []string{path}, Once: true, Stdout: &codec, Timezone: "UTC"}, out)
		if err != nil {
			b.Fatal(err)
		}
		if err := p.Run(b.Context()); err != nil {
			b.Fatal(err)
		}
		if s := p.Stats(); s.Delivered != uint64(events) {
			b.Fatalf("%d events out, want %d", s.Delivered, events)
		}
	}
	meter.Report(b, b.N*events, "event")
	b.ReportMetric(float64(b.N*events)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*events), "ns/event")
}
