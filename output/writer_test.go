package output

import (
	"runtime"
	"testing"
)

func TestCodecText(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Codec
		ok   bool
	}{
		{"rubydebug", RubyDebug, true},
		{"json_lines", JSONLines, true},
		{"json", JSONLines, true},
		{"plain", 0, false},
	} {
		var c Codec
		err := c.UnmarshalText([]byte(tc.in))
		if (err == nil) != tc.ok || c != tc.want {
			t.Errorf("UnmarshalText(%q) = %v, %v", tc.in, c, err)
		}
	}
	if b, err := RubyDebug.MarshalText(); err != nil || string(b) != "rubydebug" {
		t.Errorf("MarshalText = %q, %v", b, err)
	}
	if _, err := Codec(9).MarshalText(); err == nil {
		t.Error("MarshalText of an unknown codec succeeded")
	}
}

// TestBufPool checks the encoding buffers' free list: a buffer comes back
// emptied and keeps its memory across a garbage collection, and one over
// maxPooledBuf is not kept.
func TestBufPool(t *testing.T) {
	var p bufPool
	b := p.get()
	*b = append(*b, make([]byte, 1000)...)
	p.put(b)
	runtime.GC()
	if got := p.get(); got != b || len(*got) != 0 || cap(*got) < 1000 {
		t.Fatalf("get after a GC = %p (len %d, cap %d), want the same buffer %p emptied", got, len(*got), cap(*got), b)
	}
	huge := new([]byte)
	*huge = make([]byte, 0, maxPooledBuf+1)
	p.put(huge)
	if p.l.Len() != 0 {
		t.Fatal("a buffer over maxPooledBuf was kept")
	}
}
