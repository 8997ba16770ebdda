package filtertest

import (
	"context"
	"errors"
	"github.com/logpipe/logpipe/internal/safecall"
	"slices"
	"sync"
	"testing"

	"github.com/logpipe/logpipe"
)

// defaultSamples are used by TestFilter when the caller gives none: an
// ordinary event, an empty one, odd values and every special root.
var defaultSamples = []string{
	`{"message":"hello world"}`,
	`{}`,
	`{"message":""}`,
	`{"message":null,"n":0.0,"big":12345678901234567890,"nested":{"a":[1,{"b":null}],"c":true}}`,
	`{"@timestamp":"2024-12-21T10:00:00.123Z","message":"x\u0000\ufffd\u2028","tags":["a","b"],"@metadata":{"id":"1"}}`,
	`{"message":{"not":"a string"}}`,
	`{"message":"{\"json\":[1,2,3],\"deep\":{\"k\":\"v\"}}"}`,
}

// TestFilter checks that the Filter made by newFilter follows the parts of
// the logpipe.Filter contract that hold for every filter, whatever it
// does. It is a conformance suite in the style of testing/slogtest: run it
// from a test of your own filter, preferably with -race.
//
// newFilter is called once per subtest and must return a ready filter (it
// may call t.Fatal). sample holds input events as JSON objects (see
// Event); when empty, a built-in set of ordinary and odd events is used.
// Include events that exercise every branch of the filter, including
// failures.
//
// The subtests check that Apply:
//   - accepts a nil and an empty batch, returning no events and no error;
//   - does not panic on any sample, alone or in one batch;
//   - returns no nil events, no event twice, and no event that was in the
//     input of an earlier call or returned by one (new events are fine);
//   - is safe to call concurrently from several goroutines;
//   - returns, with a result or an error, when ctx is already cancelled;
//   - and that Close, when the filter implements logpipe.Closer, can be
//     called after use.
func TestFilter(t *testing.T, newFilter func(t *testing.T) logpipe.Filter, sample ...string) {
	t.Helper()
	if len(sample) == 0 {
		sample = defaultSamples
	}
	// Decode every sample once up front so a bad sample fails clearly.
	for _, s := range sample {
		Event(t, s)
	}
	fresh := func(t *testing.T) logpipe.Batch {
		t.Helper()
		b := make(logpipe.Batch, len(sample))
		for i, s := range sample {
			b[i] = Event(t, s)
		}
		return b
	}

	t.Run("NilAndEmptyBatch", func(t *testing.T) {
		f := newFilter(t)
		for _, b := range []logpipe.Batch{nil, {}} {
			out, err := safeApply(t.Context(), f, b)
			if err != nil {
				t.Errorf("Apply(%#v) error: %v", b, err)
			}
			if len(out) != 0 {
				t.Errorf("Apply(%#v) returned %d events, want none", b, len(out))
			}
		}
	})

	t.Run("NoPanic", func(t *testing.T) {
		f := newFilter(t)
		for i, s := range sample {
			e := Event(t, s)
			if _, err := safeApply(t.Context(), f, logpipe.Batch{e}); isPanic(err) {
				t.Errorf("sample %d %s: %v", i, s, err)
			}
		}
		if _, err := safeApply(t.Context(), f, fresh(t)); isPanic(err) {
			t.Errorf("all samples in one batch: %v", err)
		}
	})

	t.Run("ReturnedEvents", func(t *testing.T) {
		f := newFilter(t)
		seen := map[*logpipe.Event]int{} // events of earlier calls -> call number
		for call := range 3 {
			in := fresh(t)
			inSet := map[*logpipe.Event]bool{}
			for _, e := range in {
				inSet[e] = true
			}
			out, err := safeApply(t.Context(), f, slices.Clone(in))
			if isPanic(err) {
				t.Fatalf("call %d: %v", call, err)
			}
			if err != nil {
				continue // a whole-batch error is allowed; nothing to check
			}
			dup := map[*logpipe.Event]bool{}
			for i, e := range out {
				switch {
				case e == nil:
					t.Errorf("call %d: event %d is nil", call, i)
					continue
				case dup[e]:
					t.Errorf("call %d: event %d (%s) is returned twice", call, i, e)
				}
				dup[e] = true
				if n, ok := seen[e]; ok && !inSet[e] {
					t.Errorf("call %d: event %d (%s) belongs to call %d: the filter kept an event", call, i, e, n)
				}
			}
			for _, e := range in {
				seen[e] = call
			}
			for _, e := range out {
				if e != nil {
					seen[e] = call
				}
			}
		}
	})

	t.Run("Concurrent", func(t *testing.T) {
		f := newFilter(t)
		const goroutines, rounds = 8, 20
		var wg sync.WaitGroup
		errs := make(chan error, goroutines)
		for range goroutines {
			batches := make([]logpipe.Batch, rounds)
			for r := range batches {
				batches[r] = fresh(t)
			}
			wg.Go(func() {
				for _, b := range batches {
					out, err := safeApply(t.Context(), f, b)
					if isPanic(err) {
						errs <- err
						return
					}
					for _, e := range out {
						if e != nil {
							_ = e.AppendJSON(nil) // read everything, for the race detector
						}
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
	})

	t.Run("CancelledContext", func(t *testing.T) {
		f := newFilter(t)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		// Apply must return; the result and error are the filter's choice.
		if _, err := safeApply(ctx, f, fresh(t)); isPanic(err) {
			t.Error(err)
		}
	})

	t.Run("Close", func(t *testing.T) {
		f := newFilter(t)
		c, ok := f.(logpipe.Closer)
		if !ok {
			t.Skip("filter does not implement logpipe.Closer")
		}
		if _, err := safeApply(t.Context(), f, fresh(t)); isPanic(err) {
			t.Fatal(err)
		}
		if err := safeClose(t.Context(), c); isPanic(err) {
			t.Error(err)
		}
	})
}

func isPanic(err error) bool {
	var p *safecall.PanicError
	return errors.As(err, &p)
}

// safeApply calls f.Apply and turns a panic into a *safecall.PanicError.
func safeApply(ctx context.Context, f logpipe.Filter, b logpipe.Batch) (out logpipe.Batch, err error) {
	err = safecall.Call(func() (err error) {
		out, err = f.Apply(ctx, b)
		return err
	})
	return out, err
}

func safeClose(ctx context.Context, c logpipe.Closer) error {
	return safecall.Call(func() error { return c.Close(ctx) })
}
