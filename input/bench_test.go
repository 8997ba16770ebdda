//go:build unix

package input

import (
	"errors"
	"github.com/logpipe/logpipe/internal/benchutil"
	"github.com/logpipe/logpipe/internal/testlog"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// genlogs writes shared/data/genlogs.py output for args to path.
func genlogs(t testing.TB, path string, args ...string) {
	t.Helper()
	testlog.Write(t, path, args...)
}

// BenchmarkFileReadToEnd reads a 100 MB file (genlogs.py --lines 200000) in
// read-to-end mode and discards the events.
func BenchmarkFileReadToEnd(b *testing.B) {
	path := filepath.Join(b.TempDir(), "app.log")
	genlogs(b, path, "--lines", "200000")
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(fi.Size())
	b.ReportAllocs()
	var lines int64
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cpu0 := benchutil.CPUTime()
	for b.Loop() {
		in, err := NewFile(FileConfig{Paths: []string{path}, Logger: discard(), Host: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			batch, ack, err := in.Read(b.Context())
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n += len(batch)
			ack(b.Context(), nil)
		}
		in.Close(b.Context())
		if n != 200000 {
			b.Fatalf("read %d lines, want 200000", n)
		}
		lines += int64(n)
	}
	b.ReportMetric(float64(lines)/b.Elapsed().Seconds(), "lines/s")
	// CPU time of the whole process (GC included): the figure to compare
	// when the machine is shared and wall-clock time is noisy.
	b.ReportMetric(float64(lines)/(benchutil.CPUTime()-cpu0).Seconds(), "lines/cpu-s")
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(lines), "allocs/line")
}
