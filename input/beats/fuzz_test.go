package beats

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/klauspost/compress/zlib"
)

func u32(n uint32) []byte { return binary.BigEndian.AppendUint32(nil, n) }

func cat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

// compressed is a '2C' frame holding frames.
func compressed(frames ...[]byte) []byte {
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	_, _ = w.Write(cat(frames...))
	_ = w.Close()
	return cat([]byte("2C"), u32(uint32(z.Len())), z.Bytes())
}

func jframe(seq uint32, payload string) []byte {
	return cat([]byte("2J"), u32(seq), u32(uint32(len(payload))), []byte(payload))
}

// chunkReader returns at most n bytes a call.
type chunkReader struct {
	r io.Reader
	n int
}

func (c chunkReader) Read(p []byte) (int, error) { return c.r.Read(p[:min(len(p), c.n)]) }

// deframe runs data through a deframer, reading the output step bytes at
// a time, and returns the output and the error that ended it (nil at a
// clean end).
func deframe(data []byte, in, out int) ([]byte, error) {
	d := newDeframer(chunkReader{bytes.NewReader(data), in}, 100, 1000)
	var got []byte
	buf := make([]byte, out)
	for {
		n, err := d.Read(buf)
		got = append(got, buf[:n]...)
		if err == io.EOF {
			return got, nil
		}
		if err != nil {
			return got, err
		}
		if n == 0 {
			return got, errors.New("Read returned 0, nil")
		}
	}
}

func TestDeframerRefuses(t *testing.T) {
	big := strings.Repeat("a", 600)
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"window over the limit", cat([]byte("2W"), u32(101)), "window of 101 events"},
		{"event over the limit", cat([]byte("2W"), u32(1), []byte("2J"), u32(1), u32(1001)), "event of 1001 bytes"},
		{"compressed frame over the limit", cat([]byte("2W"), u32(1), []byte("2C"), u32(1001)), "compressed frame of 1001 bytes"},
		{"event over the limit inside a compressed frame", cat([]byte("2W"), u32(1), compressed(cat([]byte("2J"), u32(1), u32(1<<31)))), "event of 2147483648 bytes"},
		{"inflating past the limit", cat([]byte("2W"), u32(2), compressed(jframe(1, big), jframe(2, big))), "inflate to more than 1000 bytes"},
		{"inflating past the limit over several compressed frames", cat([]byte("2W"), u32(2), compressed(jframe(1, big)), compressed(jframe(2, big))), "inflate to more than 1000 bytes"},
		{"empty compressed frame", cat([]byte("2W"), u32(1), compressed(), jframe(1, "{}")), "holds no event"},
		{"more events than the window", cat([]byte("2W"), u32(1), compressed(jframe(1, "{}"), jframe(2, "{}"))), "more events than the window"},
		{"more events than the window, plain", cat([]byte("2W"), u32(1), jframe(1, "{}"), jframe(2, "{}")), "more events than the window"},
		{"event before any window", jframe(1, "{}"), "more events than the window"},
		{"window inside a compressed frame", cat([]byte("2W"), u32(1), compressed(cat([]byte("2W"), u32(1)))), "window frame inside"},
		{"compressed inside compressed", cat([]byte("2W"), u32(1), compressed(compressed(jframe(1, "{}")))), "compressed frame inside"},
		{"version 1", cat([]byte("1W"), u32(1)), "protocol version '1'"},
		{"unknown frame", []byte("2X"), "unknown frame type 'X'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := deframe(tt.data, 7, 64)
			if !errors.Is(err, errFrame) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want errFrame with %q", err, tt.want)
			}
		})
	}
	// A window of two events, one compressed frame each: go-lumber gets
	// the same frames, uncompressed.
	plain := cat([]byte("2W"), u32(2), jframe(1, `{"a":1}`), jframe(2, `{"b":2}`))
	in := cat([]byte("2W"), u32(2), compressed(jframe(1, `{"a":1}`)), compressed(jframe(2, `{"b":2}`)))
	got, err := deframe(in, 3, 5)
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("got %q, %v; want %q", got, err, plain)
	}
	// What follows the window's last event in its compressed frame is
	// checked before go-lumber gets the event: the window is never
	// handed over (and acknowledged) with an error behind it.
	good := compressed(jframe(1, `{"a":1}`))
	badSum := append([]byte(nil), good...)
	badSum[len(badSum)-1] ^= 0xff // zlib's Adler-32 checksum
	for name, data := range map[string][]byte{
		"checksum":                      cat([]byte("2W"), u32(1), badSum),
		"event after the window's last": cat([]byte("2W"), u32(1), compressed(jframe(1, `{"a":1}`), jframe(2, `{"b":2}`))),
	} {
		got, err := deframe(data, 5, 3)
		if err == nil || bytes.Contains(got, []byte(`{"a":1}`)) {
			t.Errorf("%s: handed on %q, err %v; want an error before the last event", name, got, err)
		}
	}
	// Several windows of several compressed frames, one zlib reader.
	var many, want [][]byte
	for w := range 3 {
		many = append(many, []byte("2W"), u32(2), compressed(jframe(1, fmt.Sprint(w))), compressed(jframe(2, "x")))
		want = append(want, []byte("2W"), u32(2), jframe(1, fmt.Sprint(w)), jframe(2, "x"))
	}
	if got, err := deframe(cat(many...), 9, 11); err != nil || !bytes.Equal(got, cat(want...)) {
		t.Fatalf("several windows: got %q, %v", got, err)
	}
	// A zlib stream cut short is an error, not a clean end.
	c := compressed(jframe(1, `{"a":1}`))
	if _, err := deframe(cat([]byte("2W"), u32(1), c[:len(c)-3]), 4, 4); err == nil {
		t.Fatal("truncated compressed frame accepted")
	}
}

