// Package jsonscan finds, eight bytes at a time, the next byte inside a
// JSON string that needs a closer look: a control character, '"', '\\' or
// a byte that is not ASCII. The root package's JSON check and encoder and
// the Elasticsearch output's bulk-answer check share it; the date
// parser's cache and grok's token automata read prefixes with Load64.
// Each function is small enough to be inlined into the loops that call
// it.
package jsonscan

import "math/bits"

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// Load64 returns the eight bytes of s at i as a little-endian word (the
// compiler makes this one load).
func Load64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// EscapeMask flags (in the high bit of each byte) the bytes of x that are
// a control character, '"', '\\' or not ASCII: the bytes a JSON string
// scanner or encoder must look at one by one. Bytes above a flagged one
// may be flagged falsely (borrows carry upwards); the lowest flag is
// always right.
//
// It is two subtractions, which set the high bit of a byte that borrows
// (is below the byte subtracted) or already had it set:
//   - ctlq: flipping bit 1 turns '"' (0x22) into 0x20 and keeps control
//     characters below 0x20, while every other ASCII byte stays at or
//     above 0x21;
//   - bs: a backslash becomes zero;
//   - a non-ASCII byte keeps its high bit in bs (x^0x5c >= 0x80; only
//     0xdc becomes 0x80, and loses it) or gets it in ctlq (0xdc^2 - 0x21
//     is 0xbd).
func EscapeMask(x uint64) uint64 {
	ctlq := (x ^ (lsb * 0x02)) - lsb*0x21
	bs := (x ^ (lsb * '\\')) - lsb
	return (ctlq | bs) & msb
}

// SkipPlain returns the index of the first byte at or after i that
// EscapeMask flags, looking at eight bytes at a time; it stops early, at
// most seven bytes before the end of s, where the caller goes on byte by
// byte.
func SkipPlain(s string, i int) int {
	for ; i+8 <= len(s); i += 8 {
		if m := EscapeMask(Load64(s, i)); m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	return i
}

// Masks holds EscapeMask's constants in variables, for a loop that
// calls EscapeMask on every word: Go materialises a constant again for
// each use (a 10-byte move before every operation), while it folds a
// value it must load into the operation itself. Escape(x) is
// EscapeMask(x).
type Masks struct{ quote, ctl, bs, one, high uint64 }

// EscapeMasks is EscapeMask's Masks. A loop copies it into a local
// variable before it starts.
var EscapeMasks = Masks{lsb * 0x02, 1<<64 - lsb*0x21, lsb * '\\', 1<<64 - lsb, msb}

// Escape returns EscapeMask(x).
func (k *Masks) Escape(x uint64) uint64 {
	return (((x ^ k.quote) + k.ctl) | ((x ^ k.bs) + k.one)) & k.high
}
