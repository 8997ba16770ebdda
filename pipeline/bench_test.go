package pipeline_test

import (
	"context"
	"io"
	"sync/atomic"
	"testing"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/internal/benchutil"
	"github.com/logpipe/logpipe/pipeline"
)

// repeatInput returns the same batch n times, so the benchmark measures
// the runner rather than event construction.
type repeatInput struct {
	batch logpipe.Batch
	left  atomic.Int64
}

func (r *repeatInput) Read(ctx context.Context) (logpipe.Batch, logpipe.AckFunc, error) {
	if r.left.Add(-1) < 0 {
		return nil, nil, io.EOF
	}
	return r.batch, ackNop, nil
}

func ackNop(context.Context, error) error { return nil }

func (r *repeatInput) Close(context.Context) error { return nil }

// BenchmarkPipeline measures the runner's overhead per event: a no-op
// filter, a discarding output, batches of 128.
func BenchmarkPipeline(b *testing.B) {
	const size = 128
	batch := make(logpipe.Batch, size)
	for i := range batch {
		batch[i] = logpipe.NewEvent("x")
	}
	nop := logpipe.FilterFunc(func(_ context.Context, b logpipe.Batch) (logpipe.Batch, error) { return b, nil })
	discard := logpipe.OutputFunc(func(context.Context, logpipe.Batch) error { return nil })
	batches := b.N/size + 1
	in := &repeatInput{batch: batch}
	in.left.Store(int64(batches))
	p, err := pipeline.New(pipeline.Config{
		Inputs: []logpipe.Input{in}, Filters: []logpipe.Filter{nop}, Outputs: []logpipe.Output{discard}, Logger: quiet,
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu := benchutil.StartCPU()
	if err := p.Run(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	events := batches * size
	cpu.Report(b, events, "events/cpu-s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(events), "ns/event")
	if got := p.Stats().Delivered; got != uint64(events) {
		b.Fatalf("delivered %d events, want %d", got, events)
	}
}
