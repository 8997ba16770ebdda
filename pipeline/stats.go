package pipeline

import (
	"github.com/logpipe/logpipe/internal/safecall"
	"sync/atomic"
)

// Stats is a snapshot of a pipeline's counters.
type Stats struct {
	EventsIn        uint64 // events read from inputs
	EventsOut       uint64 // events read whose batch was fully handled: delivered to every output or dropped on purpose
	Dropped         uint64 // events filters removed on purpose
	Failed          uint64 // events a filter marked with Event.Fail
	Tagged          uint64 // events that went on with a failure tag (Event.TagFailure: _grokparsefailure, _jsonparsefailure, ...)
	DeadLettered    uint64 // events written to the dead-letter output
	Rejected        uint64 // events rejected for good with no dead-letter output (logged)
	Retries         uint64 // events re-sent to an output, plus input read retries
	BatchesInFlight int64  // batches being processed by workers now

	Inputs     []ComponentStats // in Config order
	Filters    []ComponentStats // in Config order
	Outputs    []ComponentStats // in Config order
	DeadLetter ComponentStats   // the dead-letter output, when configured
}

// ComponentStats counts the events that passed one component.
type ComponentStats struct {
	Name    string // position and Go type, e.g. "filter[0] *filter.Grok"
	In      uint64 // events given to the component (for outputs, per first attempt)
	Out     uint64 // events it returned (filters) or accepted (outputs)
	Dropped uint64 // filters: events removed
	Failed  uint64 // outputs: events rejected for good
	Retries uint64 // events re-sent after a failure
}

type counters struct {
	in, out, dropped, failed, tagged, deadLettered, rejected, retries atomic.Uint64
	inFlight                                                          atomic.Int64
}

type componentCounters struct {
	name                              string
	in, out, dropped, failed, retries atomic.Uint64
}

func (c *componentCounters) snapshot() ComponentStats {
	return ComponentStats{
		Name: c.name, In: c.in.Load(), Out: c.out.Load(), Dropped: c.dropped.Load(),
		Failed: c.failed.Load(), Retries: c.retries.Load(),
	}
}

// Stats returns a snapshot of the counters. It is safe to call at any
// time, also while Run is running.
func (p *Pipeline) Stats() Stats {
	s := Stats{
		EventsIn:        p.stats.in.Load(),
		EventsOut:       p.stats.out.Load(),
		Dropped:         p.stats.dropped.Load(),
		Failed:          p.stats.failed.Load(),
		Tagged:          p.stats.tagged.Load(),
		DeadLettered:    p.stats.deadLettered.Load(),
		Rejected:        p.stats.rejected.Load(),
		Retries:         p.stats.retries.Load(),
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
