// Package pipeline runs logpipe components: it reads batches from inputs,
// runs them through filters and writes them to outputs, and acknowledges
// each batch to its input once every output accepted it.
//
// The runner follows Logstash's worker model on plain goroutines:
//
//	Input ------------------> Workers goroutines, each: Read (one at a time) -> filters -> outputs --\
//	Source (HTTP, Beats, ...) --> bounded queue --> Workers goroutines: filters -> outputs ------------> acks, in order per stream
//	  (stream, stream, ...)
//
// Each Input is read by Workers goroutines, one at a time, and each of
// them takes the batch it read through the filters and outputs itself, on
// the CPU that read it. Each Source runs in a goroutine of its
// own and opens as many streams as it has independent senders
// (connections, partitions, requests); their batches go through a queue
// to Workers goroutines. The filter chain runs as plain calls (no
// goroutine or channel per filter), and at most Workers batches are in
// the filters and outputs at once, from Inputs and Sources together.
//
// Backpressure has two bounds. The queue holds QueueSize batches: a slow
// output blocks its worker, the queue fills and every stream's Send waits
// (an Input's goroutines wait with the batch they read). Each stream may
// have at most StreamWindow unacknowledged batches: a stream whose oldest
// batch is stuck (an output refusing it, retried forever) stops at its
// window (an Input is not read while its stream is at its window) while
// the other streams go on, so the memory a stuck stream holds is bounded
// and it delays nobody else.
//
// Delivery is at-least-once. An output error that can be retried retries
// only the events that failed, with exponential backoff and jitter;
// events an output rejects for good go to the dead-letter output, or are
// logged and counted when there is none. Each stream's batches are
// acknowledged in the order they were sent, outside any lock, and a batch
// that was not delivered fails every later acknowledgement of its stream
// (and only of its stream), so a saved position never passes an
// undelivered event. Config.Ordered additionally keeps one batch of each
// stream in flight at a time, for outputs where order matters.
//
// Ownership: Run closes every component it is given (wrap a shared output
// with Borrowed), after the drain and under the same deadline.
package pipeline
