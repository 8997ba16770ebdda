// Package fingerprint identifies files by their first bytes rather than by
// name or inode, so that a file keeps its identity when it is renamed
// (rotation) and a copy can be recognised as holding the same data as the
// file it was copied from (copytruncate).
//
// A Fingerprint holds the first bytes of a file, at most a configured size
// (1000 by default in the file input, as in OpenTelemetry's stanza). A file
// that has grown since it was fingerprinted still matches: its longer prefix
// starts with the shorter one (StartsWith).
package fingerprint
