package outputtest

import (
	"context"
	"errors"
	"fmt"
	"github.com/logpipe/logpipe/internal/safecall"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/logpipe/logpipe"
)

// TestOutput checks that the Output made by newOutput follows the parts of
// the logpipe.Output contract that hold for every output. It is a
// conformance suite in the style of testing/slogtest: run it from a test
// of your own output, preferably with -race. The output must accept
// ordinary events (its Write should succeed against whatever newOutput
// connects it to).
//
// newOutput is called once per subtest and must return a ready output (it
// may call t.Fatal and register cleanups). The subtests check that:
//   - Write accepts a batch, a nil batch and an empty batch;
//   - Write does not modify the batch or its events (slice, timestamps,
//     fields, metadata, tags and recorded errors are compared before and
//     after);
//   - Write is safe to call concurrently from several goroutines;
//   - Write with a cancelled ctx returns (with any result) and does not
//     panic;
//   - Close can be called twice, the second call returning nil when the
//     first did;
//   - Write after Close does not panic (an error or nil are both fine).
func TestOutput(t *testing.T, newOutput func(t *testing.T) logpipe.Output) {
	t.Helper()

	t.Run("Write", func(t *testing.T) {
		o := newOutput(t)
		for _, b := range []logpipe.Batch{sampleBatch(), nil, {}} {
			if err := safeWrite(t.Context(), o, b); err != nil {
				t.Errorf("Write(%d events): %v", len(b), err)
			}
		}
		closeOutput(t, o)
	})

	t.Run("ReadOnlyBatch", func(t *testing.T) {
		o := newOutput(t)
		b := sampleBatch()
		events := slices.Clone(b)
		before := snapshot(b)
		if err := safeWrite(t.Context(), o, b); err != nil {
			t.Errorf("Write: %v", err)
		}
		for i := range b {
			if b[i] != events[i] {
				t.Errorf("Write replaced event %d of the batch", i)
			}
		}
		after := snapshot(events)
		for i := range before {
			if before[i] != after[i] {
				t.Errorf("Write modified event %d:\nbefore: %s\nafter:  %s", i, before[i], after[i])
			}
		}
		closeOutput(t, o)
	})

	t.Run("ConcurrentWrites", func(t *testing.T) {
		o := newOutput(t)
		const goroutines, rounds = 8, 10
		errs := make(chan error, goroutines*rounds)
		var wg sync.WaitGroup
		for range goroutines {
			batches := make([]logpipe.Batch, rounds)
			for r := range batches {
				batches[r] = sampleBatch()
			}
			wg.Go(func() {
				for _, b := range batches {
					if err := safeWrite(t.Context(), o, b); err != nil {
						errs <- err
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("concurrent Write: %v", err)
		}
		closeOutput(t, o)
	})

	t.Run("CancelledContext", func(t *testing.T) {
		o := newOutput(t)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		// Any result is fine; the call must return without panicking.
		if err := safeWrite(ctx, o, sampleBatch()); isPanic(err) {
			t.Error(err)
		}
		closeOutput(t, o)
	})

	t.Run("CloseTwice", func(t *testing.T) {
		o := newOutput(t)
		if err := safeWrite(t.Context(), o, sampleBatch()); err != nil {
			t.Errorf("Write: %v", err)
		}
		first := safeClose(t.Context(), o)
		if isPanic(first) {
			t.Fatal(first)
		}
		second := safeClose(t.Context(), o)
		switch {
		case isPanic(second):
			t.Fatal(second)
		case first == nil && second != nil:
			t.Errorf("second Close: %v, want nil", second)
		}
	})

	t.Run("WriteAfterClose", func(t *testing.T) {
		o := newOutput(t)
		if err := safeClose(t.Context(), o); isPanic(err) {
			t.Fatal(err)
		}
		if err := safeWrite(t.Context(), o, sampleBatch()); isPanic(err) {
			t.Error(err)
		}
	})
}

// sampleBatch returns fresh events covering every part of an event:
// timestamp, nested fields, arrays, numbers, metadata, tags and errors.
func sampleBatch() logpipe.Batch {
	ts := time.Date(2024, 12, 21, 10, 0, 0, 123e6, time.UTC)
	a := logpipe.NewEvent("first")
	a.Timestamp = ts
	nested := logpipe.NewObject(
		logpipe.KV{Key: "status_code", Value: logpipe.IntValue(200)},
		logpipe.KV{Key: "ratio", Value: logpipe.NumberValue("0.0")},
		logpipe.KV{Key: "list", Value: logpipe.ArrayValue(logpipe.StringValue("x"), logpipe.BoolValue(true), logpipe.NullValue())},
	)
	a.Fields().Set("log_data", logpipe.ObjectValue(nested))
	a.Meta().Set("id", logpipe.StringValue("abc"))
	a.AddTag("t1", "t2")

	b := logpipe.NewEvent("second \u00e9 \x00")
	b.Timestamp = ts.Add(time.Second)
	b.Fields().Set("f", logpipe.FloatValue(1.5))
	b.TagFailure("_grokparsefailure")
	b.Fail(fmt.Errorf("outputtest: sample failure"))

	c := logpipe.NewEvent("")
	c.Timestamp = time.Time{}
	return logpipe.Batch{a, b, c}
}

// snapshot returns a textual form of everything an output could change.
func snapshot(b logpipe.Batch) []string {
	out := make([]string, len(b))
	for i, e := range b {
		out[i] = fmt.Sprintf("%s meta=%s tags=%q ts=%s failed=%v err=%v",
			e.AppendJSON(nil), e.Meta().AppendJSON(nil), e.Tags(), e.Timestamp.Format(time.RFC3339Nano), e.Failed(), e.Err())
	}
	return out
}

func closeOutput(t *testing.T, o logpipe.Output) {
	t.Helper()
	if err := safeClose(t.Context(), o); err != nil {
		t.Errorf("Close: %v", err)
	}
}

func isPanic(err error) bool {
	var p *safecall.PanicError
	return errors.As(err, &p)
}

func safeWrite(ctx context.Context, o logpipe.Output, b logpipe.Batch) error {
	return safecall.Call(func() error { return o.Write(ctx, b) })
}

func safeClose(ctx context.Context, o logpipe.Output) error {
	return safecall.Call(func() error { return o.Close(ctx) })
}
