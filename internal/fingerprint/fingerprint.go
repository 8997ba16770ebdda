package fingerprint

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
)

// DefaultSize is the number of leading bytes a Fingerprint holds unless
// configured otherwise.
const DefaultSize = 1000

// MinSize is the smallest useful fingerprint size. Smaller sizes make
// unrelated files that share a common first line look identical.
const MinSize = 16

// Fingerprint is the first bytes of a file (at most the size it was read
// with). The zero Fingerprint is empty: it is the fingerprint of an empty
// file and matches nothing.
type Fingerprint struct {
	b []byte
}

// New returns a Fingerprint holding a copy of b.
func New(b []byte) Fingerprint { return Fingerprint{b: bytes.Clone(b)} }

// Read reads the fingerprint of r: its first size bytes, or fewer when r is
// shorter. It reads with ReadAt at offset 0, so it does not move the read
// position of an *os.File. buf is reused when it is large enough.
func Read(r io.ReaderAt, size int, buf []byte) (Fingerprint, []byte, error) {
	if size <= 0 {
		return Fingerprint{}, buf, fmt.Errorf("fingerprint: size %d must be positive", size)
	}
	if cap(buf) < size {
		buf = make([]byte, size)
	}
	buf = buf[:size]
	n, err := r.ReadAt(buf, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return Fingerprint{}, buf, fmt.Errorf("fingerprint: read: %w", err)
	}
	return Fingerprint{b: bytes.Clone(buf[:n])}, buf, nil
}

// Len returns the number of bytes the fingerprint covers.
func (f Fingerprint) Len() int { return len(f.b) }

// Bytes returns the bytes of the fingerprint. They must not be modified.
func (f Fingerprint) Bytes() []byte { return f.b }

// StartsWith reports whether f begins with every byte of old, that is
// whether f is the fingerprint of old's file after it grew. An empty old
// matches nothing.
func (f Fingerprint) StartsWith(old Fingerprint) bool {
	return len(old.b) > 0 && bytes.HasPrefix(f.b, old.b)
}

// Related reports whether one of f and g starts with the other: the two
// fingerprints may come from the same data at different sizes. Empty
// fingerprints are related to nothing.
func (f Fingerprint) Related(g Fingerprint) bool {
	if len(f.b) == 0 || len(g.b) == 0 {
		return false
	}
	if len(f.b) < len(g.b) {
		return bytes.HasPrefix(g.b, f.b)
	}
	return bytes.HasPrefix(f.b, g.b)
}

// Sum returns a short, stable hexadecimal digest of the fingerprint's bytes
// (the first 8 bytes of their SHA-256), suitable for identifiers and for
// saving to disk.
func (f Fingerprint) Sum() string { return SumBytes(f.b) }

// SumBytes returns the digest Sum would return for a fingerprint of b.
func SumBytes(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:8])
}

// MatchesSum reports whether the first n bytes of f have the digest sum, as
// returned by Sum for a fingerprint of n bytes. It lets a saved position,
// which stores only the digest and its length, be matched against a file
// that has since grown.
func (f Fingerprint) MatchesSum(n int, sum string) bool {
	if n <= 0 || n > len(f.b) {
		return false
	}
	return SumBytes(f.b[:n]) == sum
}
