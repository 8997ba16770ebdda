package kafka_test

import (
	"context"
	"log/slog"
	"strconv"
	"testing"
	"time"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/internal/benchutil"
	"github.com/logpipe/logpipe/output/kafka"
)

// BenchmarkWrite produces batches of 500 events (about 200 bytes of JSON
// each) into a kfake cluster with acks=all and the idempotent producer.
// One op is one record. The CPU rate includes the in-process brokers.
func BenchmarkWrite(b *testing.B) {
	for _, comp := range []string{"none", "lz4"} {
		b.Run(comp, func(b *testing.B) {
			brokers, _ := cluster(b, "bench")
			o, err := kafka.New(kafka.Config{BootstrapServers: brokers, TopicID: "bench", CompressionType: comp, Logger: slog.New(slog.DiscardHandler)})
			if err != nil {
				b.Fatal(err)
			}
			defer o.Close(context.Background())
			batch := make(logpipe.Batch, 500)
			for i := range batch {
				e := logpipe.NewEvent(`10.0.0.1 - - "GET /api/items/` + strconv.Itoa(i) + ` HTTP/1.1" 200 512 0.004`)
				e.Timestamp = time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
				e.Fields().Set("status", logpipe.IntValue(200))
				e.Fields().Set("path", logpipe.StringValue("/api/items/"+strconv.Itoa(i)))
				e.Meta().Set("id", logpipe.StringValue("id-"+strconv.Itoa(i)))
				batch[i] = e
			}
			b.SetBytes(int64(len(batch[0].AppendJSON(nil))))
			b.ReportAllocs()
			cpu := benchutil.StartCPU()
			b.ResetTimer()
			for n := 0; n < b.N; n += len(batch) {
				bb := batch[:min(len(batch), b.N-n)]
				if err := o.Write(context.Background(), bb); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
			cpu.Report(b, b.N, "records/cpu-s")
		})
	}
}
