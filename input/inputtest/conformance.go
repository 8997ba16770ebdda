package inputtest

import (
	"context"
	"errors"
	"io"
	"slices"
	"testing"
	"time"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/internal/leakcheck"
)

// Harness describes an Input under test for TestInput.
type Harness struct {
	// New returns a fresh input that yields exactly the messages want, in
	// order, then io.EOF. Each call must return an independent input (use
	// t.TempDir for files). Required.
	New func(t *testing.T) (in logpipe.Input, want []string)
	// Blocking, when set, returns a fresh input whose Read blocks because
	// no data is available yet (an empty pipe, a followed empty file). It
	// enables the check that cancelling ctx unblocks Read.
	Blocking func(t *testing.T) logpipe.Input
	// CloseUnblocksRead, with Blocking, also checks that Close called from
	// another goroutine unblocks a blocked Read. A pipeline never does
	// that (it closes an input after its reader has returned), so only
	// inputs that promise it (input.Reader, for standard input used
	// without a pipeline) set it.
	CloseUnblocksRead bool
	// Timeout bounds each blocking step of the suite. Default: 10s.
	Timeout time.Duration
}

// TestInput is a conformance suite for logpipe.Input implementations, in
// the manner of testing/slogtest: run it from a test of your own input. It
// checks that
//
//   - reading to the end yields the expected messages in order, then
//     io.EOF again on every later call;
//   - every batch's AckFunc can be called once, in read order, from
//     another goroutine, without error;
//   - a cancelled ctx makes Read return ctx's error promptly;
//   - Close may be called twice, and (when the harness says the input
//     promises it) Close while Read is blocked unblocks it;
//   - no goroutine started by the input outlives Close.
func TestInput(t *testing.T, h Harness) {
	t.Helper()
	if h.New == nil {
		t.Fatal("inputtest: Harness.New is nil")
	}
	if h.Timeout == 0 {
		h.Timeout = 10 * time.Second
	}
	t.Run("ReadsInOrderThenEOF", func(t *testing.T) {
		leakcheck.Check(t)
		in, want := h.New(t)
		got, acks := readAll(t, in, h.Timeout)
		if !slices.Equal(got, want) {
			t.Errorf("messages read = %q, want %q", shorten(got), shorten(want))
		}
		for i := range 2 {
			if _, _, err := in.Read(ctxWithin(t, h.Timeout)); !errors.Is(err, io.EOF) {
				t.Errorf("Read after the end (call %d) = %v, want io.EOF", i+1, err)
			}
		}
		ackAll(t, acks)
		closeTwice(t, in, h.Timeout)
	})
	t.Run("ReadCancelled", func(t *testing.T) {
		leakcheck.Check(t)
		in, _ := h.New(t)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		b, ack, err := in.Read(ctx)
		switch {
		case err == nil:
			// Returning data that was ready is allowed; it must then be
			// acknowledgeable.
			if ack != nil {
				if aerr := ack(t.Context(), errors.New("inputtest: not delivered")); aerr != nil {
					t.Errorf("nack of a batch read with a cancelled ctx: %v", aerr)
				}
			}
			_ = b
		case !errors.Is(err, context.Canceled) && !errors.Is(err, io.EOF):
			t.Errorf("Read with a cancelled ctx = %v, want context.Canceled", err)
		}
		closeTwice(t, in, h.Timeout)
	})
	if h.Blocking == nil {
		return
	}
	t.Run("CancelUnblocksRead", func(t *testing.T) {
		leakcheck.Check(t)
		in := h.Blocking(t)
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() {
			_, _, err := in.Read(ctx)
			done <- err
		}()
		time.Sleep(20 * time.Millisecond) // let Read block
		cancel()
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("blocked Read after cancel = %v, want context.Canceled", err)
			}
		case <-time.After(h.Timeout):
			t.Fatalf("Read still blocked %v after ctx was cancelled", h.Timeout)
		}
		closeTwice(t, in, h.Timeout)
	})
	if !h.CloseUnblocksRead {
		return
	}
	t.Run("CloseUnblocksRead", func(t *testing.T) {
		leakcheck.Check(t)
		in := h.Blocking(t)
		done := make(chan error, 1)
		go func() {
			_, _, err := in.Read(t.Context())
			done <- err
		}()
		time.Sleep(20 * time.Millisecond)
		closeTwice(t, in, h.Timeout)
		select {
		case err := <-done:
			if err == nil {
				t.Error("blocked Read returned a batch after Close")
			}
		case <-time.After(h.Timeout):
			t.Fatalf("Read still blocked %v after Close", h.Timeout)
		}
	})
}

