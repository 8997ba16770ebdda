package kafka_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/input/kafka"
	"github.com/logpipe/logpipe/internal/benchutil"
	"github.com/logpipe/logpipe/pipeline"
)

// BenchmarkPipeline consumes b.N JSON records from 4 partitions of a kfake
// cluster through a pipeline into an output that counts them, and waits
// until every offset is committed. The rates count the records after the
// first delivered batch; the CPU rate includes the in-process brokers.
func BenchmarkPipeline(b *testing.B) {
	const parts = 4
	brokers, topic := cluster(b, parts)
	produce(b, brokers, topic, parts, 0, b.N, func(i int) string {
		return `{"@timestamp":"2024-05-01T10:00:00Z","message":"GET /api/items/1 HTTP/1.1","status":200,"bytes":512}`
	})
	in := newInput(b, kafka.Config{BootstrapServers: brokers, Topics: []string{topic}, Codec: "json", CommitInterval: 100 * time.Millisecond})
	var n atomic.Int64
	count := logpipe.OutputFunc(func(_ context.Context, bt logpipe.Batch) error { n.Add(int64(len(bt))); return nil })
	b.ReportAllocs()
	stop := run(b, pipeline.Config{Sources: []logpipe.Source{in}, Outputs: []logpipe.Output{count}})
	// The clock starts with the first delivered batch: joining the group
	// (kfake, like Kafka, delays the first rebalance) is not throughput.
	for n.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	b.ResetTimer()
	first := int(n.Load())
	cpu := benchutil.StartCPU()
	for {
		if int(n.Load()) == b.N {
			s := in.Stats()
			var committed int64
			for _, p := range s.Partitions {
				committed += max(p.Committed, 0)
			}
			if committed == int64(b.N) {
				break
			}
		}
		time.Sleep(time.Millisecond)
	}
	b.StopTimer()
	if err := stop(); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N-first)/b.Elapsed().Seconds(), "events/s")
	cpu.Report(b, b.N-first, "events/cpu-s")
}
