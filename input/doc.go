// Package input holds logpipe's inputs: File, which tails or reads log
// files with saved positions, rotation handling, change notifications and
// Logstash's read-mode options, and Reader, which reads lines from any
// io.Reader. Both cut their bytes into lines, convert charsets, join
// multiline events and decode events through package codec, the one place
// those rules live for every input.
//
// The network inputs are here too: HTTP (Logstash's http input), TCP and
// UDP (its tcp and udp inputs, the transport of syslog). Beats and Kafka
// have packages of their own (input/beats, input/kafka), so that programs
// without them do not compile their libraries.
//
// File and Reader implement logpipe.Input: Read returns a batch and an
// AckFunc, and File commits a position only when the AckFunc of the batch
// that reached it is called with a nil error. HTTP, TCP and UDP are
// logpipe.Sources: Run hands each connection's batches to the pipeline.
// Each type's doc states its guarantee: File, HTTP (the answer waits for
// delivery) and TCP (up to what the kernel accepted) are at least once;
// Reader keeps no position; UDP is best effort.
package input
