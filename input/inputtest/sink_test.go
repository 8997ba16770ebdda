package inputtest_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/input/inputtest"
)

func TestSinkHoldRelease(t *testing.T) {
	s := inputtest.NewSink()
	st := s.NewStream("conn-1")
	var got []error
	ack := func(_ context.Context, err error) error { got = append(got, err); return nil }
	if err := st.Send(t.Context(), logpipe.Batch{logpipe.NewEvent("a")}, ack); err != nil {
		t.Fatal(err)
	}
	s.Hold()
	st.Send(t.Context(), logpipe.Batch{logpipe.NewEvent("b")}, ack)
	st.Send(t.Context(), logpipe.Batch{logpipe.NewEvent("c")}, ack)
	if len(got) != 1 {
		t.Fatalf("%d acks while held, want 1", len(got))
	}
	if n := s.Release(t.Context(), inputtest.ErrNotDelivered); n != 2 {
		t.Fatalf("released %d", n)
	}
	if len(got) != 3 || got[0] != nil || !errors.Is(got[1], inputtest.ErrNotDelivered) || !errors.Is(got[2], inputtest.ErrNotDelivered) {
		t.Errorf("acks = %v", got)
	}
	if m := s.Messages(); len(m) != 3 || m[2] != "c" || s.Streams()[0] != "conn-1" {
		t.Errorf("messages %q streams %q", m, s.Streams())
	}
	if err := s.Wait(t.Context(), 3); err != nil {
		t.Error(err)
	}
}

// Concurrent Sends on one stream break the stream contract; the Sink
// reports it.
func TestSinkReportsConcurrentSend(t *testing.T) {
	s := inputtest.NewSink()
	st := s.NewStream("x")
	release := make(chan struct{})
	blockingAck := func(context.Context, error) error { <-release; return nil }
	var wg sync.WaitGroup
	wg.Go(func() { st.Send(t.Context(), logpipe.Batch{logpipe.NewEvent("a")}, blockingAck) })
	if err := s.Wait(t.Context(), 1); err != nil {
		t.Fatal(err)
	}
	wg.Go(func() { st.Send(t.Context(), logpipe.Batch{logpipe.NewEvent("b")}, nil) })
	if err := s.Wait(t.Context(), 2); err != nil {
		t.Fatal(err)
	}
	close(release)
	wg.Wait()
	if len(s.Problems()) == 0 {
		t.Error("concurrent Send not reported")
	}
}
