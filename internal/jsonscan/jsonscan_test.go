package jsonscan

import (
	"math/bits"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

// special reports whether a byte inside a JSON string needs a closer look.
func special(c byte) bool { return c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf }

// EscapeMask must flag the first byte that is a control character, '"',
// '\\' or not ASCII, and no byte before it (bytes after it may be flagged
// falsely). Every pair of byte values is tried at every pair of adjacent
// positions, above plain bytes, then random words.
func TestEscapeMaskFirstFlag(t *testing.T) {
	check := func(w []byte) {
		want := 8
		for i, c := range w {
			if special(c) {
				want = i
				break
			}
		}
		got := 8
		if m := EscapeMask(Load64(string(w), 0)); m != 0 {
			got = bits.TrailingZeros64(m) >> 3
		}
		if got != want {
			t.Fatalf("EscapeMask(%q): first flag at %d, want %d", w, got, want)
		}
	}
	w := make([]byte, 8)
	for p := range 7 {
		for i := range w {
			w[i] = 'a'
		}
		for u := range 256 {
			for v := range 256 {
				w[p], w[p+1] = byte(u), byte(v)
				check(w)
			}
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	pick := []byte{0, 0x1f, ' ', '!', '"', '#', '\\', ']', 0x7f, 0x80, 0xc3, 0xff, 'a', 'z'}
	for range 1 << 20 {
		for i := range w {
			if r.IntN(2) == 0 {
				w[i] = pick[r.IntN(len(pick))]
			} else {
				w[i] = byte(r.IntN(256))
			}
		}
		check(w)
	}
}

// SkipPlain must stop at the first byte that needs a look, or where fewer
// than eight bytes are left, and never skip a byte that needs a look.
func TestSkipPlain(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	pick := []byte{0, '\n', '"', '\\', 0xc3, 'a', 'b', ' ', ':', '{'}
	for range 100000 {
		n := r.IntN(40)
		var sb strings.Builder
		for range n {
			if r.IntN(8) == 0 {
				sb.WriteByte(pick[r.IntN(len(pick))])
			} else {
				sb.WriteByte(byte('a' + r.IntN(26)))
			}
		}
		s := sb.String()
		from := 0
		if n > 0 {
			from = r.IntN(n + 1)
		}
		got := SkipPlain(s, from)
		want := from
		for want < len(s) && !special(s[want]) {
			want++
		}
		// Exact when the stop is a flagged byte found in a whole word;
		// otherwise it stops at the last position where a word fits.
		if got != want && !(got < want && got+8 > len(s)) {
			t.Fatalf("SkipPlain(%q, %d) = %d, want %d (or the tail)", s, from, got, want)
		}
		if got < from || got > want {
			t.Fatalf("SkipPlain(%q, %d) = %d: outside [%d, %d]", s, from, got, from, want)
		}
	}
}

// Masks.Escape is EscapeMask with its constants in variables: the same
// mask for every word, here every pair of byte values at every position
// and random words.
func TestMasksEscapeIsEscapeMask(t *testing.T) {
	k := EscapeMasks
	check := func(x uint64) {
		if got, want := k.Escape(x), EscapeMask(x); got != want {
			t.Fatalf("Escape(%#016x) = %#016x, EscapeMask %#016x", x, got, want)
		}
	}
	for p := 0; p < 64; p += 8 {
		for u := range uint64(1 << 16) {
			check(u<<p | 0x6161616161616161&^(0xffff<<p))
		}
	}
	r := rand.New(rand.NewPCG(5, 6))
	for range 1 << 20 {
		check(r.Uint64())
	}
}
