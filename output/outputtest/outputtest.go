// Package outputtest provides Outputs for tests (a recording Sink, a
// failing and a flaky output) and a conformance check for Output
// implementations.
package outputtest

import (
	"context"
	"errors"
	"sync"

	"github.com/logpipe/logpipe"
)

// Sink is an Output that records a copy of every event it accepts. It is
// safe for concurrent use.
type Sink struct {
	mu     sync.Mutex
	events []*logpipe.Event
	writes int
	closed int
}

// NewSink returns an empty Sink.
func NewSink() *Sink { return &Sink{} }

// Write records copies of b's events.
func (s *Sink) Write(ctx context.Context, b logpipe.Batch) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.writes++
	for _, e := range b {
		s.events = append(s.events, e.Clone())
	}
	return nil
}

// Close records the call.
func (s *Sink) Close(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed++
	return nil
}

// Events returns the recorded events in the order they were written.
func (s *Sink) Events() []*logpipe.Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*logpipe.Event(nil), s.events...)
}

// Len returns the number of recorded events.
func (s *Sink) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.events)
}

// Writes returns the number of Write calls.
func (s *Sink) Writes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.writes
}

// Closed returns how many times Close was called.
func (s *Sink) Closed() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// ErrInjected is the error returned by Flaky and Func outputs built by this
// package when they fail on purpose.
var ErrInjected = errors.New("outputtest: injected failure")

// Flaky returns an Output that fails its first failures Write calls with
// a retryable ErrInjected and passes the rest to next.
func Flaky(next logpipe.Output, failures int) logpipe.Output {
	return &flaky{next: next, left: failures}
}

type flaky struct {
	mu   sync.Mutex
	next logpipe.Output
	left int
}

func (f *flaky) Write(ctx context.Context, b logpipe.Batch) error {
	f.mu.Lock()
	fail := f.left > 0
	if fail {
		f.left--
	}
	f.mu.Unlock()
	if fail {
		return ErrInjected
	}
	return f.next.Write(ctx, b)
}

func (f *flaky) Close(ctx context.Context) error { return f.next.Close(ctx) }

// Failing returns an Output whose every Write fails with err.
func Failing(err error) logpipe.Output {
	return logpipe.OutputFunc(func(context.Context, logpipe.Batch) error { return err })
}

var _ logpipe.Output = (*Sink)(nil)
