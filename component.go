package logpipe

import (
	"context"
	"errors"
)

// Batch is the unit that moves through a pipeline, is acknowledged, and
// becomes one Elasticsearch bulk request.
//
// Ownership: a source gives up its events when it hands a batch over
// (Input.Read returns it, Stream.Send is called). Filters may modify events
// in place and may reuse the batch's backing array. Outputs must not modify
// a batch or its events, and must not keep either after Write returns;
// that is what lets the pipeline hand one batch to several outputs without
// copying. Call Event.Clone to keep an event longer.
//
// Memory: the strings and values of an event stay valid for as long as
// anyone refers to them; no component may reuse the bytes under an event's
// strings, not even after the batch is acknowledged. A component may
// therefore keep any string or Value it reads from an event (a cache key, a
// dedupe set) without copying it. What a source may reuse after the
// acknowledgement is its own scratch memory that no event refers to.
type Batch []*Event

// AckFunc reports the fate of a batch. err == nil means every event was
// delivered to every output, dropped on purpose, or rejected for good and
// recorded (dead letter, or logged and counted in the pipeline's Stats);
// the source may then commit the batch's position or answer its sender.
// err != nil means the batch was not delivered: the source must not commit
// it (it will be read again after a restart, or the sender told to resend).
//
// An AckFunc is called exactly once. Within one stream (see Stream) the
// AckFuncs are called in the order the batches were handed over, never
// concurrently with each other, and never while the pipeline holds a lock,
// so an AckFunc may block briefly (an fsync, a network write). AckFuncs of
// different streams may run concurrently. An error returned by an AckFunc
// (the position could not be saved, the sender has gone) is logged and
// counted in Stats.AckErrors; it does not change what was delivered.
type AckFunc func(ctx context.Context, err error) error

// Input is a source of batches that the pipeline pulls: a file, standard
// input, anything read by one goroutine at a time.
//
// Read blocks until a batch is ready, ctx is done (it then returns
// ctx.Err(), or first the events it already holds as a batch with a nil
// error: the pipeline delivers it as it drains), or the input is
// exhausted (it then returns io.EOF, and keeps returning it). Read is called from one goroutine at a time. An error
// wrapped with Permanent stops the pipeline; other errors are retried with
// backoff.
//
// All batches of one Input form one Stream: they are acknowledged in the
// order Read returned them, and at most the pipeline's StreamWindow of them
// are unacknowledged at a time (Read is not called while the window is
// full). An input made of several independent streams (files, partitions,
// connections) implements Source instead.
//
// Close releases the input's resources and saves any position that has
// been acknowledged. It is called once every AckFunc has been called, may
// be called more than once, and must return by the time ctx is done.
type Input interface {
	Read(ctx context.Context) (Batch, AckFunc, error)
	Close(ctx context.Context) error
}

// Source is an input that pushes: a server (HTTP, Beats, TCP, UDP) or a
// consumer (a Kafka group member), made of any number of independent
// streams.
//
// Run accepts work and hands it to the pipeline through s, opening one
// Stream for each independent ordered source of batches (a connection, a
// partition, a request). Run returns when ctx is done or the source is
// exhausted; it returns nil then. Cancelling ctx means "stop accepting":
// refuse new work (HTTP answers 503, Beats stops reading windows, Kafka
// stops fetching), while the batches already handed over are still being
// delivered and acknowledged. When Run returns, no Send may be in progress
// or start later. A non-nil error other than ctx's stops the pipeline when
// wrapped with Permanent, and is retried by calling Run again otherwise.
//
// Close releases the source's resources (listeners, connections, clients).
// The pipeline calls it after Run has returned and every AckFunc has been
// called; it may be called more than once and must return by the time ctx
// is done.
type Source interface {
	Run(ctx context.Context, s Sink) error
	Close(ctx context.Context) error
}

// Sink is what a pipeline gives a Source to hand batches over. It is safe
// for concurrent use.
type Sink interface {
	// NewStream opens an ordered stream of batches. name identifies it in
	// log lines (a remote address, "topic/partition"). A stream needs no
	// closing: it is forgotten once its last AckFunc has run.
	NewStream(name string) Stream
}

// Stream is one ordered sequence of batches with its own acknowledgements
// and its own window of unacknowledged batches: a connection, a partition,
// a file. Streams are independent: a slow or failing stream delays or fails
// only its own acknowledgements.
//
// Send hands b to the pipeline and takes ownership of ack: ack is then
// called exactly once, whatever Send returns. Send blocks while the stream
// has StreamWindow unacknowledged batches or while the pipeline's queue is
// full: that is the backpressure a source passes on to its sender. It
// returns nil once b is queued, or an error when b was not accepted
// because ctx is done or the pipeline is stopping; ack is then called with
// that error, in order.
//
// Once a batch of a stream fails (ack with err != nil), every later batch
// of that stream is acknowledged with an error too, so a position is never
// committed past an undelivered batch. A source that can re-read (seek a
// partition back to its committed offset, a sender that resends) opens a
// new stream to do so.
//
// Send must not be called concurrently on one Stream: the order of the
// calls is the order of the stream.
type Stream interface {
	Send(ctx context.Context, b Batch, ack AckFunc) error
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
// Write returns nil when every event of b has been durably accepted.
// Otherwise its error says what became of the batch:
//
//   - an error wrapped with Permanent: retrying cannot help and no later
//     batch would fare better (bad credentials, a missing index that may
//     not be created); the pipeline stops with the error and the batch is
//     not acknowledged, so it is read again after a restart;
//   - ErrDrop, or an error wrapping it: the events were dropped on purpose
//     and count as handled;
//   - any other error: retryable; the pipeline writes the events again
//     after a backoff.
//
// To report outcomes event by event Write returns a *BatchError of len(b).
// Its entries follow the same rules except that a Permanent entry
// rejects that event alone (a bad document): it goes to the dead-letter
// output, and the pipeline goes on. A BatchError of another size is a bug
// in the output and the whole batch is retried. Write must not modify b
// or keep it after returning (see Batch). Write may be called concurrently
// from several workers. An error that carries extra dead-letter details
// implements DeadLetterDetail.
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
// continues with the next event; returning ErrDrop (or an error wrapping
// it) removes the event from the batch on purpose.
type EventFilter func(ctx context.Context, e *Event) error

// Apply runs f on every event of b, in place.
func (f EventFilter) Apply(ctx context.Context, b Batch) (Batch, error) {
	out := b[:0]
	for _, e := range b {
		if err := f(ctx, e); err != nil {
			if errors.Is(err, ErrDrop) {
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
