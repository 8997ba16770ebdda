package input

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/logpipe/logpipe/codec"
)

// chunkReader returns data in reads of the sizes in sizes (cycled), as a
// socket may.
type chunkReader struct {
	data  []byte
	sizes []byte
	i     int
}

func (r *chunkReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	n := len(p)
	if len(r.sizes) > 0 {
		n = min(n, int(r.sizes[r.i%len(r.sizes)])+1)
		r.i++
	}
	n = copy(p, r.data[:min(n, len(r.data))])
	r.data = r.data[n:]
	return n, nil
}

// frames runs a framer over data and returns its frames and final error.
func frames(t *testing.T, data, sizes []byte, mode framingMode, max int) ([]codec.Frame, error) {
	t.Helper()
	line, err := codec.NewLine(codec.LineConfig{MaxBytes: max, ReadSize: 64})
	if err != nil {
		t.Fatal(err)
	}
	f := newFramer(&chunkReader{data: data, sizes: sizes}, line, nil, mode)
	var out []codec.Frame
	for range len(data) + 2 {
		fr, ok, err := f.next()
		if ok {
			out = append(out, fr)
		}
		if err != nil {
			return out, err
		}
	}
	t.Fatalf("framer returned more frames than bytes (%d) without ending", len(data))
	return nil, nil
}

// FuzzTCPFraming checks the TCP framing on any byte stream cut into any
// reads: it never panics and always ends, no frame exceeds the limit,
// and messages encoded as lines or as octet-counted frames come back
// exactly, whatever the read sizes.
func FuzzTCPFraming(f *testing.F) {
	f.Add([]byte("a\nb\r\nc"), []byte{0}, uint8(8))
	f.Add([]byte("5 hello11 hello world"), []byte{2, 3}, uint8(8))
	f.Add([]byte("3 one\n3 two\r\n"), []byte{}, uint8(2))
	f.Add([]byte("100 xxxx"), []byte{1}, uint8(4))
	f.Add([]byte("5 hello\x00\x01garbage"), []byte{7}, uint8(16))
	f.Add([]byte("9999999999 x"), []byte{}, uint8(1))
	f.Add([]byte("\xff\xfe\n\n"), []byte{0, 5}, uint8(3))
	f.Add([]byte("12 <13>hello w"), []byte{2, 0}, uint8(16))
	f.Add([]byte("42 apples\n7 days\n"), []byte{2}, uint8(16))
	f.Add([]byte("42"), []byte{0}, uint8(8))
	f.Fuzz(func(t *testing.T, data, sizes []byte, maxB uint8) {
		max := int(maxB)%64 + 1
		for _, mode := range []framingMode{modeUnknown, modeLine, modeOctet} {
			out, err := frames(t, data, sizes, mode, max)
			if err == nil {
				t.Fatalf("mode %d: stream ended without an error", mode)
			}
			for _, fr := range out {
				if !utf8.ValidString(fr.Text) {
					t.Errorf("mode %d: invalid UTF-8 frame %q", mode, fr.Text)
				}
				// Invalid bytes may become U+FFFD: 3 bytes for 1.
				if utf8.RuneCountInString(fr.Text) > max {
					t.Errorf("mode %d: frame of %d runes with a limit of %d bytes", mode, utf8.RuneCountInString(fr.Text), max)
				}
			}
			if mode == modeOctet && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, errFraming) {
				t.Errorf("octet mode ended with %v", err)
			}
		}

		// Round trips: the fuzz data split at 0xff into ASCII messages.
		var msgs []string
		for _, m := range bytes.Split(data, []byte{0xff}) {
			msgs = append(msgs, strings.Map(func(r rune) rune {
				if r >= utf8.RuneSelf || r == '\n' || r == '\r' {
					return '.'
				}
				return r
			}, string(m)))
		}
		var octets, lines []byte
		for _, m := range msgs {
			octets = append(octets, strconv.Itoa(len(m))+" "+m...)
			lines = append(lines, m+"\n"...)
		}
		for _, c := range []struct {
			mode   framingMode
			stream []byte
			skip   bool
		}{
			{modeOctet, octets, slices.Contains(msgs, "")}, // "0 " is not a valid header
			{modeLine, lines, false},
		} {
			if c.skip {
				continue
			}
			out, err := frames(t, c.stream, sizes, c.mode, 64)
			if !errors.Is(err, io.EOF) {
				t.Fatalf("mode %d: %v", c.mode, err)
			}
			var got []string
			for _, fr := range out {
				got = append(got, fr.Text)
			}
			var want []string
			for _, m := range msgs {
				want = append(want, m[:min(len(m), 64)])
			}
			if !slices.Equal(got, want) {
				t.Errorf("mode %d: got %q, want %q", c.mode, got, want)
			}
		}
	})
}

// TestOctetLengths: a frame length of up to ten digits is read whole,
// also where int has 32 bits (4294967301 wrapped to 5 there), and the part
// of a frame past the limit is skipped before the next frame.
func TestOctetLengths(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		want      []string
		truncated []bool
		tagged    []bool // TagFrameIncomplete
	}{
		{"beyond 2^32, cut short", "4294967301 <1>hello5 <2>xx", []string{"<1>hello5 <2>xx"}, []bool{true}, []bool{true}},
		{"beyond 2^31, cut short", "3000000000 <1>x", []string{"<1>x"}, []bool{true}, []bool{true}},
		{"past the limit, then the next", "70 <1>" + strings.Repeat("x", 67) + "3 abc", []string{"<1>" + strings.Repeat("x", 61), "abc"}, []bool{true, false}, []bool{false, false}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := frames(t, []byte(tc.in), nil, modeOctet, 64)
			if len(out) != len(tc.want) {
				t.Fatalf("%d frames (%+v), err %v; want %d", len(out), out, err, len(tc.want))
			}
			for i, fr := range out {
				if fr.Text != tc.want[i] || fr.Truncated != tc.truncated[i] || (fr.Tag == TagFrameIncomplete) != tc.tagged[i] {
					t.Errorf("frame %d = %q truncated %v tag %q; want %q %v incomplete %v", i, fr.Text, fr.Truncated, fr.Tag, tc.want[i], tc.truncated[i], tc.tagged[i])
				}
			}
			if tc.tagged[len(tc.tagged)-1] && !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("err = %v, want io.ErrUnexpectedEOF", err)
			}
		})
	}
}
