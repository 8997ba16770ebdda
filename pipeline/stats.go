package pipeline

import (
	"github.com/logpipe/logpipe/internal/safecall"
	"sync/atomic"
)

// Stats is a snapshot of a pipeline's counters. It is the one place that
// metrics read (a Prometheus collector, the shipper's summary).
//
// Every event handed to the pipeline ends in exactly one of Delivered,
// Dropped, DeadLettered, Rejected or Undelivered, counted when its batch is
// acknowledged; filters that add events (Created) add to the total. Once
// Run has returned:
//
//	EventsIn + Created == Delivered + Dropped + DeadLettered + Rejected + Undelivered
type Stats struct {
	EventsIn     uint64 // events handed over by inputs and sources
	Created      uint64 // events added by filters (a split), net of what the same filter removed
	Delivered    uint64 // events every output accepted
	Dropped      uint64 // events removed on purpose: by filters, or by outputs with logpipe.ErrDrop
	DeadLettered uint64 // events written to the dead-letter output (filter failures and output rejections), once per event
	Rejected     uint64 // events rejected for good with no dead-letter output (logged)
	Undelivered  uint64 // events of batches acknowledged with an error: not committed, read again after a restart
	Failed       uint64 // events a filter marked with Event.Fail (dead-lettered, or delivered tagged _filtererror)
	Tagged       uint64 // events that went on with a failure tag (_grokparsefailure, _filtererror, ...); a subset of Delivered, Dropped, DeadLettered or Rejected
	Retries      uint64 // events re-sent to an output, plus input read retries and source restarts

	Acked     uint64 // batches acknowledged with nil
	Nacked    uint64 // batches acknowledged with an error
	AckErrors uint64 // AckFuncs that returned an error (the position could not be saved, the sender had gone)
	Streams   uint64 // streams opened (one per Input, plus those Sources open)

	BatchesInFlight int64 // batches being processed by workers now

	Inputs     []ComponentStats // Inputs, then Sources, in Config order
	Filters    []ComponentStats // in Config order
	Outputs    []ComponentStats // in Config order
	DeadLetter ComponentStats   // the dead-letter output, when configured
}

// ComponentStats counts the events that passed one component.
type ComponentStats struct {
	Name      string // the component's ID() when it has one, else position and Go type, e.g. "filter[0] *filter.Grok"
	In        uint64 // events given to the component (for outputs, per first attempt), or read from it (inputs)
	Out       uint64 // events it returned (filters) or accepted (outputs)
	Dropped   uint64 // filters: events removed
	Failed    uint64 // outputs: events rejected for good
	Retries   uint64 // events re-sent after a failure; inputs: read retries and restarts
	AckErrors uint64 // inputs: AckFuncs that returned an error
}

type counters struct {
	in, delivered, dropped, created, deadLettered, rejected, undelivered atomic.Uint64
	failed, tagged, retries, notAccepted                                 atomic.Uint64
	acked, nacked, ackErrors, streams                                    atomic.Uint64
	inFlight                                                             atomic.Int64
}

type componentCounters struct {
	name                                         string
	in, out, dropped, failed, retries, ackErrors atomic.Uint64
}

func (c *componentCounters) snapshot() ComponentStats {
	return ComponentStats{
		Name: c.name, In: c.in.Load(), Out: c.out.Load(), Dropped: c.dropped.Load(),
		Failed: c.failed.Load(), Retries: c.retries.Load(), AckErrors: c.ackErrors.Load(),
	}
}

// Stats returns a snapshot of the counters. It is safe to call at any
// time, also while Run is running (the counters are then read one by one,
// so the sums above hold only once Run has returned).
func (p *Pipeline) Stats() Stats {
	s := Stats{
		EventsIn:        p.stats.in.Load(),
		Created:         p.stats.created.Load(),
		Delivered:       p.stats.delivered.Load(),
		Dropped:         p.stats.dropped.Load(),
		DeadLettered:    p.stats.deadLettered.Load(),
		Rejected:        p.stats.rejected.Load(),
		Undelivered:     p.stats.undelivered.Load() + p.stats.notAccepted.Load(),
		Failed:          p.stats.failed.Load(),
		Tagged:          p.stats.tagged.Load(),
		Retries:         p.stats.retries.Load(),
		Acked:           p.stats.acked.Load(),
		Nacked:          p.stats.nacked.Load(),
		AckErrors:       p.stats.ackErrors.Load(),
		Streams:         p.stats.streams.Load(),
		BatchesInFlight: p.stats.inFlight.Load(),
		DeadLetter:      p.dead.snapshot(),
	}
	for i := range p.inputs {
		s.Inputs = append(s.Inputs, p.inputs[i].snapshot())
	}
	for i := range p.filters {
		s.Filters = append(s.Filters, p.filters[i].snapshot())
	}
	for i := range p.outputs {
		s.Outputs = append(s.Outputs, p.outputs[i].snapshot())
	}
	return s
}

// PanicError is a panic recovered from a filter or output: what was passed
// to panic (Value) and the stack of the goroutine that panicked (Stack).
type PanicError = safecall.PanicError