// FuzzDeframer feeds arbitrary bytes, in arbitrary chunks, to the
// deframer: it must never panic; what it hands go-lumber must be plain
// frames within the limits (no compressed frame, no window over 100
// events, no event over 1000 bytes, never more events than the window
// announced); and the chunk sizes must not change the result.
func FuzzDeframer(f *testing.F) {
	f.Add(cat([]byte("2W"), u32(2), jframe(1, "{}"), jframe(2, "{}")), uint8(3), uint8(5))
	f.Add(cat([]byte("2W"), u32(2), compressed(jframe(1, `{"a":1}`), jframe(2, `{"b":2}`))), uint8(1), uint8(7))
	f.Add(cat([]byte("2W"), u32(1), compressed(cat([]byte("2J"), u32(1), u32(1<<31)))), uint8(4), uint8(2))
	f.Add(cat([]byte("2W"), u32(1), []byte("2C"), u32(5), []byte("xxxxx")), uint8(1), uint8(1))
	f.Add(cat([]byte("2W"), u32(1<<31)), uint8(7), uint8(9))
	f.Add([]byte("GET / HTTP/1.1\r\n"), uint8(2), uint8(3))
	f.Fuzz(func(t *testing.T, data []byte, in, out uint8) {
		got, err := deframe(data, int(in%16)+1, int(out%16)+1)
		whole, werr := deframe(data, len(data)+1, 1<<16)
		if !bytes.Equal(got, whole) || (err == nil) != (werr == nil) {
			t.Fatalf("chunks change the result: %q %v, whole %q %v", got, err, whole, werr)
		}
		// The output must be plain frames within the limits.
		left := 0
		for p := got; len(p) > 0; {
			if len(p) < 6 || p[0] != '2' {
				if err == nil {
					t.Fatalf("clean end inside a frame: %q", p)
				}
				return
			}
			switch p[1] {
			case 'W':
				n := binary.BigEndian.Uint32(p[2:6])
				if n > 100 {
					t.Fatalf("window of %d passed on", n)
				}
				left = int(n)
				p = p[6:]
			case 'J':
				if len(p) < 10 {
					return
				}
				n := binary.BigEndian.Uint32(p[6:10])
				if n > 1000 {
					t.Fatalf("event of %d bytes passed on", n)
				}
				if left == 0 {
					t.Fatal("event beyond the window passed on")
				}
				left--
				p = p[min(len(p), 10+int(n)):]
			default:
				t.Fatalf("frame %q passed on", p[:2])
			}
		}
	})
}