func ctxWithin(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), d)
	t.Cleanup(cancel)
	return ctx
}

// readAll reads in to io.EOF and returns the messages and the AckFuncs.
func readAll(t *testing.T, in logpipe.Input, timeout time.Duration) ([]string, []logpipe.AckFunc) {
	t.Helper()
	var got []string
	var acks []logpipe.AckFunc
	ctx := ctxWithin(t, timeout)
	for {
		b, ack, err := in.Read(ctx)
		if errors.Is(err, io.EOF) {
			return got, acks
		}
		if err != nil {
			t.Fatalf("Read after %d messages: %v", len(got), err)
		}
		if len(b) == 0 {
			t.Fatal("Read returned an empty batch without an error")
		}
		if ack == nil {
			t.Fatal("Read returned a batch without an AckFunc")
		}
		for _, e := range b {
			got = append(got, e.Message())
		}
		acks = append(acks, ack)
	}
}

// ackAll calls every AckFunc once, in order, from another goroutine, as the
// pipeline does.
func ackAll(t *testing.T, acks []logpipe.AckFunc) {
	t.Helper()
	errc := make(chan error, len(acks))
	go func() {
		for _, ack := range acks {
			errc <- ack(context.Background(), nil)
		}
	}()
	for i := range acks {
		if err := <-errc; err != nil {
			t.Errorf("AckFunc %d: %v", i, err)
		}
	}
}

func closeTwice(t *testing.T, in logpipe.Closer, timeout time.Duration) {
	t.Helper()
	for i := range 2 {
		ctx := ctxWithin(t, timeout)
		if err := in.Close(ctx); err != nil {
			t.Errorf("Close (call %d): %v", i+1, err)
		}
	}
}

func shorten(s []string) []string {
	if len(s) <= 8 {
		return s
	}
	return append(slices.Clip(s[:4]), "...", s[len(s)-1])
}

// SourceHarness describes a push-style logpipe.Source under test for
// TestSource.
type SourceHarness struct {
	// New returns a fresh source and a function that plays its senders:
	// it sends messages to the running source from outside (a client
	// connection, a POST, a produced record) and returns them. Required.
	New func(t *testing.T) (src logpipe.Source, send func(t *testing.T) []string)
	// Timeout bounds each blocking step of the suite. Default: 10s.
	Timeout time.Duration
}

// TestSource is a conformance suite for logpipe.Source implementations.
// It runs the source against a recording Sink and checks that
//
//   - every message the senders sent arrives, and Send is never called
//     concurrently on one stream;
//   - cancelling Run's ctx (stop accepting) makes Run return promptly;
//   - Run with a ctx that is already done returns promptly;
//   - Close may be called twice, and no goroutine outlives it.
func TestSource(t *testing.T, h SourceHarness) {
	t.Helper()
	if h.New == nil {
		t.Fatal("inputtest: SourceHarness.New is nil")
	}
	if h.Timeout == 0 {
		h.Timeout = 10 * time.Second
	}
	t.Run("DeliversThenStopsOnCancel", func(t *testing.T) {
		leakcheck.Check(t)
		src, send := h.New(t)
		sink := NewSink()
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { done <- src.Run(ctx, sink) }()
		want := send(t)
		wctx := ctxWithin(t, h.Timeout)
		if err := sink.Wait(wctx, len(want)); err != nil {
			cancel()
			<-done
			t.Fatal(err)
		}
		got := sink.Messages()
		slices.Sort(got)
		want = slices.Clone(want)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("messages received = %q, want %q (in any order across streams)", shorten(got), shorten(want))
		}
		cancel()
		select {
		case err := <-done:
			if err != nil && !errors.Is(err, context.Canceled) {
				t.Errorf("Run after cancel = %v, want nil", err)
			}
		case <-time.After(h.Timeout):
			t.Fatalf("Run still running %v after its ctx was cancelled", h.Timeout)
		}
		if p := sink.Problems(); len(p) > 0 {
			t.Errorf("stream contract violations: %q", p)
		}
		closeTwice(t, src, h.Timeout)
	})
	t.Run("RunWithDoneCtx", func(t *testing.T) {
		leakcheck.Check(t)
		src, _ := h.New(t)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		done := make(chan error, 1)
		go func() { done <- src.Run(ctx, NewSink()) }()
		select {
		case <-done:
		case <-time.After(h.Timeout):
			t.Fatalf("Run with a done ctx still running after %v", h.Timeout)
		}
		closeTwice(t, src, h.Timeout)
	})
}
