package codec

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"
)

// frames cuts data with l, reading from r, to the end of the stream.
func frames(t testing.TB, l *Line, r io.Reader) []Frame {
	t.Helper()
	s := l.NewLines(0)
	var out []Frame
	for {
		for {
			f, ok := s.Next()
			if !ok {
				break
			}
			out = append(out, f)
		}
		_, err := s.Fill(r)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	for {
		f, ok := s.Next()
		if !ok {
			break
		}
		out = append(out, f)
	}
	for {
		f, ok := s.Flush()
		if !ok {
			return out
		}
		out = append(out, f)
	}
}

func TestLines(t *testing.T) {
	tests := []struct {
		name  string
		cfg   LineConfig
		in    string
		texts []string
		trunc []int // indexes of truncated frames
	}{
		{name: "lines", in: "a\nbb\n", texts: []string{"a", "bb"}},
		{name: "crlf", in: "a\r\nb\r\n", texts: []string{"a", "b"}},
		{name: "last line without newline", in: "a\nb", texts: []string{"a", "b"}},
		{name: "empty lines", in: "\n\na\n", texts: []string{"", "", "a"}},
		{name: "invalid utf-8", in: "a\xffb\n", texts: []string{"a\uFFFDb"}},
		{name: "other delimiter keeps cr", cfg: LineConfig{Delimiter: "|"}, in: "a\r|b", texts: []string{"a\r", "b"}},
		{name: "multi-byte delimiter", cfg: LineConfig{Delimiter: "<E>"}, in: "a<E>b<<E>c<E", texts: []string{"a", "b<", "c<E"}},
		{name: "truncated", cfg: LineConfig{MaxBytes: 3}, in: "abcdef\nxy\n", texts: []string{"abc", "xy"}, trunc: []int{0}},
		{name: "truncated last line", cfg: LineConfig{MaxBytes: 3}, in: "ab\nabcdef", texts: []string{"ab", "abc"}, trunc: []int{1}},
		{name: "truncated multi-byte delimiter", cfg: LineConfig{MaxBytes: 2, Delimiter: "##"}, in: "abcde##f##", texts: []string{"ab", "f"}, trunc: []int{0}},
		// The "\r" removed before "\n" (or at the end) is not part of the
		// line: it does not count against MaxBytes.
		{name: "crlf line of max bytes", cfg: LineConfig{MaxBytes: 3}, in: "abc\r\nxyz\n", texts: []string{"abc", "xyz"}},
		{name: "crlf last line of max bytes", cfg: LineConfig{MaxBytes: 3}, in: "ab\nabc\r", texts: []string{"ab", "abc"}},
		{name: "crlf line over max bytes", cfg: LineConfig{MaxBytes: 3}, in: "abcd\r\nxy\n", texts: []string{"abc", "xy"}, trunc: []int{0}},
		{name: "cr inside line over max bytes", cfg: LineConfig{MaxBytes: 3}, in: "abc\rd\nxy\n", texts: []string{"abc", "xy"}, trunc: []int{0}},
		{name: "cut before cr", cfg: LineConfig{MaxBytes: 2}, in: "abc\r\nxy\n", texts: []string{"ab", "xy"}, trunc: []int{0}},
		// A delimiter byte from 0x80 up can cut a valid character in two:
		// each line is checked.
		{name: "non-ASCII delimiter", cfg: LineConfig{Delimiter: "\x82"}, in: "\xc9\x82ok\xc9\x82", texts: []string{"\uFFFD", "ok\uFFFD"}},
		{name: "cut character", cfg: LineConfig{MaxBytes: 2}, in: "aé\n", texts: []string{"a\uFFFD"}, trunc: []int{0}},
	}
	for _, tc := range tests {
		for _, oneByte := range []bool{false, true} {
			t.Run(tc.name, func(t *testing.T) {
				cfg := tc.cfg
				cfg.ReadSize = 4
				l, err := NewLine(cfg)
				if err != nil {
					t.Fatal(err)
				}
				var r io.Reader = strings.NewReader(tc.in)
				if oneByte {
					r = iotest.OneByteReader(r)
				}
				got := frames(t, l, r)
				var texts []string
				var trunc []int
				end := int64(0)
				for i, f := range got {
					if !utf8.ValidString(f.Text) {
						t.Errorf("frame %d: text %q is not valid UTF-8", i, f.Text)
					}
					texts = append(texts, f.Text)
					if f.Truncated {
						trunc = append(trunc, i)
					}
					if f.Start != end || f.End <= f.Start && f.End != int64(len(tc.in)) {
						t.Errorf("frame %d spans [%d,%d), previous ended at %d", i, f.Start, f.End, end)
					}
					end = f.End
				}
				if end != int64(len(tc.in)) {
					t.Errorf("frames end at %d, stream has %d bytes", end, len(tc.in))
				}
				if strings.Join(texts, "\x00") != strings.Join(tc.texts, "\x00") {
					t.Errorf("texts %q, want %q", texts, tc.texts)
				}
				if len(trunc) != len(tc.trunc) || (len(trunc) > 0 && trunc[0] != tc.trunc[0]) {
					t.Errorf("truncated frames %v, want %v", trunc, tc.trunc)
				}
			})
		}
	}
}

func TestNewLineErrors(t *testing.T) {
	utf16, err := NewCharset("UTF-16LE")
	if err != nil {
		t.Fatal(err)
	}
	for _, cfg := range []LineConfig{{MaxBytes: -1}, {ReadSize: -1}, {Charset: utf16}} {
		if _, err := NewLine(cfg); err == nil {
			t.Errorf("NewLine(%+v): want an error", cfg)
		}
	}
}

// FuzzLines checks the framing invariants on any input and delimiter:
// no panic, frames tile the stream, texts are valid UTF-8 and no longer
// than MaxBytes characters, a frame is truncated exactly when its line is
// longer than MaxBytes (a "\r" removed before "\n" not counted), and a
// frame that is not truncated holds exactly its bytes (valid UTF-8 input,
// no CR before the delimiter).
func FuzzLines(f *testing.F) {
	f.Add([]byte("a\nb\r\nc"), "\n", 4)
	f.Add([]byte("x<E>y<E"), "<E>", 2)
	f.Add([]byte("\xff\xfe\n\n"), "\n", 1)
	f.Add(bytes.Repeat([]byte("abc"), 100), "ca", 5)
	f.Add([]byte("abc\r\nxyz\r"), "\n", 3)           // lines of MaxBytes and a "\r"
	f.Add([]byte("\xc9\x82ok\xc9\x82"), "\x82", 100) // the delimiter is the end of a character
	f.Fuzz(func(t *testing.T, data []byte, delim string, max int) {
		if max < 1 || max > 1000 || len(delim) > 8 {
			return
		}
		l, err := NewLine(LineConfig{Delimiter: delim, MaxBytes: max, ReadSize: 7})
		if err != nil {
			t.Fatal(err)
		}
		d := delim
		if d == "" {
			d = "\n"
		}
		end := int64(0)
		for i, fr := range frames(t, l, bytes.NewReader(data)) {
			if fr.Start != end {
				t.Fatalf("frame %d starts at %d, previous ended at %d", i, fr.Start, end)
			}
			end = fr.End
			if !utf8.ValidString(fr.Text) {
				t.Fatalf("frame %d: invalid UTF-8", i)
			}
			if n := utf8.RuneCountInString(fr.Text); n > max {
				// Each byte kept gives at most one character.
				t.Fatalf("frame %d: %d characters from at most %d bytes", i, n, max)
			}
			raw := data[fr.Start:fr.End]
			raw = bytes.TrimSuffix(raw, []byte(d))
			n := len(raw)
			if d == "\n" && n > 0 && raw[n-1] == '\r' {
				n-- // removed, not counted against MaxBytes
			}
			if fr.Truncated != (n > max) {
				t.Fatalf("frame %d: %d bytes, Truncated %v with MaxBytes %d", i, n, fr.Truncated, max)
			}
			if !fr.Truncated && utf8.Valid(raw) && !bytes.HasSuffix(raw, []byte{'\r'}) && string(raw) != fr.Text {
				t.Fatalf("frame %d: text %q, bytes %q", i, fr.Text, raw)
			}
		}
		if end != int64(len(data)) {
			t.Fatalf("frames end at %d of %d", end, len(data))
		}
	})
}
