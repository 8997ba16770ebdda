// Package pipeline runs logpipe components: it reads batches from inputs,
// runs them through filters and writes them to outputs, and acknowledges
// each batch to its input once every output accepted it.
//
// The runner follows Logstash's worker model on plain goroutines:
//
//	input 1 --\                         /--> worker: filters -> outputs --\
//	input 2 ----> bounded queue (jobs) ----> worker: filters -> outputs ----> acks, in read order per input
//	input N --/                         \--> worker: filters -> outputs --/
//
// One goroutine per input calls Read; Workers goroutines run the whole
// filter chain as plain calls (no goroutine or channel per filter) and
// write the result to every output. A slow output blocks its worker, the
// queue fills and the inputs stop reading: memory is bounded by
// (Workers + QueueSize) batches.
//
// Delivery is at-least-once. An output error that can be retried retries
// only the events that failed, with exponential backoff and jitter;
// events an output rejects for good go to the dead-letter output, or are
// logged and counted when there is none. Each input's batches are
// acknowledged in the order they were read, and a batch that was not
// delivered stops every later acknowledgement of that input from
// committing, so a saved position never passes an undelivered event.
package pipeline
