// Package input holds logpipe's inputs: File, which tails or reads log
// files with saved positions, rotation handling, change notifications and
// Logstash's read-mode options, and Reader, which reads lines from any
// io.Reader. Both cut their bytes into lines, convert charsets, join
// multiline events and decode events through package codec, the one place
// those rules live for every input.
//
// Inputs implement logpipe.Input: Read returns a batch and an AckFunc, and
// an input commits a position only when the AckFunc of the batch that
// reached it is called with a nil error.
package input
