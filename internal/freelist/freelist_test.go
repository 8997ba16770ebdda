package freelist

import (
	"runtime"
	"sync"
	"testing"
)

func TestList(t *testing.T) {
	var l List[[]byte]
	b := l.Get()
	*b = make([]byte, 1000)
	l.Put(b)
	runtime.GC()
	runtime.GC() // a sync.Pool is empty after two
	if got := l.Get(); got != b || len(*got) != 1000 {
		t.Fatalf("Get after GCs = %p, want the value put, %p", got, b)
	}
	if got := l.Get(); got == b || got == nil || *got != nil {
		t.Fatalf("Get of an empty list = %p (%v), want a new zero value", got, got)
	}
	var vals []*[]byte
	for range DefaultMax + 3 {
		vals = append(vals, l.Get())
	}
	for _, v := range vals {
		l.Put(v)
	}
	if l.Len() != DefaultMax {
		t.Fatalf("%d kept, want DefaultMax %d", l.Len(), DefaultMax)
	}
	small := List[int]{Max: 1}
	small.Put(new(int))
	small.Put(new(int))
	if small.Len() != 1 {
		t.Fatalf("Max 1: %d kept", small.Len())
	}
}

// TestListConcurrent: no value is handed to two users at once.
func TestListConcurrent(t *testing.T) {
	var l List[int]
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 1000 {
				x := l.Get()
				*x = g*1000 + i
				runtime.Gosched()
				if *x != g*1000+i {
					t.Errorf("value changed while held: %d", *x)
					return
				}
				l.Put(x)
			}
		})
	}
	wg.Wait()
}
