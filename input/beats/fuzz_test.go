package beats

import (
	"encoding/binary"
	"testing"
)

// FuzzGuard feeds arbitrary bytes, in arbitrary chunks, to the framing
// guard: it must never panic, and must refuse any window or frame header
// above the limits before go-lumber could size a buffer from it.
func FuzzGuard(f *testing.F) {
	u32 := func(n uint32) []byte { return binary.BigEndian.AppendUint32(nil, n) }
	cat := func(parts ...[]byte) []byte {
		var b []byte
		for _, p := range parts {
			b = append(b, p...)
		}
		return b
	}
	f.Add(cat([]byte("2W"), u32(2), []byte("2J"), u32(1), u32(2), []byte("{}"), []byte("2J"), u32(2), u32(2), []byte("{}")), uint8(3))
	f.Add(cat([]byte("2W"), u32(1), []byte("2C"), u32(5), []byte("xxxxx")), uint8(1))
	f.Add(cat([]byte("2W"), u32(1<<31)), uint8(7))
	f.Add([]byte("GET / HTTP/1.1\r\n"), uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, chunk uint8) {
		g := guard{maxWindow: 100, maxFrame: 1000}
		step := int(chunk%16) + 1
		for i := 0; i < len(data); i += step {
			if err := g.feed(data[i:min(i+step, len(data))]); err != nil {
				return
			}
		}
		// Accepted: every header seen was within the limits.
		check := guard{maxWindow: 100, maxFrame: 1000}
		if err := check.feed(data); err != nil {
			t.Fatalf("refused whole but accepted in chunks of %d: %v", step, err)
		}
	})
}
