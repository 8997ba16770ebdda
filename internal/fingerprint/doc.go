// Package fingerprint holds the first bytes of a file, which the file input
// checks, together with device and inode, to tell a file that grew from one
// that was truncated or replaced, and to recognise the copy copytruncate
// makes of a file that was truncated.
//
// A Fingerprint holds the first bytes of a file, at most a configured size
// (1000 by default in the file input, as in OpenTelemetry's stanza). A file
// that has grown since it was fingerprinted still matches: its longer prefix
// starts with the shorter one (StartsWith). Equal fingerprints alone do not
// make two files the same file: files often begin alike (a start-up banner).
package fingerprint
