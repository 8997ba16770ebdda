package filter

import (
	"encoding/binary"

	"github.com/twmb/murmur3"
)

// murmur3x86_32 is MurmurHash3's 32-bit x86 variant, as Logstash's MURMUR3
// fingerprint uses it.
func murmur3x86_32(data []byte, seed uint32) uint32 { return murmur3.SeedSum32(seed, data) }

// murmur3x64_128 is MurmurHash3's 128-bit x64 variant with a 32-bit seed
// (the reference code starts both halves at it). It returns the digest as
// Logstash's MURMUR3_128 prints it: h1 then h2, each little endian.
func murmur3x64_128(data []byte, seed uint32) [16]byte {
	h1, h2 := murmur3.SeedSum128(uint64(seed), uint64(seed), data)
	var out [16]byte
	binary.LittleEndian.PutUint64(out[:], h1)
	binary.LittleEndian.PutUint64(out[8:], h2)
	return out
}
