// Package inputtest helps test inputs and what comes after them: Source
// is an in-memory Input for tests of filters, outputs and pipelines; Sink
// records what a push-style logpipe.Source sends, so a server input can be
// tested without a pipeline; TestInput is the conformance suite every
// logpipe.Input implementation runs (read order, io.EOF, acknowledgements,
// cancellation, Close, no goroutine left).
package inputtest

import (
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/logpipe/logpipe"
)

// Source is a finite Input that returns fixed batches, then io.EOF, and
// records every acknowledgement. It is safe for concurrent use.
type Source struct {
	mu        sync.Mutex
	batches   []logpipe.Batch
	next      int
	outcomes  []error // per batch, in read order; nil until acknowledged
	acked     []bool
	ackOrder  []int
	problems  []string
	closed    int
	readAfter int
}

// New returns a Source that returns batches in order.
func New(batches ...logpipe.Batch) *Source {
	return &Source{batches: batches, outcomes: make([]error, len(batches)), acked: make([]bool, len(batches))}
}

// FromEvents returns a Source that returns events in batches of size
// (the last batch may be shorter).
func FromEvents(events []*logpipe.Event, size int) *Source {
	if size < 1 {
		size = 1
	}
	var batches []logpipe.Batch
	for i := 0; i < len(events); i += size {
		batches = append(batches, logpipe.Batch(events[i:min(i+size, len(events)):min(i+size, len(events))]))
	}
	return New(batches...)
}

// Messages returns a Source with one event per message, in batches of size.
func Messages(size int, messages ...string) *Source {
	events := make([]*logpipe.Event, len(messages))
	for i, m := range messages {
		events[i] = logpipe.NewEvent(m)
	}
	return FromEvents(events, size)
}

// Read returns the next batch, or io.EOF when there is none, or ctx's
// error.
func (s *Source) Read(ctx context.Context) (logpipe.Batch, logpipe.AckFunc, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed > 0 {
		s.readAfter++
		return nil, nil, logpipe.ErrClosed
	}
	if s.next >= len(s.batches) {
		return nil, nil, io.EOF
	}
	i := s.next
	s.next++
	return s.batches[i], func(_ context.Context, err error) error { s.ack(i, err); return nil }, nil
}

func (s *Source) ack(i int, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.acked[i] {
		s.problems = append(s.problems, fmt.Sprintf("batch %d acknowledged twice", i))
		return
	}
	s.acked[i] = true
	s.outcomes[i] = err
	s.ackOrder = append(s.ackOrder, i)
}

// Close marks the source closed.
func (s *Source) Close(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed++
	return nil
}

// BatchesRead reports how many batches have been read.
func (s *Source) BatchesRead() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.next
}

// Acked returns the number of events in batches acknowledged with a nil
// error.
func (s *Source) Acked() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for i, ok := range s.acked {
		if ok && s.outcomes[i] == nil {
			n += len(s.batches[i])
		}
	}
	return n
}

// Outcomes returns, per batch read, whether it was acknowledged and with
// which error.
func (s *Source) Outcomes() (acked []bool, errs []error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]bool(nil), s.acked[:s.next]...), append([]error(nil), s.outcomes[:s.next]...)
}

// AckOrder returns the batch indexes in the order their acknowledgements
// arrived.
func (s *Source) AckOrder() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int(nil), s.ackOrder...)
}

// Closed reports how many times Close was called.
func (s *Source) Closed() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// Problems returns contract violations seen: a batch acknowledged twice,
// Read after Close.
func (s *Source) Problems() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := append([]string(nil), s.problems...)
	if s.readAfter > 0 {
		p = append(p, fmt.Sprintf("Read called %d times after Close", s.readAfter))
	}
	return p
}

var _ logpipe.Input = (*Source)(nil)
