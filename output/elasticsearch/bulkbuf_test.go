package elasticsearch

import "testing"

// TestPutBuffer checks that a bulk buffer is kept for the next Write
// unless it grew past maxKeptBuffer.
func TestPutBuffer(t *testing.T) {
	var es Output
	small := es.bufs.Get()
	small.body = make([]byte, 0, 1<<20)
	es.putBuffer(small)
	if es.bufs.Len() != 1 {
		t.Fatalf("a 1 MiB buffer was not kept (%d kept)", es.bufs.Len())
	}
	if got := es.bufs.Get(); got != small {
		t.Fatal("Get did not return the kept buffer")
	}
	big := &bulkBuffer{body: make([]byte, 0, maxKeptBuffer/2), resp: make([]byte, 0, maxKeptBuffer/2+1)}
	es.putBuffer(big)
	if es.bufs.Len() != 0 {
		t.Fatal("a buffer over maxKeptBuffer was kept")
	}
}
