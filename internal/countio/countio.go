// Package countio counts the bytes read through an io.Reader, for the
// inputs' byte counters (the HTTP input's request bodies, the Beats
// input's connections).
package countio

import (
	"io"
	"sync/atomic"
)

// Reader reads from R and adds the number of bytes read to N.
type Reader struct {
	R io.Reader
	N *atomic.Uint64
}

func (r Reader) Read(p []byte) (int, error) {
	n, err := r.R.Read(p)
	r.N.Add(uint64(n))
	return n, err
}
