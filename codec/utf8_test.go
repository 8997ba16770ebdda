package codec

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// validUTF8 agrees with utf8.Valid, with non-ASCII and invalid bytes at
// every offset of a block and across block ends.
func TestValidUTF8(t *testing.T) {
	ascii := strings.Repeat("abcdefgh", 40) // 320 bytes: two blocks and a tail
	for _, ins := range []string{"é", "신발", "😀", "\xff", "\xc3", "\x80", "\xed\xa0\x80", "\xef\xbf\xbd", "é\xe2\x82", "\xf4\x90\x80\x80"} {
		for at := 0; at <= len(ascii); at++ {
			s := ascii[:at] + ins + ascii[at:]
			if got, want := validUTF8([]byte(s)), utf8.ValidString(s); got != want {
				t.Fatalf("%q at %d: %v, want %v", ins, at, got, want)
			}
			s = ascii[:at] + ins + ascii[at:] + ins
			if got, want := validUTF8([]byte(s)), utf8.ValidString(s); got != want {
				t.Fatalf("%q at %d and the end: %v, want %v", ins, at, got, want)
			}
		}
	}
}

func FuzzValidUTF8(f *testing.F) {
	f.Add([]byte(strings.Repeat("x", 130) + "é" + strings.Repeat("y", 200)))
	f.Add([]byte(strings.Repeat("신발", 50)))
	f.Add([]byte(strings.Repeat("z", 127) + "\xe2\x82"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := validUTF8(b), utf8.Valid(b); got != want {
			t.Fatalf("%q: %v, want %v", b, got, want)
		}
	})
}
