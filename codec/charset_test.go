package codec

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestCharset(t *testing.T) {
	tests := []struct {
		charset string
		in      string
		want    string
		ascii   bool
	}{
		{"ISO-8859-1", "caf\xe9 \xa3", "café £", true},
		{"latin1", "\xfc", "ü", true},
		{"Windows-1252", "\x80 \x93x\x94", "€ “x”", true},
		{"cp1252", "\x80", "€", true},
		{"Shift_JIS", "\x82\xa0", "あ", true},
		{"UTF-16LE", "a\x00\n\x00", "a\n", false},
		{"", "ok \xff", "ok \uFFFD", true},
		{"utf-8", "é", "é", true},
		// Ruby's names, which Logstash's charset option accepts: US-ASCII,
		// each byte from 0x80 up one U+FFFD (Logstash's charset_spec.rb).
		{"ASCII-8BIT", "\xe0 Montr\xe9al", "\uFFFD Montr\uFFFDal", true},
		{"binary", "a\x80\xff\x7f", "a\uFFFD\uFFFD\x7f", true},
		{"ASCII", "\x80", "\uFFFD", true}, // not WHATWG's windows-1252 "€"
		{"US-ASCII", "\xe9", "\uFFFD", true},
	}
	for _, tc := range tests {
		t.Run(tc.charset, func(t *testing.T) {
			cs, err := NewCharset(tc.charset)
			if err != nil {
				t.Fatal(err)
			}
			if cs.ASCIICompatible() != tc.ascii {
				t.Fatalf("ASCIICompatible = %v, want %v", cs.ASCIICompatible(), tc.ascii)
			}
			if tc.ascii {
				if got := cs.Decode([]byte(tc.in)); got != tc.want {
					t.Fatalf("Decode = %q, want %q", got, tc.want)
				}
			}
			b, err := io.ReadAll(cs.NewReader(strings.NewReader(tc.in)))
			if err != nil {
				t.Fatal(err)
			}
			if tc.charset != "" && string(b) != tc.want {
				t.Fatalf("NewReader gives %q, want %q", b, tc.want)
			}
		})
	}
}

// TestCharsetUnsupported: names that are no charset, and WHATWG's
// "replacement" labels, which decode any text to one U+FFFD, are refused.
func TestCharsetUnsupported(t *testing.T) {
	for _, name := range []string{"EBCDIC-XYZ", "ISO-2022-KR", "csISO2022KR", "ISO-2022-CN", "ISO-2022-CN-ext", "replacement"} {
		t.Run(name, func(t *testing.T) {
			cs, err := NewCharset(name)
			if err == nil {
				t.Fatalf("accepted: %q decodes to %q", "hello world", cs.Decode([]byte("hello world")))
			}
			if !strings.Contains(err.Error(), "unknown or unsupported charset") {
				t.Fatalf("error %v", err)
			}
		})
	}
}

// TestLinesLatin1 frames ISO-8859-1 text: lines and offsets come from the
// stream's own bytes, texts are UTF-8.
func TestLinesLatin1(t *testing.T) {
	cs, err := NewCharset("ISO-8859-1")
	if err != nil {
		t.Fatal(err)
	}
	l, err := NewLine(LineConfig{Charset: cs})
	if err != nil {
		t.Fatal(err)
	}
	got := frames(t, l, strings.NewReader("d\xe9j\xe0\r\nna\xefve\n"))
	if len(got) != 2 || got[0].Text != "déjà" || got[1].Text != "naïve" || got[1].Start != 6 || got[1].End != 12 {
		t.Fatalf("frames %+v", got)
	}
}

// FuzzCharset: any name either makes a Charset or is an error, and any
// bytes decode to valid UTF-8, through Decode and (but for UTF-8) through
// NewReader;
// in an ASCII-compatible charset, ASCII letters, digits, spaces and
// newlines are kept as they are.
func FuzzCharset(f *testing.F) {
	names := []string{"", "UTF-8", "ISO-8859-1", "latin1", "Windows-1252", "cp1252", "Shift_JIS", "EUC-JP", "GBK", "Big5", "KOI8-R", "UTF-16LE", "UTF-16BE", "ASCII-8BIT"}
	f.Add("", uint8(0), []byte("caf\xe9\n"))
	f.Add("", uint8(2), []byte("caf\xe9\n"))
	f.Add("", uint8(10), []byte("\xff\xfe\x00a"))
	f.Add("ISO-2022-KR", uint8(0), []byte("a"))
	f.Add("", uint8(6), []byte("\x82\xa0ok 12\n"))
	f.Fuzz(func(t *testing.T, name string, i uint8, b []byte) {
		if name == "" {
			name = names[int(i)%len(names)]
		}
		c, err := NewCharset(name)
		if err != nil {
			return
		}
		s := c.Decode(b)
		if !utf8.ValidString(s) {
			t.Fatalf("%s: Decode(%q) = %q, invalid UTF-8", name, b, s)
		}
		// A nil Charset's NewReader returns the reader as it is.
		r, err := io.ReadAll(c.NewReader(bytes.NewReader(b)))
		if c != nil && err == nil && !utf8.Valid(r) {
			t.Fatalf("%s: NewReader(%q) gave %q, invalid UTF-8", name, b, r)
		}
		if c.ASCIICompatible() {
			plain := strings.Map(func(r rune) rune {
				if r < 0x80 && (r == ' ' || r == '\n' || unicode.IsLetter(r) || unicode.IsDigit(r)) {
					return r
				}
				return -1
			}, string(b))
			if got := c.Decode([]byte(plain)); got != plain {
				t.Fatalf("%s: Decode(%q) = %q, want it unchanged", name, plain, got)
			}
		}
	})
}
