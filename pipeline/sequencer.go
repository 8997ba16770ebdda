package pipeline

import (
	"context"
	"fmt"
	"sync"

	"github.com/logpipe/logpipe"
)

// sequencer calls the AckFuncs of one input in the order the input's
// batches were read, whatever order the workers finish them in (the idea of
// conc's ordered stream). Once a batch fails, every later batch of the
// input is acknowledged with an error too, so a position is never
// committed past an undelivered event.
type sequencer struct {
	mu     sync.Mutex
	head   uint64 // sequence number of pending[0]
	next   uint64
	slots  []slot
	failed error
}

type slot struct {
	ack  logpipe.AckFunc
	done bool
	err  error
}

// push registers a batch and returns its sequence number.
func (s *sequencer) push(ack logpipe.AckFunc) uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.slots = append(s.slots, slot{ack: ack})
	n := s.next
	s.next++
	return n
}

// finish records the outcome of batch n and calls every AckFunc that is
// now due, in order. AckFuncs run under the lock, which is what keeps them
// ordered; they are expected to be quick.
func (s *sequencer) finish(ctx context.Context, n uint64, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sl := &s.slots[n-s.head]
	sl.done, sl.err = true, err
	for len(s.slots) > 0 && s.slots[0].done {
		sl := s.slots[0]
		s.slots[0] = slot{}
		s.slots = s.slots[1:]
		s.head++
		e := sl.err
		if e == nil && s.failed != nil {
			e = fmt.Errorf("pipeline: an earlier batch of this input was not delivered: %w", s.failed)
		}
		if e != nil && s.failed == nil {
			s.failed = e
		}
		// Acknowledge under a context that outlives a cancelled run, so
		// a draining pipeline can still commit.
		_ = sl.ack(context.WithoutCancel(ctx), e)
	}
	if len(s.slots) == 0 {
		s.slots = s.slots[:0:0] // let the backing array go once idle
	}
}
