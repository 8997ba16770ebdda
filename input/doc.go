// Package input holds logpipe's inputs: File, which tails log files with
// saved positions, rotation handling and multiline joining, and Reader,
// which reads lines from any io.Reader.
//
// Inputs implement logpipe.Input: Read returns a batch and an AckFunc, and
// an input commits a position only when the AckFunc of the batch that
// reached it is called with a nil error.
package input
