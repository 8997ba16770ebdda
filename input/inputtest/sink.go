package inputtest

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/logpipe/logpipe"
)

// Sink is a logpipe.Sink for testing a Source without a pipeline: it
// records every batch per stream and acknowledges it, at once by default,
// or when the test says so (Hold, Release). It checks the stream contract
// (Send not called concurrently on one stream) and reports violations in
// Problems. It is safe for concurrent use.
type Sink struct {
	mu       sync.Mutex
	streams  []*sinkStream
	hold     bool
	held     []heldAck
	problems []string
	changed  chan struct{} // closed and replaced on every Send
}

type heldAck struct {
	ack logpipe.AckFunc
}

// NewSink returns a Sink that acknowledges every batch as soon as it is
// sent.
func NewSink() *Sink { return &Sink{changed: make(chan struct{})} }

// Hold makes the Sink keep the AckFuncs of later batches until Release.
func (s *Sink) Hold() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hold = true
}

// Release calls every held AckFunc with err, in the order the batches
// were sent, and acknowledges later batches at once again. It returns the
// number of AckFuncs called.
func (s *Sink) Release(ctx context.Context, err error) int {
	s.mu.Lock()
	held := s.held
	s.held, s.hold = nil, false
	s.mu.Unlock()
	for _, h := range held {
		if aerr := h.ack(ctx, err); aerr != nil {
			s.problem(fmt.Sprintf("AckFunc returned %v", aerr))
		}
	}
	return len(held)
}

// NewStream implements logpipe.Sink.
func (s *Sink) NewStream(name string) logpipe.Stream {
	st := &sinkStream{sink: s, name: name}
	s.mu.Lock()
	s.streams = append(s.streams, st)
	s.mu.Unlock()
	return st
}

// Streams returns the names of the streams opened so far, in order.
func (s *Sink) Streams() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, len(s.streams))
	for i, st := range s.streams {
		out[i] = st.name
	}
	return out
}

// Events returns every event sent so far, stream after stream, each
// stream's in send order.
func (s *Sink) Events() []*logpipe.Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*logpipe.Event
	for _, st := range s.streams {
		out = append(out, st.events...)
	}
	return out
}

// BatchSizes returns the number of events of every batch sent so far,
// stream after stream, each stream's in send order.
func (s *Sink) BatchSizes() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []int
	for _, st := range s.streams {
		out = append(out, st.sizes...)
	}
	return out
}

// Messages returns the "message" of every event Events returns.
func (s *Sink) Messages() []string {
	ev := s.Events()
	out := make([]string, len(ev))
	for i, e := range ev {
		out[i] = e.Message()
	}
	return out
}

// Len returns the number of events sent so far.
func (s *Sink) Len() int { return len(s.Events()) }

// Wait blocks until at least n events were sent or ctx is done.
func (s *Sink) Wait(ctx context.Context, n int) error {
	for {
		s.mu.Lock()
		total := 0
		for _, st := range s.streams {
			total += len(st.events)
		}
		ch := s.changed
		s.mu.Unlock()
		if total >= n {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("inputtest: %d of %d events sent: %w", total, n, ctx.Err())
		}
	}
}

// Problems returns the contract violations seen.
func (s *Sink) Problems() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.problems...)
}

func (s *Sink) problem(p string) {
	s.mu.Lock()
	s.problems = append(s.problems, p)
	s.mu.Unlock()
}

type sinkStream struct {
	sink    *Sink
	name    string
	events  []*logpipe.Event // guarded by sink.mu
	sizes   []int            // of the batches sent; guarded by sink.mu
	sending bool             // guarded by sink.mu
}

func (st *sinkStream) Send(ctx context.Context, b logpipe.Batch, ack logpipe.AckFunc) error {
	s := st.sink
	if ack == nil {
		ack = func(context.Context, error) error { return nil }
	}
	if err := ctx.Err(); err != nil {
		_ = ack(context.WithoutCancel(ctx), err)
		return err
	}
	s.mu.Lock()
	if st.sending {
		s.problems = append(s.problems, fmt.Sprintf("stream %q: Send called concurrently", st.name))
	}
	st.sending = true
	st.events = append(st.events, b...)
	st.sizes = append(st.sizes, len(b))
	hold := s.hold
	if hold {
		s.held = append(s.held, heldAck{ack})
	}
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		st.sending = false
		s.mu.Unlock()
	}()
	if !hold {
		if err := ack(ctx, nil); err != nil {
			s.problem(fmt.Sprintf("stream %q: AckFunc returned %v", st.name, err))
		}
	}
	return nil
}

// ErrNotDelivered is what Release callers conventionally pass to simulate
// a batch the pipeline could not deliver.
var ErrNotDelivered = errors.New("inputtest: not delivered")

var _ logpipe.Sink = (*Sink)(nil)
