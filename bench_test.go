package logpipe_test

import (
	"testing"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/internal/benchutil"
)

func BenchmarkParseJSON(b *testing.B) {
	ps := logpipe.SamplePayloads(b)
	b.ReportAllocs()
	n := 0
	cpu := benchutil.StartCPU()
	for b.Loop() {
		if _, err := logpipe.ParseJSON(ps[n%len(ps)]); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "docs/s")
	cpu.Report(b, n, "docs/cpu-s")
}

// BenchmarkAppendJSON encodes events holding decoded payloads, as the
// json filter leaves them: nothing read a field inside, so the payload
// is written from its text.
func BenchmarkAppendJSON(b *testing.B) { benchAppendJSON(b, false) }

// BenchmarkAppendJSONTree is BenchmarkAppendJSON after a field of every
// payload was read: the payload is written from its tree.
func BenchmarkAppendJSONTree(b *testing.B) { benchAppendJSON(b, true) }

func benchAppendJSON(b *testing.B, read bool) {
	ps := logpipe.SamplePayloads(b)
	events := make([]*logpipe.Event, len(ps))
	for i, p := range ps {
		v, err := logpipe.ParseJSON(p)
		if err != nil {
			b.Fatal(err)
		}
		if read {
			v.Object().Get("status_code")
		}
		e := logpipe.NewEvent("")
		e.Fields().Delete("message")
		e.Fields().Set("log_data", v)
		e.Fields().Set("log_level", logpipe.StringValue("INFO"))
		events[i] = e
	}
	b.ReportAllocs()
	var buf []byte
	n := 0
	for b.Loop() {
		buf = events[n%len(events)].AppendJSON(buf[:0])
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkAppendJSONString encodes the tutorial's raw log lines as JSON
// strings, as an output does with a kept "message": about 550 bytes with
// some 45 quotes to escape each.
func BenchmarkAppendJSONString(b *testing.B) {
	var lines []string
	for _, p := range logpipe.SamplePayloads(b) {
		lines = append(lines, "2024-12-21 10:00:00,123 - INFO - Request processed: "+p)
	}
	var buf []byte
	n, size := 0, 0
	cpu := benchutil.StartCPU()
	for b.Loop() {
		s := lines[n%len(lines)]
		buf = logpipe.AppendJSONString(buf[:0], s)
		size += len(s)
		n++
	}
	b.SetBytes(int64(size / max(n, 1)))
	cpu.Report(b, n, "strings/cpu-s")
}
