package syslog_test

import (
	"context"
	"testing"
	"time"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/filter/syslog"
	"github.com/logpipe/logpipe/internal/benchutil"
)

// BenchmarkSyslog measures the filter on one core, batches of 128, for
// each format; the events are made outside the timer.
func BenchmarkSyslog(b *testing.B) {
	for _, c := range []struct{ name, line string }{
		{"rfc5424", `<134>1 2026-12-02T02:00:00.123456Z web-01.example.com nginx 4242 - [meta@1 a="b"] 10.0.0.1 GET /api/v1/items?page=2 200 1532 0.004`},
		{"rfc3164", `<134>Dec  2 02:00:00 web-01 nginx[4242]: 10.0.0.1 GET /api/v1/items?page=2 200 1532 0.004`},
	} {
		b.Run(c.name, func(b *testing.B) {
			s, err := syslog.New(syslog.Config{Location: time.UTC})
			if err != nil {
				b.Fatal(err)
			}
			const size = 128
			batch := make(logpipe.Batch, size)
			b.ReportAllocs()
			var cpu time.Duration
			for i := 0; i < b.N; i += size {
				b.StopTimer()
				for j := range batch {
					batch[j] = logpipe.NewEvent(c.line)
				}
				start := benchutil.CPUTime()
				b.StartTimer()
				if _, err := s.Apply(context.Background(), batch); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				cpu += benchutil.CPUTime() - start
				b.StartTimer()
			}
			if cpu > 0 {
				b.ReportMetric(float64(b.N)/cpu.Seconds(), "events/cpu-s")
			}
		})
	}
}
