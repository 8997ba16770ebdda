//go:build unix

package input

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/logpipe/logpipe/internal/benchutil"
	"github.com/logpipe/logpipe/internal/testlog"
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

// BenchmarkFileFollowLatency measures, in follow mode with default
// intervals (FlushInterval aside, set to 1ms so that it does not hide the
// rest), the time from a line's write, made while Read waits, to its
// return by Read ("ms-latency", the mean), with change notifications and
// with polling alone.
func BenchmarkFileFollowLatency(b *testing.B) {
	for _, notify := range []bool{true, false} {
		b.Run(map[bool]string{true: "notify", false: "poll"}[notify], func(b *testing.B) {
			dir := b.TempDir()
			p := filepath.Join(dir, "app.log")
			writeFile(b, p, "start\n")
			in, err := NewFile(FileConfig{Paths: []string{p}, Follow: true, NoNotify: !notify,
				FlushInterval: time.Millisecond, Logger: discard(), Host: "bench"})
			if err != nil {
				b.Fatal(err)
			}
			defer in.Close(b.Context())
			if _, ack, err := in.Read(b.Context()); err != nil {
				b.Fatal(err)
			} else {
				ack(b.Context(), nil)
			}
			fh, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				b.Fatal(err)
			}
			defer fh.Close()
			var total time.Duration
			n := 0
			for b.Loop() {
				written := make(chan time.Time, 1)
				go func() {
					time.Sleep(7 * time.Millisecond) // Read is waiting by now
					written <- time.Now()
					fh.WriteString("line\n")
				}()
				batch, ack, err := in.Read(b.Context())
				if err != nil || len(batch) != 1 {
					b.Fatalf("Read: %d events, %v", len(batch), err)
				}
				total += time.Since(<-written)
				n++
				ack(b.Context(), nil)
			}
			b.ReportMetric(total.Seconds()*1000/float64(n), "ms-latency")
		})
	}
}

// BenchmarkFileFollowIdle measures the CPU a follow-mode input spends
// while the files it follows do not change: each iteration is 500ms of an
// idle Read; "cpu-%" is the share of one core used by the whole process.
func BenchmarkFileFollowIdle(b *testing.B) {
	for _, files := range []int{1000, 5000} {
		for _, notify := range []bool{true, false} {
			name := fmt.Sprintf("files=%d/%s", files, map[bool]string{true: "notify", false: "poll"}[notify])
			b.Run(name, func(b *testing.B) {
				dir := b.TempDir()
				for i := range files {
					writeFile(b, filepath.Join(dir, fmt.Sprintf("f%05d.log", i)), fmt.Sprintf("file %d\n", i))
				}
				in, err := NewFile(FileConfig{Paths: []string{filepath.Join(dir, "*.log")}, Follow: true,
					NoNotify: !notify, Logger: discard(), Host: "bench"})
				if err != nil {
					b.Fatal(err)
				}
				defer in.Close(b.Context())
				for n := 0; n < files; {
					batch, ack, err := in.Read(b.Context())
					if err != nil {
						b.Fatal(err)
					}
					n += len(batch)
					ack(b.Context(), nil)
				}
				runtime.GC()
				cpu0, wall0 := benchutil.CPUTime(), time.Now()
				for b.Loop() {
					ctx, cancel := context.WithTimeout(b.Context(), 500*time.Millisecond)
					batch, _, err := in.Read(ctx)
					cancel()
					if !errors.Is(err, context.DeadlineExceeded) {
						b.Fatalf("idle Read: %d events, %v", len(batch), err)
					}
				}
				b.ReportMetric(100*(benchutil.CPUTime()-cpu0).Seconds()/time.Since(wall0).Seconds(), "cpu-%")
			})
		}
	}
}

// BenchmarkFileFollowOneEvent reads one-event batches in follow mode: B/op
// is what one such batch costs (its slabs, mostly).
func BenchmarkFileFollowOneEvent(b *testing.B) {
	p := filepath.Join(b.TempDir(), "app.log")
	writeFile(b, p, "start\n")
	in, err := NewFile(FileConfig{Paths: []string{p}, Follow: true, FlushInterval: time.Millisecond,
		Logger: discard(), Host: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	defer in.Close(b.Context())
	fh, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer fh.Close()
	if _, ack, err := in.Read(b.Context()); err != nil { // "start"
		b.Fatal(err)
	} else {
		ack(b.Context(), nil)
	}
	b.ReportAllocs()
	for b.Loop() {
		fh.WriteString("2024-01-01 12:00:00 INFO one line of a quiet log\n")
		batch, ack, err := in.Read(b.Context())
		if err != nil || len(batch) != 1 {
			b.Fatalf("Read: %d events, %v", len(batch), err)
		}
		ack(b.Context(), nil)
	}
}
