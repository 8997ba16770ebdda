package logpipe

import "context"

// Batch is the unit that moves through a pipeline, is acknowledged, and
// becomes one Elasticsearch bulk request.
//
// Ownership: an Input gives up its events when Read returns them. Filters
// may modify events in place and may reuse the batch's backing array.
// Outputs must not modify a batch or its events, and must not keep either
// after Write returns; that is what lets the pipeline hand one batch to
// several outputs without copying. Call Event.Clone to keep an event longer.
type Batch []*Event

// AckFunc reports the fate of a batch returned by Input.Read. err == nil
// means every event was delivered to every output or was dropped on
// purpose; the input may then commit the batch's position. err != nil
// means the batch was not delivered: the input must not commit it (it
// will be read again after a restart).
//
// An AckFunc must be called exactly once. The pipeline calls the AckFuncs
// of one input in the order Read returned their batches, so an input can
// commit the position of each acknowledged batch directly. It may be
// called from any goroutine.
type AckFunc func(ctx context.Context, err error) error

// Input produces batches of events.
//
// Read blocks until a batch is ready, ctx is done (it then returns
// ctx.Err()), or the input is exhausted (it then returns io.EOF, and keeps
// returning it). Read is called from one goroutine at a time. An error
// wrapped with Permanent stops the pipeline; other errors are retried with
// backoff.
//
// Close releases the input's resources and saves any position that has
// been acknowledged. It is called once every AckFunc has been called, may
// be called more than once, and must return by the time ctx is done.
type Input interface {
	Read(ctx context.Context) (Batch, AckFunc, error)
	Close(ctx context.Context) error
}

// Filter transforms a batch. It may modify events in place, drop events
// (return a shorter batch), or add events (return a longer one), and may
// reuse the backing array of b for its result.
//
// A problem with one event is recorded on that event, with
// Event.TagFailure (the event continues, as Logstash's
// "_grokparsefailure") or Event.Fail (the event goes to the dead-letter
// output); it is not a returned error. A non-nil error means the whole
// batch failed, stops the pipeline and leaves the batch unacknowledged.
//
// Apply may be called concurrently from several pipeline workers, so a
// Filter must be safe for concurrent use. A Filter that holds resources
// also implements Closer; the pipeline closes it at shutdown.
type Filter interface {
	Apply(ctx context.Context, b Batch) (Batch, error)
}

// Output delivers batches.
//
// Write returns nil when every event of b has been durably accepted. To
// report outcomes event by event it returns a *BatchError; an error
// wrapped with Permanent (for the whole batch or one event) must not be
// retried. Any other error means the whole batch may be retried. Write
// must not modify b or keep it after returning (see Batch). Write may be
// called concurrently from several workers.
//
// Close flushes and releases resources. It may be called more than once
// and must return by the time ctx is done.
type Output interface {
	Write(ctx context.Context, b Batch) error
	Close(ctx context.Context) error
}

// Closer is implemented by components that hold resources. Filters
// implement it optionally; Inputs and Outputs always do.
type Closer interface {
	Close(ctx context.Context) error
}

// FilterFunc adapts a function to the Filter interface, as
// http.HandlerFunc does for handlers.
type FilterFunc func(ctx context.Context, b Batch) (Batch, error)

// Apply calls f(ctx, b).
func (f FilterFunc) Apply(ctx context.Context, b Batch) (Batch, error) { return f(ctx, b) }

// EventFilter adapts a per-event function to the Filter interface. An
// error returned for an event is recorded with Event.Fail and processing
// continues with the next event; returning ErrDrop removes the event
// from the batch on purpose.
type EventFilter func(ctx context.Context, e *Event) error

// Apply runs f on every event of b, in place.
func (f EventFilter) Apply(ctx context.Context, b Batch) (Batch, error) {
	out := b[:0]
	for _, e := range b {
		if err := f(ctx, e); err != nil {
			if err == ErrDrop {
				continue
			}
			e.Fail(err)
		}
		out = append(out, e)
	}
	clear(b[len(out):])
	return out, nil
}

// OutputFunc adapts a write function to the Output interface; its Close
// does nothing.
type OutputFunc func(ctx context.Context, b Batch) error

// Write calls f(ctx, b).
func (f OutputFunc) Write(ctx context.Context, b Batch) error { return f(ctx, b) }

// Close does nothing.
func (OutputFunc) Close(context.Context) error { return nil }
