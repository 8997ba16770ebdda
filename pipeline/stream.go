package pipeline

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/logpipe/logpipe"
)

// ErrStopping is the error a Stream's Send returns (and acknowledges the
// batch with) once the pipeline no longer accepts batches: it is shutting
// down or has failed.
var ErrStopping = errors.New("pipeline: stopping, batch not accepted")

// stream is the pipeline's logpipe.Stream: an ordered sequence of batches
// with its own window of unacknowledged batches and its own ack order (the
// idea of conc's ordered stream, one per source stream).
//
// Acks are called outside the lock: whichever goroutine finds the head of
// the queue done becomes the stream's acker and calls every due AckFunc in
// order, re-checking under the lock between calls; any other goroutine
// that finishes a batch meanwhile only marks it done. So AckFuncs of one
// stream never run concurrently and never out of order, and a slow AckFunc
// (an fsync) blocks no worker of another stream.
type stream struct {
	p      *Pipeline
	input  *componentCounters
	name   string
	window chan struct{} // one token per unacknowledged batch

	mu     sync.Mutex
	head   uint64 // sequence number of slots[0]
	next   uint64
	slots  []slot
	acking bool  // a goroutine is calling this stream's AckFuncs
	failed error // first failure: later batches are failed too
}

type slot struct {
	ack   logpipe.AckFunc
	done  bool
	err   error
	token bool // holds a window token to give back
}

func (p *Pipeline) newStream(input *componentCounters, name string) *stream {
	return &stream{p: p, input: input, name: name, window: make(chan struct{}, p.cfg.StreamWindow)}
}

// Send implements logpipe.Stream.
func (s *stream) Send(ctx context.Context, b logpipe.Batch, ack logpipe.AckFunc) error {
	if ack == nil {
		ack = nopAck
	}
	s.count(len(b))
	// A window token first: this is where a stuck stream stops its source.
	err := s.take(ctx)
	seq := s.push(ack, err == nil)
	if err == nil {
		err = s.p.enqueue(ctx, job{batch: b, seq: seq, stream: s})
	}
	if err != nil {
		s.p.stats.notAccepted.Add(uint64(len(b)))
		s.finish(context.WithoutCancel(ctx), seq, err)
		return err
	}
	return nil
}

// count adds a batch of n events to the counters of what came in.
func (s *stream) count(n int) {
	s.input.in.Add(uint64(n))
	s.p.stats.in.Add(uint64(n))
}

// take waits for a window token (see Config.StreamWindow) and returns the
// error to refuse a batch with when it gets none. A done ctx or a stopping
// pipeline refuses even when a token is free, so that "stop accepting" is
// deterministic.
func (s *stream) take(ctx context.Context) error {
	p := s.p
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("pipeline: %s: not accepted: %w", s.name, context.Cause(ctx))
	case p.accept.Err() != nil:
		return ErrStopping
	}
	select {
	case s.window <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("pipeline: %s: not accepted: %w", s.name, context.Cause(ctx))
	case <-p.accept.Done():
		return ErrStopping
	}
}

// push registers a batch and returns its sequence number.
func (s *stream) push(ack logpipe.AckFunc, token bool) uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.slots = append(s.slots, slot{ack: ack, token: token})
	n := s.next
	s.next++
	return n
}

// finish records the outcome of batch seq and, unless another goroutine is
// already doing so, calls every AckFunc that is now due, in order.
func (s *stream) finish(ctx context.Context, seq uint64, err error) {
	s.mu.Lock()
	sl := &s.slots[seq-s.head]
	sl.done, sl.err = true, err
	if s.acking {
		s.mu.Unlock()
		return
	}
	s.acking = true
	for len(s.slots) > 0 && s.slots[0].done {
		sl := s.slots[0]
		s.slots[0] = slot{}
		s.slots = s.slots[1:]
		s.head++
		e := sl.err
		if e == nil && s.failed != nil {
			e = fmt.Errorf("pipeline: %s: an earlier batch of this stream was not delivered: %w", s.name, s.failed)
		}
		if e != nil && s.failed == nil {
			s.failed = e
		}
		if len(s.slots) == 0 {
			s.slots = nil // let the backing array go once idle
		}
		s.mu.Unlock()
		s.callAck(ctx, sl.ack, e)
		if sl.token {
			<-s.window
		}
		s.mu.Lock()
	}
	s.acking = false
	s.mu.Unlock()
}

// callAck calls one AckFunc under a context that outlives a cancelled run,
// so a draining pipeline can still commit, and records a failure of the
// AckFunc itself.
func (s *stream) callAck(ctx context.Context, ack logpipe.AckFunc, err error) {
	p := s.p
	aerr := callSafe(func() error { return ack(context.WithoutCancel(ctx), err) })
	if err == nil {
		p.stats.acked.Add(1)
	} else {
		p.stats.nacked.Add(1)
	}
	if aerr != nil {
		p.stats.ackErrors.Add(1)
		s.input.ackErrors.Add(1)
		p.log.Warn("pipeline: acknowledgement failed", "input", s.input.name, "stream", s.name, "error", aerr)
	}
}

func nopAck(context.Context, error) error { return nil }
