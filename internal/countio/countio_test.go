package countio

import (
	"io"
	"strings"
	"sync/atomic"
	"testing"
)

func TestReader(t *testing.T) {
	var n atomic.Uint64
	b, err := io.ReadAll(Reader{strings.NewReader("hello, world"), &n})
	if err != nil || string(b) != "hello, world" || n.Load() != 12 {
		t.Fatalf("read %q, %v; counted %d, want 12", b, err, n.Load())
	}
}
