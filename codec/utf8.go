package codec

import (
	"encoding/binary"
	"math/bits"
	"unicode/utf8"
)

// validUTF8 reports whether b is valid UTF-8, as utf8.Valid does, but
// crosses ASCII text 128 bytes at a time: the sixteen words of a block
// are ORed together, a quarter at a time, and tested once. In a block
// with a byte from 0x80 up, the bytes from the first such byte to the
// next ASCII byte go to utf8.Valid, and the blocks start again after
// them.
//
// Measured with cachegrind on the tutorial's log (550-byte lines, two in
// five with one é or 신발), in instructions a line: utf8.ValidString of
// each chunk of lines 275, this 223. Blocks of 64 bytes (195 + 143 in
// utf8.Valid given whole blocks with a non-ASCII byte), and decoding the
// non-ASCII bytes with utf8.DecodeRune (221), did no better.
func validUTF8(b []byte) bool {
	const hi = 0x8080808080808080
	le := binary.LittleEndian
	i := 0
	for i+128 <= len(b) {
		w := (*[128]byte)(b[i : i+128])
		q0 := le.Uint64(w[0:]) | le.Uint64(w[8:]) | le.Uint64(w[16:]) | le.Uint64(w[24:])
		q1 := le.Uint64(w[32:]) | le.Uint64(w[40:]) | le.Uint64(w[48:]) | le.Uint64(w[56:])
		q2 := le.Uint64(w[64:]) | le.Uint64(w[72:]) | le.Uint64(w[80:]) | le.Uint64(w[88:])
		q3 := le.Uint64(w[96:]) | le.Uint64(w[104:]) | le.Uint64(w[112:]) | le.Uint64(w[120:])
		if (q0|q1|q2|q3)&hi == 0 {
			i += 128
			continue
		}
		// The first word with a high byte, in the first quarter with one.
		j := 96
		switch {
		case q0&hi != 0:
			j = 0
		case q1&hi != 0:
			j = 32
		case q2&hi != 0:
			j = 64
		}
		x := le.Uint64(w[j:]) & hi
		for x == 0 {
			j += 8
			x = le.Uint64(w[j:]) & hi
		}
		// The bytes from there to the next ASCII byte are whole
		// characters, if valid: no character goes on past that byte.
		i += j + bits.TrailingZeros64(x)/8
		k := i
		for k < len(b) && b[k] >= utf8.RuneSelf {
			k++
		}
		if !utf8.Valid(b[i:k]) {
			return false
		}
		i = k
	}
	return utf8.Valid(b[i:])
}
